"""Stationary distribution lambda_i(a, z) (eq. 12) by Young's lottery, and aggregates (eq. 13-21).

``stationary_distribution`` wraps the Cython kernel ``equilibria.ext.young``; ``lottery_numpy``
and ``forward_numpy`` are its NumPy twins (the specification, compared with the kernel in tests).
"""
from __future__ import annotations

import numpy as np

from equilibria.errors import ConvergenceError

__all__ = ["lottery_numpy", "forward_numpy", "stationary_distribution", "stationary_numpy",
           "household_aggregates"]


def lottery_numpy(grid, savings):
    """Bracket index and weight on the lower point for every policy value (clipped to the grid)."""
    grid = np.asarray(grid, float)
    a = np.clip(savings, grid[0], grid[-1])
    index = np.clip(np.searchsorted(grid, a, side="right") - 1, 0, grid.size - 2)
    weight = (grid[index + 1] - a) / (grid[index + 1] - grid[index])
    return index.astype(np.int64), weight


def forward_numpy(index, weight, probabilities, transition, dist):
    """One step of eq. (12): choice probabilities, asset lotteries, then z -> z'."""
    m, nz, n = index.shape
    moved = np.zeros((nz, dist.shape[1]))
    for j in range(m):
        for z in range(nz):
            mass = dist[z] * probabilities[j, z]
            np.add.at(moved[z], index[j, z], weight[j, z] * mass)
            np.add.at(moved[z], index[j, z] + 1, (1.0 - weight[j, z]) * mass)
    return transition.T @ moved


def stationary_numpy(grid, savings, probabilities, transition, tol=1e-10, maxiter=100_000):
    """Iterate ``forward_numpy`` to a fixed point (slow; for tests)."""
    index, weight = lottery_numpy(grid, savings)
    nz, n = savings.shape[1], savings.shape[2]
    dist = np.full((nz, n), 1.0 / (nz * n))
    for _ in range(maxiter):
        new = forward_numpy(index, weight, probabilities, transition, dist)
        if np.max(np.abs(new - dist)) < tol:
            return new
        dist = new
    raise ConvergenceError("Young's lottery did not converge", history=[])


def stationary_distribution(grid, savings, probabilities, transition, *, tol=1e-10,
                            maxiter=200_000, guess=None, check_every=5, threads=1, extrapolate=5):
    """Stationary lambda(z, a) on the grid for given policies (eq. 12), by the Cython kernel.

    ``savings`` and ``probabilities`` are (M, n_z, n_a) as returned by
    :func:`~equilibria.plugins.waugh2022.household.solve_household`. Returns an (n_z, n_a)
    array of masses summing to one. Convergence: one plain step of eq. (12) changes no mass by
    more than ``tol`` (tested every ``check_every`` steps). ``extrapolate = K`` (0 = plain
    power iteration) removes the estimated slowest mode every K steps (see
    ``equilibria.ext.young.stationary``); on the benchmark problem this cuts the steps from
    270 to 175 at the same stopping rule.
    """
    from equilibria.ext import young

    grid = np.ascontiguousarray(grid, float)
    savings = np.ascontiguousarray(savings, float)
    probabilities = np.ascontiguousarray(probabilities, float)
    transition = np.ascontiguousarray(transition, float)
    nz, n = savings.shape[1], savings.shape[2]
    index, weight = young.lottery(grid, savings)
    if guess is None:
        # start from the exogenous stationary distribution times a uniform over assets
        pz = np.full(nz, 1.0 / nz)
        for _ in range(2000):
            new = pz @ transition
            if np.max(np.abs(new - pz)) < 1e-15:
                break
            pz = new
        dist = np.ascontiguousarray(pz[:, None] * np.full(n, 1.0 / n)[None, :])
    else:
        dist = np.array(guess, dtype=float, order="C")
        dist /= dist.sum()
    it, d = young.stationary(index, weight, probabilities, transition, dist, float(tol), int(maxiter),
                             int(check_every), int(threads), int(extrapolate))
    if not d < tol or not np.all(np.isfinite(dist)):
        raise ConvergenceError(f"Young's lottery did not converge in {it} steps (change {d:.3e})",
                               history=[d])
    return dist / dist.sum()


def household_aggregates(solution, dist, states, mass=1.0):
    """Per-country aggregates of section 1.4 for one country's households.

    Parameters: a :class:`HouseholdSolution` (arrays [j, z, k]), the stationary distribution
    ``dist[z, k]``, the efficiency units ``states[z]`` and the mass of households ``mass`` (L_i).
    Returns a dict with ``efficiency_units`` (eq. 13), ``assets`` (A'_i, eq. 14; equal to the
    holdings of the stationary distribution), ``expenditure`` (eq. 17), ``imports`` (M_ij of eq. 19,
    one entry per variety j), ``choice_shares`` (share of households choosing j) and
    ``trade_shares`` (imports / expenditure, eq. 17-19).
    """
    weights = solution.probabilities * dist[None, :, :]
    imports = mass * np.einsum("jzk,jzk->j", weights, solution.spending)
    expenditure = imports.sum()
    return {
        "efficiency_units": mass * float(np.sum(dist * np.asarray(states)[:, None])),
        "assets": mass * float(np.sum(weights * solution.savings)),
        "asset_holdings": mass * float(np.sum(dist * solution.grid[None, :])),
        "expenditure": float(expenditure),
        "imports": imports,
        "choice_shares": weights.sum(axis=(1, 2)),
        "trade_shares": imports / expenditure,
    }
