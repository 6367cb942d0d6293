"""techcompat at WIOD size: 15 regions x 19 sectors x 101 technology points.

Workloads
* the general equilibrium (``solve``): wages clearing 15 labor markets around the technology
  equilibrium (Anderson-accelerated) -- goal: under a minute;
* the embargo experiment with its four columns (fixed, sector, region, all) plus the baseline --
  goal: under five minutes;
* the quadratic-normal solver against the full one (time, and the largest differences);
* the technology equilibrium at given wages: Anderson acceleration against plain fixed-point
  iteration, the loop a user writing this model would start with (answers checked equal first).

No library solves this model; the alternatives are the plain iteration and the quadratic-normal
approximation. Run: ``python benchmarks/techcompat_solve.py [--repeats R] [--points K]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import machine  # noqa: E402

from equilibria.plugins.techcompat.embargo import EmbargoParameters, run_embargo  # noqa: E402
from equilibria.plugins.techcompat.equilibrium import solve_equilibrium  # noqa: E402
from equilibria.plugins.techcompat.model import Model  # noqa: E402
from equilibria.plugins.techcompat.random_economy import random_parameters  # noqa: E402
from equilibria.plugins.techcompat.technology import solve_technology  # noqa: E402


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=15)
    parser.add_argument("--sectors", type=int, default=19)
    parser.add_argument("--points", type=int, default=101)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-embargo", action="store_true")
    args = parser.parse_args()
    params = random_parameters(args.regions, args.sectors, seed=0, tech_points=args.points)
    model = Model.from_parameters(params)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f} at start")
    print(f"economy: {args.regions} regions x {args.sectors} sectors x {args.points} technology points")

    # technology equilibrium at given wages: Anderson vs plain iteration (same answer first)
    wages = np.linspace(1.0, 0.8, args.regions)
    fast = solve_technology(model, wages)
    plain = solve_technology(model, wages, memory=0, maxiter=20000)
    gap = float(np.max(np.abs(fast.log_cost - plain.log_cost)))
    gap_choice = float(np.max(np.abs(fast.choice - plain.choice)))
    assert gap < 1e-8 and gap_choice < 1e-8, (gap, gap_choice)
    t_fast, t_plain = [], []
    for _ in range(args.repeats):   # interleaved rounds
        t_fast.append(timed(lambda: solve_technology(model, wages))[0])
        t_plain.append(timed(lambda: solve_technology(model, wages, memory=0, maxiter=20000))[0])
    print("\n| technology equilibrium at given wages | median s | min s | iterations |")
    print("|---|---|---|---|")
    print(f"| Anderson (ours) | {statistics.median(t_fast):.3f} | {min(t_fast):.3f} | {fast.iterations} |")
    print(f"| plain fixed-point iteration | {statistics.median(t_plain):.3f} | {min(t_plain):.3f} | {plain.iterations} |")
    print(f"(answers agree to {max(gap, gap_choice):.1e})")

    # general equilibrium, full and quadratic-normal
    full_t, quad_t = [], []
    for _ in range(args.repeats):
        t, full = timed(lambda: solve_equilibrium(model))
        full_t.append(t)
        t, quad = timed(lambda: solve_equilibrium(model, technology="quadratic"))
        quad_t.append(t)
    mean_f, sd_f = full.aggregates["technology"].moments(model)
    mean_q, sd_q = quad.aggregates["technology"].moments(model)
    print("\n| general equilibrium | median s | min s | evaluations |")
    print("|---|---|---|---|")
    print(f"| full technology equilibrium | {statistics.median(full_t):.2f} | {min(full_t):.2f} | "
          f"{full.report.evaluations} |")
    print(f"| quadratic-normal technology | {statistics.median(quad_t):.2f} | {min(quad_t):.2f} | "
          f"{quad.report.evaluations} |")
    print(f"max |difference| quadratic-normal vs full: wages "
          f"{np.max(np.abs(quad.prices['wages'] - full.prices['wages'])):.2e}, ln U "
          f"{np.max(np.abs(quad.aggregates['accounts'].log_welfare - full.aggregates['accounts'].log_welfare)):.2e}, "
          f"tech mean {np.max(np.abs(mean_q - mean_f)):.2e}, tech sd {np.max(np.abs(sd_q - sd_f)):.2e} "
          f"(technology moved up to {np.max(np.abs(mean_f - params.tech_mean)):.3f})")

    if not args.skip_embargo:
        embargo = EmbargoParameters(**params.to_dict(jsonable=False), embargo_buyer=1, embargo_sector=2,
                                    embargo_origins=[0, 3, 4])
        t, (base, columns, _) = timed(lambda: run_embargo(embargo))
        u0 = base.aggregates["accounts"].log_welfare
        print("\n| embargo experiment (baseline + 4 columns) | s |")
        print("|---|---|")
        print(f"| one run | {t:.1f} |")
        print("buyer's 100 dlnU: " + ", ".join(f"{c} {100 * (eq.aggregates['accounts'].log_welfare[1] - u0[1]):.4f}"
                                               for c, eq in columns.items()))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
