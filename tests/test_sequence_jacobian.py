"""Sequence-space Jacobians of the household block: exact EGM derivative and fake news."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from equilibria.errors import ParameterError
from equilibria.household import IncomeFluctuationBlock, income_chain
from equilibria.household.derivatives import EGMDerivative
from equilibria.numerics import exponential_grid


def small_block(points=3, n=50, rho=0.8, sd=0.4, gamma=1.0, transfer=False):
    e, P, _ = income_chain(points, rho, sd)
    grid = exponential_grid(0.0, 80.0, n, curvature=4.0)
    income = {"w": e, "transfer": 1.0} if transfer else {"w": e}
    return IncomeFluctuationBlock(grid, P, income, gamma=gamma)


def brute_force_column(block, ss, x, s, T, h):
    base = ss.inputs[x]
    up, down = np.full(T, base), np.full(T, base)
    up[s] += h
    down[s] -= h
    hi = block.path(ss, {x: up}).aggregates
    lo = block.path(ss, {x: down}).aggregates
    return {o: (hi[o] - lo[o]) / (2 * h) for o in ("A", "C")}


@settings(max_examples=8, deadline=None)
@given(gamma=st.floats(0.7, 3.0), rho=st.floats(0.3, 0.95), r=st.floats(0.0, 0.02), s=st.integers(0, 19))
def test_jacobian_equals_finite_differences_of_paths(gamma, rho, r, s):
    """Every input (rate, wage, transfer) and horizon: the fake-news column equals two-sided
    differences of whole transition paths to 1e-6 relative."""
    block = small_block(rho=rho, gamma=gamma, transfer=True)
    ss = block.steady_state({"r": r, "w": 1.0, "transfer": 0.1}, beta=0.95)
    T = 20
    J = block.jacobian(ss, T)
    for x in block.inputs:
        fd = brute_force_column(block, ss, x, s, T, 1e-6)
        for o in ("A", "C"):
            scale = max(np.max(np.abs(fd[o])), 1e-8)
            assert np.max(np.abs(J[(o, x)][:, s] - fd[o])) < 1e-6 * scale + 1e-10, (o, x)


def test_derivative_step_matches_differences_of_one_step():
    """The linearized EGM step against two-sided differences of the kernel's step."""
    from equilibria.household import backward_step
    block = small_block(gamma=2.0)
    ss = block.steady_state({"r": 0.01, "w": 1.0}, beta=0.95)
    d = EGMDerivative(block, ss)
    rng = np.random.default_rng(3)
    direction = rng.normal(size=ss.marginal.shape) * ss.marginal * 1e-2
    y = block.income(ss.inputs)
    h = 1e-6
    up = backward_step(block.grid, y, block.transition, 1.01, ss.beta, 2.0, ss.marginal + h * direction)
    down = backward_step(block.grid, y, block.transition, 1.01, ss.beta, 2.0, ss.marginal - h * direction)
    da, dc, dVa = d.step(direction[None], np.zeros(1), np.zeros((1, 3)))
    assert np.allclose(da[0], (up.savings[0] - down.savings[0]) / (2 * h), atol=1e-6)
    assert np.allclose(dVa[0], (up.marginal - down.marginal) / (2 * h), rtol=1e-5, atol=1e-6)


def test_jacobian_is_zero_above_diagonal_for_news_free_outputs():
    """Asset holdings respond to anticipated rates (J above the diagonal is not zero), and the
    jacobian of C with respect to w at t = s = 0 is the average marginal propensity times E e."""
    block = small_block()
    ss = block.steady_state({"r": 0.01, "w": 1.0}, beta=0.95)
    J = block.jacobian(ss, 10)
    assert np.max(np.abs(np.triu(J[("A", "r")], 1))) > 0
    assert 0 < J[("C", "w")][0, 0] <= 1.0 + 1e-12


def test_bad_inputs_are_named():
    block = small_block()
    ss = block.steady_state({"r": 0.01, "w": 1.0}, beta=0.95)
    with pytest.raises(ParameterError, match="inputs"):
        block.jacobian(ss, 5, inputs=("Z",))
    with pytest.raises(ParameterError, match="beta"):
        block.steady_state({"r": 0.01, "w": 1.0}, beta=1.5)


