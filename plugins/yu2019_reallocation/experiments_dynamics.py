"""The ``irf`` and ``efficiency`` experiments: transitions after the TFP shocks of section 2.5.2.

Both solve the stationary equilibrium, then the perfect-foresight transition after TFP falls by
1.00% in the first period and 0.90% in the second (:func:`~.transition.tfp_path`), for the
given λ and — as in Figures 2.1–2.6 — for λ = 0 (no information asymmetry, Lanteri's model).
``irf`` plots Figures 2.1–2.3 (which one depends on ε and b̄), ``efficiency`` Figures 2.4–2.6:
the mean MPK ratio and the endogenous component of measured TFP (section 2.4.5).
"""
from __future__ import annotations

import sys
import time

import attrs
import numpy as np

from equilibria import ConvergenceError, Result, Table, param
from equilibria.params import as_bool, as_float, as_int, at_least, at_most, positive

from .params import ReallocationParameters
from .stationary import solve_stationary
from .transition import SOURCE_SHOCK, ReallocationTransition, solve_path, tfp_path

__all__ = ["TransitionParameters", "run_irf", "run_efficiency", "IRF_PANELS", "EFFICIENCY_PANELS",
           "transition_paths"]


@attrs.frozen(kw_only=True)
class TransitionParameters(ReallocationParameters):
    """The full model (Table 2.1 defaults) and the transition's settings."""

    periods = param(150, description="T, periods of the transition path (prices are stationary after T)",
                    converter=as_int, validator=[at_least(10), at_most(2000)])
    tolerance = param(1e-7, description="largest market residual accepted in any period (units of the good, "
                                        "of capital and of labor)", converter=as_float, validator=positive)
    compare_no_lemons = param(True, description="also solve the economy without lemons (λ = 0, Lanteri), as in "
                                                "Figures 2.1-2.6", converter=as_bool)
    shown_periods = param(15, description="periods shown in the figures and tables (t = 0 is the steady state)",
                          converter=as_int, validator=[at_least(3), at_most(2000)])


#: Figure 2.1-2.3 panels: (title, path name, steady-state name).
IRF_PANELS = (("p", "used_price"), ("λ_M", "market_lemon_share"), ("S_g", "good_capital_sold"),
              ("Total reallocation (quantity)", "total_reallocation"), ("Output", "output"),
              ("Investment", "new_investment"), ("Labor", "labor_demand"), ("Capital", "capital"),
              ("Wage", "wage"))

#: Figure 2.4-2.6 panels.
EFFICIENCY_PANELS = (("Mean MPK ratio", "mean_mpk_ratio"), ("TFP end", "endogenous_tfp"))

#: Which of the source's figures an (ε, b̄) pair reproduces.
SOURCE_FIGURES = {(2.5, 0.35): ("2.1", "2.4"), (3.5, 0.35): ("2.2", "2.5"), (2.5, 0.25): ("2.3", "2.6")}


def _economies(params: TransitionParameters):
    model = {f.name: getattr(params, f.name) for f in attrs.fields(ReallocationParameters)}
    out = [(f"λ={100 * params.lemons_share:g}%", ReallocationParameters(**model))]
    if params.compare_no_lemons and params.lemons_share > 0:
        out.append(("λ=0 (Lanteri)", ReallocationParameters(**{**model, "lemons_share": 0.0})))
    return out


