"""General equilibrium of section 4: quasilinear-CES demand, markups, free entry, welfare.

Preferences ``U = Q^zeta / zeta + q0`` with ``Q`` a CES aggregate (elasticity ``sigma``) give

* demand for a variety (eq. 11, corrected -- see the docs' "Reading of the source"):
  ``q(p) = P^{(sigma - 1 - zeta sigma) / (1 - zeta)} p^{-sigma}``;
* constant markups (eq. 12): ``p = sigma / (sigma - 1) MC``;
* the effective marginal cost ``MC~ = (E[MC^{1 - sigma}])^{1 / (1 - sigma)}`` (the average
  that makes ``P = p(MC~) S^{-1/(sigma-1)}`` with ``S`` the mass of firms);
* free entry ``E[pi] = f_s`` which pins the price index
  ``P = (sigma f_s)^{(1-zeta)/(sigma-1-zeta sigma)} p~^{(sigma-1)(1-zeta)/(sigma-1-zeta sigma)}``,
  the mass of firms ``S = (p~ / P)^{sigma - 1}`` and welfare
  ``W = E + (1 - zeta)/zeta P^{-zeta/(1-zeta)}``;
* gains (eq. 13): ``d ln(W - E) = -zeta (sigma - 1)/(sigma - 1 - zeta sigma) d ln MC~``.

:class:`FreeEntryEconomy` solves the same free-entry condition with the core's
:class:`~equilibria.Economy` (one price, the price index, cleared by the entry market), which
the tests compare with the closed form.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import Agent, Economy, Market
from equilibria.errors import ParameterError

__all__ = ["effective_mc", "demand_exponent", "welfare_elasticity", "gains_shares", "GeneralEquilibrium",
           "general_equilibrium", "free_entry_report", "FreeEntryEconomy", "EntryValue", "sales"]


def _check(sigma, zeta):
    if not sigma > 1:
        raise ParameterError("sigma", "must be greater than 1", sigma)
    if not 0 < zeta < (sigma - 1) / sigma:
        raise ParameterError("zeta", "must lie in (0, (sigma - 1) / sigma)", zeta)


def effective_mc(mc, sigma) -> float:
    """``MC~ = (mean MC^{1-sigma})^{1/(1-sigma)}``: the sales-weighted average cost of section 4.4."""
    mc = np.asarray(mc, dtype=float)
    return float(np.mean(mc ** (1.0 - sigma)) ** (1.0 / (1.0 - sigma)))


def demand_exponent(sigma, zeta) -> float:
    """Exponent of ``P`` in the demand for a variety, ``(sigma - 1 - zeta sigma)/(1 - zeta)``."""
    return (sigma - 1.0 - zeta * sigma) / (1.0 - zeta)


def welfare_elasticity(sigma, zeta) -> float:
    """``-d ln(W - E) / d ln MC~ = zeta (sigma - 1)/(sigma - 1 - zeta sigma)`` (eq. 13)."""
    _check(sigma, zeta)
    return zeta * (sigma - 1.0) / (sigma - 1.0 - zeta * sigma)


def gains_shares(sigma, zeta) -> dict:
    """Split of ``d ln P`` into lower prices (variety fixed) and more varieties.

    ``d ln P = d ln p~ - d ln S / (sigma - 1)``; the price share is
    ``(sigma - 1 - zeta sigma)/((1 - zeta)(sigma - 1))`` and the variety share
    ``zeta/((1 - zeta)(sigma - 1))`` (the paper prints them the other way round).
    """
    _check(sigma, zeta)
    price = (sigma - 1.0 - zeta * sigma) / ((1.0 - zeta) * (sigma - 1.0))
    return {"prices": price, "variety": 1.0 - price}


def sales(mc, price_index, sigma, zeta):
    """Revenue of a firm with marginal cost ``mc``: ``r = P^{e} p^{1-sigma}``, ``p = sigma/(sigma-1) mc``."""
    p = sigma / (sigma - 1.0) * np.asarray(mc, dtype=float)
    return price_index ** demand_exponent(sigma, zeta) * p ** (1.0 - sigma)


@attrs.frozen
class GeneralEquilibrium:
    """Aggregates of the free-entry equilibrium (section 4.4)."""

    effective_mc: float
    price_index: float
    mass_of_firms: float
    welfare: float
    consumer_surplus: float  # W - E
    consumption_index: float
    numeraire_consumption: float
    expected_profit: float

    def to_dict(self):
        return attrs.asdict(self)


def general_equilibrium(mc, sigma, zeta, sunk_cost, expenditure) -> GeneralEquilibrium:
    """Closed-form free-entry equilibrium given the distribution of marginal costs ``mc`` (a sample)."""
    _check(sigma, zeta)
    mct = effective_mc(mc, sigma)
    p_tilde = sigma / (sigma - 1.0) * mct
    denom = sigma - 1.0 - zeta * sigma
    P = (sigma * sunk_cost) ** ((1.0 - zeta) / denom) * p_tilde ** ((sigma - 1.0) * (1.0 - zeta) / denom)
    S = (p_tilde / P) ** (sigma - 1.0)
    Q = P ** (-1.0 / (1.0 - zeta))
    surplus = (1.0 - zeta) / zeta * P ** (-zeta / (1.0 - zeta))
    expected_profit = float(np.mean(sales(mc, P, sigma, zeta))) / sigma
    return GeneralEquilibrium(effective_mc=mct, price_index=float(P), mass_of_firms=float(S),
                              welfare=float(expenditure + surplus), consumer_surplus=float(surplus),
                              consumption_index=float(Q), numeraire_consumption=float(expenditure - P * Q),
                              expected_profit=expected_profit)


@attrs.frozen
class EntryValue:
    """The entrants' response to a price index: expected operating profit ``E[r(MC)]/sigma``."""

    expected_profit: float


