"""Propositions of Tyazhelnikov (2016) as Hypothesis properties.

Every property is checked on random cost matrices, trade-cost matrices, trees (snakes
included) and multipliers; each says for which trade-cost model (``unit`` per-unit costs,
``ad_valorem`` tariffs / iceberg costs) it is asserted.  Weak monotonicity statements are
checked in their revealed-preference form, which stays exact when paths tie:
``(tau_0 - tau_1) (TQ(tau_0) - TQ(tau_1)) <= 0`` up to a rounding tolerance.

What does *not* hold, found by searching (see ``docs/plugins/tyazhelnikov2016.md``):
Lemma 1 under ad-valorem tariffs, whether TQ is measured as the value-weighted quantity
that makes ``MC = NTMC + tau TQ`` or as the unweighted sum of ``T`` over crossings.
"""
from __future__ import annotations

import numpy as np

from equilibria import Theorem

from .firm import FirmProblem
from .reference import all_paths, evaluate_paths

__all__ = ["THEOREMS", "firm_cases"]

TOL = 1e-9


# ------------------------------------------------------------------------- strategies
def firm_cases(tariffs=("unit", "ad_valorem"), max_nodes=6, max_countries=3, two_taus=True, firms=1):
    """Hypothesis strategy: a technology, costs, trade costs, multipliers (and a tariff model)."""
    from hypothesis import strategies as st
    from hypothesis.extra.numpy import arrays

    @st.composite
    def build(draw):
        n = draw(st.integers(1, max_nodes))
        m = draw(st.integers(1, max_countries))
        if draw(st.booleans()):
            parents = list(range(1, n)) + [-1]
        else:
            topo = [draw(st.integers(v + 1, n - 1)) for v in range(n - 1)] + [-1]
            perm = draw(st.permutations(list(range(n))))
            parents = [0] * n
            for v in range(n):
                parents[perm[v]] = -1 if topo[v] == -1 else perm[topo[v]]
        value = st.one_of(st.integers(0, 10).map(float), st.floats(0, 10, allow_nan=False, allow_infinity=False))
        costs = draw(arrays(np.float64, (firms, n, m), elements=value))
        T = draw(arrays(np.float64, (m, m), elements=st.floats(0, 3, allow_nan=False)))
        np.fill_diagonal(T, 0.0)
        taus = sorted([draw(st.floats(0, 4, allow_nan=False)) for _ in range(2 if two_taus else 1)], reverse=True)
        profile = None
        if draw(st.booleans()):  # stage-dependent tau_v = tau * profile_v
            profile = draw(arrays(np.float64, (n,), elements=st.floats(0, 2, allow_nan=False)))
        return {"parents": parents, "costs": costs, "trade_costs": T, "taus": taus, "profile": profile,
                "tariff": draw(st.sampled_from(list(tariffs)))}

    return build()


def _problem(ex, tau):
    tau_v = tau if ex.get("profile") is None else tau * np.asarray(ex["profile"])
    return FirmProblem.create(len(ex["parents"]), ex["trade_costs"], tau_v, ex["parents"], ex["tariff"])


def _solve(ex, tau):
    return _problem(ex, tau).solve(ex["costs"])


def _scale(ex):
    return 1.0 + float(np.abs(ex["costs"]).sum()) * (1.0 + max(ex["taus"]) * 3.0) ** len(ex["parents"])


# ------------------------------------------------------------------------- predicates
def prop1(ex):
    """MC(tau_1) <= MC(tau_0) for tau_1 < tau_0."""
    hi, lo = ex["taus"]
    s0, s1 = _solve(ex, hi), _solve(ex, lo)
    assert np.all(s1.mc <= s0.mc + TOL * _scale(ex)), f"MC rose as tau fell: {s0.mc} -> {s1.mc}"


def _tq(ex, solution):
    """TQ with MC = NTMC + tau TQ: with tau_v = tau * profile_v it is sum_v profile_v T(c_v, c_parent)."""
    if ex.get("profile") is None:
        return solution.tq
    return evaluate_paths(ex["costs"], solution.path, ex["parents"], ex["trade_costs"], np.asarray(ex["profile"]),
                          ex["tariff"])["trade_cost"]


def lemma1(ex):
    """(tau_0 - tau_1)(TQ(tau_0) - TQ(tau_1)) <= 0: the transport quantity does not rise with tau."""
    hi, lo = ex["taus"]
    s0, s1 = _solve(ex, hi), _solve(ex, lo)
    tq0, tq1 = _tq(ex, s0), _tq(ex, s1)
    gap = (hi - lo) * (tq0 - tq1)
    assert np.all(gap <= TOL * _scale(ex)), f"TQ rose with tau: TQ({hi})={tq0}, TQ({lo})={tq1}"


