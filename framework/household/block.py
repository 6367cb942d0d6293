"""A household block: the income-fluctuation problem with its steady state, paths and Jacobians.

Households hold assets ``a >= grid[0]``, have a Markov income state ``z`` and each period
choose consumption and savings subject to::

    c_t + a_t = (1 + r_t) a_{t-1} + y_t(z),      y_t(z) = sum_x x_t * loading_x(z),
    max E sum_t beta^t u(c_t),                   u(c) = c^(1-gamma)/(1-gamma)  (log c if gamma = 1).

The block's *inputs* are the interest rate (``rate_input``, default ``"r"``) and the
coefficients of the income, e.g. ``{"w": e}`` for a wage times efficiency units or
``{"w": e, "transfer": 1}``. Its *outputs* are the aggregates ``"A"`` (end-of-period assets,
sum D_t a_t) and ``"C"`` (consumption), where D_t is the distribution over (z_t, a_{t-1}) at the
start of period t.

* :meth:`IncomeFluctuationBlock.steady_state` — stationary policies (EGM with extrapolation)
  and distribution (Young's lottery), with a convergence report.
* :meth:`IncomeFluctuationBlock.path` — aggregates (and optionally distributions and policies)
  along given input paths that return to the steady state: backward EGM steps from the steady
  state's marginal value, forward lottery steps from the steady-state distribution.
* :meth:`IncomeFluctuationBlock.jacobian` — sequence-space Jacobians dY_t/dx_s of the outputs
  with respect to the inputs by the fake-news algorithm (Auclert, Bardóczy, Rognlie and Straub
  2021) with the exact derivative of the EGM step (:mod:`equilibria.household.derivatives`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from equilibria.errors import ConvergenceError, ParameterError

from .distribution import forward_step, lottery, stationary_distribution
from .egm import backward_step, solve_household

__all__ = ["IncomeFluctuationBlock", "SteadyState", "HouseholdPath", "income_chain"]

OUTPUTS = ("A", "C")


def income_chain(points: int, persistence: float, stationary_sd: float):
    """Efficiency units e on a Rouwenhorst chain for log e (AR(1) with the given persistence and
    stationary standard deviation of log e), normalized to E e = 1; returns (e, transition, pi)."""
    from equilibria.numerics import rouwenhorst, stationary_distribution as markov_stationary

    if not 0 <= persistence < 1:
        raise ParameterError("income_persistence", "must lie in [0, 1)", persistence)
    if not stationary_sd >= 0:
        raise ParameterError("income_sd", "must be non-negative", stationary_sd)
    innovation = stationary_sd * np.sqrt(1.0 - persistence ** 2)
    log_e, transition = rouwenhorst(int(points), persistence, max(innovation, 1e-300))
    pi = markov_stationary(transition)
    e = np.exp(log_e)
    return e / (pi @ e), transition, pi


@dataclass
class SteadyState:
    """Stationary policies (indexed [z, k]), distribution D[z, k] over (z, a_{-1}) and aggregates."""

    inputs: dict
    beta: float
    savings: np.ndarray
    consumption: np.ndarray
    marginal: np.ndarray
    distribution: np.ndarray
    aggregates: dict
    report: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.aggregates[name] if name in self.aggregates else self.inputs[name]


@dataclass
class HouseholdPath:
    """Outputs along a path (arrays over t = 0..T-1); distributions and policies if kept."""

    aggregates: dict
    distributions: np.ndarray | None = None
    savings: np.ndarray | None = None
    consumption: np.ndarray | None = None


class IncomeFluctuationBlock:
    """The income-fluctuation household block (see the module docstring).

    Parameters
    ----------
    grid : (n_a,) increasing asset grid; ``grid[0]`` is the borrowing limit.
    transition : (n_z, n_z) Markov matrix of the income state.
    income : mapping input name -> (n_z,) loading (or scalar); y(z) = sum_x x * loading_x(z).
    gamma : CRRA coefficient (1 = log utility).
    rate_input : name of the net interest rate input.
    """

    def __init__(self, grid, transition, income: Mapping[str, object], gamma: float = 1.0,
                 rate_input: str = "r"):
        self.grid = np.ascontiguousarray(grid, dtype=float)
        self.transition = np.ascontiguousarray(transition, dtype=float)
        nz = self.transition.shape[0]
        if self.grid.ndim != 1 or self.grid.size < 3 or np.any(np.diff(self.grid) <= 0):
            raise ParameterError("grid", "must be strictly increasing with at least three points")
        if self.transition.shape != (nz, nz) or np.any(self.transition < 0) or \
                np.max(np.abs(self.transition.sum(axis=1) - 1)) > 1e-10:
            raise ParameterError("transition", "must be a square row-stochastic matrix")
        if not gamma > 0:
            raise ParameterError("gamma", "must be positive", gamma)
        self.gamma = float(gamma)
        self.rate_input = rate_input
        self.loadings = {name: np.broadcast_to(np.asarray(v, float), (nz,)).copy()
                         for name, v in income.items()}
        if rate_input in self.loadings:
            raise ParameterError("income", f"{rate_input!r} is the interest rate input")
        self.inputs = (rate_input, *self.loadings)
        self.outputs = OUTPUTS

    # ------------------------------------------------------------------ pieces
    @property
    def shape(self):
        return self.transition.shape[0], self.grid.size

    def income(self, inputs: Mapping[str, float]) -> np.ndarray:
        """y(z) = sum_x x * loading_x(z) at scalar inputs."""
        total = np.zeros(self.shape[0])
        for name, loading in self.loadings.items():
            total += float(inputs[name]) * loading
        return total

    def _check(self, inputs):
        missing = [x for x in self.inputs if x not in inputs]
        if missing:
            raise ParameterError("inputs", f"missing {missing}")

    # ------------------------------------------------------------------ steady state
    def steady_state(self, inputs: Mapping[str, float], beta: float, *, tol: float = 1e-12,
                     distribution_tol: float = 1e-15, guess: SteadyState | None = None) -> SteadyState:
        """Stationary policies and distribution at constant ``inputs`` and discount factor ``beta``.

        Raises ``ConvergenceError`` when beta (1 + r) >= 1 (no stationary distribution) or an
        iteration fails; the report holds the iterations and final changes of both.
        """
        self._check(inputs)
        R = 1.0 + float(inputs[self.rate_input])
        if not 0 < beta < 1:
            raise ParameterError("beta", "must lie in (0, 1)", beta)
        if beta * R >= 1.0:
            raise ConvergenceError(f"beta (1 + r) = {beta * R:.6g} >= 1: assets diverge, no stationary "
                                   "distribution", history=[])
        y = self.income(inputs)
        if np.any(y <= 0):
            raise ParameterError("income", "must be positive in every state")
        start = time.perf_counter()
        warm = None if guess is None else (guess.marginal, None)
        sol = solve_household(self.grid, y, self.transition, np.ones(1), R, beta, self.gamma, 1.0,
                              values=False, tol=tol, guess=warm)
        seconds_policy = time.perf_counter() - start
        dist = stationary_distribution(self.grid, sol.savings, sol.probabilities, self.transition,
                                       tol=distribution_tol,
                                       guess=None if guess is None else guess.distribution)
        savings, consumption = sol.savings[0], sol.spending[0]
        aggregates = {"A": float(np.sum(dist * savings)), "C": float(np.sum(dist * consumption))}
        report = {"policy_iterations": sol.iterations, "policy_change": sol.distance,
                  "distribution_tol": distribution_tol,
                  "mass_at_top": float(dist[:, -1].sum()),
                  "seconds": time.perf_counter() - start, "seconds_policy": seconds_policy}
        return SteadyState(inputs={x: float(inputs[x]) for x in self.inputs}, beta=float(beta),
                           savings=savings, consumption=consumption, marginal=sol.marginal,
                           distribution=dist, aggregates=aggregates, report=report)

    # ------------------------------------------------------------------ transition paths
    def path(self, ss: SteadyState, inputs: Mapping[str, Sequence[float]], T: int | None = None,
             keep: bool = False) -> HouseholdPath:
        """Aggregates along input paths (missing inputs stay at the steady state).

        Households expect the paths at t = 0 (an unanticipated shock) and the steady state after
        T - 1: the backward EGM steps start from the steady-state marginal value, the forward
        lottery steps from the steady-state distribution. ``keep`` also returns the distributions
        D_t (T, n_z, n_a) and the policies a_t, c_t on the grid.
        """
        paths = {x: np.asarray(v, float) for x, v in inputs.items() if x in self.inputs}
        if T is None:
            T = max((v.size for v in paths.values()), default=1)
        full = {x: (paths[x] if x in paths else np.full(T, ss.inputs[x])) for x in self.inputs}
        for x, v in full.items():
            if v.shape != (T,):
                raise ParameterError(x, f"path must have length T = {T}", v.shape)
        nz, n = self.shape
        savings = np.empty((T, nz, n))
        consumption = np.empty((T, nz, n))
        marginal = ss.marginal
        ones = np.ones(1)
        for t in range(T - 1, -1, -1):
            at = {x: full[x][t] for x in self.inputs}
            step = backward_step(self.grid, self.income(at), self.transition, 1.0 + at[self.rate_input],
                                 ss.beta, self.gamma, marginal, prices=ones)
            savings[t], consumption[t], marginal = step.savings[0], step.spending[0], step.marginal
        index, weight = lottery(self.grid, savings)
        dist = ss.distribution
        A, C = np.empty(T), np.empty(T)
        kept = np.empty((T, nz, n)) if keep else None
        for t in range(T):
            if keep:
                kept[t] = dist
            A[t] = np.sum(dist * savings[t])
            C[t] = np.sum(dist * consumption[t])
            if t < T - 1:
                dist = forward_step(index[t], weight[t], self.transition, dist)
        return HouseholdPath(aggregates={"A": A, "C": C}, distributions=kept,
                             savings=savings if keep else None, consumption=consumption if keep else None)

    # ------------------------------------------------------------------ Jacobians
    def jacobian(self, ss: SteadyState, T: int, inputs: Sequence[str] | None = None,
                 outputs: Sequence[str] | None = None) -> dict:
        """Sequence-space Jacobians {(output, input): (T, T)} with J[t, s] = dY_t / dx_s.

        Fake-news algorithm with the exact derivative of the EGM step; see
        :func:`equilibria.dynamics.fake_news.fake_news_jacobian`.
        """
        from equilibria.dynamics.fake_news import fake_news_jacobian

        from .derivatives import EGMDerivative

        inputs = tuple(self.inputs if inputs is None else inputs)
        outputs = tuple(self.outputs if outputs is None else outputs)
        for x in inputs:
            if x not in self.inputs:
                raise ParameterError("inputs", f"{x!r} is not an input of the block ({self.inputs})")
        for y in outputs:
            if y not in self.outputs:
                raise ParameterError("outputs", f"{y!r} is not an output of the block ({self.outputs})")
        # C from the aggregate budget constraint when it holds exactly on the grid (below)
        derive_c = "C" in outputs and self.budget_identity_holds(ss)
        fake = [o for o in outputs if not (o == "C" and derive_c)]
        if derive_c and "A" not in fake:
            fake.append("A")
        derivative = EGMDerivative(self, ss)
        shocks = [derivative.input_shock(x) for x in inputs]
        columns = np.flatnonzero(ss.distribution.ravel() > 0)       # points without mass do not matter
        policy_paths = derivative.policy_responses(shocks, T, columns=columns, consumption="C" in fake)
        index, weight = lottery(self.grid, ss.savings)
        J = fake_news_jacobian(
            distribution=ss.distribution, transition=self.transition, index=index, weight=weight,
            grid=self.grid, savings=ss.savings,
            outcomes={"A": ss.savings, "C": ss.consumption},
            outcome_responses={"A": policy_paths["savings"], "C": policy_paths["consumption"]},
            savings_response=policy_paths["savings"], T=T, inputs=inputs, outputs=tuple(fake),
            columns=columns)
        if derive_c:
            for x in inputs:
                J[("C", x)] = self._consumption_jacobian(ss, J[("A", x)], x)
        return {(o, x): J[(o, x)] for o in outputs for x in inputs}

    def budget_identity_holds(self, ss: SteadyState) -> bool:
        """True when no household with mass saves at or beyond the top of the grid.

        Then Young's lottery preserves mean assets and the z-marginal of D_t stays at its
        steady state, so summing the budget constraint over households gives exactly
        C_t = (1 + r_t) A_{t-1} + sum_x x_t <pi, loading_x> - A_t (A_{-1} = mean assets of D_0).
        """
        return not bool(np.any((ss.savings >= self.grid[-1]) & (ss.distribution > 0)))

    def _consumption_jacobian(self, ss, JA, x):
        """dC_t/dx_s = [t = s] (dR/dx M_0 + <pi, loading_x>) + R JA[t-1, s] - JA[t, s]."""
        R = 1.0 + ss.inputs[self.rate_input]
        pi = ss.distribution.sum(axis=1)
        if x == self.rate_input:
            direct = float(np.sum(ss.distribution * self.grid[None, :]))
        else:
            direct = float(pi @ self.loadings[x])
        JC = -JA.copy()
        JC[1:] += R * JA[:-1]
        JC[np.diag_indices_from(JC)] += direct
        return JC
