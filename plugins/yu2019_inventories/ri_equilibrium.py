"""The rational-inattention equilibrium (sections 1.3.8-1.3.9, appendix A.5), in sequence space.

For one aggregate shock (the attention problems of independent shocks separate under a constant
marginal cost of information), the equilibrium is a fixed point in the firms' actual decision
rules ``x_t = (p_t, Z_t)``, the moving-average coefficients ``B(L)`` of (1.37):

1. given ``x``, the rest of the economy (households, unions, policy, inventories, price index)
   follows from the stacked linearized model with the two decision rows removed
   (:class:`~.sequence.StackedSystem`) — steps 3-4 of A.5;
2. given those aggregate paths, the first-best ``x†`` solves the firm's own optimality conditions
   (1.18)-(1.19) with its own inventories and marginal cost — equivalent to Proposition 1 (1.39),
   step 5 of A.5;
3. given ``x†``, the attention problem (1.34)-(1.38) gives the new ``x``
   (:func:`~.rational_inattention.solve_attention`) — step 2 of A.5.

The outer iteration is on the gap ``x† - x`` between first-best and actual decisions: given the gap,
the first-best decisions solve a linear system exactly (the economy is linear), and the attention
problem returns the new gap; the update is damped. In gap coordinates the map is well conditioned
(the economy's strong general-equilibrium feedback, eigenvalues of ``J`` near -500, is solved
exactly), so the plain damped iteration converges linearly; the attention problem is warm-started;
a zero gap (the full-information solution) is the starting guess. If firms pay no attention at the
first-best responses of an inattentive economy, that economy is the equilibrium.

Units: the attention problem sees the decisions in percent deviations (100 × log deviation),
the unit in which the model's responses are reported; see the docs page for this reading of μ.
"""
from __future__ import annotations

import time

import attrs
import numpy as np

from equilibria import ConvergenceError
from equilibria.equilibrium import SolveReport

from .model import compiled_model, linearize
from .params import InventoryParameters
from .profit import hessians
from .rational_inattention import AttentionSolution, solve_attention
from .sequence import StackedSystem
from .steady_state import steady_state

__all__ = ["RIEquilibrium", "solve_ri", "DECISIONS", "FIRM_VARIABLES", "FIRM_ROWS", "DECISION_ROWS",
           "ACTION_UNITS"]

DECISIONS = ("p", "Z")
PRICE_BLOCK = ("lpstar", "qsum", "psum", "msum")
DECISION_ROWS = (11, 12, 13, 14, 15, 16)
FIRM_VARIABLES = ("p", "Z", "vs", "sales", "inv", "Y", "L", "mc", "Fm", "Fp", "Psi", "M", "K",
                  "lpstar", "qsum", "psum", "msum")
FIRM_ROWS = (11, 12, 13, 14, 15, 16, 8, 7, 6, 5, 3, 4, 17, 18, 19, 21, 22)
SHOCK_SIZE = {"eps_r": "sigma_r", "eps_a": "sigma_a"}
#: Section 1.6.3: a 0.6% fall in the money supply.
MONEY_SHOCK = -0.006
#: Decisions enter the attention problem in percent deviations.
ACTION_UNITS = 100.0
#: Utility value of one bit per quarter per unit of μ, as a multiple of Ξ* p* sales* (see
#: :func:`information_price`). The text's unit for μ cannot be recovered; this constant makes
#: Table 1.1's μ = 0.0525% give the benchmark's total information flow of Table 1.4
#: (0.0768 + 0.0596 bits); :func:`calibrate_information_unit` recomputes it.
INFORMATION_UNIT = 0.04


def information_price(params: InventoryParameters, ss) -> float:
    """λ = μ × INFORMATION_UNIT × Ξ* p* sales*: the marginal-utility cost of one bit per quarter."""
    return params.mu * INFORMATION_UNIT * ss.marginal_utility * ss.relative_price * ss.sales


def calibrate_information_unit(params: InventoryParameters | None = None, target: float = 0.0768 + 0.0596,
                               tol: float = 2e-3) -> float:
    """The INFORMATION_UNIT at which ``params`` (default Table 1.1) gives ``target`` bits in total."""
    import math

    global INFORMATION_UNIT
    params = params or InventoryParameters()
    economy = _Economy(params, params.ma_lags)
    saved = INFORMATION_UNIT
    lo, hi = math.log(0.003), math.log(0.1)
    try:
        while hi - lo > tol:
            mid = 0.5 * (lo + hi)
            INFORMATION_UNIT = math.exp(mid)
            flow = solve_ri(params, economy=economy).attention.information
            lo, hi = (lo, mid) if flow < target else (mid, hi)
    finally:
        INFORMATION_UNIT = saved
    return math.exp(0.5 * (lo + hi))


@attrs.frozen(kw_only=True)
class RIEquilibrium:
    """Responses (report units, one-standard-deviation innovation) and the attention solution."""

    shock: str
    paths: dict = attrs.field(eq=False)            # model variable -> percent (or level) deviations
    first_best: dict = attrs.field(eq=False)       # "p", "Z" -> first-best responses (percent)
    full_information: dict = attrs.field(eq=False)  # model variable -> full-information responses
    attention: AttentionSolution = attrs.field(eq=False)
    report: SolveReport = attrs.field(eq=False)
    info_price: float = 0.0


