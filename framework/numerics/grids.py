"""Grids that put more points where policy functions bend (near borrowing constraints)."""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError

__all__ = ["exponential_grid", "double_exponential_grid"]


def _check(low, high, n):
    if int(n) != n or n < 2:
        raise ParameterError("n", "must be an integer of at least 2", n)
    if not high > low:
        raise ParameterError("high", "must exceed low", (low, high))


def exponential_grid(low: float, high: float, n: int, curvature: float = 1.0) -> np.ndarray:
    """Points ``low + (exp(curvature * u) - 1) / (exp(curvature) - 1) * (high - low)``, u uniform on [0, 1].

    ``curvature`` > 0 concentrates points near ``low``; ``curvature`` → 0 gives an even grid.
    """
    _check(low, high, n)
    u = np.linspace(0.0, 1.0, int(n))
    if abs(curvature) < 1e-12:
        return low + u * (high - low)
    shape = np.expm1(curvature * u) / np.expm1(curvature)
    grid = low + shape * (high - low)
    grid[0], grid[-1] = low, high
    return grid


def double_exponential_grid(low: float, high: float, n: int) -> np.ndarray:
    """The double-exponential grid ``low + (exp(exp(u log(1 + log(1 + span))) - 1) - 1)``, u uniform.

    This is the nested transform ``x = exp(exp(s) - 1) - 1`` applied to an even grid ``s`` on
    ``[0, log(1 + log(1 + high - low))]``, common in incomplete-markets codes: very dense near
    ``low``, sparse at the top.
    """
    _check(low, high, n)
    top = np.log1p(np.log1p(high - low))
    s = np.linspace(0.0, top, int(n))
    grid = low + np.expm1(np.expm1(s))
    grid[0], grid[-1] = low, high
    return grid
