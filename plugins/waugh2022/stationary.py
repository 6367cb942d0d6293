"""Stationary equilibrium of the heterogeneous-agent trade model, Waugh (2022) section 1.5.

Built on the core: each country's households are an :class:`~equilibria.Agent` (they solve the
household problem of eq. 8-11 at given wages, interest rate and transfer, and report the
aggregates of eq. 13-21 under their stationary distribution, eq. 12); the goods markets
(eq. 25), the bond market(s) (eq. 26 under financial globalization, eq. 27 under financial
autarky) and the tariff-rebate budgets are :class:`~equilibria.Market` s; the equilibrium is
the core's :class:`~equilibria.Economy` solving their residuals, with the wage of country 0 as
numeraire (its goods market is implied by Walras' law once the bond market clears).

Two household models share the machinery: ``"incomplete_markets"`` (savings in a
non-contingent bond, the DC-EGM of Appendix B) and ``"hand_to_mouth"`` (no asset, eq. 40-43).
Preferences are ``"logit"`` (discrete choice, eq. 5, 10) or ``"ces"`` (a CES bundle, eq. 34-39,
one composite good priced at the CES index, eq. 36).

Units: assets are in the numeraire (the wage of country 0); country i's asset grid runs from the
debt limit of eq. (6) to ``asset_max`` w_i. The limit is φ_i in the numeraire (default) or φ_i w_i
with ``borrowing_limit_units="mean_income"``; the grid top is in units of mean labor income
w_i E[z] = w_i. The grid is rebuilt at every wage, so it follows the limit in general equilibrium.
"""
from __future__ import annotations

from typing import Mapping

import attrs
import numpy as np

from equilibria import Agent, Economy, Market
from equilibria.errors import ConvergenceError
from equilibria.numerics import exponential_grid, stationary_distribution as markov_stationary
from equilibria.numerics.roots import find_root

from equilibria.household import solve_household, stationary_distribution, utility

from .distribution import household_aggregates
from .params import WaughParameters
from .static import consumer_prices

__all__ = ["CountryResponse", "CountryHouseholds", "HandToMouthHouseholds", "GoodsMarket", "BondMarket",
           "RebateMarket", "HeterogeneousTradeEconomy", "solve_stationary", "ces_index", "unit_grid",
           "household_name", "country_responses", "HOUSEHOLD_TOL", "DISTRIBUTION_TOL"]

HOUSEHOLD_TOL = 1e-11
DISTRIBUTION_TOL = 1e-13


@attrs.frozen(kw_only=True)
class CountryResponse:
    """What one country's households report at given prices (section 1.4).

    Every model fills the aggregates; the incomplete-markets households add their solution and
    distribution, the hand-to-mouth households their choice probabilities and values.

    Attributes
    ----------
    saturated : bool
        βR_i ≥ 1 or a debt limit beyond the natural one: no stationary distribution; ``assets`` is
        then the top of the grid (so root finders are pushed back) and the spending fields are NaN.
    efficiency_units : float
        L_i Σ_z λ_i(z) z, eq. (13).
    assets : float
        Net asset demand A'_i, eq. (14) (0 for hand-to-mouth households).
    asset_holdings : float
        Assets held under the distribution (equal to ``assets`` when no one saves beyond the grid).
    beyond_grid : float
        Mass of households choosing savings above the top of the grid.
    expenditure : float
        Consumer spending of the country, eq. (17).
    imports : numpy.ndarray
        M_ij, spending on each variety at consumer prices, eq. (19).
    tariff_revenue : float
        Σ_j M_ij τ_ij / (1 + τ_ij).
    mean_value : float
        Expected value under the distribution.
    variety_prices : numpy.ndarray or None
        p_ij, eq. (3).
    solution : HouseholdSolution or None
        The DC-EGM solution (incomplete markets), arrays ``[j, z, k]``.
    distribution : numpy.ndarray or None
        λ_i(z, a) on the grid (incomplete markets), eq. (12).
    grid, grid_unit : numpy.ndarray or None
        The asset grid in the numeraire and in units of the country's wage.
    income : numpy.ndarray or None
        w_i z + T_i by income state.
    choice_shares : numpy.ndarray or None
        Share of households choosing each variety (incomplete markets).
    probabilities : numpy.ndarray or None
        Choice probabilities by income state (hand-to-mouth), eq. (41)-(42).
    value : numpy.ndarray or None
        V(z) before taste shocks (hand-to-mouth).
    """

    saturated: bool = False
    efficiency_units: float
    assets: float
    expenditure: float
    imports: np.ndarray = attrs.field(eq=False)
    tariff_revenue: float
    asset_holdings: float = np.nan
    beyond_grid: float = 0.0
    mean_value: float = np.nan
    variety_prices: np.ndarray | None = attrs.field(default=None, eq=False)
    solution: object = attrs.field(default=None, eq=False)
    distribution: np.ndarray | None = attrs.field(default=None, eq=False)
    grid: np.ndarray | None = attrs.field(default=None, eq=False)
    grid_unit: np.ndarray | None = attrs.field(default=None, eq=False)
    income: np.ndarray | None = attrs.field(default=None, eq=False)
    choice_shares: np.ndarray | None = attrs.field(default=None, eq=False)
    probabilities: np.ndarray | None = attrs.field(default=None, eq=False)
    value: np.ndarray | None = attrs.field(default=None, eq=False)


