"""Benchmark: batched logit probabilities + log-sum, compiled kernel vs NumPy twin vs numba.

Run:  python benchmarks/logit_kernel.py        (numba is optional: pip install numba)
Prints a Markdown table of rows per second and ratios, all measured in this one process.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best_time, machine  # noqa: E402

from equilibria.numerics import logit, logit_numpy  # noqa: E402


def numba_logit():
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(parallel=True, fastmath=False, cache=False)
    def kernel(values, scale, probabilities, logsum):
        n, m = values.shape
        for r in numba.prange(n):
            top = values[r, 0]
            for j in range(1, m):
                top = max(top, values[r, j])
            total = 0.0
            for j in range(m):
                e = np.exp((values[r, j] - top) / scale)
                probabilities[r, j] = e
                total += e
            for j in range(m):
                probabilities[r, j] /= total
            logsum[r] = top + scale * np.log(total)

    def run(values, scale):
        probabilities = np.empty_like(values)
        logsum = np.empty(values.shape[0])
        kernel(values, scale, probabilities, logsum)
        return probabilities, logsum
    return run


def main():
    rng = np.random.default_rng(0)
    nb = numba_logit()
    print(f"machine: {machine()}\n")
    print("| rows x choices | kernel 1 thread (Mrows/s) | kernel 2 threads (Mrows/s) | NumPy twin (Mrows/s) "
          "| numba 2 threads (Mrows/s) | kernel(1t) / NumPy | kernel(2t) / numba |")
    print("|---|---|---|---|---|---|---|")
    for rows, choices in [(1_000_000, 3), (1_000_000, 10), (4_000_000, 5)]:
        values = rng.normal(size=(rows, choices))
        t1 = best_time(lambda: logit(values, 0.3, threads=1))
        t2 = best_time(lambda: logit(values, 0.3, threads=2))
        tn = best_time(lambda: logit_numpy(values, 0.3), repeats=3)
        p, s = logit(values, 0.3)
        q, t = logit_numpy(values, 0.3)
        assert np.allclose(p, q) and np.allclose(s, t)
        tb = best_time(lambda: nb(values, 0.3)) if nb else float("nan")
        print(f"| {rows:,} x {choices} | {rows / t1 / 1e6:.1f} | {rows / t2 / 1e6:.1f} | {rows / tn / 1e6:.1f} | "
              f"{rows / tb / 1e6:.1f} | {tn / t1:.1f}x | {tb / t2:.2f}x |")


if __name__ == "__main__":
    main()
