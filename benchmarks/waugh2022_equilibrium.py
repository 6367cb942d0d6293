"""Benchmark: full stationary equilibrium of the heterogeneous-agent waugh2022 model, M = 1, 2, 5, 10.

M = 1 is the Huggett economy (brentq on R; globalization and autarky coincide).

Economies: the baseline household calibration (``calibration.py``: γ 2, β 0.92, 5 Rouwenhorst
states, 150 asset points, σ_ε 0.25) with M countries whose productivity and labor are drawn
from a seeded RNG (A in [0.8, 1.2], L in [0.5, 2]) and trade costs d_ij = 1.3 + 0.5 u_ij
(u uniform). Equilibrium tolerance 1e-9 (max relative excess demand); household tolerance
1e-11, distribution 1e-13. Each household solve is warm-started from the previous evaluation.
Run::

    /work/venv/bin/python benchmarks/waugh2022_equilibrium.py [--sizes 2 5 10] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from equilibria.plugins.waugh2022.calibration import HeterogeneousParameters
from equilibria.plugins.waugh2022.stationary import solve_stationary


def economy(m: int, financial: str) -> HeterogeneousParameters:
    rng = np.random.default_rng(m)
    costs = 1.3 + 0.5 * rng.uniform(size=(m, m))
    np.fill_diagonal(costs, 1.0)
    return HeterogeneousParameters(productivity=rng.uniform(0.8, 1.2, m), labor=rng.uniform(0.5, 2.0, m),
                                   trade_costs=costs, financial=financial)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 5, 10])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print("| M | bond market | unknowns | residual evaluations | seconds (median) | seconds (min) | "
          "ms per evaluation | max residual |")
    print("|---|---|---|---|---|---|---|---|")
    for m in args.sizes:
        for financial in ("globalization", "autarky"):
            params = economy(m, financial)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                econ, eq = solve_stationary(params)
                times.append(time.perf_counter() - start)
            rep = eq.report
            unknowns = econ.pack(econ.price_guess).size
            print(f"| {m} | {financial} | {unknowns} | {rep.evaluations} | {np.median(times):.2f} | "
                  f"{min(times):.2f} | {1e3 * min(times) / rep.evaluations:.1f} | {rep.residual_norm:.1e} |",
                  flush=True)


if __name__ == "__main__":
    main()
