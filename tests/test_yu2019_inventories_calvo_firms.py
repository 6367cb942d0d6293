"""Firm-specific Calvo pricing (appendix A.6): Table A.1's coefficients, the aggregate term, determinacy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from equilibria.plugins.yu2019_inventories.calvo_firms import (
    calvo_firm_coefficients, discounted_own_terms, firm_block, no_inventory_factor, slope_factor,
    stock_condition_rows)
from equilibria.plugins.yu2019_inventories.model import solve_linear
from equilibria.plugins.yu2019_inventories.params import InventoryParameters
from equilibria.plugins.yu2019_inventories.steady_state import steady_state
from equilibria.plugins.yu2019_inventories.stockout import TasteShock

CALVO = InventoryParameters(firms="calvo")


def _nonlinear_stock_condition(params, ss, psi_l1, psi_l2, psi_p, inv_dev, price_dev):
    """(1.18) of one firm in levels, its hours, stock and next quarter's hours following Table A.1's rules.

    The firm's state is (log inventories − steady state, log relative price − steady state); next
    quarter it keeps its price with probability ξ_p or resets it to ψ^p_1 × its log inventory deviation.
    """
    taste = TasteShock(params.sigma_v, params.theta)
    th, a, b = params.theta, params.alpha, params.beta * (1 - params.delta_z)
    demand = ss.demand_level

    def hours(i_dev, p_dev):
        return ss.hours * np.exp(psi_l1 * i_dev + psi_l2 * p_dev)

    def marginal_cost(i_dev, p_dev):
        return ss.wage * hours(i_dev, p_dev) ** (1 - a) / a            # W L / (α P Y), Y = L^α

    price = ss.relative_price * np.exp(price_dev)
    stock = (1 - params.delta_z) * ss.inventories * np.exp(inv_dev) + hours(inv_dev, price_dev) ** a
    threshold = stock / (price ** -th * demand)
    sales = price ** -th * demand * taste.expected_sales(threshold)
    inv_next_dev = np.log(stock - sales) - np.log(ss.inventories)
    mc_next = (params.xi_p * marginal_cost(inv_next_dev, price_dev)
               + (1 - params.xi_p) * marginal_cost(inv_next_dev, psi_p * inv_next_dev))
    return (taste.stockout_probability(threshold) * (price - b * mc_next)
            - (marginal_cost(inv_dev, price_dev) - b * mc_next))


@pytest.mark.parametrize("psi", [(-0.3, -4.0, -0.02), (0.2, 1.5, 0.3), (-1.0, -6.0, 0.0)])
def test_linearized_stock_condition_matches_finite_differences_of_1_18(psi):
    """The rows (A.26)-(A.27) are derived from equations (1.9)-(1.18); compare them with central differences of (1.18)."""
    ss = steady_state(CALVO)
    block = firm_block(CALVO, ss)
    rows = stock_condition_rows(block, *psi)
    h = 1e-5
    fd = [(_nonlinear_stock_condition(CALVO, ss, *psi, *(h * e)) - _nonlinear_stock_condition(CALVO, ss, *psi, *(-h * e)))
          / (2 * h) for e in np.eye(2)]
    assert _nonlinear_stock_condition(CALVO, ss, *psi, 0.0, 0.0) == pytest.approx(0.0, abs=1e-12)
    assert np.allclose(rows, fd, rtol=1e-6, atol=1e-8)


def test_solved_coefficients_satisfy_the_nonlinear_stock_condition_to_second_order():
    """At the solved ψ the firm's own (1.18) holds up to O(deviation²) for a firm off the average."""
    ss = steady_state(CALVO)
    c = calvo_firm_coefficients(CALVO, ss)
    psi = (*c.psi_l, c.psi_p)
    for size in (1e-3, 1e-4):
        residual = _nonlinear_stock_condition(CALVO, ss, *psi, size, -0.5 * size)
        assert abs(residual) < 5.0 * size ** 2


def test_discounted_sum_matches_forward_iteration():
    """(A.34): row (I − βξΨ_1)^-1 s equals the truncated sum Σ (βξ)^i row·Ψ_1^i s."""
    block = firm_block(CALVO)
    c = calvo_firm_coefficients(CALVO)
    row = np.array([0.3, -1.7])
    transition = np.array([[c.psi_inv[0], c.psi_inv[1]], [0.0, 1.0]])
    state, total = np.array([0.4, -0.2]), 0.0
    for i in range(2000):
        total += (block.beta * block.xi_p) ** i * row @ state
        state = transition @ state
    assert discounted_own_terms(row, c.psi_inv, block.beta, block.xi_p) @ np.array([0.4, -0.2]) == pytest.approx(total, rel=1e-10)


def test_at_constant_returns_only_the_own_stock_term_remains():
    """α = 1: marginal cost is common (ψ^mc = 0) and ω = K(v_p − θ), with v_p the closed-form response
    of the firm's own log stock-out threshold to its price from (1.18) at a common marginal cost."""
    params = InventoryParameters(firms="calvo", alpha=1.0)
    ss = steady_state(params)
    block = firm_block(params, ss)
    c = calvo_firm_coefficients(params, ss)
    assert np.allclose(c.psi_mc, 0.0) and np.allclose(c.phi_mc, 0.0)
    v_p = block.stockout * block.price / (-block.d_stockout * (block.price - block.discount * block.mc))
    assert c.omega == pytest.approx(block.k * (v_p - block.theta), rel=1e-9)
    assert c.psi_z[0] == pytest.approx(0.0, abs=1e-12)   # the stock target ignores inherited inventories