def _reporter(enabled, label):
    if not enabled:
        return None, None
    start = time.perf_counter()

    def stage(name, done, total):
        if done == total:
            print(f"  [{label}] {name}: done ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)

    def iteration(it, residual):
        print(f"  [{label}] quasi-Newton iteration {it}: largest residual {residual:.2e}", file=sys.stderr,
              flush=True)
    return stage, iteration


def _deviation(name, path, steady):
    """Percent deviation from the stationary value (percentage points for the endogenous TFP, a log)."""
    path = np.asarray(path, float)
    if name == "endogenous_tfp":
        return 100.0 * (path - steady)
    if steady == 0:
        return np.zeros_like(path)
    return 100.0 * (path / steady - 1.0)


_SOLVED: dict = {}


def transition_paths(params: TransitionParameters, options) -> dict:
    """Stationary equilibrium and transition of every economy; levels and % deviations of every path.

    The last solution is remembered within the process, so ``irf`` and ``efficiency`` at the same
    parameters (e.g. in one script or ``replicate``) solve the transitions once.
    """
    key = repr(sorted(attrs.asdict(params).items()))
    if key not in _SOLVED:
        _SOLVED.clear()
        _SOLVED[key] = _solve_transitions(params, options)
    return _SOLVED[key]


def _solve_transitions(params: TransitionParameters, options) -> dict:
    T = params.periods
    tfp = tfp_path(T, SOURCE_SHOCK, params.tfp)
    economies = {}
    for label, model_params in _economies(params):
        stage, iteration = _reporter(options.get("progress"), label)
        start = time.perf_counter()
        eq = solve_stationary(model_params)
        stationary_seconds = time.perf_counter() - start
        model = ReallocationTransition.from_stationary(eq, progress=stage)
        steady_residual = max(abs(model.steady_state[t]) for t in model.targets)
        solved = solve_path(model, tfp, tol=params.tolerance, progress=iteration)
        path = solved["nonlinear"]
        reference = None
        if steady_residual > params.tolerance or not model.exact:
            # The stationary prices clear markets less tightly than the path must (or the
            # stationary value cycles under the Bellman step): measure the responses against the
            # unshocked path solved to the same tolerance.
            from equilibria.dynamics import solve_transition
            reference = solve_transition(model, {"tfp": np.zeros(T)}, T, tol=params.tolerance,
                                         jacobian=solved["jacobian"], progress=iteration)
        levels = {**path.outputs, **path.paths}
        base = {**reference.outputs, **reference.paths} if reference is not None else None
        names = [n for _, n in (*IRF_PANELS, *EFFICIENCY_PANELS)] + ["bundle_price", "gross_rate", "tfp",
                                                                      "measured_tfp", "lemons_sold"]
        deviations = {}
        for n in names:
            if n not in levels:
                continue
            steady = model.steady_state[n] if base is None else np.asarray(base[n], float)
            deviations[n] = (_deviation(n, levels[n], steady) if base is None
                             else _deviation_from_path(n, levels[n], steady))
        linear_gap = {u: float(np.max(np.abs(solved["linear"].paths[u] - path.paths[u]))) for u in model.unknowns}
        residuals = {t: float(np.max(np.abs(path.outputs[t]))) for t in model.targets}
        economies[label] = {
            "params": model_params, "model": model, "levels": levels, "deviations": deviations,
            "steady_state": {n: float(model.steady_state[n]) for n in names if n in model.steady_state},
            "report": {"iterations": path.report.iterations, "residual": path.report.residual_norm,
                       "history": path.report.history, "residuals_by_market": residuals,
                       "lemon_share_ratio_residual": float(np.max(np.abs(path.outputs["lemon_share_ratio_residual"]))),
                       "goods_market_residual": float(np.max(np.abs(path.outputs["goods"]))),
                       "steady_state_residual": steady_residual, "reference_path": reference is not None,
                       "bellman_fixed_point_gap": model.fixed_point_gap,
                       "linear_minus_nonlinear_prices": linear_gap,
                       "stationary_seconds": stationary_seconds, "jacobian_seconds": solved["jacobian_seconds"],
                       "transition_seconds": solved["seconds"]},
        }
    return {"T": T, "tfp": tfp, "economies": economies}


def _deviation_from_path(name, path, reference):
    path, reference = np.asarray(path, float), np.asarray(reference, float)
    if name == "endogenous_tfp":
        return 100.0 * (path - reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(reference != 0, 100.0 * (path / reference - 1.0), 0.0)


def _shown(deviation, n):
    """t = 0 (the steady state, zero deviation) followed by the first n - 1 periods of the path."""
    return np.concatenate([[0.0], np.asarray(deviation, float)[:n - 1]])


def _figure(solved, panels, n, ncols, title):
    """The source's panel layout through the core's impulse-response grid (one line per economy)."""
    from equilibria.dynamics.figures import irf_figure

    series = {label: {t: _shown(e["deviations"][name], n) if name in e["deviations"] else np.full(n, np.nan)
                      for t, name in panels}
              for label, e in solved["economies"].items()}
    units = {t: ("pp dev from ss" if name == "endogenous_tfp" else "% dev from ss") for t, name in panels}
    return irf_figure(series, title=title, units=units, columns=ncols)


def _tables(solved, panels, n):
    tables = {}
    for label, economy in solved["economies"].items():
        names = [(title, name) for title, name in panels if name in economy["deviations"]]
        rows = [[t] + [float(_shown(economy["deviations"][name], n)[t]) for _, name in names] for t in range(n)]
        tables[f"% deviations from the steady state, {label}"] = Table(
            columns=["t"] + [title for title, _ in names], rows=rows,
            caption="t = 0 is the stationary equilibrium; TFP is 1.00% lower at t = 1 and 0.90% lower at t = 2."
                    + (" TFP end in percentage points." if any(n == "endogenous_tfp" for _, n in names) else ""))
    return tables


def _data(solved, panels):
    out = {"periods": solved["T"], "tfp": solved["tfp"].tolist(), "economies": {}}
    for label, economy in solved["economies"].items():
        names = [name for _, name in panels if name in economy["levels"]] + ["tfp", "bundle_price", "gross_rate"]
        out["economies"][label] = {
            "parameters": {"lemons_share": economy["params"].lemons_share,
                           "substitution": economy["params"].substitution,
                           "borrowing_limit": economy["params"].borrowing_limit},
            "steady_state": economy["steady_state"],
            "levels": {n: np.asarray(economy["levels"][n], float).tolist() for n in dict.fromkeys(names)},
            "percent_deviations": {n: np.asarray(economy["deviations"][n], float).tolist()
                                   for n in dict.fromkeys(names) if n in economy["deviations"]},
            "solver": economy["report"],
        }
    return out


def _check_finite(solved):
    for label, economy in solved["economies"].items():
        for name, path in economy["deviations"].items():
            if not np.all(np.isfinite(path)):
                raise ConvergenceError(f"the transition of {label} has non-finite values of {name}", history=[])


def _notes(params, solved, figures):
    notes = []
    which = SOURCE_FIGURES.get((round(params.substitution, 6), round(params.borrowing_limit, 6)))
    notes.append(f"ε = {params.substitution:g}, b̄ = {params.borrowing_limit:g}: "
                 + (f"the source's Figure {figures(which)}." if which else "not one of the source's figures."))
    for label, economy in solved["economies"].items():
        r = economy["report"]
        notes.append(f"{label}: {r['iterations']} quasi-Newton iterations from the linear solution, every market "
                     f"cleared to {r['residual']:.1e} in all {solved['T']} periods (tolerance {params.tolerance:g}); "
                     f"goods market (Walras) {r['goods_market_residual']:.1e}; stationary solve "
                     f"{r['stationary_seconds']:.0f} s, Jacobian {r['jacobian_seconds']:.0f} s, transition "
                     f"{r['transition_seconds']:.0f} s in all.")
    return notes


def _result(params, options, panels, name, columns, what, which) -> tuple:
    """The transitions (solved or remembered), their tables, data, notes and one figure of ``panels``."""
    solved = transition_paths(params, options)
    _check_finite(solved)
    n = min(params.shown_periods, params.periods + 1)
    result = Result(data=_data(solved, panels), tables=_tables(solved, panels, n),
                    notes=_notes(params, solved, which))
    title = f"{what} (ε = {params.substitution:g}, b̄ = {params.borrowing_limit:g}; t = 0 is the steady state)"
    result.figures[name] = _figure(solved, panels, n, columns, title)
    return solved, result


def run_irf(params: TransitionParameters, options) -> Result:
    """Figures 2.1-2.3: prices and quantities after the TFP shocks, with and without lemons."""
    solved, result = _result(params, options, IRF_PANELS, "irf", 3, "Impulse responses to the negative TFP shocks",
                             lambda figures: figures[0])
    economies = list(solved["economies"].values())
    if len(economies) == 2:
        drops = [float(np.min(e["deviations"]["total_reallocation"])) for e in economies]
        if drops[1] != 0:
            result.notes.append(f"Largest fall of total reallocation: {drops[0]:.2f}% with lemons, {drops[1]:.2f}% "
                                f"without (ratio {drops[0] / drops[1]:.2f}; the source reports about 2).")
    return result


def run_efficiency(params: TransitionParameters, options) -> Result:
    """Figures 2.4-2.6: mean MPK ratio (highest over second lowest z) and endogenous TFP along the transition."""
    solved, result = _result(params, options, EFFICIENCY_PANELS, "efficiency", 2,
                             "Allocative efficiency after the negative TFP shocks", lambda figures: figures[1])
    for label, economy in solved["economies"].items():
        ratio, tfp = economy["deviations"]["mean_mpk_ratio"], economy["deviations"]["endogenous_tfp"]
        result.notes.append(f"{label}: mean MPK ratio at most {np.max(ratio):+.3f}% (t = {int(np.argmax(ratio)) + 1}), "
                            f"endogenous TFP at least {np.min(tfp):+.4f} pp (t = {int(np.argmin(tfp)) + 1}).")
    return result
