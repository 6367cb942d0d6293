"""The calibrated steady state and the impulse responses to a productivity shock."""
from __future__ import annotations

import numpy as np

from equilibria import Experiment, Result, Table
from equilibria.dynamics.transition import linear_transition, solve_transition
from equilibria.plotting import new_figure

from .model import KrusellSmithModel, solve_steady_state
from .params import ImpulseParameters, KrusellSmithParameters
from .quantities import BASELINE, IMPULSE_RESPONSES, STEADY_STATE

__all__ = ["solve_baseline", "impulse_responses", "EXPERIMENTS", "VARIABLES"]

#: reported responses: K, w, Y, C in percent deviations, r in percentage points
VARIABLES = ("K", "r", "w", "Y", "C")
IRF_LABELS = {"K": "K, capital", "r": "r, real interest rate", "w": "w, wage", "Y": "Y, output",
              "C": "C, consumption"}


def solve_baseline(params: KrusellSmithParameters) -> Result:
    """β and Z calibrated to r = target_r and Y = target_y, with prices and aggregates."""
    steady = solve_steady_state(params)
    v = steady.values
    data = {k: v[k] for k in STEADY_STATE}
    data["report"] = steady.report.to_dict()
    data["market_residuals"] = steady.residuals
    table = Table(columns=["variable", "value", "unit"],
                  rows=[[q.label, data[k], q.unit] for k, q in STEADY_STATE.items()],
                  caption="Calibrated steady state of the Krusell–Smith economy (labor 1, K end-of-period).")
    return Result(data=data, tables={"Steady state": table}, comparisons=_steady_state_comparisons(params, v),
                  quantities=BASELINE,
                  notes=[f"β found by Brent's method in {steady.report.iterations} iterations; "
                         f"asset market residual {steady.residuals['asset_market']:.1e}."])


#: where the calibration's numbers would be printed; that source is not among the project's source documents
NOT_SHIPPED = "Auclert, Bardóczy, Rognlie and Straub (2021), not among the project's source documents"


def _steady_state_comparisons(params, values) -> list:
    """The households' aggregates beside the closed forms they must meet; β is ours only (its source is not
    shipped with the project, so no printed value is compared)."""
    from equilibria.comparison import SourceValue, docs_link

    link = docs_link("krusell_smith")
    K = params.alpha * values["Y"] / (values["r"] + params.depreciation)
    return [
        SourceValue(quantity="β, calibrated discount factor", unit="per period", ours=values["beta"],
                    where=NOT_SHIPPED, link=link),
        SourceValue(quantity="households' assets A at the calibrated β", unit="goods", ours=values["A"], source=K,
                    where="closed form K = αY/(r + δ) (the firms' first-order condition)", abs_tol=1e-8,
                    reason="the asset market does not clear to 1e-8", link=link),
        SourceValue(quantity="households' consumption C", unit="goods per period", ours=values["C"],
                    source=values["Y"] - params.depreciation * K,
                    where="closed form C = Y - δK (goods market, Walras' law)", abs_tol=1e-8,
                    reason="the goods market does not clear to 1e-8", link=link),
    ]


def _scaled(path, name, steady):
    path = np.asarray(path, float)
    if name == "r":
        return 100.0 * (path - steady["r"])
    return 100.0 * (path / steady[name] - 1.0)


