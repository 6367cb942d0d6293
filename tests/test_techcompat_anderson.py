"""The Anderson-acceleration helper used by techcompat (equilibria.numerics.anderson)."""
import numpy as np
import pytest

from equilibria import ConvergenceError
from equilibria.numerics.anderson import anderson


def test_linear_contraction_reaches_the_exact_fixed_point():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (30, 30))
    a *= 0.95 / np.max(np.abs(np.linalg.eigvals(a)))      # slow contraction
    b = rng.normal(size=30)
    truth = np.linalg.solve(np.eye(30) - a, b)
    x, accelerated, _ = anderson(lambda x: a @ x + b, np.zeros(30), tol=1e-12, memory=6)
    np.testing.assert_allclose(x, truth, atol=1e-10)
    _, plain, _ = anderson(lambda x: a @ x + b, np.zeros(30), tol=1e-12, memory=0, maxiter=5000)
    assert accelerated < plain


def test_nonlinear_map_and_failures():
    x, _, _ = anderson(np.cos, np.array([1.0]), tol=1e-14)
    assert x[0] == pytest.approx(0.7390851332151607, abs=1e-13)
    with pytest.raises(ConvergenceError):
        anderson(lambda x: x + 1.0, np.zeros(2), maxiter=20, memory=0)
    with pytest.raises(ConvergenceError):
        anderson(lambda x: x * np.nan, np.ones(2))
