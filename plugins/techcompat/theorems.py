"""The slides' results as Hypothesis properties on small random economies (:mod:`.random_economy`).

Every example is a small JSON-able spec (seed and a few numbers), so a counterexample printed by
``equilibria check techcompat`` is reproducible with ``random_parameters(**...)``.
"""
from __future__ import annotations

import numpy as np
from scipy import optimize

from equilibria import Theorem

from .caliendo_parro import solve_caliendo_parro
from .equilibrium import solve_equilibrium
from .externality import TwoCountry, symmetric_closed_economy
from .measurement import firm_import_shares
from .model import Model
from .params import xi_constant
from .quadratic import solve_quadratic_normal
from .random_economy import random_parameters
from .technology import log_cost_at, solve_technology

__all__ = ["THEOREMS"]


def _specs(**extra):
    def build():
        from hypothesis import strategies as st

        fields = {"seed": st.integers(0, 10 ** 6), "regions": st.integers(2, 3), "sectors": st.integers(1, 3)}
        fields.update({k: v() for k, v in extra.items()})
        return st.fixed_dictionaries(fields)
    return build


def _unit():
    from hypothesis import strategies as st

    return st.floats(0.0, 1.0)


def _params(spec, **kw):
    return random_parameters(spec["regions"], spec["sectors"], seed=spec["seed"], tech_points=15, **kw)


# --------------------------------------------------------------------------- Caliendo-Parro
def _caliendo_parro(spec):
    p = _params(spec, incompatibility=0.0, markups=False, trade_elasticity=4.0, demand_elasticity=5.0)
    model = Model.from_parameters(p)
    degenerate = spec["degenerate"] > 0.5
    choice = np.full(model.shape, model.grid[3]) if degenerate else None
    eq = solve_equilibrium(model, respond=not degenerate, fixed_choice=choice)
    acc = eq.aggregates["accounts"]
    T = (p.productivity / xi_constant(p)[None, :]) ** p.trade_elasticity
    cp = solve_caliendo_parro(T, p.trade_costs, p.input_shares, p.effective_labor_shares(), p.consumption_shares,
                              p.labor, p.trade_elasticity)
    gap_w = float(np.max(np.abs(eq.prices["wages"] - cp.wages)))
    gap_s = float(np.max(np.abs(acc.trade_shares - cp.trade_shares)))
    shift = model.log_profit_gamma / p.trade_elasticity
    gap_u = float(np.max(np.abs(acc.log_welfare - cp.log_welfare - shift)))
    assert gap_w < 1e-7, f"wages differ from Caliendo-Parro by {gap_w:.3g}"
    assert gap_s < 1e-8, f"trade shares differ from Caliendo-Parro by {gap_s:.3g}"
    assert gap_u < 1e-7, f"ln U differs from Caliendo-Parro (+ ln Gamma / zeta) by {gap_u:.3g}"


# --------------------------------------------------------------------------- firm level
def _choose(model, state, d, i, endowment):
    """A zero-measure firm's technology choice: global search on a fine grid, then Brent."""
    fine = np.linspace(model.grid[0], model.grid[-1], 801)
    scale = model.eta - 1
    objective = -model.phibar * (endowment - fine) ** 2 - scale * log_cost_at(model, state, fine)[d, i]
    k = int(np.argmax(objective))
    lo, hi = fine[max(k - 1, 0)], fine[min(k + 1, fine.size - 1)]
    f = lambda x: model.phibar * (endowment - x) ** 2 + scale * log_cost_at(model, state, [x])[d, i, 0]  # noqa: E731
    return optimize.minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}).x


