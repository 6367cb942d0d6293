"""The household toolkit's DC-EGM and Young's lottery kernels against their NumPy twins and references."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from equilibria.numerics import exponential_grid, rouwenhorst, stationary_distribution as markov_stationary
from equilibria.household.distribution import (expectation_step, forward_numpy, forward_step, lottery,
                                               lottery_numpy, stationary_distribution, stationary_numpy)
from equilibria.household.egm import (backward_step, egm_step_numpy, euler_errors, initial_guess,
                                      solve_household, solve_household_numpy, solve_household_vfi,
                                      utility)
from equilibria.plugins.waugh2022.distribution import household_aggregates


def chain(n=3, rho=0.8, sigma=0.2):
    log_z, transition = rouwenhorst(n, rho, sigma)
    z = np.exp(log_z)
    return z / (markov_stationary(transition) @ z), transition


def problem(draw_seed, m=3, n=40):
    rng = np.random.default_rng(draw_seed)
    z, transition = chain(int(rng.integers(2, 5)), rng.uniform(0.0, 0.95), rng.uniform(0.05, 0.4))
    R = rng.uniform(0.97, 1.03)
    phi = rng.uniform(0, 0.8) * min(z.min() / (R - 1), 3.0) if R > 1 else rng.uniform(0, 2)
    grid = exponential_grid(-phi, rng.uniform(5, 30), n, curvature=rng.uniform(0.5, 4))
    prices = rng.uniform(0.6, 1.6, size=m)
    return dict(grid=grid, income=z * rng.uniform(0.5, 2), transition=transition, prices=prices, R=R,
                beta=rng.uniform(0.8, 0.95), gamma=rng.uniform(0.5, 4), sigma=rng.uniform(0.05, 1.0))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 4), steps=st.integers(1, 3))
def test_egm_kernel_matches_numpy_twin(seed, m, steps):
    """A few steps of the kernel equal the same steps of the NumPy specification."""
    from equilibria.ext import dcegm
    p = problem(seed, m=m)
    args = [p[k] for k in ("grid", "income", "transition", "prices", "R", "beta", "gamma", "sigma")]
    marginal, value = initial_guess(p["grid"], p["income"], p["prices"], p["R"], p["gamma"])
    rng = np.random.default_rng(seed)
    value = rng.normal(size=value.shape).cumsum(axis=1) * 0.01   # any value function
    mk, vk = marginal.copy(), value.copy()
    nz, n = marginal.shape
    out = [np.zeros((m, nz, n)) for _ in range(4)]
    mn, vn = marginal, value
    for _ in range(steps):
        sav, sp, cv, prob, mn, vnew = egm_step_numpy(*args, mn, vn, values=True)
        vn = vnew - vnew[0, -1]
    dcegm.egm_iterate(*args[:4], p["R"], p["beta"], p["gamma"], p["sigma"], True, mk, vk, *out, 0.0, steps)
    assert np.allclose(out[0], sav, rtol=1e-11, atol=1e-11)
    assert np.allclose(out[1], sp, rtol=1e-11, atol=1e-11)
    assert np.allclose(out[2], cv, rtol=1e-10, atol=1e-10)
    assert np.allclose(out[3], prob, rtol=1e-10, atol=1e-12)
    assert np.allclose(mk, mn, rtol=1e-10)
    assert np.allclose(vk, vn, rtol=1e-10, atol=1e-10)


def test_fixed_point_matches_numpy_twin():
    p = problem(7, m=3, n=50)
    a = solve_household(**p, tol=1e-11)
    b = solve_household_numpy(**p, tol=1e-11)
    assert a.iterations == b.iterations
    for name in ("savings", "spending", "probabilities", "value", "choice_value", "marginal"):
        assert np.allclose(getattr(a, name), getattr(b, name), rtol=1e-9, atol=1e-9), name


def test_dcegm_agrees_with_value_function_iteration():
    """Independent check: VFI with a' on a fine grid gives the same values and policies."""
    z, transition = chain(2, 0.7, 0.25)
    grid = exponential_grid(-0.5, 12.0, 120, curvature=2.0)
    kw = dict(income=z, transition=transition, prices=np.array([1.0, 1.25]), R=1.02, beta=0.9,
              gamma=2.0, sigma=0.3)
    sol = solve_household(grid, **kw, tol=1e-11)
    value, choice_value, savings = solve_household_vfi(grid, **kw, choice_points=3000, tol=1e-10)
    spacing = (grid[-1] - grid[0]) / 2999
    assert np.max(np.abs(value - sol.value)) < 2e-3 * np.max(np.abs(value))
    assert np.max(np.abs(choice_value - sol.choice_value)) < 2e-3 * np.max(np.abs(value))
    # policies agree to a few choice-grid spacings plus the EGM interpolation error
    assert np.max(np.abs(savings - sol.savings)[:, :, :100]) < 10 * spacing + 0.02


