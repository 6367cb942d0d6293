"""Concave quadratic programs over a shifted box with one budget row.

Both optimisation problems of the model have this shape:

* a firm's technique choice (eq. 12) with a quadratic shifter (eq. 2): maximise
  ``a_i(x) - R'x`` over ``A_i = {x >= 0, 1'x <= alpha_bar_i}``;
* a Newton step of the planner over Domar weights (eq. 15): maximise the local quadratic model
  over ``O = {omega >= beta, omega'(1 - alpha_bar) <= 1}``.

:func:`maximize_quadratic` solves ``max g'x + x'Qx/2`` subject to ``x >= lower`` and
``weights'x <= budget`` (``Q`` negative definite, ``weights > 0``) by a primal active-set
method (Nocedal and Wright, Numerical Optimization, Algorithm 16.3), started from a feasible
point built from the unconstrained optimum, so that an interior solution costs one linear solve.
"""
from __future__ import annotations

import numpy as np

from equilibria import ConvergenceError

__all__ = ["QPSolution", "maximize_quadratic"]


class QPSolution:
    """Solution of :func:`maximize_quadratic`.

    Attributes
    ----------
    x : ndarray
        The maximiser.
    at_lower : ndarray of bool
        Which lower bounds are in the final working set (binding).
    budget_binds : bool
        Whether the budget row is in the final working set.
    iterations : int
        Active-set iterations (0 when the unconstrained optimum is feasible).
    """

    __slots__ = ("x", "at_lower", "budget_binds", "iterations")

    def __init__(self, x, at_lower, budget_binds, iterations):
        self.x = x
        self.at_lower = at_lower
        self.budget_binds = budget_binds
        self.iterations = iterations


def _equality_step(Q, g, x, free, weights, budget, budget_active):
    """Maximise the quadratic over the free variables with the working set held as equalities.

    Returns the new point and the budget multiplier (0 when the budget is not in the working set).
    """
    x_new = x.copy()
    nf = int(free.sum())
    if nf == 0:
        return x_new, 0.0
    fixed = ~free
    rhs = -(g[free] + Q[np.ix_(free, fixed)] @ x[fixed])
    Qff = Q[np.ix_(free, free)]
    if not budget_active:
        x_new[free] = np.linalg.solve(Qff, rhs)
        return x_new, 0.0
    # Stationarity Q_ff x_f + g_f + (Q_fA x_A) - nu w_f = 0 and w_f'x_f = budget - w_A'x_A.
    w = weights[free]
    kkt = np.empty((nf + 1, nf + 1))
    kkt[:nf, :nf] = Qff
    kkt[:nf, nf] = -w
    kkt[nf, :nf] = w
    kkt[nf, nf] = 0.0
    b = np.empty(nf + 1)
    b[:nf] = rhs
    b[nf] = budget - weights[fixed] @ x[fixed]
    sol = np.linalg.solve(kkt, b)
    x_new[free] = sol[:nf]
    return x_new, float(sol[nf])