def _firm_level(spec):
    p = random_parameters(2, spec["sectors"], seed=spec["seed"], tech_points=15)
    model = Model.from_parameters(p)
    rng = np.random.default_rng(spec["seed"])
    # degenerate supplier distributions: every (o, j) at one grid point
    nodes = rng.integers(2, model.grid.size - 2, size=(2, p.n_sectors))
    choice = np.repeat(model.grid[nodes][..., None], model.grid.size, axis=-1)
    state = solve_technology(model, np.ones(2), respond=False, fixed_choice=choice)
    d, o = 0, 1
    i = j = int(spec["j"] * p.n_sectors) % p.n_sectors
    theta_o, theta_d = model.grid[nodes[o, j]], model.grid[nodes[d, j]]
    if abs(theta_o - theta_d) < 1e-9:
        return
    direction = np.sign(theta_o - theta_d)
    start = theta_d - direction * 0.2
    step = 0.05 + 0.3 * spec["u"]
    first, second = start, start + direction * step          # the endowment moves toward theta_o
    g1, g2 = _choose(model, state, d, i, first), _choose(model, state, d, i, second)
    assert direction * (g2 - g1) >= -1e-7, f"choice moved away from the supplier: {g1:.6g} -> {g2:.6g}"
    if direction * (theta_o - g2) >= 0:
        assert abs(g2 - theta_o) <= abs(g1 - theta_o) + 1e-7, "firm did not move closer to theta_o"
    chi1, chi2 = firm_import_shares(model, state, d, [g1, g2])[:, :, j]
    assert chi2[o] >= chi1[o] - 1e-10, f"import share from o fell: {chi1[o]:.6g} -> {chi2[o]:.6g}"
    lhs = np.log(chi2[o] / chi2[d]) - np.log(chi1[o] / chi1[d])
    dist = lambda x: (x - theta_o) ** 2 - (x - theta_d) ** 2   # noqa: E731
    rhs = -p.trade_elasticity * p.incompatibility * (dist(g2) - dist(g1))
    assert abs(lhs - rhs) <= 1e-9 * (1 + abs(rhs)), f"d log(chi_do/chi_dd) = {lhs:.12g}, slides' rate gives {rhs:.12g}"


# --------------------------------------------------------------------------- small country
def _small_country(spec):
    p = _params(spec)
    model = Model.from_parameters(p)
    n, s = p.n_regions, p.n_sectors
    d, o = 0, 1
    j = int(spec["j"] * s) % s
    i = int(np.argmax(p.input_shares[:, j]))
    wages = np.ones(n)
    base = solve_technology(model, wages)
    respond = np.zeros((n, s), bool)
    respond[d, i] = True                                        # a small (d, i): nobody else reacts
    tau = np.array(p.trade_costs)
    tau[d, o, j] *= 1.0 + 0.05 + 0.3 * spec["u"]
    after = solve_technology(model.with_trade_costs(tau), wages, start=base, respond=respond,
                             fixed_choice=base.choice)
    mean0, _ = base.moments(model)
    mean1, _ = after.moments(model)
    chi = firm_import_shares(model, base, d, [mean0[d, i]])[0, :, j]
    theta = mean0[:, j]
    lhs = (mean1[d, i] - theta[o]) ** 2 - (mean0[d, i] - theta[o]) ** 2 \
        - np.sum(chi * ((mean1[d, i] - theta) ** 2 - (mean0[d, i] - theta) ** 2))
    assert lhs >= -1e-12, (f"distance to the costlier origin fell relative to the expenditure-weighted distance: "
                           f"{lhs:.3g}")


# --------------------------------------------------------------------------- Walras
def _walras(spec):
    p = _params(spec)
    eq = solve_equilibrium(Model.from_parameters(p))
    acc = eq.aggregates["accounts"]
    gap = abs(acc.income.sum() - acc.final_sales.sum()) / acc.income.sum()
    assert gap < 1e-12, f"world income differs from world final spending by {gap:.3g}"
    assert abs(acc.labor_demand[0] / p.labor[0] - 1) < 1e-8, "the numeraire's labor market does not clear"


# --------------------------------------------------------------------------- normal to second order
def _normal_second_order(spec):
    """Full solution vs quadratic-normal: the gap is a small fraction of how far technologies moved,
    down to the floor set by truncating the normal endowment at the grid's edges (tech_span sds)."""
    tbar = 0.01 + 0.04 * spec["u"]
    p = random_parameters(spec["regions"], spec["sectors"], seed=spec["seed"], tech_points=41,
                          incompatibility=tbar, adaptation=0.05)
    model = Model.from_parameters(p)
    full = solve_technology(model, np.ones(p.n_regions))
    qn = solve_quadratic_normal(model, np.ones(p.n_regions))
    mean, sd = full.moments(model)
    moved = float(np.abs(mean - p.tech_mean).max())
    gap = float(max(np.abs(qn.mean - mean).max(), np.abs(qn.sd - sd).max()))
    assert gap <= 0.01 * moved + 5e-4, f"quadratic-normal differs by {gap:.3g}; technologies moved {moved:.3g}"


