"""Labels and units of every number the plugin reports (data paths of its results' JSON).

Goods are the numeraire; output is normalized to ``target_y`` (one by default) and labor to one.
Responses are in percent deviations from the steady state, the interest rate in percentage points.
"""
from __future__ import annotations

from equilibria.quantities import Quantity, solve_report_quantities

__all__ = ["STEADY_STATE", "BASELINE", "IMPULSE_RESPONSES"]

_Q = Quantity

#: meaning and unit of each steady-state value (labor is 1, Y is normalized by ``target_y``)
STEADY_STATE = {
    "beta": _Q(label="β, households' discount factor", unit="1 (per period)"),
    "Z": _Q(label="Z, total factor productivity", unit="1 (level, Y = Z K^α)"),
    "r": _Q(label="r, real interest rate", unit="1 (per period)"),
    "w": _Q(label="w, wage per efficiency unit of labor", unit="goods per period"),
    "K": _Q(label="K, capital", unit="goods"),
    "Y": _Q(label="Y, output", unit="goods per period"),
    "C": _Q(label="C, aggregate consumption", unit="goods per period"),
}

BASELINE = {
    **STEADY_STATE,
    **solve_report_quantities("report", "goods (households' assets minus capital)", "search for β"),
    "market_residuals.asset_market": _Q(label="asset market A - K at the calibrated β", unit="goods"),
    "market_residuals.goods_market": _Q(label="goods market Y - C - δK at the calibrated β", unit="goods per period"),
}

_RESPONSE = {"K": ("capital K", "percent deviation"), "r": ("real interest rate r", "percentage points"),
             "w": ("wage w", "percent deviation"), "Y": ("output Y", "percent deviation"),
             "C": ("consumption C", "percent deviation")}

IMPULSE_RESPONSES = {
    "shock": _Q(label="dZ_0 relative to the steady-state Z", unit="1 (fraction of Z)"),
    "persistence": _Q(label="persistence of the productivity shock", unit="1 (per period)"),
    "periods": _Q(label="horizon T of the transition", unit="periods"),
    **{f"irf_{kind}.{name}": _Q(label=f"{kind} response of {label}", unit=unit, axes=("period",))
       for kind in ("linear", "nonlinear") for name, (label, unit) in _RESPONSE.items()},
    **{f"steady_state.{key}": q for key, q in STEADY_STATE.items()},
    **solve_report_quantities("report.nonlinear", "goods (asset-market residual)", "nonlinear transition"),
    **solve_report_quantities("report.linear", "goods (residual of the stacked linear system)", "linear responses"),
    "report.max_goods_market_residual": _Q(label="largest goods-market residual along the nonlinear path",
                                           unit="goods per period"),
}
