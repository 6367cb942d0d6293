"""``equilibria dsge MODEL.toml ACTION``: solve a model file from the command line.

Exit status: 0 success; 2 a bad model file or option (one line naming the equation or symbol);
3 no steady state, or no unique stable solution (the line counts unstable eigenvalues and
forward-looking variables).
"""
from __future__ import annotations

from pathlib import Path

import click

from ..cli import json_option, out_option, user_errors, _emit

__all__ = ["dsge"]


def _numbers(pairs, option):
    from ..errors import ParameterError
    from ..params import parse_overrides

    values = parse_overrides(pairs)
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(key, f"{option} needs a number", value)
    return values


@click.command("dsge")
@click.argument("model_file", metavar="MODEL.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("action", type=click.Choice(["steady", "irf", "moments", "simulate"]))
@click.option("--set", "overrides", multiple=True, metavar="PARAM=VALUE", help="Override a model parameter. Repeatable.")
@click.option("--shock", "shocks", multiple=True, metavar="NAME=SIZE",
              help="Impulse responses to innovation NAME of SIZE (its units; default: every innovation, one "
                   "standard deviation). Repeatable.")
@click.option("--periods", type=click.IntRange(1, 100_000), help="Horizon (irf: 40) or length (simulate: 200).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the simulation.")
@json_option
@out_option
@user_errors
def dsge(model_file, action, overrides, shocks, periods, seed, as_json, out):
    """Steady state, impulse responses, moments or a simulation of a DSGE model file.

    Log variables are reported in percent (100 x log deviation), the others as level deviations.
    """
    from .model import Model
    from .report import dsge_result

    model = Model.from_file(model_file)
    result = dsge_result(model, action, params=_numbers(overrides, "--set"), shocks=_numbers(shocks, "--shock"),
                         periods=periods, seed=seed)
    _emit(result, as_json, out)
