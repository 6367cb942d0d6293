"""Benchmark: the inventory model of Yu (2019), chapter 1 (plugin ``yu2019_inventories``).

Workloads:

* Calvo model, one solve at new parameters (the estimation inner loop: steady state A.3, the
  model file's linearization and QZ, impulse responses);
* the linear rational-expectations solve alone on the Calvo model's linearized system: ours
  (``equilibria.dynamics.qz.solve_linear``) against linearsolve 3.6 (``linearsolve.klein``), run in
  ``/work/benchvenv`` through a subprocess of this script on the same matrices (saved to a
  temporary ``.npz``), the policy matrices checked equal before timing, rounds interleaved;
* a full impulse-response-matching estimation of the Calvo model on the shipped synthetic sample;
* a VAR bootstrap of 5,000 draws (serial executor);
* the RI model: equilibria at Table 1.1 (zero attention) and with attention (μ = 0.00003), at cached
  and at new parameters, and the sensitivity tables (Tables 1.4-1.5, ten equilibria).

Run::

    /work/venv/bin/python benchmarks/yu2019_inventories_solve.py [--repeat 7] [--rounds 3] [--quick]

Prints Markdown tables (medians and minima).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def klein_form(A, B, C, state_index):
    """``a E w(t+1) = b w(t)``, ``w = [x_states(t-1); x(t)]``: linearsolve's form of our system."""
    n, ns = A.shape[0], len(state_index)
    a = np.zeros((n + ns, ns + n))
    b = np.zeros((n + ns, ns + n))
    a[:n, ns:] = A
    b[:n, :ns] = -C[:, state_index]
    b[:n, ns:] = -B
    a[n:, :ns] = np.eye(ns)
    b[n + np.arange(ns), ns + np.asarray(state_index)] = 1.0
    return a, b


