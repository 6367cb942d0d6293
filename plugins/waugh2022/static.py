"""The static logit trade model of Waugh (2022), Appendix A, built on the core.

Households in country i choose one national variety j with a logit choice (eq. 44-47) or, in the
CES variant, consume a CES bundle (eq. 34-39); competitive firms price at unit cost (eq. 2-3);
wages clear the goods markets (eq. 22). Tariff revenue is rebated lump-sum to the buyer's
households. The wage of country 0 is the numeraire.
"""
from __future__ import annotations

from typing import Mapping

import attrs
import numpy as np

from equilibria import Agent, Economy, Market
from equilibria.numerics import logit

from .params import WaughParameters

__all__ = ["StaticHouseholds", "GoodsMarket", "StaticTradeEconomy", "consumer_prices", "solve_static",
           "partial_trade_elasticity", "general_equilibrium_trade_elasticity"]


def consumer_prices(params: WaughParameters, wages: np.ndarray) -> np.ndarray:
    """p_ij = d_ij (1 + τ_ij) w_j / A_j, eq. (3): what buyer i pays for the good of j."""
    return params.trade_costs * (1.0 + params.tariff_matrix) * (wages / params.productivity)[None, :]


@attrs.frozen
class HouseholdResponse:
    """Country-level demand of the static households at given wages."""

    prices: np.ndarray          # p_ij, (M, M)
    shares: np.ndarray          # expenditure shares π_ij, rows sum to one (eq. 47 / 37)
    expenditure: np.ndarray     # E_i = w_i L_i + T_i, total consumer spending of country i
    tariff_revenue: np.ndarray  # T_i
    welfare: np.ndarray         # real income per efficiency unit (consumption units, eq. 55-60)
    scale: float = 1.0          # max_i L_i: spending is summed in units of it, so no sum overflows
    spending: np.ndarray = None  # E_i / max_i L_i


def _labor_scale(labor: np.ndarray) -> float:
    """max_i L_i; the model is homogeneous in L, so market clearing is computed in units of it."""
    return float(np.max(labor))


class StaticHouseholds(Agent):
    """All households of every country (static, log utility; eq. 44-51).

    With log utility the wage and efficiency units cancel from the choice probabilities, so a
    country's expenditure shares are the choice probabilities π_ij = p_ij^{-θ} / Σ_k p_ik^{-θ},
    computed with the logit kernel from the choice values v_ij = log(e_i / p_ij) (eq. 44); the
    kernel's log-sum is expected utility (eq. 55), whose exponential is welfare in consumption
    units (eq. 60). Expenditure includes the lump-sum tariff rebate:
    E_i = w_i L_i + Σ_j τ_ij / (1 + τ_ij) π_ij E_i.
    """

    name = "households"

    def __init__(self, params: WaughParameters):
        self.params = params

    def shares_and_index(self, prices: np.ndarray, income: np.ndarray):
        """Expenditure shares and welfare per unit of income (the inverse of the price index)."""
        p = self.params
        if p.preferences == "logit":
            values = np.log(income)[:, None] - np.log(prices)            # v_ij of eq. (44), z = 1
            shares, logsum = logit(values, p.taste_dispersion)              # eq. (45)-(47), (55)
            return shares, np.exp(logsum)                                   # eq. (60) before the rebate
        eta = p.substitution_elasticity
        weights = prices ** (1.0 - eta)
        index = weights.sum(axis=1) ** (1.0 / (1.0 - eta))                  # P_i, eq. (36)
        return weights / weights.sum(axis=1, keepdims=True), income / index  # eq. (37)

    def respond(self, prices: Mapping[str, np.ndarray]) -> HouseholdResponse:
        p = self.params
        wages = prices["wages"]
        price = consumer_prices(p, wages)
        scale = _labor_scale(p.labor)
        labor = p.labor / scale
        shares, _ = self.shares_and_index(price, wages)
        tariff_share = (shares * p.tariff_matrix / (1.0 + p.tariff_matrix)).sum(axis=1)
        expenditure = wages * labor / (1.0 - tariff_share)        # in units of max_i L_i
        _, welfare = self.shares_and_index(price, expenditure / labor)
        return HouseholdResponse(prices=price, shares=shares, expenditure=expenditure * scale,
                                 tariff_revenue=(expenditure - wages * labor) * scale, welfare=welfare, scale=scale,
                                 spending=expenditure)


class GoodsMarket(Market):
    """Goods market of every country, eq. (22): world spending on j at producer prices minus w_j L_j.

    A buyer's spending π_ij E_i includes the tariff; the producer receives π_ij E_i / (1 + τ_ij).
    Excess demand is divided by world labor income so the tolerance is relative.
    """

    name = "goods"
    price = "wages"

    def __init__(self, params: WaughParameters):
        self.params = params

    def excess_demand(self, responses, prices):
        households: HouseholdResponse = responses["households"]
        p = self.params
        spending = households.spending                             # units of max_i L_i: no overflow
        sales = (households.shares * spending[:, None] / (1.0 + p.tariff_matrix)).sum(axis=0)
        income = prices["wages"] * (p.labor / households.scale)
        return (sales - income) / income.sum()


class StaticTradeEconomy(Economy):
    """Static trade economy: one household agent, one goods market per country, w_k numeraire."""

    def __init__(self, params: WaughParameters, numeraire: int = 0):
        self.params = params
        super().__init__(agents=[StaticHouseholds(params)], markets=[GoodsMarket(params)],
                         prices={"wages": np.ones(params.countries)}, numeraire=("wages", numeraire),
                         positive={"wages"})

    def aggregates(self, responses, prices):
        h: HouseholdResponse = responses["households"]
        p = self.params
        imports = h.shares * h.expenditure[:, None]                   # M_ij, eq. (19)/(51)
        return {
            "consumer_prices": h.prices,
            "trade_shares": h.shares,
            "imports": imports,
            "expenditure": h.expenditure,
            "tariff_revenue": h.tariff_revenue,
            "welfare": h.welfare,
            "income": prices["wages"] * p.labor,
        }


def solve_static(params: WaughParameters, numeraire: int = 0, method: str = "hybr", tol: float = 1e-12,
                 guess=None):
    """Solve the static model; returns the core's :class:`~equilibria.Equilibrium`."""
    economy = StaticTradeEconomy(params, numeraire=numeraire)
    return economy.solve(method=method, tol=tol, guess=guess)


def partial_trade_elasticity(params: WaughParameters, wages: np.ndarray, importer: int, exporter: int,
                             step: float = 1e-6) -> float:
    """d log(π_ij/π_ii) / d log d_ij at fixed wages (eq. 53-54), by central finite differences."""
    def log_ratio(scale):
        d = params.trade_costs.copy()
        d[importer, exporter] *= scale
        shifted = params.replace(trade_costs=d)
        shares = StaticHouseholds(shifted).respond({"wages": wages}).shares
        return np.log(shares[importer, exporter] / shares[importer, importer])
    return float((log_ratio(np.exp(step)) - log_ratio(np.exp(-step))) / (2 * step))


def general_equilibrium_trade_elasticity(params: WaughParameters, importer: int, exporter: int,
                                         step: float = 1e-4) -> float:
    """The same elasticity with wages re-solved after the change in d_ij."""
    def log_ratio(scale):
        d = params.trade_costs.copy()
        d[importer, exporter] *= scale
        shares = solve_static(params.replace(trade_costs=d)).aggregates["trade_shares"]
        return np.log(shares[importer, exporter] / shares[importer, importer])
    return float((log_ratio(np.exp(step)) - log_ratio(np.exp(-step))) / (2 * step))
