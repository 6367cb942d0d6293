"""The Krusell–Smith economy built from the core's household toolkit and transition solver.

Households (the core's :class:`~equilibria.household.IncomeFluctuationBlock` with log
utility, income w_t e and the borrowing limit 0) save in capital; firms rent it::

    r_t = α Z_t K_{t-1}^(α-1) - δ,   w_t = (1 - α) Z_t K_{t-1}^α,   Y_t = Z_t K_{t-1}^α,

K_t is end-of-period capital and the asset market clears, A_t = K_t (the target). The goods
market, Y_t = C_t + K_t - (1 - δ) K_{t-1}, then holds by Walras' law.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from equilibria.dynamics.transition import SequenceModel
from equilibria.equilibrium import SolveReport
from equilibria.errors import ConvergenceError
from equilibria.household import IncomeFluctuationBlock, income_chain
from equilibria.numerics import exponential_grid
from equilibria.numerics.roots import find_root

from .params import GRID_PIVOT, KrusellSmithParameters

__all__ = ["asset_grid", "household_block", "SteadyStateSolution", "solve_steady_state", "KrusellSmithModel"]


def asset_grid(params: KrusellSmithParameters) -> np.ndarray:
    """a_k = ((a_max + 0.25) / 0.25)^(k/(n-1)) 0.25 - 0.25, k = 0..n-1 (dense near the limit 0)."""
    curvature = np.log((params.asset_max + GRID_PIVOT) / GRID_PIVOT)
    return exponential_grid(0.0, params.asset_max, params.asset_points, curvature=curvature)


def household_block(params: KrusellSmithParameters) -> IncomeFluctuationBlock:
    """Log-utility households with income w e (inputs ``r``, ``w``)."""
    e, transition, _ = income_chain(params.income_points, params.income_persistence, params.income_sd)
    return IncomeFluctuationBlock(asset_grid(params), transition, {"w": e}, gamma=1.0)


def firm(params, K_lag, Z):
    """Prices and output of the firms from last period's capital and productivity."""
    a = params.alpha
    return {"r": a * Z * K_lag ** (a - 1.0) - params.depreciation,
            "w": (1.0 - a) * Z * K_lag ** a,
            "Y": Z * K_lag ** a}


#: the asset market must clear to this fraction of capital (and at least to as many goods),
#: |A - K| <= ASSET_MARKET_RTOL max(K, 1), at the calibrated β (near β(1 + r) = 1 assets are steep in β:
#: the last representable steps of β move A by about 1e-8)
ASSET_MARKET_RTOL = 1e-8


@dataclass
class SteadyStateSolution:
    """The calibrated steady state: β, Z, prices, aggregates, the household steady state, the report of
    the search for β (its residual is the asset market, A - K) and the markets' signed residuals."""

    beta: float
    values: dict
    household: object
    block: IncomeFluctuationBlock
    report: SolveReport
    residuals: dict


def solve_steady_state(params: KrusellSmithParameters, xtol: float = 1e-13,
                       bracket: tuple[float, float] | None = None) -> SteadyStateSolution:
    """Calibrate β and Z so that r = ``target_r`` and Y = ``target_y``.

    With r and Y given, the firm's conditions give K = α Y / (r + δ), Z = Y / K^α and
    w = (1 - α) Y; β solves A(β) = K by Brent's method (steps in β down to ``xtol``), each
    evaluation a household steady state warm-started from the previous one, inside ``bracket``
    (default (0.75, 1 - 1e-6) / (1 + r)). Converged means the asset market clears to
    :data:`ASSET_MARKET_RTOL` of capital (of one unit of goods when capital is below one); the report
    is the root finder's, the household solver's report is ``household.report``.
    """
    block = household_block(params)
    r, Y, a = params.target_r, params.target_y, params.alpha
    K = a * Y / (r + params.depreciation)
    Z = Y / K ** a
    w = (1.0 - a) * Y
    inputs = {"r": r, "w": w}
    if K >= block.grid[-1]:
        raise ConvergenceError(f"the target capital {K:.4g} is above the asset grid (asset_max)", history=[])
    cache = {}
    history = []

    def excess(beta):
        if beta in cache:
            return cache[beta].aggregates["A"] - K
        guess = cache.get("ss")
        ss = block.steady_state(inputs, beta, guess=guess)
        cache["ss"], cache[beta] = ss, ss
        history.append(float(ss.aggregates["A"] - K))
        return ss.aggregates["A"] - K

    low, high = (0.75 / (1.0 + r), (1.0 - 1e-6) / (1.0 + r)) if bracket is None else map(float, bracket)
    if excess(high) < 0:
        raise ConvergenceError(f"households do not hold the target capital at any β below {high:.6g}",
                               history=history)
    if excess(low) > 0:
        raise ConvergenceError(f"households hold more than the target capital even at β = {low:.6g}",
                               history=history)
    root = find_root(excess, high, method="brentq", bracket=(low, high), tol=ASSET_MARKET_RTOL * max(K, 1.0),
                     options={"xtol": xtol, "rtol": 4 * np.finfo(float).eps},
                     what="the discount factor β that clears the asset market (A = K)")
    beta = root.x
    ss = cache.get(beta) or block.steady_state(inputs, beta, guess=cache["ss"])
    A, C = ss.aggregates["A"], ss.aggregates["C"]
    values = {"beta": beta, "Z": Z, "r": r, "w": w, "K": K, "Y": Y, "C": C, "A": A,
              "I": params.depreciation * K}
    residuals = {"asset_market": float(A - K), "goods_market": float(Y - C - params.depreciation * K)}
    return SteadyStateSolution(beta=beta, values=values, household=ss, block=block, report=root.report,
                               residuals=residuals)


