"""Benchmark: the builds of the household kernels (``dcegm``, ``young``) by x86-64 level, side by side.

Like ``builds_levels.py`` for the snake kernel: every level of ``equilibria.ext.dcegm`` and
``equilibria.ext.young`` this processor runs is loaded in one process, the outputs are checked
to agree (policies to 1e-9 relative, distributions to 1e-8 absolute, about a thousandth of a
grid point's mass: the levels differ in fused multiply-adds and vector math, so not bitwise),
and the levels are timed in interleaved rounds (each round runs every build twice and times the
second call, the order rotating), one thread.  The problem is ``waugh2022_household.py``'s: CRRA 2, 7 income
states, 500 asset points; DC-EGM to 1e-8 with extrapolation every 5 steps, with one option
(general CRRA code and the exact CRRA-2 power) and with five options (logit choice, scale
0.2); then Young's stationary distribution of each to 1e-10, extrapolated and plain.

Prints one table: minimum (median) milliseconds per level and each level's minimum over the
highest level's.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/builds_household_levels.py [--rounds 9]
"""
from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import equilibria.ext as ext  # noqa: E402
from builds_levels import interleaved  # noqa: E402
from waugh2022_household import BETA, GAMMA, NA, NZ, R, setup  # noqa: E402


def load(name, path):
    """The build of kernel ``name`` at ``path`` as a separate module object."""
    fullname = f"equilibria.ext.{name}"
    loader = importlib.machinery.ExtensionFileLoader(fullname, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(fullname, path, loader=loader))
    loader.exec_module(module)
    return module


def household_solve(dcegm, grid, income, P, options, exact_power):
    """DC-EGM to 1e-8 (extrapolated every 5 steps); returns (savings, spending, values, probabilities)."""
    dcegm.set_special_powers(exact_power)
    prices = np.linspace(1.0, 1.5, options)
    marginal = np.ascontiguousarray(R * (0.1 * (R * grid[None, :] + income[:, None])) ** (-GAMMA))
    value = np.zeros_like(marginal)
    out = [np.zeros((options, NZ, NA)) for _ in range(4)]
    _, distance, _, bad = dcegm.egm_iterate(grid, income, P, prices, R, BETA, GAMMA, 0.2 if options > 1 else 1.0,
                                            options > 1, marginal, value, *out, 1e-8, 10_000, 1, 5)
    assert bad == 0 and distance < 1e-8
    dcegm.set_special_powers(True)
    return out


def stationary(young, grid, P, pi, policy, extrapolate, check_every):
    """Young's lottery distribution of ``policy`` to 1e-10."""
    savings, probabilities = policy[0], policy[3] if policy[0].shape[0] > 1 else np.ones_like(policy[0])
    index, weight = young.lottery(grid, savings)
    dist = np.ascontiguousarray(pi[:, None] * np.full(NA, 1 / NA)[None, :])
    young.stationary(index, weight, np.ascontiguousarray(probabilities), P, dist, 1e-10, 100_000, check_every, 1,
                     extrapolate)
    return [dist]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    levels = [level for level in ext.LEVELS if level in ext.supported_levels()
              and level in ext.variant_paths("dcegm") and level in ext.variant_paths("young")]
    if not levels:
        sys.exit("the household kernels are not built by level here")
    dcegm = {level: load("dcegm", ext.variant_paths("dcegm")[level]) for level in levels}
    young = {level: load("young", ext.variant_paths("young")[level]) for level in levels}
    grid, income, P, pi = setup()
    top = levels[-1]
    print(f"machine: load average {os.getloadavg()[0]:.1f}; levels: {', '.join(levels)}")
    print("| workload | " + " | ".join(f"{level} ms" for level in levels) + " | "
          + " | ".join(f"{level} / {top}" for level in levels[:-1]) + " |")
    print("|---|" + "---|" * (2 * len(levels) - 1))
    work = {}
    for options in (1, 5):
        for exact in ((False, True) if options == 1 else (False,)):
            label = f"DC-EGM, {options} option{'s' if options > 1 else ''}" + (", exact CRRA-2 power" if exact else "")
            work[label] = {level: (lambda m=dcegm[level], o=options, e=exact: household_solve(m, grid, income, P, o, e))
                           for level in levels}
        policy = household_solve(dcegm[top], grid, income, P, options, False)
        for extrapolate, check_every, mode in ((5, 5, "extrapolated"), (0, 10, "plain")):
            work[f"Young, {options} option{'s' if options > 1 else ''}, {mode}"] = {
                level: (lambda m=young[level], e=extrapolate, c=check_every: stationary(m, grid, P, pi, policy, e, c))
                for level in levels}
    for label, calls in work.items():
        outputs = {level: call() for level, call in calls.items()}
        tolerance = dict(rtol=0, atol=1e-8) if label.startswith("Young") else dict(rtol=1e-9, atol=1e-12)
        for level in levels[:-1]:
            for a, b in zip(outputs[level], outputs[top]):
                np.testing.assert_allclose(a, b, **tolerance, err_msg=f"{label}: {level} vs {top}")
        times = interleaved(calls, args.rounds)
        cells = [f"{times[level][0] * 1e3:.2f} ({times[level][1] * 1e3:.2f})" for level in levels]
        ratios = [f"{times[level][0] / times[top][0]:.2f}" for level in levels[:-1]]
        print(f"| {label} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |", flush=True)


if __name__ == "__main__":
    main()