@settings(max_examples=10, deadline=None)
@given(gamma=st.floats(0.5, 4.0), rho=st.floats(0.0, 0.95), points=st.integers(2, 5), T=st.integers(1, 12))
def test_backward_kernel_matches_numpy_twin(gamma, rho, points, T):
    """ext.egm_jacobian.policy_responses equals the NumPy linearized step, horizon by horizon."""
    block = small_block(points=points, rho=rho, gamma=gamma, transfer=True)
    ss = block.steady_state({"r": 0.01, "w": 1.0, "transfer": 0.2}, beta=0.95)
    d = EGMDerivative(block, ss)
    shocks = [d.input_shock(x) for x in block.inputs]
    fast, slow = d.policy_responses(shocks, T), d.policy_responses_numpy(shocks, T)
    for key in ("savings", "consumption"):
        assert np.allclose(fast[key], slow[key], rtol=1e-12, atol=1e-14)
    columns = np.flatnonzero(np.random.default_rng(T).random(ss.savings.size) < 0.5)
    some = d.policy_responses(shocks, T, columns=columns, consumption=False)
    assert some["consumption"] is None
    assert np.array_equal(some["savings"], fast["savings"].reshape(len(shocks), T, -1)[:, :, columns])


def test_consumption_from_the_budget_identity_equals_its_fake_news():
    """The C Jacobian derived from A's by the aggregate budget constraint equals C's own fake news."""
    from equilibria.dynamics.fake_news import fake_news_jacobian
    from equilibria.household import lottery
    block = small_block(transfer=True)
    ss = block.steady_state({"r": 0.01, "w": 1.0, "transfer": 0.1}, beta=0.95)
    assert block.budget_identity_holds(ss)
    T = 30
    J = block.jacobian(ss, T)
    d = EGMDerivative(block, ss)
    pol = d.policy_responses([d.input_shock(x) for x in block.inputs], T)
    index, weight = lottery(block.grid, ss.savings)
    direct = fake_news_jacobian(distribution=ss.distribution, transition=block.transition, index=index,
                                weight=weight, grid=block.grid, savings=ss.savings,
                                outcomes={"C": ss.consumption}, outcome_responses={"C": pol["consumption"]},
                                savings_response=pol["savings"], T=T, inputs=block.inputs, outputs=("C",))
    for x in block.inputs:
        assert np.allclose(J[("C", x)], direct[("C", x)], rtol=1e-9, atol=1e-11 * np.max(np.abs(direct[("C", x)])))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), K=st.integers(1, 15))
def test_expectation_kernel_matches_numpy_twin(seed, K):
    """ext.egm_jacobian.lottery_expectations equals the NumPy expectation vectors with the lottery folded in."""
    from equilibria.dynamics.fake_news import lottery_expectations, lottery_factor
    from equilibria.ext import egm_jacobian
    from equilibria.household import lottery
    rng = np.random.default_rng(seed)
    nz, n = int(rng.integers(1, 5)), int(rng.integers(3, 40))
    grid = np.sort(rng.uniform(0, 10, n)) + np.arange(n) * 1e-3
    savings = rng.uniform(grid[0] - 1, grid[-1] + 1, size=(nz, n))
    index, weight = lottery(grid, savings)
    transition = rng.dirichlet(np.ones(nz), size=nz)
    dist = rng.dirichlet(np.ones(nz * n)).reshape(nz, n)
    outcome = rng.normal(size=(nz, n))
    expected = lottery_expectations(outcome, transition, index, weight, grid, savings, dist, K + 1)
    from equilibria.household.derivatives import positions
    columns = np.flatnonzero(rng.random(nz * n) < 0.6)
    position, width = positions(columns, nz, n)
    out = np.empty((K, width))
    egm_jacobian.lottery_expectations(outcome, transition, index, weight,
                                      lottery_factor(dist, index, grid, savings), position, out)
    assert np.allclose(out, expected.reshape(K, nz * n)[:, columns], rtol=1e-12, atol=1e-15)
