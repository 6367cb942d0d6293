"""Solve and experiments of the heterogeneous-agent model (Waugh 2022, sections 1.2-1.7).

* :func:`solve_heterogeneous` — what ``equilibria solve waugh2022`` returns when ``model`` is
  ``"incomplete_markets"`` or ``"hand_to_mouth"``.
* ``ha_elasticity`` — aggregate trade elasticity d log(π_ij/π_ii) / d log d_ij of every pair,
  in the decentralized model, the static model and the planner's allocation.
* ``ha_gains`` — welfare gains from trade (baseline vs autarky) by income and wealth decile.
* ``finance`` — financial autarky versus financial globalization.
* ``ha_tariff`` — a unilateral 10% tariff by country 0 with lump-sum rebates.

Welfare of economy B relative to A at a state (a/w, z) is measured two ways: the permanent
proportional change g in consumption in A (taste shocks and behaviour unchanged) with
(1+g)^(1-γ) U_A + (V_A - U_A) = V_B, U_A the consumption part of the value; and the wealth
equivalent Δ (mean labor incomes) with V_A(a/w + Δ, z) = V_B(a, z). Assets are compared in
wage units, in which the household problem is the same in both economies up to the real
prices p_ij / w_i.
"""
from __future__ import annotations

import functools

import numpy as np

from equilibria import Experiment, Result, Table
from equilibria.errors import ParameterError
from equilibria.parallel import SerialExecutor, executor_of
from equilibria.plotting import bars

from .calibration import HeterogeneousParameters
from .params import WaughParameters
from .stationary import CountryHouseholds, household_name, solve_stationary

__all__ = ["solve_heterogeneous", "HA_EXPERIMENTS", "wealth_equivalent", "autarky_economies",
           "trade_elasticity_pairs", "decile_means"]


def _require_ha(params):
    if params.model == "static":
        raise ParameterError("model", "this experiment needs 'incomplete_markets' or 'hand_to_mouth'", params.model)


def solve_heterogeneous(params: WaughParameters) -> Result:
    """Stationary equilibrium (section 1.5) as a :class:`~equilibria.Result`."""
    _require_ha(params)
    economy, eq = solve_stationary(params)
    a = eq.aggregates
    m = params.countries
    rates = [float(r) for r in a["interest_rates"]] if params.model == "incomplete_markets" else [None] * m
    data = {
        "model": params.model,
        "preferences": params.preferences,
        "financial": params.financial if params.model == "incomplete_markets" else None,
        "wages": eq.prices["wages"],
        "interest_rates": rates,
        "trade_shares": a["trade_shares"],
        "net_assets": a["net_assets"],
        "imports": a["imports"],
        "expenditure": a["expenditure"],
        "tariff_revenue": a["tariff_revenue"],
        "transfers": a["transfers"],
        "mean_value": a["mean_value"],
        "report": eq.report.to_dict(),
    }
    trade_balance = a["exports"] - a["expenditure"] + a["tariff_revenue"]
    table = Table(columns=["country", "wage", "R", "home share π_ii", "net assets A_i", "trade balance"],
                  rows=[[i, eq.prices["wages"][i], rates[i], a["trade_shares"][i, i], a["net_assets"][i],
                         trade_balance[i]] for i in range(m)],
                  caption=f"Stationary equilibrium, model {params.model!r}, preferences {params.preferences!r}; "
                          "w_0 = 1. Trade balance = exports at producer prices - imports at producer prices.")
    tables = {"Stationary equilibrium": table}
    if params.model == "incomplete_markets" and params.preferences == "logit":
        from .planner import CentralizedPlanner, decentralized_welfare
        planner = CentralizedPlanner(params).solve()
        data["planner"] = {"trade_shares": planner.allocation["trade_shares"], "welfare": planner.objective,
                           "decentralized_welfare": decentralized_welfare(params, eq),
                           "multipliers": planner.allocation["multipliers"]}
        shares = planner.allocation["trade_shares"]
        tables["Planner vs decentralized"] = Table(
            columns=["country", "home share (decentralized)", "home share (planner)"],
            rows=[[i, a["trade_shares"][i, i], shares[i, i]] for i in range(m)],
            caption=f"Centralized planner (section 1.6): per-period welfare {planner.objective:.6g} vs "
                    f"{data['planner']['decentralized_welfare']:.6g} at the decentralized allocation (eq. 28); "
                    "planner shares at shadow prices.")
    return Result(data=data, tables=tables,
                  notes=[f"Solved by {eq.report.method}: {eq.report.evaluations} residual evaluations, "
                         f"max residual {eq.report.residual_norm:.2e}, {eq.report.seconds:.2f} s."])