# --------------------------------------------------------------------------- normative
def _coefficients():
    from hypothesis import strategies as st

    return st.fixed_dictionaries({"sectors": st.integers(2, 5), "own": st.floats(0.05, 0.4),
                                  "other": st.floats(0.01, 0.1), "spread": st.floats(0.2, 1.5),
                                  "tbar": st.floats(0.01, 0.1), "phibar": st.floats(0.01, 0.2),
                                  "tau": st.floats(1.0, 2.5), "labor_share": st.floats(0.3, 0.8)})


def _under_investment(spec):
    closed = symmetric_closed_economy(spec["sectors"], own=spec["own"], other=min(spec["other"],
                                      (0.9 - spec["own"]) / max(spec["sectors"] - 1, 1)), spread=spec["spread"],
                                      tbar=spec["tbar"], phibar=spec["phibar"])
    eq, plan = closed.equilibrium(), closed.planner()
    moved_eq = np.abs(eq - closed.endowment).sum()
    moved_plan = np.abs(plan - closed.endowment).sum()
    assert closed.log_welfare(plan) >= closed.log_welfare(eq) - 1e-12, "planner does worse than the equilibrium"
    assert moved_eq <= moved_plan + 1e-9, f"equilibrium adapts more ({moved_eq:.6g}) than the planner ({moved_plan:.6g})"


def _spillover(spec):
    two = TwoCountry(labor_share=spec["labor_share"], tau=spec["tau"], tbar=spec["tbar"], phibar=spec["phibar"],
                     endowment=(spec["spread"] / 2, -spec["spread"] / 2))
    theta, grad = two.spillover()
    assert theta[1] < theta[0], "country 2 should sit below country 1"
    assert grad[1] > 0, f"d ln U_2 / d theta_2 = {grad[1]:.3g} <= 0"
    assert grad[0] > 0, f"d ln U_1 / d theta_2 = {grad[0]:.3g} <= 0"


THEOREMS = [
    Theorem(name="caliendo_parro", statement="With t_bar = 0 and marginal-cost pricing of final goods (eta = zeta + 1) "
            "wages, trade shares and welfare equal a direct Caliendo-Parro solve, also for degenerate Theta",
            reference="Aggregation proposition, last bullet", strategy=_specs(degenerate=_unit),
            predicate=_caliendo_parro),
    Theorem(name="firm_level", statement="Moving a zero-measure firm's endowment toward a supplier moves its choice "
            "toward it, raises its import share, and d log(chi_do/chi_dd) = -zeta t_bar d(distance)",
            reference="Proposition: firm-level correlation between technology proximity and trade",
            strategy=_specs(j=_unit, u=_unit), predicate=_firm_level),
    Theorem(name="small_country", statement="A higher cost of (d, i) importing from (o, j) raises the distance to "
            "theta_o^j relative to the expenditure-weighted distance to all origins",
            reference="Proposition: bilateral technology distances increase in trade costs, second bullet",
            strategy=_specs(j=_unit, u=_unit), predicate=_small_country),
    Theorem(name="walras", statement="World income equals world final spending; the numeraire's labor market clears",
            reference="Definition of equilibrium (adaptation cost paid to domestic labor)", strategy=_specs(),
            predicate=_walras),
    Theorem(name="normal_second_order", statement="The quadratic-normal solution matches the full one, with an "
            "error below 1% of the adaptation (plus the truncation floor of the grid)",
            reference="Proposition: ex-post distribution is normal", strategy=_specs(u=_unit),
            predicate=_normal_second_order),
    Theorem(name="under_investment", statement="In a closed economy with symmetric sectors firms adapt less than "
            "the planner would (and the planner's welfare is higher)",
            reference="Proposition: externality from production linkages in a closed economy",
            strategy=_coefficients, predicate=_under_investment),
    Theorem(name="spillover", statement="Two symmetric countries, one sector: moving country 2's technology toward "
            "country 1 raises both countries' welfare", reference="Proposition: cross-country spillover",
            strategy=_coefficients, predicate=_spillover),
]
