"""Stationary equilibrium of the full model (Yu 2019, section 2.4.3, Definition 1).

The distribution of entrepreneurs over (z, k, a) moves with the policies: the k' choice
probabilities, Young's lottery on a' (the core's :func:`equilibria.household.lottery`) and the
chain of z. Four markets clear at the prices (p, λ_M, w, R):

* used capital (ix): ``∫ i_used dμ = λ ∫ k dμ + ∫ d dμ`` — clears p;
* the market lemon share (x): ``λ_M = λ∫k dμ / (λ∫k dμ + ∫d dμ)`` — the consistency of λ_M;
* labor (vii): ``∫ n dμ = L_h = (w/ψ)^(1/θ_h)`` (2.19) — clears w;
* bonds (viii): ``∫ b' dμ = 0`` — clears R.

The goods market (vi), ``C_h + ∫c dμ + ∫ i_new dμ = Y``, holds by Walras' law and is reported.
With λ = 0 there are no lemons, λ_M = 0 and its block is dropped.
"""
from __future__ import annotations

from typing import Mapping

import attrs
import numpy as np

from equilibria import Agent, ConvergenceError, Economy, Market
from equilibria.household import lottery

from .bundle import new_share, used_share
from .entrepreneur import (Grids, PeriodPrices, Policy, build_grids, solve_entrepreneur)
from .params import ReallocationParameters
from .technology import labor_demand, output

__all__ = ["capital_change", "forward", "stationary_distribution", "Aggregates", "aggregates",
           "household_labor", "solve_stationary", "StationaryEquilibrium", "PRICE_NAMES"]

PRICE_NAMES = ("used_price", "market_lemon_share", "wage", "gross_rate")


def capital_change(params: ReallocationParameters, grids: Grids) -> np.ndarray:
    """k'_j - (1-δ) k_i as (n_k, n_k'), zero for inaction (and for staying at the floor k_0)."""
    change = grids.capital[None, :] - (1 - params.depreciation) * grids.capital[:, None]
    change[np.arange(1, grids.capital.size), np.arange(grids.capital.size - 1)] = 0.0
    change[0, 0] = 0.0
    return change


def _lotteries(grids: Grids, policy: Policy):
    nz = policy.savings.shape[0]
    index, weight = lottery(grids.assets, policy.savings.reshape(nz, -1))
    return index.reshape(policy.savings.shape), weight.reshape(policy.savings.shape)


def forward(dist, policy: Policy, grids: Grids, lotteries=None):
    """μ'(z', k', a'): mass at (z, k, a) goes to k'_j with its probability, to the lottery of a'_j, then z → z'."""
    nz, nk, na = dist.shape
    index, weight = lotteries if lotteries is not None else _lotteries(grids, policy)
    mass = dist[..., None] * policy.probabilities
    target = np.arange(nk)[None, None, None, :] * na + index
    moved = np.empty((nz, nk * na))
    for z in range(nz):
        moved[z] = (np.bincount(target[z].ravel(), (mass[z] * weight[z]).ravel(), minlength=nk * na)
                    + np.bincount(target[z].ravel() + 1, (mass[z] * (1 - weight[z])).ravel(), minlength=nk * na))
    return (grids.transition.T @ moved).reshape(nz, nk, na)


