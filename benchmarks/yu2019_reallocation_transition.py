"""Benchmark: the 150-period perfect-foresight transition of the full reallocation model (Yu 2019, section 2.5.2).

The work: from the stationary equilibrium at Table 2.1's parameters (default grids: 5 × 55 × 25
states, 55 capital choices), TFP 1.00% and 0.90% below normal in the first two periods; price
paths (p, λ_M, w, R) over T = 150 periods that clear the four conditions of Definition 1 in
every period to 1e-7.

Ours: :class:`equilibria.plugins.yu2019_reallocation.transition.ReallocationTransition` — the
sequence-space Jacobian by the fake-news algorithm (one backward pass of T Bellman steps per
input, 5 inputs), the linear transition, then quasi-Newton iterations of the core's
``solve_transition`` from the linear solution. The alternative a user of the core would reach
for without sequence-space derivatives: the core's ``finite_difference_jacobian`` (two
evaluations of the whole path per input and period, 2 × 5 × T of them); one of its columns is
timed and checked against the fake-news column, the whole is extrapolated from that column (the
full computation would take hours). The stationary equilibrium is solved first (or read from
``--cache``) and timed apart. Run::

    /work/venv/bin/python benchmarks/yu2019_reallocation_transition.py [--periods 150] [--cache /tmp/realloc_ss.npz]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _timing import machine  # noqa: E402


def stationary(cache):
    from equilibria.plugins.yu2019_reallocation.entrepreneur import PeriodPrices
    from equilibria.plugins.yu2019_reallocation.params import ReallocationParameters
    from equilibria.plugins.yu2019_reallocation.stationary import solve_stationary

    params = ReallocationParameters()
    if cache and os.path.exists(cache):
        data = np.load(cache)
        prices = PeriodPrices(**{k: float(data[k]) for k in ("used_price", "market_lemon_share", "wage",
                                                             "gross_rate", "tfp")})
        return params, prices, data["value"], data["marginal"], data["distribution"], None
    start = time.perf_counter()
    eq = solve_stationary(params)
    seconds = time.perf_counter() - start
    if cache:
        np.savez(cache, value=eq.policy.value, marginal=eq.policy.marginal, distribution=eq.distribution,
                 **{k: getattr(eq.prices, k) for k in ("used_price", "market_lemon_share", "wage", "gross_rate",
                                                      "tfp")})
    return params, eq.prices, eq.policy.value, eq.policy.marginal, eq.distribution, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--periods", type=int, default=150)
    parser.add_argument("--tol", type=float, default=1e-7)
    parser.add_argument("--cache", default="", help="npz file of the stationary equilibrium (written if missing)")
    parser.add_argument("--fd-column", type=int, default=10, help="period of the finite-difference column timed")
    args = parser.parse_args()

    from equilibria.dynamics import linear_transition, solve_transition
    from equilibria.plugins.yu2019_reallocation.transition import ReallocationTransition, tfp_path

    T = args.periods
    params, prices, value, marginal, dist, stationary_seconds = stationary(args.cache)
    start = time.perf_counter()
    model = ReallocationTransition(params, prices, value, marginal, dist)
    build = time.perf_counter() - start

    start = time.perf_counter()
    J = model.jacobian(T)
    jacobian = time.perf_counter() - start

    shocks = {"tfp": tfp_path(T) - model.steady_state["tfp"]}
    start = time.perf_counter()
    linear = linear_transition(model, shocks, T, jacobian=J)
    linear_seconds = time.perf_counter() - start

    start = time.perf_counter()
    path = solve_transition(model, shocks, T, tol=args.tol, jacobian=J,
                            guess={u: linear.paths[u] for u in model.unknowns})
    nonlinear = time.perf_counter() - start
    evaluations = path.report.iterations + 1
    total = build + jacobian + linear_seconds + nonlinear

    # the alternative: one column of the core's finite_difference_jacobian, the same two-sided
    # difference of whole paths (two evaluations)
    s = min(args.fd_column, T - 1)

    start = time.perf_counter()
    up, down = model.steady_paths(T), model.steady_paths(T)
    h = 1e-6 * max(1.0, model.steady_state["used_price"])
    up["used_price"] = up["used_price"].copy()
    up["used_price"][s] += h
    down["used_price"] = down["used_price"].copy()
    down["used_price"][s] -= h
    hi, lo = model.evaluate(up, T), model.evaluate(down, T)
    column = {o: (hi[o] - lo[o]) / (2 * h) for o in model.targets}
    fd_column_seconds = time.perf_counter() - start
    fd_estimate = fd_column_seconds * len(model.unknowns + model.exogenous) * T
    agreement = max(float(np.max(np.abs(column[o] - J[(o, "used_price")][:, s])))
                    / max(1e-12, float(np.max(np.abs(column[o])))) for o in model.targets)

    out = {
        "machine": machine(), "load_average": os.getloadavg()[0], "periods": T, "tolerance": args.tol,
        "stationary_seconds": stationary_seconds, "model_seconds": build, "jacobian_seconds": jacobian,
        "linear_seconds": linear_seconds, "nonlinear_seconds": nonlinear, "path_evaluations": evaluations,
        "total_seconds": total, "residual": path.report.residual_norm, "history": path.report.history,
        "fd_column_seconds": fd_column_seconds, "fd_jacobian_estimate_seconds": fd_estimate,
        "fd_vs_fake_news_relative": agreement,
        "linear_minus_nonlinear_price": float(np.max(np.abs(linear.paths["used_price"] - path.paths["used_price"]))),
    }
    print(json.dumps(out, indent=1))
    print(f"\n| work (T = {T}) | ours (s) | alternative (s) | ratio |\n|---|---|---|---|")
    print(f"| sequence-space Jacobian, 4 targets × 5 inputs | {jacobian:.1f} (fake news) | "
          f"{fd_estimate:.0f} (core finite differences, extrapolated from one column of {fd_column_seconds:.1f} s) | "
          f"{fd_estimate / jacobian:.0f}× |")
    print(f"| nonlinear transition from the linear solution ({evaluations} path evaluations) | {nonlinear:.1f} | | |")
    print(f"| whole transition (model, Jacobian, linear, nonlinear) | {total:.1f} | target 120 | "
          f"{'met' if total < 120 else 'missed'} |")
    if not path.report.residual_norm < args.tol:
        raise SystemExit("the transition did not clear every market to the tolerance")
    if not agreement < 1e-3:
        raise SystemExit(f"finite-difference column differs from the fake-news column ({agreement:.1e})")


if __name__ == "__main__":
    main()
