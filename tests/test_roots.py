"""equilibria.numerics.roots: every method on closed-form systems, the auto rule, finite differences
against analytic derivatives, and honest failure."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from equilibria.errors import ConvergenceError, ParameterError
from equilibria.numerics.roots import (ROOT_METHODS, RootResult, choose_method, find_root,
                                       finite_difference_jacobian, solve_report)

# A x + 0.1 x³ = b with b built from a known root, so the answer is known exactly.
A = np.array([[3.0, 1.0, 0.0], [0.5, 4.0, 1.0], [0.0, 1.0, 2.5]])
ROOT = np.array([0.7, -0.4, 1.2])
B = A @ ROOT + 0.1 * ROOT ** 3


def cubic_system(x):
    return A @ x + 0.1 * x ** 3 - B


def cubic_jacobian(x):
    return A + np.diag(0.3 * x ** 2)


@pytest.mark.parametrize("method", [m for m in ROOT_METHODS if m != "brentq"])
def test_every_vector_method_finds_the_known_root(method):
    result = find_root(cubic_system, ROOT + 0.3, method=method, tol=1e-9)
    assert isinstance(result, RootResult) and result.converged
    assert result.report.method == method
    assert result.report.residual_norm <= 1e-9
    assert np.max(np.abs(result.residual)) == result.report.residual_norm
    # the residual bound turns into an error bound through the inverse Jacobian
    assert np.allclose(result.x, ROOT, atol=1e-8)
    assert result.report.evaluations == len(result.report.history) >= 1


@pytest.mark.parametrize("method", ["newton", "hybr", "lm"])
def test_analytic_jacobian_is_used_and_agrees(method):
    calls = []

    def jacobian(x):
        calls.append(1)
        return cubic_jacobian(x)

    result = find_root(cubic_system, ROOT + 0.3, method=method, jacobian=jacobian, tol=1e-12)
    assert calls and np.allclose(result.x, ROOT, atol=1e-11)


def test_newton_with_an_analytic_jacobian_converges_quadratically():
    result = find_root(cubic_system, ROOT + 0.3, method="newton", jacobian=cubic_jacobian, tol=1e-13)
    assert result.report.iterations <= 6


def test_scalar_problems_take_and_return_floats():
    seen = []

    def f(x):
        seen.append(type(x))
        return x ** 3 - 2.0

    for method in ("brentq", "newton", "hybr"):
        result = find_root(f, 1.0, method=method, bracket=(0.0, 2.0) if method == "brentq" else None, tol=1e-12)
        assert isinstance(result.x, float) and abs(result.x - 2.0 ** (1 / 3)) < 1e-12
    assert set(seen) == {float}


def test_auto_rule_is_brentq_for_one_bracketed_unknown_else_hybr():
    assert choose_method(1, (0.0, 1.0)) == "brentq"
    assert choose_method(1, None) == "hybr"
    assert choose_method(3, (0.0, 1.0)) == "hybr"
    assert find_root(lambda x: x - 0.25, 0.5, bracket=(0.0, 1.0)).report.method == "brentq"
    assert find_root(lambda x: x - 0.25, 0.5).report.method == "hybr"
    assert find_root(cubic_system, ROOT, bracket=(0.0, 1.0)).report.method == "hybr"


def test_brentq_needs_a_bracket_with_a_sign_change():
    with pytest.raises(ParameterError, match="bracket"):
        find_root(lambda x: x, 0.5, method="brentq")
    with pytest.raises(ParameterError, match="one unknown"):
        find_root(cubic_system, ROOT, method="brentq", bracket=(0, 1))
    with pytest.raises(ConvergenceError, match="same sign") as info:
        find_root(lambda x: x ** 2 + 1.0, 0.5, method="brentq", bracket=(-1.0, 1.0), what="the cutoff")
    assert "the cutoff" in str(info.value) and "brentq" in str(info.value)


@settings(max_examples=30, deadline=None)
@given(root=st.floats(-5, 5), slope=st.floats(0.1, 10))
def test_brentq_finds_the_root_of_any_monotone_line(root, slope):
    result = find_root(lambda x: slope * (x - root) + 0.01 * (x - root) ** 3, 0.0, bracket=(-6.0, 6.0), tol=1e-10)
    assert abs(result.x - root) <= 1e-9


def test_bad_arguments_are_parameter_errors():
    with pytest.raises(ParameterError, match="method"):
        find_root(cubic_system, ROOT, method="secant")
    with pytest.raises(ParameterError, match="tol"):
        find_root(cubic_system, ROOT, tol=0.0)
    with pytest.raises(ParameterError, match="jacobian"):
        find_root(cubic_system, ROOT, method="broyden1", jacobian=cubic_jacobian)
    with pytest.raises(ParameterError, match="maxiter"):
        find_root(cubic_system, ROOT, maxiter=0)


@pytest.mark.parametrize("central", [True, False])
def test_finite_difference_jacobian_matches_the_analytic_one(central):
    rng = np.random.default_rng(3)
    for _ in range(5):
        x = rng.normal(size=3) * 3
        numeric = finite_difference_jacobian(cubic_system, x, central=central)
        # truncation error O(h²) resp. O(h) times the third resp. second derivative (0.6 resp. 0.6|x|)
        assert np.allclose(numeric, cubic_jacobian(x), rtol=0, atol=1e-8 if central else 1e-6 * max(1, np.max(abs(x))))
    # the step scales with |x|: relative error h²/6 (central) or h/2 (forward) even at x = 20
    exp_jac = finite_difference_jacobian(np.exp, np.array([0.0, 1.0, 20.0]), central=central)
    assert np.allclose(exp_jac, np.diag(np.exp([0.0, 1.0, 20.0])), rtol=1e-8 if central else 1e-6, atol=1e-9)


def test_finite_difference_step_can_be_given():
    coarse = finite_difference_jacobian(lambda x: x ** 3, np.array([1.0]), step=0.1)
    assert coarse[0, 0] == pytest.approx(3.01)            # ((1.1)³ - (0.9)³) / 0.2 exactly
    with pytest.raises(ParameterError, match="step"):
        finite_difference_jacobian(np.exp, np.array([1.0]), step=-1.0)


def no_root(x):
    """x² + 1 has no real root: the residual cannot fall below 1."""
    return x ** 2 + 1.0


@pytest.mark.parametrize("method", ["hybr", "lm", "newton", "broyden1", "df-sane"])
def test_a_system_without_a_root_raises_with_history(method):
    with pytest.raises(ConvergenceError) as info:
        find_root(no_root, np.array([0.5]), method=method, maxiter=60, what="a system without a root")
    text = str(info.value)
    assert "a system without a root" in text and method in text and "residual max-norm" in text
    assert info.value.history and min(info.value.history) >= 1.0
    result = info.value.result
    assert not result.converged and result.report.residual_norm >= 1.0


@pytest.mark.parametrize("method", ["hybr", "lm", "newton", "broyden1", "df-sane"])
def test_failure_without_raising_never_claims_convergence(method):
    result = find_root(no_root, np.array([0.5]), method=method, maxiter=60, raise_on_failure=False)
    assert not result.report.converged and result.report.residual_norm >= 1.0
    assert "converged" not in result.report.message.lower()
    assert "success" not in result.report.message.lower()


def test_a_stopping_rule_met_with_a_large_residual_is_a_failure_with_an_honest_message():
    # a loose step tolerance makes MINPACK report "The solution converged." far from the root
    result = find_root(lambda x: x ** 3 - 2.0, 1.0, options={"xtol": 0.1}, raise_on_failure=False)
    assert not result.converged and result.report.residual_norm > 1e-10
    assert "converged" not in result.report.message.lower()
    assert result.report.message.startswith("residual max-norm")


def test_scipy_no_progress_message_beside_a_met_tolerance_is_explained():
    # hybr reaches the root of x² - 2 to machine precision, then stalls and says so
    result = find_root(lambda x: x ** 2 - 2.0, 1.0, method="hybr")
    assert result.converged and abs(result.x - np.sqrt(2)) < 1e-14
    assert "not making good progress" in result.report.message
    assert result.report.message.startswith("residual max-norm")


def test_scipy_no_progress_without_a_root_is_a_failure():
    result = find_root(no_root, 0.5, method="hybr", raise_on_failure=False)
    assert not result.converged and "not making good progress" in result.report.message


def test_errors_inside_the_function_propagate_unchanged():
    def broken(x):
        raise ValueError("bad shape inside the model")

    for method in ("hybr", "broyden1", "newton"):
        with pytest.raises(ValueError, match="bad shape inside the model"):
            find_root(broken, np.ones(2), method=method)


def test_non_finite_residuals_are_not_convergence():
    result = find_root(lambda x: np.full(2, np.nan), np.ones(2), method="hybr", raise_on_failure=False)
    assert not result.converged


def test_no_unknowns_is_trivially_solved():
    result = find_root(lambda x: x, np.zeros(0))
    assert result.converged and result.x.size == 0


def test_solve_report_decides_from_the_residual():
    good = solve_report("QZ", residual_norm=1e-14, tolerance=1e-10, iterations=1)
    assert good.converged and good.evaluations == 1 and good.iterations == 1
    bad = solve_report("bisection", residual_norm=1e-3, tolerance=1e-10, history=[1.0, 1e-3],
                       message="The solution converged.")
    assert not bad.converged and bad.evaluations == 2 and "converged" not in bad.message.lower()
    assert not solve_report("x", residual_norm=float("nan"), tolerance=1.0).converged


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 6), method=st.sampled_from(["hybr", "newton", "lm"]))
def test_random_monotone_systems_are_solved_to_their_known_root(seed, n, method):
    """A x + 0.5 tanh(x) = b with A diagonally dominant (a monotone map with a unique root), b built
    from a drawn root."""
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(-1, 1, (n, n))
    matrix += np.diag(np.abs(matrix).sum(axis=1) + 1.0)
    root = rng.uniform(-2, 2, n)
    rhs = matrix @ root + 0.5 * np.tanh(root)
    result = find_root(lambda x: matrix @ x + 0.5 * np.tanh(x) - rhs, np.zeros(n), method=method, tol=1e-11)
    # f(x) = J̄ (x - root) with J̄ the Jacobian averaged between them, diagonally dominant by at least 1 in
    # every row, so |x - root|_∞ <= |f(x)|_∞ <= 1e-11 (Varah's bound); the assertion leaves a factor 10
    assert np.max(np.abs(result.x - root)) <= 1e-10


@pytest.mark.parametrize("method", ["brentq", "hybr", "newton", "broyden1"])
def test_f_is_not_called_twice_at_one_point_during_a_solve_and_the_answer_is_evaluated_last(method):
    points = []

    def f(x):
        points.append(float(x))
        return x ** 3 - 2.0

    result = find_root(f, 1.0, method=method, bracket=(0.0, 2.0) if method == "brentq" else None, tol=1e-12)
    assert len(points[:-1]) == len(set(points[:-1])) and len(points) == result.report.evaluations
    assert points[-1] == result.x          # the state f leaves behind is the one at the answer