def household_name(country: int) -> str:
    """Name of country ``country``'s household agent (its key among an economy's responses)."""
    return f"households_{country}"


def country_responses(responses: Mapping[str, CountryResponse], countries: int) -> list[CountryResponse]:
    """Every country's :class:`CountryResponse`, in country order, from an economy's responses."""
    return [responses[household_name(i)] for i in range(countries)]


def unit_grid(params: WaughParameters, country: int, wages=1.0) -> np.ndarray:
    """Asset grid of country i in units of its wage w_i at ``wages``: from the debt limit of eq. (6)
    divided by w_i to ``asset_max``, dense at the bottom."""
    wage = float(np.broadcast_to(np.asarray(wages, float), (params.countries,))[country])
    return exponential_grid(-params.debt_limits(wages)[country] / wage, params.asset_max, params.asset_points,
                            curvature=4.0)


def ces_index(prices: np.ndarray, elasticity: float) -> np.ndarray:
    """CES price index P_i = (sum_j p_ij^(1-η))^(1/(1-η)), eq. (36); rows of ``prices``."""
    return np.sum(prices ** (1.0 - elasticity), axis=-1) ** (1.0 / (1.0 - elasticity))


def _rates(params: WaughParameters, prices: Mapping[str, np.ndarray]) -> np.ndarray:
    r = np.asarray(prices["interest_rates"], float)
    return np.broadcast_to(r, (params.countries,)) if r.size == 1 else r


def taxed_countries(params: WaughParameters) -> np.ndarray:
    """Countries with a non-zero tariff: the only ones with a rebate to clear."""
    return np.flatnonzero(np.any(params.tariff_matrix != 0, axis=1))


def _transfers(params: WaughParameters, prices: Mapping[str, np.ndarray]) -> np.ndarray:
    """Per-household lump-sum transfer T_i of every country (zero where there is no tariff)."""
    out = np.zeros(params.countries)
    if "transfers" in prices:
        out[taxed_countries(params)] = np.asarray(prices["transfers"], float)
    return out


