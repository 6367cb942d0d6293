"""The models' known properties as Hypothesis properties on random parameter values.

Every example is a small JSON-able dict of parameter values (and a seed where randomness is
involved), so a counterexample printed by ``equilibria check textbook`` can be re-run with
``load_model(name).solve(params=...)``.
"""
from __future__ import annotations

import numpy as np

from equilibria import Theorem
from equilibria.errors import DeterminacyError

from .models import brock_mirman_policy, load_model, nk_determinate, nk_msv_response

__all__ = ["THEOREMS"]


def _draw(**ranges):
    """A strategy of parameter dicts, each entry uniform on its (low, high) range."""
    def build():
        from hypothesis import strategies as st

        return st.fixed_dictionaries({k: st.floats(lo, hi) for k, (lo, hi) in ranges.items()})
    return build


_BM = dict(alpha=(0.1, 0.6), beta=(0.8, 0.999), rho=(0.0, 0.98))
_RBC = dict(alpha=(0.2, 0.5), beta=(0.95, 0.995), delta=(0.01, 0.1), phi=(0.2, 4.0), chi=(1.0, 20.0),
            rho=(0.0, 0.98))
_NK_STRUCTURE = dict(beta=(0.9, 0.995), sigma=(0.5, 5.0), phi=(0.5, 5.0), alpha=(0.0, 0.5), epsilon=(2.0, 12.0),
                     theta=(0.3, 0.9), rho_v=(0.0, 0.95))
_RANGES = {"brock_mirman": _BM, "rbc": _RBC, "nk": {**_NK_STRUCTURE, "phi_pi": (1.01, 3.0), "phi_x": (0.0, 1.0)}}


def _any_model():
    from hypothesis import strategies as st

    return st.one_of(*[st.fixed_dictionaries({"model": st.just(name),
                                              "params": _draw(**ranges)(),
                                              "seed": st.integers(0, 2**31 - 1),
                                              "size": st.floats(0.1, 5.0)})
                       for name, ranges in _RANGES.items()])


# --------------------------------------------------------------------------- Brock and Mirman (1972)
def _brock_mirman_exact(p):
    """Policy coefficients and a path under large shocks against the exact nonlinear policy."""
    solution = load_model("brock_mirman").solve(params=p)
    P, Q = solution.policy, solution.impact
    model = solution.model
    k, c, a = (model.variables.index(v) for v in ("k", "c", "a"))
    s_k, s_a = (model.state_variables.index(v) for v in ("k", "a"))
    for row in (k, c):
        assert abs(P[row, s_k] - p["alpha"]) < 1e-9, f"d log {model.variables[row]}/d log k(-1) = {P[row, s_k]}, exact alpha"
        assert abs(P[row, s_a] - p["rho"]) < 1e-9, f"d log {model.variables[row]}/d log a(-1) = {P[row, s_a]}, exact rho"
        assert abs(Q[row, 0] - 1.0) < 1e-9, f"d log {model.variables[row]}/d eps = {Q[row, 0]}, exact 1"
    rng = np.random.default_rng(int(p["alpha"] * 1e9))
    eps = 0.1 * rng.standard_normal(30)       # ten times a usual TFP innovation
    linear = solution.simulate(30, innovations=eps[:, None])
    ss = solution.steady_state.values
    log_a, k_lag = 0.0, ss["k"]
    for t in range(30):
        log_a = p["rho"] * log_a + eps[t]
        k_t, c_t = brock_mirman_policy(p["alpha"], p["beta"], np.exp(log_a), k_lag)
        for name, exact in (("k", k_t), ("c", c_t)):
            approx = ss[name] * np.exp(linear[name][t] / 100.0)
            assert abs(approx / exact - 1.0) < 1e-9, f"{name} at t={t}: first order {approx}, exact {exact}"
        k_lag = k_t


# --------------------------------------------------------------------------- Galí (2015), chapter 3
def _nk_msv(p):
    solution = load_model("nk").solve(params=p)
    values = solution.parameters
    horizon = 12
    responses = solution.irf("eps_v", periods=horizon)
    v = responses["v"]
    exact_v = solution.shock_std[0] * values["rho_v"] ** np.arange(horizon)
    assert np.allclose(v, exact_v, rtol=1e-10, atol=1e-14), f"policy shock path {v} != {exact_v}"
    exact = nk_msv_response(values, exact_v)
    for name in ("x", "pi", "i", "r"):
        error = float(np.max(np.abs(responses[name] - exact[name])))
        assert error <= 1e-9 * max(1e-4, float(np.max(np.abs(exact[name])))), \
            f"{name}: QZ {responses[name][:3]} vs minimum-state-variable solution {exact[name][:3]}"


def _nk_determinacy(p):
    model = load_model("nk")
    values = model.parameter_values(p)
    margin = values["kappa"] * (values["phi_pi"] - 1.0) + (1.0 - values["beta"]) * values["phi_x"]
    if abs(margin) < 1e-5 * values["kappa"]:
        return  # eigenvalues within rounding of the unit circle: either verdict is numerically right
    try:
        model.solve(params=p)
        determinate = True
    except DeterminacyError as error:
        determinate = False
        assert error.unstable < error.forward, f"expected indeterminacy, got: {error}"
    assert determinate == nk_determinate(values), \
        f"kappa (phi_pi - 1) + (1 - beta) phi_x = {margin:.6g} but the solver says determinate={determinate}"


