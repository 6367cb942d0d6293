"""Identification of tau in the calibration (sections 5.2-5.4): profile of the objective along tau.

Data: ``--firms`` firms' sales simulated at the true (shape, scale, tau, w) = (1.2, 0.5, 0.4, 1.3)
with seed ``--data-seed``; the model simulates ``--firms`` firms with seed 1 (common random numbers).
With ``--data-seed 1`` the data are the model's own draws, so there is no sampling noise: the
objective is exactly zero at the truth and the profile shows the pure curvature along tau.
For each tau on the grid, (shape, scale, w) are re-optimised (Nelder-Mead from the truth).

Run:  /work/venv/bin/python benchmarks/tyazhelnikov2016_tau_profile.py --measure kl --firms 20000
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from equilibria.plugins.tyazhelnikov2016.calibration import Calibration, model_log_sales
from equilibria.plugins.tyazhelnikov2016.identification import profile

TRUTH = (1.2, 0.5, 0.4, 1.3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=20000)
    ap.add_argument("--sim-firms", type=int, default=None, help="simulated firms (default: --firms)")
    ap.add_argument("--measure", default="kl")
    ap.add_argument("--data-seed", type=int, default=99)
    ap.add_argument("--trim", type=float, default=0.05, help="share of the largest firms dropped (section 5.4)")
    ap.add_argument("--grid", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0])
    ap.add_argument("--json", default=None, help="write the rows to this file")
    args = ap.parse_args()
    data = np.exp(model_log_sales(TRUTH, n_firms=args.firms, seed=args.data_seed))
    cal = Calibration(data, measure=args.measure, trim=args.trim, n_firms=args.sim_firms or args.firms, seed=1)
    t0 = time.perf_counter()
    rows = profile(cal, "tau", args.grid, TRUTH)
    print(f"# measure {args.measure}, {args.firms} data firms (seed {args.data_seed}), "
          f"{args.sim_firms or args.firms} simulated (seed 1), trim {args.trim}; {time.perf_counter() - t0:.0f} s; "
          f"objective at the truth {cal.objective_theta(TRUTH):.3g}")
    print("| tau | min distance | shape | scale | w | evaluations |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        e = r["estimate"]
        print(f"| {r['tau']:.2f} | {r['distance']:.3g} | {e['shape']:.3f} | {e['scale']:.3f} | {e['w']:.3f} | "
              f"{r['evaluations']} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"args": vars(args), "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