# ---------------------------------------------------------------------------------- welfare tools
def wealth_equivalent(value_to, unit_grid_to, value_from, unit_grid_from):
    """Δ(a, z) with V_to(a + Δ, z) = V_from(a, z), assets in wage units (NaN off the grid)."""
    out = np.full(value_from.shape, np.nan)
    for z in range(value_from.shape[0]):
        target = value_from[z]
        inside = (target >= value_to[z, 0]) & (target <= value_to[z, -1])
        x = np.interp(target, value_to[z], unit_grid_to)
        out[z] = np.where(inside, x - unit_grid_from, np.nan)
    return out


def decile_means(key, values, mass, deciles=10):
    """Mass-weighted mean of ``values`` within deciles of ``key`` (mass split at the cut-offs)."""
    key, values, mass = (np.ravel(x) for x in (key, values, mass))
    ok = np.isfinite(values)
    order = np.argsort(key, kind="stable")
    key, values, mass = key[order], values[order], mass[order]
    cum = np.concatenate([[0.0], np.cumsum(mass)]) / mass.sum()
    means = np.full(deciles, np.nan)
    for d in range(deciles):
        lo, hi = d / deciles, (d + 1) / deciles
        share = np.clip(np.minimum(cum[1:], hi) - np.maximum(cum[:-1], lo), 0, None) * ok[order]
        if share.sum() > 0:
            means[d] = np.sum(share * np.where(ok[order], values, 0.0)) / share.sum()
    return means


def autarky_economies(params: WaughParameters, executor=None, wages=None):
    """Each country alone (no trade in goods, hence no borrowing abroad): M Huggett economies,
    one task of ``executor`` each. Alone, a country's wage is its numeraire; its debt limit is the
    trade economy's at ``wages`` (default: all 1) divided by its wage there, the same debt relative
    to income, so the two economies share the asset grid in wage units."""
    wages = np.ones(params.countries) if wages is None else np.asarray(wages, float)
    limits = params.debt_limits(wages) / wages
    return (executor or SerialExecutor()).map(functools.partial(_autarky_economy, params=params, limits=limits),
                                              range(params.countries))


def _autarky_economy(i, params, limits):
    alone = params.replace(productivity=[params.productivity[i]], labor=[params.labor[i]],
                           trade_costs=[[1.0]], tariffs=None, financial="autarky",
                           borrowing_limit=float(limits[i]))
    return solve_stationary(alone)


def _households(economy, eq, i):
    return eq.responses[household_name(i)], economy.agents[i]


def _mean_gain(params, before, after, country):
    """Country's mean gain of moving from ``before`` to ``after`` (each ``(economy, equilibrium)``):
    the wealth equivalent and the consumption equivalent in percent, averaged over ``after``'s
    distribution."""
    b, ba = _households(*before, country)
    a, aa = _households(*after, country)
    consumption, wealth = welfare_change(params, b, ba, a, aa)
    dist = a.distribution
    return _mean(wealth, dist), 100.0 * _mean(consumption, dist)


def welfare_change(params, response_to, agent_to, response_from, agent_from):
    """Welfare of economy ``from`` relative to economy ``to`` at every state (a/w, z).

    Returns (consumption equivalent, wealth equivalent): the permanent proportional change in
    consumption in ``to`` (behaviour and taste shocks unchanged), and the extra wealth in mean
    labor incomes, that make a household of ``to`` as well off as in ``from``. The grids in wage
    units differ when the debt limit is fixed in the numeraire and wages differ: both measures are
    given on ``from``'s grid (the states its distribution weighs), ``to``'s values interpolated in
    a/w; a state of ``from`` below ``to``'s debt limit (in wage units) is compared with ``to``'s
    household at its limit.
    """
    from equilibria.household import consumption_equivalent, value_parts
    sol_to, sol_from = response_to.solution, response_from.solution
    grid_to, grid_from = response_to.grid_unit, response_from.grid_unit
    args = (params.discount, params.risk_aversion, params.taste_dispersion)
    u_to, s_to = value_parts(sol_to, agent_to.transition, *args)
    u_from, s_from = value_parts(sol_from, agent_from.transition, *args)
    value_to, utility_to = u_to + s_to, u_to
    if not np.array_equal(grid_to, grid_from):
        def on_from(x):
            return np.array([np.interp(grid_from, grid_to, row) for row in x])
        value_to, utility_to = on_from(value_to), on_from(utility_to)
    ce = consumption_equivalent(value_to, utility_to, u_from + s_from, params.risk_aversion, params.discount)
    we = wealth_equivalent(u_to + s_to, grid_to, u_from + s_from, grid_from)
    return ce, we