def test_euler_errors_shrink_with_the_grid():
    z, transition = chain(3, 0.8, 0.2)
    kw = dict(income=z, transition=transition, prices=np.array([1.0, 1.3, 0.9]), R=1.02, beta=0.93,
              gamma=2.0, sigma=0.3)
    worst = []
    for n in (50, 200):
        grid = exponential_grid(-0.5, 15.0, n, curvature=3.0)
        sol = solve_household(grid, **kw, tol=1e-11)
        err = euler_errors(sol, z, transition, kw["R"], kw["beta"], kw["gamma"], kw["sigma"],
                           np.linspace(grid[0], 12.0, 997))
        worst.append(np.nanmax(err))
    assert worst[1] < 1e-3
    assert worst[1] < worst[0] / 3


def test_log_utility_probabilities_are_gravity_shares():
    """gamma = 1: v_j = v - log p_j, so pi_j = p_j^(-1/sigma) / sum (eq. 43) at every state."""
    p = problem(3, m=4)
    p["gamma"] = 1.0
    sol = solve_household(**p, tol=1e-11)
    share = p["prices"] ** (-1 / p["sigma"])
    share /= share.sum()
    assert np.allclose(sol.probabilities, share[:, None, None], atol=1e-8)


def test_single_variety_without_values_matches_with_values():
    p = problem(11, m=1)
    a = solve_household(**p, values=False, tol=1e-11)
    b = solve_household(**p, values=True, tol=1e-11)
    assert np.allclose(a.savings, b.savings, atol=1e-9)
    assert a.value is None and b.value is not None


def test_value_level_is_the_bellman_fixed_point():
    """The restored level satisfies V = logsum_j(u + beta E V) exactly (no shift left)."""
    p = problem(5, m=2)
    sol = solve_household(**p, tol=1e-12)
    sav, sp, cv, prob, mn, vnew = egm_step_numpy(p["grid"], p["income"], p["transition"], p["prices"],
                                                 p["R"], p["beta"], p["gamma"], p["sigma"],
                                                 sol.marginal, sol.value)
    assert np.allclose(vnew, sol.value, atol=1e-8 * np.abs(sol.value).max())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 3))
def test_lottery_and_forward_step_match_numpy(seed, m):
    from equilibria.ext import young
    rng = np.random.default_rng(seed)
    grid = np.sort(rng.uniform(-1, 10, size=30))
    grid = np.unique(grid)
    nz = 3
    savings = rng.uniform(-1.5, 11, size=(m, nz, grid.size))
    index, weight = young.lottery(grid, savings)
    i2, w2 = lottery_numpy(grid, savings)
    assert np.array_equal(index, i2) and np.allclose(weight, w2, atol=1e-14)
    prob = rng.dirichlet(np.ones(m), size=(nz, grid.size)).transpose(2, 0, 1).copy()
    transition = rng.dirichlet(np.ones(nz), size=nz)
    dist = rng.dirichlet(np.ones(nz * grid.size)).reshape(nz, grid.size)
    expected = forward_numpy(i2, w2, prob, transition, dist)
    d = dist.copy()
    young.stationary(index, weight, prob, transition, d, 0.0, 1)
    assert np.allclose(d, expected, atol=1e-15)
    assert abs(d.sum() - 1) < 1e-12


def test_stationary_distribution_kernel_vs_numpy_and_fixed_point():
    p = problem(13, m=3, n=60)
    sol = solve_household(**p, tol=1e-11)
    dist = stationary_distribution(p["grid"], sol.savings, sol.probabilities, p["transition"], tol=1e-13)
    ref = stationary_numpy(p["grid"], sol.savings, sol.probabilities, p["transition"], tol=1e-13)
    assert np.allclose(dist, ref, atol=1e-11)
    index, weight = lottery_numpy(p["grid"], sol.savings)
    assert np.allclose(forward_numpy(index, weight, sol.probabilities, p["transition"], dist), dist, atol=1e-12)
    assert abs(dist.sum() - 1) < 1e-12 and dist.min() >= 0
    # the z-marginal is the Markov chain's stationary distribution
    assert np.allclose(dist.sum(axis=1), markov_stationary(p["transition"]), atol=1e-10)


