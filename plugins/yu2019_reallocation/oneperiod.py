"""The one-period model of capital reallocation (Yu 2019, section 2.3, eqs. 2.1-2.9).

Entrepreneurs own ``k0``; a share λ is lemons, sold at the pooling price ``p``. Good capital
``κ0 = (1-λ) k0`` is kept, topped up with the CES bundle at price ρ(p, λ_M) (Corollary 1), or sold
at ``p``. With ``a = 1/(1-α)`` the optimal capital of an entrepreneur with productivity z is
``(α z Z / ρ)^a`` above ``z_I = ρ κ0^(1-α) / (α Z)``, ``(α z Z / p)^a`` below
``z_D = p κ0^(1-α) / (α Z)``, and κ0 in between (section 2.3.2). Then, with F the law of z,

* demand for used capital (2.7): ``D = θ(p, λ_M) ∫_{z>z_I} [(α z Z/ρ)^a - κ0] dF`` with
  θ = i_used / g of eq. (2.6);
* supply (2.8): ``S = λ k0 + S_g``, ``S_g = ∫_{z<z_D} [κ0 - (α z Z/p)^a] dF``;
* the market lemon share (2.9): ``λ_M = λ k0 / S``.

λ_M is an explicit function of p, so the joint solution for (p, λ_M) is a root of the scalar
excess demand ``E(p) = D - S``. E is negative both as p → 0 (good capital stops being sold, the
market fills with lemons, λ_M → 1) and for large p, so equilibria come in pairs: the lower root
is unstable and the upper one stable under the tâtonnement ``dp/dt = E(p)`` (stable iff E'(p) < 0,
the regularity condition of Proposition 1). Every root is found by scanning E on a fine log grid
of prices, bracketing each sign change and refining it with the core's :class:`Economy`
(Brent's method).
"""
from __future__ import annotations

from typing import Mapping

import attrs
import numpy as np

from equilibria import Agent, ConvergenceError, Economy, Market

from .bundle import new_share, price_index, used_share
from .distributions import make_distribution
from .params import OnePeriodParameters

__all__ = ["MarketState", "OnePeriodModel", "OnePeriodEquilibrium", "OnePeriodSolution",
           "find_equilibria", "solve_one_period", "PRICE"]

PRICE = "used_capital_price"


@attrs.frozen(kw_only=True)
class MarketState:
    """Entrepreneurs' aggregate choices at used-capital prices ``price`` (arrays of the same shape)."""

    price: np.ndarray
    market_lemon_share: np.ndarray
    price_index: np.ndarray
    z_invest: np.ndarray
    z_disinvest: np.ndarray
    bundle_bought: np.ndarray       # ∫ g dF, good capital installed through the bundle
    new_investment: np.ndarray      # ∫ i_new dF
    demand: np.ndarray              # (2.7)
    good_capital_sold: np.ndarray   # S_g
    supply: np.ndarray              # (2.8)
    output: np.ndarray              # ∫ z Z k^α dF after trade
    share_investing: np.ndarray
    share_disinvesting: np.ndarray

    @property
    def excess_demand(self) -> np.ndarray:
        return self.demand - self.supply


