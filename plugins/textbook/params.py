"""Parameters of the textbook plugin: which shipped model file, the horizon, the number of lags.

The models' own parameters live in their model files (``data/*.toml``); ``equilibria dsge
FILE ACTION --set NAME=VALUE`` changes them, and ``values`` does here.
"""
from __future__ import annotations

import attrs

from equilibria import ParameterError, Parameters, param
from equilibria.params import as_int, one_of, positive

__all__ = ["TextbookParameters", "MODELS"]

MODELS = ("brock_mirman", "rbc", "nk", "nk_medium")


def _as_values(value, name):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParameterError(name, "must be an object of model parameter names and numbers", value)
    out = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ParameterError(f"{name}.{key}", "must be a number", number)
        out[str(key)] = float(number)
    return out


@attrs.frozen(kw_only=True)
class TextbookParameters(Parameters):
    """Which model file to solve and how to report it."""

    model = param("rbc", description="the shipped model file: brock_mirman, rbc, nk or nk_medium (32 equations)", validator=one_of(*MODELS))
    periods = param(40, description="horizon of impulse responses (period 0 = impact)", unit="periods",
                    converter=as_int, validator=positive)
    lags = param(5, description="autocorrelations reported for lags 1..lags", unit="periods",
                 converter=as_int, validator=positive)
    values = param(None, description="model parameters to override, e.g. {\"beta\": 0.98} (JSON object)",
                   converter=attrs.Converter(lambda v, _s, f: _as_values(v, f.alias or f.name),
                                             takes_self=True, takes_field=True))
