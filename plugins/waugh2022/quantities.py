"""Labels and units of every number the plugin reports (data paths of its results' JSON).

Country 0's wage is the numeraire; countries are numbered 0, 1, ... in the order of the
parameters (``productivity``, ``labor``, rows of ``trade_costs``). Matrices have the importer
(buyer) as row and the exporter as column. Totals of a country are over its L_i households;
flows are per period (the static model has one period). Welfare changes of the heterogeneous-agent
model are consumption equivalents in percent or wealth equivalents in mean labor incomes (assets
in units of the country's wage, with E[z] = 1).
"""
from __future__ import annotations

from equilibria.quantities import DIMENSIONLESS, Quantity, solve_report_quantities

__all__ = ["QUANTITIES"]

_Q = Quantity
_NUMERAIRE = "units of the numeraire (country 0's wage)"
_FLOW = f"{_NUMERAIRE} per period"
_SHARE = "fraction of the importer's expenditure"
_ELASTICITY = "1 (d log(π_ij/π_ii) / d log d_ij)"
_GROSS_RATE = "1 (gross return per period)"
_WEALTH = "mean labor incomes of the country (w_i E[z])"
_CE = "percent of consumption (permanent consumption equivalent)"
_INDEX = "country index (0-based)"
_BY_COUNTRY = ("country",)
_PAIR = ("importer i", "exporter j")
_DECILES = tuple(str(d) for d in range(1, 11))


def _country(label, unit):
    return _Q(label=label, unit=unit, axes=_BY_COUNTRY)


def _matrix(label, unit):
    return _Q(label=label, unit=unit, axes=_PAIR)


def _by_decile(label, unit, kind):
    return _Q(label=label, unit=unit, axes=(f"{kind} decile",), names=(_DECILES,))


#: The equilibrium of either model (``equilibria solve waugh2022``).
SOLVE = {
    "theta": _Q(label="θ = 1/σ_ε, the logit trade elasticity parameter", unit=DIMENSIONLESS),
    "wages": _country("wage w_i per efficiency unit of labor (country 0's is the numeraire)", _NUMERAIRE),
    "interest_rates": _country("gross interest rate R_i (one world R under financial globalization)", _GROSS_RATE),
    "trade_shares": _matrix("trade share π_ij: importer i's spending on exporter j's good (eq. 17-19, 47)", _SHARE),
    "welfare": _country("welfare: real income per efficiency unit of labor, exp of the log-sum (eq. 55, 60)",
                        "units of consumption per efficiency unit of labor"),
    "consumer_prices": _matrix("price p_ij = d_ij (1 + τ_ij) w_j / A_j that buyer i pays for j's good (eq. 3)",
                               f"{_NUMERAIRE} per unit of the exporter's good"),
    "expenditure": _country("consumer spending E_i of country i (eq. 17)", _FLOW),
    "imports": _matrix("spending M_ij of country i on j's good at consumer prices (eq. 19)", _FLOW),
    "tariff_revenue": _country("tariff revenue of country i, rebated lump-sum to its households", _FLOW),
    "transfers": _country("lump-sum tariff rebate T_i per household", _FLOW),
    "net_assets": _country("net asset demand A'_i of country i's households, its net foreign assets (eq. 14)",
                           _NUMERAIRE),
    "mean_value": _country("mean value V_i of a household under the stationary distribution, before taste shocks "
                           "(eq. 11; the log-sum omits σ_ε γ_E)",
                           "utils (expected discounted lifetime utility per household)"),
    "planner.trade_shares": _matrix("planner's expenditure share s_ij at shadow prices (section 1.6)", _SHARE),
    "planner.welfare": _Q(label="planner's per-period welfare W, summed over households (eq. 28)",
                          unit="utils per period"),
    "planner.decentralized_welfare": _Q(label="planner's objective (eq. 28) at the decentralized allocation",
                                        unit="utils per period"),
    "planner.multipliers": _Q(label="multiplier χ_j on country j's resource constraint (eq. 31-32, 75-77)",
                              unit="utils per unit of country j's good", axes=("country j",)),
    **solve_report_quantities("report", "fraction of world labor income (market excess demands)",
                              "the equilibrium solve"),
}

_PAIRS = {
    "importer": _Q(label="importer i", unit=_INDEX),
    "exporter": _Q(label="exporter j", unit=_INDEX),
    "partial": _Q(label="trade elasticity with prices fixed (wages; in the heterogeneous-agent model also R and "
                        "rebates), central differences", unit=_ELASTICITY),
    "general_equilibrium": _Q(label="trade elasticity with the equilibrium re-solved (central differences)",
                              unit=_ELASTICITY),
}