class CountryHouseholds(Agent):
    """The households of one country in the incomplete-markets model (eq. 4-21).

    ``respond`` solves the household problem by DC-EGM (warm-started from its previous
    solution), finds the stationary distribution by Young's lottery and returns the country's
    aggregates: efficiency units (eq. 13), net asset demand A'_i (eq. 14), spending on each
    variety M_ij (eq. 17-19, at consumer prices, tariffs included), tariff revenue.
    When βR_i ≥ 1 no stationary distribution exists: asset demand is reported at the top of
    the grid (its limit) so root finders are pushed back.
    """

    def __init__(self, params: WaughParameters, country: int):
        self.params = params
        self.country = country
        self.name = household_name(country)
        self.states, self.transition = params.income_chain
        self.grid_unit = unit_grid(params, country)
        self._guess = None
        self._dist = None

    def reset(self) -> None:
        """Forget the warm starts (the last policy and distribution)."""
        self._guess = None
        self._dist = None

    def _variety_prices(self, wages):
        p = consumer_prices(self.params, wages)[self.country]
        if self.params.preferences == "ces":
            return np.array([ces_index(p, self.params.substitution_elasticity)]), p
        return p, p

    def respond(self, prices: Mapping[str, np.ndarray]) -> CountryResponse:
        p, i = self.params, self.country
        wages = np.asarray(prices["wages"], float)
        R = float(_rates(p, prices)[i])
        transfer = float(_transfers(p, prices)[i])
        option_prices, variety_prices = self._variety_prices(wages)
        self.grid_unit = unit_grid(p, i, wages)
        grid = wages[i] * self.grid_unit
        income = wages[i] * self.states + transfer
        m = p.countries
        if p.discount * R >= 1.0 - 1e-9 or income.min() <= 0 or \
                (R > 1 and -grid[0] >= income.min() / (R - 1.0)):
            top = p.labor[i] * grid[-1]
            return CountryResponse(saturated=True, assets=top, efficiency_units=p.labor[i] * float(
                markov_stationary(self.transition) @ self.states), imports=np.full(m, np.nan),
                expenditure=np.nan, tariff_revenue=np.nan)
        solution = solve_household(grid, income, self.transition, option_prices, R, p.discount,
                                   p.risk_aversion, p.taste_dispersion, values=True,
                                   tol=HOUSEHOLD_TOL, guess=self._guess)
        self._guess = (solution.marginal, solution.value - solution.value[0, -1])
        dist = stationary_distribution(grid, solution.savings, solution.probabilities, self.transition,
                                       tol=DISTRIBUTION_TOL, guess=self._dist)
        self._dist = dist
        agg = household_aggregates(solution, dist, self.states, mass=p.labor[i])
        if p.preferences == "ces":
            shares = (variety_prices / option_prices[0]) ** (1.0 - p.substitution_elasticity)   # eq. (37)
            imports = shares * agg["expenditure"]                                               # eq. (39)
        else:
            imports = agg["imports"]                                                            # eq. (19)
        tau = p.tariff_matrix[i]
        return CountryResponse(
            solution=solution,
            distribution=dist,
            grid=grid,
            grid_unit=self.grid_unit,
            income=income,
            variety_prices=variety_prices,
            efficiency_units=agg["efficiency_units"],
            assets=agg["assets"],
            asset_holdings=agg["asset_holdings"],
            beyond_grid=float(np.sum(solution.probabilities * dist[None] * (solution.savings > grid[-1]))),
            expenditure=float(imports.sum()),
            imports=imports,
            tariff_revenue=float(np.sum(imports * tau / (1.0 + tau))),
            choice_shares=agg["choice_shares"],
            mean_value=float(np.sum(dist * solution.value)),
        )


