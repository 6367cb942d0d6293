"""Parameters of the textbook plugin: which shipped model file, the horizon, the number of lags.

The models' own parameters live in their model files (``data/*.toml``); ``equilibria dsge
FILE ACTION --set NAME=VALUE`` changes them, and ``values`` does here.
"""
from __future__ import annotations

import attrs

from equilibria import ParameterError, Parameters, param
from equilibria.params import as_int, at_most, one_of, positive

__all__ = ["TextbookParameters", "MODELS"]

MODELS = ("brock_mirman", "rbc", "nk", "nk_medium")
MAX_PERIODS = 100_000
"""Longest impulse-response horizon (the bound of ``equilibria dsge --periods``)."""
MAX_LAGS = 1_000
"""Most autocorrelation lags reported."""


def _as_values(value, name):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ParameterError(name, "must be an object of model parameter names and numbers", value)
    out = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ParameterError(name, f"entry {str(key)[:40]!r} must be a number", number)
        try:
            out[str(key)] = float(number)
        except OverflowError:
            raise ParameterError(name, f"entry {str(key)[:40]!r} is too large for a float", number) from None
    return out


@attrs.frozen(kw_only=True)
class TextbookParameters(Parameters):
    """Which model file to solve and how to report it."""

    model = param("rbc", description="the shipped model file: brock_mirman, rbc, nk or nk_medium (32 equations)", validator=one_of(*MODELS))
    periods = param(40, description="horizon of impulse responses (period 0 = impact); at most "
                    f"{MAX_PERIODS:,}, as for ``equilibria dsge --periods``", unit="periods",
                    converter=as_int, validator=[positive, at_most(MAX_PERIODS)])
    lags = param(5, description=f"autocorrelations reported for lags 1..lags (at most {MAX_LAGS:,}: every lag "
                 "keeps an n x n autocovariance and is reported)", unit="periods",
                 converter=as_int, validator=[positive, at_most(MAX_LAGS)])
    values = param(None, description="model parameters to override, e.g. {\"beta\": 0.98} (JSON object)",
                   converter=attrs.Converter(lambda v, _s, f: _as_values(v, f.alias or f.name),
                                             takes_self=True, takes_field=True))

    def check(self) -> None:
        """Every entry of ``values`` is a parameter of the chosen model with a usable value."""
        if not self.values:
            return
        from .models import load_model

        model = load_model(self.model)
        try:
            model.parameter_vector(self.values)
        except ParameterError as exc:
            raise ParameterError("values", f"{exc.parameter}: {exc.rule}"[:300]) from None
