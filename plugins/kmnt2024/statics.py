"""Comparative statics in beliefs: Propositions 2, 3, 5, Corollary 4 and the finite-change bound.

A parameter change ``gamma`` is ``("mu", i)`` or ``("sigma", i, j)``. Following the slides'
``d E / d Sigma_ij = -(rho - 1)(omega_j 1_i + omega_i 1_j) / 2`` and Corollary 1's
``d V[y] / d Sigma_ij = omega_i omega_j``, a change in ``Sigma_ij`` moves the symmetric matrix in the
direction ``S_ij = (E_ij + E_ji) / 2`` (``E_ii`` on the diagonal), which keeps Sigma symmetric.

* Risk-adjusted TFP: ``E = mu - (rho - 1) Sigma omega``; impulse ``dE/d mu_i = 1_i`` (the slide's
  ``mu_i`` is a typo) and ``dE/d Sigma_ij = -(rho - 1)(omega_j 1_i + omega_i 1_j)/2``.
* Proposition 3: ``d omega / d gamma = -H^{-1} dE/d gamma`` with
  ``H = hess a_bar - (rho - 1) Sigma`` (at ``omega in int O`` where the firms' active sets do not change).
* Proposition 5 / Corollary 4: ``dW/d mu_i = omega_i``, ``dW/d Sigma_ij = -(rho - 1) omega_i omega_j / 2``.
* Finite changes: ``W(mu', Sigma') - W(mu, Sigma) >= W(alpha*, mu', Sigma') - W(alpha*, mu, Sigma)``.
"""
from __future__ import annotations

import numpy as np

from .planner import DomarPlanner

__all__ = [
    "direction", "perturb", "impulse", "curvature", "propagation_matrix", "predicted_response",
    "finite_difference_response", "welfare_derivative", "predicted_welfare_derivative",
    "finite_change_bound",
]


def direction(model, gamma) -> tuple[np.ndarray, np.ndarray]:
    """``(d mu, d Sigma)`` of a unit change in ``gamma``."""
    n = model.n
    dmu = np.zeros(n)
    dsigma = np.zeros((n, n))
    if gamma[0] == "mu":
        dmu[gamma[1]] = 1.0
    elif gamma[0] == "sigma":
        i, j = gamma[1], gamma[2]
        dsigma[i, j] += 0.5
        dsigma[j, i] += 0.5
    else:
        raise ValueError(f"unknown parameter {gamma!r}: use ('mu', i) or ('sigma', i, j)")
    return dmu, dsigma


def perturb(model, gamma, h):
    """The model with ``gamma`` moved by ``h``."""
    dmu, dsigma = direction(model, gamma)
    return model.replace(mu=model.mu + h * dmu, sigma=model.sigma + h * dsigma)


def impulse(model, omega, gamma) -> np.ndarray:
    """``dE/d gamma`` holding ``omega`` fixed, ``E = mu - (rho - 1) Sigma omega``."""
    dmu, dsigma = direction(model, gamma)
    return dmu - (model.rho - 1.0) * dsigma @ omega


def curvature(model, solution) -> np.ndarray:
    """``H = hess a_bar(omega*) - (rho - 1) Sigma`` (Proposition 3), negative definite."""
    return solution.allocation["inner"].hessian() - (model.rho - 1.0) * model.sigma


def propagation_matrix(model, solution) -> np.ndarray:
    """``-H^{-1}``: column k is the response of omega to a unit impulse in ``E_k``."""
    return -np.linalg.inv(curvature(model, solution))


def predicted_response(model, solution, gamma) -> np.ndarray:
    """Proposition 3: ``d omega / d gamma = -H^{-1} dE/d gamma``."""
    omega = solution.allocation["domar_weights"]
    return propagation_matrix(model, solution) @ impulse(model, omega, gamma)


def _resolve(model, start=None):
    return DomarPlanner(model).solve(omega0=start)


def finite_difference_response(model, gamma, h=1e-5, solution=None) -> np.ndarray:
    """Central difference of the re-solved planner's Domar weights."""
    start = None if solution is None else solution.allocation["domar_weights"]
    up = _resolve(perturb(model, gamma, h), start).allocation["domar_weights"]
    down = _resolve(perturb(model, gamma, -h), start).allocation["domar_weights"]
    return (up - down) / (2.0 * h)


def welfare_derivative(model, gamma, h=1e-5, solution=None) -> float:
    """Central difference of the re-solved planner's welfare ``W(mu, Sigma)``."""
    start = None if solution is None else solution.allocation["domar_weights"]
    up = _resolve(perturb(model, gamma, h), start).objective
    down = _resolve(perturb(model, gamma, -h), start).objective
    return (up - down) / (2.0 * h)


def predicted_welfare_derivative(model, omega, gamma) -> float:
    """Corollary 4: ``omega_i`` for ``mu_i``; ``-(rho - 1) omega_i omega_j / 2`` for ``Sigma_ij``."""
    if gamma[0] == "mu":
        return float(omega[gamma[1]])
    i, j = gamma[1], gamma[2]
    return float(-0.5 * (model.rho - 1.0) * omega[i] * omega[j])


def finite_change_bound(model, new_model, solution=None) -> dict:
    """The two sides of the non-infinitesimal inequality (welfare gain flexible >= fixed network)."""
    solution = _resolve(model) if solution is None else solution
    new = _resolve(new_model, solution.allocation["domar_weights"])
    alpha = solution.allocation["network"]
    flexible = new.objective - solution.objective
    fixed = new_model.welfare(alpha) - model.welfare(alpha)
    return {"flexible": float(flexible), "fixed": float(fixed), "solution": solution, "new_solution": new}
