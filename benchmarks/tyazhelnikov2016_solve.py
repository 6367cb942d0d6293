"""Benchmark: FirmProblem.solve / solve_mc of Tyazhelnikov (2016), the user-facing calls.

100,000 firms, N = 10 stages, unit trade costs, M in {2, 5, 20}; costs laid out (F, N, M) and
(N, M, F) (``firms_last=True``).  Includes the checks the calls make (shape in Python, values in
the kernel).  Prints the minimum and median of 15 calls after one warm-up call, milliseconds.

Run:  python benchmarks/tyazhelnikov2016_solve.py [--threads T]   (T = 0: all cores, the default)
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem


def _times(fn, repeats=15):
    fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out) * 1e3, float(np.median(out)) * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--firms", type=int, default=100_000)
    args = parser.parse_args()
    F, N = args.firms, 10
    print("| M | call | layout | min ms | median ms |")
    print("|---|---|---|---|---|")
    for M in (2, 5, 20):
        rng = np.random.default_rng(M)
        T = rng.random((M, M)) * 0.5
        np.fill_diagonal(T, 0.0)
        problem = FirmProblem.create(N, T, 1.0)
        costs = rng.random((F, N, M)) + 0.1
        costs_last = np.ascontiguousarray(costs.transpose(1, 2, 0))
        calls = (("solve", "(F,N,M)", lambda: problem.solve(costs, threads=args.threads)),
                 ("solve", "(N,M,F)", lambda: problem.solve(costs_last, threads=args.threads, firms_last=True)),
                 ("solve_mc", "(F,N,M)", lambda: problem.solve_mc(costs, threads=args.threads)),
                 ("solve_mc", "(N,M,F)", lambda: problem.solve_mc(costs_last, threads=args.threads, firms_last=True)))
        for name, layout, fn in calls:
            lo, med = _times(fn)
            print(f"| {M} | {name} | {layout} | {lo:.2f} | {med:.2f} |")


if __name__ == "__main__":
    main()