def stationary_distribution(policy: Policy, grids: Grids, guess=None, tol=1e-11, maxiter=20000):
    """The fixed point of :func:`forward` by iteration (from ``guess`` or all mass at the middle).

    Plain iteration: the core's Young kernel (``equilibria.ext.young.stationary``) on the flattened
    state (k, a) with one option per k'_j was measured slower per step here (its band layout does
    not fit lotteries that gather from every k) and its extrapolation can stall on small grids."""
    nz, nk, na = policy.value.shape
    if guess is None:
        from equilibria.household import exogenous_stationary
        dist = np.zeros((nz, nk, na))
        dist[:, nk // 2, 0] = exogenous_stationary(grids.transition)
    else:
        dist = guess / guess.sum()
    lotteries = _lotteries(grids, policy)
    for _ in range(maxiter):
        new = forward(dist, policy, grids, lotteries)
        if np.max(np.abs(new - dist)) < tol:
            return new / new.sum()
        dist = new
    raise ConvergenceError(f"the distribution of entrepreneurs did not settle in {maxiter} steps", history=[])


def household_labor(params: ReallocationParameters, wage):
    """L_h = (w/ψ)^(1/θ_h), eq. (2.19)."""
    return (np.asarray(wage, dtype=float) / params.labor_disutility) ** (1 / params.frisch_inverse)


@attrs.frozen(kw_only=True)
class Aggregates:
    """Totals over entrepreneurs (and households) at a distribution and policy (section 2.4.3)."""

    capital: float
    labor_demand: float
    output: float
    bundle_installed: float          # ∫ g dμ
    used_demand: float               # ∫ i_used dμ
    new_investment: float            # ∫ i_new dμ
    good_capital_sold: float         # ∫ d dμ (S_g)
    lemons_sold: float               # λ ∫ k dμ (S_b)
    bonds: float                     # ∫ b' dμ
    entrepreneur_consumption: float
    household_labor: float
    household_consumption: float

    @property
    def total_traded(self) -> float:
        return self.lemons_sold + self.good_capital_sold

    @property
    def consumption(self) -> float:
        return self.entrepreneur_consumption + self.household_consumption


def aggregates(params, grids: Grids, prices: PeriodPrices, policy: Policy, dist) -> Aggregates:
    """Every total of Definition 1 at ``dist`` with ``policy`` at ``prices``."""
    kw = dict(capital_share=params.capital_share, labor_share=params.labor_share)
    z, k = grids.productivity[:, None], grids.capital[None, :]
    by_zk = dist.sum(axis=2)
    labor = float(np.sum(by_zk * labor_demand(z, prices.tfp, k, prices.wage, **kw)))
    produced = float(np.sum(by_zk * output(z, prices.tfp, k, prices.wage, **kw)))
    change = capital_change(params, grids)
    weights = dist[..., None] * policy.probabilities                 # (z, k, a, j)
    by_kj = weights.sum(axis=(0, 2))
    installed = float(np.sum(by_kj * np.maximum(change, 0.0)))
    sold = float(np.sum(by_kj * np.maximum(-change, 0.0)))
    capital = float(np.sum(by_zk * k))
    bundle_kw = dict(new_weight=params.new_weight, substitution=params.substitution,
                     lemons_share=params.lemons_share)
    theta = float(used_share(prices.used_price, prices.market_lemon_share, **bundle_kw))
    new = float(new_share(prices.used_price, prices.market_lemon_share, **bundle_kw))
    bonds = float(np.sum(weights * (policy.savings - params.borrowing_limit)))
    consumption = float(np.sum(weights * policy.consumption))
    labor_h = float(household_labor(params, prices.wage))
    return Aggregates(capital=capital, labor_demand=labor, output=produced, bundle_installed=installed,
                      used_demand=theta * installed, new_investment=new * installed, good_capital_sold=sold,
                      lemons_sold=params.lemons_share * capital, bonds=bonds, entrepreneur_consumption=consumption,
                      household_labor=labor_h, household_consumption=prices.wage * labor_h)


@attrs.frozen(kw_only=True)
class EntrepreneurResponse:
    policy: Policy
    distribution: np.ndarray
    aggregates: Aggregates
    iterations: int


def _period_prices(prices: Mapping[str, np.ndarray], params) -> PeriodPrices:
    lemon = float(prices["market_lemon_share"][0]) if "market_lemon_share" in prices else 0.0
    return PeriodPrices(used_price=float(prices["used_price"][0]), market_lemon_share=lemon,
                        wage=float(prices["wage"][0]), gross_rate=float(prices["gross_rate"][0]), tfp=params.tfp)


class Entrepreneurs(Agent):
    """All entrepreneurs: stationary policies (warm-started) and their stationary distribution."""

    name = "entrepreneurs"

    def __init__(self, params: ReallocationParameters, grids: Grids, progress=None):
        self.params, self.grids, self.progress = params, grids, progress
        self.reset()

    def reset(self):
        self._guess, self._dist, self.calls = None, None, 0

    def respond(self, prices) -> EntrepreneurResponse:
        period = _period_prices(prices, self.params)
        policy, iterations = solve_entrepreneur(self.params, self.grids, period, guess=self._guess, tol=1e-8,
                                                maxiter=1000)
        dist = stationary_distribution(policy, self.grids, guess=self._dist)
        self._guess, self._dist = (policy.value, policy.marginal), dist
        self.calls += 1
        if self.progress:
            self.progress(self.calls, period)
        return EntrepreneurResponse(policy=policy, distribution=dist,
                                    aggregates=aggregates(self.params, self.grids, period, policy, dist),
                                    iterations=iterations)


class UsedCapitalMarket(Market):
    """(ix): demand for used capital minus lemons and good capital sold."""

    name, price = "used capital", "used_price"

    def excess_demand(self, responses, prices):
        a = responses["entrepreneurs"].aggregates
        return np.array([a.used_demand - a.total_traded])


class LemonShareConsistency(Market):
    """(x): λ_M equals the lemon share of what is sold (a consistency condition, not a market)."""

    name, price = "market lemon share", "market_lemon_share"

    def excess_demand(self, responses, prices):
        a = responses["entrepreneurs"].aggregates
        return np.array([a.lemons_sold / a.total_traded - prices["market_lemon_share"][0]])


class LaborMarket(Market):
    """(vii): entrepreneurs' labor demand (2.13) minus households' supply (2.19)."""

    name, price = "labor", "wage"

    def excess_demand(self, responses, prices):
        a = responses["entrepreneurs"].aggregates
        return np.array([a.labor_demand - a.household_labor])


class BondMarket(Market):
    """(viii): net bond holdings of entrepreneurs."""

    name, price = "bonds", "gross_rate"

    def excess_demand(self, responses, prices):
        return np.array([responses["entrepreneurs"].aggregates.bonds])


@attrs.frozen(kw_only=True)
class StationaryEquilibrium:
    params: ReallocationParameters
    grids: Grids
    prices: PeriodPrices
    policy: Policy
    distribution: np.ndarray
    aggregates: Aggregates
    excess_demands: dict
    goods_market_residual: float
    report: object


DEFAULT_GUESS = {"used_price": 0.91, "market_lemon_share": 0.064, "wage": 1.17, "gross_rate": 1.02}


def solve_stationary(params: ReallocationParameters, guess: Mapping[str, float] | None = None, tol=1e-4,
                     progress=None, *, maxiter=60, step=1e-4, fallback=True) -> StationaryEquilibrium:
    """Prices (p, λ_M, w, R) that clear every market in the stationary distribution, on the core's Economy.

    The unknowns are the Economy's (log prices, logits of the bounded ones); they are found by
    Newton's method with a finite-difference Jacobian (``step`` in the unknowns) at the guess and
    Broyden's updates afterwards (the core's ``find_root`` method ``"newton-broyden"``; no unknown
    moves by more than 0.25 in a step, about 25% of a price), until every excess demand is below
    ``tol``. The entrepreneurs' values and distribution are warm-started from the previous
    evaluation. Where no Newton-Broyden step lowers the excess demands (the entrepreneurs' response is
    only converged to a residual cycle), the core Economy's hybr finishes from the last prices
    evaluated (unless ``fallback`` is false); it raises ConvergenceError if it does not get there either.
    """
    import time

    from equilibria.numerics.roots import find_root, solve_report

    grids = build_grids(params)
    start = dict(DEFAULT_GUESS, **(guess or {}))
    markets = [UsedCapitalMarket(), LaborMarket(), BondMarket()]
    prices = {name: [start[name]] for name in ("used_price", "wage", "gross_rate")}
    bounds = {"gross_rate": (0.5, 1 / params.discount - 1e-6)}
    if params.lemons_share > 0:
        markets.insert(1, LemonShareConsistency())
        prices = {"used_price": prices["used_price"], "market_lemon_share": [start["market_lemon_share"]],
                  "wage": prices["wage"], "gross_rate": prices["gross_rate"]}
        bounds["market_lemon_share"] = (0.0, 1.0)
    agent = Entrepreneurs(params, grids, progress)
    economy = Economy([agent], markets, prices=prices, positive=["used_price", "wage"], bounds=bounds)
    evaluated = {}

    def residual(x):
        at = economy.unpack(x)
        responses = economy.respond(at)
        excess = economy.excess_demands(at, responses)
        evaluated[x.tobytes()] = (at, responses, excess)
        return np.concatenate([excess[name] for name in economy.price_guess])

    began = time.perf_counter()
    x = None
    try:
        root = find_root(residual, economy.pack(economy.price_guess), method="newton-broyden", tol=tol,
                         maxiter=maxiter, options={"step": step, "max_step": 0.25},
                         what="stationary equilibrium", raise_on_failure=False)
        history, message, steps = list(root.report.history), root.report.message, root.report.iterations
        x = np.asarray(root.x, dtype=float)
    except ConvergenceError as failure:      # the entrepreneurs' response failed at a Jacobian point
        if not fallback:
            raise
        history, message, steps = list(failure.history), str(failure), None
    if x is not None:
        at, responses, excess = evaluated[x.tobytes()]
        norm = float(max(np.max(np.abs(v)) for v in excess.values()))
    hybr = x is None or not norm <= tol
    if hybr and not fallback:
        raise ConvergenceError(f"stationary equilibrium: excess demands {norm:.2e} above {tol:g} after "
                               f"{len(history)} evaluations", history=history)
    if hybr:
        last = list(evaluated.values())[-1][0] if evaluated else economy.price_guess
        eq = economy.solve(method="hybr", tol=tol, guess={k: np.asarray(v) for k, v in last.items()},
                           maxiter=maxiter, options={"eps": step})
        history += list(eq.report.history)
        at, responses, excess = eq.prices, eq.responses, eq.excess_demands
        norm = float(max(np.max(np.abs(v)) for v in excess.values()))
    report = solve_report("newton-broyden, then hybr" if hybr else "newton-broyden", residual_norm=norm,
                          tolerance=tol, iterations=None if hybr else steps, evaluations=len(history),
                          history=history, started=began,
                          message=message if not hybr else
                          f"Newton-Broyden stopped ({message}); Powell's hybrid method finished")
    response = responses["entrepreneurs"]
    period = _period_prices(at, params)
    a = response.aggregates
    goods = a.output - a.consumption - a.new_investment
    return StationaryEquilibrium(params=params, grids=grids, prices=period, policy=response.policy,
                                 distribution=response.distribution, aggregates=a,
                                 excess_demands={k: float(v[0]) for k, v in excess.items()},
                                 goods_market_residual=float(goods), report=report)