class HandToMouthHouseholds(Agent):
    """Households without an asset (eq. 40-43): spend w_i z + T_i each period.

    The continuation value does not depend on the variety chosen, so the choice probabilities
    are the static logit of u((w_i z + T_i)/p_ij) (eq. 42) — with log utility, the gravity shares
    of eq. (43). Under ``"ces"`` the household buys the CES bundle (eq. 35-37).
    """

    def __init__(self, params: WaughParameters, country: int):
        self.params = params
        self.country = country
        self.name = household_name(country)
        self.states, self.transition = params.income_chain
        self.weights = markov_stationary(self.transition)

    def respond(self, prices: Mapping[str, np.ndarray]) -> CountryResponse:
        from equilibria.numerics import logit
        p, i = self.params, self.country
        wages = np.asarray(prices["wages"], float)
        transfer = float(_transfers(p, prices)[i])
        price = consumer_prices(p, wages)[i]
        spend = wages[i] * self.states + transfer                       # per household, by z
        if p.preferences == "ces":
            index = ces_index(price, p.substitution_elasticity)
            share = (price / index) ** (1.0 - p.substitution_elasticity)
            probabilities = np.broadcast_to(share, (spend.size, price.size))
            flow = utility(spend / index, p.risk_aversion)
        else:
            values = utility(spend[:, None] / price[None, :], p.risk_aversion)   # eq. (40) without β E v
            probabilities, flow = logit(values, p.taste_dispersion)           # eq. (41)-(42), log-sum
        # V(z) = flow(z) + β E V(z'): the expected value before taste shocks
        value = np.linalg.solve(np.eye(spend.size) - p.discount * self.transition, flow)
        imports = p.labor[i] * np.einsum("z,zj,z->j", self.weights, probabilities, spend)
        tau = p.tariff_matrix[i]
        return CountryResponse(
            efficiency_units=p.labor[i] * float(self.weights @ self.states),
            assets=0.0,
            asset_holdings=0.0,
            beyond_grid=0.0,
            expenditure=float(imports.sum()),
            imports=imports,
            tariff_revenue=float(np.sum(imports * tau / (1.0 + tau))),
            probabilities=probabilities,
            value=value,
            mean_value=float(self.weights @ value),
            variety_prices=price,
        )


def _world_income(params, prices):
    return float(np.sum(np.asarray(prices["wages"], float) * params.labor))


class GoodsMarket(Market):
    """Goods market of every country, eq. (25): sales at producer prices minus p_j Y_j = w_j N_j.

    Buyer i spends M_ij on j's good including the tariff; the producer receives M_ij / (1 + τ_ij).
    Scaled by world labor income.
    """

    name = "goods"
    price = "wages"

    def __init__(self, params: WaughParameters):
        self.params = params

    def excess_demand(self, responses, prices):
        p = self.params
        wages = np.asarray(prices["wages"], float)
        rows = country_responses(responses, p.countries)
        if any(r.saturated for r in rows):
            return np.zeros(p.countries)      # the bond market carries the signal
        imports = np.array([r.imports for r in rows])
        sales = np.sum(imports / (1.0 + p.tariff_matrix), axis=0)
        production = wages * np.array([r.efficiency_units for r in rows])
        return (sales - production) / _world_income(p, prices)


class BondMarket(Market):
    """Bond market: sum_i A'_i = 0 (eq. 26, one world R) or A'_i = 0 for every i (eq. 27)."""

    name = "bonds"
    price = "interest_rates"

    def __init__(self, params: WaughParameters):
        self.params = params

    def excess_demand(self, responses, prices):
        p = self.params
        assets = np.array([r.assets for r in country_responses(responses, p.countries)])
        scale = _world_income(p, prices)
        if p.financial == "globalization":
            return np.array([assets.sum() / scale])
        return assets / scale


class RebateMarket(Market):
    """Government budgets: the lump-sum transfer L_i T_i equals tariff revenue (section 1.5),
    one entry per country with a tariff."""

    name = "tariff rebates"
    price = "transfers"

    def __init__(self, params: WaughParameters):
        self.params = params

    def excess_demand(self, responses, prices):
        p = self.params
        taxed = taxed_countries(p)
        revenue = np.array([responses[household_name(i)].tariff_revenue for i in taxed])
        if np.any(~np.isfinite(revenue)):
            return np.zeros(taxed.size)
        return (revenue - p.labor[taxed] * np.asarray(prices["transfers"], float)) / _world_income(p, prices)


