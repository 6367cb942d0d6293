"""Brute force: maximise welfare (13) directly over the n^2 entries of ``alpha`` with SciPy.

This ignores the structure of the problem (Domar weights, envelope results) and serves as an
independent check of the planner on small economies and as the baseline of the benchmarks.
The gradient is exact: with ``omega = L' beta`` and ``R = -L (mu + a - (rho - 1) Sigma omega)``,

    dW / d alpha_ij = omega_i (d a_i / d alpha_ij - R_j).

Welfare (13) is not concave in ``alpha`` in general, so a local method can stop at a
non-global point; the planner over Domar weights (Lemma 4) does not have that problem.
"""
from __future__ import annotations

import time

import numpy as np

__all__ = ["welfare_and_gradient", "solve_direct"]


def welfare_and_gradient(model, alpha):
    """``W(alpha)`` of eq. (13) and its gradient with respect to the entries of ``alpha``."""
    fm = model.fixed_network(alpha)
    grads = model.technology.gradients(alpha)
    gradient = fm.domar_weights[:, None] * (grads - fm.risk_adjusted_prices[None, :])
    return fm.welfare, gradient


def solve_direct(model, *, method="SLSQP", tol=1e-12, maxiter=2000, start=None):
    """Maximise ``W(alpha)`` over ``A`` with :func:`scipy.optimize.minimize`.

    Returns ``(alpha, welfare, info)`` where ``info`` has ``seconds``, ``iterations``, ``success``
    and ``message``.
    """
    from scipy.optimize import LinearConstraint, minimize

    n = model.n
    x0 = (model.technology.ideal if start is None else np.asarray(start)).ravel()

    def objective(x):
        w, g = welfare_and_gradient(model, x.reshape(n, n))
        return -w, -g.ravel()

    rows = np.kron(np.eye(n), np.ones((1, n)))
    t0 = time.perf_counter()
    if method == "SLSQP":
        constraints = [{"type": "ineq", "fun": lambda x: model.alpha_bar - rows @ x, "jac": lambda x: -rows}]
        res = minimize(objective, x0, jac=True, method="SLSQP", bounds=[(0.0, 1.0)] * (n * n),
                       constraints=constraints, options={"ftol": tol, "maxiter": maxiter})
    else:
        res = minimize(objective, x0, jac=True, method=method, bounds=[(0.0, 1.0)] * (n * n),
                       constraints=[LinearConstraint(rows, -np.inf, model.alpha_bar)],
                       options={"gtol": tol, "xtol": tol, "maxiter": maxiter})
    info = {"seconds": time.perf_counter() - t0, "iterations": int(res.get("nit", 0)),
            "success": bool(res.success), "message": str(res.message)}
    return res.x.reshape(n, n), -float(res.fun), info