def impulse_responses(params: ImpulseParameters, options=None) -> Result:
    """Responses to dZ_t = shock Z persistence^t (unanticipated at t = 0), linear and nonlinear.

    The linear responses come from the sequence-space Jacobians (fake news, exact derivative
    of the EGM step); the nonlinear perfect-foresight path from quasi-Newton iterations that
    reuse the steady-state Jacobian. K, w, Y, C in percent deviations from the steady state,
    r in percentage points.
    """
    options = options or {}
    model = KrusellSmithModel(params)
    T = params.periods
    ss = model.steady_state
    dZ = params.shock * ss["Z"] * params.persistence ** np.arange(T)
    J = model.jacobian(T)
    linear = linear_transition(model, {"Z": dZ}, T, outputs=VARIABLES, jacobian=J)
    progress = None
    if options.get("progress"):
        import sys

        def progress(it, residual):
            print(f"quasi-Newton iteration {it}: max residual {residual:.3e}", file=sys.stderr)
    nonlinear = solve_transition(model, {"Z": dZ}, T, jacobian=J, tol=1e-10, progress=progress)
    merged = {**nonlinear.outputs, **nonlinear.paths}
    irf_linear = {k: _scaled(linear.outputs[k], k, ss) for k in VARIABLES}
    irf_nonlinear = {k: _scaled(merged[k], k, ss) for k in VARIABLES}
    data = {"shock": params.shock, "persistence": params.persistence, "periods": T,
            "irf_linear": irf_linear, "irf_nonlinear": irf_nonlinear,
            "steady_state": {k: ss[k] for k in ("beta", "Z", "r", "w", "K", "Y", "C")},
            "report": {"nonlinear": nonlinear.report, "linear": linear.report,
                       "max_goods_market_residual": float(np.max(np.abs(nonlinear.outputs["goods_market"])))}}
    figure, axes = new_figure(width=11.0, height=3.2, ncols=len(VARIABLES))
    horizon = np.arange(min(T, 100))
    for ax, k in zip(axes, VARIABLES):
        ax.plot(horizon, irf_linear[k][:horizon.size], label="linear")
        ax.plot(horizon, irf_nonlinear[k][:horizon.size], "--", label="nonlinear")
        ax.set_title(k + (" (pp)" if k == "r" else " (%)"))
        ax.set_xlabel("t")
    axes[0].legend()
    peak = [[IRF_LABELS[k], "percentage points" if k == "r" else "percent deviation",
             float(irf_linear[k][np.argmax(np.abs(irf_linear[k]))]),
             float(irf_nonlinear[k][np.argmax(np.abs(irf_nonlinear[k]))]),
             float(np.max(np.abs(irf_linear[k] - irf_nonlinear[k])))] for k in VARIABLES]
    table = Table(columns=["variable", "unit", "peak (linear)", "peak (nonlinear)", "largest gap, linear vs nonlinear"],
                  rows=peak,
                  caption="Impulse responses to a productivity shock; K, w, Y, C in %, r in percentage points.")
    return Result(data=data, tables={"Impulse responses": table}, figures={"irf": figure},
                  comparisons=_impact_comparisons(params, ss, irf_linear, irf_nonlinear),
                  quantities=IMPULSE_RESPONSES,
                  notes=[f"Nonlinear path: {nonlinear.report.iterations} quasi-Newton iterations, "
                         f"residual {nonlinear.report.residual_norm:.1e}."])


def _impact_comparisons(params, steady, linear, nonlinear) -> list:
    """Impact responses beside their closed forms (capital is predetermined at t = 0, so Y_0 and r_0
    move with Z_0 alone); the peaks of K and C are ours only."""
    from equilibria.comparison import SourceValue, docs_link

    link = docs_link("krusell_smith")
    exact_y = 100.0 * params.shock
    exact_r = 100.0 * (steady["r"] + params.depreciation) * params.shock
    values = []
    for name, paths in (("linear", linear), ("nonlinear", nonlinear)):
        values.append(SourceValue(quantity=f"Y on impact ({name})", unit="percent deviation", ours=float(paths["Y"][0]),
                                  source=exact_y, where="closed form 100 dZ_0/Z (Y_0 = Z_0 K_ss^α)", abs_tol=1e-8,
                                  reason="timing of capital differs", link=link))
        values.append(SourceValue(quantity=f"r on impact ({name})", unit="percentage points",
                                  ours=float(paths["r"][0]), source=exact_r,
                                  where="closed form 100 (r + δ) dZ_0/Z (r_0 = α Z_0 K_ss^(α-1) - δ)", abs_tol=1e-8,
                                  reason="timing of capital differs", link=link))
    for k, unit in (("K", "percent deviation"), ("C", "percent deviation")):
        values.append(SourceValue(quantity=f"peak response of {k} (nonlinear)", unit=unit,
                                  ours=float(nonlinear[k][np.argmax(np.abs(nonlinear[k]))]), where=NOT_SHIPPED,
                                  link=link))
    return values


EXPERIMENTS = [
    Experiment(name="irf", description="impulse responses of K, r, w, Y, C to a TFP shock, linear (sequence-space "
                                       "Jacobians) and nonlinear (perfect foresight)",
               run=impulse_responses, headline=True, parameters=ImpulseParameters),
]
