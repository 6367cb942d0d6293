"""Labels and units of every number the plugin reports (data paths of its results' JSON).

New investment goods cost one: they are the numeraire ("goods"; in the full model also the unit
of output, consumption, bonds and the wage). Capital is in units of capital (good capital and
lemons alike). The entrepreneurs have mass one, so their totals are also means per entrepreneur.
Paths of the transitions are per period of the path (its first entry is the first period of the
shock; the figures' t = 0, the stationary equilibrium, is not in them).
"""
from __future__ import annotations

from equilibria.quantities import COUNT, DIMENSIONLESS, SECONDS, TRUE_FALSE, Quantity, solve_report_quantities

__all__ = ["QUANTITIES"]

_Q = Quantity
_USED_PRICE = "goods (new investment goods) per unit of used capital"
_BUNDLE_PRICE = "goods (new investment goods) per unit of good capital installed"
_LEMON_SHARE = "fraction of the used capital sold that is lemons"
_CAPITAL = "units of capital"
_CAPITAL_FLOW = "units of capital per period"
_GOODS_FLOW = "goods per period"
_LABOR = "units of labor (hours) per period"
_WAGE = "goods per unit of labor"
_GROSS_RATE = "1 (gross return per period)"
_ENTREPRENEURS = "fraction of entrepreneurs"
_MARKET_UNITS = "each market's unit: capital, fraction (λ_M), labor, goods (bonds)"
_DEVIATION = ("percent deviation from the stationary equilibrium (from the unshocked path when "
              "solver.reference_path is true)")
_PERIODS = ("period of the path",)

# ------------------------------------------------------------------ one-period model (section 2.3)
_ONE_PERIOD_PRICES = {
    "price": _Q(label="p, price of used capital (pooling price of good capital and lemons)", unit=_USED_PRICE),
    "market_lemon_share": _Q(label="λ_M, lemon share of the used-capital market (2.9)", unit=_LEMON_SHARE),
    "price_index": _Q(label="ρ, unit cost of good capital through the CES bundle (Corollary 1)", unit=_BUNDLE_PRICE),
}

#: The selected equilibrium and every root (``equilibria solve yu2019_reallocation``).
ONE_PERIOD = {
    **_ONE_PERIOD_PRICES,
    "z_invest": _Q(label="z_I, productivity above which entrepreneurs invest", unit="1 (idiosyncratic productivity z)"),
    "z_disinvest": _Q(label="z_D, productivity below which entrepreneurs sell good capital",
                      unit="1 (idiosyncratic productivity z)"),
    "good_capital_sold": _Q(label="S_g, good capital sold (2.8)", unit=_CAPITAL),
    "lemons_sold": _Q(label="S_b = λ k0, lemons sold", unit=_CAPITAL),
    "total_traded": _Q(label="S_b + S_g, used capital traded (reallocation)", unit=_CAPITAL),
    "new_investment": _Q(label="∫ i_new dF, new investment goods bought", unit="goods (new investment goods)"),
    "bundle_installed": _Q(label="∫ g dF, good capital installed through the bundle (2.3)", unit=_CAPITAL),
    "output": _Q(label="∫ z Z k^α dF, output after trade (2.1)", unit="goods"),
    "share_investing": _Q(label="entrepreneurs who invest (z > z_I)", unit=_ENTREPRENEURS),
    "share_disinvesting": _Q(label="entrepreneurs who sell good capital (z < z_D)", unit=_ENTREPRENEURS),
    **{f"equilibria.{key}": _Q(label=f"every equilibrium: {q.label}", unit=q.unit)
       for key, q in _ONE_PERIOD_PRICES.items()},
    "equilibria.excess_demand_slope": _Q(label="every equilibrium: E'(p), slope of the excess demand for used "
                                               "capital in its price", unit=f"{_CAPITAL} per ({_USED_PRICE})"),
    "equilibria.stable": _Q(label="every equilibrium: stable under tâtonnement (E'(p) < 0)", unit=TRUE_FALSE),
    "report.grid_points": _Q(label="prices on the log grid scanned for sign changes of E(p)", unit=COUNT),
    "report.scanned": _Q(label="lowest and highest price scanned", unit=_USED_PRICE, axes=("end",),
                         names=(("lowest", "highest"),)),
    "report.roots": _Q(label="equilibria found (sign changes of E(p))", unit=COUNT),
}

