"""Anderson acceleration of a fixed point ``x = T(x)`` (type II, with a safeguard).

Walker and Ni (2011), "Anderson acceleration for fixed-point iterations", SIAM J. Numer. Anal.
49(4): the next iterate mixes the last ``memory`` images of ``T`` with the weights that minimise
the norm of the combined residual ``T(x) - x``. A step whose residual is much larger than the
best one seen so far is discarded and the memory restarted from a damped plain step, so the
method is never worse than a (slow) damped iteration on a contraction.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ConvergenceError

__all__ = ["anderson"]


def anderson(step: Callable[[np.ndarray], np.ndarray], x0, *, tol: float = 1e-10, maxiter: int = 500,
             memory: int = 5, damping: float = 1.0, what: str = "fixed point"):
    """Solve ``x = step(x)``; returns ``(x, iterations, residual_history)``.

    Parameters
    ----------
    step : callable
        The map ``T``; takes and returns flat float arrays of the same size.
    x0 : array_like
        Starting point.
    tol : float
        Stop when ``max |T(x) - x| <= tol``.
    memory : int
        Number of past residuals mixed (0: plain damped iteration).
    damping : float
        Weight on ``T(x)`` in the mixed step (1: undamped).

    Raises
    ------
    ConvergenceError
        If ``maxiter`` steps do not reach ``tol`` or the map returns non-finite values.
    """
    x = np.array(x0, dtype=float).ravel()
    history: list[float] = []
    xs, gs = [], []          # past iterates and their residuals g = T(x) - x
    best = np.inf
    for iteration in range(1, maxiter + 1):
        tx = np.asarray(step(x), dtype=float).ravel()
        g = tx - x
        norm = float(np.max(np.abs(g))) if g.size else 0.0
        history.append(norm)
        if not np.isfinite(norm):
            raise ConvergenceError(f"{what}: the map returned non-finite values", history=history)
        if norm <= tol:
            return tx, iteration, history
        if norm > 1e3 * best and xs:           # safeguard: back to the last accepted point, damped plain step
            x = xs[-1] + 0.5 * gs[-1]
            xs, gs = [], []
            continue
        best = min(best, norm)
        xs.append(x.copy())
        gs.append(g.copy())
        if len(xs) > memory + 1:
            xs.pop(0)
            gs.pop(0)
        if memory and len(xs) > 1:
            dg = np.column_stack([gs[k + 1] - gs[k] for k in range(len(gs) - 1)])
            dx = np.column_stack([xs[k + 1] - xs[k] for k in range(len(xs) - 1)])
            coef = _least_squares(dg, g)
            x = x + damping * g - (dx + damping * dg) @ coef
        else:
            x = x + damping * g
    raise ConvergenceError(f"{what}: no convergence in {maxiter} iterations", history=history)


def _least_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """min |a c - b| for a tall, thin ``a`` through its (regularised) Gram matrix: cheap for long vectors."""
    gram = a.T @ a
    ridge = 1e-12 * float(np.trace(gram)) / max(gram.shape[0], 1)
    try:
        return np.linalg.solve(gram + ridge * np.eye(gram.shape[0]), a.T @ b)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(a, b, rcond=None)[0]
