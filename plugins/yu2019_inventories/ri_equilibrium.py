"""The rational-inattention equilibrium (sections 1.3.8-1.3.9, appendix A.5), in sequence space.

For one aggregate shock (the attention problems of independent shocks separate under a constant
marginal cost of information), the equilibrium is a fixed point in the firms' actual actions
``x_t`` (log nominal price and stock, or relative price and stock), the moving-average
coefficients ``B(L)`` of (1.37):

1. given ``x``, the rest of the economy (households, unions, policy, inventories, price index)
   follows from the stacked linearized model with the two decision rows removed
   (:class:`~.sequence.StackedSystem`) — steps 3-4 of A.5;
2. given those aggregate paths, the first-best ``x†`` solves the firm's own optimality conditions
   (1.18)-(1.19) with its own inventories and marginal cost — equivalent to Proposition 1 (1.39),
   step 5 of A.5;
3. given ``x†``, the attention problem (1.34)-(1.38) gives the new ``x``
   (:func:`~.rational_inattention.solve_attention`) — step 2 of A.5.

The economy is linear, so ``x† = J x + j0`` exactly. :func:`solve_ri` first iterates on the gap
``x† - x`` with damping (given the gap, ``x†`` solves a linear system, which absorbs the strong
general-equilibrium feedback: ``J`` has eigenvalues near -500), then applies Newton's method to the
attention problem's first-order conditions with ``x†`` tied to ``x`` by the equilibrium map; see
:func:`solve_ri`. If firms pay no attention at the first-best responses of an inattentive economy,
that economy is an equilibrium. The attention problem sees the actions in percent deviations
(100 × log deviation), the unit in which the model's responses are reported; a bit costs
``μ Ξ* p* sales*`` (:func:`information_price`).
"""
from __future__ import annotations

import time

import attrs
import numpy as np

from equilibria import ConvergenceError
from equilibria.equilibrium import SolveReport
from equilibria.numerics.roots import solve_report

from .model import compiled_model, linearize
from .params import InventoryParameters
from .profit import hessians
from .rational_inattention import AttentionSolution, solve_attention
from .sequence import StackedSystem
from .steady_state import steady_state

__all__ = ["RIEquilibrium", "solve_ri", "DECISIONS", "FIRM_VARIABLES", "FIRM_ROWS", "DECISION_ROWS",
           "ACTION_UNITS", "cached_economy", "information_price"]

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


def information_price(params: InventoryParameters, ss) -> float:
    """λ = μ Ξ* p* sales*: the marginal-utility cost of one bit per quarter, μ as a fraction of the
    firm's steady-state sales revenue (Table 1.1: "flow cost of info. (% of sales)")."""
    return params.mu * ss.marginal_utility * ss.relative_price * ss.sales


@attrs.frozen(kw_only=True)
class RIEquilibrium:
    """Responses (report units, one-standard-deviation innovation) and the attention solution."""

    shock: str
    paths: dict = attrs.field(eq=False)            # model variable -> percent (or level) deviations
    first_best: dict = attrs.field(eq=False)       # "p", "Z" -> first-best actions (percent; p nominal or relative)
    actions: dict = attrs.field(eq=False)          # "p", "Z" -> actual actions (percent), same coordinates
    full_information: dict = attrs.field(eq=False)  # model variable -> full-information responses
    attention: AttentionSolution = attrs.field(eq=False)
    report: SolveReport = attrs.field(eq=False)
    info_price: float = 0.0


