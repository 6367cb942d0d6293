"""The CES investment bundle of new and used capital (Yu 2019, eqs. 2.2-2.6, Corollary 1).

An investing entrepreneur installs ``g`` units of good capital by combining new investment goods
``i_new`` (price 1, a share λ of them lemons) and used capital ``i_used`` bought in the market
(price ``p``, a share λ_M of it lemons)::

    g = { η^(1/ε) [(1-λ) i_new]^((ε-1)/ε) + (1-η)^(1/ε) [(1-λ_M) i_used]^((ε-1)/ε) }^(ε/(ε-1))   (2.3)

With effective (good-quality) prices ``P_new = 1/(1-λ)`` and ``P_used = p/(1-λ_M)``, the cost of
one unit of the bundle is the CES price index (2.4)::

    ρ = { η P_new^(1-ε) + (1-η) P_used^(1-ε) }^(1/(1-ε))

and the cost-minimizing composition (2.5)-(2.6) is::

    i_new  = η (1-λ)^(-1)   (P_new / ρ)^(-ε) g  = η (1-λ)^(ε-1) ρ^ε g
    i_used = (1-η) (1-λ_M)^(-1) (P_used / ρ)^(-ε) g = (1-η) (1-λ_M)^(ε-1) p^(-ε) ρ^ε g

ε = 1 is the Cobb-Douglas limit (ρ = P_new^η P_used^(1-η)), ε = 0 the Leontief limit
(ρ = η P_new + (1-η) P_used). All functions broadcast over NumPy arrays.
"""
from __future__ import annotations

import numpy as np

__all__ = ["price_index", "used_share", "new_share", "bundle", "COBB_DOUGLAS_BAND"]

#: |ε - 1| below which the Cobb-Douglas formulas are used (the CES ones lose precision there).
COBB_DOUGLAS_BAND = 1e-8


def _good_share(market_lemon_share, market_good_share):
    if market_good_share is not None:
        return np.asarray(market_good_share, dtype=float)
    return 1.0 - np.asarray(market_lemon_share, dtype=float)


def _effective_prices(p, lemons_share, market_lemon_share, market_good_share=None):
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore"):
        return 1.0 / (1.0 - lemons_share), p / _good_share(market_lemon_share, market_good_share)


def price_index(p, market_lemon_share, *, new_weight: float, substitution: float, lemons_share: float,
                market_good_share=None):
    """ρ(p, λ_M), eq. (2.4): the cost of one unit of installed good capital bought as a bundle.

    ``market_good_share`` (1 - λ_M, optional) replaces ``1 - market_lemon_share`` where λ_M is so
    close to one that the difference would round to zero.
    """
    eta, eps = new_weight, substitution
    p_new, p_used = _effective_prices(p, lemons_share, market_lemon_share, market_good_share)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if abs(eps - 1.0) < COBB_DOUGLAS_BAND:
            return np.exp(eta * np.log(p_new) + (1 - eta) * np.log(p_used))
        if eps == 0.0:
            return eta * p_new + (1 - eta) * p_used
        return (eta * p_new ** (1 - eps) + (1 - eta) * p_used ** (1 - eps)) ** (1 / (1 - eps))


def new_share(p, market_lemon_share, *, new_weight: float, substitution: float, lemons_share: float,
              market_good_share=None):
    """i_new / g, eq. (2.5): new investment goods per unit of bundle."""
    rho = price_index(p, market_lemon_share, new_weight=new_weight, substitution=substitution,
                      lemons_share=lemons_share, market_good_share=market_good_share)
    p_new, _ = _effective_prices(p, lemons_share, market_lemon_share)
    return new_weight * (1 - lemons_share) ** -1 * (p_new / rho) ** (-substitution)


def used_share(p, market_lemon_share, *, new_weight: float, substitution: float, lemons_share: float,
               market_good_share=None):
    """i_used / g, eq. (2.6): used capital per unit of bundle (θ(p, λ_M) of appendix B.2)."""
    rho = price_index(p, market_lemon_share, new_weight=new_weight, substitution=substitution,
                      lemons_share=lemons_share, market_good_share=market_good_share)
    _, p_used = _effective_prices(p, lemons_share, market_lemon_share, market_good_share)
    good = _good_share(market_lemon_share, market_good_share)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return (1 - new_weight) / good * (p_used / rho) ** (-substitution)


def bundle(i_new, i_used, market_lemon_share, *, new_weight: float, substitution: float, lemons_share: float):
    """g(i_new, i_used), eq. (2.3): good capital installed from the two inputs."""
    eta, eps = new_weight, substitution
    x_new = (1 - lemons_share) * np.asarray(i_new, dtype=float)
    x_used = (1 - np.asarray(market_lemon_share, dtype=float)) * np.asarray(i_used, dtype=float)
    if eps == 0.0:
        return np.minimum(x_new / eta, x_used / (1 - eta))
    if abs(eps - 1.0) < COBB_DOUGLAS_BAND:
        return x_new ** eta * x_used ** (1 - eta) / (eta ** eta * (1 - eta) ** (1 - eta))
    power = (eps - 1) / eps
    return (eta ** (1 / eps) * x_new ** power + (1 - eta) ** (1 / eps) * x_used ** power) ** (1 / power)
