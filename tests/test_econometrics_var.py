"""equilibria.econometrics: VAR, recursive responses, local projections, bootstrap, matching criterion."""
import numpy as np
import pytest

from equilibria.econometrics import (bootstrap_irfs, criterion_decomposition, fit_var, local_projections,
                                     matching_criterion, weighted_block_covariance)
from equilibria.parallel import SerialExecutor


def _simulate_var1(T=4000, seed=0):
    rng = np.random.default_rng(seed)
    A = np.array([[0.5, 0.1], [0.2, 0.3]])
    D = np.array([[1.0, 0.0], [0.5, 0.8]])
    y = np.zeros((T, 2))
    for t in range(1, T):
        y[t] = A @ y[t - 1] + D @ rng.standard_normal(2)
    return y, A, D


def test_var_recovers_coefficients_and_closed_form_responses():
    y, A, D = _simulate_var1()
    var = fit_var(y, 1)
    assert np.allclose(var.coefficients[0], A, atol=0.05)
    assert np.allclose(var.impact_matrix(), D, atol=0.05)
    # closed form: response at h to structural shock j is A^h D[:, j]
    irf = var.recursive_irf(1, 5)
    G, Dh = var.coefficients[0], var.impact_matrix()
    for h in range(5):
        assert np.allclose(irf[h], np.linalg.matrix_power(G, h) @ Dh[:, 1], atol=1e-12)
    scaled = var.recursive_irf(1, 3, impact=0.15)
    assert scaled[0, 1] == pytest.approx(0.15) and scaled[0, 0] == pytest.approx(0.0, abs=1e-12)


def test_var_least_squares_equals_brute_force_normal_equations():
    y, *_ = _simulate_var1(T=300, seed=3)
    var = fit_var(y, 2)
    X = np.column_stack([np.ones(298), y[1:-1], y[:-2]])
    beta = np.linalg.solve(X.T @ X, X.T @ y[2:])
    assert np.allclose(var.coefficients[0], beta[1:3].T, atol=1e-10)
    assert np.allclose(var.coefficients[1], beta[3:5].T, atol=1e-10)


def test_local_projections_agree_with_the_var_in_large_samples():
    y, *_ = _simulate_var1(T=20000, seed=1)
    var = fit_var(y, 1)
    lp = local_projections(y, shock=1, horizon=4, lags=1, impact=1.0)
    assert np.allclose(lp, var.recursive_irf(1, 4, impact=1.0), atol=0.05)
    assert lp[0, 0] == pytest.approx(0.0, abs=1e-12)   # the predecessor does not move on impact


def test_bootstrap_does_not_depend_on_chunking_and_covers_the_truth():
    y, A, D = _simulate_var1(T=400, seed=2)
    var = fit_var(y, 1)
    a = bootstrap_irfs(var, 1, 4, draws=60, seed=7, executor=SerialExecutor(), chunk_size=7)
    b = bootstrap_irfs(var, 1, 4, draws=60, seed=7, executor=SerialExecutor(), chunk_size=60)
    assert np.array_equal(a, b)
    assert a.shape == (60, 4, 2)
    assert np.all(np.abs(a.mean(axis=0) - var.recursive_irf(1, 4)) < 4 * a.std(axis=0) + 1e-12)


def test_criterion_decomposition_sums_and_weights():
    rng = np.random.default_rng(0)
    draws = rng.standard_normal((500, 3, 2))
    blocks = weighted_block_covariance(draws)
    cov = np.cov(draws[:, :, 0], rowvar=False)
    assert blocks[0][2, 1] == pytest.approx(np.sqrt(6) * cov[2, 1]) and blocks[0][2, 2] == pytest.approx(3 * cov[2, 2])
    assert all(np.all(np.linalg.eigvalsh(b) > 0) for b in blocks)
    data, model = rng.standard_normal((3, 2)), np.zeros((3, 2))
    parts = criterion_decomposition(data, model, blocks)
    V = np.zeros((6, 6))
    V[:3, :3], V[3:, 3:] = blocks
    d = np.concatenate([data[:, 0], data[:, 1]])
    assert parts.sum() == pytest.approx(d @ np.linalg.solve(V, d))
    assert matching_criterion(data, model, blocks) == pytest.approx(parts.sum())
