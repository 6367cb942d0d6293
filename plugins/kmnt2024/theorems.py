"""The paper's results as Hypothesis properties on random economies (see :mod:`.random_economy`).

Every predicate rebuilds the economy from a small JSON-able spec, so a counterexample printed by
``equilibria check kmnt2024`` is reproducible with ``random_model(**spec)``.
"""
from __future__ import annotations

import numpy as np

from equilibria import Theorem

from . import statics
from .equilibrium import NetworkEconomy
from .network import domar_weights, moments
from .planner import DomarPlanner, planner_objective, solve_inner
from .random_economy import economies, random_model

__all__ = ["THEOREMS"]

_ECONOMY_KEYS = ("seed", "n", "rho", "curvature", "zero_share")


def _model(spec):
    return random_model(**{k: spec[k] for k in _ECONOMY_KEYS})


def _with(base, **extra):
    """A strategy of economy specs extended with extra drawn entries."""
    def build():
        from hypothesis import strategies as st

        fields = {k: v() for k, v in extra.items()}
        return st.tuples(base(), st.fixed_dictionaries(fields)).map(lambda t: {**t[0], **t[1]})
    return build


def _unit():
    from hypothesis import strategies as st

    return st.floats(0.0, 1.0)


def _random_network(model, u, salt=0) -> np.ndarray:
    """A network in A drawn from a seed: random shares, row sums ``u_i * alpha_bar_i``."""
    rng = np.random.default_rng([int(u * 2**31), salt])
    raw = rng.random((model.n, model.n))
    rows = rng.uniform(0.0, 1.0, model.n) * model.alpha_bar
    return raw / raw.sum(axis=1, keepdims=True) * rows[:, None]


def _pair(spec, n):
    i = int(spec["i"] * n) % n
    j = int(spec["j"] * n) % n
    return i, j


# --------------------------------------------------------------------------- Corollary 1
def _hulten(spec):
    m = _model(spec)
    alpha = _random_network(m, spec["u"])
    a = m.technology.log_productivity(alpha)
    base = moments(alpha, a, m.mu, m.sigma, m.beta, m.rho)
    omega = base.domar_weights
    i, j = _pair(spec, m.n)
    h = 1e-4
    for gamma, d_ey, d_vy in ((("mu", i), omega[i], 0.0), (("sigma", i, j), 0.0, omega[i] * omega[j])):
        dmu, dsig = statics.direction(m, gamma)
        up = moments(alpha, a, m.mu + h * dmu, m.sigma + h * dsig, m.beta, m.rho)
        dn = moments(alpha, a, m.mu - h * dmu, m.sigma - h * dsig, m.beta, m.rho)
        fd_ey = (up.expected_log_gdp - dn.expected_log_gdp) / (2 * h)
        fd_vy = (up.var_log_gdp - dn.var_log_gdp) / (2 * h)
        assert abs(fd_ey - d_ey) <= 1e-8, f"dE[y]/d{gamma} = {fd_ey:.12g}, Corollary 1 says {d_ey:.12g}"
        assert abs(fd_vy - d_vy) <= 1e-8, f"dV[y]/d{gamma} = {fd_vy:.12g}, Corollary 1 says {d_vy:.12g}"


# --------------------------------------------------------------------------- Proposition 1
def _efficiency(spec):
    m = _model(spec)
    plan = DomarPlanner(m).solve()
    eq = NetworkEconomy(m).solve()
    alpha_p = plan.allocation["network"]
    alpha_e = eq.aggregates["network"]
    gap = float(np.abs(alpha_p - alpha_e).max())
    assert gap <= 1e-8, f"decentralized network differs from the planner's by {gap:.3g}"
    w_eq = eq.aggregates["moments"].welfare
    assert abs(w_eq - plan.objective) <= 1e-10 * (1 + abs(plan.objective)), \
        f"welfare at the equilibrium network {w_eq:.12g} != planner's optimum {plan.objective:.12g}"
    # Lemma 2: the planner's multipliers are the risk-adjusted prices, for goods someone uses
    # (omega_j > beta_j) and up to a common shift when every budget binds (omega'(1 - alpha_bar) = 1,
    # where a uniform change of all prices leaves every firm's choice unchanged).
    omega = plan.allocation["domar_weights"]
    used = omega - m.beta > 1e-10
    diff = (eq.prices["risk_adjusted_prices"] - plan.allocation["risk_adjusted_prices"])[used]
    if diff.size and omega @ (1 - m.alpha_bar) > 1 - 1e-10:
        diff = diff - diff.mean()
    R_gap = float(np.abs(diff).max()) if diff.size else 0.0
    assert R_gap <= 1e-7, f"planner's multipliers differ from the risk-adjusted prices by {R_gap:.3g}"