class OnePeriodModel:
    """Demand, supply and the market lemon share of section 2.3 as functions of the price p."""

    def __init__(self, params: OnePeriodParameters, distribution=None):
        self.params = params
        self.distribution = distribution or make_distribution(params.z_distribution, params.z_mean, params.z_sigma)
        self.power = 1.0 / (1.0 - params.alpha)
        self.good_capital = (1.0 - params.lemons_share) * params.endowment
        self.lemons = params.lemons_share * params.endowment

    def _bundle_kw(self):
        p = self.params
        return dict(new_weight=p.new_weight, substitution=p.substitution, lemons_share=p.lemons_share)

    def threshold(self, price) -> np.ndarray:
        """z at which the marginal product of the kept capital κ0 equals ``price`` (z_I for ρ, z_D for p)."""
        p = self.params
        return np.asarray(price, dtype=float) * self.good_capital ** (1 - p.alpha) / (p.alpha * p.tfp)

    def desired_scale(self, price) -> np.ndarray:
        """(α Z / price)^a: capital of an entrepreneur with z = 1 who buys or sells at ``price``."""
        p = self.params
        return (p.alpha * p.tfp / np.asarray(price, dtype=float)) ** self.power

    def good_capital_supply(self, price) -> tuple[np.ndarray, np.ndarray]:
        """S_g (the integral of 2.8) and the share of entrepreneurs who disinvest."""
        dist, a = self.distribution, self.power
        z_d = self.threshold(price)
        sold = self.good_capital * dist.cdf(z_d) - self.desired_scale(price) * dist.moment_below(a, z_d)
        return np.maximum(sold, 0.0), dist.cdf(z_d)

    def market_lemon_share(self, price) -> np.ndarray:
        """λ_M(p), eq. (2.9)."""
        sold, _ = self.good_capital_supply(price)
        return self.lemons / (self.lemons + sold)

    def state(self, price) -> MarketState:
        """Every aggregate of section 2.3 at ``price`` (vectorized over an array of prices)."""
        p = self.params
        dist, a = self.distribution, self.power
        price = np.asarray(price, dtype=float)
        sold, share_d = self.good_capital_supply(price)
        supply = self.lemons + sold
        lemon_share = self.lemons / supply
        good_share = sold / supply                     # 1 - λ_M without rounding when λ_M is near one
        market_open = good_share > 1e-250
        safe_good = np.where(market_open, good_share, 0.5)   # any value; masked below
        kw = dict(self._bundle_kw(), market_good_share=safe_good)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            rho = np.where(market_open, price_index(price, 1 - safe_good, **kw), np.inf)
            z_i = self.threshold(rho)
            scale_i = np.where(market_open, self.desired_scale(np.where(market_open, rho, 1.0)), 0.0)
            bought = np.where(market_open,
                              scale_i * dist.moment_above(a, z_i) - self.good_capital * (1 - dist.cdf(z_i)), 0.0)
            bought = np.maximum(bought, 0.0)
            theta = np.where(market_open, used_share(price, 1 - safe_good, **kw), 0.0)
            inew = np.where(market_open, new_share(price, 1 - safe_good, **kw), 0.0)
            demand = np.where(bought > 0, theta * bought, 0.0)
            new_inv = np.where(bought > 0, inew * bought, 0.0)
            if not (np.all(np.isfinite(demand)) and np.all(np.isfinite(new_inv))):
                raise FloatingPointError("demand for used capital (2.7) overflows the floating-point range at some "
                                         f"price in [{price.min():.3g}, {price.max():.3g}]")
            z_d = self.threshold(price)
            scale_d = self.desired_scale(price)
            # output: z k^α with k = (αzZ/q)^a gives z^(1+αa) = z^a times (αZ/q)^(αa)
            out = p.tfp * (scale_i ** p.alpha * dist.moment_above(a, z_i) * market_open
                           + self.good_capital ** p.alpha * (dist.moment_below(1.0, np.where(market_open, z_i, np.inf))
                                                             - dist.moment_below(1.0, z_d))
                           + scale_d ** p.alpha * dist.moment_below(a, z_d))
            share_i = np.where(market_open, 1 - dist.cdf(z_i), 0.0)
        return MarketState(price=price, market_lemon_share=lemon_share, price_index=rho, z_invest=z_i,
                           z_disinvest=z_d, bundle_bought=bought, new_investment=new_inv, demand=demand,
                           good_capital_sold=sold, supply=supply, output=out, share_investing=share_i,
                           share_disinvesting=share_d)

    def excess_demand(self, price) -> np.ndarray:
        """E(p) = D - S, eq. (B.4)."""
        return self.state(price).excess_demand

    def admissible(self, price) -> np.ndarray:
        """ρ > p: buying capital costs more than selling it yields (else buying and reselling pays)."""
        st = self.state(price)
        return st.price_index > st.price


class Entrepreneurs(Agent):
    """The unit mass of entrepreneurs of section 2.3: their aggregate choices at the price p."""

    name = "entrepreneurs"

    def __init__(self, model: OnePeriodModel):
        self.model = model

    def respond(self, prices: Mapping[str, np.ndarray]) -> MarketState:
        return self.model.state(float(prices[PRICE][0]))


class UsedCapitalMarket(Market):
    """Used capital: demand (2.7) minus supply (2.8)."""

    name = "used capital"
    price = PRICE

    def excess_demand(self, responses, prices) -> np.ndarray:
        return np.atleast_1d(responses["entrepreneurs"].excess_demand)


@attrs.frozen(kw_only=True)
class OnePeriodEquilibrium:
    """One root of E(p): the market state there, E'(p) and whether it is tâtonnement-stable."""

    state: MarketState
    slope: float
    stable: bool
    iterations: int

    @property
    def price(self) -> float:
        return float(self.state.price)

    def summary(self) -> dict:
        s = self.state
        return {"price": self.price, "market_lemon_share": float(s.market_lemon_share),
                "price_index": float(s.price_index), "excess_demand_slope": self.slope, "stable": self.stable}


