"""Perfect-foresight transitions of the full model (Yu 2019, section 2.5.2) in sequence space.

From the stationary equilibrium the economy is hit by an unanticipated path of aggregate TFP
Z_t; afterwards everyone foresees the whole path. Price paths (p_t, λ_M,t, w_t, R_t),
t = 0..T-1, with the stationary prices after T, must clear in every period the markets of
Definition 1 (section 2.4.3):

* used capital (ix): ``∫ i_used dμ_t - λ ∫ k dμ_t - ∫ d dμ_t = 0``;
* the lemon share (x), written without the ratio: ``(1-λ_M,t) λ ∫ k dμ_t - λ_M,t ∫ d dμ_t = 0``
  (zero exactly where λ_M,t = S_b/(S_b + S_g));
* labor (vii): ``∫ n dμ_t - L_h(w_t) = 0`` with (2.13) and (2.19);
* bonds (viii): ``∫ b' dμ_t = 0``.

Every target is an aggregate ``<μ_t, y_t>`` of a per-state outcome ``y_t`` that depends on the
period's prices and the policy only (household labor is a constant outcome: μ_t has mass one),
so the model is one heterogeneous-agent block: a backward pass of the entrepreneur's Bellman
step (2.23) from the stationary value at T, and a forward pass of the distribution from the
stationary μ at t = 0. :class:`ReallocationTransition` is that block as a core
:class:`~equilibria.dynamics.SequenceModel`; its :meth:`~ReallocationTransition.jacobian` uses
the fake-news algorithm (Auclert, Bardóczy, Rognlie and Straub 2021): one backward pass per
input perturbed at the horizon, one distribution step per horizon, expectation vectors for the
rest. The core's :func:`~equilibria.dynamics.linear_transition` and
:func:`~equilibria.dynamics.solve_transition` (quasi-Newton with that Jacobian) do the rest.

The goods market (vi) holds by Walras' law and is reported as an output (``goods``).
With λ = 0 there are no lemons: λ_M and its condition are dropped.
"""
from __future__ import annotations

import time
from typing import Callable, Mapping, Sequence

import attrs
import numpy as np

from equilibria import ConvergenceError, ParameterError
from equilibria.params import memory_budget
from equilibria.dynamics import SequenceModel, linear_transition, solve_transition
from equilibria.dynamics.fake_news import jacobian_from_fake_news
from equilibria.household import lottery

from .bundle import new_share, used_share
from .entrepreneur import Grids, PeriodPrices, Policy, backward_step, build_grids, solve_entrepreneur
from .params import ReallocationParameters
from .stationary import capital_change, forward, household_labor, stationary_distribution
from .technology import labor_demand, measured_tfp, output

__all__ = ["TARGETS", "OUTCOMES", "period_outcomes", "DistributionOperator", "expectation_step",
           "ReallocationTransition", "tfp_path", "solve_path", "SOURCE_SHOCK"]

#: Target name of each price: the market (or consistency condition) that price clears.
TARGETS = {"used_price": "used_capital", "market_lemon_share": "lemon_share", "wage": "labor",
           "gross_rate": "bonds"}

#: Aggregates reported along the path (each ``<μ_t, y_t>`` of a per-state outcome).
OUTCOMES = ("capital", "output", "labor_demand", "household_labor", "bundle_installed", "used_demand",
            "new_investment", "good_capital_sold", "lemons_sold", "entrepreneur_consumption", "bond_holdings")

#: Largest change of the stationary value under one Bellman step accepted as a fixed point (utils).
FIXED_POINT_TOL = 1e-10

#: Bellman steps allowed to bring a stationary value to that fixed point.
POLISH_STEPS = 500

#: Section 2.5.2: TFP 1.00% below its stationary value in the first period, 0.90% in the second.
SOURCE_SHOCK = (-0.0100, -0.0090)