class _Economy:
    """The affine map from actual to first-best actions for one parameter set.

    The model's decision variables are the relative price ``p = P_j/P`` and the stock ``Z``. The
    firm's *actions* are ``(log P_j, Z)`` with the nominal price (``price_action = "nominal"``, the
    reading of A.5's step 3, where the aggregate price level comes from the firms' actual pricing
    decisions) or ``(p, Z)`` (``"relative"``). The nominal price is the relative price plus the
    log price level ``Σ_s log π_s``, itself an affine function of the decisions.
    """

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
        self.pi_idx = self.stacked.index([pos["PI"]])
        self.T = T
        self.nominal = params.price_action == "nominal"
        self.everything = self.stacked.partition(all_rows, all_rows)
        self._decision_map = None
        self._linear_map = None

    def full_information(self, rhs):
        """The full-information (flexible-price) responses: every row solved for every variable."""
        return self.everything.solve(np.zeros(self.stacked.n * self.T), rhs)

    def _decision_jacobians(self):
        """``(dx†/dx, d log π / dx)`` in model decisions; independent of the shock, computed once."""
        if self._decision_map is None:
            n_dec = len(self.dec_idx)
            jfull = np.zeros((self.stacked.n * self.T, n_dec))
            jfull[self.dec_idx] = np.eye(n_dec)
            jfull[self.aggregate.u_idx] = self.aggregate.jacobian(self.dec)
            d_first_best = self.firm.jacobian_rows(self.dec_idx)
            self._decision_map = (d_first_best @ jfull[self.firm.k_idx], jfull[self.pi_idx])
        return self._decision_map

    def _price_level(self, full):
        """``E log P``: the log price level ``Σ_s log π_s`` in the price rows of an action vector."""
        out = np.zeros(2 * self.T)
        if self.nominal:
            out[:self.T] = np.cumsum(full[self.pi_idx])
        return out

    def linear_map(self, rhs):
        """``a† = J a + j0``: first-best actions as an affine function of actual actions."""
        if self._linear_map is None or self._linear_map[2] is not rhs:
            J, d_pi = self._decision_jacobians()
            n_dec = len(self.dec_idx)
            zero = self.aggregate_paths_of_decisions(np.zeros(n_dec), rhs)
            j0 = self.first_best(zero)          # includes the price level level0 in nominal actions
            level0 = self._price_level(zero)
            if self.nominal:   # actions = decisions + E C (d_pi x + pi0): A x + level0
                E_C_dpi = np.zeros((n_dec, n_dec))
                E_C_dpi[:self.T] = np.cumsum(d_pi, axis=0)
                A = np.eye(n_dec) + E_C_dpi
                J_actions = np.linalg.solve(A.T, (J + E_C_dpi).T).T
                j0 = j0 - J_actions @ level0
            else:
                A, J_actions = np.eye(n_dec), J
            self._linear_map = (J_actions, j0, rhs, A, level0)
        return self._linear_map[:2]

    def decisions(self, actions, rhs):
        """Model decisions ``(p, Z)`` (log deviations) of actual actions."""
        self.linear_map(rhs)
        _, _, _, A, level0 = self._linear_map
        return np.linalg.solve(A, actions - level0) if self.nominal else np.asarray(actions, float)

    def aggregate_paths(self, actions, rhs):
        """The stacked paths of every model variable when firms take ``actions``."""
        return self.aggregate_paths_of_decisions(self.decisions(actions, rhs), rhs)

    def aggregate_paths_of_decisions(self, x_dec, rhs):
        full = np.zeros(self.stacked.n * self.T)
        full[self.dec_idx] = x_dec
        return self.aggregate.solve(full, rhs)

    def first_best(self, full):
        """First-best actions given the aggregate paths in ``full``."""
        return self.firm.solve(full)[self.dec_idx] + self._price_level(full)


def cached_economy(params: InventoryParameters, money: bool = False) -> _Economy:
    """The :class:`_Economy` of ``params`` (μ and the shock sizes do not enter it); the last few are kept."""
    key = (params.replace(mu=0.0, sigma_r=1.0, sigma_a=1.0), money)
    for cached_key, cached in _ECONOMIES:
        if cached_key == key:
            return cached
    built = _Economy(params, params.ma_lags, money=money)
    _ECONOMIES.insert(0, (key, built))
    del _ECONOMIES[4:]
    return built


_ECONOMIES: list = []


def _report_units(model, full, T):
    units = np.where(model.log_variables, 100.0, 1.0)
    paths = full.reshape(T, model.n) * units[None, :]
    return {v: paths[:, i] for i, v in enumerate(model.variables)}


#: Damped gap iterations between attempts of the Newton stage (:func:`solve_ri`), and its iteration cap.
NEWTON_AFTER = 40
NEWTON_MAXITER = 40


