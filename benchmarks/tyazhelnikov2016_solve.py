"""Benchmark: FirmProblem.solve / solve_mc of Tyazhelnikov (2016), the user-facing calls.

100,000 firms, N = 10 stages, unit trade costs, M in {2, 5, 20}; costs laid out (F, N, M) and
(N, M, F) (``firms_last=True``).  Includes the checks the calls make (shape in Python, values in
the kernel).  Prints the minimum and median of 15 calls after one warm-up call, milliseconds.

Run:  python benchmarks/tyazhelnikov2016_solve.py [--threads T]   (T = 0: all cores, the default)
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import call_times, machine  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--firms", type=int, default=100_000)
    args = parser.parse_args()
    F, N = args.firms, 10
    print(f"machine: {machine()}; threads {args.threads or 'all'}")
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
            times = np.array(call_times(fn, repeats=15)) * 1e3
            print(f"| {M} | {name} | {layout} | {times.min():.2f} | {np.median(times):.2f} |")


if __name__ == "__main__":
    main()
