"""NumPy twin of the Cython kernels, direct path evaluation and brute force.

Three independent ways to get a firm's marginal cost, used to check each other in the tests:

* :func:`solve_tree_numpy` -- the reversed induction of eq. (4), (6) and (9) vectorised over
  firms; the specification of ``equilibria.ext.tyaz_dp.solve_tree_batch`` (same arguments,
  same outputs, same tie-breaking);
* :func:`evaluate_paths` -- the cost of *given* paths straight from eq. (1)/(5) (unit costs)
  or eq. (7)-(8) (ad-valorem tariff, iceberg costs), without any recursion;
* :func:`brute_force` -- all ``M**N`` paths evaluated with :func:`evaluate_paths`.

All functions here take a parent array; nodes need not be topologically ordered except in
:func:`solve_tree_numpy`, which mirrors the kernel's contract.
"""
from __future__ import annotations

import itertools

import numpy as np

from .technology import topological_order

__all__ = ["solve_tree_numpy", "evaluate_paths", "brute_force", "all_paths"]


def solve_tree_numpy(costs, step, trade_costs, parent, final, advalorem):
    """NumPy twin of :func:`equilibria.ext.tyaz_dp.solve_tree_batch` (see its docstring).

    ``costs`` is ``(F, N, M)`` with nodes in topological order (``parent[v] > v``, last node
    final), ``step[v]`` is ``tau_v T`` (unit) or ``1 + tau_v T`` (ad-valorem).
    """
    costs = np.asarray(costs, dtype=float)
    step = np.asarray(step, dtype=float)
    T = np.asarray(trade_costs, dtype=float)
    parent = np.asarray(parent)
    final = np.asarray(final, dtype=float)
    F, N, M = costs.shape
    root = N - 1
    V = [costs[:, v, :].copy() for v in range(N)]
    combine = np.multiply if advalorem else np.add
    for v in range(root):  # eq. (6) / (9): children first, messages added into the parent
        candidates = combine(V[v][:, :, None], step[v][None, :, :])  # (F, j, c)
        V[parent[v]] += candidates.min(axis=1)
    rows = np.arange(F)
    top = V[root] * (1.0 + final) if advalorem else V[root] + final
    loc = np.empty((F, N), dtype=np.int32)
    loc[:, root] = np.argmin(top, axis=1)
    mc = top[rows, loc[:, root]]
    for v in range(root - 1, -1, -1):
        cp = loc[:, parent[v]]
        loc[:, v] = np.argmin(combine(V[v], step[v][:, cp].T), axis=1)
    ntmc = np.zeros(F)
    tq = np.zeros(F)
    trade = np.zeros(F)
    cross = np.zeros(F, dtype=np.int32)
    for v in range(N):
        c = loc[:, v]
        ntmc += costs[rows, v, c]
        if v == root:
            continue
        cp = loc[:, parent[v]]
        moved = c != cp
        cross += moved
        weight = V[v][rows, c] if advalorem else 1.0
        tq += np.where(moved, T[c, cp] * weight, 0.0)
        trade += np.where(moved, (step[v][c, cp] - (1.0 if advalorem else 0.0)) * weight, 0.0)
    cr = loc[:, root]
    final_cost = final[cr] * V[root][rows, cr] if advalorem else final[cr]
    return dict(mc=mc, path=loc, ntmc=ntmc, tq=tq, trade_cost=trade, final_cost=final_cost, crossings=cross)