def maximize_quadratic(Q, g, lower, weights, budget, *, tol=1e-12, maxiter=None, guess=None):
    """Maximise ``g'x + x'Qx/2`` subject to ``x >= lower`` and ``weights'x <= budget``.

    Parameters
    ----------
    Q : (n, n) ndarray
        Symmetric negative definite matrix.
    g : (n,) ndarray
        Linear term.
    lower : (n,) ndarray
        Lower bounds; must satisfy ``lower <= 0`` componentwise and ``weights'lower <= budget``
        is implied by ``budget >= 0`` (both problems of the model satisfy this, so ``0`` and
        any scaled-down point are feasible).
    weights : (n,) ndarray
        Positive weights of the budget row.
    budget : float
        Non-negative right-hand side.
    guess : (ndarray of bool, bool), optional
        A guess of the binding bounds and budget (e.g. the previous solution's). If the equality
        problem on that working set is feasible, the method starts there: a correct guess costs
        one linear solve and a multiplier check.

    Returns
    -------
    QPSolution
    """
    Q = np.asarray(Q, dtype=float)
    g = np.asarray(g, dtype=float)
    lower = np.asarray(lower, dtype=float)
    weights = np.asarray(weights, dtype=float)
    n = g.size
    if maxiter is None:
        maxiter = 10 * n + 20
    scale = 1.0 + np.abs(g).max(initial=0.0)
    # Unconstrained optimum; feasible -> done.
    x = np.linalg.solve(Q, -g)
    slack_tol = 1e-13 * (1.0 + np.abs(x).max(initial=0.0))
    if np.all(x >= lower - slack_tol) and weights @ x <= budget + slack_tol:
        return QPSolution(np.maximum(x, lower), np.zeros(n, bool), False, 0)
    if guess is not None and (guess[0].any() or guess[1]):
        at_lower = np.array(guess[0], dtype=bool)
        budget_active = bool(guess[1]) and not at_lower.all()
        start = np.where(at_lower, lower, 0.0)
        x_eq, _ = _equality_step(Q, g, start, ~at_lower, weights, budget, budget_active)
        if np.all(x_eq >= lower - slack_tol) and weights @ x_eq <= budget + slack_tol:
            x = np.maximum(x_eq, lower)
            x[at_lower] = lower[at_lower]
            return _active_set(Q, g, lower, weights, budget, x, at_lower, budget_active, tol, scale, maxiter)
    # Feasible start: clip to the bounds, then scale towards 0 (feasible because lower <= 0).
    x = np.maximum(x, lower)
    spend = weights @ x
    if spend > budget:
        x = x * (budget / spend)
        x = np.maximum(x, lower)
    at_lower = x <= lower
    x[at_lower] = lower[at_lower]
    budget_active = bool(weights @ x >= budget - 1e-15 * (1 + abs(budget)))
    if budget_active and at_lower.all():
        budget_active = False  # dependent working set: keep the bounds only
    return _active_set(Q, g, lower, weights, budget, x, at_lower, budget_active, tol, scale, maxiter)


def _active_set(Q, g, lower, weights, budget, x, at_lower, budget_active, tol, scale, maxiter):
    """Primal active-set iterations from the feasible ``x`` with the given working set."""
    for iteration in range(1, maxiter + 1):
        free = ~at_lower
        x_eq, nu = _equality_step(Q, g, x, free, weights, budget, budget_active)
        step = x_eq - x
        if np.abs(step).max(initial=0.0) <= tol * (1.0 + np.abs(x).max(initial=0.0)):
            x = x_eq
            grad = g + Q @ x
            # Stationarity: grad + eta - nu*w = 0 on the bounds in the working set.
            eta = -(grad - nu * weights)
            eta_active = np.where(at_lower, eta, np.inf)
            candidates = [eta_active.min(initial=np.inf)]
            if budget_active:
                candidates.append(nu)
            worst = min(candidates)
            if worst >= -tol * scale:
                return QPSolution(x, at_lower.copy(), budget_active, iteration)
            # Drop the constraint with the most negative multiplier.
            if budget_active and nu <= eta_active.min(initial=np.inf):
                budget_active = False
            else:
                at_lower[int(np.argmin(eta_active))] = False
            continue
        # Longest feasible step along `step`.
        t = 1.0
        blocking = None
        decreasing = free & (step < 0)
        if decreasing.any():
            ratios = (lower[decreasing] - x[decreasing]) / step[decreasing]
            k = int(np.argmin(ratios))
            if ratios[k] < t:
                t = max(float(ratios[k]), 0.0)
                blocking = ("lower", int(np.flatnonzero(decreasing)[k]))
        if not budget_active:
            dw = weights @ step
            if dw > 0:
                tb = (budget - weights @ x) / dw
                if tb < t:
                    t = max(float(tb), 0.0)
                    blocking = ("budget", None)
        x = x + t * step
        if blocking is not None:
            kind, j = blocking
            if kind == "lower":
                x[j] = lower[j]
                at_lower[j] = True
                if budget_active and at_lower.all():
                    budget_active = False
            else:
                if not at_lower.all():
                    budget_active = True
    raise ConvergenceError(f"active-set QP did not terminate in {maxiter} iterations")
