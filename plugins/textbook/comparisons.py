"""The solved models beside their closed forms, as :class:`~equilibria.comparison.SourceValue` entries.

* Brock and Mirman (1972): the exact policy ``k_t = alpha beta a_t k_{t-1}^alpha`` gives the
  first-order coefficients in logs (``alpha`` on ``log k_{t-1}``, ``rho`` on ``log a_{t-1}``, one on
  the innovation) and the steady state ``k = (alpha beta)^(1/(1 - alpha))``, ``c = (1 - alpha beta) k^alpha``.
* The three-equation New Keynesian model (Galí 2015, ch. 3, section 3.4.1.1): the
  minimum-state-variable responses of the output gap, inflation and the rates to the policy shock
  (:func:`~.models.nk_msv_response`).
* The RBC model: the steady-state ratios ``K/Y = alpha beta / (1 - beta (1 - delta))`` and
  ``C/Y = 1 - delta K/Y`` of the textbook model (its calibration is not from a paper).

The closed forms are evaluated here in Python, independently of the model files' steady-state
blocks and of the QZ solution they are compared with.
"""
from __future__ import annotations

import numpy as np

from .models import load_model, nk_msv_response

__all__ = ["closed_form_comparisons"]

_TOL = 1e-9


def closed_form_comparisons(name: str, values: dict | None = None) -> list:
    """The comparisons for model ``name`` at its parameters (``values`` overrides); none for ``nk_medium``."""
    builders = {"brock_mirman": _brock_mirman, "nk": _nk, "rbc": _rbc}
    if name not in builders:
        return []
    return builders[name](load_model(name).solve(params=values or None))


def _value(**kw):
    from equilibria.comparison import SourceValue, docs_link

    return SourceValue(link=docs_link("textbook", "The models"), abs_tol=_TOL, **kw)


def _brock_mirman(solution) -> list:
    p = solution.parameters
    model = solution.model
    alpha, beta, rho = p["alpha"], p["beta"], p["rho"]
    s_k, s_a = (model.state_variables.index(v) for v in ("k", "a"))
    where = "Brock and Mirman (1972), exact policy k_t = αβ a_t k_{t-1}^α"
    values = []
    for name, label in (("k", "capital"), ("c", "consumption")):
        row = model.variables.index(name)
        values += [
            _value(quantity=f"d log {name}_t / d log k_(t-1), {label}", unit="elasticity",
                   ours=float(solution.policy[row, s_k]), source=alpha, where=where,
                   reason="the first-order solution is not exact"),
            _value(quantity=f"d log {name}_t / d log a_(t-1), {label}", unit="elasticity",
                   ours=float(solution.policy[row, s_a]), source=rho, where=where,
                   reason="the first-order solution is not exact"),
            _value(quantity=f"d log {name}_t / d ε_t, {label}", unit="elasticity",
                   ours=float(solution.impact[row, 0]), source=1.0, where=where,
                   reason="the first-order solution is not exact"),
        ]
    k = (alpha * beta) ** (1.0 / (1.0 - alpha))
    steady = solution.steady_state.values
    values += [
        _value(quantity="steady-state capital k", unit="goods", ours=float(steady["k"]), source=k,
               where=f"{where}, at a = 1: k = (αβ)^(1/(1-α))", reason="steady state off its fixed point"),
        _value(quantity="steady-state consumption c", unit="goods per period", ours=float(steady["c"]),
               source=(1.0 - alpha * beta) * k ** alpha, where=f"{where}: c = (1 - αβ) k^α",
               reason="steady state off its fixed point"),
    ]
    return values


def _nk(solution) -> list:
    p = solution.parameters
    std = float(solution.shock_std[0])
    responses = solution.irf("eps_v", periods=2)
    exact = nk_msv_response(p, np.array([std]))
    labels = {"x": "output gap x", "pi": "inflation π", "i": "nominal rate i", "r": "real rate r"}
    where = "Galí (2015), ch. 3, section 3.4.1.1: minimum-state-variable solution"
    return [_value(quantity=f"{label} on impact of a {1e4 * std:g} bp policy shock", unit="level deviation per quarter "
                   "(0.01 = one percentage point)", ours=float(responses[name][0]), source=float(exact[name][0]),
                   where=where, reason="the QZ solution differs from the closed form")
            for name, label in labels.items()]


def _rbc(solution) -> list:
    p = solution.parameters
    steady = solution.steady_state.values
    capital_output = p["alpha"] * p["beta"] / (1.0 - p["beta"] * (1.0 - p["delta"]))
    where = "textbook RBC steady state (closed form; the calibration is not from a paper)"
    return [
        _value(quantity="steady-state capital-output ratio K/Y", unit="periods of output",
               ours=float(steady["k"] / steady["y"]), source=capital_output,
               where=f"{where}: K/Y = αβ/(1 - β(1 - δ))", reason="steady state off its fixed point"),
        _value(quantity="steady-state consumption share C/Y", unit="fraction of output",
               ours=float(steady["c"] / steady["y"]), source=1.0 - p["delta"] * capital_output,
               where=f"{where}: C/Y = 1 - δK/Y", reason="steady state off its fixed point"),
    ]