class _Economy:
    """The affine map from actual decisions to first-best decisions for one parameter set."""

    def __init__(self, params: InventoryParameters, T: int, money: bool = False):
        model = compiled_model()
        self.model = model
        self.flex = params if params.xi_p == 0.0 else params.replace(xi_p=0.0, iota_p=0.0)
        self.ss = steady_state(self.flex)
        _, _, self.system = linearize(self.flex, self.ss, money=money)
        self.stacked = StackedSystem(self.system, T)
        pos = {v: i for i, v in enumerate(model.variables)}
        self.dec = [pos[v] for v in DECISIONS]
        all_rows = np.arange(model.n)
        agg_rows = np.setdiff1d(all_rows, DECISION_ROWS)
        agg_unknowns = np.setdiff1d(all_rows, [pos[v] for v in DECISIONS + PRICE_BLOCK])
        self.aggregate = self.stacked.partition(agg_rows, agg_unknowns)
        self.firm = self.stacked.partition(FIRM_ROWS, [pos[v] for v in FIRM_VARIABLES])
        self.dec_idx = self.stacked.index(self.dec)
        self.T = T
        self.everything = self.stacked.partition(all_rows, all_rows)
        self._linear_map = None

    def full_information(self, rhs):
        """The full-information (flexible-price) responses: every row solved for every variable."""
        return self.everything.solve(np.zeros(self.stacked.n * self.T), rhs)

        self._linear_map = None

    def linear_map(self, rhs):
        """``x† = J x + j0``: first-best decisions as an affine function of actual decisions."""
        if self._linear_map is None or self._linear_map[2] is not rhs:
            n_dec = len(self.dec_idx)
            jfull = np.zeros((self.stacked.n * self.T, n_dec))
            jfull[self.dec_idx] = np.eye(n_dec)
            jfull[self.aggregate.u_idx] = self.aggregate.jacobian(self.dec)
            dF = self.firm.jacobian(self.firm.known)
            position = {k: i for i, k in enumerate(self.firm.u_idx)}
            rows = [position[k] for k in self.dec_idx]
            J = dF[rows] @ jfull[self.firm.k_idx]
            j0 = self.first_best(self.aggregate_paths(np.zeros(n_dec), rhs))
            self._linear_map = (J, j0, rhs)
        return self._linear_map[:2]

    def aggregate_paths(self, x_dec, rhs):
        full = np.zeros(self.stacked.n * self.T)
        full[self.dec_idx] = x_dec
        return self.aggregate.solve(full, rhs)

    def first_best(self, full):
        return self.firm.solve(full)[self.dec_idx]


def _report_units(model, full, T):
    units = np.where(model.log_variables, 100.0, 1.0)
    paths = full.reshape(T, model.n) * units[None, :]
    return {v: paths[:, i] for i, v in enumerate(model.variables)}


def solve_ri(params: InventoryParameters, shock: str = "eps_r", damping: float = 0.8, tol: float = 2e-4,
             max_iterations: int = 600, economy: _Economy | None = None) -> RIEquilibrium:
    """The RI equilibrium response to one innovation of one standard deviation (A.5)."""
    started = time.perf_counter()
    T = params.ma_lags
    econ = economy or _Economy(params, T, money=shock == "eps_m")
    T = econ.T
    model = econ.model
    size = MONEY_SHOCK if shock == "eps_m" else getattr(params, SHOCK_SIZE[shock])
    rhs = econ.stacked.impulse(model.shocks.index(shock), size)
    H = hessians(econ.flex, econ.ss)
    # H is per squared log deviation; the attention problem works in percent deviations
    H0, H1 = H.H0 / ACTION_UNITS ** 2, H.H1 / ACTION_UNITS ** 2
    info_price = information_price(params, econ.ss)
    full_info = _report_units(model, econ.full_information(rhs), T)
    J, j0 = econ.linear_map(rhs)
    solve_equilibrium = np.linalg.solve(np.eye(len(j0)) - J, np.column_stack([j0, J]))
    base, spill = solve_equilibrium[:, 0], solve_equilibrium[:, 1:]
    # iterate on the gap x† - x: given it, x† = (I - J)^{-1} (j0 - J gap) exactly
    gap = np.zeros_like(j0)
    history, attention = [], None
    idle = solve_attention(j0.reshape(2, T) * ACTION_UNITS, H0, H1, info_price)
    if idle.information < 1e-9:      # no attention: x = 0 and x† = j0 is the equilibrium
        gap, attention = j0.copy(), idle
        history.append(0.0)
    for iteration in range(max_iterations if not history else 0):
        target = (base - spill @ gap) * ACTION_UNITS
        attention = solve_attention(target.reshape(2, T), H0, H1, info_price, start=attention)
        residual = target / ACTION_UNITS - attention.b.ravel() / ACTION_UNITS - gap
        change = float(np.max(np.abs(residual))) / max(float(np.max(np.abs(target))) / ACTION_UNITS, 1e-300)
        history.append(change)
        if change < tol:
            break
        gap = gap + damping * residual
    if not history or history[-1] >= tol:
        raise ConvergenceError("rational-inattention fixed point (A.5) did not converge", history=history)
    x = attention.b.ravel() / ACTION_UNITS
    full = econ.aggregate_paths(x, rhs)
    target = econ.first_best(full) * ACTION_UNITS
    report = SolveReport(method="sequence-space fixed point (A.5) with attention problems (1.34)", converged=True,
                         iterations=len(history), evaluations=len(history), residual_norm=history[-1],
                         tolerance=tol, seconds=time.perf_counter() - started, history=tuple(history))
    return RIEquilibrium(shock=shock, paths=_report_units(model, full, T),
                         first_best={"p": target[:T], "Z": target[T:]},
                         full_information=full_info,
                         attention=attention, report=report, info_price=info_price)
