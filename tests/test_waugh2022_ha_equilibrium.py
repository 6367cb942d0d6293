"""Stationary equilibrium of the heterogeneous-agent waugh2022 model: contract, closed forms, planner."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria.errors import ParameterError
from equilibria.plugins.waugh2022.calibration import HeterogeneousParameters
from equilibria.plugins.waugh2022.planner import (CentralizedPlanner, decentralized_welfare,
                                                  planner_trade_elasticities)
from equilibria.plugins.waugh2022.static import solve_static
from equilibria.plugins.waugh2022.stationary import solve_stationary

SMALL = dict(asset_points=80, income_points=3, asset_max=30.0)


@pytest.fixture(scope="module")
def baseline():
    params = HeterogeneousParameters(**SMALL)
    return params, solve_stationary(params)[1]


def test_huggett_one_country_financial_autarky():
    params = HeterogeneousParameters(productivity=[1.0], labor=[1.0], trade_costs=[[1.0]], financial="autarky",
                                     **SMALL)
    _, eq = solve_stationary(params)
    R = eq.prices["interest_rates"][0]
    assert 0.9 < R < 1 / params.discount                      # Huggett: R below 1/beta
    assert abs(eq.aggregates["net_assets"][0]) < 1e-9
    assert eq.aggregates["trade_shares"].shape == (1, 1)
    # bond demand is increasing in R: slightly lower R means net borrowing
    econ, _ = solve_stationary(params)
    assert econ.residuals({"interest_rates": np.array([R - 0.002])})[0] < 0 < \
        econ.residuals({"interest_rates": np.array([R + 0.002])})[0]


def test_globalization_clears_world_bond_market_and_all_goods_markets(baseline):
    params, eq = baseline
    a = eq.aggregates
    assert abs(a["net_assets"].sum()) < 1e-8 * params.labor.sum()
    assert np.allclose(a["interest_rates"], a["interest_rates"][0])
    # the numeraire's goods market was dropped (Walras) and clears anyway
    assert np.max(np.abs(eq.excess_demands["wages"])) < 1e-8
    assert np.allclose(a["trade_shares"].sum(axis=1), 1.0)
    assert np.all(a["mass_beyond_grid"] < 1e-10)


def test_financial_autarky_clears_each_bond_market():
    params = HeterogeneousParameters(financial="autarky", **SMALL)
    _, eq = solve_stationary(params)
    assert np.max(np.abs(eq.aggregates["net_assets"])) < 1e-8
    assert np.max(np.abs(eq.excess_demands["wages"])) < 1e-8


def test_log_utility_financial_autarky_is_the_static_model():
    """gamma = 1: spending does not depend on the variety and pi_ij = p_ij^-theta / sum (eq. 43), so with
    A'_i = 0 (financial autarky) the goods markets are the static model's (Appendix A)."""
    params = HeterogeneousParameters(risk_aversion=1.0, financial="autarky", **SMALL)
    _, eq = solve_stationary(params)
    static = solve_static(params.replace(model="static"))
    assert np.max(np.abs(eq.prices["wages"] - static.prices["wages"])) < 1e-7
    assert np.max(np.abs(eq.aggregates["trade_shares"] - static.aggregates["trade_shares"])) < 1e-7


def test_ces_incomplete_markets_financial_autarky_matches_static_ces():
    """CES (eq. 34-39): expenditure shares (p_ij/P_i)^(1-eta) are the same for every household, so with
    A'_i = 0 the equilibrium wages and shares are the static CES model's, whatever gamma."""
    params = HeterogeneousParameters(preferences="ces", ces_elasticity=3.0, risk_aversion=2.5,
                                     financial="autarky", **SMALL)
    _, eq = solve_stationary(params)
    static = solve_static(params.replace(model="static"))
    assert np.max(np.abs(eq.prices["wages"] - static.prices["wages"])) < 1e-7
    assert np.max(np.abs(eq.aggregates["trade_shares"] - static.aggregates["trade_shares"])) < 1e-7
    p = eq.aggregates["consumer_prices"]
    closed = p ** (1 - 3.0) / np.sum(p ** (1 - 3.0), axis=1, keepdims=True)          # eq. (37)
    assert np.max(np.abs(eq.aggregates["trade_shares"] - closed)) < 1e-10


def test_hand_to_mouth_ces_and_log_logit_match_static():
    for extra in (dict(preferences="ces", ces_elasticity=2.5, risk_aversion=3.0),
                  dict(preferences="logit", risk_aversion=1.0)):
        params = HeterogeneousParameters(model="hand_to_mouth", **extra)
        _, eq = solve_stationary(params, tol=1e-12)
        static = solve_static(params.replace(model="static"))
        assert np.max(np.abs(eq.prices["wages"] - static.prices["wages"])) < 1e-9
        assert np.max(np.abs(eq.aggregates["trade_shares"] - static.aggregates["trade_shares"])) < 1e-9


def test_hand_to_mouth_crra_is_not_gravity():
    """With gamma != 1 the hand-to-mouth choice probabilities depend on income (eq. 42), so the shares
    differ from the static model's: the special case really needs log utility."""
    params = HeterogeneousParameters(model="hand_to_mouth", risk_aversion=3.0)
    _, eq = solve_stationary(params, tol=1e-12)
    static = solve_static(params.replace(model="static"))
    assert np.max(np.abs(eq.aggregates["trade_shares"] - static.aggregates["trade_shares"])) > 1e-3