# --------------------------------------------------------------------------- Proposition 2
def _monotone(spec):
    m = _model(spec)
    i = int(spec["i"] * m.n) % m.n
    delta = 0.01 + spec["u"]
    base = DomarPlanner(m).solve()
    w0 = base.allocation["domar_weights"][i]
    up = DomarPlanner(statics.perturb(m, ("mu", i), delta)).solve(base.allocation["domar_weights"])
    w_mu = up.allocation["domar_weights"][i]
    assert w_mu >= w0 - 1e-9, f"omega_{i} fell from {w0:.12g} to {w_mu:.12g} when mu_{i} rose by {delta:.3g}"
    vol = DomarPlanner(statics.perturb(m, ("sigma", i, i), 0.1 * delta)).solve(base.allocation["domar_weights"])
    w_sig = vol.allocation["domar_weights"][i]
    assert w_sig <= w0 + 1e-9, \
        f"omega_{i} rose from {w0:.12g} to {w_sig:.12g} when Sigma_{i}{i} rose (rho = {m.rho:.3g} >= 1)"


def _monotone_low_rho(spec):
    """For rho < 1 the variance part of Proposition 2 reverses (revealed preference, see docs)."""
    m = _model(spec)
    i = int(spec["i"] * m.n) % m.n
    delta = 0.001 + 0.01 * spec["u"]
    base = DomarPlanner(m).solve()
    w0 = base.allocation["domar_weights"][i]
    vol = DomarPlanner(statics.perturb(m, ("sigma", i, i), delta)).solve(base.allocation["domar_weights"])
    w_sig = vol.allocation["domar_weights"][i]
    assert w_sig >= w0 - 1e-9, \
        f"omega_{i} fell from {w0:.12g} to {w_sig:.12g} when Sigma_{i}{i} rose although rho = {m.rho:.3g} < 1"


# --------------------------------------------------------------------------- Proposition 5 / Corollary 4
def _envelope(spec):
    m = _model(spec)
    sol = DomarPlanner(m).solve()
    omega = sol.allocation["domar_weights"]
    i, j = _pair(spec, m.n)
    for gamma in (("mu", i), ("sigma", i, j)):
        fd = statics.welfare_derivative(m, gamma, h=1e-5, solution=sol)
        pred = statics.predicted_welfare_derivative(m, omega, gamma)
        assert abs(fd - pred) <= 1e-6 * (1 + abs(pred)), \
            f"dW/d{gamma}: finite difference {fd:.10g}, Corollary 4 {pred:.10g}"


def _finite_change(spec):
    m = _model(spec)
    rng = np.random.default_rng(int(spec["u"] * 2**31))
    dmu = 0.2 * rng.standard_normal(m.n)
    F = 0.2 * rng.standard_normal((m.n, m.n))
    new = m.replace(mu=m.mu + dmu, sigma=m.sigma + F @ F.T / m.n)
    out = statics.finite_change_bound(m, new)
    assert out["flexible"] >= out["fixed"] - 1e-10, \
        f"welfare change {out['flexible']:.12g} with a flexible network < {out['fixed']:.12g} with a fixed one"


# --------------------------------------------------------------------------- Lemma 4
def _concave(spec):
    m = _model(spec)
    o1 = domar_weights(_random_network(m, spec["u"], 1), m.beta)
    o2 = domar_weights(_random_network(m, spec["u"], 2), m.beta)
    om = 0.5 * (o1 + o2)
    inner = [solve_inner(m, o) for o in (o1, o2, om)]
    f = [planner_objective(m, o, s) for o, s in zip((o1, o2, om), inner)]
    d = o1 - o2
    margin_abar = inner[2].value - 0.5 * (inner[0].value + inner[1].value)
    margin = f[2] - 0.5 * (f[0] + f[1])
    quad = (m.rho - 1.0) / 8.0 * d @ m.sigma @ d
    assert margin_abar > 0 or np.abs(d).max() < 1e-6, \
        f"a_bar not strictly concave: a_bar(mid) - mean = {margin_abar:.3g} for |d| = {np.abs(d).max():.3g}"
    assert margin >= quad - 1e-12, f"f(mid) - mean = {margin:.6g} < (rho-1) d'Sigma d/8 = {quad:.6g}"
    H = inner[2].hessian() - (m.rho - 1.0) * m.sigma
    top = float(np.linalg.eigvalsh(H).max())
    assert top < 0, f"Hessian of eq. (15) has eigenvalue {top:.3g} >= 0 at an interior point"


