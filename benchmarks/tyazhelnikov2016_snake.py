"""Benchmark: batched snake of Tyazhelnikov (2016) -- Cython kernel vs numba, side by side.

100,000 firms, N = 10 stages, M in {2, 5, 20} countries, unit trade costs (eq. 1-2).
Reports, per M: milliseconds (median of repeats), nanoseconds per min-plus operation
(firms * (N - 1) * M^2 operations), the ratio to the best numba kernel, and the ratio to the
machine bound max(arithmetic bound, memory bound):

* arithmetic bound: the same number of min-plus operations at this machine's measured
  throughput of a fused "add + min" stream over an L1-resident array (numpy-free, measured
  with a numba loop that does nothing else);
* memory bound: bytes that must move (costs in, path and statistics out) at the measured
  single-thread copy bandwidth (numpy copy of a 256 MB array).

Also: the tree kernel (a binary tree with N = 10 nodes) and the ad-valorem snake, time per
node relative to the unit snake, and the speed-up with 2 threads.

Run:  /work/venv/bin/python benchmarks/tyazhelnikov2016_snake.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import platform
import time

import numba
import numpy as np

from equilibria.ext.tyaz_dp import solve_tree_batch
from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem


# --------------------------------------------------------------------------- numba rivals
@numba.njit(fastmath=True, cache=False)
def numba_snake_per_firm(costs, step, mc, path):
    """Careful per-firm numba kernel: forward min-plus with argmin table, then backtrack."""
    F, N, M = costs.shape
    V = np.empty(M)
    W = np.empty(M)
    arg = np.empty((N, M), dtype=np.int32)
    for f in range(F):
        for c in range(M):
            V[c] = costs[f, 0, c]
        for v in range(1, N):
            for c in range(M):
                best = V[0] + step[v - 1, 0, c]
                bj = 0
                for j in range(1, M):
                    x = V[j] + step[v - 1, j, c]
                    if x < best:
                        best = x
                        bj = j
                W[c] = costs[f, v, c] + best
                arg[v, c] = bj
            for c in range(M):
                V[c] = W[c]
        best = V[0]
        bc = 0
        for c in range(1, M):
            if V[c] < best:
                best = V[c]
                bc = c
        mc[f] = best
        path[f, N - 1] = bc
        for v in range(N - 1, 0, -1):
            bc = arg[v, bc]
            path[f, v - 1] = bc


@numba.njit(fastmath=True, cache=False)
def numba_snake_blocked(costs, step, mc, path):
    """numba with the Cython kernel's layout: blocks of 64 firms, firms innermost."""
    F, N, M = costs.shape
    B = 64
    V = np.empty((N, M, B))
    tmp = np.empty(B)
    for f0 in range(0, F, B):
        nb = min(B, F - f0)
        for f in range(nb):
            for v in range(N):
                for c in range(M):
                    V[v, c, f] = costs[f0 + f, v, c]
        for v in range(N - 1):
            for c in range(M):
                s = step[v, 0, c]
                for f in range(nb):
                    tmp[f] = V[v, 0, f] + s
                for j in range(1, M):
                    s = step[v, j, c]
                    for f in range(nb):
                        tmp[f] = min(tmp[f], V[v, j, f] + s)
                for f in range(nb):
                    V[v + 1, c, f] += tmp[f]
        for f in range(nb):
            best = V[N - 1, 0, f]
            bc = 0
            for c in range(1, M):
                if V[N - 1, c, f] < best:
                    best = V[N - 1, c, f]
                    bc = c
            mc[f0 + f] = best
            path[f0 + f, N - 1] = bc
            for v in range(N - 2, -1, -1):
                best = V[v, 0, f] + step[v, 0, bc]
                bj = 0
                for j in range(1, M):
                    x = V[v, j, f] + step[v, j, bc]
                    if x < best:
                        best = x
                        bj = j
                bc = bj
                path[f0 + f, v] = bc


