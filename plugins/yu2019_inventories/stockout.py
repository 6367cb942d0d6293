"""The taste-shock algebra of the stock-out constraint (eqs. 1.16-1.20, 1.17, A.2-A.3, A.24).

``log v ~ N(-σ²/2, σ²)`` so ``E[v] = 1``; ``F`` is the distribution function of ``N(0, σ²)``.
For a firm whose goods for sale ``Z`` meet a demand ``v p^{-θ} S``, the stock-out threshold is
``v* = Z / (p^{-θ} S)`` (1.16) and, per unit of ``p^{-θ} S``:

* expected sales ``Ψ(v*) = F(log v* - σ²/2) + v* [1 - F(log v* + σ²/2)]`` (1.17, A.24);
* stock-out probability ``1 - F(log v* + σ²/2)`` (the LHS of 1.18), which is also ``Ψ'(v*)``;
* the share of demand that falls in stock-out states, ``1 - F(log v* - σ²/2)``;
* effective demand elasticity ``ε(v*) = θ F(log v* - σ²/2) / Ψ(v*)`` (1.20);
* the price-index weight ``Φ(v*)`` of (A.3), ``P^{1-θ} = ∫ P_j^{1-θ} Φ(v*_j) dj``.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

__all__ = ["TasteShock"]


def _phi(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


class TasteShock:
    """Functions of the stock-out threshold ``v*`` for given ``σ_v`` and ``θ``."""

    def __init__(self, sigma_v: float, theta: float):
        self.sigma = float(sigma_v)
        self.theta = float(theta)

    def F(self, x):
        """Distribution function of N(0, σ²)."""
        return ndtr(np.asarray(x, dtype=float) / self.sigma)

    def f(self, x):
        """Density of N(0, σ²)."""
        z = np.asarray(x, dtype=float) / self.sigma
        return np.exp(-0.5 * z * z) / (self.sigma * math.sqrt(2.0 * math.pi))

    # ------------------------------------------------------------------ levels
    def expected_sales(self, v):
        """Ψ(v*) = E[min(v, v*)] (1.17, A.24)."""
        lv, s2 = np.log(v), self.sigma ** 2
        return self.F(lv - s2 / 2) + v * (1.0 - self.F(lv + s2 / 2))

    def stockout_probability(self, v):
        """Pr(v > v*) = 1 - F(log v* + σ²/2), the LHS of (1.18)."""
        return 1.0 - self.F(np.log(v) + self.sigma ** 2 / 2)

    def stockout_demand_share(self, v):
        """E[v 1{v > v*}] = 1 - F(log v* - σ²/2): the share of demand met by a stock-out."""
        return 1.0 - self.F(np.log(v) - self.sigma ** 2 / 2)

    def elasticity(self, v):
        """ε(v*) = θ ∫_0^{v*} v dG / ∫ min(v, v*) dG (1.20)."""
        return self.theta * self.F(np.log(v) - self.sigma ** 2 / 2) / self.expected_sales(v)

    def price_weight(self, v):
        """Φ(v*) of (A.3)."""
        th, s2 = self.theta, self.sigma ** 2
        lv = np.log(v)
        tail = np.exp(s2 * (1 - th) / (2 * th * th)) * (1.0 - self.F(lv + s2 / 2 - s2 / th))
        return self.F(lv - s2 / 2) + v ** ((th - 1) / th) * tail

    # ------------------------------------------------------------------ log-derivatives at v*
    def d_log_expected_sales(self, v):
        """d log Ψ / d log v* = v* Ψ'(v*) / Ψ(v*), with Ψ'(v*) the stock-out probability."""
        return v * self.stockout_probability(v) / self.expected_sales(v)

    def d_stockout_probability(self, v):
        """d [1 - F(log v* + σ²/2)] / d log v*."""
        return -self.f(np.log(v) + self.sigma ** 2 / 2)

    def d_log_elasticity(self, v):
        """d log ε / d log v*."""
        lv, s2 = np.log(v), self.sigma ** 2
        return self.f(lv - s2 / 2) / self.F(lv - s2 / 2) - self.d_log_expected_sales(v)

    def d_log_price_weight(self, v):
        """d log Φ / d log v* (the density terms cancel at v*)."""
        th, s2 = self.theta, self.sigma ** 2
        lv = np.log(v)
        tail = np.exp(s2 * (1 - th) / (2 * th * th)) * (1.0 - self.F(lv + s2 / 2 - s2 / th))
        return (th - 1) / th * v ** ((th - 1) / th) * tail / self.price_weight(v)
