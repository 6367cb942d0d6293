"""kmnt2024: building blocks against independent truth (SciPy, finite differences, simulation)."""
import numpy as np
import pytest
from scipy.optimize import minimize

from equilibria import ParameterError
from equilibria.plugins.kmnt2024.car import car_hessian, car_maker_expression
from equilibria.plugins.kmnt2024.model import Model
from equilibria.plugins.kmnt2024.network import domar_weights, leontief_inverse, moments
from equilibria.plugins.kmnt2024.params import KmntParameters
from equilibria.plugins.kmnt2024.planner import closed_form_inner, solve_inner
from equilibria.plugins.kmnt2024.qp import maximize_quadratic
from equilibria.plugins.kmnt2024.random_economy import random_arrays, random_model
from equilibria.symbolic import differentiate
from equilibria.plugins.kmnt2024.technology import GeneralTechnology, QuadraticTechnology, inverse_negative_definite


def _scipy_qp(Q, g, lower, w, budget):
    res = minimize(lambda x: -(g @ x + 0.5 * x @ Q @ x), np.maximum(lower, 0) * 0, jac=lambda x: -(g + Q @ x),
                   method="SLSQP", bounds=[(l, None) for l in lower],
                   constraints=[{"type": "ineq", "fun": lambda x: budget - w @ x, "jac": lambda x: -w}],
                   options={"ftol": 1e-14, "maxiter": 500})
    return res.x


@pytest.mark.parametrize("seed", range(30))
def test_active_set_qp_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    n = 2 + seed % 6
    A = rng.standard_normal((n, n))
    Q = -(A @ A.T + 0.3 * np.eye(n))
    g = 2 * rng.standard_normal(n)
    lower = -rng.random(n) * (seed % 2)
    w = rng.uniform(0.2, 1.0, n)
    budget = rng.uniform(0.0, 1.0)
    sol = maximize_quadratic(Q, g, lower, w, budget)
    ref = _scipy_qp(Q, g, lower, w, budget)
    f = lambda x: g @ x + 0.5 * x @ Q @ x  # noqa: E731
    assert np.all(sol.x >= lower - 1e-12) and w @ sol.x <= budget + 1e-12
    assert f(sol.x) >= f(ref) - 1e-10
    assert np.abs(sol.x - ref).max() < 1e-5


def test_cholesky_inverse_matches_numpy():
    a = random_arrays(3, 7)
    H = a["hessians"]
    np.testing.assert_allclose(inverse_negative_definite(H), np.linalg.inv(H), rtol=1e-10, atol=1e-14)
    with pytest.raises(np.linalg.LinAlgError):
        inverse_negative_definite(-H)