def tfp_path(T: int, shocks: Sequence[float] = SOURCE_SHOCK, level: float = 1.0) -> np.ndarray:
    """Z_t = level (1 + shocks[t]) for the first periods, then ``level`` (the path of section 2.5.2)."""
    path = np.full(T, float(level))
    shocks = np.asarray(shocks, float)
    if shocks.size > T:
        raise ParameterError("periods", f"must cover the {shocks.size} shocked periods", T)
    path[:shocks.size] *= 1.0 + shocks
    return path


def period_outcomes(params: ReallocationParameters, grids: Grids, prices: PeriodPrices, policy: Policy) -> dict:
    """Per-state outcomes y (n_z, n_k, n_a) of one period; every aggregate is ``<μ, y>``.

    Targets: ``used_capital`` (ix), ``lemon_share`` (x, without the ratio), ``labor`` (vii),
    ``bonds`` (viii); the reported aggregates of :data:`OUTCOMES`.
    """
    nz, nk, na = policy.value.shape
    kw = dict(capital_share=params.capital_share, labor_share=params.labor_share)
    z, k = grids.productivity[:, None, None], grids.capital[None, :, None]
    shape = (nz, nk, na)
    change = capital_change(params, grids)
    installed = np.einsum("zkaj,kj->zka", policy.probabilities, np.maximum(change, 0.0))
    sold = np.einsum("zkaj,kj->zka", policy.probabilities, np.maximum(-change, 0.0))
    bundle_kw = dict(new_weight=params.new_weight, substitution=params.substitution,
                     lemons_share=params.lemons_share)
    lemon = prices.market_lemon_share
    theta = float(used_share(prices.used_price, lemon, **bundle_kw))
    new = float(new_share(prices.used_price, lemon, **bundle_kw))
    capital = np.broadcast_to(k, shape)
    lemons = params.lemons_share * capital
    n = np.broadcast_to(labor_demand(z, prices.tfp, k, prices.wage, **kw), shape)
    supply = float(household_labor(params, prices.wage))
    bonds = np.einsum("zkaj,zkaj->zka", policy.probabilities, policy.savings) - params.borrowing_limit
    out = {
        "used_capital": theta * installed - lemons - sold,
        "lemon_share": (1.0 - lemon) * lemons - lemon * sold,
        "labor": n - supply,
        "bonds": bonds,
        "capital": capital,
        "output": np.broadcast_to(output(z, prices.tfp, k, prices.wage, **kw), shape),
        "labor_demand": n,
        "household_labor": np.full(shape, supply),
        "bundle_installed": installed,
        "used_demand": theta * installed,
        "new_investment": new * installed,
        "good_capital_sold": sold,
        "lemons_sold": lemons,
        "entrepreneur_consumption": np.einsum("zkaj,zkaj->zka", policy.probabilities, policy.consumption),
        "bond_holdings": bonds,
    }
    return out


def _lotteries(grids: Grids, policy: Policy):
    nz = policy.savings.shape[0]
    index, weight = lottery(grids.assets, policy.savings.reshape(nz, -1))
    return index.reshape(policy.savings.shape), weight.reshape(policy.savings.shape)