def _mean(values, dist):
    ok = np.isfinite(values)
    return float(np.sum(np.where(ok, values, 0.0) * dist) / np.sum(dist[ok]))


# ---------------------------------------------------------------------------------- experiments
def run_gains(params, options) -> Result:
    """Gains from trade: baseline versus autarky, by income and wealth decile."""
    if params.model != "incomplete_markets":
        raise ParameterError("model", "gains by wealth decile need 'incomplete_markets'", params.model)
    economy, eq = solve_stationary(params)
    autarky = autarky_economies(params, executor_of(options), wages=eq.prices["wages"])
    rows, data = [], {"countries": []}
    for i in range(params.countries):
        resp, agent = _households(economy, eq, i)
        aut_economy, aut_eq = autarky[i]
        aut_resp, aut_agent = _households(aut_economy, aut_eq, 0)
        ce, we = welfare_change(params, aut_resp, aut_agent, resp, agent)
        ce = 100.0 * ce
        dist = resp.distribution
        R = eq.aggregates["interest_rates"][i]
        income = agent.states[:, None] + (R - 1.0) * resp.grid_unit[None, :]     # in wage units
        wealth = np.broadcast_to(resp.grid_unit[None, :], dist.shape)
        country = {"country": i, "mean_gain_percent": _mean(ce, dist), "mean_gain_wealth": _mean(we, dist),
                   "by_income_decile_percent": decile_means(income, ce, dist),
                   "by_wealth_decile_percent": decile_means(wealth, ce, dist),
                   "by_income_decile_wealth": decile_means(income, we, dist),
                   "by_wealth_decile_wealth": decile_means(wealth, we, dist),
                   "wage": eq.prices["wages"][i], "home_share": eq.aggregates["trade_shares"][i, i],
                   "interest_rate_trade": R, "interest_rate_autarky": float(aut_eq.prices["interest_rates"][0])}
        data["countries"].append(country)
        for d in range(10):
            rows.append([i, d + 1, country["by_income_decile_percent"][d], country["by_wealth_decile_percent"][d],
                         country["by_income_decile_wealth"][d], country["by_wealth_decile_wealth"][d]])
    deciles = [str(d + 1) for d in range(10)]
    figures = {f"gains_by_{kind}_decile": bars(deciles, {f"country {c['country']}": c[f"by_{kind}_decile_percent"]
                                                         for c in data["countries"]},
                                               f"Gains from trade by {kind} decile", "consumption equivalent (%)")
               for kind in ("income", "wealth")}
    table = Table(columns=["country", "decile", "CE gain, income decile (%)", "CE gain, wealth decile (%)",
                           "wealth eq., income decile", "wealth eq., wealth decile"], rows=rows,
                  caption="Welfare gain from trade (baseline vs autarky) at the same state (a/w, z): the permanent "
                          "consumption increase in autarky (%) and the extra wealth (mean labor incomes) that would "
                          "make the household as well off as with trade; deciles of income (labor + interest) and "
                          "of wealth under the baseline distribution.")
    summary = Table(columns=["country", "mean CE gain (%)", "mean wealth equivalent", "home share π_ii",
                             "R trade", "R autarky", "ACR: π_ii^(-1/θ) - 1 (%)"],
                    rows=[[c["country"], c["mean_gain_percent"], c["mean_gain_wealth"], c["home_share"],
                           c["interest_rate_trade"], c["interest_rate_autarky"],
                           100 * (c["home_share"] ** (-1 / params.theta) - 1)] for c in data["countries"]],
                    caption="Average gains from trade by country, beside the static formula of eq. (60).")
    return Result(data=data, tables={"Gains from trade": summary, "Gains by decile": table}, figures=figures)


