"""Finite Markov chains: discretizing an AR(1) and finding stationary distributions.

References: Tauchen (1986), "Finite state Markov-chain approximations to univariate and vector
autoregressions", Economics Letters 20; Rouwenhorst (1995) as analysed by Kopecky and Suen (2010),
"Finite state Markov-chain approximations to highly persistent processes", RED 13.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError

__all__ = ["tauchen", "rouwenhorst", "stationary_distribution", "check_transition_matrix"]


def _check_ar1(n, rho, sigma):
    if int(n) != n or n < 2:
        raise ParameterError("n", "must be an integer of at least 2", n)
    if not -1 < rho < 1:
        raise ParameterError("rho", "must lie in (-1, 1)", rho)
    if not sigma >= 0:
        raise ParameterError("sigma", "must be non-negative", sigma)


def tauchen(n: int, rho: float, sigma: float, mean: float = 0.0, width: float = 3.0):
    """Tauchen's discretization of ``y' = (1 - rho) mean + rho y + sigma e``, ``e ~ N(0, 1)``.

    Returns
    -------
    states : ndarray (n,)
        Evenly spaced over ``mean ± width`` unconditional standard deviations.
    transition : ndarray (n, n)
        Row-stochastic matrix, ``transition[i, j] = P(y' = states[j] | y = states[i])``.
    """
    from scipy.special import ndtr

    _check_ar1(n, rho, sigma)
    std = sigma / math.sqrt(1 - rho ** 2)
    states = np.linspace(-width * std, width * std, int(n))
    if sigma == 0:
        transition = np.eye(int(n))
        return states + mean, transition
    step = states[1] - states[0]
    centered = states[None, :] - rho * states[:, None]
    upper = ndtr((centered + step / 2) / sigma)
    lower = ndtr((centered - step / 2) / sigma)
    transition = upper - lower
    transition[:, 0] = upper[:, 0]
    transition[:, -1] = 1 - lower[:, -1]
    return states + mean, transition


def rouwenhorst(n: int, rho: float, sigma: float, mean: float = 0.0):
    """Rouwenhorst's discretization of the same AR(1); exact in its first two conditional moments.

    ``sigma`` is the standard deviation of the innovation (not of ``y``). States span
    ``mean ± sqrt(n - 1) * sigma / sqrt(1 - rho**2)``.
    """
    _check_ar1(n, rho, sigma)
    n = int(n)
    p = (1 + rho) / 2
    transition = np.array([[p, 1 - p], [1 - p, p]])
    for size in range(3, n + 1):
        grown = np.zeros((size, size))
        grown[:-1, :-1] += p * transition
        grown[:-1, 1:] += (1 - p) * transition
        grown[1:, :-1] += (1 - p) * transition
        grown[1:, 1:] += p * transition
        grown[1:-1] /= 2
        transition = grown
    half_width = math.sqrt(n - 1) * sigma / math.sqrt(1 - rho ** 2)
    return np.linspace(-half_width, half_width, n) + mean, transition


def check_transition_matrix(transition, name: str = "transition", atol: float = 1e-10) -> np.ndarray:
    """Validate a row-stochastic matrix; raise :class:`ParameterError` naming ``name``."""
    matrix = np.asarray(transition, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ParameterError(name, "must be a square matrix", matrix.shape)
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise ParameterError(name, "must have finite, non-negative entries")
    sums = matrix.sum(axis=1)
    if np.max(np.abs(sums - 1)) > atol:
        raise ParameterError(name, "rows must sum to one", sums)
    return matrix


def stationary_distribution(transition, tol: float = 1e-14) -> np.ndarray:
    """The stationary distribution ``pi`` with ``pi P = pi``, ``sum(pi) = 1``.

    Solved as the linear system ``(P' - I) pi = 0`` with one equation replaced by the adding-up
    condition; for a reducible chain (several stationary distributions) this raises
    :class:`ParameterError` rather than returning one of them silently.
    """
    matrix = check_transition_matrix(transition)
    n = matrix.shape[0]
    system = matrix.T - np.eye(n)
    system[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    try:
        pi = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        raise ParameterError("transition", "has no unique stationary distribution (reducible chain)") from None
    if np.max(np.abs(pi @ matrix - pi)) > 1e-8 or np.any(pi < -1e-10):
        raise ParameterError("transition", "has no unique stationary distribution (reducible chain)")
    pi = np.clip(pi, 0, None)
    return pi / pi.sum()