@pytest.mark.parametrize("seed", [2, 7, 11, 29, 31])
def test_extrapolated_egm_meets_the_same_stopping_rule(seed):
    """With one variety and no values the kernel extrapolates the marginal value every 5
    steps; it must stop only on two plain steps whose policies differ by less than tol, so
    one more plain step from its marginal value moves the policy by less than tol, and the
    policy agrees with the plain iteration's to the accuracy both stopping rules allow."""
    from equilibria.ext import dcegm
    p = problem(seed, m=1, n=150)
    args = [p[k] for k in ("grid", "income", "transition", "prices", "R", "beta", "gamma", "sigma")]
    tol = 1e-9
    fast = solve_household(*args, values=False, tol=tol, extrapolate=5)
    plain = solve_household(*args, values=False, tol=tol, extrapolate=0)
    tight = solve_household(*args, values=False, tol=1e-13, extrapolate=0)
    # one more plain step from the extrapolated solution
    marginal = fast.marginal.copy()
    out = [fast.savings.copy(), np.empty_like(fast.savings), np.empty_like(fast.savings),
           np.empty_like(fast.savings)]
    _, change, _, bad = dcegm.egm_iterate(*args[:4], float(p["R"]), float(p["beta"]), float(p["gamma"]),
                                          float(p["sigma"]), False, marginal, np.zeros_like(marginal),
                                          *out, 0.0, 1)
    assert bad == 0 and change < tol
    # both are within what the plain rule allows of the tight solution (error ~ tol / (1 - rate))
    err_plain = np.max(np.abs(plain.savings - tight.savings))
    err_fast = np.max(np.abs(fast.savings - tight.savings))
    assert err_fast < max(5 * err_plain, 50 * tol)
    assert fast.iterations <= plain.iterations + 1


@pytest.mark.parametrize("seed,m", [(3, 1), (5, 1), (19, 2), (23, 3)])
def test_extrapolated_lottery_meets_the_same_stopping_rule(seed, m):
    """The accelerated iteration (extrapolate=K) stops only when one plain step of eq. (12)
    changes no mass by more than tol, like the plain power iteration, and both land on the
    same fixed point (up to the tolerance divided by the spectral gap)."""
    p = problem(seed, m=m, n=120)
    sol = solve_household(**p, tol=1e-11)
    fast = stationary_distribution(p["grid"], sol.savings, sol.probabilities, p["transition"],
                                   tol=1e-12, extrapolate=5)
    plain = stationary_distribution(p["grid"], sol.savings, sol.probabilities, p["transition"],
                                    tol=1e-12, extrapolate=0, check_every=1)
    index, weight = lottery_numpy(p["grid"], sol.savings)
    step = forward_numpy(index, weight, sol.probabilities, p["transition"], fast)
    assert np.max(np.abs(step - fast)) < 1e-12
    assert np.max(np.abs(fast - plain)) < 1e-9
    assert abs(fast.sum() - 1) < 1e-12 and fast.min() >= 0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 3), n=st.sampled_from([2, 3, 4, 9, 17, 64, 203]),
       threads=st.sampled_from([1, 2]))
def test_banded_step_matches_numpy_on_monotone_policies(seed, m, n, threads):
    """The kernel's steps use a gather ("band") form of the lotteries built once per solve;
    on monotone policies with long runs of equal brackets (a borrowing constraint), gaps,
    clipping at both ends and steep segments, several steps equal the NumPy specification."""
    from equilibria.ext import young
    rng = np.random.default_rng(seed)
    grid = np.unique(np.concatenate([[0.0], np.sort(rng.uniform(0, 10, size=n - 1))]))
    n = grid.size
    nz = 3
    savings = np.empty((m, nz, n))
    for j in range(m):
        for z in range(nz):
            slope = rng.choice([0.3, 0.9, 1.0, 1.7])
            savings[j, z] = np.maximum(slope * grid + rng.uniform(-3, 2), rng.uniform(-1, 0.5)) \
                + np.sort(rng.uniform(0, 0.5, size=n))
    index, weight = young.lottery(grid, savings)
    assert np.all(np.diff(index, axis=2) >= 0)
    prob = rng.dirichlet(np.ones(m), size=(nz, n)).transpose(2, 0, 1).copy()
    transition = rng.dirichlet(np.ones(nz), size=nz)
    dist = rng.dirichlet(np.ones(nz * n)).reshape(nz, n)
    steps = int(rng.integers(1, 4))
    expected = dist
    for _ in range(steps):
        expected = forward_numpy(index, weight, prob, transition, expected)
    d = dist.copy()
    young.stationary(index, weight, prob, transition, d, 0.0, steps, 1, threads)
    assert np.allclose(d, expected, atol=1e-15, rtol=1e-13)
    assert abs(d.sum() - 1) < 1e-12