def trade_elasticity_pairs(params: WaughParameters, step: float = 1e-3, general_equilibrium: bool = True,
                           executor=None):
    """d log(π_ij/π_ii) / d log d_ij for every pair by central differences (eq. 53).

    Partial: prices (wages, R, transfers) fixed at the baseline equilibrium, only country i's
    households re-solved. General equilibrium: the stationary equilibrium re-solved.  One task of
    ``executor`` per pair.
    """
    economy, eq = solve_stationary(params)
    m = params.countries
    pairs = [(i, j) for i in range(m) for j in range(m) if i != j]
    task = functools.partial(_pair_elasticity, params=params, base_prices=eq.prices, step=step,
                             general_equilibrium=general_equilibrium)
    return eq, (executor or SerialExecutor()).map(task, pairs)


def _pair_elasticity(pair, params, base_prices, step, general_equilibrium):
    i, j = pair

    def log_ratio(scale, ge):
        d = np.array(params.trade_costs, float)
        d[i, j] *= np.exp(scale)
        shifted = params.replace(trade_costs=d)
        if ge:
            _, e2 = solve_stationary(shifted, guess=base_prices)
            s = e2.aggregates["trade_shares"]
            return np.log(s[i, j] / s[i, i])
        resp = _partial_response(shifted, i, base_prices)
        return np.log(resp.imports[j] / resp.imports[i])
    partial = (log_ratio(step, False) - log_ratio(-step, False)) / (2 * step)
    ge = (log_ratio(step, True) - log_ratio(-step, True)) / (2 * step) if general_equilibrium else None
    return {"importer": i, "exporter": j, "partial": float(partial),
            "general_equilibrium": None if ge is None else float(ge)}


def _partial_response(params, country, prices):
    if params.model == "incomplete_markets":
        return CountryHouseholds(params, country).respond(prices)
    from .stationary import HandToMouthHouseholds
    return HandToMouthHouseholds(params, country).respond(prices)


def run_elasticity(params, options) -> Result:
    """Trade elasticities: decentralized heterogeneous-agent model vs static model vs planner."""
    _require_ha(params)
    from .planner import planner_trade_elasticities
    from .static import partial_trade_elasticity, solve_static

    eq, pairs = trade_elasticity_pairs(params, executor=executor_of(options))
    static = params.replace(model="static", preferences="logit")
    static_wages = solve_static(static).prices["wages"]
    planner = planner_trade_elasticities(params)
    rows = []
    for k, pr in enumerate(pairs):
        i, j = pr["importer"], pr["exporter"]
        pr["static"] = partial_trade_elasticity(static, static_wages, i, j)
        pr["planner"] = planner[(i, j)]
        rows.append([i, j, pr["partial"], pr["general_equilibrium"], pr["static"], pr["planner"]])
    theta = params.theta
    spread = max(r[2] for r in rows) - min(r[2] for r in rows)
    table = Table(columns=["importer i", "exporter j", "decentralized (partial)", "decentralized (GE)",
                           "static (eq. 54)", "planner"], rows=rows,
                  caption=f"d log(π_ij/π_ii) / d log d_ij, central differences (step 1e-3); -θ = {-theta:g}. "
                          f"Decentralized model: γ = {params.risk_aversion:g}, {params.model}. "
                          "Planner: shares at shadow prices; -θ holds exactly only for log utility.")
    return Result(data={"theta": theta, "risk_aversion": params.risk_aversion, "pairs": pairs,
                        "spread_partial": spread},
                  tables={"Trade elasticities": table},
                  notes=[f"Spread of the decentralized (partial) elasticity across pairs: {spread:.4f}."])