def prop2(ex):
    """With offshoring at tau_0 (TQ > 0), MC(tau_0) - MC(tau_1) >= MC_A(tau_0) - MC_A(tau_1) > 0 (A: tau_0's path)."""
    hi, lo = ex["taus"]
    s0, s1 = _solve(ex, hi), _solve(ex, lo)
    p1 = _problem(ex, lo)
    at_lo = p1.evaluate(ex["costs"], s0.path)["mc"]  # tau_0's paths priced at tau_1
    drop = s0.mc - s1.mc
    direct = s0.mc - at_lo
    assert np.all(drop >= direct - TOL * _scale(ex)), f"total drop {drop} below the direct effect {direct}"
    strict = (s0.tq > 0) & (direct > TOL * _scale(ex))
    assert np.all(drop[strict] > 0), f"offshoring firm's MC did not fall: {s0.mc} -> {s1.mc}"


def prop3(ex):
    """If the unique optimal path changes as tau falls, NTMC falls (brute force decides uniqueness)."""
    hi, lo = ex["taus"]
    n, m = len(ex["parents"]), ex["trade_costs"].shape[0]
    paths = all_paths(n, m)
    for f in range(ex["costs"].shape[0]):
        values = []
        for tau in (hi, lo):
            tau_v = tau if ex.get("profile") is None else tau * np.asarray(ex["profile"])
            values.append(evaluate_paths(ex["costs"][f:f + 1], paths, ex["parents"], ex["trade_costs"], tau_v,
                                         ex["tariff"]))
        best = [np.argsort(v["mc"], kind="stable")[:2] for v in values]
        margin = TOL * _scale(ex)
        unique = all(len(b) == 1 or v["mc"][b[1]] - v["mc"][b[0]] > margin for b, v in zip(best, values))
        a, b = best[0][0], best[1][0]
        if unique and a != b:
            assert values[1]["ntmc"][b] < values[0]["ntmc"][a], (
                f"NTMC did not fall: path {paths[a]} (NTMC {values[0]['ntmc'][a]}) -> {paths[b]} "
                f"(NTMC {values[1]['ntmc'][b]})")


def prop5(ex):
    """sum_v min_j a_vj <= MC(tau) <= min_j sum_v a_vj for every tau >= 0 (trees too)."""
    s = _solve(ex, ex["taus"][0])
    lower = ex["costs"].min(axis=2).sum(axis=1)
    upper = ex["costs"].sum(axis=1).min(axis=1)
    tol = TOL * _scale(ex)
    assert np.all(lower <= s.mc + tol) and np.all(s.mc <= upper + tol), f"bounds {lower} <= {s.mc} <= {upper} fail"


def lemma2(ex):
    """A firm's labor demand in country k does not rise with w_k (costs a_vj = w_j x_vj).

    Labor in k is ``sum_{v in k} x_v`` for unit costs and ``sum_{v in k} x_v chi_v`` (quantity
    produced, eq. 8) for iceberg/ad-valorem costs.
    """
    hi = ex["taus"][0]
    k = int(ex["k"]) % ex["trade_costs"].shape[0]
    w0 = np.ones(ex["trade_costs"].shape[0])
    w1 = w0.copy()
    w1[k] += ex["raise"]
    problem = _problem(ex, hi)
    x = ex["costs"]
    labor = []
    for w in (w0, w1):
        s = problem.solve(x * w[None, None, :])
        only_k = np.where(np.arange(w.size) == k, x, 0.0)  # labor cost of country k's nodes at unit wage
        if ex["tariff"] == "unit":
            labor.append(evaluate_paths(only_k, s.path, ex["parents"], ex["trade_costs"], 0.0, "unit")["ntmc"])
        else:
            tau_v = hi if ex.get("profile") is None else hi * np.asarray(ex["profile"])
            e = evaluate_paths(only_k, s.path, ex["parents"], ex["trade_costs"], tau_v, "ad_valorem")
            labor.append(e["mc"])  # sum_v x_v 1{c_v = k} chi_v
    gap = ex["raise"] * (labor[1] - labor[0])
    assert np.all(gap <= TOL * _scale(ex) * (1 + ex["raise"])), f"labor in {k} rose with w_k: {labor[0]} -> {labor[1]}"


def prop9(ex):
    """Empirical MC distribution at tau_1 < tau_0 is first-order dominated (common draws)."""
    from .population import CostDistribution, draw_costs

    hi, lo = ex["taus"]
    dist = CostDistribution(ex["family"], ex["shape"], 1.0, ex["shape2"])
    costs = draw_costs(dist, ex["wages"], ex["n"], ex["seed"], 0, 200)
    T = np.ones((len(ex["wages"]),) * 2) - np.eye(len(ex["wages"]))
    mc = [np.sort(FirmProblem.create(ex["n"], T, tau, None, ex["tariff"]).solve(costs, validate=False).mc) for tau in (hi, lo)]
    # sorted samples: F_1(x) >= F_0(x) for all x  <=>  every order statistic is smaller
    assert np.all(mc[1] <= mc[0] * (1 + 1e-12)), "order statistics of MC rose as tau fell"