def _jacobian(residual, z):
    from .rational_inattention import batch_jacobian

    return batch_jacobian(residual, z)


def solve_ri(params: InventoryParameters, shock: str = "eps_r", damping: float = 0.8, tol: float = 1e-10,
             max_iterations: int = 200, economy: _Economy | None = None) -> RIEquilibrium:
    """The RI equilibrium response to one innovation of one standard deviation (A.5); see :func:`_solve_ri`.

    Runs with single-threaded BLAS: the work is many small dense solves (162 unknowns), which
    multi-threaded OpenBLAS slows down many times over on a loaded machine.
    """
    from equilibria.blas import single_threaded_blas

    with single_threaded_blas():
        return _solve_ri(params, shock, damping, tol, max_iterations, economy)


def _solve_ri(params: InventoryParameters, shock: str = "eps_r", damping: float = 0.8, tol: float = 1e-10,
              max_iterations: int = 200, economy: _Economy | None = None,
              _attending_only: bool = False) -> RIEquilibrium:
    """The RI equilibrium response to one innovation of one standard deviation (A.5).

    Two stages. (1) The damped iteration on the gap ``x† - x`` (module docstring) until the gap
    changes by less than 1% of the first-best responses (or, if it stalls, for ``max_iterations``
    rounds): a globally reliable but linearly converging start. (2) Newton's method on the joint
    first-order conditions of the attention problem (:func:`~.rational_inattention.stationarity`,
    in the coordinates ``(b, log c)``) with the first-best responses tied to the actual ones by the
    exact linear equilibrium map, ``a = (I + S)^{-1}(x†_0 + S b)``; converges quadratically to ``tol``
    (max-norm of the first-order conditions, in units of the largest loss curvature and response).
    The solution is then checked to be a minimum of the firm's own problem (positive definite
    Hessian with the aggregates held fixed) that beats zero attention.
    """
    started = time.perf_counter()
    T = params.ma_lags
    econ = economy or cached_economy(params, money=shock == "eps_m")
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
    n = len(j0)
    solve_equilibrium = np.linalg.solve(np.eye(n) - J, np.column_stack([j0, J]))
    base, spill = solve_equilibrium[:, 0] * ACTION_UNITS, solve_equilibrium[:, 1:]
    # iterate on the gap x† - x: given it, x† = (I - J)^{-1} (j0 - J gap) exactly
    history, attention, method = [], None, "zero attention"
    idle = solve_attention(j0.reshape(2, T) * ACTION_UNITS, H0, H1, info_price)
    zero_is_equilibrium = idle.information < 1e-9    # no attention: x = 0 and x† = j0 is an equilibrium
    if zero_is_equilibrium and params.selection == "attention_first" and not _attending_only:
        try:
            return _solve_ri(params, shock, damping, tol, max_iterations, econ, _attending_only=True)
        except ConvergenceError:
            pass
    if zero_is_equilibrium and not _attending_only:
        attention, target = idle, j0.reshape(2, T) * ACTION_UNITS
        history.append(0.0)
    else:
        gap, attending, failure, tried = np.zeros(n), None if zero_is_equilibrium else idle, None, False
        max_iterations = NEWTON_AFTER if _attending_only else max_iterations
        for round_ in range(max_iterations):
            target = base - spill @ gap
            attention = solve_attention(target.reshape(2, T), H0, H1, info_price, start=attending)
            if attention.information > 0.0:
                attending = attention
            residual = target - attention.b.ravel() - gap
            history.append(float(np.max(np.abs(residual))) / max(float(np.max(np.abs(target))), 1e-300))
            if (history[-1] < 1e-2 and not tried) or (round_ + 1) % NEWTON_AFTER == 0:
                tried = True
                try:
                    attention, target, newton_history = _newton_stage(base, spill, attending, H0, H1, info_price,
                                                                      tol, T)
                    break
                except ConvergenceError as exc:
                    failure = exc
            gap = gap + damping * residual
        else:
            raise failure or ConvergenceError("rational-inattention fixed point (A.5) did not converge",
                                              history=history)
        history += newton_history
        method = "damped gap iteration, then Newton on the attention conditions (1.34) with the equilibrium map (A.5)"
    x = attention.b.ravel() / ACTION_UNITS
    full = econ.aggregate_paths(x, rhs)
    first_best = econ.first_best(full) * ACTION_UNITS
    report = solve_report(method, residual_norm=history[-1], tolerance=tol, history=tuple(history),
                          started=started)
    return RIEquilibrium(shock=shock, paths=_report_units(model, full, T),
                         first_best={"p": first_best[:T], "Z": first_best[T:]},
                         actions={"p": attention.b[0].copy(), "Z": attention.b[1].copy()},
                         full_information=full_info,
                         attention=attention, report=report, info_price=info_price)


