"""Benchmark: one step of the entrepreneur's non-concave EGM (Yu 2019, eq. 2.23-2.24) at the default grids.

The work: the choice-specific values and savings of every next capital k'_j at every state
(n_z = 5, n_k = 55, n_a = 25; 55 choices), i.e. for each (z, k') an EGM in a' with the upper
envelope over folded segments, evaluated at every (k, a). Inputs are a continuation with a
non-concave value and non-monotone marginal value, so envelopes are exercised.

Ours: the plugin's ``entrepreneur.choice_values``, i.e. the core's non-concave EGM step
``equilibria.household.envelope_values`` (Cython kernel ``equilibria.ext.envelope_egm``, which
visits only the segments that can cover each point) with the plugin's layout of the (z, k'_j)
branches; its NumPy twin; one iteration of the brute-force VFI reference (a' on a 500-point grid). The alternative a user
would write: the same loop in numba, run in the separate benchmark environment
(``/work/benchvenv``) through a subprocess of this script on identical inputs (an .npz file); its
answer must equal ours before timings count. Run::

    /work/venv/bin/python benchmarks/yu2019_reallocation_kernel.py [--repeat 7] [--bench-python /work/benchvenv/bin/python]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def _numba_values(path, repeat):
    import numba

    @numba.njit(cache=False)
    def values_of(cont, cont_marginal, resources, cost, assets, R):
        nz, nk, na = resources.shape
        value = np.full((nz, nk, na, nk), -np.inf)
        savings = np.zeros((nz, nk, na, nk))
        m_endog = np.empty(na)
        for z in range(nz):
            for j in range(nk):
                monotone = True
                for s in range(na):
                    m_endog[s] = 1.0 / (R * cont_marginal[z, j, s]) + assets[s] / R
                for s in range(na - 1):
                    if not m_endog[s + 1] > m_endog[s]:
                        monotone = False
                for k in range(nk):
                    for a in range(na):
                        m = resources[z, k, a] - cost[k, j]
                        if not m > 0:
                            continue
                        bv = np.log(m) + cont[z, j, 0]
                        ba = 0.0
                        for s in range(na - 1):
                            lo, hi = m_endog[s], m_endog[s + 1]
                            if hi == lo:
                                continue
                            if lo < hi:
                                covers = m >= lo and (m <= hi or s == na - 2)
                            else:
                                covers = m >= hi and m <= lo
                            if not covers:
                                continue
                            t = min((m - lo) / (hi - lo), 1.0)
                            anext = assets[s] + t * (assets[s + 1] - assets[s])
                            c = m - anext / R
                            if c > 0:
                                v = np.log(c) + cont[z, j, s] + t * (cont[z, j, s + 1] - cont[z, j, s])
                                if v > bv:
                                    bv, ba = v, anext
                        value[z, k, a, j] = bv
                        savings[z, k, a, j] = ba
        return value, savings

    data = np.load(path)
    args = (data["cont"], data["cont_marginal"], data["resources"], data["cost"], data["assets"], float(data["R"]))
    value, savings = values_of(*args)          # compile
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value, savings = values_of(*args)
        times.append(time.perf_counter() - start)
    np.savez(path + ".out.npz", value=value, savings=savings)
    print(json.dumps({"times": times, "numba": numba.__version__}))


def _inputs():
    from equilibria.plugins.yu2019_reallocation import entrepreneur as E
    from equilibria.plugins.yu2019_reallocation.params import ReallocationParameters

    params = ReallocationParameters()
    grids = E.build_grids(params)
    prices = E.PeriodPrices(used_price=0.91, market_lemon_share=0.064, wage=1.17, gross_rate=1.02)
    resources = E.resources_before_choice(params, grids, prices)
    cost = E.adjustment_cost(params, grids, prices)
    value, marginal = E.initial_value(resources, params.discount)
    rng = np.random.default_rng(0)
    value = value + 0.3 * np.sin(7 * grids.assets)[None, None, :]
    marginal = marginal * np.exp(0.5 * rng.standard_normal(marginal.shape))
    cont, cont_marginal = E.continuation(value, marginal, grids.transition, params.discount)
    return params, grids, prices, dict(cont=cont, cont_marginal=cont_marginal, resources=resources, cost=cost,
                                       assets=grids.assets, R=prices.gross_rate)


def _time(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = function()
        times.append(time.perf_counter() - start)
    return out, times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--bench-python", default="/work/benchvenv/bin/python")
    parser.add_argument("--numba-worker", help=argparse.SUPPRESS)
    parser.add_argument("--skip-vfi", action="store_true")
    args = parser.parse_args()
    if args.numba_worker:
        _numba_values(args.numba_worker, args.repeat)
        return
    from equilibria.plugins.yu2019_reallocation import entrepreneur as E

    params, grids, prices, inputs = _inputs()
    order = ("cont", "cont_marginal", "resources", "cost", "assets", "R")
    call = [inputs[k] for k in order]
    ours, t_kernel = _time(lambda: E.choice_values(*call), args.repeat)
    twin, t_numpy = _time(lambda: E.choice_values_numpy(*call), max(2, args.repeat // 3))
    assert np.allclose(ours[0][np.isfinite(ours[0])], twin[0][np.isfinite(twin[0])], atol=1e-12, rtol=0)
    rows = [("Cython kernel envelope_egm (ours)", t_kernel), ("NumPy twin (ours)", t_numpy)]
    if os.path.exists(args.bench_python):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "inputs.npz")
            np.savez(path, **inputs)
            done = subprocess.run([args.bench_python, __file__, "--numba-worker", path, "--repeat", str(args.repeat)],
                                  capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                raise RuntimeError(done.stderr)
            report = json.loads(done.stdout.strip().splitlines()[-1])
            other = np.load(path + ".out.npz")
            finite = np.isfinite(ours[0])
            assert np.array_equal(finite, np.isfinite(other["value"]))
            assert np.max(np.abs(ours[0][finite] - other["value"][finite])) < 1e-10, "numba disagrees"
            assert np.max(np.abs(ours[1] - other["savings"])) < 1e-10, "numba disagrees on savings"
            rows.append((f"numba {report['numba']} (same loop, all segments)", report["times"]))
    if not args.skip_vfi:
        def vfi_iteration():
            fine = np.linspace(0, grids.assets[-1], 500)
            best = np.full(inputs["resources"].shape, -np.inf)
            for z in range(best.shape[0]):
                for j in range(grids.capital.size):
                    w = np.interp(fine, grids.assets, inputs["cont"][z, j])
                    c = inputs["resources"][z][:, :, None] - inputs["cost"][:, j][:, None, None] - fine / prices.gross_rate
                    with np.errstate(divide="ignore", invalid="ignore"):
                        best[z] = np.maximum(best[z], np.where(c > 0, np.log(c) + w, -np.inf).max(axis=2))
            return best
        _, t_vfi = _time(vfi_iteration, 1)
        rows.append(("VFI reference, one iteration (a' on 500 points)", t_vfi))
    base = float(np.median(t_kernel))
    print("| work: one EGM step, n_z=5, n_k=55, n_a=25, 55 choices | median (ms) | min (ms) | × ours |")
    print("|---|---|---|---|")
    for name, times in rows:
        print(f"| {name} | {1e3 * np.median(times):.1f} | {1e3 * np.min(times):.1f} | {np.median(times) / base:.1f} |")


if __name__ == "__main__":
    main()
