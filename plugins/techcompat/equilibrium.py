"""General equilibrium: wages clear labor markets (core :class:`~equilibria.Economy`).

Agent: :class:`ProductionNetwork`, every firm of every region-sector at given wages -- the
technology equilibrium (:mod:`.technology`) and the flows it implies (:mod:`.accounts`).
Market: :class:`LaborMarkets`, labor demand minus supply in every region; region 0's wage is
the numeraire and its market is implied by Walras' law.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import Agent, ConvergenceError, Economy, Market, ParameterError

from .accounts import Accounts, accounts
from .model import Model
from .technology import TechnologyState, solve_technology

__all__ = ["ProductionNetwork", "NetworkResponse", "LaborMarkets", "TechEconomy", "solve_equilibrium", "WAGES"]

WAGES = "wages"


@attrs.frozen(kw_only=True, eq=False)
class NetworkResponse:
    """Every firm's response to wages: the technology equilibrium and the flows it implies."""

    technology: TechnologyState
    accounts: Accounts


class ProductionNetwork(Agent):
    """All firms at given wages: costs, technology choice (those in ``respond``), sourcing, sales.

    The last technology state is kept as the warm start of the next call; :meth:`reset` (the core's
    :meth:`~equilibria.Agent.reset` hook) goes back to the state given at construction.
    """

    name = "production"

    def __init__(self, model: Model, respond=True, fixed_choice=None, start: TechnologyState | None = None,
                 technology: str = "full"):
        self.model = model
        self.solver = _technology_solver(technology)
        self.respond_mask = respond
        self.fixed_choice = fixed_choice
        self._initial = start
        self._last = start

    def reset(self) -> None:
        self._last = self._initial

    def respond(self, prices) -> NetworkResponse:
        wages = np.asarray(prices[WAGES], dtype=float)
        state = self.solver(self.model, wages, start=self._last, respond=self.respond_mask,
                            fixed_choice=self.fixed_choice)
        self._last = state
        return NetworkResponse(technology=state, accounts=accounts(self.model, state))


class LaborMarkets(Market):
    """Labor demand / supply - 1 in every region."""

    name = "labor markets"
    price = WAGES

    def __init__(self, model: Model):
        self.labor = model.params.labor

    def excess_demand(self, responses, prices):
        return responses[ProductionNetwork.name].accounts.labor_demand / self.labor - 1.0


class TechEconomy(Economy):
    """Wages (region 0 = 1) that clear every labor market."""

    def __init__(self, model: Model, respond=True, fixed_choice=None, start=None, wages=None, technology="full"):
        self.model = model
        self.network = ProductionNetwork(model, respond, fixed_choice, start, technology)
        n = model.shape[0]
        guess = np.ones(n) if wages is None else np.asarray(wages, dtype=float) / float(wages[0])
        super().__init__([self.network], [LaborMarkets(model)], {WAGES: guess}, numeraire=(WAGES, 0),
                         positive=[WAGES])

    def aggregates(self, responses, prices):
        response = responses[ProductionNetwork.name]
        return {"technology": response.technology, "accounts": response.accounts}


def _technology_solver(technology: str):
    if technology == "full":
        return solve_technology
    if technology == "quadratic":
        from .quadratic import solve_technology_quadratic

        return solve_technology_quadratic
    raise ParameterError("technology", "must be 'full' or 'quadratic'", technology)


def solve_equilibrium(model: Model, *, respond=True, fixed_choice=None, start=None, wages=None, tol=1e-9,
                      technology="full"):
    """The general equilibrium; returns the core :class:`~equilibria.Equilibrium` (aggregates:
    ``technology`` and ``accounts``). ``technology="quadratic"`` takes firms' technology from the
    quadratic-normal approximation (:mod:`.quadratic`)."""
    economy = TechEconomy(model, respond=respond, fixed_choice=fixed_choice, start=start, wages=wages,
                          technology=technology)
    try:   # Broyden's method needs no finite-difference Jacobian: ~15 evaluations on WIOD-sized economies
        return economy.solve(method="broyden1", tol=tol, maxiter=100)
    except ConvergenceError:   # hybr from the starting technology, not from where Broyden stopped
        return economy.solve(method="hybr", tol=tol, options={"xtol": 1e-11}, fresh=True)