def test_tariff_rebates_balance_budgets():
    tariffs = np.zeros((3, 3))
    tariffs[0, 1:] = 0.1
    params = HeterogeneousParameters(tariffs=tariffs, **SMALL)
    _, eq = solve_stationary(params)
    revenue = eq.aggregates["tariff_revenue"]
    assert revenue[0] > 0 and np.allclose(revenue[1:], 0)
    assert np.allclose(eq.aggregates["transfers"] * params.labor, revenue, atol=1e-9)
    assert eq.prices["transfers"].shape == (1,)          # only country 0 has a budget to clear


def test_planner_efficiency_and_elasticity(baseline):
    params, eq = baseline
    planner = CentralizedPlanner(params).solve()
    # the decentralized allocation is feasible for the planner: the planner does at least as well
    assert planner.objective >= decentralized_welfare(params, eq) - 1e-9
    # resource constraints hold with equality
    alloc = planner.allocation
    use = np.sum(params.labor[:, None] * params.trade_costs * alloc["consumption"] * alloc["choice_shares"], axis=0)
    assert np.allclose(use, params.productivity * params.labor, rtol=1e-9)
    # log utility: the planner's (partial) trade elasticity is exactly -theta
    log = planner_trade_elasticities(params.replace(risk_aversion=1.0))
    assert all(abs(v + params.theta) < 1e-6 for v in log.values())
    crra = planner_trade_elasticities(params)
    assert max(crra.values()) - min(crra.values()) > 0.1   # not constant when gamma != 1


def test_decentralized_elasticity_is_not_constant():
    from equilibria.plugins.waugh2022.experiments_ha import trade_elasticity_pairs
    params = HeterogeneousParameters(**SMALL)
    _, pairs = trade_elasticity_pairs(params, general_equilibrium=False)
    values = [p["partial"] for p in pairs]
    assert max(values) - min(values) > 0.3
    log_params = params.replace(risk_aversion=1.0)
    _, pairs = trade_elasticity_pairs(log_params, general_equilibrium=False)
    assert all(abs(p["partial"] + params.theta) < 1e-4 for p in pairs)


def test_bad_input_names_the_parameter():
    for bad, name in ((dict(risk_aversion=0.0), "risk_aversion"), (dict(discount=1.0), "discount"),
                      (dict(discount=0.0), "discount"), (dict(asset_points=1), "asset_points"),
                      (dict(borrowing_limit=100.0), "borrowing_limit"),
                      (dict(income_states=[1.0, 2.0], income_transition=[[0.5, 0.6], [0.5, 0.5]]),
                       "income_transition")):
        with pytest.raises(ParameterError, match=name):
            HeterogeneousParameters(**bad)


def test_cli_contract(tmp_path):
    params = tmp_path / "p.json"
    params.write_text(json.dumps({"model": "incomplete_markets", "asset_points": 80, "income_points": 3}))
    out = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "waugh2022", "--params", str(params),
                          "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["wages"][0] == 1.0
    assert len(data["interest_rates"]) == 3 and len(set(data["interest_rates"])) == 1
    assert np.allclose(np.sum(data["trade_shares"], axis=1), 1.0)
    assert abs(sum(data["net_assets"])) < 1e-7
    assert data["report"]["converged"]
    bad = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "waugh2022", "--params", str(params),
                          "--set", "discount=1.5", "--json"], capture_output=True, text=True)
    assert bad.returncode == 2 and "discount" in bad.stderr