class KrusellSmithModel(SequenceModel):
    """The economy in sequence space: unknown K, exogenous Z, target the asset market A - K.

    Outputs: ``asset_market`` (A - K), ``goods_market`` (Y - C - I, zero by Walras' law when
    the asset market clears), ``r``, ``w``, ``Y``, ``C``, ``A``, ``I``; with ``keep`` set also
    the distributions and policies of every period (``household_path``).
    """

    unknowns = ("K",)
    targets = ("asset_market",)
    exogenous = ("Z",)

    def __init__(self, params: KrusellSmithParameters, steady: SteadyStateSolution | None = None, keep=False):
        self.params = params
        self.steady = solve_steady_state(params) if steady is None else steady
        self.block = self.steady.block
        self.ss = self.steady.household
        self.keep = keep
        v = self.steady.values
        self.steady_state = {**v, "asset_market": 0.0, "goods_market": 0.0}
        self._household_jacobian = {}

    def _lagged(self, K):
        return np.concatenate([[self.steady_state["K"]], K[:-1]])

    def evaluate(self, paths, T):
        K, Z = np.asarray(paths["K"], float), np.asarray(paths["Z"], float)
        K_lag = self._lagged(K)
        prices = firm(self.params, K_lag, Z)
        household = self.block.path(self.ss, {"r": prices["r"], "w": prices["w"]}, T=T, keep=self.keep)
        A, C = household.aggregates["A"], household.aggregates["C"]
        I = K - (1.0 - self.params.depreciation) * K_lag
        out = {**prices, "A": A, "C": C, "I": I, "asset_market": A - K, "goods_market": prices["Y"] - C - I}
        if self.keep:
            out["household_path"] = household
        return out

    def household_jacobian(self, T):
        """Jacobians of A and C with respect to r and w (fake news, exact), cached by T."""
        if T not in self._household_jacobian:
            self._household_jacobian[T] = self.block.jacobian(self.ss, T, inputs=("r", "w"), outputs=("A", "C"))
        return self._household_jacobian[T]

    def jacobian(self, T, outputs=None):
        """Chain rule through the firm: d(r, w, Y)_t / dK_{t-1} and / dZ_t, then the households.

        The firm's Jacobians are a scalar times the lag matrix (K) or the identity (Z), so the
        products with the household Jacobians are column shifts, not matrix products.
        """
        p, v = self.params, self.steady_state
        a, K, Z = p.alpha, v["K"], v["Z"]
        try:
            d = {("r", "K"): a * (a - 1.0) * Z * K ** (a - 2.0), ("r", "Z"): a * K ** (a - 1.0),
                 ("w", "K"): a * (1.0 - a) * Z * K ** (a - 1.0), ("w", "Z"): (1.0 - a) * K ** a,
                 ("Y", "K"): a * Z * K ** (a - 1.0), ("Y", "Z"): K ** a}
        except OverflowError:
            raise ConvergenceError(f"the firm's derivatives overflow at the steady-state capital K = {K:.3g}",
                                   history=[]) from None
        lag = np.eye(T, k=-1)                      # x_t depends on K_{t-1}
        eye = np.eye(T)
        H = self.household_jacobian(T)
        J = {}
        for price in ("r", "w", "Y"):
            J[(price, "K")] = d[(price, "K")] * lag
            J[(price, "Z")] = d[(price, "Z")] * eye
        for agg in ("A", "C"):
            direct = d[("r", "Z")] * H[(agg, "r")] + d[("w", "Z")] * H[(agg, "w")]
            J[(agg, "Z")] = direct
            shifted = np.zeros((T, T))               # (H lag)[:, s] = H[:, s + 1]
            shifted[:, :-1] = d[("r", "K")] * H[(agg, "r")][:, 1:] + d[("w", "K")] * H[(agg, "w")][:, 1:]
            J[(agg, "K")] = shifted
        J[("I", "K")] = eye - (1.0 - p.depreciation) * lag
        J[("asset_market", "K")] = J[("A", "K")] - eye
        J[("asset_market", "Z")] = J[("A", "Z")]
        for x in ("K", "Z"):
            J[("goods_market", x)] = J[("Y", x)] - J[("C", x)] - J.get(("I", x), 0.0)
        J[("K", "K")] = eye
        J[("Z", "Z")] = eye
        return J