def iceberg_equivalence(ex):
    """Iceberg costs T_ice = 1 + tau T give the ad-valorem firm's MC and path (section 2.3.1)."""
    hi = ex["taus"][0]
    ex = dict(ex, tariff="ad_valorem", profile=None)
    s = _solve(ex, hi)
    n, m = len(ex["parents"]), ex["trade_costs"].shape[0]
    paths = all_paths(n, m)
    for f in range(ex["costs"].shape[0]):
        ice = evaluate_paths(ex["costs"][f:f + 1], paths, ex["parents"], 1.0 + hi * ex["trade_costs"], None, "iceberg")
        tol = TOL * _scale(ex)
        assert abs(ice["mc"].min() - s.mc[f]) <= tol, f"iceberg MC {ice['mc'].min()} vs ad-valorem {s.mc[f]}"
        own = np.flatnonzero((paths == s.path[f]).all(axis=1))[0]
        assert ice["mc"][own] <= ice["mc"].min() + tol, "the ad-valorem path is not optimal under iceberg costs"


# ------------------------------------------------------------------------- strategies with extras
def _lemma2_cases():
    from hypothesis import strategies as st

    return st.tuples(firm_cases(two_taus=False), st.integers(0, 2), st.floats(0.01, 3.0)).map(
        lambda t: dict(t[0], k=t[1], **{"raise": t[2]}))


def _prop9_cases():
    from hypothesis import strategies as st

    families = st.sampled_from(["pareto", "frechet", "lognormal", "gengamma"])
    return st.fixed_dictionaries({
        "family": families, "shape": st.floats(0.3, 4.0), "shape2": st.floats(0.5, 3.0),
        "wages": st.lists(st.floats(0.5, 2.0), min_size=1, max_size=3), "n": st.integers(1, 10),
        "seed": st.integers(0, 2 ** 31), "tariff": st.sampled_from(["unit", "ad_valorem"]),
        "taus": st.lists(st.floats(0, 3), min_size=2, max_size=2).map(lambda x: sorted(x, reverse=True)),
    })


THEOREMS = [
    Theorem(name="prop1_mc_monotone", statement="The firm's minimal marginal cost is non-decreasing in tau "
            "(snakes and trees; unit and ad-valorem costs; stage-dependent tau_v = tau * profile_v).",
            reference="Proposition 1", strategy=lambda: firm_cases(firms=3), predicate=prop1),
    Theorem(name="lemma1_tq_monotone", statement="The transport quantity TQ is non-increasing in tau (unit costs; "
            "FALSE for ad-valorem tariffs, see the docs).", reference="Lemma 1",
            strategy=lambda: firm_cases(tariffs=("unit",), firms=3), predicate=lemma1),
    Theorem(name="prop2_strict", statement="The fall in MC when tau falls is at least the direct effect on the old "
            "path, which is positive when the firm offshores (TQ > 0); unit and ad-valorem.",
            reference="Proposition 2", strategy=lambda: firm_cases(firms=3), predicate=prop2),
    Theorem(name="prop3_ntmc", statement="If the unique optimal path changes as tau falls, NTMC falls "
            "(unit costs, proven; ad-valorem: no counterexample found).", reference="Proposition 3",
            strategy=lambda: firm_cases(max_nodes=5), predicate=prop3),
    Theorem(name="prop5_bounds", statement="sum_v min_j a_vj <= MC(tau) <= min_j sum_v a_vj (unit and ad-valorem).",
            reference="Proposition 5", strategy=lambda: firm_cases(two_taus=False, firms=3), predicate=prop5),
    Theorem(name="lemma2_labor", statement="A firm's labor demand in k is non-increasing in w_k (unit costs; "
            "ad-valorem/iceberg with labor = quantity produced).", reference="Lemma 2",
            strategy=_lemma2_cases, predicate=lemma2),
    Theorem(name="prop9_fosd", statement="With common cost draws, the distribution of MC at a lower tau is "
            "first-order stochastically dominated by the one at a higher tau (four cost families).",
            reference="Proposition 9", strategy=_prop9_cases, predicate=prop9),
    Theorem(name="iceberg_equivalence", statement="Iceberg costs T_ice = 1 + tau T give the same optimal path "
            "and MC as the ad-valorem tariff tau T (snakes and trees).", reference="Section 2.3.1",
            strategy=lambda: firm_cases(tariffs=("ad_valorem",), max_nodes=5), predicate=iceberg_equivalence),
]