class DistributionOperator:
    """The law of motion of μ under one period's policy as a sparse matrix (section 2.4.3).

    Mass at (z, k, a) goes to k'_j with its choice probability and to the two grid points of
    Young's lottery of a'_j (the core's :func:`equilibria.household.lottery`); then z moves by the
    chain. ``A`` (CSR, one row per state, 2 n_k' entries) holds the first part; :meth:`forward` is
    μ' = Π' (A' μ) — equal to :func:`~.stationary.forward` — and :meth:`expect` its transpose,
    E(z,k,a) = Σ_j P(k'_j) E_z'[v(z', k'_j, lottery of a'_j)].
    """

    def __init__(self, policy: Policy, grids: Grids):
        from scipy import sparse

        index, weight = _lotteries(grids, policy)
        nz, nk, na, nj = policy.probabilities.shape
        self.shape, self.transition = (nz, nk, na), grids.transition
        N = nz * nk * na
        low = (np.arange(nz)[:, None, None, None] * nj + np.arange(nj)[None, None, None, :]) * na + index
        data = np.empty((nz, nk, na, nj, 2))
        data[..., 0] = policy.probabilities * weight
        data[..., 1] = policy.probabilities - data[..., 0]
        columns = np.empty((nz, nk, na, nj, 2), dtype=np.int32)
        columns[..., 0] = low
        columns[..., 1] = low + 1
        indptr = np.arange(0, 2 * nj * N + 1, 2 * nj, dtype=np.int64)
        self.A = sparse.csr_matrix((data.ravel(), columns.ravel(), indptr), shape=(N, nz * nj * na))

    def forward(self, dist):
        nz = self.shape[0]
        moved = (self.A.T @ np.ravel(dist)).reshape(nz, -1)
        return (self.transition.T @ moved).reshape(self.shape)

    def expect(self, values):
        """Λ' applied to ``values`` (n_z, n_k, n_a), or to a stack (m, n_z, n_k, n_a)."""
        values = np.asarray(values, float)
        nz = self.shape[0]
        stack = values.reshape(-1, nz, int(np.prod(self.shape)) // nz)
        ahead = np.einsum("zy,myn->mzn", self.transition, stack).reshape(stack.shape[0], -1)
        out = (self.A @ ahead.T).T
        return out.reshape(values.shape)


def expectation_step(values, policy: Policy, grids: Grids):
    """The transpose of :func:`~.stationary.forward` under ``policy``:
    ``<forward(μ), v> = <μ, expectation_step(v)>`` for every μ and v."""
    return DistributionOperator(policy, grids).expect(values)


@attrs.frozen(kw_only=True)
class _Choices:
    """What the forward step needs of a period's policy: k' probabilities and the savings of each k'."""

    probabilities: np.ndarray
    savings: np.ndarray


@attrs.frozen(kw_only=True)
class _Steady:
    prices: PeriodPrices
    value: np.ndarray
    marginal: np.ndarray
    distribution: np.ndarray
    policy: Policy
    outcomes: dict


class ReallocationTransition(SequenceModel):
    """The full model in sequence space around a stationary equilibrium.

    Unknowns: ``used_price``, ``market_lemon_share`` (only with λ > 0), ``wage``, ``gross_rate``;
    exogenous: ``tfp``; targets: the conditions of :data:`TARGETS`. :meth:`evaluate` also returns
    every aggregate of :data:`OUTCOMES`, the goods market residual, allocative efficiency (mean
    MPK ratio, measured and endogenous TFP, section 2.4.5) and the bundle price ρ along the path.

    Build it from a :class:`~.stationary.StationaryEquilibrium` (:meth:`from_stationary`) or from
    its parts (prices, value, marginal value and distribution).
    """

    exogenous = ("tfp",)

    def __init__(self, params: ReallocationParameters, prices: PeriodPrices, value, marginal, distribution, *,
                 grids: Grids | None = None, jacobian_step: float = 1e-6,
                 progress: Callable[[str, int, int], None] | None = None):
        self.params = params
        self.grids = grids if grids is not None else build_grids(params)
        self.lemons = params.lemons_share > 0
        names = ("used_price", "market_lemon_share", "wage", "gross_rate")
        self.unknowns = tuple(n for n in names if self.lemons or n != "market_lemon_share")
        self.targets = tuple(TARGETS[n] for n in self.unknowns)
        if not jacobian_step > 0:
            raise ParameterError("jacobian_step", "must be positive", jacobian_step)
        self.jacobian_step = float(jacobian_step)
        self.progress = progress
        prices = attrs.evolve(prices, market_lemon_share=prices.market_lemon_share if self.lemons else 0.0)
        value, marginal = np.asarray(value, float), np.asarray(marginal, float)
        distribution = np.asarray(distribution, float)
        policy = backward_step(params, self.grids, prices, value, marginal)
        #: Whether the stationary value is a fixed point of the Bellman step (to FIXED_POINT_TOL).
        self.exact = True
        if np.max(np.abs(policy.value - value)) > FIXED_POINT_TOL:
            # A value that still moves under the Bellman step would move the path by itself:
            # iterate to the fixed point and take the distribution it implies.
            try:
                polished, _ = solve_entrepreneur(params, self.grids, prices, guess=(value, marginal), tol=1e-11,
                                                 cycle_tol=0.0, maxiter=POLISH_STEPS)
            except ConvergenceError:
                # The map settles into a cycle of tiny amplitude here (see entrepreneur.py): keep
                # the value; the Jacobian then measures news against the unperturbed pass, and
                # responses are taken against the unshocked path.
                self.exact = False
            else:
                value, marginal = polished.value, polished.marginal
                distribution = stationary_distribution(polished, self.grids, guess=distribution)
                policy = backward_step(params, self.grids, prices, value, marginal)
        self.steady = _Steady(prices=prices, value=value, marginal=marginal,
                              distribution=distribution, policy=policy,
                              outcomes=period_outcomes(params, self.grids, prices, policy))
        #: How far one Bellman step moves the stationary value (zero at an exact fixed point).
        self.fixed_point_gap = float(np.max(np.abs(policy.value - value)))
        steady = {"used_price": prices.used_price, "market_lemon_share": prices.market_lemon_share,
                  "wage": prices.wage, "gross_rate": prices.gross_rate, "tfp": prices.tfp}
        constant = self.evaluate({n: np.array([v]) for n, v in steady.items()}, 1)
        self.steady_state = {**steady, **{n: float(np.asarray(v)[0]) for n, v in constant.items()
                                          if isinstance(v, np.ndarray) and v.shape == (1,)}}

    @classmethod
    def from_stationary(cls, eq, **kwargs) -> "ReallocationTransition":
        """The transition model around ``eq`` (a :class:`~.stationary.StationaryEquilibrium`)."""
        return cls(eq.params, eq.prices, eq.policy.value, eq.policy.marginal, eq.distribution, grids=eq.grids,
                   **kwargs)

    # -- paths --------------------------------------------------------------------------------

    def _period_prices(self, paths: Mapping[str, np.ndarray], t: int) -> PeriodPrices:
        lemon = float(paths["market_lemon_share"][t]) if self.lemons else 0.0
        return PeriodPrices(used_price=float(paths["used_price"][t]), market_lemon_share=lemon,
                            wage=float(paths["wage"][t]), gross_rate=float(paths["gross_rate"][t]),
                            tfp=float(paths["tfp"][t]))

    def _report(self, stage, done, total):
        if self.progress is not None:
            self.progress(stage, done, total)

    def evaluate(self, paths: Mapping[str, np.ndarray], T: int) -> dict:
        """Targets and aggregates along price and TFP paths of length T (stationary after T).

        Backward pass: the period-t policy from V_{t+1} at period-t prices, starting from the
        stationary V at T, and its per-state outcomes. Forward pass: the aggregates at μ_t, then
        μ_{t+1}. The choice probabilities and savings of every period are kept when T of them fit
        in a quarter of the memory budget (``EQUILIBRIA_MEMORY_LIMIT_MB``); otherwise only V and
        V_a are kept and the forward pass solves each period's policy again.
        """
        params, grids = self.params, self.grids
        periods = [self._period_prices(paths, t) for t in range(T)]
        keep = T * 2 * self.steady.policy.probabilities.nbytes <= memory_budget() / 4
        kept = [None] * T
        outcomes = [None] * T
        value, marginal = self.steady.value, self.steady.marginal
        for t in range(T - 1, -1, -1):
            policy = backward_step(params, grids, periods[t], value, marginal)
            if keep:
                kept[t] = _Choices(probabilities=policy.probabilities, savings=policy.savings)
                outcomes[t] = period_outcomes(params, grids, periods[t], policy)
            else:
                kept[t] = (value, marginal)
            value, marginal = policy.value, policy.marginal
            self._report("backward", T - t, T)
        out = {name: np.empty(T) for name in (*self.targets, *OUTCOMES, "goods", "bundle_price", "mean_mpk_ratio",
                                              "lemon_share_ratio_residual")}
        dist = self.steady.distribution
        mpk_rows = self._mpk_rows()
        for t in range(T):
            if keep:
                policy, y = kept[t], outcomes[t]
                kept[t] = outcomes[t] = None
            else:
                policy = backward_step(params, grids, periods[t], *kept[t])
                y = period_outcomes(params, grids, periods[t], policy)
            for name in (*self.targets, *OUTCOMES):
                out[name][t] = np.sum(dist * y[name])
            out["mean_mpk_ratio"][t] = self._mean_mpk_ratio(dist, periods[t], mpk_rows)
            out["bundle_price"][t] = periods[t].bundle_price(params)
            if t + 1 < T:
                dist = forward(dist, policy, grids, _lotteries(grids, policy))
            self._report("forward", t + 1, T)
        household_consumption = paths["wage"] * out["household_labor"]
        out["goods"] = out["output"] - out["entrepreneur_consumption"] - household_consumption - out["new_investment"]
        total = out["lemons_sold"] + out["good_capital_sold"]
        lemon = np.asarray(paths["market_lemon_share"], float) if self.lemons else np.zeros(T)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["lemon_share_ratio_residual"] = np.where(total > 0, out["lemons_sold"] / total, 0.0) - lemon
        out["total_reallocation"] = total
        out["household_consumption"] = household_consumption
        out["measured_tfp"] = measured_tfp(out["output"], out["capital"], out["labor_demand"],
                                           capital_share=params.capital_share, labor_share=params.labor_share)
        out["endogenous_tfp"] = np.log(out["measured_tfp"]) - np.log(np.asarray(paths["tfp"], float))
        return out

    def _mpk_rows(self):
        """The productivity states compared by the mean MPK ratio: the highest and the second lowest."""
        return self.grids.productivity.size - 1, min(1, self.grids.productivity.size - 1)

    def _mean_mpk_ratio(self, dist, prices: PeriodPrices, rows) -> float:
        """Mean MPK α y/k of entrepreneurs at the highest z over that at the second lowest z (section 2.5.2)."""
        params, grids = self.params, self.grids
        k = grids.capital
        means = []
        for row in rows:
            y = output(grids.productivity[row], prices.tfp, k, prices.wage, capital_share=params.capital_share,
                       labor_share=params.labor_share)
            mass = dist[row].sum(axis=1)
            means.append(np.sum(mass * params.capital_share * y / k) / mass.sum())
        return float(means[0] / means[1])

    # -- Jacobian -----------------------------------------------------------------------------

    def jacobian(self, T: int, outputs: Sequence[str] | None = None, inputs: Sequence[str] | None = None) -> dict:
        """Sequence-space Jacobians {(output, input): (T, T)} at the steady state by the fake-news algorithm.

        For each input, one backward pass of T Bellman steps from the stationary value, with the
        input moved by h at the horizon (one-sided difference, h = ``jacobian_step`` times
        max(1, |steady value|)), gives the policy's response to a change s periods ahead: its
        direct effect F[0, s] = <μ, dy^s> and tomorrow's distribution change dμ_1^s (one forward
        step). With the expectation vectors E_k = Λ' E_{k-1}, E_0 = y: F[t, s] = <E_{t-1}, dμ_1^s>,
        and J[t, s] = F[t, s] + J[t-1, s-1]. ``outputs`` may be targets or names in :data:`OUTCOMES`.
        """
        T = int(T)
        outputs = tuple(self.targets if outputs is None else outputs)
        inputs = tuple((*self.unknowns, *self.exogenous) if inputs is None else inputs)
        params, grids, steady = self.params, self.grids, self.steady
        dist, policy0 = steady.distribution, steady.policy
        N = dist.size
        if self.exact:
            # The stationary value is a fixed point of the Bellman step, so the unperturbed pass
            # repeats the stationary policy: its outcomes and next distribution.
            base_aggregates = {o: np.full(T, np.sum(dist * steady.outcomes[o])) for o in outputs}
            base_next = np.broadcast_to(forward(dist, policy0, grids), (T, *dist.shape))
        else:
            base_aggregates, base_next = self._reference_pass(T, outputs)
        fake_news = {}
        for b, x in enumerate(inputs):
            h = self.jacobian_step * max(1.0, abs(float(self.steady_state[x])))
            moved = attrs.evolve(steady.prices, **{x: getattr(steady.prices, x) + h})
            value, marginal = steady.value, steady.marginal
            direct = {o: np.empty(T) for o in outputs}
            dD = np.empty((T, N))
            for s in range(T):
                policy = backward_step(params, grids, moved if s == 0 else steady.prices, value, marginal)
                y = period_outcomes(params, grids, moved if s == 0 else steady.prices, policy)
                for o in outputs:
                    direct[o][s] = (np.sum(dist * y[o]) - base_aggregates[o][s]) / h
                dD[s] = ((forward(dist, policy, grids) - base_next[s]) / h).ravel()
                value, marginal = policy.value, policy.marginal
                self._report(f"jacobian {x}", s + 1, T)
            fake_news[x] = (direct, dD)
        operator = DistributionOperator(policy0, grids)
        expectations = np.empty((len(outputs), max(T - 1, 0), N))
        current = np.stack([steady.outcomes[o] for o in outputs])
        for k in range(T - 1):
            expectations[:, k] = current.reshape(len(outputs), N)
            current = operator.expect(current)
        self._report("jacobian expectations", 1, 1)
        result = {}
        for i, o in enumerate(outputs):
            E = expectations[i]
            for x in inputs:
                direct, dD = fake_news[x]
                F = np.empty((T, T))
                F[0] = direct[o]
                if T > 1:
                    F[1:] = E @ dD.T
                result[(o, x)] = jacobian_from_fake_news(F)
        return result

    def _reference_pass(self, T: int, outputs: Sequence[str]):
        """The unperturbed backward pass: s Bellman steps from the stationary value at stationary
        prices (s = 0..T-1), its aggregates at the stationary μ and the next distribution. Where
        the Bellman map cycles, its drift must not count as news."""
        params, grids, steady = self.params, self.grids, self.steady
        dist = steady.distribution
        aggregates = {o: np.empty(T) for o in outputs}
        following = np.empty((T, *dist.shape))
        value, marginal = steady.value, steady.marginal
        for s in range(T):
            policy = backward_step(params, grids, steady.prices, value, marginal)
            y = period_outcomes(params, grids, steady.prices, policy)
            for o in outputs:
                aggregates[o][s] = np.sum(dist * y[o])
            following[s] = forward(dist, policy, grids)
            value, marginal = policy.value, policy.marginal
            self._report("jacobian reference", s + 1, T)
        return aggregates, following


def solve_path(model: ReallocationTransition, tfp: np.ndarray, *, tol: float = 1e-7, maxiter: int = 30,
               jacobian: Mapping | None = None, linear_outputs: Sequence[str] = (),
               progress: Callable[[int, float], None] | None = None) -> dict:
    """The nonlinear transition for the TFP path ``tfp`` (levels, length T) and its linear counterpart.

    The Jacobian (computed once by :meth:`ReallocationTransition.jacobian` unless given) gives the
    linear transition, whose prices start the quasi-Newton iterations of the core's
    :func:`~equilibria.dynamics.solve_transition`. Returns ``{"nonlinear", "linear", "jacobian",
    "seconds"}``; the nonlinear result's ``report`` holds the residual history.
    """
    tfp = np.asarray(tfp, float)
    T = tfp.size
    start = time.perf_counter()
    if jacobian is None:
        jacobian = model.jacobian(T, outputs=(*model.targets, *linear_outputs))
    jacobian_seconds = time.perf_counter() - start
    shocks = {"tfp": tfp - model.steady_state["tfp"]}
    linear = linear_transition(model, shocks, T, outputs=tuple(linear_outputs), jacobian=jacobian)
    guess = {u: linear.paths[u] for u in model.unknowns}
    nonlinear = solve_transition(model, shocks, T, tol=tol, maxiter=maxiter, jacobian=jacobian, guess=guess,
                                 progress=progress)
    return {"nonlinear": nonlinear, "linear": linear, "jacobian": jacobian, "jacobian_seconds": jacobian_seconds,
            "seconds": time.perf_counter() - start}
