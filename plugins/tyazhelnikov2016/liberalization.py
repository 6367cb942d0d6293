"""Trade liberalisation and its decomposition (section 5.3, steps 6-8; eq. 13).

With common cost draws, every firm is solved at ``tau_0`` and at ``tau_1``; the *total*
change of the effective marginal cost is ``ln(MC~(tau_1) / MC~(tau_0))``; the *direct*
change keeps every firm's ``tau_0`` path and prices it at ``tau_1``.  By Propositions 1 and 3
each firm's direct fall is at most its total fall; the share of the gains due to
fragmentation (re-optimised paths) is ``1 - dln MC~_direct / dln MC~_total``.
"""
from __future__ import annotations

import numpy as np

from .ge import effective_mc, general_equilibrium, welfare_elasticity
from .population import CostDistribution, draw_costs, simulate

__all__ = ["decompose"]


def decompose(params, tau_new: float, executor=None, chunk_size: int = 50_000) -> dict:
    """Steps 6-8 of section 5.3 for the economy ``params`` (at ``params.tau``) and ``tau_new``."""
    dist = CostDistribution.from_params(params)
    old_problem = params.problem()
    new_problem = params.replace(tau=tau_new).problem()
    old = simulate(old_problem, dist, params.wages, params.n_firms, params.seed, executor, chunk_size)
    new = simulate(new_problem, dist, params.wages, params.n_firms, params.seed, executor, chunk_size)
    # step 7: old paths priced at the new trade costs (costs redrawn: same seed, same numbers)
    direct_mc = np.empty(params.n_firms)
    for start in range(0, params.n_firms, chunk_size):
        stop = min(start + chunk_size, params.n_firms)
        costs = draw_costs(dist, params.wages, params.n_stages, params.seed, start, stop)
        direct_mc[start:stop] = new_problem.evaluate(costs, old.solution.path[start:stop])["mc"]
    sigma, zeta = params.sigma, params.zeta
    out = {}
    for label, weight in (("effective", sigma), ("mean", None)):
        avg = (lambda mc: effective_mc(mc, sigma)) if weight else (lambda mc: float(np.mean(mc)))
        m0, m1, md = avg(old.mc), avg(new.mc), avg(direct_mc)
        total, direct = np.log(m1 / m0), np.log(md / m0)
        out[label] = {"mc_old": m0, "mc_new": m1, "mc_direct": md, "dln_total": float(total),
                      "dln_direct": float(direct),
                      "fragmentation_share": float(1.0 - direct / total) if total != 0 else float("nan")}
    ge0 = general_equilibrium(old.mc, sigma, zeta, params.sunk_cost, params.expenditure)
    ge1 = general_equilibrium(new.mc, sigma, zeta, params.sunk_cost, params.expenditure)
    eff = out["effective"]
    out.update(
        tau_old=float(params.tau), tau_new=float(tau_new),
        welfare_elasticity=welfare_elasticity(sigma, zeta),
        dln_consumer_surplus_eq13=float(-welfare_elasticity(sigma, zeta) * eff["dln_total"]),
        dln_consumer_surplus_exact=float(np.log(ge1.consumer_surplus / ge0.consumer_surplus)),
        welfare_old=ge0.welfare, welfare_new=ge1.welfare,
        dln_mass_of_firms=float(np.log(ge1.mass_of_firms / ge0.mass_of_firms)),
        share_firms_changing_path=float(np.mean(np.any(old.solution.path != new.solution.path, axis=1))),
        share_offshoring_old=float(np.mean(old.solution.crossings > 0)),
        share_offshoring_new=float(np.mean(new.solution.crossings > 0)),
        firms_direct_above_total=int(np.sum(direct_mc < new.mc - 1e-9 * new.mc)),
    )
    return out
