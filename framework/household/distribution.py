"""The distribution over (exogenous state, assets) by Young's (2010) lottery, and aggregation.

A household at (z, a_k) chooses option j with probability ``probabilities[j, z, k]`` and saves
``savings[j, z, k]``, which lies between two grid points; its mass is split between them in
proportion to the distance (the lottery), then z moves with the Markov matrix. On the grid
this is a linear map D_{t+1} = Λ_t' D_t (eq. 12 of Waugh 2022); its transpose Λ_t is the
expectation operator: (Λ_t y)(z, a) = E[y(z', a') | z, a] for a function y of next period's
state (the "expectation vectors" of the fake-news algorithm).

``stationary_distribution`` wraps the Cython kernel ``equilibria.ext.young`` (band gather with
extrapolation); ``lottery_numpy``, ``forward_numpy`` and ``stationary_numpy`` are its NumPy
twins (the specification, compared with the kernel in tests). ``forward_step`` and
``expectation_step`` are the vectorised steps used along transition paths.
"""
from __future__ import annotations

import numpy as np

from equilibria.errors import ConvergenceError

__all__ = ["lottery", "lottery_numpy", "forward_numpy", "forward_step", "expectation_step",
           "stationary_distribution", "stationary_numpy", "aggregate", "exogenous_stationary"]


def lottery_numpy(grid, savings):
    """Bracket index and weight on the lower point for every policy value (clipped to the grid)."""
    grid = np.asarray(grid, float)
    a = np.clip(savings, grid[0], grid[-1])
    index = np.clip(np.searchsorted(grid, a, side="right") - 1, 0, grid.size - 2)
    weight = (grid[index + 1] - a) / (grid[index + 1] - grid[index])
    return index.astype(np.int64), weight


def lottery(grid, savings):
    """Bracket index and lower weight of every policy value (kernel ``young.lottery``).

    ``savings`` is (M, n_z, n_a) (or (n_z, n_a), treated as one option); policies outside the
    grid are clipped to its ends.
    """
    from equilibria.ext import young

    savings = np.asarray(savings, float)
    shaped = savings if savings.ndim == 3 else savings[None]
    index, weight = young.lottery(np.ascontiguousarray(grid, float), np.ascontiguousarray(shaped))
    return (index, weight) if savings.ndim == 3 else (index[0], weight[0])


def forward_numpy(index, weight, probabilities, transition, dist):
    """One step of the law of motion: choice probabilities, asset lotteries, then z -> z'."""
    m, nz, n = index.shape
    moved = np.zeros((nz, dist.shape[1]))
    for j in range(m):
        for z in range(nz):
            mass = dist[z] * probabilities[j, z]
            np.add.at(moved[z], index[j, z], weight[j, z] * mass)
            np.add.at(moved[z], index[j, z] + 1, (1.0 - weight[j, z]) * mass)
    return transition.T @ moved


def forward_step(index, weight, transition, dist, probabilities=None):
    """D' = Λ' D: the mass at (z, a_k) moves to the lottery of its savings, then z -> z'.

    ``index`` and ``weight`` are (n_z, n_a) for one option or (M, n_z, n_a) with the choice
    ``probabilities``. Vectorised with ``bincount``; equal to :func:`forward_numpy`.
    """
    nz, n = dist.shape
    if index.ndim == 3:
        mass = probabilities * dist[None]
        rows = np.broadcast_to(np.arange(nz)[None, :, None] * n, index.shape)
    else:
        mass = dist
        rows = np.arange(nz)[:, None] * n
    flat = (index + rows).ravel()
    lower = (weight * mass).ravel()
    moved = np.bincount(flat, lower, minlength=nz * n)
    moved += np.bincount(flat + 1, mass.ravel() - lower, minlength=nz * n)
    return transition.T @ moved.reshape(nz, n)