def evaluate_paths(costs, paths, parents, trade_costs, tau, tariff="unit", final=None):
    """Cost of given paths, straight from the paper's objective (no recursion over values).

    Parameters
    ----------
    costs : (F, N, M) array
    paths : (F, N) int array (broadcast against ``costs`` along the first axis)
    parents : (N,) parent array (any numbering)
    trade_costs : (M, M) array ``T``
    tau : float or (N,) array, the multiplier of the crossing out of each node
    tariff : ``"unit"`` (eq. 1, 5), ``"ad_valorem"`` (eq. 7-8) or ``"iceberg"`` (section
        2.3.1; then ``trade_costs`` is the iceberg matrix ``T_ice`` with unit diagonal and
        ``tau`` is ignored: crossing ``j -> k`` multiplies the quantity by ``T_ice[j, k]``)
    final : (M,) array, the final shipment cost ``tau^F T^F(c, d)`` by final location

    Returns
    -------
    dict with ``mc``, ``ntmc``, ``tq``, ``trade_cost``, ``final_cost``, ``crossings``.
    For ad-valorem and iceberg costs, ``mc = sum_v a_v chi_v`` with ``chi_root = 1`` and
    ``chi_v = chi_parent(v) (1 + tau_v T(c_v, c_parent(v)))`` (eq. 8 with its ``1 +``).
    """
    costs = np.asarray(costs, dtype=float)
    paths = np.asarray(paths, dtype=np.int64)
    parents = np.asarray(parents, dtype=np.int64)
    T = np.asarray(trade_costs, dtype=float)
    N = parents.size
    M = costs.shape[-1]
    F = max(costs.shape[0], paths.shape[0])
    costs = np.broadcast_to(costs, (F, N, M))
    paths = np.broadcast_to(paths, (F, N))
    tau_v = np.broadcast_to(np.asarray(tau, dtype=float), (N,))
    final = np.zeros(M) if final is None else np.asarray(final, dtype=float)
    root = int(np.flatnonzero(parents == -1)[0])
    a = np.take_along_axis(costs, paths[:, :, None], axis=2)[:, :, 0]  # a[f, v, c_v]
    ntmc = a.sum(axis=1)
    c_root = paths[:, root]
    if tariff == "unit":
        trade = np.zeros(F)
        tq = np.zeros(F)
        cross = np.zeros(F, dtype=np.int64)
        for v in range(N):
            if v == root:
                continue
            c, cp = paths[:, v], paths[:, parents[v]]
            trade += tau_v[v] * T[c, cp]
            tq += T[c, cp]
            cross += c != cp
        final_cost = final[c_root]
        mc = ntmc + trade + final_cost
        return dict(mc=mc, ntmc=ntmc, tq=tq, trade_cost=trade, final_cost=final_cost, crossings=cross)
    if tariff not in ("ad_valorem", "iceberg"):
        raise ValueError(f"unknown tariff {tariff!r}")
    factor = (lambda v, c, cp: T[c, cp]) if tariff == "iceberg" else (lambda v, c, cp: 1.0 + tau_v[v] * T[c, cp])
    order = topological_order(parents)
    chi = np.ones((F, N))
    for v in order[::-1]:  # parents before children: eq. (8)
        if v != root:
            chi[:, v] = chi[:, parents[v]] * factor(v, paths[:, v], paths[:, parents[v]])
    production = (a * chi).sum(axis=1)  # eq. (7)
    # value of the good leaving each node (its whole subtree, tariffs included), bottom-up
    value = a.copy()
    for v in order:
        if v != root:
            value[:, parents[v]] += factor(v, paths[:, v], paths[:, parents[v]]) * value[:, v]
    tq = np.zeros(F)
    cross = np.zeros(F, dtype=np.int64)
    trade = np.zeros(F)
    for v in range(N):
        if v == root:
            continue
        c, cp = paths[:, v], paths[:, parents[v]]
        tq += T[c, cp] * value[:, v]
        trade += (factor(v, c, cp) - 1.0) * value[:, v]
        cross += c != cp
    final_cost = final[c_root] * production
    return dict(mc=production * (1.0 + final[c_root]), ntmc=ntmc, tq=tq, trade_cost=trade,
                final_cost=final_cost, crossings=cross)


def all_paths(n_nodes: int, n_countries: int) -> np.ndarray:
    """All ``M**N`` location vectors in lexicographic order, shape ``(M**N, N)``."""
    return np.array(list(itertools.product(range(n_countries), repeat=n_nodes)), dtype=np.int64).reshape(-1, n_nodes)


def brute_force(costs, parents, trade_costs, tau, tariff="unit", final=None):
    """Minimise over all ``M**N`` paths by enumeration (small cases only).

    Returns ``dict(mc, path)`` per firm; among tied paths the lexicographically first.
    """
    costs = np.asarray(costs, dtype=float)
    F, N, M = costs.shape
    if M ** N > 2_000_000:
        raise ValueError("brute force is limited to M**N <= 2e6 paths")
    paths = all_paths(N, M)
    mc = np.empty(F)
    best = np.empty((F, N), dtype=np.int64)
    for f in range(F):
        values = evaluate_paths(costs[f:f + 1], paths, parents, trade_costs, tau, tariff, final)["mc"]
        k = int(np.argmin(values))
        mc[f] = values[k]
        best[f] = paths[k]
    return dict(mc=mc, path=best)