#: ``oneperiod``: the same, and the equilibria along a grid of Z (``null`` where none exists).
TFP_SWEEP = {
    **{f"tfp_sweep.{key}": _Q(label=f"{q.label}, along the grid of Z (stable equilibrium)", unit=q.unit,
                              axes=("Z grid point",))
       for key, q in ONE_PERIOD.items() if key in ("price", "market_lemon_share", "price_index", "good_capital_sold",
                                                   "total_traded", "output")},
    "tfp_sweep.unstable_price": _Q(label="p of the highest unstable equilibrium, along the grid of Z",
                                   unit=_USED_PRICE, axes=("Z grid point",)),
    "tfp_sweep.tfp": _Q(label="Z, aggregate TFP of the grid (0.7 to 1.3 times tfp)", unit="1 (level of Z)",
                        axes=("Z grid point",)),
}

# ------------------------------------------------------------------ full model (section 2.4)
_TABLE_2_2 = {
    "Y": _Q(label="Y, output", unit=_GOODS_FLOW),
    "C": _Q(label="C, consumption of households and entrepreneurs", unit=_GOODS_FLOW),
    "I": _Q(label="I, new investment goods", unit=_GOODS_FLOW),
    "K": _Q(label="K, capital", unit=_CAPITAL),
    "N": _Q(label="N, labor", unit=_LABOR),
    "p": _Q(label="p, price of used capital", unit=_USED_PRICE),
    "λ_M": _Q(label="λ_M, lemon share of the used-capital market", unit=_LEMON_SHARE),
    "reallocation": _Q(label="S_b + S_g, used capital traded", unit=_CAPITAL_FLOW),
}

#: Report entries of both the one-period solve and the stationary equilibrium (one path, two meanings).
_SHARED_REPORT = {
    "report.residual_norm": _Q(label="residual at the answer: one-period model, |E(p)| at the selected price; "
                                     "stationary equilibrium, the largest excess demand",
                               unit=f"units of capital (one-period model); {_MARKET_UNITS} (stationary equilibrium)"),
    "report.iterations": _Q(label="iterations: one-period model, Brent's refinement of the selected root; "
                                  "stationary equilibrium, Newton-Broyden steps", unit=COUNT),
    "report.tolerance": _Q(label="stationary equilibrium: tolerance on the largest excess demand",
                           unit=_MARKET_UNITS),
}

