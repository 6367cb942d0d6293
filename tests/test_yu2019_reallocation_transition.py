"""Transitions of the full reallocation model: market clearing along the path, linear vs nonlinear,
the fake-news Jacobian vs finite differences, and the experiments' contract (small grids)."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria.dynamics import finite_difference_jacobian, linear_transition, solve_transition
from equilibria.plugins.yu2019_reallocation import entrepreneur as E
from equilibria.plugins.yu2019_reallocation import stationary as S
from equilibria.plugins.yu2019_reallocation.params import ReallocationParameters
from equilibria.plugins.yu2019_reallocation.transition import (
    DistributionOperator, ReallocationTransition, expectation_step, period_outcomes, tfp_path)

SMALL = dict(z_points=3, capital_points=20, asset_points=10, capital_max=4.0, asset_max=6.0)
PRICES = E.PeriodPrices(used_price=0.9, market_lemon_share=0.064, wage=1.17, gross_rate=1.019)


@pytest.fixture(scope="module")
def off_equilibrium():
    """A stationary point at arbitrary prices (markets need not clear for Jacobians)."""
    params = ReallocationParameters(**SMALL)
    grids = E.build_grids(params)
    policy, _ = E.solve_entrepreneur(params, grids, PRICES, tol=1e-11, cycle_tol=0.0)
    dist = S.stationary_distribution(policy, grids)
    return params, grids, policy, dist


@pytest.fixture(scope="module")
def equilibrium():
    params = ReallocationParameters(**SMALL)
    eq = S.solve_stationary(params)
    return eq, ReallocationTransition.from_stationary(eq)


def test_tfp_path_is_the_source_shock():
    path = tfp_path(6)
    np.testing.assert_allclose(path, [0.99, 0.991, 1.0, 1.0, 1.0, 1.0], rtol=0, atol=1e-15)


def test_expectation_step_is_the_transpose_of_forward(off_equilibrium):
    params, grids, policy, dist = off_equilibrium
    rng = np.random.default_rng(3)
    mu = rng.random(dist.shape)
    mu /= mu.sum()
    v = rng.normal(size=dist.shape)
    lhs = np.sum(S.forward(mu, policy, grids) * v)
    rhs = np.sum(mu * expectation_step(v, policy, grids))
    assert abs(lhs - rhs) < 1e-12 * max(1.0, abs(lhs))


def test_distribution_operator_equals_the_stationary_forward_step(off_equilibrium):
    params, grids, policy, dist = off_equilibrium
    rng = np.random.default_rng(5)
    mu = rng.random(dist.shape)
    operator = DistributionOperator(policy, grids)
    np.testing.assert_allclose(operator.forward(mu), S.forward(mu, policy, grids), rtol=1e-13, atol=1e-15)
    stack = rng.normal(size=(3, *dist.shape))
    np.testing.assert_allclose(operator.expect(stack)[1], operator.expect(stack[1]), rtol=1e-14, atol=1e-14)


def test_outcomes_aggregate_to_the_stationary_markets(off_equilibrium):
    """The per-state targets, integrated, are the markets of stationary.py computed by its own aggregates."""
    params, grids, policy, dist = off_equilibrium
    rng = np.random.default_rng(4)
    mu = rng.random(dist.shape)
    mu /= mu.sum()
    y = period_outcomes(params, grids, PRICES, policy)
    a = S.aggregates(params, grids, PRICES, policy, mu)
    total = a.total_traded
    assert np.sum(mu * y["used_capital"]) == pytest.approx(a.used_demand - total, abs=1e-12)
    assert np.sum(mu * y["lemon_share"]) == pytest.approx(total * (a.lemons_sold / total - PRICES.market_lemon_share),
                                                          abs=1e-12)
    assert np.sum(mu * y["labor"]) == pytest.approx(a.labor_demand - a.household_labor, abs=1e-12)
    assert np.sum(mu * y["bonds"]) == pytest.approx(a.bonds, abs=1e-12)
    assert np.sum(mu * y["entrepreneur_consumption"]) == pytest.approx(a.entrepreneur_consumption, abs=1e-12)


def test_fake_news_jacobian_matches_finite_differences(off_equilibrium):
    params, grids, policy, dist = off_equilibrium
    model = ReallocationTransition(params, PRICES, policy.value, policy.marginal, dist, grids=grids)
    assert model.fixed_point_gap < 1e-10
    T = 6
    outputs = (*model.targets, "output", "capital")
    inputs = (*model.unknowns, *model.exogenous)
    J = model.jacobian(T, outputs=outputs)
    reference = finite_difference_jacobian(model, T, inputs=inputs, outputs=outputs, step=1e-5)
    for key, exact in reference.items():
        scale = max(np.max(np.abs(exact)), 1e-3)
        assert np.max(np.abs(J[key] - exact)) < 1e-3 * scale, key
    # anticipation matters: prices moved in later periods change today's targets
    assert np.max(np.abs(np.triu(J[("bonds", "gross_rate")], 1))) > 1e-3


def test_cycling_bellman_map_is_measured_against_the_unperturbed_pass():
    """Where the Bellman map cycles (no fixed point to polish), the drift must not count as news:
    the Jacobian stays close to finite differences (not exact: the drift's phase varies by period)."""
    params = ReallocationParameters(**{**SMALL, "asset_max": 12.0})
    grids = E.build_grids(params)
    policy, _ = E.solve_entrepreneur(params, grids, PRICES)
    model = ReallocationTransition(params, PRICES, policy.value, policy.marginal,
                                   S.stationary_distribution(policy, grids), grids=grids)
    assert not model.exact and model.fixed_point_gap > 1e-6
    T = 6
    J = model.jacobian(T)
    reference = finite_difference_jacobian(model, T, inputs=(*model.unknowns, *model.exogenous),
                                           outputs=model.targets, step=1e-5)
    for key, exact in reference.items():
        assert np.max(np.abs(J[key] - exact)) < 0.25 * np.max(np.abs(exact)), key


def _recomputed_residuals(model, paths, T):
    """Markets along a path by the stationary module's own aggregates (independent of period_outcomes)."""
    params, grids = model.params, model.grids
    prices = [E.PeriodPrices(used_price=paths["used_price"][t], market_lemon_share=paths["market_lemon_share"][t],
                             wage=paths["wage"][t], gross_rate=paths["gross_rate"][t], tfp=paths["tfp"][t])
              for t in range(T)]
    value, marginal = model.steady.value, model.steady.marginal
    policies = [None] * T
    for t in range(T - 1, -1, -1):
        policies[t] = E.backward_step(params, grids, prices[t], value, marginal)
        value, marginal = policies[t].value, policies[t].marginal
    dist = model.steady.distribution
    out = np.empty((T, 5))
    for t in range(T):
        a = S.aggregates(params, grids, prices[t], policies[t], dist)
        out[t] = [a.used_demand - a.total_traded, a.lemons_sold / a.total_traded - prices[t].market_lemon_share,
                  a.labor_demand - a.household_labor, a.bonds,
                  a.output - a.consumption - a.new_investment]
        dist = S.forward(dist, policies[t], grids)
    return out


def test_transition_clears_every_market(equilibrium):
    eq, model = equilibrium
    T, tol = 25, 1e-9
    shocks = {"tfp": tfp_path(T) - 1.0}
    path = solve_transition(model, shocks, T, tol=tol, jacobian=model.jacobian(T))
    assert path.report.residual_norm < tol
    residuals = _recomputed_residuals(model, path.paths, T)
    assert np.max(np.abs(residuals[:, [0, 2, 3]])) < tol
    assert np.max(np.abs(residuals[:, 1])) < tol / 0.005          # the ratio form, divided by S_b + S_g
    # Walras' law: goods_t = B_{t+1}/R_t - B_t with B the net bonds entering a period; from t = 1 on
    # B = 0, at t = 0 it is what the stationary distribution holds (zero up to the stationary solve)
    initial_bonds = float(np.sum(model.steady.distribution.sum(axis=(0, 1)) * model.grids.assets)
                          - model.params.borrowing_limit)
    assert residuals[0, 4] == pytest.approx(-initial_bonds, abs=1e-8)
    assert np.max(np.abs(residuals[1:, 4])) < 1e-8
    # the shock moved prices, and they return towards the steady state
    dp = path.paths["used_price"] - eq.prices.used_price
    assert np.max(np.abs(dp)) > 1e-4
    assert abs(dp[-1]) < 0.2 * np.max(np.abs(dp))


def test_linear_transition_agrees_with_nonlinear_for_a_small_shock(equilibrium):
    eq, model = equilibrium
    T, size = 25, 1e-4
    J = model.jacobian(T)
    shock = {"tfp": -size * 0.9 ** np.arange(T)}
    linear = linear_transition(model, shock, T, jacobian=J)
    shocked = solve_transition(model, shock, T, tol=1e-11, jacobian=J)
    unshocked = solve_transition(model, {"tfp": np.zeros(T)}, T, tol=1e-11, jacobian=J)
    for u in model.unknowns:
        nonlinear = shocked.paths[u] - unshocked.paths[u]
        first_order = linear.paths[u] - model.steady_state[u]
        assert np.max(np.abs(nonlinear)) > 1e-7, u
        assert np.max(np.abs(first_order - nonlinear)) < 0.02 * np.max(np.abs(nonlinear)), u


def test_periods_below_the_minimum_exit_2():
    proc = subprocess.run([sys.executable, "-m", "equilibria.cli", "run", "yu2019_reallocation", "irf",
                           "--set", "periods=3"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "periods" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_irf_experiment_contract(tmp_path):
    """The experiment end to end on small grids: JSON with both economies' paths, and the figure."""
    args = ["--set", "z_points=3", "--set", "capital_points=25", "--set", "asset_points=12", "--set", "periods=12",
            "--set", "shown_periods=8"]
    proc = subprocess.run([sys.executable, "-m", "equilibria.cli", "run", "yu2019_reallocation", "irf", *args,
                           "--json", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    economies = data["data"]["economies"] if "data" in data else data["economies"]
    assert set(economies) == {"λ=0.2%", "λ=0 (Lanteri)"}
    for economy in economies.values():
        assert economy["solver"]["residual"] < 1e-7
        assert len(economy["percent_deviations"]["output"]) == 12
        assert economy["percent_deviations"]["output"][0] < 0            # output falls on impact
    assert (tmp_path / "irf.png").exists()
