"""The paper's numerical examples: Proposition 4 (re-shoring) and Proposition 7 (FTA).

Both are checked by the dynamic program *and* by enumerating every path, so the report says
whether the printed paths are really optimal at the stated numbers.
"""
from __future__ import annotations

import numpy as np

from .firm import solve_firms
from .reference import all_paths, evaluate_paths
from .technology import chain_parents

__all__ = ["PROP4_COSTS", "prop4_paths", "prop4_breakpoints", "PROP7", "prop7_analysis"]

#: Proposition 4: a_1 = (4, 4, 4, 4, 4) (country 1), a_2 = (10, 2, 5, 2, 10) (country 2); rows are stages.
PROP4_COSTS = np.array([[4.0, 10.0], [4.0, 2.0], [4.0, 5.0], [4.0, 2.0], [4.0, 10.0]])
PROP4_TRADE = np.array([[0.0, 1.0], [1.0, 0.0]])
#: The paper's statement (countries 1-based): tau >= 1.5 -> 11111; 0.5 <= tau < 1.5 -> 12221; tau < 0.5 -> 12121.
PROP4_CLAIM = [(1.5, np.inf, (1, 1, 1, 1, 1)), (0.5, 1.5, (1, 2, 2, 2, 1)), (0.0, 0.5, (1, 2, 1, 2, 1))]


def prop4_paths(taus):
    """Optimal path, MC, NTMC and TQ of the Proposition 4 firm at each ``tau``."""
    rows = []
    for tau in taus:
        sol = solve_firms(PROP4_COSTS, PROP4_TRADE, float(tau))
        every = evaluate_paths(PROP4_COSTS[None], all_paths(5, 2), chain_parents(5), PROP4_TRADE, float(tau))["mc"]
        optimal = np.flatnonzero(np.isclose(every, every.min(), rtol=0, atol=1e-12))
        rows.append(dict(tau=float(tau), path=[int(c) + 1 for c in sol.path[0]], marginal_cost=float(sol.mc[0]),
                         ntmc=float(sol.ntmc[0]), tq=float(sol.tq[0]), n_optimal_paths=int(optimal.size)))
    return rows


def prop4_breakpoints(tau_max=3.0):
    """Exact values of tau where the optimal path changes (MC is the lower envelope of lines).

    Every path's cost is ``NTMC + tau TQ``; the envelope's kinks are found by walking down the
    lower envelope from ``tau_max`` (a small exact computation over all 32 paths).
    """
    paths = all_paths(5, 2)
    stats = evaluate_paths(PROP4_COSTS[None], paths, chain_parents(5), PROP4_TRADE, 1.0)
    ntmc, tq = stats["ntmc"], stats["tq"]
    tau = tau_max
    breaks = []
    while True:
        cost = ntmc + tau * tq
        current = np.flatnonzero(np.isclose(cost, cost.min(), atol=1e-12))
        k = current[np.argmax(tq[current])]  # the line that stays optimal just below tau
        # the next kink: the largest tau' < tau where a line with smaller TQ... crosses from below
        cand = tq > tq[k]
        if not cand.any():
            break
        crossing = (ntmc[k] - ntmc[cand]) / (tq[cand] - tq[k])
        crossing = crossing[crossing < tau - 1e-12]
        if crossing.size == 0 or crossing.max() < 0:
            break
        tau = float(crossing.max())
        breaks.append(tau)
    return breaks


#: Proposition 7: trade costs tau_12 = 2 (then 1), tau_13 = 2, tau_23 = 0.5; costs as printed.
PROP7 = dict(
    trade_before=np.array([[0.0, 2.0, 2.0], [2.0, 0.0, 0.5], [2.0, 0.5, 0.0]]),
    trade_after=np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 0.5], [2.0, 0.5, 0.0]]),
    printed=np.array([[2.0, 7.0, 2.0], [8.0, 5.0, 8.0], [8.0, 8.0, 2.0]]),  # printed[j-1][k-1] = a_{jk}
    claim_before=(1, 1, 1),
    claim_after=(1, 2, 3),
)


def prop7_analysis():
    """Optimal paths before/after the 1-2 liberalisation under both readings of ``a_{jk}``.

    Reading "country, part" (``a_{jk}``: country ``j``, part ``k``; the text says "for country
    1") and reading "part, country" (``a_{jk}``: part ``j``, country ``k``, the notation of
    section 2).  Returns, per reading, the optimal paths (1-based countries), their costs, the
    cost of the paths the paper prints, and whether the printed paths are the unique optima.
    """
    out = {}
    readings = {"country_part": PROP7["printed"].T, "part_country": PROP7["printed"]}
    paths = all_paths(3, 3)
    for name, costs in readings.items():
        entry = {"costs_stage_by_country": costs.tolist()}
        for when in ("before", "after"):
            T = PROP7[f"trade_{when}"]
            sol = solve_firms(costs, T, 1.0)
            every = evaluate_paths(costs[None], paths, chain_parents(3), T, 1.0)["mc"]
            best = every.min()
            optimal = [tuple(int(c) + 1 for c in paths[i]) for i in np.flatnonzero(np.isclose(every, best, atol=1e-12))]
            claim = PROP7[f"claim_{when}"]
            claim_cost = float(every[np.flatnonzero((paths + 1 == np.array(claim)).all(axis=1))[0]])
            entry[when] = dict(path=[int(c) + 1 for c in sol.path[0]], marginal_cost=float(sol.mc[0]),
                               optimal_paths=[list(p) for p in optimal], claimed_path=list(claim),
                               claimed_path_cost=claim_cost, claim_is_unique_optimum=optimal == [claim])
        before_prod = np.bincount(np.array(entry["before"]["path"]) - 1, minlength=3)
        after_prod = np.bincount(np.array(entry["after"]["path"]) - 1, minlength=3)
        entry["parts_in_country_3_before"] = int(before_prod[2])
        entry["parts_in_country_3_after"] = int(after_prod[2])
        entry["proposition_holds"] = bool(after_prod[2] > before_prod[2])
        out[name] = entry
    return out
