"""Full model of Yu (2019), section 2.4: the entrepreneur's kernel against its NumPy twin, EGM against
value-function iteration, the distribution's law of motion, aggregates and Walras' law."""
import numpy as np
import pytest

from equilibria.plugins.yu2019_reallocation import entrepreneur as E
from equilibria.plugins.yu2019_reallocation.params import ReallocationParameters
from equilibria.plugins.yu2019_reallocation.stationary import (aggregates, capital_change, forward,
                                                                stationary_distribution)

SMALL = dict(capital_points=14, capital_max=3.0, asset_points=14, asset_max=6.0, z_points=3)
PRICES = E.PeriodPrices(used_price=0.9, market_lemon_share=0.07, wage=1.15, gross_rate=1.03)


def _inputs(seed, params, consistent=False):
    grids = E.build_grids(params)
    rng = np.random.default_rng(seed)
    resources = E.resources_before_choice(params, grids, PRICES)
    cost = E.adjustment_cost(params, grids, PRICES)
    value, marginal = E.initial_value(resources, params.discount)
    # a non-concave continuation: wiggles in the value and a non-monotone marginal value
    value = value + 0.3 * np.sin(7 * grids.assets)[None, None, :] * rng.uniform(0.5, 1.5, value.shape)
    marginal = marginal * np.exp(1.5 * rng.standard_normal(marginal.shape))
    cont, cont_marginal = E.continuation(value, marginal, grids.transition, params.discount)
    if consistent:   # W_a the slope of W, so that first-order conditions locate the optima
        cont_marginal = np.maximum(np.gradient(cont, grids.assets, axis=2), 1e-3)
    return cont, cont_marginal, resources, cost, grids.assets


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kernel_matches_numpy_twin_with_folded_grids(seed):
    params = ReallocationParameters(**SMALL)
    cont, cont_marginal, resources, cost, assets = _inputs(seed, params)
    m_endog = 1 / (PRICES.gross_rate * cont_marginal) + assets / PRICES.gross_rate
    assert np.any(np.diff(m_endog, axis=2) <= 0), "the test needs folded endogenous grids"
    v_np, s_np = E.choice_values_numpy(cont, cont_marginal, resources, cost, assets, PRICES.gross_rate)
    v_k, s_k = E.choice_values(cont, cont_marginal, resources, cost, assets, PRICES.gross_rate)
    finite = np.isfinite(v_np)
    assert np.array_equal(finite, np.isfinite(v_k))
    assert np.max(np.abs(v_np[finite] - v_k[finite])) < 1e-12
    assert np.max(np.abs(s_np - s_k)) < 1e-12


def test_egm_value_is_a_feasible_choices_value_and_beats_a_grid_search():
    """Every EGM value is log(c) + W(a') of the savings it reports, and no a' on a fine grid does better."""
    params = ReallocationParameters(**SMALL)
    cont, cont_marginal, resources, cost, assets = _inputs(3, params, consistent=True)
    values, savings = E.choice_values(cont, cont_marginal, resources, cost, assets, PRICES.gross_rate)
    fine = np.linspace(0, assets[-1], 4001)
    rng = np.random.default_rng(0)
    for _ in range(200):
        z, k, a, j = (rng.integers(n) for n in values.shape)
        m = resources[z, k, a] - cost[k, j]
        if m <= 0:
            assert values[z, k, a, j] == -np.inf
            continue
        c = m - savings[z, k, a, j] / PRICES.gross_rate
        assert values[z, k, a, j] == pytest.approx(np.log(c) + np.interp(savings[z, k, a, j], assets, cont[z, j]),
                                                   abs=1e-10)
        c_fine = m - fine / PRICES.gross_rate
        brute = np.max(np.where(c_fine > 0, np.log(np.maximum(c_fine, 1e-300)) + np.interp(fine, assets, cont[z, j]),
                                -np.inf))
        assert values[z, k, a, j] >= brute - 2e-3 * abs(brute)


@pytest.mark.slow
def test_egm_solution_matches_value_function_iteration():
    """EGM (nearly hard maximum, σ = 1e-3) against brute-force VFI with a' on a fine grid (about two minutes)."""
    params = ReallocationParameters(capital_points=10, capital_max=3.0, asset_points=12, asset_max=6.0, z_points=2)
    grids = E.build_grids(params)
    policy, _ = E.solve_entrepreneur(params, grids, PRICES, tol=1e-8, smoothing=1e-3)
    reference = E.solve_entrepreneur_vfi(params, grids, PRICES, fine_points=1500, tol=1e-6)
    gap = np.abs(policy.value - reference)
    # the logit adds at most σ log(n_k) = 0.0023; linear interpolation of W in a' the rest
    assert np.median(gap) < 3e-3 and np.max(gap) < 5e-2, (np.median(gap), np.max(gap))
    cont = params.discount * np.einsum("zy,yka->zka", grids.transition, reference)
    resources = E.resources_before_choice(params, grids, PRICES)
    cost = E.adjustment_cost(params, grids, PRICES)
    fine = np.linspace(0, grids.assets[-1], 1500)
    best = np.full(resources.shape + (grids.capital.size,), -np.inf)
    for z in range(resources.shape[0]):
        for j in range(grids.capital.size):
            c = resources[z][:, :, None] - cost[:, j][:, None, None] - fine / PRICES.gross_rate
            with np.errstate(divide="ignore", invalid="ignore"):
                best[z, :, :, j] = np.where(c > 0, np.log(c) + np.interp(fine, grids.assets, cont[z, j]), -np.inf).max(2)
    assert np.mean(best.argmax(axis=3) == policy.capital_choice) > 0.9


