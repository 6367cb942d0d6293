"""Benchmark: DSGE models from a model file — (a) parameter change to impulse responses, (b) setup.

Models: the RBC model with variable labor (``plugins/textbook/data/rbc.toml``, 8 equations) and a
medium-scale New Keynesian model (``nk_medium.toml``, 32 equations: capital, habits, investment
adjustment costs, Calvo prices and wages, seven shocks). Workloads:

(a) the estimation inner loop: a new value of ``beta`` (which moves the steady state and the
    derived parameters), then the steady state, the first-order solution and 40-period impulse
    responses to every innovation;
(b) the one-time setup: from the model file to the first impulse responses, in a fresh process
    (imports excluded, measured from after them).

Ours (``equilibria.dynamics``) runs in this interpreter. The alternatives run in the benchmark
environment (``/work/benchvenv``, never a project dependency) through a subprocess of this same
script: linearsolve 3.6.3 and gEconpy 2.0.3. Both get the same equations, mechanically translated
from the model file, and the same closed-form steady state (linearsolve: a Python function of the
parameters passed to ``set_ss``; gEconpy: a ``STEADY_STATE`` block). linearsolve has no lagged
variables in its timing convention, so every lagged variable becomes a state ``L_x`` with
``L_x(t+1) = x(t)`` and every innovation an exogenous state; a hand-written linearsolve model could
be somewhat smaller. gEconpy 2.0.3 needs two import shims in that environment (preliz against
matplotlib 3.11, pymc-extras' ``make_default_coords``) and linearsolve one (``pandas.Series.ravel``,
removed in pandas 3); none touches a solver. Answers
(every variable's response to every innovation, 40 periods) are checked equal before timing.
Rounds alternate between ours and the alternatives; all use one BLAS thread. Run::

    /work/venv/bin/python benchmarks/dsge_solve.py [--repeat 30] [--rounds 3] [--quick]

Prints a Markdown table per workload (medians and minima, milliseconds or seconds).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "plugins", "textbook", "data")
MODELS = {"rbc": "rbc.toml", "nk_medium": "nk_medium.toml"}
BETAS = [0.99, 0.985, 0.992, 0.988, 0.995, 0.98]
PERIODS = 40


# ----------------------------------------------------------------------------- translation (ours)
def describe(name: str) -> dict:
    """Everything the alternatives need, from the model file: names, values, equations, steady state."""
    import sympy as sp

    from equilibria.dynamics import Model

    model = Model.from_file(os.path.join(DATA, MODELS[name]))
    d = model.definition
    params = [sp.Symbol(p) for p in model.parameters]
    # closed forms in parameters only (helpers and earlier entries substituted)
    solved: dict = {}
    for key, expr in d.steady_state:
        solved[sp.Symbol(key)] = expr.xreplace(solved)
    steady = {v: solved[sp.Symbol(v)] for v in model.variables}

    def rename(expr, lead, cur, lag, shock, param):
        mapping = {}
        for v in model.variables:
            mapping[sp.Symbol(f"{v}(+1)")] = sp.Symbol(lead(v))
            mapping[sp.Symbol(v)] = sp.Symbol(cur(v))
            mapping[sp.Symbol(f"{v}(-1)")] = sp.Symbol(lag(v))
        for e in model.shocks:
            mapping[sp.Symbol(e)] = shock(e)
        for p in model.parameters:
            mapping[sp.Symbol(p)] = sp.Symbol(param(p))
        return expr.xreplace(mapping)

    gcn_param = lambda p: f"P_{p}"  # noqa: E731
    gcn = lambda e: str(e).replace("**", "^")  # noqa: E731
    gcn_eqs = [gcn(rename(e, lambda v: f"V_{v}[1]", lambda v: f"V_{v}[]", lambda v: f"V_{v}[-1]",
                          lambda s: sp.Symbol(f"epsilon_{s}[]"), gcn_param)) + " = 0;" for e in d.equations]
    gcn_ss = [f"V_{v}[ss] = {gcn(rename(steady[v], str, str, str, sp.Symbol, gcn_param))};" for v in model.variables]
    gcn_cal = [f"P_{p} = {d.parameter_values[p]!r};" for p in model.parameters if p in d.parameter_values]
    gcn_cal += [f"P_{p} = {gcn(rename(e, str, str, str, sp.Symbol, gcn_param))};" for p, e in d.derived.items()]
    gcn_text = ("block STEADY_STATE\n{\n    identities\n    {\n        " + "\n        ".join(gcn_ss)
                + "\n    };\n};\n\nblock MODEL\n{\n    identities\n    {\n        " + "\n        ".join(gcn_eqs)
                + "\n    };\n\n    shocks\n    {\n        " + ", ".join(f"epsilon_{e}[]" for e in model.shocks)
                + ";\n    };\n\n    calibration\n    {\n        " + "\n        ".join(gcn_cal) + "\n    };\n};\n")

    from sympy.printing.numpy import NumPyPrinter

    printer = NumPyPrinter({"fully_qualified_modules": True})
    lagged = list(model.state_variables)
    py = lambda e: printer.doprint(e)  # noqa: E731
    ls_eqs = [py(rename(e, lambda v: f"F_{v}", lambda v: f"C_{v}", lambda v: f"CL_{v}",
                        lambda s: sp.log(sp.Symbol(f"CE_{s}")), lambda p: f"P_{p}")) for e in d.equations]
    ls_eqs += [f"FL_{v} - C_{v}" for v in lagged] + [f"numpy.log(FE_{e})" for e in model.shocks]
    lines = ["def equations(fwd, cur, p):"]
    lines += [f"    F_{v} = fwd['{v}']; C_{v} = cur['{v}']" for v in model.variables]
    lines += [f"    FL_{v} = fwd['L_{v}']; CL_{v} = cur['L_{v}']" for v in lagged]
    lines += [f"    FE_{e} = fwd['E_{e}']; CE_{e} = cur['E_{e}']" for e in model.shocks]
    lines += [f"    P_{p} = p['{p}']" for p in model.parameters]
    lines.append("    return numpy.array([" + ", ".join(ls_eqs) + "])")
    derived = ["def derived(p):"] + [f"    P_{p} = p['{p}']" for p in d.parameter_values]
    for p, e in d.derived.items():
        derived.append(f"    P_{p} = {py(rename(e, str, str, str, sp.Symbol, lambda q: f'P_{q}'))}; p['{p}'] = P_{p}")
    derived.append("    return p")
    ss = ["def steady(p):"] + [f"    P_{p} = p['{p}']" for p in model.parameters]
    ss.append("    return {" + ", ".join(f"'{v}': {py(rename(steady[v], str, str, str, sp.Symbol, lambda q: f'P_{q}'))}"
                                         for v in model.variables) + "}")
    return {"name": name, "variables": model.variables, "shocks": model.shocks, "std": model.shock_std.tolist(),
            "lagged": lagged, "parameters": dict(d.parameter_values), "derived": list(d.derived),
            "gcn": gcn_text, "linearsolve": "\n".join(lines) + "\n", "derived_code": "\n".join(derived) + "\n",
            "steady_code": "\n".join(ss) + "\n"}


def ours_irfs(model, beta):
    solution = model.solve({"beta": beta})
    return solution.irfs(PERIODS)


def run_ours(name, repeat):
    from equilibria.dynamics import Model

    model = Model.from_file(os.path.join(DATA, MODELS[name]))
    ours_irfs(model, BETAS[0])
    times = []
    for k in range(repeat):
        beta = BETAS[k % len(BETAS)]
        start = time.perf_counter()
        ours_irfs(model, beta)
        times.append(time.perf_counter() - start)
    return times


def setup_ours(name):
    """Fresh process: model file to first responses (after imports)."""
    code = ("import time, numpy, scipy.linalg, sympy\n"
            "from equilibria.dynamics import Model\n"
            "start = time.perf_counter()\n"
            f"m = Model.from_file({os.path.join(DATA, MODELS[name])!r})\n"
            f"m.solve().irfs({PERIODS})\n"
            "print(time.perf_counter() - start)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- alternatives (benchvenv)
def _import_geconpy():
    import warnings

    warnings.filterwarnings("ignore")
    import matplotlib.style.core  # noqa: F401  (shim: preliz reads matplotlib.style.core)
    import pymc_extras.statespace.models.utilities as utilities

    if not hasattr(utilities, "make_default_coords"):  # shim: removed from pymc-extras, unused by the solver
        utilities.make_default_coords = lambda *a, **k: {}
    import gEconpy

    return gEconpy


class LinearsolveModel:
    def __init__(self, spec):
        import numpy
        import pandas as pd
        import linearsolve as ls

        if not hasattr(pd.Series, "ravel"):  # shim: linearsolve 3.6.3 calls Series.ravel, removed in pandas 3
            pd.Series.ravel = lambda self, *a, **k: self.to_numpy().ravel(*a, **k)

        namespace = {"numpy": numpy}
        exec(spec["linearsolve"], namespace)  # noqa: S102
        exec(spec["derived_code"], namespace)  # noqa: S102
        exec(spec["steady_code"], namespace)  # noqa: S102
        self.spec, self.ns, self.pd = spec, namespace, pd
        exo = [f"E_{e}" for e in spec["shocks"]]
        endo = [f"L_{v}" for v in spec["lagged"]]
        self.model = ls.model(equations=namespace["equations"], variables=exo + endo + spec["variables"],
                              costates=spec["variables"], exo_states=exo, endo_states=endo,
                              shock_names=[f"eps_{e}" for e in spec["shocks"]],
                              parameters=pd.Series(self._parameters(spec["parameters"]["beta"])))

    def _parameters(self, beta):
        values = dict(self.spec["parameters"])
        values["beta"] = beta
        return self.ns["derived"](values)

    def irfs(self, beta):
        params = self._parameters(beta)
        self.model.parameters = self.pd.Series(params)
        ss = self.ns["steady"](params)
        levels = {**{f"E_{e}": 1.0 for e in self.spec["shocks"]}, **{f"L_{v}": ss[v] for v in self.spec["lagged"]},
                  **ss}
        self.model.set_ss(self.pd.Series(levels)[self.model.names["variables"]])
        self.model.approximate_and_solve(log_linear=True, eigenvalue_warnings=False)
        self.model.impulse(T=PERIODS + 1, t0=1, shocks=self.spec["std"], normalize=False)
        return {e: {v: (100 * self.model.irs[f"eps_{e}"][v].to_numpy()[1:]).tolist() for v in self.spec["variables"]}
                for e in self.spec["shocks"]}


class GeconpyModel:
    def __init__(self, spec, folder):
        ge = _import_geconpy()
        import contextlib
        import io

        path = os.path.join(folder, f"{spec['name']}.gcn")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(spec["gcn"])
        with contextlib.redirect_stdout(io.StringIO()):
            self.model = ge.model_from_gcn(path, verbose=False, on_unused_parameters="ignore")
        self.ge, self.spec = ge, spec

    def irfs(self, beta):
        T, R = self.model.solve_model(solver="gensys", verbose=False, P_beta=beta)
        sizes = {f"epsilon_{e}": s for e, s in zip(self.spec["shocks"], self.spec["std"])}
        # gEconpy's path starts with the pre-shock period (zero): one period more, the first dropped
        irf = self.ge.impulse_response_function(self.model, T, R, simulation_length=PERIODS + 1, shock_size=sizes,
                                                return_individual_shocks=True)
        out = {}
        for e in self.spec["shocks"]:
            paths = irf.sel(shock=f"epsilon_{e}")
            out[e] = {v: (100 * paths.sel(variable=f"V_{v}").values[1:]).tolist() for v in self.spec["variables"]}
        return out


def alternative_main(args):
    """Runs in the benchmark environment: answers, inner-loop times and setup times as JSON."""
    import tempfile

    spec = json.loads(open(args.spec, encoding="utf-8").read())
    results = {}
    folder = tempfile.mkdtemp(prefix="dsge_bench_")
    import linearsolve  # noqa: F401  (imports are not part of the setup time, as for ours)

    _import_geconpy()
    for tool in ("linearsolve", "gEconpy"):
        try:
            start = time.perf_counter()
            model = LinearsolveModel(spec) if tool == "linearsolve" else GeconpyModel(spec, folder)
            answer = model.irfs(BETAS[0])
            setup = time.perf_counter() - start
            times = []
            for k in range(args.repeat):
                beta = BETAS[k % len(BETAS)]
                t0 = time.perf_counter()
                model.irfs(beta)
                times.append(time.perf_counter() - t0)
            results[tool] = {"answer": answer, "times": times, "setup": setup}
        except Exception as exc:  # report, do not hide: the table says the tool failed and why
            results[tool] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(results))


# ----------------------------------------------------------------------------- driver
def _compare(ours, theirs, shocks, variables):
    """Largest absolute difference over all paths, relative to the largest response to the same innovation."""
    worst = 0.0
    for e in shocks:
        scale = max(max(abs(x) for x in ours[e][v]) for v in variables)
        for v in variables:
            gap = max(abs(x - y) for x, y in zip(ours[e][v], theirs[e][v]))
            worst = max(worst, gap / scale)
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--setup-rounds", type=int, default=3)
    parser.add_argument("--models", nargs="*", default=list(MODELS))
    parser.add_argument("--bench-python", default="/work/benchvenv/bin/python")
    parser.add_argument("--alternative", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="few repeats (a smoke test)")
    args = parser.parse_args()
    if args.alternative:
        return alternative_main(args)
    if args.quick:
        args.repeat, args.rounds, args.setup_rounds = 3, 1, 1
    sys.path.insert(0, HERE)
    from _timing import machine

    import tempfile

    from equilibria.dynamics import Model

    rows_a, rows_b = [], []
    for name in args.models:
        spec = describe(name)
        spec_path = os.path.join(tempfile.mkdtemp(prefix="dsge_spec_"), f"{name}.json")
        with open(spec_path, "w", encoding="utf-8") as handle:
            json.dump(spec, handle)
        model = Model.from_file(os.path.join(DATA, MODELS[name]))
        reference = {e: {v: list(map(float, p)) for v, p in paths.items()}
                     for e, paths in ours_irfs(model, BETAS[0]).items()}
        ours_times, ours_setup, alt_times, alt_setup, errors, agreement = [], [], {}, {}, {}, {}
        for _ in range(max(args.rounds, args.setup_rounds)):
            ours_times += run_ours(name, args.repeat)
            ours_setup.append(setup_ours(name))
            out = subprocess.run([args.bench_python, os.path.abspath(__file__), "--alternative", "--spec", spec_path,
                                  "--repeat", str(args.repeat)], capture_output=True, text=True, timeout=3600)
            if out.returncode != 0:
                raise SystemExit(out.stderr[-3000:])
            for tool, result in json.loads(out.stdout.strip().splitlines()[-1]).items():
                if "error" in result:
                    errors[tool] = result["error"]
                    continue
                agreement[tool] = _compare(reference, result["answer"], spec["shocks"], spec["variables"])
                alt_times.setdefault(tool, []).extend(result["times"])
                alt_setup.setdefault(tool, []).append(result["setup"])
        for tool, gap in agreement.items():
            if gap > 1e-5:
                raise SystemExit(f"{name}: {tool}'s responses differ from ours by {gap:.3g} (relative): not timed")
        ours_med, ours_min = statistics.median(ours_times) * 1e3, min(ours_times) * 1e3
        for tool, times in alt_times.items():
            med, low = statistics.median(times) * 1e3, min(times) * 1e3
            rows_a.append(f"| {name} ({len(spec['variables'])} eq.) | {ours_med:.2f} / {ours_min:.2f} | {tool} | "
                          f"{med:.2f} / {low:.2f} | {med / ours_med:.0f}x | {agreement[tool]:.1e} |")
            s_ours, s_alt = statistics.median(ours_setup), statistics.median(alt_setup[tool])
            rows_b.append(f"| {name} ({len(spec['variables'])} eq.) | {s_ours:.2f} | {tool} | {s_alt:.2f} | "
                          f"{s_alt / s_ours:.2g}x |")
        for tool, error in errors.items():
            rows_a.append(f"| {name} | {ours_med:.2f} / {ours_min:.2f} | {tool} | failed: {error} | | |")
    print(f"Machine: {machine()} (shared; load average {os.getloadavg()[0]:.1f})\n")
    print("(a) parameter change (beta) to 40-period responses to every innovation, ms (median / min)\n")
    print("| model | ours | alternative | its time | ratio (medians) | largest difference |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows_a))
    print("\n(b) setup: model file to first responses in a fresh process (imports excluded), s (median)\n")
    print("| model | ours | alternative | its time | ratio |")
    print("|---|---|---|---|---|")
    print("\n".join(rows_b))


if __name__ == "__main__":
    main()
