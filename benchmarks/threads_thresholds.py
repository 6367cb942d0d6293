"""Benchmark: where a kernel call starts to gain from a team of threads (``equilibria.threads``).

For each kernel with an OpenMP loop, calls of growing size are timed with an explicit
``threads=1`` and ``threads=2`` (every CPU of this 2-CPU machine) in interleaved rounds, and with
the automatic choice (``threads=0``: one thread below the kernel's ``PARALLEL_MIN_WORK``, the
threads setting above).  ``--busy N`` starts N busy-looping processes first (a shared machine
under load), which is where waking a team for a small call costs most.

Kernels and their unit of work:

* ``logit``: rows x choices (``equilibria.ext.logit``);
* ``tyaz_dp``: min-plus operations F * N * M^2 (snake, N = 10, M = 5, (N, M, F) layout);
* ``kmnt_inverse``: m * n^3 for m matrices of size n (n = 64);
* ``dcegm`` / ``young``: one household solve / stationary distribution of the Waugh (2022)
  household at grid sizes n (their ``threads`` argument; the kernels themselves have no
  threshold, this measures where one would go).

Prints one table per kernel: work, one thread, two threads, automatic (minimum and median
microseconds) and the ratio two threads / one thread.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/threads_thresholds.py [--busy 1] [--rounds 30]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import time

import numpy as np


def spin(stop):
    while not stop.is_set():
        pass


def interleaved(calls, rounds):
    names = list(calls)
    times = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            t0 = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - t0)
    return {name: (min(ts), float(np.median(ts))) for name, ts in times.items()}


def table(title, unit, rows, rounds):
    print(f"\n{title}\n")
    print(f"| {unit} | 1 thread µs | 2 threads µs | automatic µs | 2 threads / 1 thread (min) |")
    print("|---|---|---|---|---|")
    for work, make in rows:
        calls = make()
        for call in calls.values():
            call()  # warm
        t = interleaved(calls, rounds)
        cell = lambda k: f"{t[k][0] * 1e6:.1f} ({t[k][1] * 1e6:.1f})"  # noqa: E731
        auto = cell("auto") if "auto" in t else "--"
        print(f"| {work:,} | {cell('one')} | {cell('two')} | {auto} | {t['two'][0] / t['one'][0]:.2f} |", flush=True)


def logit_rows():
    from equilibria.ext import logit

    rng = np.random.default_rng(0)
    for rows, m in ((3, 3), (1024, 4), (2048, 4), (4096, 4), (8192, 4), (16384, 4), (65536, 4), (262144, 4)):
        values = rng.normal(size=(rows, m))
        yield rows * m, lambda v=values: {k: (lambda n=n: logit.logit(v, 0.5, n)) for k, n in
                                            (("one", 1), ("two", 2), ("auto", 0))}


def tyaz_rows():
    from equilibria.ext import tyaz_dp
    from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem

    N, M = 10, 5
    rng = np.random.default_rng(1)
    T = rng.random((M, M))
    np.fill_diagonal(T, 0.0)
    snake = FirmProblem.create(N, T, 1.0)
    args = (snake.step, snake.trade_costs, snake.technology.sorted_parents, snake.final, False)
    for F in (128, 512, 2048, 4096, 8192, 16384, 65536):
        costs = np.ascontiguousarray(rng.random((N, M, F)))

        def make(c=costs):
            return {k: (lambda n=n: tyaz_dp.solve_tree_batch(c, *args, threads=n, firms_last=True))
                    for k, n in (("one", 1), ("two", 2), ("auto", 0))}
        yield F * N * M * M, make


def kmnt_rows():
    from equilibria.blas import single_threaded_blas_global
    from equilibria.ext import kmnt_inverse

    n = 64
    rng = np.random.default_rng(2)
    for m in (1, 2, 4, 8, 16, 64):
        A = rng.normal(size=(m, n, n))
        H = -(A @ A.transpose(0, 2, 1) + n * np.eye(n))
        out = np.empty_like(H)
        status = np.zeros(m, dtype=np.intc)

        def make(H=H, out=out, status=status):
            def call(k):
                with single_threaded_blas_global():
                    kmnt_inverse.invert_negative_definite(H, out, status, k)
            return {k: (lambda n=n: call(n)) for k, n in (("one", 1), ("two", 2), ("auto", 0))}
        yield m * n ** 3, make


def household_rows():
    from equilibria.household import egm
    from equilibria.household import distribution

    for n in (50, 100, 200, 400, 800):
        grid = np.linspace(-1.0, 40.0, n)
        income = np.array([0.6, 1.0, 1.6])
        P = np.array([[0.8, 0.15, 0.05], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]])
        prices = np.array([1.0, 1.1])
        sol = egm.solve_household(grid, income, P, prices, 1.01, 0.95, 2.0, 0.1)

        def make(grid=grid, income=income, P=P, prices=prices, sol=sol):
            def egm_call(k):
                egm.solve_household(grid, income, P, prices, 1.01, 0.95, 2.0, 0.1, guess=(sol.marginal, sol.value),
                                    threads=k)
            return {"one": lambda: egm_call(1), "two": lambda: egm_call(2)}
        yield n * 3, make


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--busy", type=int, default=0, help="busy-looping processes to start first")
    parser.add_argument("--kernels", nargs="+", default=["logit", "tyaz_dp", "kmnt_inverse", "dcegm"])
    args = parser.parse_args()
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=spin, args=(stop,), daemon=True) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    try:
        model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                     "?") if os.path.exists("/proc/cpuinfo") else "?"
        print(f"machine: {model}, {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}, "
              f"{args.busy} busy loops started; times: minimum (median) over {args.rounds} interleaved rounds")
        sections = {"logit": ("logit kernel", "rows x choices", logit_rows),
                    "tyaz_dp": ("snake kernel, N = 10, M = 5", "F N M^2", tyaz_rows),
                    "kmnt_inverse": ("batched Cholesky inverse, n = 64", "m n^3", kmnt_rows),
                    "dcegm": ("household DC-EGM solve from a converged guess (2 varieties, 3 states)", "grid x states",
                              household_rows)}
        for name in args.kernels:
            title, unit, rows = sections[name]
            table(title, unit, rows(), args.rounds)
    finally:
        stop.set()
        for p in spinners:
            p.join()


if __name__ == "__main__":
    main()