def _newton_stage(base, spill, start, H0, H1, info_price, tol, T):
    """Stage 2 of :func:`solve_ri`: ``(attention, first-best target, residual history)``.

    The attended actions are those the stage-1 attention problem attends to; an unattended action is
    the corner ``b_i = 0`` (no signal, no noise), checked afterwards against a fresh solve of the
    firm's problem that may attend to it.
    """
    from .rational_inattention import _loss_parts, active_stationarity, attention_solution

    n = len(base)
    active = None if start is None else np.asarray(start.information_by_action) > 1e-8
    if active is None or not np.any(active):
        raise ConvergenceError("rational-inattention fixed point (A.5): the attention problem chose zero attention "
                               "along the iteration, but zero attention is not an equilibrium (the first-best "
                               "responses of an inattentive economy are worth attending to)", history=[])
    rows = np.repeat(active, T)
    # a = base - S (a - b)  <=>  a = M base + M S b
    M = np.linalg.inv(np.eye(n) + spill)
    a_base, a_of_b = M @ base, (M @ spill)[:, rows]
    scale = float(np.max(np.abs(base)))
    K = -np.asarray(H0)
    norm = float(np.max(np.abs(K)))
    K_s, H1_s, price_s = K / norm, np.asarray(H1) / norm, info_price / (scale * scale * norm)
    a_base_s = a_base / scale
    n_act = int(np.sum(active))

    def residual(z, coupled=True):
        a = a_base_s + z[..., :n_act * T] @ a_of_b.T if coupled else fixed_a
        return active_stationarity(z, active, np.reshape(a, np.shape(a)[:-1] + (2, T)), K_s, H1_s, price_s)

    from equilibria.numerics.roots import find_root

    z0 = np.concatenate([start.b[active].ravel() / scale, np.log(start.c[active] / scale)])
    root = find_root(residual, z0, method="newton", tol=tol, maxiter=NEWTON_MAXITER,
                     jacobian=lambda u: _jacobian(residual, u),
                     what="the attention conditions (1.34) at the rational-inattention fixed point (A.5)")
    z, history = root.x, list(root.report.history)
    b = np.zeros((2, T))
    b[active] = z[:n_act * T].reshape(n_act, T) * scale
    c = np.zeros(2)
    c[active] = np.exp(z[n_act * T:]) * scale
    target = (a_base + (a_of_b @ b[active].ravel()) if n_act else a_base).reshape(2, T)
    fixed_a = target.ravel() / scale
    own = _jacobian(lambda u: residual(u, coupled=False), z)
    lowest = float(np.min(np.linalg.eigvalsh(0.5 * (own + own.T))))
    attention = attention_solution(target, b, c, H0, H1, iterations=len(history))
    value = attention.loss + info_price * attention.information
    idle_loss, _ = _loss_parts(-target, np.zeros(2), K, np.asarray(H1))
    corner_beaten = False
    if not np.all(active):   # an unattended action: would a fresh solve that may attend to it do better?
        better = solve_attention(target, H0, H1, info_price, start=attention, polish=True)
        corner_beaten = better.loss + info_price * better.information < value - 1e-6 * abs(value)
    if lowest <= 0.0 or idle_loss <= value or corner_beaten:
        raise ConvergenceError("rational-inattention fixed point (A.5): the stationary point found is not the "
                               "firm's optimal attention (" + ("not a local minimum" if lowest <= 0.0 else
                               "zero attention does better" if idle_loss <= value else
                               "attending to another action does better") + ")", history=history)
    return attention, target, history
