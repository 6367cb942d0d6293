"""The calibrated steady state and the impulse responses to a productivity shock."""
from __future__ import annotations

import numpy as np

from equilibria import Experiment, Result, Table
from equilibria.dynamics.transition import linear_transition, solve_transition
from equilibria.plotting import new_figure

from .model import KrusellSmithModel, solve_steady_state
from .params import ImpulseParameters, KrusellSmithParameters

__all__ = ["solve_baseline", "impulse_responses", "EXPERIMENTS", "VARIABLES"]

#: reported responses: K, w, Y, C in percent deviations, r in percentage points
VARIABLES = ("K", "r", "w", "Y", "C")


def solve_baseline(params: KrusellSmithParameters) -> Result:
    """β and Z calibrated to r = target_r and Y = target_y, with prices and aggregates."""
    steady = solve_steady_state(params)
    v = steady.values
    data = {k: v[k] for k in ("beta", "Z", "r", "w", "K", "Y", "C")}
    data["report"] = steady.report
    table = Table(columns=["variable", "value"], rows=[[k, data[k]] for k in ("beta", "Z", "r", "w", "K", "Y", "C")],
                  caption="Calibrated steady state of the Krusell–Smith economy (labor 1, K end-of-period).")
    return Result(data=data, tables={"Steady state": table},
                  notes=[f"β found by Brent's method in {steady.report['iterations']} household steady states; "
                         f"asset market residual {steady.report['asset_market_residual']:.1e}."])


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
    peak = [[k, float(irf_linear[k][np.argmax(np.abs(irf_linear[k]))]),
             float(irf_nonlinear[k][np.argmax(np.abs(irf_nonlinear[k]))]),
             float(np.max(np.abs(irf_linear[k] - irf_nonlinear[k])))] for k in VARIABLES]
    table = Table(columns=["variable", "peak (linear)", "peak (nonlinear)", "max |linear - nonlinear|"], rows=peak,
                  caption="Impulse responses to a productivity shock; K, w, Y, C in %, r in percentage points.")
    return Result(data=data, tables={"Impulse responses": table}, figures={"irf": figure},
                  notes=[f"Nonlinear path: {nonlinear.report['iterations']} quasi-Newton iterations, "
                         f"residual {nonlinear.report['residual']:.1e}."])


EXPERIMENTS = [
    Experiment(name="irf", description="impulse responses of K, r, w, Y, C to a TFP shock, linear (sequence-space "
                                       "Jacobians) and nonlinear (perfect foresight)",
               run=impulse_responses, headline=True, parameters=ImpulseParameters),
]
