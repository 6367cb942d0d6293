"""Benchmark: the builds of the snake/tree kernel by x86-64 level, side by side.

``equilibria.ext.tyaz_dp`` is compiled once per level (``baseline``, ``avx2``, ``avx512``;
``ext/__init__.py`` loads the highest the processor runs).  This script loads every level this
processor runs -- and any other build of the same kernel given with ``--other NAME=PATH`` (e.g.
one compiled with ``-march=native``) -- checks that all give bitwise identical outputs, and times
them in interleaved rounds (each round runs every build twice and times the second call, the
order rotating), one thread, 100,000 firms, N = 10, unit costs, preallocated outputs:

* ``(F,N,M)`` and ``(N,M,F)``: the two cost layouts, full outputs;
* ``MC only``: ``(N,M,F)`` with ``stats=False``.

Prints a table per workload: minimum (median) milliseconds per build and the ratio of each
build's minimum to the first build's.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/builds_levels.py [--rounds 15] [--levels avx512]
          [--other native=/tmp/x.so]
"""
from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import os
import platform
import time

import numpy as np

import equilibria.ext as ext
from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem


def load(path):
    """A build of the kernel from ``path`` under its module name, as a separate module object (the
    imported kernel itself if it was loaded from ``path``: a file loads once per process)."""
    from equilibria.ext import tyaz_dp

    if os.path.samefile(tyaz_dp.__file__, path):
        return tyaz_dp
    loader = importlib.machinery.ExtensionFileLoader("equilibria.ext.tyaz_dp", path)
    spec = importlib.util.spec_from_file_location("equilibria.ext.tyaz_dp", path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def builds(others, levels=None):
    found = {}
    runs = set(ext.supported_levels()) & set(levels or ext.LEVELS)
    for level, path in sorted(ext.variant_paths("tyaz_dp").items(), key=lambda kv: -ext.LEVELS.index(kv[0])):
        if level in runs:
            found[level] = load(path)
    for item in others:
        name, _, path = item.partition("=")
        found[name] = load(path)
    return found


def snake_inputs(F, N, M):
    """Costs (F, N, M) in [0.1, 1.1) and the kernel's other arguments for a snake with unit trade costs."""
    rng = np.random.default_rng(M)
    costs = 0.1 + rng.random((F, N, M))
    trade = 0.5 * rng.random((M, M)) * (1.0 - np.eye(M))
    snake = FirmProblem.create(N, trade, 1.0)
    return costs, (snake.step, snake.trade_costs, snake.technology.sorted_parents, snake.final, False)


def interleaved(calls, rounds):
    names = list(calls)
    times = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            calls[name]()
            t0 = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - t0)
    return {name: (min(ts), float(np.median(ts))) for name, ts in times.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 5, 10, 20])
    parser.add_argument("--other", action="append", default=[], metavar="NAME=PATH",
                        help="another build of equilibria.ext.tyaz_dp to time alongside")
    parser.add_argument("--levels", nargs="+", choices=ext.LEVELS, default=None, help="levels to time (default: all)")
    args = parser.parse_args()
    modules = builds(args.other, args.levels)
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
    print(f"machine: {model}, {os.cpu_count()} cpus, load average {os.getloadavg()[0]:.1f}; "
          f"builds: {', '.join(f'{n} ({m.SIMD})' for n, m in modules.items())}")
    F, N = args.firms, 10
    names = list(modules)
    print("| M | workload | " + " | ".join(f"{n} ms" for n in names) + " | "
          + " | ".join(f"{n} / {names[0]}" for n in names[1:]) + " |")
    print("|---|---|" + "---|" * (2 * len(names) - 1))
    for M in args.sizes:
        costs, base = snake_inputs(F, N, M)
        costs_t = np.ascontiguousarray(costs.transpose(1, 2, 0))
        workloads = {"(F,N,M)": dict(data=costs, firms_last=False, stats=True),
                     "(N,M,F)": dict(data=costs_t, firms_last=True, stats=True),
                     "MC only (N,M,F)": dict(data=costs_t, firms_last=True, stats=False)}
        for label, w in workloads.items():
            outs = {n: m.solve_tree_batch(w["data"], *base, threads=1, firms_last=w["firms_last"], stats=w["stats"])
                    for n, m in modules.items()}
            first = outs[names[0]]
            keys = ("mc", "path", "ntmc", "tq", "trade_cost", "final_cost", "crossings") if w["stats"] else ("mc",)
            for n in names[1:]:
                for key in keys:
                    assert np.array_equal(outs[n][key], first[key]), f"{n} differs from {names[0]} in {key}"
            calls = {n: (lambda m=m, o=outs[n], w=w: m.solve_tree_batch(w["data"], *base, threads=1, out=o,
                                                                        firms_last=w["firms_last"], stats=w["stats"]))
                     for n, m in modules.items()}
            t = interleaved(calls, args.rounds)
            cells = [f"{t[n][0] * 1e3:.2f} ({t[n][1] * 1e3:.2f})" for n in names]
            ratios = [f"{t[n][0] / t[names[0]][0]:.2f}" for n in names[1:]]
            print(f"| {M} | {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |", flush=True)


if __name__ == "__main__":
    main()
