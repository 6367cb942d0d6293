"""Benchmark: one calibration objective evaluation (Tyazhelnikov 2016, sections 5.2-5.4).

Times the KL objective (simulate firms, trim 5%, compare with the data) serially and through a
dask LocalCluster with two workers on loopback, checking that both give the same number.

Run:  /work/venv/bin/python benchmarks/tyazhelnikov2016_calibration.py [--firms 200000]
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

from equilibria.parallel import DaskExecutor, ProcessExecutor
from equilibria.plugins.tyazhelnikov2016.calibration import Calibration, model_log_sales


def best_of(fn, repeats):
    fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), float(np.median(ts)), value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    truth = (1.2, 0.5, 0.4, 1.3)
    data = np.exp(model_log_sales(truth, n_firms=20000, seed=99))
    theta = (1.1, 0.45, 0.35, 1.2)
    chunk = args.firms // 8
    print(f"load average {os.getloadavg()[0]:.2f}; {args.firms} simulated firms per evaluation, chunks of {chunk}")
    serial = Calibration(data, n_firms=args.firms, seed=1, chunk_size=chunk)
    t_serial = best_of(lambda: serial.objective_theta(theta), args.repeats)
    print(f"serial (kernel with 1 thread per chunk): {t_serial[0] * 1e3:.1f} ms (median {t_serial[1] * 1e3:.1f}), KL = {t_serial[2]:.6f}")
    with ProcessExecutor(2) as ex:
        procs = Calibration(data, n_firms=args.firms, seed=1, chunk_size=chunk, executor=ex)
        t_procs = best_of(lambda: procs.objective_theta(theta), args.repeats)
    print(f"2 local processes: {t_procs[0] * 1e3:.1f} ms (median {t_procs[1] * 1e3:.1f}), KL = {t_procs[2]:.6f}, "
          f"speed-up {t_serial[0] / t_procs[0]:.2f}")
    with DaskExecutor(workers=2) as ex:
        dask = Calibration(data, n_firms=args.firms, seed=1, chunk_size=chunk, executor=ex)
        t_dask = best_of(lambda: dask.objective_theta(theta), args.repeats)
    print(f"dask LocalCluster, 2 workers: {t_dask[0] * 1e3:.1f} ms (median {t_dask[1] * 1e3:.1f}), KL = {t_dask[2]:.6f}, "
          f"speed-up {t_serial[0] / t_dask[0]:.2f}")
    assert t_serial[2] == t_procs[2] == t_dask[2], "executors disagree"
    print("all three executors gave the identical objective value")


if __name__ == "__main__":
    main()
