"""kmnt2024 benchmark: planner over Domar weights vs direct SciPy over alpha; decentralized fixed point.

Run from the repository root:

    /work/venv/bin/python benchmarks/kmnt2024_planner.py            # all sizes
    /work/venv/bin/python benchmarks/kmnt2024_planner.py 10 50 200  # some sizes
    /work/venv/bin/python benchmarks/kmnt2024_planner.py 40 --direct-max=40  # direct SciPy up to n = 40

Economies: ``random_arrays(seed=0, n, curvature=10, share_floor=0.5)`` (dense negative definite H_i,
rho = 3). Reported (wall clock, median of ``repeats``):

* ``setup``: the one-time Cholesky inversion of the n Hessians (``QuadraticTechnology``);
* ``planner``: Newton over Domar weights (eq. 15) given the inverses;
* ``equilibrium``: decentralized Newton on risk-adjusted prices (exact Jacobian), and, for small n,
  the core's ``hybr`` (finite-difference Jacobian) on the same Economy;
* ``direct``: SciPy SLSQP over the n^2 entries of alpha with the exact gradient, where it finishes
  (n <= DIRECT_MAX, default 30); ratio = direct / (setup + planner). Both run with single-threaded
  OpenBLAS (``single_threaded_blas``), which our solvers use internally.
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import time

import numpy as np

from equilibria.blas import single_threaded_blas
from equilibria.plugins.kmnt2024.direct import solve_direct
from equilibria.plugins.kmnt2024.equilibrium import NetworkEconomy
from equilibria.plugins.kmnt2024.model import Model
from equilibria.plugins.kmnt2024.planner import DomarPlanner
from equilibria.plugins.kmnt2024.random_economy import random_arrays
from equilibria.plugins.kmnt2024.technology import QuadraticTechnology

DIRECT_MAX = 30
HYBR_MAX = 50


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(sizes, direct_max=DIRECT_MAX):
    print(f"# python {platform.python_version()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print("| n | setup (s) | planner (s) | Newton steps | equilibrium newton (s) | steps | hybr (s) | "
          "direct SLSQP (s) | direct / (setup + planner) | efficiency gap | W_planner - W_direct |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        repeats = 3
        a = random_arrays(0, n, curvature=10.0, share_floor=0.5)
        t_setup, tech = timed(lambda: QuadraticTechnology(a["hessians"], a["ideal_shares"]), repeats)
        model = Model(a["mu"], a["sigma"], a["beta"], a["rho"], a["alpha_bar"], tech)
        t_plan, plan = timed(lambda: DomarPlanner(model).solve(), repeats)
        t_eq, eq = timed(lambda: NetworkEconomy(model).solve(), repeats)
        gap = float(np.abs(eq.aggregates["network"] - plan.allocation["network"]).max())
        hybr = "—"
        if n <= HYBR_MAX:
            t_h, eqh = timed(lambda: NetworkEconomy(model).solve(method="hybr", tol=1e-10), 1)
            hybr = f"{t_h:.3f} ({eqh.report.evaluations} evals)"
        direct, ratio, dw = "—", "—", "—"
        if n <= direct_max:
            with single_threaded_blas():  # same threading as our solver, for a fair comparison
                t_d, (alpha_d, w_d, info) = timed(lambda: solve_direct(model, maxiter=5000), 1)
            direct = f"{t_d:.3f}" + ("" if info["success"] else " (failed)")
            ratio = f"{t_d / (t_setup + t_plan):.0f}x"
            dw = f"{plan.objective - w_d:+.1e}"
        print(f"| {n} | {t_setup:.3f} | {t_plan:.3f} | {plan.report.iterations} | {t_eq:.3f} | "
              f"{eq.report.iterations} | {hybr} | {direct} | {ratio} | {gap:.1e} | {dw} |", flush=True)
        del tech, model, a


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--direct-max=")]
    limit = [int(a.split("=")[1]) for a in sys.argv[1:] if a.startswith("--direct-max=")]
    main([int(x) for x in args] or [5, 10, 20, 30, 50, 200, 500], *(limit[:1]))
