"""TFP shifters ``a_i(alpha_i)`` and the firms' technique choice (eq. 2 and eq. 12).

A *technology* holds the n log productivity shifters ``a_i(alpha_i) = log A_i(alpha_i)``
(Assumption 1: smooth, strictly concave) and answers the firms' question of Lemma 2, eq. (12):

    alpha_i(R) = argmax_{alpha_i in A_i}  a_i(alpha_i) - R' alpha_i,
    A_i = {alpha_i in [0, 1]^n : sum_j alpha_ij <= alpha_bar_i},

together with its derivative ``d alpha_i / d R`` (``H_i^{-1}`` at an interior choice, the
reduced inverse on the free inputs at a corner). The same map is the inner problem of the
planner's eq. (14) in dual form (its multipliers are the risk-adjusted prices).

Two implementations share one interface:

* :class:`QuadraticTechnology` -- eq. (2), ``a_i = (alpha_i - ideal_i)' H_i (alpha_i - ideal_i)/2``,
  batched over sectors with NumPy (``H_i^{-1}`` is factorised once);
* :class:`GeneralTechnology` -- any per-sector objects with ``value``, ``gradient``, ``hessian``
  (for instance :class:`~equilibria.symbolic.SymbolicFunction` built by sympy),
  solved by sequential quadratic programming with the active-set QP of
  :mod:`~equilibria.plugins.kmnt2024.qp`.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import ConvergenceError

from .qp import QPSolution, maximize_quadratic

__all__ = ["Choice", "QuadraticTechnology", "GeneralTechnology", "reduced_inverse", "inverse_negative_definite"]


@attrs.define(eq=False)
class Choice:
    """Technique choices of all firms at given risk-adjusted prices (the firms' response, eq. 12).

    Attributes
    ----------
    alpha : (n, n) ndarray
        Row i is firm i's technique alpha_i (input shares, fractions of firm i's costs).
    at_zero : (n, n) ndarray of bool
        ``alpha_ij = 0`` binds.
    budget_binds : (n,) ndarray of bool
        ``sum_j alpha_ij = alpha_bar_i`` binds.
    iterations : int
        Total QP/SQP iterations spent on corner solutions (0 if every choice is interior).
    """

    alpha: np.ndarray
    at_zero: np.ndarray
    budget_binds: np.ndarray
    iterations: int = 0

    @property
    def corner_rows(self) -> np.ndarray:
        """Indices of firms with some binding constraint."""
        return np.flatnonzero(self.at_zero.any(axis=1) | self.budget_binds)


def inverse_negative_definite(matrices) -> np.ndarray:
    """Inverses of a stack of symmetric negative definite matrices by Cholesky (LAPACK potrf/potri).

    About half the flops of :func:`numpy.linalg.inv` (LU), which is the reference in the tests.
    Matrices of size 64 and more go to the kernel ``equilibria.ext.kmnt_inverse`` (one matrix per
    OpenMP thread, as many threads as :mod:`equilibria.threads` allows; it is part of every install, so a missing build is an ImportError, not a silent
    slow path); smaller ones, where thread start-up costs more than it saves, make the same LAPACK
    calls through SciPy in a loop.
    """
    from equilibria.ext.kmnt_inverse import invert_negative_definite

    matrices = np.ascontiguousarray(matrices, dtype=float)
    out = np.empty_like(matrices)
    if matrices.shape[-1] < 64:
        from scipy.linalg import lapack

        from equilibria.blas import single_threaded_blas

        with single_threaded_blas():
            _invert_into(lapack, matrices, out)
        return out
    from equilibria.blas import single_threaded_blas_global

    status = np.zeros(matrices.shape[0], dtype=np.intc)
    with single_threaded_blas_global():
        invert_negative_definite(matrices, out, status, 0)  # 0: the threads setting above the kernel's threshold
    bad = np.flatnonzero(status)
    if bad.size:
        raise np.linalg.LinAlgError(f"matrix {int(bad[0])} is not negative definite")
    return out


def _invert_into(lapack, matrices, out):
    for i, h in enumerate(matrices):
        factor, info = lapack.dpotrf(-h, lower=1, clean=0, overwrite_a=0)
        if info != 0:
            raise np.linalg.LinAlgError(f"matrix {i} is not negative definite")
        inv, info = lapack.dpotri(factor, lower=1, overwrite_c=1)
        if info != 0:
            raise np.linalg.LinAlgError(f"matrix {i} is singular")
        low = np.tril(inv)
        out[i] = -(low + np.tril(low, -1).T)


def reduced_inverse(hessian, at_zero, budget_binds):
    """``d alpha_i / d R`` at a (possibly corner) technique choice.

    With free inputs F (those not at zero), differentiating the KKT conditions of eq. (12) gives
    ``d alpha_F / d R_F = (H_FF)^{-1}`` without a binding budget, and the upper-left block of the
    inverse of ``[[H_FF, 1], [1', 0]]`` with one; rows and columns of inputs at zero are 0.
    """
    n = hessian.shape[0]
    out = np.zeros((n, n))
    free = ~at_zero
    nf = int(free.sum())
    if nf == 0:
        return out
    Hff = hessian[np.ix_(free, free)]
    if budget_binds:
        if nf == 1:
            return out  # the single free input is pinned by the budget
        kkt = np.zeros((nf + 1, nf + 1))
        kkt[:nf, :nf] = Hff
        kkt[:nf, nf] = 1.0
        kkt[nf, :nf] = 1.0
        block = np.linalg.inv(kkt)[:nf, :nf]
    else:
        block = np.linalg.inv(Hff)
    out[np.ix_(free, free)] = block
    return out


def _restricted_qp(Q, g, cap, allowed) -> QPSolution:
    """``max g'x + x'Qx/2`` over ``A_i`` with the inputs outside ``allowed`` fixed at zero."""
    n = g.size
    if allowed is None or allowed.all():
        return maximize_quadratic(Q, g, np.zeros(n), np.ones(n), cap)
    x = np.zeros(n)
    at_lower = np.ones(n, bool)
    if not allowed.any():
        return QPSolution(x, at_lower, False, 0)
    k = int(allowed.sum())
    sol = maximize_quadratic(Q[np.ix_(allowed, allowed)], g[allowed], np.zeros(k), np.ones(k), cap)
    x[allowed] = sol.x
    at_lower[allowed] = sol.at_lower
    return QPSolution(x, at_lower, sol.budget_binds, sol.iterations)


class QuadraticTechnology:
    """Quadratic shifters of eq. (2): ``a_i(x) = (x - ideal_i)' H_i (x - ideal_i) / 2``.

    Parameters
    ----------
    hessians : (n, n, n) ndarray
        ``hessians[i]`` is ``H_i``, symmetric negative definite.
    ideal : (n, n) ndarray
        Row i is the ideal technique ``alpha_i°`` (the maximiser of ``a_i``, where ``a_i = 0``).
    """

    def __init__(self, hessians, ideal):
        self.hessians = np.ascontiguousarray(hessians, dtype=float)
        self.ideal = np.ascontiguousarray(ideal, dtype=float)
        self.n = self.ideal.shape[0]
        self.inverse_hessians = inverse_negative_definite(self.hessians)
        # H_i alpha_i°, used for the linear term of the QPs.
        self._h_ideal = np.matmul(self.hessians, self.ideal[:, :, None])[:, :, 0]
        # Last active sets of the firms at corners: warm starts for the next QP (the dual Newton
        # method and the decentralized Newton method move prices a little at a time).
        self._last_active: dict = {}

    def forget_warm_starts(self) -> None:
        """Drop the remembered active sets: the next corner QPs start cold."""
        self._last_active.clear()

    def log_productivity(self, alpha) -> np.ndarray:
        """``a(alpha) = (a_1(alpha_1), ..., a_n(alpha_n))``."""
        d = np.asarray(alpha) - self.ideal
        return 0.5 * np.sum(d * np.matmul(self.hessians, d[:, :, None])[:, :, 0], axis=1)

    def gradients(self, alpha) -> np.ndarray:
        """Row i is ``grad a_i(alpha_i) = H_i (alpha_i - ideal_i)``."""
        return np.matmul(self.hessians, (np.asarray(alpha) - self.ideal)[:, :, None])[:, :, 0]

    def hessian(self, i, alpha_i=None) -> np.ndarray:
        return self.hessians[i]

    def unconstrained_choice(self, R) -> np.ndarray:
        """``ideal_i + H_i^{-1} R`` for every firm (the interior solution of eq. 12)."""
        return self.ideal + np.matmul(self.inverse_hessians, np.asarray(R, dtype=float))

    def best_response_sector(self, i, R, cap) -> QPSolution:
        """Solve eq. (12) for firm ``i`` alone (what :class:`~.equilibrium.SectorFirms` does for each firm)."""
        x = self.ideal[i] + self.inverse_hessians[i] @ R
        if np.all(x >= 0) and x.sum() <= cap:
            return QPSolution(x, np.zeros(self.n, bool), False, 0)
        return self._corner(i, np.asarray(R, dtype=float), cap, None)

    def _corner(self, i, R, cap, allowed) -> QPSolution:
        """Active-set QP for firm i, warm-started from its last corner solution."""
        guess = self._last_active.get(i) if allowed is None else None
        if allowed is None:
            sol = maximize_quadratic(self.hessians[i], -self._h_ideal[i] - R, np.zeros(self.n), np.ones(self.n),
                                     cap, guess=guess)
        else:
            sol = _restricted_qp(self.hessians[i], -self._h_ideal[i] - R, cap, allowed)
        if allowed is None:
            self._last_active[i] = (sol.at_lower.copy(), sol.budget_binds)
        return sol

    def best_response(self, R, alpha_bar, allowed=None) -> Choice:
        """Solve eq. (12) for every firm: interior closed form, active-set QP at corners.

        ``allowed`` (bool mask over inputs, optional) fixes the other inputs at zero for all firms.
        """
        R = np.asarray(R, dtype=float)
        alpha = self.unconstrained_choice(R)
        n = self.n
        at_zero = np.zeros((n, n), bool)
        budget = np.zeros(n, bool)
        if allowed is not None and not allowed.all():
            bad = np.arange(n)
        else:
            allowed = None
            bad = np.flatnonzero((alpha < 0).any(axis=1) | (alpha.sum(axis=1) > alpha_bar))
        iterations = 0
        for i in bad:
            sol = self._corner(i, R, alpha_bar[i], allowed)
            alpha[i] = sol.x
            at_zero[i] = sol.at_lower
            budget[i] = sol.budget_binds
            iterations += sol.iterations
        return Choice(alpha, at_zero, budget, iterations)

    def response_jacobian(self, choice: Choice, weights) -> np.ndarray:
        """``J = sum_i weights_i d alpha_i / d R`` (n x n, negative semi-definite)."""
        weights = np.asarray(weights, dtype=float)
        corner = choice.corner_rows
        w = weights.copy()
        w[corner] = 0.0
        J = np.tensordot(w, self.inverse_hessians, axes=1)
        for i in corner:
            J += weights[i] * reduced_inverse(self.hessians[i], choice.at_zero[i], choice.budget_binds[i])
        return J


class GeneralTechnology:
    """Any smooth strictly concave shifters, one object per sector.

    Parameters
    ----------
    shifters : sequence
        ``shifters[i]`` has methods ``value(x)``, ``gradient(x)`` and ``hessian(x)`` for
        ``x`` an n-vector (e.g. :func:`~equilibria.symbolic.differentiate`).
    ideal : (n, n) ndarray
        The maximisers ``alpha_i°`` (used as starting points and for reporting).
    """

    def __init__(self, shifters, ideal, *, tol=1e-12, maxiter=100):
        self.shifters = list(shifters)
        self.ideal = np.asarray(ideal, dtype=float)
        self.n = len(self.shifters)
        self.tol = tol
        self.maxiter = maxiter

    def forget_warm_starts(self) -> None:
        """Nothing to forget: every SQP starts from the ideal technique."""

    def log_productivity(self, alpha) -> np.ndarray:
        return np.array([s.value(a) for s, a in zip(self.shifters, np.asarray(alpha))])

    def gradients(self, alpha) -> np.ndarray:
        return np.array([s.gradient(a) for s, a in zip(self.shifters, np.asarray(alpha))])

    def hessian(self, i, alpha_i) -> np.ndarray:
        return self.shifters[i].hessian(alpha_i)

    def _choose(self, i, R, cap, start, allowed=None):
        """SQP for ``max a_i(x) - R'x`` over A_i with a backtracking line search."""
        s = self.shifters[i]
        x = np.clip(start, 0.0, None)
        if allowed is not None:
            x[~allowed] = 0.0
        if x.sum() > cap:
            x *= cap / x.sum()
        total = 0
        for _ in range(self.maxiter):
            Q = s.hessian(x)
            g = s.gradient(x) - Q @ x - R
            sol = _restricted_qp(Q, g, cap, allowed)
            total += sol.iterations
            step = sol.x - x
            if np.abs(step).max() <= self.tol:
                return sol, total
            if np.abs(step).max() <= 1e-6:
                # Close to the solution the decrease is below the rounding of the objective and a
                # line search cannot judge the step; SQP converges quadratically here: take it.
                x = sol.x
                continue
            f0 = s.value(x) - R @ x
            slope = (s.gradient(x) - R) @ step
            t = 1.0
            while t > 1e-10 and s.value(x + t * step) - R @ (x + t * step) < f0 + 1e-4 * t * slope:
                t *= 0.5
            x = x + t * step
        raise ConvergenceError(f"SQP for sector {i} did not converge in {self.maxiter} iterations")

    def best_response_sector(self, i, R, cap) -> QPSolution:
        """Solve eq. (12) for firm ``i`` by SQP."""
        sol, iterations = self._choose(i, np.asarray(R, dtype=float), cap, self.ideal[i])
        return QPSolution(sol.x, sol.at_lower, sol.budget_binds, iterations)

    def best_response(self, R, alpha_bar, allowed=None) -> Choice:
        R = np.asarray(R, dtype=float)
        n = self.n
        alpha = np.empty((n, n))
        at_zero = np.zeros((n, n), bool)
        budget = np.zeros(n, bool)
        iterations = 0
        for i in range(n):
            sol, it = self._choose(i, R, alpha_bar[i], self.ideal[i], allowed)
            alpha[i] = sol.x
            at_zero[i] = sol.at_lower
            budget[i] = sol.budget_binds
            iterations += it
        return Choice(alpha, at_zero, budget, iterations)

    def response_jacobian(self, choice: Choice, weights) -> np.ndarray:
        J = np.zeros((self.n, self.n))
        for i in range(self.n):
            H = self.shifters[i].hessian(choice.alpha[i])
            J += weights[i] * reduced_inverse(H, choice.at_zero[i], choice.budget_binds[i])
        return J
