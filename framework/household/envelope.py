"""Non-concave savings problems: the endogenous grid method with an upper envelope (Fella 2014).

The endogenous grid method (Carroll 2006) inverts the Euler equation on a grid of savings
``a'`` instead of searching for the optimal ``a'`` at every point of a grid of cash on hand. It
needs the continuation value to be concave: then the cash on hand at which each ``a'`` is
optimal rises with ``a'``, and the policy is an interpolation. A discrete choice next period
(retire or work, buy a durable or not, invest or not) makes the continuation value a maximum
of concave functions, which is not concave; the endogenous grid then *folds* back on itself and
several ``a'`` satisfy the Euler equation at the same cash on hand. Fella (2014) keeps every
candidate and takes the best: the *upper envelope* of the value over the EGM segments.

The problem of one period, for every branch ``b`` (a discrete choice already made, an
exogenous state, ...)::

    V_b(m) = max_{a' >= a'_0}  u(m - q a') + W_b(a'),      u(c) = c^(1-γ)/(1-γ)  (log c if γ = 1)

with cash on hand ``m``, a price of savings ``q`` (``q = 1/R`` when ``a'`` is repaid with
interest next period; ``q = 1`` when ``a'`` is the next period's asset and ``m`` includes
``R a``), and the continuation ``W_b`` and its slope ``W_b'`` given on the grid of ``a'`` (the
first point is the borrowing limit). The Euler equation ``u'(c) = W_b'(a') / q`` gives
``c_e(a') = (W_b'(a') / q)^(-1/γ)`` and the endogenous point ``m_e(a') = c_e(a') + q a'``.
The value at any ``m`` is the best of

* saving the least, ``u(m - q a'_0) + W_b(a'_0)`` (the borrowing constraint binds), and
* on every segment ``[m_e(a'_s), m_e(a'_{s+1})]`` that covers ``m`` (the top segment extended
  upward), ``u(m - q a') + W`` with ``a'`` and ``W`` linear in ``m`` along the segment.

Where the grid does not fold there is one segment and this is the plain EGM; where it folds the
best segment wins. :func:`envelope_values` runs the Cython kernel ``equilibria.ext.envelope_egm``;
:func:`envelope_values_numpy` is its NumPy twin (the specification, compared with the kernel
in tests). The kernel visits only the segments that can cover ``m`` (two binary searches on
running maxima and minima of ``m_e``), so a monotone branch costs one bracket search per point.

The discrete choice itself (a hard maximum over the branches' values, or a logit with taste
shocks as in the DC-EGM of Iskhakov, Jørgensen, Rust and Schjerning 2017) is the caller's:
see :mod:`equilibria.household.egm` for a savings problem with a logit over goods and the
``yu2019_reallocation`` plugin for a capital choice on a grid.
"""
from __future__ import annotations

import numpy as np

__all__ = ["envelope_values", "envelope_values_numpy", "endogenous_points", "folds"]


def _utility(c, gamma):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.log(c) if gamma == 1.0 else c ** (1.0 - gamma) / (1.0 - gamma)


def endogenous_points(assets, cont_marginal, price=1.0, gamma=1.0):
    """m_e(a') = (W'(a') / q)^(-1/γ) + q a' for every branch: (B, n_a) from ``cont_marginal`` (B, n_a)."""
    cont_marginal = np.asarray(cont_marginal, float)
    consumption = price / cont_marginal if gamma == 1.0 else (cont_marginal / price) ** (-1.0 / gamma)
    return consumption + price * np.asarray(assets, float)


def folds(assets, cont_marginal, price=1.0, gamma=1.0) -> np.ndarray:
    """Whether the endogenous grid of every branch folds (is not increasing): a boolean (B,) array."""
    return ~np.all(np.diff(endogenous_points(assets, np.atleast_2d(cont_marginal), price, gamma), axis=1) > 0,
                   axis=1)


def _check(assets, cont, cont_marginal, resources, price, gamma):
    from equilibria.errors import ParameterError

    assets = np.ascontiguousarray(assets, float)
    cont, cont_marginal, resources = (np.ascontiguousarray(np.atleast_2d(x), float)
                                      for x in (cont, cont_marginal, resources))
    if assets.ndim != 1 or assets.size < 2 or not np.all(np.diff(assets) > 0):
        raise ParameterError("assets", "must be an increasing grid of at least two points", assets.size)
    if cont.shape != (resources.shape[0], assets.size) or cont_marginal.shape != cont.shape:
        raise ParameterError("cont", f"cont and cont_marginal must be (branches, n_a) = "
                                     f"({resources.shape[0]}, {assets.size})", cont.shape)
    if not price > 0:
        raise ParameterError("price", "must be positive", price)
    if not gamma > 0:
        raise ParameterError("gamma", "must be positive", gamma)
    return assets, cont, cont_marginal, resources, float(price), float(gamma)


def envelope_values_numpy(assets, cont, cont_marginal, resources, price=1.0, gamma=1.0):
    """Value and savings at every cash on hand (the specification of :func:`envelope_values`).

    ``assets`` (n_a,) is the grid of a' (first point the borrowing limit); ``cont`` and
    ``cont_marginal`` (B, n_a) are W_b and W_b' on it; ``resources`` (B, n_m) the cash on hand
    at which each branch is evaluated. Returns ``(values, savings)``, both (B, n_m): the value
    is ``-inf`` (and savings ``assets[0]``) where even saving the least leaves no consumption.
    """
    assets, cont, cont_marginal, m, price, gamma = _check(assets, cont, cont_marginal, resources, price, gamma)
    m_endog = endogenous_points(assets, cont_marginal, price, gamma)
    na = assets.size
    c0 = m - price * assets[0]
    best_v = np.where(c0 > 0, _utility(np.maximum(c0, 1e-300), gamma) + cont[:, :1], -np.inf)
    best_a = np.full_like(m, assets[0])
    for s in range(na - 1):
        lo, hi = m_endog[:, s:s + 1], m_endog[:, s + 1:s + 2]
        covers = (m >= np.minimum(lo, hi)) & (m <= np.maximum(lo, hi)) & (hi != lo)
        if s == na - 2:
            covers |= (hi > lo) & (m > hi)                     # the top segment, extended
        if not covers.any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.minimum((m - lo) / (hi - lo), 1.0)
        a_next = assets[s] + t * (assets[s + 1] - assets[s])
        c = m - price * a_next
        w = cont[:, s:s + 1] + t * (cont[:, s + 1:s + 2] - cont[:, s:s + 1])
        v = np.where(covers & (c > 0), _utility(np.where(c > 0, c, 1.0), gamma) + w, -np.inf)
        better = v > best_v
        best_a, best_v = np.where(better, a_next, best_a), np.where(better, v, best_v)
    return best_v, best_a


def envelope_values(assets, cont, cont_marginal, resources, price=1.0, gamma=1.0):
    """:func:`envelope_values_numpy` by the Cython kernel ``equilibria.ext.envelope_egm``.

    The value of every branch b at every cash on hand ``resources[b, i]``, by the endogenous grid
    method with the upper envelope over folded segments; ``(values, savings)``, both (B, n_m).
    """
    from equilibria.ext import envelope_egm

    assets, cont, cont_marginal, m, price, gamma = _check(assets, cont, cont_marginal, resources, price, gamma)
    return envelope_egm.envelope_values(assets, cont, cont_marginal, m, price, gamma)