def test_no_inventory_closed_form_by_brute_force():
    """Without inventories a firm with Y = L^α facing demand p^-θ sets log p = const + log w/(1 + θ(1−α)/α):
    the slope factor 1/(1 + θ(1−α)/α) = 0.558 at Table 1.1's Calvo α, from maximizing profit numerically."""
    theta, alpha = CALVO.theta, CALVO.alpha

    def best_log_price(log_w):
        profit = lambda lp: -(np.exp(lp * (1 - theta)) - np.exp(log_w) * np.exp(-theta * lp) ** (1 / alpha))
        return minimize_scalar(profit, bounds=(-3, 3), method="bounded", options={"xatol": 1e-12}).x

    h = 1e-3
    brute = (best_log_price(h) - best_log_price(-h)) / (2 * h)
    assert brute == pytest.approx(no_inventory_factor(theta, alpha), rel=1e-5)
    assert no_inventory_factor(theta, alpha) == pytest.approx(0.558, abs=5e-4)
    # the aggregation of (A.34)-(A.39) applied to that firm (own cost −m̃c = θ(1−α)/α p̂, no state to carry)
    omega = theta * (1 - alpha) / alpha
    row = discounted_own_terms(np.array([0.0, omega]), np.zeros(2), CALVO.beta, CALVO.xi_p)
    assert slope_factor(0.0, row[1] * (1 - CALVO.beta * CALVO.xi_p)) == pytest.approx(brute, rel=1e-5)


def test_firm_specific_calvo_is_determinate_and_flattens_relative_to_constant_returns():
    """Table 1.1's Calvo column with its Taylor rule: a unique stable solution; decreasing returns add
    a positive own-cost term (a flatter Phillips curve) of the size of the no-inventory θ(1−α)/α."""
    c = calvo_firm_coefficients(CALVO)
    crs = calvo_firm_coefficients(InventoryParameters(firms="calvo", alpha=1.0))
    k_theta = firm_block(CALVO).k * CALVO.theta
    drs_part = c.omega - crs.omega
    assert 0.5 * CALVO.theta * (1 - CALVO.alpha) / CALVO.alpha < drs_part < 2 * CALVO.theta * (1 - CALVO.alpha) / CALVO.alpha
    assert slope_factor(k_theta, c.omega) < slope_factor(k_theta, crs.omega)
    solution = solve_linear(CALVO)                       # raises DeterminacyError if not unique
    assert np.all(np.isfinite(solution.irf("eps_r", periods=20)["PI"]))


def test_readings_differ_only_through_the_own_cost_term():
    """Symmetric and firm-specific readings share everything but ω; with flexible prices they coincide."""
    sym = solve_linear(InventoryParameters(firms="calvo", calvo_reading="symmetric")).irf("eps_r", periods=12)
    fs = solve_linear(CALVO).irf("eps_r", periods=12)
    assert not np.allclose(sym["PI"], fs["PI"], rtol=1e-3)
    assert np.sign(sym["PI"][0]) == np.sign(fs["PI"][0]) == -1
    flex = dict(firms="calvo", xi_p=0.0)
    a = solve_linear(InventoryParameters(**flex, calvo_reading="symmetric")).irf("eps_r", periods=12)
    b = solve_linear(InventoryParameters(**flex)).irf("eps_r", periods=12)
    assert all(np.allclose(a[name], b[name], atol=1e-12) for name in ("Y", "PI", "inv", "isr"))


def test_solve_reports_the_a6_terms_of_the_chosen_reading():
    from equilibria.plugins.yu2019_inventories.solve import calvo_firm_terms

    fs = calvo_firm_terms(CALVO)
    sym = calvo_firm_terms(InventoryParameters(firms="calvo", calvo_reading="symmetric"))
    assert sym["omega_p"] == 0.0 and fs["omega_p"] == calvo_firm_coefficients(CALVO).omega
    assert fs["slope_factor"] == fs["slope_factor_firm_specific"] == sym["slope_factor_firm_specific"]
    assert sym["slope_factor"] == sym["slope_factor_symmetric"] == pytest.approx(1 / (1 + fs["k_theta"]))
    assert calvo_firm_terms(InventoryParameters(firms="calvo", xi_p=0.0)) == {}


@settings(max_examples=10, deadline=None)
@given(alpha=st.floats(0.6, 0.99), xi_p=st.floats(0.05, 0.9))
def test_coefficients_across_returns_to_scale_and_stickiness(alpha, xi_p):
    """A unique stable root solves the firm's (1.18) to second order; decreasing returns raise ω above α = 1's."""
    params = InventoryParameters(firms="calvo", alpha=alpha, xi_p=xi_p)
    ss = steady_state(params)
    c = calvo_firm_coefficients(params, ss)
    residual = _nonlinear_stock_condition(params, ss, *c.psi_l, c.psi_p, 1e-4, 1e-4)
    assert abs(residual) < 1e-7
    assert c.omega > calvo_firm_coefficients(InventoryParameters(firms="calvo", alpha=1.0, xi_p=xi_p)).omega
