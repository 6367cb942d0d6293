"""The ``steady_state`` experiment: the stationary equilibrium of the full model beside Table 2.2."""
from __future__ import annotations

import sys

import numpy as np

from equilibria import Result, Table

from .params import ReallocationParameters
from .stationary import solve_stationary

__all__ = ["run_steady_state", "PUBLISHED"]

#: Table 2.2 of the source (benchmark calibration of Table 2.1).
PUBLISHED = {"Y": 0.557, "C": 0.480, "I": 0.077, "K": 1.190, "N": 0.262, "p": 0.944, "λ_M": 0.0684,
             "reallocation": 0.035}


def _progress(enabled):
    if not enabled:
        return None

    def report(calls, prices):
        print(f"  evaluation {calls}: p = {prices.used_price:.5f}, λ_M = {prices.market_lemon_share:.5f}, "
              f"w = {prices.wage:.5f}, R = {prices.gross_rate:.5f}", file=sys.stderr, flush=True)
    return report


def run_steady_state(params: ReallocationParameters, options) -> Result:
    """Stationary equilibrium (section 2.4.3) at Table 2.1's parameters; Table 2.2 side by side."""
    eq = solve_stationary(params, progress=_progress(options.get("progress")))
    a, pr = eq.aggregates, eq.prices
    ours = {"Y": a.output, "C": a.consumption, "I": a.new_investment, "K": a.capital, "N": a.labor_demand,
            "p": pr.used_price, "λ_M": pr.market_lemon_share, "reallocation": a.total_traded}
    rows = [[name, ours[name], PUBLISHED[name], ours[name] / PUBLISHED[name] - 1] for name in PUBLISHED]
    table = Table(columns=["", "this model", "Table 2.2", "relative difference"], rows=rows,
                  caption="Stationary equilibrium at Table 2.1's parameters. I is new investment goods, C households' "
                          "plus entrepreneurs' consumption, reallocation the used capital traded (S_b + S_g).")
    data = {"prices": {"used_price": pr.used_price, "market_lemon_share": pr.market_lemon_share, "wage": pr.wage,
                       "gross_rate": pr.gross_rate, "bundle_price": pr.bundle_price(params)},
            "aggregates": {**ours, "good_capital_sold": a.good_capital_sold, "lemons_sold": a.lemons_sold,
                           "used_demand": a.used_demand, "household_consumption": a.household_consumption,
                           "entrepreneur_consumption": a.entrepreneur_consumption,
                           "borrowing_limit_over_output": params.borrowing_limit / a.output},
            "published": PUBLISHED,
            "excess_demands": eq.excess_demands, "goods_market_residual": eq.goods_market_residual,
            "mass_at_capital_floor": float(eq.distribution.sum(axis=(0, 2))[0]),
            "mass_at_asset_top": float(eq.distribution.sum(axis=(0, 1))[-1]),
            "report": eq.report.to_dict()}
    for value in (ours | {"goods": eq.goods_market_residual}).values():
        if not np.isfinite(value):
            raise FloatingPointError("a stationary aggregate is not finite")
    notes = [f"Solved by {eq.report.method} on the core Economy in {eq.report.evaluations} evaluations "
             f"({eq.report.seconds:.0f} s); largest excess demand {eq.report.residual_norm:.1e}; goods market "
             f"(Walras) residual {eq.goods_market_residual:.1e}.",
             "The source gives no grids, no Tauchen width and no smoothing; see the docs page for the choices and "
             "why the numbers differ from Table 2.2."]
    return Result(data=data, tables={"Steady state (Table 2.2)": table}, notes=notes,
                  comparisons=_table_2_2_comparisons(ours))


#: Labels and units of Table 2.2's quantities.
LABELS = {"Y": ("output Y", "goods per period"), "C": ("consumption C (households + entrepreneurs)", "goods per period"),
          "I": ("new investment I", "goods per period"), "K": ("capital K", "units of capital"),
          "N": ("labor N", "hours (time endowment 1)"), "p": ("used-capital price p", "goods per unit of capital"),
          "λ_M": ("lemon share in the used market λ_M", "fraction"),
          "reallocation": ("used capital traded S_b + S_g", "units of capital per period")}


def _table_2_2_comparisons(ours: dict) -> list:
    """Table 2.2 beside our stationary equilibrium, to the printed precision (three decimals, λ_M four)."""
    from equilibria.comparison import SourceValue, docs_link, printed_tolerance

    link = docs_link("yu2019_reallocation", "Results at Table 2.1's parameters")
    return [SourceValue(quantity=LABELS[name][0], unit=LABELS[name][1], ours=float(ours[name]),
                        source=PUBLISHED[name], where="Table 2.2", abs_tol=printed_tolerance(f"{PUBLISHED[name]:.{4 if name == 'λ_M' else 3}f}"),
                        reason="the source gives no grids, Tauchen width or smoothing; ours are documented choices",
                        link=link) for name in PUBLISHED]