# --------------------------------------------------------------------------- Proposition 3
def _propagation(spec):
    m = _model(spec)
    sol = DomarPlanner(m).solve()
    alpha = sol.allocation["network"]
    omega = sol.allocation["domar_weights"]
    interior = (alpha.min() > 1e-6 and np.all(alpha.sum(axis=1) < m.alpha_bar - 1e-6)
                and np.all(omega - m.beta > 1e-6) and omega @ (1 - m.alpha_bar) < 1 - 1e-6)
    if not interior:
        return  # Proposition 3 is stated for omega in int O with an interior network
    i, j = _pair(spec, m.n)
    for gamma in (("mu", i), ("sigma", i, j)):
        fd = statics.finite_difference_response(m, gamma, h=1e-5, solution=sol)
        pred = statics.predicted_response(m, sol, gamma)
        err = float(np.abs(fd - pred).max())
        assert err <= 1e-5 * (1 + np.abs(pred).max()), \
            f"d omega/d{gamma}: finite difference {fd}, Proposition 3 {pred} (error {err:.3g})"


_ANY = lambda: economies(rho=(1.0, 6.0))  # noqa: E731
_INTERIOR = lambda: economies(rho=(1.0, 6.0), curvature=(2.0, 6.0), corners=False)  # noqa: E731

THEOREMS = [
    Theorem(name="hulten",
            statement="At a fixed network, dE[y]/dmu_i = omega_i, dV[y]/dmu_i = 0, dE[y]/dSigma_ij = 0 and "
                      "dV[y]/dSigma_ij = omega_i omega_j (Sigma moved along (E_ij + E_ji)/2).",
            reference="Corollary 1 (Hulten's theorem), eqs. (9)-(10)",
            strategy=_with(_ANY, i=_unit, j=_unit, u=_unit), predicate=_hulten),
    Theorem(name="efficiency",
            statement="The decentralized equilibrium network (firms' eq. 12 at risk-adjusted prices, solved on "
                      "the core Economy) equals the planner's alpha(omega*), corners included.",
            reference="Proposition 1; Lemmas 2-4",
            strategy=_ANY, predicate=_efficiency),
    Theorem(name="domar-monotonicity",
            statement="For rho >= 1, omega_i is weakly increasing in mu_i and weakly decreasing in Sigma_ii "
                      "(finite changes). For rho < 1 the Sigma_ii part reverses; not checked here.",
            reference="Proposition 2",
            strategy=_with(_ANY, i=_unit, u=_unit), predicate=_monotone),
    Theorem(name="domar-monotonicity-low-rho",
            statement="For 0 < rho < 1 (where eq. 15 stays concave) omega_i is weakly *increasing* in Sigma_ii: "
                      "the variance half of Proposition 2 reverses sign with rho - 1.",
            reference="Proposition 2 (our extension; see Reading of the source, item 8)",
            strategy=_with(lambda: economies(rho=(0.3, 0.95), curvature=(1.0, 5.0)), i=_unit, u=_unit),
            predicate=_monotone_low_rho),
    Theorem(name="welfare-envelope",
            statement="dW/dmu_i = omega_i and dW/dSigma_ij = -(rho-1) omega_i omega_j / 2: welfare responds as "
                      "if the network were fixed (finite differences of the re-solved planner).",
            reference="Proposition 5, Corollary 4",
            strategy=_with(_ANY, i=_unit, j=_unit), predicate=_envelope),
    Theorem(name="finite-change",
            statement="For any change of beliefs, the welfare gain with a flexible network is at least the gain "
                      "with the network fixed at the old equilibrium.",
            reference="Inequality after Proposition 5",
            strategy=_with(_ANY, u=_unit), predicate=_finite_change),
    Theorem(name="planner-concavity",
            statement="a_bar is strictly concave on O and f(omega) = omega'mu + a_bar - (rho-1) omega'Sigma omega/2 "
                      "is concave with at least the curvature of its quadratic term; its Hessian is negative definite.",
            reference="Lemma 4, Corollary 2",
            strategy=_with(_ANY, u=_unit), predicate=_concave),
    Theorem(name="propagation",
            statement="At interior solutions, d omega/d gamma = -H^{-1} dE/d gamma with H = hess a_bar - (rho-1) Sigma "
                      "(gamma = mu_i or Sigma_ij), against central differences of the re-solved planner.",
            reference="Proposition 3",
            strategy=_with(_INTERIOR, i=_unit, j=_unit), predicate=_propagation),
]
