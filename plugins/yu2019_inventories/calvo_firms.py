"""Firm-specific Calvo pricing, appendix A.6: the coefficients of Table A.1 and the aggregate term.

With decreasing returns (α < 1) and inventories, a firm's marginal cost and stock depend on its own
price and its own inventory, so reset prices differ across firms. A.6 conjectures log-linear rules
for the deviations from the average firm (Table A.1),

    l̃_jt = ψ^l_1 inṽ_j,t-1 + ψ^l_2 p̂_jt,    p̂*_jt = p̂*_t + ψ^p_1 inṽ_j,t-1,

and finds the three coefficients from the firm's stock condition (1.18) matched on inṽ and p̂
(A.26)-(A.27) and from its reset-price condition (A.32) matched on inṽ (A.40). Here the linear
relations are written out from the firm's own equations (1.9)-(1.18) (A.23)-(A.25); the
coefficients solve three equations (``scipy.optimize.fsolve`` from several starts, the root with
stable firm dynamics kept).

Aggregating (A.38)-(A.39) over reset firms (their average inventory deviation is zero) leaves one
extra term in the aggregate reset-price condition: the reset firm's own discounted marginal cost and
stock-out margin move with its own price, Σ_i (βξ_p)^i E[K z̃_j,t+i − m̃c_j,t+i+1] = ω G_t with
G_t = Σ_i (βξ_p)^i p̂_j,t+i. The model file carries ω as the parameter ``omega_p``
(``(K θ + ω)·G`` in its reset-price row); ω = 0 is the symmetric-firm reading.
"""
from __future__ import annotations

import attrs
import numpy as np
from scipy.optimize import fsolve

from equilibria.errors import ConvergenceError

from .params import InventoryParameters
from .steady_state import SteadyState, steady_state
from .stockout import TasteShock

__all__ = ["FirmBlock", "firm_block", "CalvoFirmCoefficients", "calvo_firm_coefficients",
           "aggregate_term", "discounted_own_terms", "stock_condition_rows", "reset_price_row",
           "no_inventory_factor", "slope_factor"]


@attrs.frozen(kw_only=True)
class FirmBlock:
    """Steady-state elasticities of the firm's own equations (all log deviations from the average firm)."""

    alpha: float
    theta: float
    beta: float
    xi_p: float
    zeta_inv: float       # ∂z̃/∂inṽ_-1 = (1-δ_z) inv*/Z*, (1.11)
    zeta_y: float         # ∂z̃/∂ỹ = Y*/Z*
    z_over_inv: float     # Z*/inv*, (1.12)
    sales_over_inv: float  # sales*/inv*
    eps_psi: float        # d log Ψ / d log v* (A.24)
    stockout: float       # 1 - F(log v* + σ²/2), LHS of (1.18)
    d_stockout: float     # its derivative with respect to log v*
    price: float          # p* (relative price)
    mc: float             # mc*
    discount: float       # β (1 - δ_z)
    k: float              # K = -d log M / d log v*, the D of (A.31)


def firm_block(params: InventoryParameters, ss: SteadyState | None = None) -> FirmBlock:
    """The firm's linear block at the A.3 steady state of ``params``."""
    ss = ss or steady_state(params)
    taste = TasteShock(params.sigma_v, params.theta)
    v = ss.threshold
    return FirmBlock(alpha=params.alpha, theta=params.theta, beta=params.beta, xi_p=params.xi_p,
                     zeta_inv=(1 - params.delta_z) * ss.inventories / ss.goods_for_sale,
                     zeta_y=ss.output / ss.goods_for_sale, z_over_inv=ss.goods_for_sale / ss.inventories,
                     sales_over_inv=ss.sales / ss.inventories, eps_psi=float(taste.d_log_expected_sales(v)),
                     stockout=float(taste.stockout_probability(v)), d_stockout=float(taste.d_stockout_probability(v)),
                     price=ss.relative_price, mc=ss.real_marginal_cost, discount=params.beta * (1 - params.delta_z),
                     k=float(taste.d_log_elasticity(v)) / (ss.elasticity - 1.0))