def test_aggregates_obey_the_stationary_budget_constraint():
    """Summing eq. (7) over the stationary distribution: expenditure = income + (R - 1) assets."""
    p = problem(17, m=3, n=80)
    sol = solve_household(**p, tol=1e-12)
    dist = stationary_distribution(p["grid"], sol.savings, sol.probabilities, p["transition"], tol=1e-14)
    agg = household_aggregates(sol, dist, p["income"], mass=2.0)
    income = 2.0 * np.sum(dist * p["income"][:, None])
    assert np.isclose(agg["expenditure"], income + (p["R"] - 1) * agg["assets"], rtol=1e-9)
    assert np.isclose(agg["assets"], agg["asset_holdings"], rtol=1e-6, atol=1e-9)
    assert np.isclose(agg["trade_shares"].sum(), 1.0)


def test_utility_log_and_crra():
    assert np.isclose(utility(np.e, 1.0), 1.0)
    assert np.isclose(utility(2.0, 2.0), -0.5)


def test_value_parts_and_consumption_equivalent():
    """One variety: no taste-shock part. Three: U + S matches the DC-EGM value up to interpolation
    error, S > 0, and the consumption equivalent inverts a known proportional change."""
    from equilibria.household.egm import consumption_equivalent, value_parts
    p = problem(23, m=1, n=60)
    sol = solve_household(**p, tol=1e-12)
    U, S = value_parts(sol, p["transition"], p["beta"], p["gamma"], p["sigma"], tol=1e-12)
    assert np.all(S == 0)
    assert np.max(np.abs(U - sol.value)) < 1e-2 * np.max(np.abs(sol.value))
    p3 = problem(29, m=3, n=200)
    sol3 = solve_household(**p3, tol=1e-12)
    U3, S3 = value_parts(sol3, p3["transition"], p3["beta"], p3["gamma"], p3["sigma"], tol=1e-12)
    assert S3.min() > 0            # choosing among 3 varieties is worth something
    assert np.max(np.abs(U3 + S3 - sol3.value)) < 2e-3 * np.max(np.abs(sol3.value))
    target = 1.05 ** (1 - p3["gamma"]) * U3 + S3
    g = consumption_equivalent(U3 + S3, U3, target, p3["gamma"], p3["beta"])
    assert np.allclose(g, 0.05, atol=1e-10)


def _non_concave_case():
    """Two varieties with very different prices near the borrowing limit: the continuation value is
    locally convex (V'' = sum pi v'' + Var_pi(v')/sigma), the endogenous grid folds."""
    from equilibria.plugins.waugh2022.calibration import HeterogeneousParameters
    from equilibria.plugins.waugh2022.stationary import CountryHouseholds
    params = HeterogeneousParameters(
        productivity=[1.742, 1.114], labor=[1.784, 0.374], trade_costs=[[1.0, 1.302], [2.428, 1.0]],
        taste_dispersion=0.778, risk_aversion=2.3835, discount=0.88627, borrowing_limit=1.5769,
        financial="autarky", income_points=2, income_volatility=0.0969, asset_points=100)
    agent = CountryHouseholds(params, 0)
    prices, _ = agent._variety_prices(np.array([1.0, 2.14387549]))
    return dict(grid=agent.grid_unit, income=agent.states, transition=agent.transition, prices=prices,
                R=1.09100362, beta=params.discount, gamma=params.risk_aversion, sigma=params.taste_dispersion)


