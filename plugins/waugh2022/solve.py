"""The plugin's one switch: ``params.model`` picks the static model or the heterogeneous-agent model.

* ``"static"`` — Appendix A: the model in ``static.py``, its experiments in ``experiments_static.py``
  and theorems in ``theorems_static.py``.
* ``"hand_to_mouth"`` and ``"incomplete_markets"`` — sections 1.2-1.7: ``household.py`` and
  ``distribution.py`` (on the core's household toolkit), ``stationary.py`` (the equilibrium),
  ``planner.py`` (section 1.6), ``calibration.py``, ``experiments_ha.py`` and ``theorems_ha.py``.

:func:`solve` is what ``equilibria solve waugh2022`` runs; :func:`by_model` makes an experiment
that exists for both models dispatch the same way.
"""
from __future__ import annotations

import functools
from typing import Callable

from equilibria import Result

from .params import WaughParameters

__all__ = ["STATIC_MODELS", "HETEROGENEOUS_MODELS", "is_static", "solve", "by_model"]

STATIC_MODELS = ("static",)
HETEROGENEOUS_MODELS = ("hand_to_mouth", "incomplete_markets")


def is_static(params: WaughParameters) -> bool:
    """Whether ``params.model`` selects the static model of Appendix A."""
    return params.model in STATIC_MODELS


def solve(params: WaughParameters) -> Result:
    """The equilibrium of the selected model as a :class:`~equilibria.Result` (with its solver ``report``)."""
    if is_static(params):
        from .experiments_static import solve_static_result
        return solve_static_result(params)
    from .experiments_ha import solve_heterogeneous
    return solve_heterogeneous(params)


def by_model(static: Callable, heterogeneous: Callable) -> Callable:
    """An experiment's ``run(params, options)`` running ``static`` or ``heterogeneous`` by ``params.model``."""
    @functools.wraps(static)
    def run(params: WaughParameters, options):
        return (static if is_static(params) else heterogeneous)(params, options)
    return run
