"""The baseline solve behind ``equilibria solve kmnt2024``: planner, decentralized equilibrium, gap."""
from __future__ import annotations

import numpy as np

from equilibria import efficiency_gap
from equilibria.results import Result, Table

from .equilibrium import NetworkEconomy
from .model import Model
from .planner import DomarPlanner

__all__ = ["solve_model", "solve"]


def solve_model(model: Model, *, method="newton"):
    """Solve the planner (eq. 15) and, independently, the decentralized equilibrium (eq. 12).

    Returns ``(planner_solution, equilibrium)``.
    """
    plan = DomarPlanner(model).solve()
    eq = NetworkEconomy(model).solve(method=method)
    return plan, eq


def solve(params) -> Result:
    """The plugin's result: planner's Domar weights and network, equilibrium network, moments."""
    model = Model.from_parameters(params)
    plan, eq = solve_model(model)
    alpha = plan.allocation["network"]
    fm = model.fixed_network(alpha)
    eq_alpha = eq.aggregates["network"]
    gap = efficiency_gap({"network": alpha}, {"network": eq_alpha})  # max |alpha_planner - alpha_eq|
    data = {
        "domar_weights": plan.allocation["domar_weights"].tolist(),
        "network": alpha.tolist(),
        "equilibrium_network": eq_alpha.tolist(),
        "efficiency_gap": gap,
        "expected_log_gdp": fm.expected_log_gdp,
        "var_log_gdp": fm.var_log_gdp,
        "welfare": plan.objective,
        "welfare_at_equilibrium_network": eq.aggregates["moments"].welfare,
        "risk_adjusted_prices": plan.allocation["risk_adjusted_prices"].tolist(),
        "equilibrium_risk_adjusted_prices": eq.prices["risk_adjusted_prices"].tolist(),
        "expected_log_prices": fm.expected_log_prices.tolist(),
        "var_log_prices": np.diag(fm.var_log_prices).tolist(),
        "planner_report": plan.report.to_dict(),
        "equilibrium_report": eq.report.to_dict(),
    }
    n = model.n
    rows = [[i, plan.allocation["domar_weights"][i], fm.expected_log_prices[i],
             plan.allocation["risk_adjusted_prices"][i], *alpha[i]] for i in range(n)] if n <= 12 else []
    tables = {}
    if rows:
        tables["network"] = Table(columns=["sector", "Domar weight", "E[p]", "R", *[f"alpha_i{j}" for j in range(n)]],
                                  rows=rows, caption="Planner's Domar weights, expected and risk-adjusted log prices, network")
    notes = [
        f"Planner (eq. 15): {plan.report.iterations} Newton steps, {plan.report.seconds:.3g} s ({plan.report.message}).",
        f"Decentralized equilibrium (eq. 12 + risk-adjusted pricing): {eq.report.iterations} Newton steps, "
        f"{eq.report.seconds:.3g} s; max |alpha_planner - alpha_equilibrium| = {gap:.2e} (Proposition 1).",
    ]
    return Result(data=data, tables=tables, notes=notes)
