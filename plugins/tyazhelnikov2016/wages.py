"""Endogenous wages (section 3.5, Proposition 8) on the core Economy/Market machinery.

Each firm's costs are ``a_vj = w_j x_vj`` (``x``: labor per unit of node ``v`` in country
``j``); its per-unit labor demand in ``k`` is ``L_Dk = sum_{v: c_v = k} x_vk`` (section 3.5).
Country ``k``'s labor demand aggregates over the population, each firm weighted by its output
(``"unit"``: one unit per firm; ``"ces"``: ``q ~ MC^{-sigma}``, the CES demand of eq. 11-12 up
to a common factor).  With inelastic labor supplies ``L_k`` and the wage of country 1 the
numeraire (``w_1 = 1``), the labor markets clear in shares:

    excess_k(w) = D_k(w) / sum_j D_j(w) - L_k / sum_j L_j,

whose sum is identically zero (Walras' law), so the market of the numeraire is dropped.
With finitely many simulated firms the demand is a step function of the wages; markets clear
up to the labor share of the largest single firm (the default tolerance).
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import Agent, Economy, Market
from equilibria.errors import ParameterError

from .firm import FirmProblem, FirmSolution

__all__ = ["FirmPopulation", "LaborDemand", "LaborMarkets", "WageEconomy", "solve_wages"]


@attrs.frozen(kw_only=True, eq=False)
class LaborDemand:
    """The firms' response to wages: output-weighted labor demand by country (section 3.5)."""

    by_country: np.ndarray     # (M,) sum over firms of weight x per-unit labor demand L_Dk
    per_firm: np.ndarray       # (F, M) each firm's weighted labor demand by country
    solution: FirmSolution     # the firms' optimal paths at these wages


class FirmPopulation(Agent):
    """A population of firms with labor requirements ``x`` (F, N, M) facing wages."""

    name = "firms"

    def __init__(self, problem: FirmProblem, labor_requirements, output="unit", sigma=4.0):
        if output not in ("unit", "ces"):
            raise ParameterError("output", "must be 'unit' or 'ces'", output)
        self.problem = problem
        self.x = np.ascontiguousarray(labor_requirements, dtype=float)
        self.output, self.sigma = output, float(sigma)

    def per_firm_labor(self, wages):
        """``(F, M)`` per-unit labor demand of every firm and the solution at ``wages``."""
        w = np.asarray(wages, dtype=float)
        sol = self.problem.solve(self.x * w[None, None, :], validate=False)
        chosen = np.take_along_axis(self.x, sol.path[:, :, None].astype(np.int64), axis=2)[:, :, 0]
        F, N = chosen.shape
        labor = np.zeros((F, w.size))
        np.add.at(labor, (np.repeat(np.arange(F), N), sol.path.ravel()), chosen.ravel())
        return labor, sol

    def respond(self, prices) -> LaborDemand:
        labor, sol = self.per_firm_labor(prices["wages"])
        weight = np.ones(labor.shape[0]) if self.output == "unit" else sol.mc ** (-self.sigma)
        weight = weight / weight.sum()
        return LaborDemand(by_country=weight @ labor, per_firm=labor * weight[:, None], solution=sol)


class LaborMarkets(Market):
    """Labor markets of all countries, cleared in shares by the wage vector."""

    name = "labor"
    price = "wages"

    def __init__(self, labor_supply):
        self.labor_supply = np.asarray(labor_supply, dtype=float)

    def excess_demand(self, responses, prices):
        demand = responses[FirmPopulation.name].by_country
        return demand / demand.sum() - self.labor_supply / self.labor_supply.sum()


class WageEconomy(Economy):
    """Firms + labor markets, ``w_1 = 1`` (section 3.5)."""

    def __init__(self, population: FirmPopulation, labor_supply):
        L = np.asarray(labor_supply, dtype=float)
        if L.ndim != 1 or L.size != population.problem.n_countries or np.any(~np.isfinite(L)) or np.any(L <= 0):
            raise ParameterError("labor_supply", "must hold one positive number per country", labor_supply)
        super().__init__([population], [LaborMarkets(L)], {"wages": np.ones(L.size)}, numeraire=("wages", 0),
                         positive={"wages"})

    def granularity(self, wages=None) -> float:
        """Largest labor share of a single firm: the resolution of market clearing."""
        w = np.ones(self.price_guess["wages"].size) if wages is None else wages
        per_firm = self.agents[0].respond({"wages": w}).per_firm
        return float(per_firm.sum(axis=1).max() / per_firm.sum())

    def aggregates(self, responses, prices):
        response = responses[FirmPopulation.name]
        sol, demand = response.solution, response.by_country
        return {"labor_shares": (demand / demand.sum()).tolist(), "mean_mc": float(sol.mc.mean()),
                "share_offshoring": float(np.mean(sol.crossings > 0))}


def solve_wages(problem: FirmProblem, labor_requirements, labor_supply, output="unit", sigma=4.0, tol=None,
                bracket=(1e-3, 1e3)):
    """Wages clearing the labor markets (Proposition 8); brentq for two countries, hybr otherwise."""
    economy = WageEconomy(FirmPopulation(problem, labor_requirements, output, sigma), labor_supply)
    if tol is None:
        tol = 2.0 * economy.granularity() + 1e-12
    if problem.n_countries == 2:
        return economy.solve(method="brentq", bracket=bracket, tol=tol), economy
    return economy.solve(method="hybr", tol=tol, options={"eps": 1e-3}), economy
