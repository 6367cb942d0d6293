"""The ``oneperiod`` experiment: the one-period model's equilibria and their response to Z (section 2.3)."""
from __future__ import annotations

import numpy as np

from equilibria import ConvergenceError, Result, Table
from equilibria.plotting import new_figure

from .oneperiod import OnePeriodSolution, find_equilibria
from .params import OnePeriodParameters

__all__ = ["solve_one_period_result", "run_oneperiod", "tfp_sweep"]


def _selected_data(solution: OnePeriodSolution) -> dict:
    s = solution.selected.state
    return {
        "price": solution.selected.price,
        "market_lemon_share": float(s.market_lemon_share),
        "price_index": float(s.price_index),
        "z_invest": float(s.z_invest),
        "z_disinvest": float(s.z_disinvest),
        "good_capital_sold": float(s.good_capital_sold),
        "lemons_sold": float(s.supply - s.good_capital_sold),
        "total_traded": float(s.supply),
        "new_investment": float(s.new_investment),
        "bundle_installed": float(s.bundle_bought),
        "output": float(s.output),
        "share_investing": float(s.share_investing),
        "share_disinvesting": float(s.share_disinvesting),
        "equilibria": [e.summary() for e in solution.equilibria],
        "selection": "the tâtonnement-stable root (E'(p) < 0); with several, the highest price",
    }


def solve_one_period_result(params: OnePeriodParameters) -> Result:
    """Every equilibrium of the used-capital market at Z = ``tfp``; the stable one selected."""
    solution = find_equilibria(params)
    data = _selected_data(solution)
    data["report"] = {"method": "log-grid scan of E(p) + Brent refinement of every sign change",
                      "grid_points": params.price_points, "scanned": list(solution.scanned),
                      "roots": len(solution.equilibria),
                      "residual_norm": float(abs(solution.selected.state.excess_demand)),
                      "iterations": solution.selected.iterations}
    table = Table(columns=["root", "p", "λ_M", "ρ", "E'(p)", "stable", "selected"],
                  rows=[[i, e.price, float(e.state.market_lemon_share), float(e.state.price_index), e.slope,
                         e.stable, e is solution.selected] for i, e in enumerate(solution.equilibria)],
                  caption=f"Equilibria of the used-capital market at Z = {params.tfp:g} (section 2.3.3). "
                          "Stable: excess demand falls in p (tâtonnement).")
    notes = [solution.boundary_note] if solution.boundary_note else []
    return Result(data=data, tables={"Equilibria": table}, notes=notes)


def tfp_sweep(params: OnePeriodParameters, tfps) -> dict:
    """Selected and unstable equilibria along a grid of Z (NaN where no equilibrium exists)."""
    keys = ["price", "market_lemon_share", "price_index", "good_capital_sold", "total_traded", "output",
            "unstable_price"]
    out = {k: np.full(len(tfps), np.nan) for k in keys}
    for i, z in enumerate(tfps):
        try:
            solution = find_equilibria(params.replace(tfp=float(z)))
        except ConvergenceError:
            continue
        data = _selected_data(solution)
        for k in keys[:-1]:
            out[k][i] = data[k]
        unstable = [e.price for e in solution.equilibria if not e.stable]
        if unstable:
            out["unstable_price"][i] = max(unstable)
    out["tfp"] = np.asarray(tfps, dtype=float)
    return out


def run_oneperiod(params: OnePeriodParameters, options) -> Result:
    """The equilibrium at Z = ``tfp`` (the contract's keys), then p, λ_M and reallocation as functions of Z."""
    result = solve_one_period_result(params)
    tfps = params.tfp * np.linspace(0.7, 1.3, 31)
    sweep = tfp_sweep(params, tfps)
    result.data["tfp_sweep"] = {k: [None if not np.isfinite(v) else float(v) for v in values]
                                for k, values in sweep.items()}
    rows = [[sweep["tfp"][i], sweep["price"][i], sweep["market_lemon_share"][i], sweep["good_capital_sold"][i],
             sweep["total_traded"][i], sweep["unstable_price"][i]] for i in range(0, len(tfps), 3)]
    result.tables["Equilibrium as a function of Z"] = Table(
        columns=["Z", "p", "λ_M", "S_g", "S_b + S_g", "unstable p"], rows=rows,
        caption="Selected (stable) equilibrium and the unstable root; NaN: no equilibrium at that Z.")
    figure, axes = new_figure(12.0, 3.6, ncols=3)
    z = sweep["tfp"]
    axes[0].plot(z, sweep["price"], label="p (stable)")
    axes[0].plot(z, sweep["unstable_price"], "--", label="p (unstable)")
    axes[0].plot(z, sweep["price_index"], ":", label="ρ")
    axes[0].set_title("prices")
    axes[0].legend()
    axes[1].plot(z, sweep["market_lemon_share"])
    axes[1].set_title("market lemon share λ_M")
    axes[2].plot(z, sweep["good_capital_sold"], label="S_g (good capital)")
    axes[2].plot(z, sweep["total_traded"], label="S_b + S_g (total)")
    axes[2].set_title("reallocation")
    axes[2].legend()
    for ax in axes:
        ax.set_xlabel("aggregate TFP Z")
    result.figures["oneperiod_tfp"] = figure
    if np.isnan(sweep["price"]).any():
        missing = sweep["tfp"][np.isnan(sweep["price"])]
        result.notes.append(f"No equilibrium for Z ≤ {missing.max():.3g} (too few investors to absorb the lemons)"
                            if missing.max() < params.tfp else f"No equilibrium at Z in {list(np.round(missing, 3))}")
    return result