class _Entrants(Agent):
    """Potential entrants: expected profit ``E[r(MC)]/sigma`` at a price index (eq. 11-12)."""

    name = "entrants"

    def __init__(self, mc, sigma, zeta):
        self.mc, self.sigma, self.zeta = np.asarray(mc, float), sigma, zeta

    def respond(self, prices) -> EntryValue:
        P = float(prices["price_index"][0])
        return EntryValue(float(np.mean(sales(self.mc, P, self.sigma, self.zeta))) / self.sigma)


class _FreeEntry(Market):
    """Entry until expected profit equals the sunk cost; relative excess ``E[pi]/f_s - 1``."""

    name = "free entry"
    price = "price_index"

    def __init__(self, sunk_cost):
        self.sunk_cost = sunk_cost

    def excess_demand(self, responses, prices):
        return np.array([responses[_Entrants.name].expected_profit / self.sunk_cost - 1.0])


def free_entry_report(mc, equilibrium: GeneralEquilibrium, params, tol: float = 1e-10):
    """How well the closed form meets free entry: the relative excess profit ``E[pi]/f_s - 1`` at its ``P``.

    The closed form of :func:`general_equilibrium` involves no iteration; the report's residual is the
    free-entry market's excess (:class:`FreeEntryEconomy`) evaluated at the closed-form price index.
    """
    from equilibria.numerics.roots import solve_report

    economy = FreeEntryEconomy(mc, params.sigma, params.zeta, params.sunk_cost)
    residual = economy.residuals({"price_index": np.array([equilibrium.price_index])})
    norm = float(np.max(np.abs(residual)))
    return solve_report("closed form (section 4.4)", residual_norm=norm, tolerance=tol, iterations=0, evaluations=1,
                        history=(norm,), message="free entry evaluated at the closed-form price index")


class FreeEntryEconomy(Economy):
    """Free entry (section 4.4) as a core :class:`~equilibria.Economy`: the price index clears entry."""

    def __init__(self, mc, sigma, zeta, sunk_cost):
        _check(sigma, zeta)
        self.sigma, self.zeta = sigma, zeta
        guess = sigma / (sigma - 1.0) * effective_mc(mc, sigma)
        super().__init__([_Entrants(mc, sigma, zeta)], [_FreeEntry(sunk_cost)], {"price_index": [guess]},
                         positive={"price_index"})

    def aggregates(self, responses, prices):
        P = float(prices["price_index"][0])
        return {"mass_of_firms": (self.sigma / (self.sigma - 1.0) * effective_mc(self.agents[0].mc, self.sigma) / P)
                ** (self.sigma - 1.0)}