class HeterogeneousTradeEconomy(Economy):
    """Households of every country + goods, bond and rebate markets; w_0 = 1 is the numeraire."""

    def __init__(self, params: WaughParameters, wages=None, rates=None, transfers=None):
        if params.model not in ("incomplete_markets", "hand_to_mouth"):
            raise ValueError("HeterogeneousTradeEconomy needs model 'incomplete_markets' or 'hand_to_mouth'")
        self.params = params
        m = params.countries
        household = CountryHouseholds if params.model == "incomplete_markets" else HandToMouthHouseholds
        agents = [household(params, i) for i in range(m)]
        markets = [GoodsMarket(params)]
        prices = {"wages": np.ones(m) if wages is None else np.asarray(wages, float)}
        positive = {"wages"}
        if params.model == "incomplete_markets":
            n_rates = 1 if params.financial == "globalization" else m
            guess = 0.5 * (1.0 + 1.0 / params.discount) if rates is None else rates
            guess = np.broadcast_to(np.asarray(guess, float), (n_rates,)).copy() \
                if np.size(guess) in (1, n_rates) else np.asarray(guess, float)[:n_rates]
            prices["interest_rates"] = np.clip(guess, self.rate_bounds[0] + 1e-9, self.rate_bounds[1] - 1e-9)
            markets.append(BondMarket(params))
        taxed = taxed_countries(params)
        if taxed.size:
            # with non-negative tariffs the rebates are positive: solved in logs
            nonnegative = bool(np.all(params.tariff_matrix >= 0))
            if transfers is None:
                start = np.full(taxed.size, 1e-3 if nonnegative else 0.0)
            else:
                transfers = np.asarray(transfers, float)
                start = transfers[taxed] if transfers.size == m else transfers
                if nonnegative:
                    start = np.maximum(start, 1e-6)
            prices["transfers"] = start
            markets.append(RebateMarket(params))
            if nonnegative:
                positive.add("transfers")
        # R enters through the core's logistic map onto (R_low, 1/β)
        bounds = {"interest_rates": self.rate_bounds} if "interest_rates" in prices else None
        super().__init__(agents=agents, markets=markets, prices=prices, numeraire=("wages", 0),
                         positive=positive, bounds=bounds)

    @property
    def rate_bounds(self):
        """Gross returns are solved inside (R_low, 1/β): no stationary distribution at βR ≥ 1."""
        return 0.5, 1.0 / self.params.discount

    def aggregates(self, responses, prices):
        p = self.params
        rows = country_responses(responses, p.countries)
        imports = np.array([r.imports for r in rows])
        expenditure = imports.sum(axis=1)
        wages = np.asarray(prices["wages"], float)
        rates = _rates(p, prices) if "interest_rates" in prices else np.ones(p.countries)
        exports = np.sum(imports / (1.0 + p.tariff_matrix), axis=0)
        return {
            "trade_shares": imports / expenditure[:, None],                 # eq. (17)-(19)
            "imports": imports,                                             # M_ij, eq. (19)
            "expenditure": expenditure,                                     # eq. (17)
            "exports": exports,                                             # sum_j X_ji, eq. (21)
            "net_assets": np.array([r.assets for r in rows]),               # A'_i, eq. (14)
            "mass_beyond_grid": np.array([r.beyond_grid for r in rows]),
            "efficiency_units": np.array([r.efficiency_units for r in rows]),
            "income": wages * np.array([r.efficiency_units for r in rows]),
            "tariff_revenue": np.array([r.tariff_revenue for r in rows]),
            "transfers": _transfers(p, prices),
            "interest_rates": np.array(rates, float),
            "mean_value": np.array([r.mean_value for r in rows]),
            "consumer_prices": consumer_prices(p, wages),
        }


def _initial_wages(params: WaughParameters):
    """Wages of the static model with the same A, L, d, σ (a good starting point)."""
    from .static import solve_static
    static = params.replace(model="static", preferences="logit" if params.preferences == "logit" else "ces")
    try:
        return solve_static(static).prices["wages"]
    except ConvergenceError:
        return np.ones(params.countries)


