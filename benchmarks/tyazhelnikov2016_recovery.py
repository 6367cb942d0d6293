"""Sampling spread of the calibration's estimates (sections 5.2-5.4): fits on several simulated data sets.

For each data seed, ``--firms`` firms' sales are simulated at the true (shape, scale, tau, w) =
(1.2, 0.5, 0.4, 1.3); the calibration (KL, trim 5%, ``--sim-firms`` simulated firms with seed ``--sim-seed``,
multi-start from (1.0, 0.4, 0.3, 1.1)) is fitted and the estimate printed as a JSON line, with the
KL distance at the estimate and at the truth and every start's end point.

Run:  /work/venv/bin/python benchmarks/tyazhelnikov2016_recovery.py --firms 20000 --seeds 101 102 103
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from equilibria.plugins.tyazhelnikov2016.calibration import Calibration, model_log_sales

TRUTH = (1.2, 0.5, 0.4, 1.3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=20000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[101, 102, 103, 104, 105, 106, 107, 108])
    ap.add_argument("--measure", default="kl")
    ap.add_argument("--sim-firms", type=int, default=None, help="simulated firms (default: --firms)")
    ap.add_argument("--sim-seed", type=int, default=1, help="seed of the simulated firms (common random numbers)")
    args = ap.parse_args()
    for seed in args.seeds:
        data = np.exp(model_log_sales(TRUTH, n_firms=args.firms, seed=seed))
        cal = Calibration(data, measure=args.measure, n_firms=args.sim_firms or args.firms, seed=args.sim_seed)
        t0 = time.perf_counter()
        fit = cal.fit((1.0, 0.4, 0.3, 1.1))
        print(json.dumps({"n": args.firms, "seed": seed, "sim_firms": args.sim_firms or args.firms,
                          "sim_seed": args.sim_seed, "estimate": fit["estimate"], "distance": fit["distance"],
                          "distance_at_truth": cal.objective_theta(TRUTH), "seconds": time.perf_counter() - t0,
                          "starts": [{"w0": r["start"]["w"], "distance": r["distance"], "estimate": r["estimate"]}
                                     for r in fit["starts"]]}), flush=True)


if __name__ == "__main__":
    main()