@numba.njit(fastmath=True)
def _addmin_stream(x, s, reps):
    acc = x.copy()
    for r in range(reps):
        for i in range(x.size):
            acc[i] = min(acc[i], x[i] + s)
    return acc


def machine_rates():
    """Measured min-plus throughput (ops/s, one core, L1 data) and copy bandwidth (bytes/s)."""
    x = np.random.default_rng(0).random(512)
    _addmin_stream(x, 0.1, 1)
    reps = 200_000
    t = min(_timeit(lambda: _addmin_stream(x, 0.1, reps)) for _ in range(3))
    ops = x.size * reps / t
    big = np.ones(32 * 1024 * 1024)  # 256 MB
    out = np.empty_like(big)
    tc = min(_timeit(lambda: np.copyto(out, big)) for _ in range(5))
    bandwidth = 2 * big.nbytes / tc  # read + write
    return ops, bandwidth


def _timeit(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_time(fn, repeats):
    fn()
    return float(np.median([_timeit(fn) for _ in range(repeats)]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--block", type=int, default=64)
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    F, N = args.firms, 10
    rng = np.random.default_rng(1)
    ops_rate, bandwidth = machine_rates()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus; numba {numba.__version__}")
    print(f"measured min-plus throughput {ops_rate / 1e9:.2f} Gop/s (one core), copy bandwidth {bandwidth / 1e9:.1f} GB/s")
    print()
    header = ("M", "cython 1t ms", "cython 2t ms", "speed-up", "numba/firm ms", "numba/blocked ms",
              "ns/op", "vs best numba", "bound ms", "vs bound", "tree/node", "adval/node")
    print(" | ".join(header))
    for M in (2, 5, 20):
        costs = rng.random((F, N, M)) + 0.1
        T = rng.random((M, M)) * 0.5
        np.fill_diagonal(T, 0.0)
        snake = FirmProblem.create(N, T, 1.0)
        tree = FirmProblem.create(N, T, 1.0, parents=[2, 2, 6, 5, 5, 6, 9, 8, 9, -1])
        adval = FirmProblem.create(N, T, 0.2, tariff="ad_valorem")
        mc = np.empty(F)
        path = np.empty((F, N), dtype=np.int32)

        def run(problem, threads):
            return solve_tree_batch(costs, problem.step, problem.trade_costs, problem.technology.sorted_parents,
                                    problem.final, problem.tariff == "ad_valorem", block=args.block, threads=threads)
        t1 = median_time(lambda: run(snake, 1), repeats)
        t2 = median_time(lambda: run(snake, 2), repeats)
        tt = median_time(lambda: run(tree, 1), repeats)
        ta = median_time(lambda: run(adval, 1), repeats)
        numba.set_num_threads(1)
        tn1 = median_time(lambda: numba_snake_per_firm(costs, snake.step, mc, path), repeats)
        check1 = mc.copy()
        tn2 = median_time(lambda: numba_snake_blocked(costs, snake.step, mc, path), repeats)
        ref = run(snake, 1)
        assert np.allclose(ref["mc"], check1) and np.allclose(ref["mc"], mc), "numba and cython disagree"
        n_ops = F * (N - 1) * M * M
        bytes_moved = costs.nbytes + F * N * 4 + F * (5 * 8 + 4)
        bound = max(n_ops / ops_rate, bytes_moved / bandwidth)
        best_numba = min(tn1, tn2)
        print(f"{M} | {t1 * 1e3:.2f} | {t2 * 1e3:.2f} | {t1 / t2:.2f} | {tn1 * 1e3:.2f} | {tn2 * 1e3:.2f} | "
              f"{t1 / n_ops * 1e9:.3f} | {t1 / best_numba:.2f} | {bound * 1e3:.2f} | {t1 / bound:.2f} | "
              f"{tt / t1:.2f} | {ta / t1:.2f}")


if __name__ == "__main__":
    main()