def test_symbolic_derivatives_match_finite_differences():
    f = differentiate("-(x1 - 0.3)**2 - exp(x2) * x1**2 + log(1 + x3) - x1*x3", ["x1", "x2", "x3"])
    x = np.array([0.2, 0.1, 0.4])
    h = 1e-6
    fd = np.array([(f.value(x + h * e) - f.value(x - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(f.gradient(x), fd, atol=1e-8)
    fdh = np.array([(f.gradient(x + h * e) - f.gradient(x - h * e)) / (2 * h) for e in np.eye(3)])
    np.testing.assert_allclose(f.hessian(x), fdh, atol=1e-6)


def test_car_expression_is_the_quadratic_form():
    expr, xs = car_maker_expression()
    f = differentiate(expr, xs)
    np.testing.assert_allclose(f.hessian(np.zeros(4)), car_hessian(), atol=1e-14)
    ideal = KmntParameters().ideal_shares[3]
    assert abs(f.value(ideal)) < 1e-15 and np.abs(f.gradient(ideal)).max() < 1e-15
    tech = QuadraticTechnology(KmntParameters().hessians, KmntParameters().ideal_shares)
    x = np.array([0.1, 0.3, 0.2, 0.05])
    alpha = np.tile(x, (4, 1))
    assert abs(tech.log_productivity(alpha)[3] - f.value(x)) < 1e-14


def test_lemma1_prices_and_gdp_by_simulation():
    """p = -L(eps + a) solves the log of unit-cost pricing (6)+(8); y = -beta'p has moments (9)-(10)."""
    m = random_model(5, 4)
    rng = np.random.default_rng(1)
    alpha = m.technology.ideal
    a = m.technology.log_productivity(alpha)
    fm = moments(alpha, a, m.mu, m.sigma, m.beta, m.rho)
    eps = rng.multivariate_normal(m.mu, m.sigma, size=200_000)
    p = -(eps + a) @ fm.leontief.T
    # unit-cost pricing in logs: p_i = -eps_i - a_i + sum_j alpha_ij p_j
    np.testing.assert_allclose(p, -eps - a + p @ alpha.T, atol=1e-12)
    y = -p @ m.beta
    np.testing.assert_allclose(y, (eps + a) @ fm.domar_weights, atol=1e-12)
    assert abs(y.mean() - fm.expected_log_gdp) < 4 * y.std() / np.sqrt(y.size)
    assert abs(y.var() - fm.var_log_gdp) < 0.02 * fm.var_log_gdp
    np.testing.assert_allclose(fm.leontief, sum(np.linalg.matrix_power(alpha, k) for k in range(200)), atol=1e-12)
    np.testing.assert_allclose(fm.domar_weights, domar_weights(alpha, m.beta))
    np.testing.assert_allclose(fm.leontief, leontief_inverse(alpha))
    # Cov[p, lambda] with lambda = -(rho - 1) y
    cov = ((p - p.mean(0)) * (-(m.rho - 1) * (y - y.mean()))[:, None]).mean(0)
    np.testing.assert_allclose(cov, fm.cov_prices_sdf, atol=0.05 * np.abs(fm.cov_prices_sdf).max())


@pytest.mark.parametrize("seed", range(8))
def test_firm_choice_matches_scipy(seed):
    m = random_model(seed, 4, curvature=0.5, zero_share=0.3)
    R = np.random.default_rng(seed).normal(0.0, 0.5, 4)
    choice = m.technology.best_response(R, m.alpha_bar)
    for i in range(4):
        H, o = m.technology.hessians[i], m.technology.ideal[i]
        ref = _scipy_qp(H, -H @ o - R, np.zeros(4), np.ones(4), m.alpha_bar[i])
        obj = lambda x: 0.5 * (x - o) @ H @ (x - o) - R @ x  # noqa: E731
        assert obj(choice.alpha[i]) >= obj(ref) - 1e-10
        assert np.abs(choice.alpha[i] - ref).max() < 1e-5


def test_general_technology_matches_quadratic():
    m = random_model(2, 3, curvature=0.5, zero_share=0.3)
    tech = m.technology
    shifters = []
    for i in range(3):
        xs = [f"x{j}" for j in range(3)]
        terms = " + ".join(f"({float(tech.hessians[i][j, k])!r})*(x{j} - {float(tech.ideal[i][j])!r})*(x{k} - {float(tech.ideal[i][k])!r})"
                           for j in range(3) for k in range(3))
        shifters.append(differentiate(f"0.5*({terms})", xs))
    gen = GeneralTechnology(shifters, tech.ideal)
    R = np.array([0.3, -0.2, 0.1])
    np.testing.assert_allclose(gen.best_response(R, m.alpha_bar).alpha, tech.best_response(R, m.alpha_bar).alpha, atol=1e-10)


def test_closed_form_equals_dual_newton_and_envelope_derivatives():
    m = random_model(4, 4, curvature=4.0)
    omega = domar_weights(m.technology.ideal, m.beta) * 1.01 + 0.001
    omega = np.maximum(omega, m.beta + 1e-3)
    alpha, lam, abar = closed_form_inner(m.technology, omega, m.beta)
    np.testing.assert_allclose(alpha.T @ omega, omega - m.beta, atol=1e-12)
    # the same problem through the general (SQP + dual Newton) path
    gen = Model(m.mu, m.sigma, m.beta, m.rho, m.alpha_bar,
                GeneralTechnology([_Quad(m.technology, i) for i in range(4)], m.technology.ideal))
    inner = solve_inner(gen, omega)
    assert inner.method == "dual newton"
    np.testing.assert_allclose(inner.alpha, alpha, atol=1e-9)
    np.testing.assert_allclose(inner.multipliers, lam, atol=1e-8)
    # gradient and Hessian of a_bar against finite differences
    exact = solve_inner(m, omega)
    g = exact.gradient(m.technology.log_productivity(exact.alpha))
    h = 1e-6
    fd = np.array([(solve_inner(m, omega + h * e).value - solve_inner(m, omega - h * e).value) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(g, fd, atol=1e-7)
    def grad_at(o):
        s = solve_inner(m, o)
        return s.gradient(m.technology.log_productivity(s.alpha))
    fdh = np.array([(grad_at(omega + h * e) - grad_at(omega - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(exact.hessian(), fdh, atol=1e-5)


class _Quad:
    def __init__(self, tech, i):
        self.H, self.o = tech.hessians[i], tech.ideal[i]

    def value(self, x):
        d = x - self.o
        return 0.5 * d @ self.H @ d

    def gradient(self, x):
        return self.H @ (x - self.o)

    def hessian(self, x):
        return self.H


BAD = [
    ("sigma", [[0.04, 0.01, 0, 0], [0, 0.04, 0, 0], [0, 0, 0.04, 0], [0, 0, 0, 0.04]]),
    ("sigma", (-0.04 * np.eye(4)).tolist()),
    ("sigma", np.eye(3).tolist()),
    ("beta", [0.5, 0.5, 0.5, -0.5]),
    ("beta", [0.2, 0.2, 0.2, 0.2]),
    ("alpha_bar", [0.5, 0.5, 0.0, 0.9]),
    ("alpha_bar", [0.5, 0.5, 1.0, 0.9]),
    ("ideal_shares", [[0.6, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]),
    ("ideal_shares", [[-0.1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]),
    ("hessians", [np.eye(4).tolist()] * 4),
    ("hessians", [(-np.eye(3)).tolist()] * 3),
    ("mu", [0.0, 0.0]),
]


@pytest.mark.parametrize("name,value", BAD)
def test_bad_parameters_name_the_parameter(name, value):
    with pytest.raises(ParameterError) as info:
        KmntParameters().replace(**{name: value})
    expected = "sigma" if name == "mu" else name
    assert expected in str(info.value)
