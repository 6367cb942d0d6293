"""One model, one action, one :class:`~equilibria.results.Result`: what ``equilibria dsge`` prints.

Shared by the command line and by plugins that ship model files, so both report the same JSON:
``steady_state`` ({variable: level}), ``eigenvalues`` (finite moduli, ascending), then by action
``irf`` ({innovation: {variable: [values]}}), ``moments`` (``std``, ``autocorrelation``,
``correlation``, ``variance_decomposition``) or ``simulation`` ({variable: [values]}), and
``report``. Responses, moments and simulations are in report units: 100 × log deviation for
log variables, level deviation otherwise.
"""
from __future__ import annotations

import time
from typing import Mapping

import numpy as np

from ..errors import ParameterError
from ..quantities import present
from ..results import Result, Table
from .qz import STABILITY_THRESHOLD

__all__ = ["ACTIONS", "dsge_result", "determinacy_line"]

ACTIONS = ("steady", "irf", "moments", "simulate")


def determinacy_line(solution) -> str:
    moduli = np.abs(solution.eigenvalues)
    unstable = int(np.sum(moduli >= STABILITY_THRESHOLD))
    infinite = int(np.sum(~np.isfinite(moduli)))
    return (f"unique stable solution: {unstable} eigenvalue(s) outside the unit circle ({infinite} infinite) for "
            f"{len(solution.model.forward)} forward-looking variable(s)")


def _units(model) -> dict[str, str]:
    return {v: ("percent" if log else "level") for v, log in zip(model.variables, model.log_variables)}


def dsge_result(model, action: str = "irf", params: Mapping[str, float] | None = None,
                shocks: Mapping[str, float] | None = None, periods: int | None = None, seed: int | None = 0,
                lags: int = 5) -> Result:
    """Solve ``model`` at ``params`` and run ``action`` (one of :data:`ACTIONS`).

    ``shocks`` maps innovations to sizes for ``irf`` (default: every innovation, one standard
    deviation); ``periods`` defaults to 40 for ``irf`` and 200 for ``simulate``.
    """
    if action not in ACTIONS:
        raise ParameterError("action", f"must be one of {', '.join(ACTIONS)}", action)
    if shocks and action != "irf":
        raise ParameterError("--shock", "sizes innovations for impulse responses only (action irf)")
    started = time.perf_counter()
    units = _units(model)
    data: dict = {}
    tables: dict = {}
    figures: dict = {}
    if action == "steady":
        steady = model.steady_state(params)
        solution = None
    else:
        solution = model.solve(params)
        steady = solution.steady_state
    data["steady_state"] = dict(steady.values)
    tables["steady state"] = Table(columns=["variable", "level", "units of responses"],
                                   rows=[[v, x, units[v]] for v, x in steady.values.items()])
    if solution is not None:
        data["eigenvalues"] = solution.eigenvalue_moduli()
    if action == "irf":
        from .figures import irf_figure

        horizon = 40 if periods is None else int(periods)
        if shocks:
            for name in shocks:
                solution._shock_index(name)
            chosen = {name: float(size) for name, size in shocks.items()}
        else:
            chosen = {name: float(std) for name, std in zip(model.shocks, solution.shock_std)}
        data["irf"] = {name: solution.irf(name, size, horizon) for name, size in chosen.items()}
        labels = {v: "% dev." if u == "percent" else "dev." for v, u in units.items()}
        for name, paths in data["irf"].items():
            figures[f"irf_{name}"] = irf_figure(paths, title=f"{model.name}: innovation {name} of size "
                                                            f"{chosen[name]:.4g}", units=labels)
            tables[f"impact of {name}"] = Table(
                columns=["variable", "impact", "period 1", "peak", "peak period"],
                rows=[[v, p[0], p[1] if p.size > 1 else float("nan"), p[np.argmax(np.abs(p))],
                       int(np.argmax(np.abs(p)))] for v, p in paths.items()])
    elif action == "moments":
        moments = solution.moments(lags)
        data["moments"] = moments.to_dict()
        tables["moments"] = Table(columns=["variable", "std", "autocorrelation(1)", *model.shocks],
                                  rows=[[v, moments.std[v], moments.autocorrelation[v][0] if lags else "",
                                         *[moments.variance_decomposition[v][e] for e in model.shocks]]
                                        if v not in moments.constant else [v, moments.std[v], "constant",
                                                                           *["" for _ in model.shocks]]
                                        for v in model.variables],
                                  caption="std in percent (log variables) or levels; the last columns are "
                                          "variance shares by innovation")
    elif action == "simulate":
        from .figures import irf_figure

        length = 200 if periods is None else int(periods)
        data["simulation"] = solution.simulate(length, seed=seed)
        figures["simulation"] = irf_figure(data["simulation"], title=f"{model.name}: simulation (seed {seed})")
    report = {
        "model": model.name, "action": action, "variables": model.n, "innovations": list(model.shocks),
        "states": list(model.state_variables), "forward_looking": list(model.forward), "static": list(model.static),
        "units": units, "parameters": model.parameter_values(params),
        "steady_state": steady.report.to_dict(), "setup_seconds": model.setup_seconds,
        "seconds": time.perf_counter() - started,
    }
    if solution is not None:
        report["determinacy"] = determinacy_line(solution)
        report["infinite_eigenvalues"] = int(np.sum(~np.isfinite(np.abs(solution.eigenvalues))))
    data["report"] = report
    from .quantities import dsge_quantities

    return Result(data=data, tables=tables, figures=figures, quantities=present(data, dsge_quantities(model)),
                  notes=[f"{model.name}: {report.get('determinacy', 'steady state only')}"])