def _time(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return out, times


def alternative(path, repeat):
    """Run in /work/benchvenv: linearsolve.klein on the saved system; print policy and times as JSON."""
    import linearsolve

    data = np.load(path)
    a, b, ns = data["a"], data["b"], int(data["ns"])
    (f, n, p, l, stab, eig), times = _time(lambda: linearsolve.klein(a=a, b=b, n_states=ns,
                                                                    eigenvalue_warnings=False), repeat)
    print(json.dumps({"f": np.real(f).tolist(), "stab": int(stab), "times": times}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bench-python", default="/work/benchvenv/bin/python")
    parser.add_argument("--alternative", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="skip the estimation and the sensitivity table")
    args = parser.parse_args()
    if args.alternative:
        return alternative(args.alternative, args.repeat)

    from equilibria.dynamics.qz import solve_linear as qz_solve
    from equilibria.econometrics import bootstrap_irfs, fit_var, weighted_block_covariance
    from equilibria.plugins.yu2019_inventories import estimation as est
    from equilibria.plugins.yu2019_inventories.model import compiled_model, linearize
    from equilibria.plugins.yu2019_inventories.params import InventoryParameters
    from equilibria.plugins.yu2019_inventories.ri_equilibrium import cached_economy, solve_ri

    compiled_model()
    calvo = InventoryParameters(firms="calvo")
    rows = []

    # 1. one Calvo solve at new parameters (as in the estimation's criterion)
    draws = np.random.default_rng(0).uniform(size=(args.repeat, 3))
    k = iter(range(10 ** 6))

    def one_solve():
        d = draws[next(k) % args.repeat]
        return est.model_responses(calvo.replace(xi_p=0.4 + 0.4 * d[0], xi_w=0.1 + 0.6 * d[1], alpha=0.8 + 0.2 * d[2]))

    _, t = _time(one_solve, args.repeat)
    rows.append(("Calvo: steady state + linearization + QZ + IRF at new parameters", t, None, None))

    # 2. linear solve alone, ours vs linearsolve on identical matrices
    model, _, system = linearize(calvo)
    A, B, C, D = system.A, system.B, system.C, system.D
    a, b = klein_form(A, B, C, model.state_index)
    ours_t, theirs_t, failure = [], [], ""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "system.npz")
        np.savez(path, a=a, b=b, ns=len(model.state_index))
        for _ in range(args.rounds):
            (P, Q, _), t = _time(lambda: qz_solve(A, B, C, D, model.state_index), args.repeat)
            ours_t += t
            done = subprocess.run([args.bench_python, __file__, "--alternative", path, "--repeat", str(args.repeat)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                failure = (done.stdout + done.stderr).strip().splitlines()[-1]
                continue
            answer = json.loads(done.stdout.strip().splitlines()[-1])
            f = np.array(answer["f"])
            assert answer["stab"] == 0, "linearsolve: not a unique stable solution"
            assert np.allclose(f, P, atol=1e-8 * max(1.0, np.abs(P).max())), "policies differ"
            theirs_t += answer["times"]
    rows.append((f"Calvo: linear RE solve alone ({model.n} variables, {len(model.state_index)} states)", ours_t,
                 "linearsolve 3.6 `klein`" + (f" failed: {failure}" if failure else ""), theirs_t))

    # 3. full estimation on the synthetic sample
    data = est.read_dataset(est.SYNTHETIC_FILE)
    if not args.quick:
        irf, mc, _ = est.data_responses(data, policy_order="first", draws=500, seed=1)
        blocks = weighted_block_covariance(mc[:, 1:, :])
        fit, t = _time(lambda: est.estimate(calvo, irf, blocks), 1)
        rows.append((f"Calvo: full IRF-matching estimation (7 parameters, {fit.evaluations} solves)", t, None, None))

    # 4. VAR bootstrap, 5,000 draws
    var = fit_var(data[:, [6, 0, 1, 2, 3, 4, 5]], 3)
    _, t = _time(lambda: bootstrap_irfs(var, 0, 16, draws=5000, seed=1, impact=0.15), 1)
    rows.append(("VAR(3), 7 variables, 240 quarters: bootstrap of 5,000 draws (serial)", t, None, None))

    # 5. RI
    ri = InventoryParameters()
    cached_economy(ri)
    _, t = _time(lambda: solve_ri(ri), max(1, args.repeat // 3))
    rows.append(("RI: equilibrium at Table 1.1 (zero attention), interest-rate shock", t, None, None))
    attentive = ri.replace(mu=0.00003)
    _, t = _time(lambda: solve_ri(attentive), max(1, args.repeat // 3))
    rows.append(("RI: equilibrium with attention (μ = 0.00003; damped iteration + Newton to 1e-10)", t, None, None))
    new_draws = iter(np.random.default_rng(1).uniform(0.3, 0.9, size=1000))
    _, t = _time(lambda: solve_ri(attentive.replace(xi_w=float(next(new_draws)))), max(1, args.repeat // 3))
    rows.append(("RI: equilibrium with attention at new parameters (economy and its map rebuilt)", t, None, None))
    if not args.quick:
        def table():
            for value in (0.000525, 0.000263, 0.000132, 0.00004, 0.00002, 0.00001):
                solve_ri(ri.replace(mu=value))
            for value in (0.0015, 0.0020, 0.0022, 0.0025):
                solve_ri(ri.replace(sigma_r=value))
        _, t = _time(table, 1)
        rows.append(("RI: sensitivity tables (Tables 1.4-1.5, 10 equilibria)", t, None, None))

    print("| work | ours median (min) | alternative | alternative median (min) | ratio |")
    print("|---|---|---|---|---|")
    for work, ours, name, theirs in rows:
        o = f"{np.median(ours) * 1e3:.3g} ms ({np.min(ours) * 1e3:.3g})"
        if theirs:
            th = f"{np.median(theirs) * 1e3:.3g} ms ({np.min(theirs) * 1e3:.3g})"
            ratio = f"{np.median(theirs) / np.median(ours):.2g}x"
        else:
            th, ratio, name = "", "", name or ""
        print(f"| {work} | {o} | {name} | {th} | {ratio} |")


if __name__ == "__main__":
    main()