# --------------------------------------------------------------------------- all three models
def _moments_vs_simulation(spec):
    """Theoretical std and first autocovariance against a long simulation, within 6 standard errors
    (Bartlett's formula from the theoretical autocovariances)."""
    solution = load_model(spec["model"]).solve(params=spec["params"])
    periods = 20000
    path = solution.simulate(periods, seed=spec["seed"], burn=3000)
    lags = 600
    gammas = np.array([np.diag(g) for g in solution.autocovariances(lags + 1)]) * solution.units[None, :] ** 2
    full = np.concatenate([gammas[:0:-1], gammas])  # lags -L..L
    centre = lags + 1
    for i, name in enumerate(solution.variables):
        g = full[:, i]
        if g[centre] <= 1e-20:
            continue
        series = path[name] - path[name].mean()
        sample0 = float(series @ series) / periods
        sample1 = float(series[1:] @ series[:-1]) / periods
        se0 = np.sqrt(2.0 * np.sum(g ** 2) / periods)
        se1 = np.sqrt((np.sum(g ** 2) + np.sum(g[2:] * g[:-2])) / periods)
        assert abs(sample0 - g[centre]) <= 6 * se0, \
            f"{spec['model']}:{name} variance: theory {g[centre]:.6g}, simulation {sample0:.6g} (se {se0:.3g})"
        assert abs(sample1 - g[centre + 1]) <= 6 * se1, \
            f"{spec['model']}:{name} autocovariance(1): theory {g[centre + 1]:.6g}, simulation {sample1:.6g}"
    std = solution.moments(1).std
    for i, name in enumerate(solution.variables):
        assert abs(std[name] - np.sqrt(gammas[0, i])) <= 1e-9 * (1 + std[name]), "std inconsistent with autocovariances"


def _linear_in_size(spec):
    solution = load_model(spec["model"]).solve(params=spec["params"])
    for shock in solution.model.shocks:
        one = solution.irf_array(shock, size=spec["size"], periods=20)
        two = solution.irf_array(shock, size=2 * spec["size"], periods=20)
        neg = solution.irf_array(shock, size=-spec["size"], periods=20)
        scale = 1e-12 * (1 + np.abs(one).max())
        assert np.abs(two - 2 * one).max() <= scale, f"{shock}: response to twice the shock is not twice the response"
        assert np.abs(neg + one).max() <= scale, f"{shock}: response to minus the shock is not minus the response"


def _steady_state_zeroes(spec):
    """Substitute the steady state into the model's sympy equations (independently of the compiled code)."""
    import sympy as sp

    model = load_model(spec["model"])
    steady = model.steady_state(spec["params"])
    values = model.parameter_values(spec["params"])
    subs = {sp.Symbol(name): value for name, value in values.items()}
    for name, level in steady.values.items():
        for shift in ("", "(+1)", "(-1)"):
            subs[sp.Symbol(f"{name}{shift}")] = level
    subs.update({sp.Symbol(e): 0.0 for e in model.shocks})
    for number, (expr, text) in enumerate(zip(model.definition.equations, model.equation_texts), start=1):
        residual = float(expr.xreplace(subs).evalf())
        assert abs(residual) <= 1e-9, f"{spec['model']} equation {number} `{text}` has residual {residual:.3g}"


THEOREMS = [
    Theorem(name="brock_mirman_exact",
            statement="With log utility and full depreciation, the first-order solution in logs equals the exact "
                      "policy k_t = alpha beta a_t k_{t-1}^alpha (coefficients alpha, rho, 1; paths under shocks "
                      "ten times the usual size agree to 1e-9).",
            reference="Brock and Mirman (1972); exact log-linear policy",
            strategy=_draw(**_BM), predicate=_brock_mirman_exact),
    Theorem(name="nk_msv",
            statement="Responses of the output gap, inflation, nominal and real rates to a policy shock equal the "
                      "minimum-state-variable closed form.",
            reference="Galí (2015), ch. 3, section 3.4.1.1 (effects of a monetary policy shock)",
            strategy=_draw(**_RANGES["nk"]), predicate=_nk_msv),
    Theorem(name="nk_determinacy",
            statement="The three-equation NK model has a unique stable solution exactly when "
                      "kappa (phi_pi - 1) + (1 - beta) phi_x > 0; otherwise the solver raises DeterminacyError "
                      "(indeterminate).",
            reference="Galí (2015), ch. 3, section 3.4.1 (Taylor-principle condition); Bullard and Mitra (2002)",
            strategy=_draw(**_NK_STRUCTURE, phi_pi=(0.0, 3.0), phi_x=(0.0, 1.5)), predicate=_nk_determinacy),
    Theorem(name="moments_vs_simulation",
            statement="Theoretical variances and first autocovariances (discrete Lyapunov equation) agree with a "
                      "simulation of 20000 periods within six Bartlett standard errors.",
            reference="stationary covariance of a stable linear system (discrete Lyapunov equation); Bartlett (1946) for the sampling error",
            strategy=_any_model, predicate=_moments_vs_simulation),
    Theorem(name="linear_in_size",
            statement="First-order impulse responses are linear in the innovation's size: twice the shock gives "
                      "twice the response, minus the shock minus the response.",
            reference="first-order perturbation",
            strategy=_any_model, predicate=_linear_in_size),
    Theorem(name="steady_state_zeroes",
            statement="The steady state (closed forms or Newton) zeroes every equation of every model, checked by "
                      "substitution into the sympy equations.",
            reference="definition of the deterministic steady state",
            strategy=_any_model, predicate=_steady_state_zeroes),
]