#: ``steady_state``: the stationary equilibrium beside Table 2.2.
STEADY_STATE = {
    "prices.used_price": _Q(label="p, price of used capital", unit=_USED_PRICE),
    "prices.market_lemon_share": _Q(label="λ_M, lemon share of the used-capital market", unit=_LEMON_SHARE),
    "prices.wage": _Q(label="w, wage", unit=_WAGE),
    "prices.gross_rate": _Q(label="R, gross interest rate on bonds", unit=_GROSS_RATE),
    "prices.bundle_price": _Q(label="ρ, unit cost of good capital through the CES bundle", unit=_BUNDLE_PRICE),
    **{f"aggregates.{key}": q for key, q in _TABLE_2_2.items()},
    "aggregates.good_capital_sold": _Q(label="S_g, good capital sold", unit=_CAPITAL_FLOW),
    "aggregates.lemons_sold": _Q(label="S_b, lemons sold", unit=_CAPITAL_FLOW),
    "aggregates.used_demand": _Q(label="used capital bought (demand)", unit=_CAPITAL_FLOW),
    "aggregates.household_consumption": _Q(label="C_h, households' consumption", unit=_GOODS_FLOW),
    "aggregates.entrepreneur_consumption": _Q(label="entrepreneurs' consumption", unit=_GOODS_FLOW),
    "aggregates.borrowing_limit_over_output": _Q(label="b̄ / Y, borrowing limit over output",
                                                 unit="1 (ratio to one period's output)"),
    **{f"published.{key}": _Q(label=f"Table 2.2 of the source: {q.label}", unit=q.unit) for key, q in _TABLE_2_2.items()},
    "excess_demands.used_price": _Q(label="excess demand for used capital (ix)", unit=_CAPITAL_FLOW),
    "excess_demands.market_lemon_share": _Q(label="lemon share of what is sold minus λ_M (x)", unit=_LEMON_SHARE),
    "excess_demands.wage": _Q(label="excess demand for labor (vii)", unit=_LABOR),
    "excess_demands.gross_rate": _Q(label="entrepreneurs' net bond holdings (viii)", unit="goods"),
    "goods_market_residual": _Q(label="Y - C - I, goods market (vi) by Walras' law", unit=_GOODS_FLOW),
    "mass_at_capital_floor": _Q(label="entrepreneurs at the lowest capital of the grid", unit=_ENTREPRENEURS),
    "mass_at_asset_top": _Q(label="entrepreneurs at the highest assets of the grid", unit=_ENTREPRENEURS),
    **{path: q for path, q in solve_report_quantities("report", _MARKET_UNITS, "stationary equilibrium").items()
       if path not in _SHARED_REPORT},
}

# ------------------------------------------------------------------ transitions (section 2.5.2)
_PATHS = {
    "used_price": ("p, price of used capital", _USED_PRICE),
    "market_lemon_share": ("λ_M, lemon share of the used-capital market", _LEMON_SHARE),
    "good_capital_sold": ("S_g, good capital sold", _CAPITAL_FLOW),
    "total_reallocation": ("S_b + S_g, used capital traded", _CAPITAL_FLOW),
    "lemons_sold": ("S_b, lemons sold", _CAPITAL_FLOW),
    "output": ("Y, output", _GOODS_FLOW),
    "new_investment": ("I, new investment goods", _GOODS_FLOW),
    "labor_demand": ("N, labor", _LABOR),
    "capital": ("K, capital", _CAPITAL),
    "wage": ("w, wage", _WAGE),
    "bundle_price": ("ρ, unit cost of good capital through the bundle", _BUNDLE_PRICE),
    "gross_rate": ("R, gross interest rate", _GROSS_RATE),
    "tfp": ("Z, aggregate TFP", "1 (level of Z)"),
    "measured_tfp": ("Z_A = Y / (K^α N^γ), measured TFP", "1 (level)"),
    "mean_mpk_ratio": ("mean MPK at the highest z over that at the second-lowest z (section 2.4.5)", "1 (ratio)"),
    "endogenous_tfp": ("TFP_end = log Z_A - log Z, endogenous TFP", "1 (log difference)"),
}

#: Reported at the stationary equilibrium only, not as paths.
_STATIONARY_ONLY = ("lemons_sold", "measured_tfp")

_MARKET_RESIDUALS = {"used_capital": ("used capital (ix)", _CAPITAL_FLOW),
                     "lemon_share": ("lemon share (x), (1 - λ_M) λ K - λ_M S_g", _CAPITAL_FLOW),
                     "labor": ("labor (vii)", _LABOR), "bonds": ("bonds (viii)", "goods")}

_PRICE_GAPS = {"used_price": _USED_PRICE, "market_lemon_share": _LEMON_SHARE, "wage": _WAGE, "gross_rate": _GROSS_RATE}

_ECONOMY = "economies.*"

