"""The intermediate firm's profit function and its Hessians (appendix A.4).

The period profit of firm j in marginal-utility units (the integrand of 1.14), in log deviations
``x_t = (p_jt, Z_jt)`` of its relative price and goods for sale::

    π_t = Ξ [ p_jt p_jt^{-θ} S Ψ(v*_jt) - w (Y_jt e^{-a})^{1/α} ],
    v*_jt = Z_jt / (p_jt^{-θ} S),   Y_jt = Z_jt - (1-δ_z)(Z_j,t-1 - p_j,t-1^{-θ} S Ψ(v*_j,t-1)),

with the aggregates at their steady state. ``H_x,0 = ∂²(π_t + β π_t+1)/∂x_t²`` and
``H_x,1 = β ∂²π_t+1/∂x_t ∂x_t+1`` are the matrices of the firm's objective (1.34). The text
prints ``H_x,0`` divided by ``2 Ξ* p*^{-θ} S*`` (the factor in front of the bracket of A.4
together with the ½ of 1.34): :func:`hessians` returns both scales.
"""
from __future__ import annotations

import attrs
import numpy as np

from .params import InventoryParameters
from .steady_state import SteadyState, steady_state
from .stockout import TasteShock

__all__ = ["Hessians", "hessians", "lifetime_profit"]


@attrs.frozen(kw_only=True)
class Hessians:
    """``H_x,0``, ``H_x,1`` in utility units per squared log deviation; ``text_scale`` divides by 2 Ξ p^{-θ} S."""

    H0: np.ndarray = attrs.field(eq=False)
    H1: np.ndarray = attrs.field(eq=False)
    gradient: np.ndarray = attrs.field(eq=False)
    text_scale: float

    @property
    def H0_text(self) -> np.ndarray:
        return self.H0 / self.text_scale

    @property
    def H1_text(self) -> np.ndarray:
        return self.H1 / self.text_scale


def _period_profit(params, ss, taste, x, x_lag):
    th, d, al = params.theta, params.delta_z, params.alpha
    price = ss.relative_price * np.exp(x[0])
    stock = ss.goods_for_sale * np.exp(x[1])
    price_lag = ss.relative_price * np.exp(x_lag[0])
    stock_lag = ss.goods_for_sale * np.exp(x_lag[1])
    demand, demand_lag = price ** -th * ss.demand_level, price_lag ** -th * ss.demand_level
    sales_lag = demand_lag * taste.expected_sales(stock_lag / demand_lag)
    output = stock - (1.0 - d) * (stock_lag - sales_lag)
    revenue = price * demand * taste.expected_sales(stock / demand)
    return ss.marginal_utility * (revenue - ss.wage * output ** (1.0 / al))


def lifetime_profit(params: InventoryParameters, ss: SteadyState, path) -> float:
    """``Σ_t β^t π_t`` along a finite path of log deviations ``path`` (T × 2), starting and ending at the steady state."""
    taste = TasteShock(params.sigma_v, params.theta)
    path = np.vstack([np.zeros((1, 2)), np.asarray(path, float), np.zeros((1, 2))])
    total = 0.0
    for t in range(1, len(path)):
        total += params.beta ** (t - 1) * _period_profit(params, ss, taste, path[t], path[t - 1])
    return float(total)


def hessians(params: InventoryParameters, ss: SteadyState | None = None, step: float = 1e-4) -> Hessians:
    """``H_x,0``, ``H_x,1`` and the gradient at the steady state by central differences of the profit function."""
    ss = ss or steady_state(params)

    def objective(u):  # u = (x_t, x_t+1) in a two-period window after the steady state
        return lifetime_profit(params, ss, np.reshape(u, (2, 2)))

    n = 4
    H = np.zeros((n, n))
    eye = np.eye(n) * step
    for i in range(n):
        for j in range(i, n):
            value = (objective(eye[i] + eye[j]) - objective(eye[i] - eye[j]) - objective(-eye[i] + eye[j])
                     + objective(-eye[i] - eye[j])) / (4 * step * step)
            H[i, j] = H[j, i] = value
    gradient = np.array([(objective(eye[i]) - objective(-eye[i])) / (2 * step) for i in range(2)])
    scale = 2.0 * ss.marginal_utility * ss.relative_price ** -params.theta * ss.demand_level
    # the second period of the window also carries β π_t+2's dependence on x_t+1; H_x,0 is read at t
    return Hessians(H0=H[:2, :2], H1=H[:2, 2:], gradient=gradient, text_scale=float(scale))