#: Experiments of the static model (``elasticity``, ``gains``, ``tariff``).
STATIC_EXPERIMENTS = {
    **{f"elasticities.{key}": q for key, q in _PAIRS.items()},
    "autarky_welfare": _country("welfare in autarky, A_i (eq. 60 with π_ii = 1)",
                                "units of consumption per efficiency unit of labor"),
    "gains_percent": _country("gain from trade: welfare relative to autarky minus one", "percent of autarky welfare"),
    "welfare_change_percent": _country("welfare change from a 10% tariff by country 0, revenue rebated",
                                       "percent of welfare without the tariff"),
    "wages_base": _country("wage w_i without the tariff", _NUMERAIRE),
    "wages_tariff": _country("wage w_i with the tariff", _NUMERAIRE),
}

#: Experiments of the heterogeneous-agent model (``ha_elasticity``, ``ha_gains``, ``finance``, ``ha_tariff``).
HA_EXPERIMENTS = {
    "risk_aversion": _Q(label="γ, relative risk aversion", unit=DIMENSIONLESS),
    **{f"pairs.{key}": q for key, q in _PAIRS.items()},
    "pairs.static": _Q(label="trade elasticity of the static model with wages fixed (eq. 54)", unit=_ELASTICITY),
    "pairs.planner": _Q(label="trade elasticity of the planner's shares with multipliers fixed", unit=_ELASTICITY),
    "spread_partial": _Q(label="largest minus smallest trade elasticity with prices fixed, across pairs",
                         unit=_ELASTICITY),
    "countries.country": _Q(label="country i", unit=_INDEX),
    # ha_gains: trade versus autarky, averaged over the trade economy's distribution
    "countries.mean_gain_percent": _Q(label="mean welfare change: ha_gains, trade relative to autarky; ha_tariff, "
                                            "the tariff relative to no tariff", unit=_CE),
    "countries.mean_gain_wealth": _Q(label="mean wealth equivalent of the gain from trade", unit=_WEALTH),
    **{f"countries.by_{kind}_decile_percent": _by_decile(f"mean welfare gain from trade by {kind} decile", _CE, kind)
       for kind in ("income", "wealth")},
    **{f"countries.by_{kind}_decile_wealth": _by_decile(f"mean wealth equivalent of the gain from trade by {kind} "
                                                        "decile", _WEALTH, kind) for kind in ("income", "wealth")},
    "countries.wage": _Q(label="wage w_i with trade", unit=_NUMERAIRE),
    "countries.home_share": _Q(label="home share π_ii with trade", unit=_SHARE),
    "countries.interest_rate_trade": _Q(label="gross interest rate R with trade", unit=_GROSS_RATE),
    "countries.interest_rate_autarky": _Q(label="gross interest rate R_i in autarky (a Huggett economy)",
                                          unit=_GROSS_RATE),
    # finance: financial autarky versus globalization
    "countries.R_globalization": _Q(label="gross interest rate under financial globalization", unit=_GROSS_RATE),
    "countries.R_autarky": _Q(label="gross interest rate R_i under financial autarky", unit=_GROSS_RATE),
    "countries.net_assets_globalization": _Q(label="net foreign assets A'_i under financial globalization",
                                             unit=_NUMERAIRE),
    "countries.trade_balance_globalization": _Q(label="trade balance (exports minus imports at producer prices) "
                                                      "under financial globalization", unit=_FLOW),
    "countries.home_share_globalization": _Q(label="home share π_ii under financial globalization", unit=_SHARE),
    "countries.home_share_autarky": _Q(label="home share π_ii under financial autarky", unit=_SHARE),
    "countries.wage_globalization": _Q(label="wage w_i under financial globalization", unit=_NUMERAIRE),
    "countries.wage_autarky": _Q(label="wage w_i under financial autarky", unit=_NUMERAIRE),
    "countries.mean_gain_of_globalization": _Q(label="mean wealth equivalent of globalization relative to "
                                                     "financial autarky", unit=_WEALTH),
    "countries.mean_gain_of_globalization_percent": _Q(label="mean welfare gain of globalization relative to "
                                                             "financial autarky", unit=_CE),
    # ha_tariff: a 10% tariff by country 0, revenue rebated
    "countries.wage_base": _Q(label="wage w_i without the tariff", unit=_NUMERAIRE),
    "countries.wage_tariff": _Q(label="wage w_i with the tariff", unit=_NUMERAIRE),
    "countries.home_share_base": _Q(label="home share π_ii without the tariff", unit=_SHARE),
    "countries.home_share_tariff": _Q(label="home share π_ii with the tariff", unit=_SHARE),
    "countries.transfer": _Q(label="lump-sum tariff rebate T_i per household", unit=_FLOW),
    "countries.net_assets_tariff": _Q(label="net foreign assets A'_i with the tariff", unit=_NUMERAIRE),
    "countries.mean_gain": _Q(label="mean wealth equivalent of the tariff relative to no tariff", unit=_WEALTH),
    "R_base": _country("gross interest rate R_i without the tariff", _GROSS_RATE),
    "R_tariff": _country("gross interest rate R_i with the tariff", _GROSS_RATE),
}

#: Everything above: the plugin's catalogue (``Plugin(quantities=...)``).
QUANTITIES = {**SOLVE, **STATIC_EXPERIMENTS, **HA_EXPERIMENTS}
