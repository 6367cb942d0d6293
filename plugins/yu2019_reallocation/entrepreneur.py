"""The entrepreneur's problem of the full model (Yu 2019, eqs. 2.15-2.18, 2.21-2.24), NumPy reference.

State: productivity z (Markov chain), capital k, and ``a = b + b̄ ≥ 0`` (2.21), bonds above the
borrowing limit. After production the entrepreneur sells his lemons λk at p, then chooses next
capital k' — investing (k' > (1-δ)k, at the bundle price ρ), disinvesting (k' < (1-δ)k, at p) or
inaction (k' = (1-δ)k) — and savings a'. Resources for consumption given k' are (2.22)::

    m(k'; a, k, z) = π(w) (z Z k^α)^(1/(1-γ)) + a - h(k', k) + p λ k - b̄ (R-1)/R,
    h = ρ [k' - (1-δ)k] if k' > (1-δ)k, else p [k' - (1-δ)k],

and ``V(a, k, z) = max_{k'} max_{a' ∈ [0, R m]} log(m - a'/R) + W(a', k', z)`` (2.23) with
``W = β E[V(a', k', z') | z]``.

The solution method is the one of section 2.4.4: a grid search over k' and, for every k', the
endogenous grid method in a' (Carroll 2006; with an upper envelope over the EGM segments where
the endogenous grid folds, Fella 2014 — V is a maximum over k' and need not be concave in a).
For a given k' the EGM gives ``c = 1/(R W_a(a', k', z))`` (2.24) and ``m = c + a'/R`` on the
grid of a'; the value of any resources m follows by interpolation. Consecutive capital grid
points differ by the factor 1/(1-δ), so inaction from k_i lands exactly on k_{i-1}; the lowest
point k_0 is a floor (an entrepreneur there may stay at no cost, the only grid approximation of
the capital choice).

Without smoothing, the iteration of this map on (V, V_a) can cycle with a tiny amplitude where
the endogenous grid folds and a discrete k' choice flips. As in the DC-EGM of Iskhakov,
Jørgensen, Rust and Schjerning (2017), the k' choice therefore carries extreme-value taste
shocks of a small scale σ (``choice_smoothing``, in utils): V = σ log Σ_j exp(v_j/σ), and the
choice probabilities also make aggregate demands continuous in prices. σ → 0 is the model as
written.

For every (z, k'_j) the savings problem in a' is the core's non-concave EGM step
(:mod:`equilibria.household.envelope`, savings price 1/R, log utility): ``choice_values`` runs its
kernel ``equilibria.ext.envelope_egm``, ``choice_values_numpy`` its NumPy twin.
``solve_entrepreneur`` iterates :func:`backward_step` to stationary policies (relative value
iteration with extrapolation of the slowest mode), and ``solve_entrepreneur_vfi`` is a brute-force
value-function iteration (a' on a fine grid, hard maximum) used as an independent reference.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import ConvergenceError
from equilibria.household.envelope import envelope_values, envelope_values_numpy
from equilibria.numerics.markov import tauchen

from .bundle import price_index
from .params import ReallocationParameters
from .technology import profit_factor

__all__ = ["Grids", "PeriodPrices", "Policy", "build_grids", "resources_before_choice", "adjustment_cost",
           "continuation", "choice_values", "choice_values_numpy", "choose", "backward_step", "solve_entrepreneur",
           "solve_entrepreneur_vfi"]


@attrs.frozen(kw_only=True)
class Grids:
    """Asset grid a (from 0), capital grid k (ratio 1/(1-δ)), productivity states z and their chain."""

    assets: np.ndarray
    capital: np.ndarray
    productivity: np.ndarray
    transition: np.ndarray


def build_grids(params: ReallocationParameters) -> Grids:
    """Grids of section 2.5.2: z by Tauchen with ``z_points`` states; k geometric; a denser near 0."""
    log_z, transition = tauchen(params.z_points, params.z_persistence, params.z_volatility,
                                width=params.tauchen_width)
    capital = params.capital_max * (1 - params.depreciation) ** np.arange(params.capital_points - 1, -1, -1)
    unit = np.linspace(0.0, 1.0, params.asset_points)
    assets = params.asset_max * unit ** 2
    return Grids(assets=assets, capital=capital, productivity=np.exp(log_z), transition=transition)


@attrs.frozen(kw_only=True)
class PeriodPrices:
    """Prices one period faces: used capital p, market lemon share λ_M, wage w, gross rate R, TFP Z."""

    used_price: float
    market_lemon_share: float
    wage: float
    gross_rate: float
    tfp: float = 1.0

    def bundle_price(self, params: ReallocationParameters) -> float:
        """ρ(p, λ_M), eq. (2.4)."""
        return float(price_index(self.used_price, self.market_lemon_share, new_weight=params.new_weight,
                                 substitution=params.substitution, lemons_share=params.lemons_share))


def operating_income(params, grids: Grids, prices: PeriodPrices) -> np.ndarray:
    """π(w) (z Z k^α)^(1/(1-γ)), eq. (2.14), as (n_z, n_k)."""
    z, k = grids.productivity[:, None], grids.capital[None, :]
    return profit_factor(prices.wage, params.labor_share) * (z * prices.tfp * k ** params.capital_share) ** (
        1 / (1 - params.labor_share))


def resources_before_choice(params, grids: Grids, prices: PeriodPrices) -> np.ndarray:
    """m before the capital cost h, as (n_z, n_k, n_a): income + a + p λ k - b̄ (R-1)/R (2.22)."""
    income = operating_income(params, grids, prices)
    lemons = prices.used_price * params.lemons_share * grids.capital
    constant = -params.borrowing_limit * (prices.gross_rate - 1) / prices.gross_rate
    return income[:, :, None] + lemons[None, :, None] + grids.assets[None, None, :] + constant


def adjustment_cost(params, grids: Grids, prices: PeriodPrices) -> np.ndarray:
    """h(k'_j, k_i) as (n_k, n_k'): ρ per unit bought above (1-δ)k, p per unit sold below it."""
    kept = (1 - params.depreciation) * grids.capital[:, None]
    change = grids.capital[None, :] - kept
    change[np.arange(1, grids.capital.size), np.arange(grids.capital.size - 1)] = 0.0   # exact inaction
    change[0, 0] = 0.0          # the lowest capital is a floor: staying there is inaction
    rho = prices.bundle_price(params)
    return np.where(change > 0, rho * change, prices.used_price * change)


def continuation(value, marginal, transition, beta):
    """W = β E[V(a', k', z') | z] and its derivative in a', both (n_z, n_k', n_a')."""
    return (beta * np.einsum("zy,yka->zka", transition, value),
            beta * np.einsum("zy,yka->zka", transition, marginal))


@attrs.frozen(kw_only=True)
class Policy:
    """Choices at every state (n_z, n_k, n_a) and next capital k'_j (last axis, n_k').

    ``probabilities[..., j]`` is the probability of choosing k'_j (one-hot without smoothing),
    ``savings``/``consumption`` the a' and c that go with each k'_j; ``value`` and ``marginal``
    (dV/da = E[1/c]) are per state.
    """

    probabilities: np.ndarray
    savings: np.ndarray
    consumption: np.ndarray
    value: np.ndarray
    marginal: np.ndarray

    @property
    def capital_choice(self) -> np.ndarray:
        """The most likely k' index at every state."""
        return np.argmax(self.probabilities, axis=3)


def _branches(cont, cont_marginal, resources, cost):
    """The EGM branches (z, k'_j) with their cash on hand m = resources[z, k, a] - h(k'_j, k) at every (k, a)."""
    nz, nk, na = resources.shape
    m = resources[:, None, :, :] - cost.T[None, :, :, None]                  # (z, j, k, a)
    return (cont.reshape(nz * nk, -1), cont_marginal.reshape(nz * nk, -1), m.reshape(nz * nk, nk * na))


def _choice_layout(values, savings, shape):
    """(z, j, k, a) rows of the core's answer as (n_z, n_k, n_a, n_k') arrays."""
    nz, nk, na = shape
    return tuple(np.ascontiguousarray(x.reshape(nz, nk, nk, na).transpose(0, 2, 3, 1)) for x in (values, savings))


def choice_values_numpy(cont, cont_marginal, resources, cost, assets, R):
    """Value and savings of every k'_j at every state, (n_z, n_k, n_a, n_k') each (the kernel's twin).

    ``cont``/``cont_marginal`` are W and W_a (n_z, n_k', n_a); ``resources`` (n_z, n_k, n_a) is m
    before the capital cost ``cost[i, j] = h(k'_j, k_i)``. For every (z, k'_j) the savings problem
    ``max_{a'} log(m - a'/R) + W(a')`` is solved by the core's EGM with an upper envelope
    (:func:`equilibria.household.envelope.envelope_values_numpy`, savings price 1/R, log utility).
    """
    values, savings = envelope_values_numpy(assets, *_branches(cont, cont_marginal, resources, cost),
                                            price=1.0 / R, gamma=1.0)
    return _choice_layout(values, savings, resources.shape)


def choice_values(cont, cont_marginal, resources, cost, assets, R):
    """:func:`choice_values_numpy` by the core's compiled kernel (``equilibria.ext.envelope_egm``)."""
    values, savings = envelope_values(assets, *_branches(cont, cont_marginal, resources, cost),
                                      price=1.0 / R, gamma=1.0)
    return _choice_layout(values, savings, resources.shape)


def choose(values, savings, resources, cost, R, smoothing: float) -> Policy:
    """The choice of k' among the choice-specific values: the maximum (``smoothing`` = 0) or a logit
    with extreme-value taste shocks of scale ``smoothing`` (in utils), V = σ log Σ_j exp(v_j/σ)."""
    consumption = resources[..., None] - cost[None, :, None, :] - savings / R
    best = values.max(axis=3)
    if not np.all(np.isfinite(best)):
        raise ConvergenceError("some entrepreneur has no feasible choice (resources ≤ 0 at every k'); "
                               "the borrowing limit exceeds what the lowest state can repay", history=[])
    if smoothing > 0:
        weights = np.exp((values - best[..., None]) / smoothing)
        total = weights.sum(axis=3)
        probabilities = weights / total[..., None]
        value = best + smoothing * np.log(total)
    else:
        probabilities = np.zeros_like(values)
        np.put_along_axis(probabilities, np.argmax(values, axis=3)[..., None], 1.0, axis=3)
        value = best
    with np.errstate(divide="ignore", invalid="ignore"):
        marginal = np.sum(np.where(probabilities > 0, probabilities / consumption, 0.0), axis=3)
    return Policy(probabilities=probabilities, savings=savings, consumption=np.maximum(consumption, 0.0),
                  value=value, marginal=marginal)


def initial_value(resources, beta):
    """A concave guess: consume the annuity value of resources forever."""
    m = np.maximum(resources, 1e-3)
    return np.log((1 - beta) * m) / (1 - beta), 1.0 / ((1 - beta) * m)


def backward_step(params, grids: Grids, prices: PeriodPrices, value_next, marginal_next, *, smoothing=None,
                  kernel=True) -> Policy:
    """One period of the entrepreneur's problem at ``prices`` given next period's V and V_a (2.23)."""
    smoothing = params.choice_smoothing if smoothing is None else smoothing
    resources = resources_before_choice(params, grids, prices)
    cost = adjustment_cost(params, grids, prices)
    cont, cont_marginal = continuation(value_next, marginal_next, grids.transition, params.discount)
    values, savings = (choice_values if kernel else choice_values_numpy)(cont, cont_marginal, resources, cost,
                                                                          grids.assets, prices.gross_rate)
    return choose(values, savings, resources, cost, prices.gross_rate, smoothing)


def _cycling(history, window, cycle_tol):
    """Whether the changes have stalled below ``cycle_tol``: every change of the last ``window`` steps is
    below it and the largest change of the last half-window is not below half the largest of the
    half-window before (a converging iteration keeps shrinking its changes; a cycle does not)."""
    if len(history) < 2 * window or max(history[-window:]) >= cycle_tol:
        return False
    half = window // 2
    return max(history[-half:]) >= 0.5 * max(history[-window:-half])


def _extrapolated(value, marginal, previous, steps):
    """(V, V_a) moved on by the slowest mode estimated from two consecutive changes (see solve_entrepreneur)."""
    d0 = np.concatenate([x.ravel() for x in previous])
    d1 = np.concatenate([x.ravel() for x in steps])
    rate = float(d1 @ d0) / float(d0 @ d0) if float(d0 @ d0) > 0 else 0.0
    if not 0.0 < rate < 1.0:
        return value, marginal
    factor = min(rate / (1.0 - rate), 20.0)
    return value + factor * steps[0], np.maximum(marginal + factor * steps[1], 0.5 * marginal)


def solve_entrepreneur(params: ReallocationParameters, grids: Grids, prices: PeriodPrices, *, guess=None,
                       tol=1e-7, maxiter=3000, smoothing=None, kernel=True, cycle_tol=5e-4, window=60,
                       relative=True, extrapolate=5):
    """Stationary policies at constant ``prices`` by iterating :func:`backward_step`.

    With ``relative`` (the default) the stopping rule ignores the value's level: adding a constant
    c to V adds β c to the next value and changes no choice, so the slowest mode of the iteration
    (rate β) is the level alone. The iteration stops when the change of V is constant up to
    ``tol`` (half its range below ``tol``), and the level is restored by the McQueen-Porteus
    correction V + β/(1-β) × (midpoint of the last change), which bounds the value's error by the
    same β/(1-β) tol as the plain rule (``relative=False``: every change below ``tol``). Because
    the map on (V, V_a) can settle into a cycle of tiny amplitude where the endogenous grid folds,
    it also stops when every change over the last ``window`` steps stayed below ``cycle_tol``
    (utils; values are of order -40) and the changes stopped shrinking (:func:`_cycling`).

    ``extrapolate = K`` (0: plain iteration) removes the estimated slowest mode every K steps, as
    the core's DC-EGM does: with d0 and d1 the last two changes of (V - its mean, V_a), the rate
    is λ = <d1, d0>/<d0, d0> and the iterate moves on by d1 λ/(1-λ) (at most 20 d1; V_a kept at
    least half its value). The stopping rule is unchanged: it is tested on plain steps only.

    Returns ``(policy, iterations)``; ``(policy.value, policy.marginal)`` warm-starts later calls
    (``guess``). Raises ConvergenceError if the value does not settle within ``tol``.
    """
    resources = resources_before_choice(params, grids, prices)
    value, marginal = guess if guess is not None else initial_value(resources, params.discount)
    beta = params.discount
    history, previous = [], None
    for iteration in range(1, maxiter + 1):
        policy = backward_step(params, grids, prices, value, marginal, smoothing=smoothing, kernel=kernel)
        change = policy.value - value
        low, high = float(change.min()), float(change.max())
        distance = (high - low) / 2 if relative else max(-low, high)
        history.append(distance)
        if distance < tol or _cycling(history, window, cycle_tol):
            if relative:
                policy = attrs.evolve(policy, value=policy.value + beta / (1 - beta) * (high + low) / 2)
            return policy, iteration
        steps = (change - change.mean(), policy.marginal - marginal)
        value, marginal = policy.value, policy.marginal
        if extrapolate and previous is not None and iteration % extrapolate == 0:
            value, marginal = _extrapolated(value, marginal, previous, steps)
        previous = steps
    raise ConvergenceError(f"entrepreneur's problem did not converge in {maxiter} Bellman steps "
                           f"(last change {history[-1]:.3e})", history=history)


def solve_entrepreneur_vfi(params: ReallocationParameters, grids: Grids, prices: PeriodPrices, *,
                           fine_points=2000, tol=1e-7, maxiter=3000):
    """Brute-force value-function iteration: k' on the capital grid, a' on a fine grid, W interpolated.

    The reference for :func:`solve_entrepreneur` in tests (slow; small grids only).
    """
    beta, R = params.discount, prices.gross_rate
    resources = resources_before_choice(params, grids, prices)
    cost = adjustment_cost(params, grids, prices)
    fine = np.linspace(grids.assets[0], grids.assets[-1], fine_points)
    value, _ = initial_value(resources, beta)
    nz, nk, na = resources.shape
    for _ in range(maxiter):
        cont = beta * np.einsum("zy,yka->zka", grids.transition, value)
        best = np.full((nz, nk, na), -np.inf)
        for z in range(nz):
            for j in range(nk):
                w_fine = np.interp(fine, grids.assets, cont[z, j])
                c = resources[z][:, :, None] - cost[:, j][:, None, None] - fine[None, None, :] / R
                with np.errstate(divide="ignore", invalid="ignore"):
                    v = np.where(c > 0, np.log(c) + w_fine, -np.inf).max(axis=2)
                best[z] = np.maximum(best[z], v)
        distance = float(np.max(np.abs(best - value)))
        value = best
        if distance < tol:
            return value
    raise ConvergenceError("value-function iteration did not converge", history=[distance])
