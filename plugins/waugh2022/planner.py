"""The centralized planner's stationary allocation, Waugh (2022) section 1.6 and Appendix C.

A utilitarian planner with equal weights maximizes, each period (the problem has no
intertemporal link: there is no capital and λ_i(z) follows the exogenous chain, eq. 29),

    W = sum_i L_i sum_z λ_i(z) sum_j μ_ij(z) [u(c_ij(z)) + E(ε | j chosen)]              (28)

subject to the resource constraints A_j N_j >= sum_i d_ij sum_z c_ij(z) μ_ij(z) L_i λ_i(z)
(eq. 31-32). With type-1 extreme-value shocks E(ε | j) = σ(γ_E - log μ_ij) (γ_E is Euler's
constant, dropped below). The first-order conditions (eq. 75-77) give

    u'(c_ij) = χ_j d_ij          ->  c_ij = (χ_j d_ij)^(-1/γ), the same for every z,
    μ_ij ∝ exp([u(c_ij) - χ_j d_ij c_ij] / σ),

and the M multipliers χ_j solve the M resource constraints. Efficiency units N_j are
L_j sum_z z λ_j(z) (eq. 30 omits the z; we read it as efficiency units, as in eq. 13).

Writing x_ij = c_ij μ_ij, the objective μ u(x/μ) - σ μ log μ is jointly concave and the
constraints are linear, so this allocation is the planner's optimum also among allocations
that condition on more than z (such as the decentralized one, which depends on assets): the
planner's per-period welfare is at least the decentralized one's (checked as a theorem).
"""
from __future__ import annotations

import numpy as np

from equilibria.errors import ParameterError
from equilibria.numerics import stationary_distribution as markov_stationary
from equilibria.numerics.roots import find_root
from equilibria.planner import Planner, PlannerSolution

from .household import utility
from .params import WaughParameters
from .stationary import country_responses

__all__ = ["CentralizedPlanner", "planner_trade_elasticities", "decentralized_welfare"]


class CentralizedPlanner(Planner):
    """Stationary planner allocation of section 1.6 (logit preferences)."""

    def __init__(self, params: WaughParameters):
        if params.preferences != "logit":
            raise ParameterError("preferences", "the planner of section 1.6 is written for logit choice", params.preferences)
        self.params = params
        z, transition = params.income_chain
        self.efficiency = params.labor * float(markov_stationary(transition) @ z)     # N_j, eq. (30)

    def allocation(self, chi):
        """Consumption c_ij, choice shares μ_ij and the per-household objective for multipliers χ."""
        p = self.params
        gamma, sigma = p.risk_aversion, p.taste_dispersion
        cost = chi[None, :] * p.trade_costs                        # χ_j d_ij
        c = cost ** (-1.0 / gamma)                                 # eq. (76)
        score = (utility(c, gamma) - cost * c) / sigma
        score -= score.max(axis=1, keepdims=True)
        log_mu = score - np.log(np.exp(score).sum(axis=1, keepdims=True))  # finite where μ underflows to 0
        mu = np.exp(log_mu)
        per_household = np.sum(mu * (utility(c, gamma) - sigma * log_mu), axis=1)
        return c, mu, per_household

    def excess(self, log_chi):
        c, mu, _ = self.allocation(np.exp(log_chi))
        p = self.params
        use = np.sum(p.labor[:, None] * p.trade_costs * c * mu, axis=0)      # eq. (32)
        supply = p.productivity * self.efficiency                           # eq. (31)
        return use / supply - 1.0

    def solve(self, tol: float = 1e-10) -> PlannerSolution:
        """The multipliers χ (in logs) that meet the resource constraints (31)-(32), by ``hybr``."""
        result = find_root(self.excess, np.zeros(self.params.countries), method="hybr", tol=tol,
                           options={"xtol": 1e-14}, what="planner: resource constraints (eq. 31-32)")
        report = result.report
        chi = np.exp(result.x)
        c, mu, per_household = self.allocation(chi)
        value = chi[None, :] * self.params.trade_costs * c * mu         # at shadow prices
        shares = value / value.sum(axis=1, keepdims=True)
        objective = float(np.sum(self.params.labor * per_household))
        return PlannerSolution(allocation={"multipliers": chi, "consumption": c, "choice_shares": mu,
                                           "trade_shares": shares, "welfare_per_household": per_household},
                               objective=objective, report=report)


def planner_trade_elasticities(params: WaughParameters, step: float = 1e-4,
                               general_equilibrium: bool = False) -> dict:
    """d log(s_ij/s_ii) / d log d_ij of the planner's expenditure shares at shadow prices.

    Partial (default, the definition of eq. 53): multipliers χ held at the baseline optimum;
    with log utility this is exactly -1/σ = -θ. With ``general_equilibrium`` the planner's
    problem is re-solved after the change in d_ij (χ adjusts).
    """
    base = CentralizedPlanner(params).solve().allocation["multipliers"]
    out = {}
    m = params.countries
    for i in range(m):
        for j in range(m):
            if i == j:
                continue

            def ratio(h):
                d = np.array(params.trade_costs, float)
                d[i, j] *= np.exp(h)
                planner = CentralizedPlanner(params.replace(trade_costs=d))
                if general_equilibrium:
                    s = planner.solve().allocation["trade_shares"]
                else:
                    c, mu, _ = planner.allocation(base)
                    v = base[None, :] * planner.params.trade_costs * c * mu
                    s = v / v.sum(axis=1, keepdims=True)
                return np.log(s[i, j] / s[i, i])
            out[(i, j)] = float((ratio(step) - ratio(-step)) / (2 * step))
    return out


def decentralized_welfare(params: WaughParameters, equilibrium) -> float:
    """The planner's per-period objective (28) evaluated at a decentralized stationary allocation."""
    total = 0.0
    for i, r in enumerate(country_responses(equilibrium.responses, params.countries)):
        if r.solution is not None:
            sol, dist = r.solution, r.distribution
            c = sol.consumption
            pi = np.clip(sol.probabilities, 1e-300, None)
            flow = np.sum(pi * (utility(c, params.risk_aversion) - params.taste_dispersion * np.log(pi)), axis=0)
            total += params.labor[i] * float(np.sum(dist * flow))
        else:
            raise ParameterError("model", "decentralized_welfare needs 'incomplete_markets'", params.model)
    return total
