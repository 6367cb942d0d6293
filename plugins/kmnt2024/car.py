"""The four-sector car example of the slides (steel, equipment, carbon fiber, car maker).

The car maker (sector 4) has the TFP shifter of the slides,

    a_4(alpha_4) = - sum_{j=1..4} kappa_j (alpha_4j - alpha°_4j)^2 - psi_1 (alpha_41 - alpha_42)^2
                   - psi_2 [(alpha_41 + alpha_43) - (alpha°_41 + alpha°_43)]^2,

read with the square outside the bracket of the psi_2 term (the slide puts it on the second
sum only, which is not concave in a useful way; see docs "Reading of the source"). psi_1 makes
steel and equipment complements, psi_2 makes steel and carbon fiber substitutes. We pick
``alpha°_41 = alpha°_42`` so that ``alpha°_4`` is the maximiser of ``a_4`` and ``a_4(alpha°_4) = 0``
(the normalisation of the slides); then ``a_4`` is exactly eq. (2) with
``H_4 = -2 diag(kappa) - 2 psi_1 (e1 - e2)(e1 - e2)' - 2 psi_2 (e1 + e3)(e1 + e3)'``.

Sectors 1-3 are upstream: ideal technique 0 (labour only) and ``H_i = -I``; with non-negative
risk-adjusted prices they stay at the corner ``alpha_i = 0``, so ``E[p_1] = -mu_1`` and
``V[p_1] = Sigma_11`` and the experiment moves them through ``mu_1`` and ``Sigma_11``.

Chosen values (not in the slides): kappa = (2, 2, 2, 2), psi_1 = 1, psi_2 = 2,
alpha°_4 = (0.25, 0.25, 0.10, 0.05), alpha_bar = (0.5, 0.5, 0.5, 0.9), beta = (0.1, 0.1, 0.1, 0.7),
rho = 5, mu = 0, Sigma = 0.04 I.
"""
from __future__ import annotations

import numpy as np

__all__ = ["CAR", "car_maker_expression", "car_hessian", "CAR_DEFAULTS", "SECTOR_NAMES"]

SECTOR_NAMES = ("steel", "equipment", "carbon fiber", "car maker")

CAR = {
    "kappa": (2.0, 2.0, 2.0, 2.0),
    "psi1": 1.0,
    "psi2": 2.0,
    "ideal": (0.25, 0.25, 0.10, 0.05),
}


def car_maker_expression(kappa=CAR["kappa"], psi1=CAR["psi1"], psi2=CAR["psi2"], ideal=CAR["ideal"]):
    """The slides' ``a_4`` as a sympy expression in ``x1..x4`` (``x_j = alpha_4j``)."""
    import sympy as sp

    x = sp.symbols("x1:5")
    o = [sp.Float(v) for v in ideal]
    expr = -sum(sp.Float(k) * (x[j] - o[j]) ** 2 for j, k in enumerate(kappa))
    expr -= sp.Float(psi1) * (x[0] - x[1]) ** 2
    expr -= sp.Float(psi2) * ((x[0] + x[2]) - (o[0] + o[2])) ** 2
    return expr, x


def car_hessian(kappa=CAR["kappa"], psi1=CAR["psi1"], psi2=CAR["psi2"]) -> np.ndarray:
    """``H_4`` of the slides' ``a_4`` in closed form."""
    e12 = np.array([1.0, -1.0, 0.0, 0.0])
    e13 = np.array([1.0, 0.0, 1.0, 0.0])
    return -2.0 * np.diag(kappa) - 2.0 * psi1 * np.outer(e12, e12) - 2.0 * psi2 * np.outer(e13, e13)


def _defaults() -> dict:
    n = 4
    hessians = np.array([-np.eye(n), -np.eye(n), -np.eye(n), car_hessian()])
    ideal = np.zeros((n, n))
    ideal[3] = CAR["ideal"]
    return {
        "mu": [0.0] * n,
        "sigma": (0.04 * np.eye(n)).tolist(),
        "beta": [0.1, 0.1, 0.1, 0.7],
        "rho": 5.0,
        "alpha_bar": [0.5, 0.5, 0.5, 0.9],
        "ideal_shares": ideal.tolist(),
        "hessians": hessians.tolist(),
    }


CAR_DEFAULTS = _defaults()