def test_upper_envelope_matches_twin_and_value_iteration():
    from equilibria.ext import dcegm
    p = _non_concave_case()
    args = [p[k] for k in ("grid", "income", "transition", "prices")]
    scal = [p[k] for k in ("R", "beta", "gamma", "sigma")]
    marginal, value = initial_guess(p["grid"], p["income"], p["prices"], p["R"], p["gamma"])
    out = [np.zeros((2, 2, p["grid"].size)) for _ in range(4)]
    folded = 0
    for _ in range(60):
        wa = p["beta"] * p["transition"] @ marginal
        x_endog = p["prices"][:, None, None] ** (1 - 1 / p["gamma"]) * wa[None] ** (-1 / p["gamma"]) + p["grid"]
        folded += int(np.any(np.diff(x_endog, axis=2) <= 0))
        expected = egm_step_numpy(*args, *scal, marginal, value)
        dcegm.egm_iterate(*args, *scal, True, marginal, value, *out, 0.0, 1)
        assert np.allclose(out[0], expected[0], atol=1e-11) and np.allclose(out[2], expected[2], atol=1e-10)
        assert np.allclose(marginal, expected[4], rtol=1e-10)
        value = value.copy()
    assert folded > 0, "the case no longer exercises the upper envelope"
    sol = solve_household(**p, tol=1e-11)
    ref_value, _, ref_savings = solve_household_vfi(**p, choice_points=2500, tol=1e-9)
    assert np.max(np.abs(ref_value - sol.value)) < 1e-2 * np.max(np.abs(ref_value))
    # policies agree away from the sparse top of the grid (VFI cannot choose above it)
    assert np.max(np.abs(ref_savings - sol.savings)[:, :, :-10]) < 0.1


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 3))
def test_forward_step_matches_twin_and_expectation_is_its_transpose(seed, m):
    """forward_step equals forward_numpy; <forward(D), y> = <D, expectation(y)> for any D, y."""
    rng = np.random.default_rng(seed)
    nz, n = int(rng.integers(1, 5)), int(rng.integers(3, 30))
    grid = np.sort(rng.uniform(-1, 5, n)) + np.arange(n) * 1e-3
    savings = rng.uniform(grid[0] - 0.5, grid[-1] + 0.5, size=(m, nz, n))
    index, weight = lottery(grid, savings)
    ref_index, ref_weight = lottery_numpy(grid, savings)
    assert np.array_equal(index, ref_index) and np.allclose(weight, ref_weight, atol=1e-14)
    prob = rng.dirichlet(np.ones(m), size=(nz, n)).transpose(2, 0, 1).copy()
    transition = rng.dirichlet(np.ones(nz), size=nz)
    dist = rng.dirichlet(np.ones(nz * n)).reshape(nz, n)
    y = rng.normal(size=(nz, n))
    moved = forward_step(index, weight, transition, dist, prob)
    assert np.allclose(moved, forward_numpy(index, weight, prob, transition, dist), atol=1e-15, rtol=1e-12)
    assert np.isclose(np.sum(moved * y), np.sum(dist * expectation_step(index, weight, transition, y, prob)),
                      rtol=1e-12, atol=1e-14)
    if m == 1:
        one = forward_step(index[0], weight[0], transition, dist)
        assert np.allclose(one, moved, atol=1e-15, rtol=1e-12)
        assert np.allclose(expectation_step(index[0], weight[0], transition, y),
                           expectation_step(index, weight, transition, y, prob), rtol=1e-12, atol=1e-14)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), m=st.integers(1, 3))
def test_backward_step_is_one_step_of_the_twin(seed, m):
    """backward_step at (R, income) equals one NumPy EGM step from the same marginal value."""
    p = problem(seed, m=m)
    marginal, value = initial_guess(p["grid"], p["income"], p["prices"], p["R"], p["gamma"])
    sav, sp, cv, prob, mn, vn = egm_step_numpy(p["grid"], p["income"], p["transition"], p["prices"], p["R"],
                                               p["beta"], p["gamma"], p["sigma"], marginal, value, values=True)
    step = backward_step(p["grid"], p["income"], p["transition"], p["R"], p["beta"], p["gamma"], marginal,
                         prices=p["prices"], sigma=p["sigma"], value_next=value)
    assert np.allclose(step.savings, sav, rtol=1e-11, atol=1e-11)
    assert np.allclose(step.probabilities, prob, rtol=1e-10, atol=1e-12)
    assert np.allclose(step.marginal, mn, rtol=1e-10)
    assert np.allclose(step.value, vn, rtol=1e-10, atol=1e-10)