@attrs.frozen(kw_only=True)
class CalvoFirmCoefficients:
    """Table A.1's coefficients and the rows built from them (state (inṽ_j,t-1, p̂_jt))."""

    psi_l: np.ndarray      # (ψ^l_1, ψ^l_2): hours
    psi_p: float           # ψ^p_1: reset price on own inventories, (A.40)
    psi_z: np.ndarray      # (ψ^z_1, ψ^z_2): stock for sale
    psi_inv: np.ndarray    # (ψ^inv_1, ψ^inv_2): end-of-period inventories
    psi_mc: np.ndarray     # (ψ^mc_1, ψ^mc_2) = (1-α) ψ^l, A.6.3
    phi_mc: np.ndarray     # Φ_1 of (A.33): E_t m̃c_j,t+1 on the state
    omega: float           # the aggregate term ω of the reset-price condition

    def to_dict(self) -> dict:
        return {"psi_l_1": float(self.psi_l[0]), "psi_l_2": float(self.psi_l[1]), "psi_p_1": self.psi_p,
                "psi_z_1": float(self.psi_z[0]), "psi_z_2": float(self.psi_z[1]),
                "psi_inv_1": float(self.psi_inv[0]), "psi_inv_2": float(self.psi_inv[1]),
                "psi_mc_1": float(self.psi_mc[0]), "psi_mc_2": float(self.psi_mc[1]), "omega": self.omega}


def _rows(block: FirmBlock, psi_l1: float, psi_l2: float, psi_p: float):
    """Coefficient rows on (inṽ_-1, p̂) of z̃, inṽ, m̃c and E m̃c' for given Table A.1 coefficients."""
    b = block
    hours = np.array([psi_l1, psi_l2])
    z = np.array([b.zeta_inv, 0.0]) + b.zeta_y * b.alpha * hours            # (1.9), (1.11)
    v = z + np.array([0.0, b.theta])                                         # (1.16): v* = Z/(p^-θ S)
    sales = np.array([0.0, -b.theta]) + b.eps_psi * v                        # (1.17), A.6.2
    inv = b.z_over_inv * z - b.sales_over_inv * sales                        # (1.12), (A.23)
    mc = (1 - b.alpha) * hours                                               # (1.13), A.6.3
    # next period's price: kept with probability ξ_p, reset to ψ^p_1 inṽ_t otherwise (A.25)
    next_price = b.xi_p * np.array([0.0, 1.0]) + (1 - b.xi_p) * psi_p * inv
    mc_next = (1 - b.alpha) * (psi_l1 * inv + psi_l2 * next_price)          # Φ_1, (A.33)
    return z, v, inv, mc, mc_next


def stock_condition_rows(block: FirmBlock, psi_l1: float, psi_l2: float, psi_p: float) -> np.ndarray:
    """Linearized (1.18) for a firm, coefficients on (inṽ_-1, p̂) — zero at the solution (A.26)-(A.27).

    (1.18): [1 - F(log v_j + σ²/2)] (p_j - b mc_j,t+1) = mc_j - b mc_j,t+1, b = β(1-δ_z).
    """
    b = block
    z, v, inv, mc, mc_next = _rows(block, psi_l1, psi_l2, psi_p)
    lhs = b.d_stockout * v * (b.price - b.discount * b.mc) + b.stockout * (
        b.price * np.array([0.0, 1.0]) - b.discount * b.mc * mc_next)
    return lhs - (b.mc * mc - b.discount * b.mc * mc_next)


def discounted_own_terms(row: np.ndarray, psi_inv: np.ndarray, beta: float, xi_p: float) -> np.ndarray:
    """row (I − βξ_p Ψ_1)^-1, Ψ_1 = [[ψ^inv_1, ψ^inv_2], [0, 1]]: Σ_i (βξ_p)^i row·s_t+i on s_t (A.34).

    ``row`` holds a per-period term's coefficients on the state s = (inṽ_j,t-1, p̂_jt) of a firm
    that keeps its price; Ψ_1 moves the state one period (the common shifts x_l are handled apart).
    """
    transition = np.array([[psi_inv[0], psi_inv[1]], [0.0, 1.0]])
    return row @ np.linalg.inv(np.eye(2) - beta * xi_p * transition)


def _own_cost_row(block: FirmBlock, psi_l1, psi_l2, psi_p) -> np.ndarray:
    """(K Φ_2 − Φ_1)(I − βξ_p Ψ_1)^-1: the firm's own terms of (A.37)-(A.38) on its state."""
    z, v, inv, mc, mc_next = _rows(block, psi_l1, psi_l2, psi_p)
    return discounted_own_terms(block.k * z - mc_next, inv, block.beta, block.xi_p)


