"""Benchmark: the Krusell–Smith economy in sequence space, ours against sequence-jacobian (SSJ) 1.0.

The economy of the ``krusell_smith`` plugin (SSJ's Krusell–Smith example with 7 income states
and 500 asset points: α = 0.11, δ = 0.025, ρ_e = 0.966, s.d. of log e 0.5, grid on [0, 200],
β and Z calibrated to r = 0.01 and Y = 1). Four workloads, each from scratch:

1. steady-state calibration (β by Brent's method on the asset market; SSJ's bracket
   (0.98/1.01, 0.999/1.01) for both),
2. the household Jacobian of A and C with respect to r and w, T = 300,
3. the general-equilibrium Jacobian dO/dZ of K, r, w, Y, C (household Jacobian included),
4. the nonlinear impulse response to dZ_t = 0.01 Z 0.9^t, T = 300 (Jacobian included).

Ours runs in this interpreter; SSJ in the benchmark environment (``/work/benchvenv``, never a
project dependency) through a subprocess of this same script. Rounds alternate between the two;
answers are compared before the table is printed. Accuracy: both Jacobians are also compared
with two-sided finite differences of whole household transition paths (ours, h = 1e-6) at a few
columns. Run::

    /work/venv/bin/python benchmarks/krusell_smith.py [--rounds 3] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

T = 300
SHOCK, PERSISTENCE = 0.01, 0.9
BRACKET = (0.98 / 1.01, 0.999 / 1.01)
CHECK_COLUMNS = (0, 10, 100)
OUTPUTS = ("K", "r", "w", "Y", "C")


def timed(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times, out


# ----------------------------------------------------------------------------------------------
# ours
# ----------------------------------------------------------------------------------------------
def run_ours(repeat):
    from equilibria.dynamics.transition import general_equilibrium_jacobian, solve_transition
    from equilibria.plugins.krusell_smith.model import KrusellSmithModel, solve_steady_state
    from equilibria.plugins.krusell_smith.params import KrusellSmithParameters

    params = KrusellSmithParameters()
    out = {}
    t, steady = timed(lambda: solve_steady_state(params, bracket=BRACKET), repeat)
    out["steady state"] = {"times": t, "beta": steady.beta}
    block, ss = steady.block, steady.household
    t, J = timed(lambda: block.jacobian(ss, T, inputs=("r", "w"), outputs=("A", "C")), repeat)
    out["household Jacobian"] = {"times": t, "J": {f"{o},{x}": J[(o, x)].tolist() for o in "AC" for x in "rw"}}

    def ge():
        model = KrusellSmithModel(params, steady=steady)
        return general_equilibrium_jacobian(model, T, outputs=OUTPUTS)
    t, G = timed(ge, repeat)
    out["GE Jacobian"] = {"times": t, "G": {o: G[(o, "Z")].tolist() for o in OUTPUTS}}

    def irf():
        model = KrusellSmithModel(params, steady=steady)
        dZ = SHOCK * model.steady_state["Z"] * PERSISTENCE ** np.arange(T)
        return solve_transition(model, {"Z": dZ}, T, tol=1e-10)
    t, path = timed(irf, repeat)
    out["nonlinear IRF"] = {"times": t, "K": path.paths["K"].tolist(), "C": path.outputs["C"].tolist(),
                            "iterations": path.report.iterations, "residual": path.report.residual_norm}
    # reference for accuracy: two-sided differences of whole paths (h = 1e-6) at a few columns
    ref = {}
    h = 1e-6
    for x in ("r", "w"):
        for s in CHECK_COLUMNS:
            up, down = np.full(T, ss.inputs[x]), np.full(T, ss.inputs[x])
            up[s] += h
            down[s] -= h
            hi, lo = block.path(ss, {x: up}).aggregates, block.path(ss, {x: down}).aggregates
            for o in ("A", "C"):
                ref[f"{o},{x},{s}"] = ((hi[o] - lo[o]) / (2 * h)).tolist()
    out["reference"] = ref
    return out


# ----------------------------------------------------------------------------------------------
# sequence-jacobian 1.0 (in /work/benchvenv)
# ----------------------------------------------------------------------------------------------
def run_ssj(repeat):
    from sequence_jacobian import create_model, hetblocks
    from sequence_jacobian.examples import krusell_smith as ks

    household = hetblocks.hh_sim.hh.add_hetinputs([ks.income, ks.make_grids])
    model = create_model([household, ks.firm, ks.mkt_clearing], name="KS")
    model_ss = create_model([household, ks.firm_ss, ks.mkt_clearing], name="KS SS")
    cal = {"eis": 1.0, "delta": 0.025, "alpha": 0.11, "rho": 0.966, "sigma": 0.5, "Y": 1.0, "L": 1.0,
           "nS": 7, "nA": 500, "amax": 200, "r": 0.01}
    out = {}
    t, ss = timed(lambda: model_ss.solve_steady_state(cal, {"beta": BRACKET}, {"asset_mkt": 0.0},
                                                      solver="brentq"), repeat)
    out["steady state"] = {"times": t, "beta": float(ss["beta"])}
    t, J = timed(lambda: household.jacobian(ss, inputs=["r", "w"], outputs=["A", "C"], T=T), repeat)
    out["household Jacobian"] = {"times": t, "J": {f"{o},{x}": np.asarray(J[o][x]).tolist()
                                                   for o in "AC" for x in "rw"}}
    t, G = timed(lambda: model.solve_jacobian(ss, ["K"], ["asset_mkt"], ["Z"], T=T), repeat)
    out["GE Jacobian"] = {"times": t, "G": {o: np.asarray(G[o]["Z"]).tolist() for o in OUTPUTS}}
    dZ = SHOCK * ss["Z"] * PERSISTENCE ** np.arange(T)

    def irf():
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()):
            return model.solve_impulse_nonlinear(ss, ["K"], ["asset_mkt"], {"Z": dZ})
    t, path = timed(irf, repeat)
    out["nonlinear IRF"] = {"times": t, "K": (np.asarray(path["K"]) + ss["K"]).tolist(),
                            "C": (np.asarray(path["C"]) + ss["C"]).tolist()}
    return out


# ----------------------------------------------------------------------------------------------
def _relative(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def compare(ours, theirs):
    """Max differences between the answers (relative to the largest entry)."""
    diff = {"steady state": abs(ours["steady state"]["beta"] - theirs["steady state"]["beta"]),
            "household Jacobian": max(_relative(ours["household Jacobian"]["J"][k], theirs["household Jacobian"]["J"][k])
                                      for k in ours["household Jacobian"]["J"]),
            "GE Jacobian": max(_relative(ours["GE Jacobian"]["G"][o], theirs["GE Jacobian"]["G"][o]) for o in OUTPUTS),
            "nonlinear IRF": max(_relative(np.array(ours["nonlinear IRF"][k]) - ours["nonlinear IRF"][k][-1],
                                           np.array(theirs["nonlinear IRF"][k]) - theirs["nonlinear IRF"][k][-1])
                                 for k in ("K", "C"))}
    accuracy = {}
    for name, J in (("ours", ours["household Jacobian"]["J"]), ("SSJ", theirs["household Jacobian"]["J"])):
        worst = 0.0
        for key, column in ours["reference"].items():
            o, x, s = key.split(",")
            worst = max(worst, _relative(np.asarray(J[f"{o},{x}"])[:, int(s)], column))
        accuracy[name] = worst
    return diff, accuracy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bench-python", default="/work/benchvenv/bin/python")
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args()
    if args.child:
        json.dump(run_ssj(args.repeat), sys.stdout)
        return
    ours, theirs = None, None
    for _ in range(args.rounds):
        mine = run_ours(args.repeat)
        proc = subprocess.run([args.bench_python, __file__, "--child", "--repeat", str(args.repeat)],
                              capture_output=True, text=True)
        try:
            other = json.loads(proc.stdout)
        except json.JSONDecodeError:
            print(proc.stderr[-3000:])
            raise
        if ours is None:
            ours, theirs = mine, other
        else:
            for pool, new in ((ours, mine), (theirs, other)):
                for k, v in new.items():
                    if "times" in v:
                        pool[k]["times"] += v["times"]
    diff, accuracy = compare(ours, theirs)
    print("| workload | ours median s | ours min s | SSJ 1.0 median s | SSJ min s | ratio (medians) | "
          "ratio (minima) | max difference |")
    print("|---|---|---|---|---|---|---|---|")
    for name in ("steady state", "household Jacobian", "GE Jacobian", "nonlinear IRF"):
        a, b = np.array(ours[name]["times"]), np.array(theirs[name]["times"])
        print(f"| {name} | {np.median(a):.3f} | {a.min():.3f} | {np.median(b):.3f} | {b.min():.3f} | "
              f"{np.median(b) / np.median(a):.1f} | {b.min() / a.min():.1f} | {diff[name]:.1e} |")
    print(f"\nhousehold Jacobian vs two-sided differences of whole paths (columns {CHECK_COLUMNS}, "
          f"max relative error): ours {accuracy['ours']:.1e}, SSJ {accuracy['SSJ']:.1e}")
    print(f"nonlinear IRF: ours {ours['nonlinear IRF']['iterations']} quasi-Newton iterations, residual "
          f"{ours['nonlinear IRF']['residual']:.1e}; samples per workload: {len(ours['steady state']['times'])}")
    print(f"steady-state beta: ours {ours['steady state']['beta']:.12f}, SSJ {theirs['steady state']['beta']:.12f}")


if __name__ == "__main__":
    main()