def test_three_regions_in_the_dynamic_policy():
    """Section 2.4.2: at given (a, k), invest for high z, disinvest for low z (choices monotone in z)."""
    params = ReallocationParameters(**SMALL)
    grids = E.build_grids(params)
    policy, _ = E.solve_entrepreneur(params, grids, PRICES, tol=1e-8)
    expected_k = np.sum(policy.probabilities * grids.capital, axis=3)
    assert np.all(np.diff(expected_k, axis=0) >= -1e-9 * expected_k[:-1])
    change = capital_change(params, grids)
    probs = policy.probabilities
    invest = np.sum(probs * (change > 0)[None, :, None, :], axis=3)
    disinvest = np.sum(probs * (change < 0)[None, :, None, :], axis=3)
    assert invest[-1].mean() > invest[0].mean() and disinvest[0].mean() > disinvest[-1].mean()


def test_distribution_step_conserves_mass_and_matches_a_loop():
    params = ReallocationParameters(**SMALL)
    grids = E.build_grids(params)
    policy, _ = E.solve_entrepreneur(params, grids, PRICES, tol=1e-8)
    rng = np.random.default_rng(1)
    dist = rng.dirichlet(np.ones(policy.value.size)).reshape(policy.value.shape)
    new = forward(dist, policy, grids)
    assert new.sum() == pytest.approx(1.0, abs=1e-13)
    slow = np.zeros_like(dist)
    nz, nk, na = dist.shape
    for z in range(nz):
        for k in range(nk):
            for a in range(na):
                for j in range(nk):
                    mass = dist[z, k, a] * policy.probabilities[z, k, a, j]
                    s = np.clip(policy.savings[z, k, a, j], grids.assets[0], grids.assets[-1])
                    i = min(np.searchsorted(grids.assets, s, side="right") - 1, na - 2)
                    w = (grids.assets[i + 1] - s) / (grids.assets[i + 1] - grids.assets[i])
                    for z2 in range(nz):
                        slow[z2, j, i] += mass * w * grids.transition[z, z2]
                        slow[z2, j, i + 1] += mass * (1 - w) * grids.transition[z, z2]
    assert np.max(np.abs(new - slow)) < 1e-14


def test_budgets_add_up_to_walras_law_at_any_prices():
    """Summing entrepreneurs' budgets: C + I_new = Y + p(S_b + S_g - i_used) + (∫b - ∫b'/R) at any prices."""
    params = ReallocationParameters(**SMALL)
    grids = E.build_grids(params)
    policy, _ = E.solve_entrepreneur(params, grids, PRICES, tol=1e-9)
    dist = stationary_distribution(policy, grids)
    agg = aggregates(params, grids, PRICES, policy, dist)
    bonds_now = float(np.sum(dist * (grids.assets[None, None, :] - params.borrowing_limit)))
    lhs = agg.consumption + agg.new_investment
    rhs = (agg.output - PRICES.wage * agg.labor_demand + PRICES.wage * agg.household_labor
           + PRICES.used_price * (agg.total_traded - agg.used_demand) + bonds_now - agg.bonds / PRICES.gross_rate)
    assert lhs == pytest.approx(rhs, rel=1e-9)


def test_relative_iteration_with_extrapolation_reaches_the_plain_fixed_point():
    """The relative value iteration (span rule, McQueen-Porteus level, extrapolation) and the plain
    iteration (every change below tol) reach the same value and choices."""
    params = ReallocationParameters(**SMALL)
    grids = E.build_grids(params)
    fast, steps_fast = E.solve_entrepreneur(params, grids, PRICES, tol=1e-11, cycle_tol=0.0)
    plain, steps_plain = E.solve_entrepreneur(params, grids, PRICES, tol=1e-11, cycle_tol=0.0, relative=False,
                                              extrapolate=0)
    assert steps_fast < steps_plain
    assert np.max(np.abs(fast.value - plain.value)) < 1e-8
    assert np.max(np.abs(fast.probabilities - plain.probabilities)) < 1e-8
    again = E.backward_step(params, grids, PRICES, fast.value, fast.marginal)
    assert np.max(np.abs(again.value - fast.value)) < 1e-9          # a fixed point of the Bellman step


def test_market_clearing_iteration_solves_a_nonlinear_system():
    from scipy.optimize import fsolve

    from equilibria.numerics.roots import find_root

    def residual(x):
        return np.array([np.exp(x[0]) - 2 + 0.1 * x[1], x[1] ** 3 + x[1] - 1 + 0.2 * x[0], x[2] - 0.3 * x[0] ** 2])

    # the method and options solve_stationary uses
    root = find_root(residual, np.zeros(3), method="newton-broyden", tol=1e-12, maxiter=60,
                     options={"step": 1e-7, "max_step": 0.25})
    x = root.x
    assert np.max(np.abs(residual(x))) <= 1e-12 and "Jacobian" in root.report.message
    assert np.allclose(x, fsolve(residual, np.zeros(3), xtol=1e-12), atol=1e-10)
    assert root.report.evaluations < 30