#: ``irf`` and ``efficiency``: per economy (λ as given, and λ = 0), levels and deviations of every path.
TRANSITIONS = {
    "periods": _Q(label="T, periods of the transition path", unit="periods"),
    "tfp": _Q(label="Z_t, aggregate TFP along the path (1.00% and 0.90% below its stationary value in the first "
                    "two periods)", unit="1 (level of Z)", axes=_PERIODS),
    f"{_ECONOMY}.parameters.lemons_share": _Q(label="λ, share of capital turning into lemons",
                                              unit="fraction of capital per period"),
    f"{_ECONOMY}.parameters.substitution": _Q(label="ε, elasticity of substitution between new and used goods",
                                              unit=DIMENSIONLESS),
    f"{_ECONOMY}.parameters.borrowing_limit": _Q(label="b̄, borrowing limit", unit="goods"),
    **{f"{_ECONOMY}.steady_state.{name}": _Q(label=f"stationary {label}", unit=unit)
       for name, (label, unit) in _PATHS.items()},
    **{f"{_ECONOMY}.levels.{name}": _Q(label=label, unit=unit, axes=_PERIODS)
       for name, (label, unit) in _PATHS.items() if name not in _STATIONARY_ONLY},
    **{f"{_ECONOMY}.percent_deviations.{name}": _Q(label=f"response of {label}", unit=_DEVIATION, axes=_PERIODS)
       for name, (label, unit) in _PATHS.items() if name not in (*_STATIONARY_ONLY, "endogenous_tfp")},
    f"{_ECONOMY}.percent_deviations.endogenous_tfp": _Q(
        label="response of TFP_end = log Z_A - log Z, 100 times its change",
        unit="percentage points (from the stationary value, or the unshocked path when solver.reference_path is true)",
        axes=_PERIODS),
    f"{_ECONOMY}.solver.iterations": _Q(label="quasi-Newton iterations from the linear solution", unit=COUNT),
    f"{_ECONOMY}.solver.residual": _Q(label="largest market residual in any period",
                                      unit="each market's unit (capital, labor, goods)"),
    f"{_ECONOMY}.solver.history": _Q(label="largest market residual at each quasi-Newton iteration",
                                     unit="each market's unit (capital, labor, goods)", axes=("iteration",)),
    **{f"{_ECONOMY}.solver.residuals_by_market.{name}": _Q(label=f"largest residual of {label} in any period", unit=unit)
       for name, (label, unit) in _MARKET_RESIDUALS.items()},
    f"{_ECONOMY}.solver.lemon_share_ratio_residual": _Q(label="largest |S_b / (S_b + S_g) - λ_M| in any period",
                                                        unit=_LEMON_SHARE),
    f"{_ECONOMY}.solver.goods_market_residual": _Q(label="largest goods-market residual (vi, Walras' law) in any "
                                                         "period", unit=_GOODS_FLOW),
    f"{_ECONOMY}.solver.steady_state_residual": _Q(label="largest market residual at the stationary prices",
                                                   unit="each market's unit (capital, labor, goods)"),
    f"{_ECONOMY}.solver.reference_path": _Q(label="responses measured against the unshocked path (not the "
                                                  "stationary values)", unit=TRUE_FALSE),
    f"{_ECONOMY}.solver.bellman_fixed_point_gap": _Q(label="change of the stationary value under one Bellman step",
                                                     unit="utils"),
    **{f"{_ECONOMY}.solver.linear_minus_nonlinear_prices.{name}": _Q(
        label=f"largest gap between the linear and the nonlinear path of {_PATHS[name][0]}", unit=unit)
       for name, unit in _PRICE_GAPS.items()},
    f"{_ECONOMY}.solver.stationary_seconds": _Q(label="stationary equilibrium: wall-clock time", unit=SECONDS),
    f"{_ECONOMY}.solver.jacobian_seconds": _Q(label="fake-news Jacobian: wall-clock time", unit=SECONDS),
    f"{_ECONOMY}.solver.transition_seconds": _Q(label="transition (Jacobian, linear and nonlinear paths): "
                                                      "wall-clock time", unit=SECONDS),
}

#: Everything above: the plugin's catalogue (``Plugin(quantities=...)``).
QUANTITIES = {**ONE_PERIOD, **TFP_SWEEP, **STEADY_STATE, **_SHARED_REPORT, **TRANSITIONS}