def run_finance(params, options) -> Result:
    """Financial autarky (R_i per country, eq. 27) versus globalization (one R, eq. 26)."""
    if params.model != "incomplete_markets":
        raise ParameterError("model", "finance needs 'incomplete_markets'", params.model)
    (glob_econ, glob), (aut_econ, aut) = executor_of(options).map(
        solve_stationary, [params.replace(financial="globalization"), params.replace(financial="autarky")])
    rows, countries = [], []
    for i in range(params.countries):
        mean, mean_ce = _mean_gain(params, (aut_econ, aut), (glob_econ, glob), i)
        tb_g = glob.aggregates["exports"][i] - glob.aggregates["expenditure"][i] + glob.aggregates["tariff_revenue"][i]
        countries.append({"country": i, "R_globalization": float(glob.aggregates["interest_rates"][i]),
                          "R_autarky": float(aut.aggregates["interest_rates"][i]),
                          "net_assets_globalization": float(glob.aggregates["net_assets"][i]),
                          "trade_balance_globalization": float(tb_g),
                          "home_share_globalization": float(glob.aggregates["trade_shares"][i, i]),
                          "home_share_autarky": float(aut.aggregates["trade_shares"][i, i]),
                          "wage_globalization": float(glob.prices["wages"][i]),
                          "wage_autarky": float(aut.prices["wages"][i]),
                          "mean_gain_of_globalization": mean,
                          "mean_gain_of_globalization_percent": mean_ce})
        c = countries[-1]
        rows.append([i, c["R_autarky"], c["R_globalization"], c["net_assets_globalization"],
                     c["trade_balance_globalization"], c["home_share_autarky"], c["home_share_globalization"],
                     mean_ce, mean])
    table = Table(columns=["country", "R (fin. autarky)", "R (globalization)", "net foreign assets",
                           "trade balance", "π_ii (fin. autarky)", "π_ii (globalization)",
                           "mean CE gain of globalization (%)", "mean wealth-equivalent gain"], rows=rows,
                  caption="Financial autarky vs globalization; gains: the permanent consumption increase (%) and "
                          "the extra wealth (mean labor incomes) that would make a financial-autarky household as "
                          "well off as under globalization, averaged over the globalization distribution.")
    return Result(data={"countries": countries}, tables={"Financial autarky vs globalization": table})


def run_tariff(params, options) -> Result:
    """Country 0 imposes a 10% tariff on every import; revenue rebated lump-sum (section 1.5)."""
    if params.model != "incomplete_markets":
        raise ParameterError("model", "this experiment needs 'incomplete_markets'", params.model)
    base_econ, base = solve_stationary(params)
    tariffs = np.zeros((params.countries, params.countries))
    tariffs[0, 1:] = 0.10
    tar_econ, tar = solve_stationary(params.replace(tariffs=tariffs),
                                     guess={"wages": base.prices["wages"],
                                            "interest_rates": base.prices["interest_rates"]})
    rows, countries = [], []
    for i in range(params.countries):
        mean, mean_ce = _mean_gain(params, (base_econ, base), (tar_econ, tar), i)
        countries.append({"country": i, "wage_base": float(base.prices["wages"][i]),
                          "wage_tariff": float(tar.prices["wages"][i]),
                          "home_share_base": float(base.aggregates["trade_shares"][i, i]),
                          "home_share_tariff": float(tar.aggregates["trade_shares"][i, i]),
                          "transfer": float(tar.aggregates["transfers"][i]),
                          "net_assets_tariff": float(tar.aggregates["net_assets"][i]),
                          "mean_gain": mean, "mean_gain_percent": mean_ce})
        c = countries[-1]
        rows.append([i, c["wage_base"], c["wage_tariff"], c["home_share_base"], c["home_share_tariff"],
                     c["transfer"], mean_ce, mean])
    table = Table(columns=["country", "wage (base)", "wage (tariff)", "π_ii (base)", "π_ii (tariff)",
                           "rebate per household", "mean CE welfare change (%)", "mean wealth equivalent"],
                  rows=rows,
                  caption="Unilateral 10% tariff by country 0 on all imports, revenue rebated lump-sum; welfare "
                          "relative to the baseline as a consumption equivalent (%) and a wealth equivalent (mean "
                          "labor incomes), averaged over the tariff economy's distribution.")
    return Result(data={"countries": countries, "R_base": base.aggregates["interest_rates"],
                        "R_tariff": tar.aggregates["interest_rates"]},
                  tables={"Unilateral tariff": table})


HA_EXPERIMENTS = [
    Experiment(name="ha_elasticity", description="trade elasticity of every pair: heterogeneous agents vs "
               "static vs planner (section 1.7, App. A, C)", run=run_elasticity, headline=True,
               parameters=HeterogeneousParameters),
    Experiment(name="ha_gains", description="gains from trade by income and wealth decile (table and PNG)",
               run=run_gains, headline=True, parameters=HeterogeneousParameters),
    Experiment(name="finance", description="financial autarky versus financial globalization",
               run=run_finance, headline=True, parameters=HeterogeneousParameters),
    Experiment(name="ha_tariff", description="unilateral 10% tariff with rebates, heterogeneous agents",
               run=run_tariff, headline=True, parameters=HeterogeneousParameters),
]