def reset_price_row(block: FirmBlock, psi_l1: float, psi_l2: float, psi_p: float) -> float:
    """(A.40): (1 + Kθ) ψ^p_1/(1 − βξ_p) + (K Φ_2 − Φ_1)(I − βξ_p Ψ_1)^-1 (1, ψ^p_1)' = 0."""
    row = _own_cost_row(block, psi_l1, psi_l2, psi_p)
    return (1 + block.k * block.theta) * psi_p / (1 - block.beta * block.xi_p) + row @ np.array([1.0, psi_p])


def _expected_transition(block: FirmBlock, inv: np.ndarray, psi_p: float) -> np.ndarray:
    """E-transition of (inṽ_t, p̂_t+1) given (inṽ_t-1, p̂_t): the firm's deviation dynamics."""
    return np.array([[inv[0], inv[1]],
                     [(1 - block.xi_p) * psi_p * inv[0], block.xi_p + (1 - block.xi_p) * psi_p * inv[1]]])


def calvo_firm_coefficients(params: InventoryParameters, ss: SteadyState | None = None) -> CalvoFirmCoefficients:
    """Solve (A.26), (A.27), (A.40) for ψ^l_1, ψ^l_2, ψ^p_1 and return ω (raises ``ConvergenceError``)."""
    block = firm_block(params, ss)

    def equations(x):
        return np.r_[stock_condition_rows(block, *x), reset_price_row(block, *x)]

    roots = []
    for start in ([0.0, -block.theta / block.alpha, 0.0], [-1.0, -block.theta, 0.0], [-0.3, -2.0, -0.1],
                  [0.5, 2.0, 0.1], [-2.0, -10.0, 0.3]):
        x, info, flag, _ = fsolve(equations, start, full_output=True, xtol=1e-13)
        if flag != 1 or np.max(np.abs(equations(x))) > 1e-10:
            continue
        _, _, inv, _, _ = _rows(block, *x)
        radius = np.max(np.abs(np.linalg.eigvals(_expected_transition(block, inv, x[2]))))
        if radius < 1.0 and abs(inv[0]) < 1.0 and not any(np.allclose(x, r, atol=1e-8) for r in roots):
            roots.append(x)
    if len(roots) != 1:
        raise ConvergenceError(f"A.6's firm-specific coefficients: {len(roots)} roots with stable firm "
                               "dynamics found (need exactly one)")
    psi_l1, psi_l2, psi_p = roots[0]
    z, _, inv, mc, mc_next = _rows(block, psi_l1, psi_l2, psi_p)
    return CalvoFirmCoefficients(psi_l=np.array([psi_l1, psi_l2]), psi_p=float(psi_p), psi_z=z, psi_inv=inv,
                                 psi_mc=mc, phi_mc=mc_next,
                                 omega=aggregate_term(block, psi_l1, psi_l2, psi_p))


def aggregate_term(block: FirmBlock, psi_l1: float, psi_l2: float, psi_p: float) -> float:
    """ω of the aggregate reset-price condition, from (A.38)-(A.39).

    For a reset firm with average inventories the own-price path is p̂_j,t+i = p̂*_t − Σ_l≤i x_l, so
    Σ_i (βξ_p)^i E[K z̃ − m̃c'] = c (p̂*_t − Σ_l (βξ_p)^l x_l) = c (1 − βξ_p) G_t with
    c = (K Φ_2 − Φ_1)(I − βξ_p Ψ_1)^-1 e_2; ω = c (1 − βξ_p).
    """
    row = _own_cost_row(block, psi_l1, psi_l2, psi_p)
    return float(row[1] * (1 - block.beta * block.xi_p))


def slope_factor(k_theta: float, omega: float) -> float:
    """Scale of the price Phillips curve's slope relative to no strategic terms: 1/(1 + Kθ + ω).

    The reset-price row is (p* − q)(1 + Kθ + ω)/(1 − βξ_p) − (Kθ + ω) Σ(βξ_p)^i log p_t+i = Σ(βξ_p)^i log(target);
    with the price-index law, inflation responds to the target by this factor times the Calvo slope.
    """
    return 1.0 / (1.0 + k_theta + omega)


def no_inventory_factor(theta: float, alpha: float) -> float:
    """Closed form without inventories: the Phillips-curve slope scales by 1/(1 + θ(1−α)/α)."""
    return 1.0 / (1.0 + theta * (1.0 - alpha) / alpha)
