"""find_root's "newton-broyden": one Jacobian, Broyden updates, capped and halved steps."""
import numpy as np
import pytest

from equilibria.errors import ConvergenceError, ParameterError
from equilibria.numerics.roots import ROOT_METHODS, find_root


def system(x):
    """x0^2 + x1^2 = 4, exp(x0) + x1 = 1: a root near (1.0042, -1.7296)."""
    return np.array([x[0] ** 2 + x[1] ** 2 - 4.0, np.exp(x[0]) + x[1] - 1.0])


def test_listed_and_solves_a_nonlinear_system():
    assert "newton-broyden" in ROOT_METHODS
    result = find_root(system, [1.0, -1.5], method="newton-broyden", tol=1e-12)
    assert result.converged and np.max(np.abs(system(result.x))) <= 1e-12
    # far fewer evaluations than Newton with a finite-difference Jacobian at every step
    newton = find_root(system, [1.0, -1.5], method="newton", tol=1e-12)
    assert result.report.evaluations < newton.report.evaluations
    assert np.allclose(result.x, newton.x, atol=1e-10)


def test_analytic_jacobian_and_step_cap():
    def jac(x):
        return np.array([[2 * x[0], 2 * x[1]], [np.exp(x[0]), 1.0]])

    visited = []

    def f(x):
        visited.append(np.array(x))
        return system(x)

    result = find_root(f, [2.0, 0.5], method="newton-broyden", tol=1e-11, jacobian=jac,
                       options={"max_step": 0.1})
    assert result.converged
    steps = np.diff(np.array(visited), axis=0)
    assert np.max(np.abs(steps)) <= 0.1 + 1e-12


def test_a_trial_point_that_fails_counts_as_no_improvement():
    calls = {"n": 0}

    def f(x):
        calls["n"] += 1
        if x[0] > 1.5:          # the "agents" cannot respond there
            raise ConvergenceError("no response at this price")
        return np.array([np.tanh(x[0] - 1.2)])

    result = find_root(f, [0.0], method="newton-broyden", tol=1e-12, options={"max_step": 2.0})
    assert result.converged and abs(result.x[0] - 1.2) < 1e-10
    assert np.inf in result.report.history


def test_a_failure_at_the_start_is_raised_as_it_is():
    def f(x):
        raise ConvergenceError("no response at all")

    with pytest.raises(ConvergenceError, match="no response at all"):
        find_root(f, [0.0, 0.0], method="newton-broyden")


def test_no_root_is_reported_honestly():
    result = find_root(lambda x: np.array([x[0] ** 2 + 1.0]), [0.3], method="newton-broyden", tol=1e-10,
                       maxiter=40, raise_on_failure=False)
    assert not result.converged and "converged" not in result.report.message.split(";")[0]
    with pytest.raises(ConvergenceError, match="newton-broyden"):
        find_root(lambda x: np.array([x[0] ** 2 + 1.0]), [0.3], method="newton-broyden", maxiter=40)


def test_unknown_option_is_a_parameter_error():
    with pytest.raises(ParameterError, match="options"):
        find_root(system, [1.0, -1.5], method="newton-broyden", options={"xtol": 1e-3})
