"""Benchmark: what distribution costs and when it pays (serial, local processes, dask workers).

Measures, on this machine:

1. the per-task overhead of each executor: a ``map`` of many empty tasks (throughput cost per
   task) and the round trip of one ``map`` of two empty tasks (latency, paid once per parallel
   step, e.g. once per objective evaluation of a calibration);
2. one KL objective evaluation of the tyazhelnikov2016 calibration (simulate ``n`` firms in
   8 tasks, trim 5 %, compare with 20,000 data firms) for several ``n``, serially, with 2 local
   processes and with a dask ``LocalCluster`` of 2 single-threaded workers on loopback;
3. a nonparametric bootstrap of the same objective at fixed parameters (the 20,000 data firms
   resampled ``B`` times; ``equilibria.parallel.bootstrap``) for several ``B``.

Every parallel answer is checked bitwise equal to the serial one before it is reported.

Run:  OPENBLAS_NUM_THREADS=1 /work/venv/bin/python benchmarks/parallel_scaleout.py [--quick]
"""
from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import call_times, machine  # noqa: E402

from equilibria.parallel import DaskExecutor, ProcessExecutor, SerialExecutor, bootstrap  # noqa: E402
from equilibria.plugins.tyazhelnikov2016.calibration import (distance, model_log_sales,  # noqa: E402
                                                             trim_largest)

TRUTH = (1.2, 0.5, 0.4, 1.3)
THETA = (1.1, 0.45, 0.35, 1.2)


def _nothing(x):
    return x


def _kl_of_resample(sample, simulated):
    """The calibration's KL distance between a resample of the data and the simulated firms."""
    return distance(trim_largest(np.log(sample), 0.05), simulated, "kl")


def fmt(seconds):
    return f"{seconds * 1e3:.1f}"


def summary(times):
    return min(times), statistics.median(times)


def overhead(executor, n_tasks, repeats):
    throughput = call_times(lambda: executor.map(_nothing, range(n_tasks)), repeats)
    latency = call_times(lambda: executor.map(_nothing, range(2)), repeats * 5)
    return min(throughput) / n_tasks, statistics.median(throughput) / n_tasks, *summary(latency)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke run)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    repeats = 2 if args.quick else args.repeats
    firm_sizes = (20_000, 80_000) if args.quick else (20_000, 100_000, 400_000, 1_600_000)
    draw_sizes = (32, 128) if args.quick else (64, 256)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at start")
    data = np.exp(model_log_sales(TRUTH, n_firms=20_000, seed=99))

    serial = SerialExecutor()
    with ProcessExecutor(2) as procs, DaskExecutor(workers=2) as dask:
        executors = {"serial": serial, "2 processes": procs, "dask, 2 workers": dask}
        # warm the workers: imports and the kernel's first call
        for ex in executors.values():
            model_log_sales(THETA, n_firms=16_000, seed=1, chunk_size=2_000, executor=ex)

        print("\n### Overhead per task (empty tasks)\n")
        print("| executor | cost per task in a map of 400, ms (median) | round trip of a map of 2 tasks, ms (median) |")
        print("|---|---|---|")
        for name, ex in executors.items():
            if name == "serial":
                continue
            per_task, per_task_med, lat, lat_med = overhead(ex, 400, repeats)
            print(f"| {name} | {per_task * 1e3:.3f} ({per_task_med * 1e3:.3f}) | {fmt(lat)} ({fmt(lat_med)}) |")

        print("\n### Calibration objective: one KL evaluation, firms in 8 tasks\n")
        print("| firms | task, ms (serial / 8) | serial, ms | 2 processes, ms | speed-up | dask 2 workers, ms | speed-up |")
        print("|---|---|---|---|---|---|---|")
        dtrim = trim_largest(np.log(data), 0.05)
        for n in firm_sizes:
            chunk = n // 8
            values, rows = {}, {}
            for name, ex in executors.items():
                def evaluate(ex=ex):
                    sim = model_log_sales(THETA, n_firms=n, seed=1, chunk_size=chunk, executor=ex)
                    values[name] = distance(dtrim, trim_largest(sim, 0.05), "kl")
                rows[name] = summary(call_times(evaluate, repeats))
            assert values["serial"] == values["2 processes"] == values["dask, 2 workers"], values
            s, p, d = rows["serial"], rows["2 processes"], rows["dask, 2 workers"]
            print(f"| {n:,} | {s[0] / 8 * 1e3:.1f} | {fmt(s[0])} ({fmt(s[1])}) | {fmt(p[0])} ({fmt(p[1])}) | "
                  f"{s[0] / p[0]:.2f} | {fmt(d[0])} ({fmt(d[1])}) | {s[0] / d[0]:.2f} |")

        print("\n### Bootstrap of the KL objective (20,000 data firms resampled, 200,000 simulated), 16 tasks\n")
        print("| draws B | task, ms (serial / 16) | serial, ms | 2 processes, ms | speed-up | dask 2 workers, ms | speed-up |")
        print("|---|---|---|---|---|---|---|")
        simulated = trim_largest(model_log_sales(THETA, n_firms=200_000, seed=1), 0.05)
        statistic = functools.partial(_kl_of_resample, simulated=simulated)
        for draws in draw_sizes:
            values, rows = {}, {}
            for name, ex in executors.items():
                def run(ex=ex):
                    values[name] = bootstrap(ex, statistic, data, draws, seed=7, draws_per_task=draws // 16)
                rows[name] = summary(call_times(run, 2, warmup=0))
            assert np.array_equal(values["serial"], values["2 processes"])
            assert np.array_equal(values["serial"], values["dask, 2 workers"])
            s, p, d = rows["serial"], rows["2 processes"], rows["dask, 2 workers"]
            print(f"| {draws:,} | {s[0] / 16 * 1e3:.1f} | {fmt(s[0])} ({fmt(s[1])}) | {fmt(p[0])} ({fmt(p[1])}) | "
                  f"{s[0] / p[0]:.2f} | {fmt(d[0])} ({fmt(d[1])}) | {s[0] / d[0]:.2f} |")
        sd = float(np.std(values["serial"]))
        print(f"\n(bootstrap s.d. of the KL objective at B = {draw_sizes[-1]}: {sd:.2e}; all executors identical)")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.0f} s")