@attrs.frozen(kw_only=True)
class OnePeriodSolution:
    """Every equilibrium found, and the selected one (the stable root with the highest price)."""

    equilibria: tuple
    selected: OnePeriodEquilibrium
    scanned: tuple            # (lowest, highest) price scanned
    boundary_note: str = ""


def _scan_grid(model: OnePeriodModel, points: int):
    """Log grid of prices from far below to above the market's range; extended while E > 0 at the top."""
    lemons = model.params.lemons_share
    low, high = 1e-5, 4.0 / (1.0 - lemons)
    grid = np.geomspace(low, high, points)
    excess = model.excess_demand(grid)
    for _ in range(12):
        if not (excess[-1] > 0 and model.admissible(grid[-1])):
            break
        extra = np.geomspace(grid[-1], grid[-1] * 8.0, max(points // 4, 50))[1:]
        grid, excess = np.concatenate([grid, extra]), np.concatenate([excess, model.excess_demand(extra)])
    return grid, excess


def _refine(model: OnePeriodModel, low: float, high: float) -> OnePeriodEquilibrium:
    economy = Economy([Entrepreneurs(model)], [UsedCapitalMarket()], prices={PRICE: [np.sqrt(low * high)]},
                      positive=[PRICE])
    scale = model.lemons + model.good_capital
    eq = economy.solve(method="brentq", bracket=(low, high), tol=1e-9 * scale)
    price = float(eq.prices[PRICE][0])
    step = 1e-6 * price
    slope = float((model.excess_demand(price + step) - model.excess_demand(price - step)) / (2 * step))
    return OnePeriodEquilibrium(state=model.state(price), slope=slope, stable=slope < 0,
                                iterations=eq.report.iterations)


def find_equilibria(params: OnePeriodParameters, distribution=None) -> OnePeriodSolution:
    """Every equilibrium (p, λ_M) of the used-capital market, section 2.3.3.

    Raises
    ------
    ConvergenceError
        When no price clears the market at this Z (excess demand negative at every price, which
        happens when E[z] is too small for investors to absorb the lemons), or when a moment of F
        or the demand for used capital exceeds the floating-point range (message names which).
    """
    model = OnePeriodModel(params, distribution)
    try:
        grid, excess = _scan_grid(model, params.price_points)
    except (FloatingPointError, OverflowError) as exc:
        raise ConvergenceError(f"the used-capital market cannot be evaluated at Z = {params.tfp:g}: {exc}") from exc
    ok = model.admissible(grid)
    first_bad = int(np.argmin(ok)) if not ok.all() else grid.size
    grid, excess = grid[:first_bad], excess[:first_bad]
    note = ""
    if first_bad < ok.size and excess[-1] > 0:
        note = (f"excess demand is still positive where ρ reaches p (p ≈ {grid[-1]:.4g}); no equilibrium "
                "with ρ > p lies above")
    found = []
    sign = np.sign(excess)
    try:
        for i in np.nonzero(sign[:-1] * sign[1:] < 0)[0]:
            found.append(_refine(model, float(grid[i]), float(grid[i + 1])))
        for i in np.nonzero(sign == 0)[0]:   # a grid point that is an exact root
            found.append(_refine(model, float(grid[max(i - 1, 0)]), float(grid[min(i + 1, grid.size - 1)])))
    except (FloatingPointError, OverflowError) as exc:
        raise ConvergenceError(f"the used-capital market cannot be evaluated at Z = {params.tfp:g}: {exc}") from exc
    found.sort(key=lambda e: e.price)
    stable = [e for e in found if e.stable]
    if not stable:
        detail = ("excess demand for used capital is negative at every price" if not found
                  else "no root is stable")
        raise ConvergenceError(f"no equilibrium of the used-capital market at Z = {params.tfp:g}: {detail} in "
                               f"[{grid[0]:.3g}, {grid[-1]:.3g}] (an equilibrium needs E[z] = z_mean large "
                               f"enough; here z_mean = {params.z_mean:g})")
    return OnePeriodSolution(equilibria=tuple(found), selected=max(stable, key=lambda e: e.price),
                             scanned=(float(grid[0]), float(grid[-1])), boundary_note=note)


def solve_one_period(params: OnePeriodParameters) -> OnePeriodSolution:
    """Alias of :func:`find_equilibria` (the experiment's entry point)."""
    return find_equilibria(params)