def solve_stationary(params: WaughParameters, tol: float = 1e-9, guess: Mapping | None = None,
                     method: str | None = None):
    """Solve the stationary equilibrium (section 1.5); returns (economy, core Equilibrium).

    One unknown (M = 1 with one bond market: the Huggett economy) is solved by ``brentq`` on
    R in (R_low, 1/β); otherwise ``hybr`` on log wages (w_0 = 1), R mapped logistically onto
    (0.5, 1/β), and the transfers (in logs when tariffs are non-negative); if that fails, again
    after clearing each bond market by ``brentq`` at fixed wages (``_presolve``),
    starting from the static model's wages and warm-starting every household solve.
    """
    guess = dict(guess or {})
    wages = guess.get("wages")
    if wages is None and params.countries > 1:
        wages = _initial_wages(params)
    economy = HeterogeneousTradeEconomy(params, wages=wages, rates=guess.get("interest_rates"),
                                        transfers=guess.get("transfers"))
    unknowns = economy.pack(economy.price_guess).size
    if unknowns == 0:
        return economy, economy.solve(tol=tol)
    if unknowns == 1 and "interest_rates" in economy.price_guess and method in (None, "brentq"):
        high = 1.0 / params.discount - 1e-7
        low = _lowest_rate(economy, params, high)
        bracket = (low, high)                                                 # in R units
        return economy, economy.solve(method="brentq", tol=tol, bracket=bracket)
    options = {"eps": 1e-10, "factor": 1.0}
    try:
        return economy, economy.solve(method=method or "hybr", tol=tol, options=options)
    except (ConvergenceError, ValueError, FloatingPointError):
        pass
    # fallback: forget the warm starts, clear the bond markets first, then solve jointly again
    economy.reset()
    start = _presolve(economy, params)
    return economy, economy.solve(method=method or "hybr", tol=tol, guess=start, options=options)


def _presolve(economy, params, passes: int = 2):
    """A starting point for the joint solve: at the static model's wages, the rebates by a few
    fixed-point passes and each bond market by ``brentq`` on its R (others held fixed).

    Joint Newton-type steps from far away can leave the region where households have a
    stationary distribution; this puts every bond market near clearing first.
    """
    prices = {k: np.array(v, float) for k, v in economy.price_guess.items()}
    taxed = taxed_countries(params)
    lo_bound, hi_bound = economy.rate_bounds
    for _ in range(passes if "transfers" in prices else 1):
        if "transfers" in prices:
            responses = economy.respond(prices)
            revenue = np.array([responses[household_name(i)].tariff_revenue for i in taxed])
            if np.all(np.isfinite(revenue)):
                prices["transfers"] = np.maximum(revenue / params.labor[taxed], 1e-6) \
                    if "transfers" in economy.positive else revenue / params.labor[taxed]
        if "interest_rates" not in prices:
            break
        rates = prices["interest_rates"]
        for k in range(rates.size):
            if rates.size == 1:
                def excess(r):
                    trial = dict(prices, interest_rates=np.array([r]))
                    return float(economy.excess_demands(trial)["interest_rates"][0])
            else:
                agent = economy.agents[k]

                def excess(r, agent=agent, k=k):
                    trial = dict(prices, interest_rates=np.where(np.arange(rates.size) == k, r, rates))
                    return float(agent.respond(trial).assets)
            high = hi_bound - 1e-7
            low = min(rates[k], high - 1e-4)
            f_low = excess(low)
            while f_low > 0 and low > lo_bound + 1e-3:
                low = lo_bound + 0.5 * (low - lo_bound)
                f_low = excess(low)
            if f_low > 0 or excess(high) < 0:
                continue
            # a starting point only: Brent's step tolerance decides, not the residual
            result = find_root(excess, low, method="brentq", bracket=(low, high), options={"xtol": 1e-7},
                               maxiter=100, raise_on_failure=False, what=f"presolve of bond market {k}")
            if low < result.x < high:     # else the sign flipped between calls (warm starts): keep the guess
                rates[k] = result.x
        prices["interest_rates"] = rates
    return prices


def _lowest_rate(economy, params, high):
    """A gross return low enough that households want to borrow in aggregate."""
    floor = economy.rate_bounds[0]
    low = max(floor + 0.25, 1.0 / params.discount - 0.1)
    for _ in range(30):
        r = economy.residuals({"interest_rates": np.array([low])})
        if r[0] < 0:
            return low
        low = floor + 0.5 * (low - floor)
    raise ConvergenceError("could not bracket the interest rate (no R with negative asset demand)")
