"""The economy of section 1.3 as an :mod:`equilibria.dynamics` model (``inventories.toml``).

The model file is compiled once per process (:func:`compiled_model`); :func:`solve_linear`
maps :class:`~.params.InventoryParameters` to the file's parameters, seeds the steady state with
the closed-form-plus-root solution of appendix A.3 (:mod:`.steady_state`) and returns the QZ
solution. With ``xi_p = 0`` the file is the full-information, flexible-price economy (the
first-best benchmark of the RI model); with ``xi_p > 0`` it is the Calvo economy.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from .calvo_firms import calvo_firm_coefficients
from .params import InventoryParameters
from .steady_state import SteadyState, steady_state
from .stockout import TasteShock

__all__ = ["MODEL_FILE", "compiled_model", "model_parameters", "steady_state_levels", "solve_linear",
           "REPORTED", "report_irf", "ROWS", "linearize"]

MODEL_FILE = Path(__file__).with_name("data") / "inventories.toml"

#: Reported responses: contract name -> (model variable, factor on the model's percent deviation).
REPORTED = {
    "output": ("Y", 1.0), "inflation": ("PI", 1.0), "consumption": ("C", 1.0),
    "inventory_sales_ratio": ("isr", 1.0), "inventories": ("inv", 1.0), "real_wage": ("w", 1.0),
    "real_marginal_cost": ("mc", 1.0), "real_profit": ("profit", 1.0), "goods_for_sale": ("Z", 1.0),
    "relative_price": ("p", 1.0), "sales": ("sales", 1.0), "markup": ("markup", 1.0),
    "interest_rate_annualized": ("R", 4.0), "real_rate_annualized": ("rr", 4.0), "hours": ("L", 1.0),
}

#: Rows (0-based) of the model file's equations that the plugin addresses by meaning.
ROWS = {"stock_foc": 11, "calvo_law": 12, "reset_price": 13, "indexation_sum": 14, "price_sum": 15,
        "target_sum": 16, "price_index": 9, "resource": 10}


@lru_cache(maxsize=1)
def compiled_model():
    """The model file compiled once (sympy derivatives turned into numeric functions)."""
    from equilibria.dynamics import Model

    return Model.from_file(MODEL_FILE)


def model_parameters(params: InventoryParameters, ss: SteadyState | None = None) -> dict:
    """The model file's parameter values for ``params``."""
    ss = ss or steady_state(params)
    return {"beta": params.beta, "theta": params.theta, "theta_w": params.theta_w, "dz": params.delta_z,
            "sv": params.sigma_v, "psi_l": params.psi_l, "g": params.g_share, "rho_r": params.rho_r,
            "phi_pi": params.phi_pi, "phi_y": params.phi_y, "h": params.habit, "xi_p": params.xi_p, "mon": 0.0,
            "iota_p": params.iota_p, "xi_w": params.xi_w, "iota_w": params.iota_w, "sigma_c": params.sigma_c,
            "sigma_l": params.sigma_l, "alpha": params.alpha, "rho_a": params.rho_a, "y_ss": ss.output,
            "omega_p": own_cost_term(params, ss)}


def own_cost_term(params: InventoryParameters, ss: SteadyState) -> float:
    """ω of the reset-price row: 0 for flexible prices or symmetric firms, else A.6's (see :mod:`.calvo_firms`)."""
    if params.xi_p == 0.0 or params.calvo_reading == "symmetric":
        return 0.0
    return calvo_firm_coefficients(params, ss).omega


def steady_state_levels(params: InventoryParameters, ss: SteadyState | None = None) -> dict:
    """Every variable of the model file at the A.3 steady state."""
    ss = ss or steady_state(params)
    taste = TasteShock(params.sigma_v, params.theta)
    v, p, sv = ss.threshold, ss.relative_price, params.sigma_v
    fm = float(taste.F(np.log(v) - sv ** 2 / 2))
    eps = ss.elasticity
    k = float(taste.d_log_elasticity(v)) / (eps - 1.0)
    lp = float(np.log(p))
    return {"C": ss.consumption, "Xi": ss.marginal_utility, "L": ss.hours, "wh": ss.household_wage, "w": ss.wage,
            "Y": ss.output, "mc": ss.real_marginal_cost, "Z": ss.goods_for_sale, "inv": ss.inventories,
            "sales": ss.sales, "S": ss.demand_level, "vs": v, "p": p, "PI": 1.0, "PIW": 1.0,
            "R": ss.interest_rate, "a": 0.0, "Fm": fm, "Fp": 1.0 - ss.stockout_probability,
            "Psi": ss.expected_sales_factor, "Phi": float(taste.price_weight(v)), "M": eps / (eps - 1.0), "K": k,
            "lpstar": lp, "qsum": 0.0, "psum": lp / (1.0 - params.beta * params.xi_p),
            "msum": lp / (1.0 - params.beta * params.xi_p), "isr": ss.inventory_sales_ratio,
            "profit": (p - ss.real_marginal_cost) * ss.sales, "markup": ss.markup, "rr": ss.interest_rate,
            "mreal": ss.consumption}


def linearize(params: InventoryParameters, ss: SteadyState | None = None, money: bool = False):
    """``(model, steady state, LinearSystem)``: the first-order system at the A.3 steady state."""
    model = compiled_model()
    ss = ss or steady_state(params)
    values = model_parameters(params, ss) | {"mon": 1.0 if money else 0.0}
    steady = model.steady_state(values, guess=steady_state_levels(params, ss))
    return model, steady, model.linearize(values, steady=steady)


def solve_linear(params: InventoryParameters, ss: SteadyState | None = None, money: bool = False):
    """The QZ solution of the model file at ``params`` (raises ``DeterminacyError`` if not unique).

    ``money=True`` replaces the Taylor rule by the cash-in-advance money rule of section 1.6.3.
    """
    model = compiled_model()
    ss = ss or steady_state(params)
    values = model_parameters(params, ss) | {"mon": 1.0 if money else 0.0}
    steady = model.steady_state(values, guess=steady_state_levels(params, ss))
    return model.solve(values, shock_std={"eps_r": params.sigma_r, "eps_a": params.sigma_a}, steady=steady)


def report_irf(paths: dict, names=None) -> dict:
    """Contract names from model-variable paths (percent deviations; rates annualized where named)."""
    names = names or REPORTED
    return {name: np.asarray(paths[REPORTED[name][0]]) * REPORTED[name][1] for name in names}