def expectation_step(index, weight, transition, values, probabilities=None):
    """(Λ y)(z, a_k) = sum_j pi_j sum_z' P(z, z') [w y(z', a_i) + (1 - w) y(z', a_{i+1})].

    The transpose of :func:`forward_step`: ``<forward_step(D), y> = <D, expectation_step(y)>``.
    """
    ahead = transition @ values                                   # E[y(z', a) | z]
    nz = ahead.shape[0]
    if index.ndim == 3:
        rows = np.arange(nz)[None, :, None]
        lotto = weight * ahead[rows, index] + (1.0 - weight) * ahead[rows, index + 1]
        return np.sum(probabilities * lotto, axis=0)
    rows = np.arange(nz)[:, None]
    return weight * ahead[rows, index] + (1.0 - weight) * ahead[rows, index + 1]


def exogenous_stationary(transition, tol=1e-15, maxiter=10_000):
    """Stationary distribution of the Markov chain by power iteration (as the kernel's start)."""
    nz = transition.shape[0]
    pz = np.full(nz, 1.0 / nz)
    for _ in range(maxiter):
        new = pz @ transition
        if np.max(np.abs(new - pz)) < tol:
            return new
        pz = new
    return pz


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
    """Stationary distribution on the grid for given policies, by the Cython kernel.

    ``savings`` and ``probabilities`` are (M, n_z, n_a) as returned by
    :func:`~equilibria.household.egm.solve_household`. Returns an (n_z, n_a) array of masses
    summing to one. Convergence: one plain step of the law of motion changes no mass by more
    than ``tol`` (tested every ``check_every`` steps). ``extrapolate = K`` (0 = plain power
    iteration) removes the estimated slowest mode every K steps (see
    ``equilibria.ext.young.stationary``); it reaches the same stopping rule in fewer steps. If the
    accelerated iteration does not settle (its mode estimate is noise when the changes are at
    round-off level), plain power iteration runs again from the same start.
    """
    from equilibria.ext import young

    grid = np.ascontiguousarray(grid, float)
    savings = np.ascontiguousarray(savings, float)
    probabilities = np.ascontiguousarray(probabilities, float)
    transition = np.ascontiguousarray(transition, float)
    n = savings.shape[2]
    index, weight = young.lottery(grid, savings)
    if guess is None:
        # start from the exogenous stationary distribution times a uniform over assets
        pz = exogenous_stationary(transition)
        dist = np.ascontiguousarray(pz[:, None] * np.full(n, 1.0 / n)[None, :])
    else:
        dist = np.array(guess, dtype=float, order="C")
        dist /= dist.sum()
    start = dist.copy()
    it, d = young.stationary(index, weight, probabilities, transition, dist, float(tol), int(maxiter),
                             int(check_every), int(threads), int(extrapolate))
    if extrapolate and not (d < tol and np.all(np.isfinite(dist))):
        # The extrapolation guesses the slowest mode from two successive changes; when those are
        # at round-off level (a start already at the fixed point and a tolerance near machine
        # precision) the guess is noise and the kicks can keep the iteration from settling.
        # Plain power iteration converges for any aperiodic chain: start again without them.
        dist = start
        it, d = young.stationary(index, weight, probabilities, transition, dist, float(tol), int(maxiter),
                                 int(check_every), int(threads), 0)
    if not d < tol or not np.all(np.isfinite(dist)):
        raise ConvergenceError(f"Young's lottery did not converge in {it} steps (change {d:.3e})",
                               history=[d])
    return dist / dist.sum()


def aggregate(policy, dist, probabilities=None):
    """Population total of a policy: sum_{z,k} D(z, k) y(z, k), or with options
    sum_{j,z,k} pi_j(z, k) D(z, k) y_j(z, k) when ``policy`` is (M, n_z, n_a)."""
    policy = np.asarray(policy, float)
    if policy.ndim == 3:
        weights = dist[None] if probabilities is None else probabilities * dist[None]
        return float(np.sum(weights * policy))
    return float(np.sum(dist * policy))
