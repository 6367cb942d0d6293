"""The shipped model files, compiled once per process, and the closed forms the theorems check.

* :func:`brock_mirman_policy` — the exact policy of Brock and Mirman (1972):
  ``k_t = alpha beta a_t k_{t-1}^alpha``, ``c_t = (1 - alpha beta) a_t k_{t-1}^alpha``.
* :func:`nk_msv_response` — the minimum-state-variable solution of the three-equation New
  Keynesian model to an AR(1) policy shock ``v_t`` (Galí 2015, ch. 3, section 3.4.1.1):
  ``x_t = -(1 - beta rho_v) Lambda_v v_t``, ``pi_t = -kappa Lambda_v v_t``, with
  ``Lambda_v = 1 / ((1 - beta rho_v)(sigma (1 - rho_v) + phi_x) + kappa (phi_pi - rho_v))``.
* :func:`nk_determinate` — determinacy of the Taylor rule, Galí (2015) ch. 3, section 3.4.1 (Bullard
  and Mitra 2002): ``kappa (phi_pi - 1) + (1 - beta) phi_x > 0`` for non-negative coefficients.
"""
from __future__ import annotations

import functools
from importlib import resources

import numpy as np

__all__ = ["model_path", "load_model", "brock_mirman_policy", "nk_msv_response", "nk_determinate"]


def model_path(name: str):
    """Path of the shipped model file ``data/<name>.toml``."""
    return resources.files("equilibria.plugins.textbook").joinpath("data", f"{name}.toml")


@functools.lru_cache(maxsize=None)
def load_model(name: str):
    """The compiled :class:`~equilibria.dynamics.Model` of a shipped file (compiled once per process)."""
    from equilibria.dynamics import Model

    return Model.from_file(model_path(name))


def brock_mirman_policy(alpha, beta, a, k_lag):
    """Exact capital and consumption ``(k_t, c_t)`` given TFP ``a_t`` and capital ``k_{t-1}``."""
    output = a * k_lag ** alpha
    return alpha * beta * output, (1.0 - alpha * beta) * output


def nk_msv_response(p: dict, v: np.ndarray) -> dict[str, np.ndarray]:
    """Output gap, inflation and nominal-rate deviations along a path ``v`` of the policy shock."""
    beta, sigma, kappa = p["beta"], p["sigma"], p["kappa"]
    phi_pi, phi_x, rho = p["phi_pi"], p["phi_x"], p["rho_v"]
    lam = 1.0 / ((1.0 - beta * rho) * (sigma * (1.0 - rho) + phi_x) + kappa * (phi_pi - rho))
    x = -(1.0 - beta * rho) * lam * v
    pi = -kappa * lam * v
    i = phi_pi * pi + phi_x * x + v
    return {"x": x, "pi": pi, "i": i, "r": i - rho * pi}


def nk_determinate(p: dict) -> bool:
    """The Taylor rule gives a unique stable equilibrium (Galí 2015, ch. 3; Bullard and Mitra 2002)."""
    return p["kappa"] * (p["phi_pi"] - 1.0) + (1.0 - p["beta"]) * p["phi_x"] > 0.0
