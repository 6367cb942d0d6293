"""Shared numerics against known answers."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from equilibria import ParameterError
from equilibria.numerics import (double_exponential_grid, exponential_grid, interp_linear, rouwenhorst,
                                 stationary_distribution, tauchen)


@pytest.mark.parametrize("n, rho, sigma", [(2, 0.5, 0.1), (7, 0.9, 0.1), (11, 0.99, 0.02), (5, -0.4, 1.0)])
def test_rouwenhorst_moments_are_exact(n, rho, sigma):
    states, P = rouwenhorst(n, rho, sigma, mean=0.3)
    assert np.allclose(P.sum(1), 1) and np.all(P >= 0)
    pi = stationary_distribution(P)
    # the stationary distribution is Binomial(n - 1, 1/2) (Kopecky and Suen 2010)
    assert np.allclose(pi, binom.pmf(np.arange(n), n - 1, 0.5), atol=1e-12)
    mean = pi @ states
    var = pi @ (states - mean) ** 2
    assert math.isclose(mean, 0.3, abs_tol=1e-12)
    assert math.isclose(var, sigma ** 2 / (1 - rho ** 2), rel_tol=1e-10)
    # conditional mean is exactly linear: E[y'|y] = mean + rho (y - mean)
    assert np.allclose(P @ states, 0.3 + rho * (states - 0.3), atol=1e-12)
    # conditional variance is exactly sigma^2
    assert np.allclose(P @ states ** 2 - (P @ states) ** 2, sigma ** 2, rtol=1e-9)


def test_tauchen_approximates_the_ar1():
    states, P = tauchen(41, 0.8, 0.2, width=4)
    pi = stationary_distribution(P)
    assert np.allclose(P.sum(1), 1)
    assert abs(pi @ states) < 1e-10  # symmetric
    assert math.isclose(pi @ states ** 2, 0.2 ** 2 / (1 - 0.8 ** 2), rel_tol=0.02)
    inner = slice(10, 31)  # away from the edges the conditional mean is rho * y
    assert np.allclose((P @ states)[inner], 0.8 * states[inner], atol=1e-3)


def test_tauchen_zero_variance_and_errors():
    states, P = tauchen(3, 0.5, 0.0)
    assert np.array_equal(P, np.eye(3))
    with pytest.raises(ParameterError, match="rho"):
        rouwenhorst(5, 1.0, 0.1)
    with pytest.raises(ParameterError, match="'n'"):
        tauchen(1, 0.5, 0.1)


def test_stationary_distribution_known_chain_and_reducible():
    P = np.array([[0.9, 0.1], [0.5, 0.5]])
    assert np.allclose(stationary_distribution(P), [5 / 6, 1 / 6])
    with pytest.raises(ParameterError, match="unique"):
        stationary_distribution(np.eye(2))
    with pytest.raises(ParameterError, match="sum to one"):
        stationary_distribution([[0.5, 0.4], [0.5, 0.5]])


@given(st.integers(2, 12), st.floats(-0.95, 0.95), st.floats(0.01, 1.0))
@settings(max_examples=40, deadline=None)
def test_stationary_distribution_is_fixed_point(n, rho, sigma):
    _, P = tauchen(n, rho, sigma)
    pi = stationary_distribution(P)
    assert np.allclose(pi @ P, pi, atol=1e-12) and math.isclose(pi.sum(), 1.0)


def test_grids():
    g = exponential_grid(0.0, 200.0, 500, curvature=5.0)
    assert g[0] == 0 and g[-1] == 200 and np.all(np.diff(g) > 0)
    assert np.all(np.diff(np.diff(g)) > 0)  # spacing grows: dense near the constraint
    assert np.allclose(exponential_grid(-1.0, 1.0, 5, curvature=0.0), np.linspace(-1, 1, 5))
    d = double_exponential_grid(-2.0, 50.0, 100)
    assert d[0] == -2 and d[-1] == 50 and np.all(np.diff(np.diff(d)) > 0)
    with pytest.raises(ParameterError):
        exponential_grid(1.0, 0.0, 10)


def test_interp_linear_exact_on_linear_functions_and_matches_numpy_inside():
    rng = np.random.default_rng(1)
    grid = np.sort(rng.uniform(-3, 3, 30))
    values = 2.0 * grid - 1.0
    x = rng.uniform(-6, 6, 1000)  # includes extrapolation on both sides
    assert np.allclose(interp_linear(grid, values, x), 2.0 * x - 1.0)
    curved = np.sin(grid)
    inside = rng.uniform(grid[0], grid[-1], 1000)
    assert np.allclose(interp_linear(grid, curved, inside), np.interp(inside, grid, curved))
    assert np.allclose(interp_linear(grid, curved, np.array([-10.0, 10.0]), extrapolate=False), curved[[0, -1]])
    stacked = np.vstack([values, curved])  # interpolation along the last axis
    assert np.allclose(interp_linear(grid, stacked, inside)[1], np.interp(inside, grid, curved))
