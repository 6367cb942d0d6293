"""The baseline solve behind ``equilibria solve kmnt2024``: planner, decentralized equilibrium, gap."""
from __future__ import annotations

import numpy as np

from equilibria import efficiency_gap
from equilibria.results import Result, Table

from .equilibrium import NetworkEconomy
from .model import Model
from .planner import DomarPlanner
from .quantities import DOMAR, LOG_POINTS, SHARE, solve_quantities

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
    price_gap = float(np.abs(eq.prices["risk_adjusted_prices"] - plan.allocation["risk_adjusted_prices"]).max())
    welfare_eq = eq.aggregates["moments"].welfare
    data = {
        "domar_weights": plan.allocation["domar_weights"].tolist(),
        "network": alpha.tolist(),
        "equilibrium_network": eq_alpha.tolist(),
        "efficiency_gap": gap,
        "expected_log_gdp": fm.expected_log_gdp,
        "var_log_gdp": fm.var_log_gdp,
        "welfare": plan.objective,
        "welfare_at_equilibrium_network": welfare_eq,
        "risk_adjusted_prices": plan.allocation["risk_adjusted_prices"].tolist(),
        "equilibrium_risk_adjusted_prices": eq.prices["risk_adjusted_prices"].tolist(),
        "expected_log_prices": fm.expected_log_prices.tolist(),
        "var_log_prices": np.diag(fm.var_log_prices).tolist(),
        "report": {"planner": plan.report.to_dict(), "equilibrium": eq.report.to_dict()},
    }
    n = model.n
    names = params.sector_labels()
    tables = {}
    if n <= 12:
        rows = [[names[i], plan.allocation["domar_weights"][i], fm.expected_log_prices[i],
                 plan.allocation["risk_adjusted_prices"][i]] for i in range(n)]
        tables["sectors"] = Table(
            columns=["sector", "Domar weight ω_i", "expected log price E[p_i]", "risk-adjusted log price R_i"],
            units=["", DOMAR, LOG_POINTS, LOG_POINTS], rows=rows,
            caption="Planner's Domar weights (eq. 15), expected log prices (Lemma 1) and risk-adjusted prices "
                    "(Lemma 2) at the efficient network.")
        tables["network"] = Table(
            columns=["buyer (row) / input (column)", *names], units=["", *[SHARE] * n],
            rows=[[names[i], *alpha[i]] for i in range(n)],
            caption="Efficient network α(ω*): row i holds firm i's input shares α_ij (fraction of firm i's costs "
                    "spent on good j; labour takes the rest).")
    tables["aggregates"] = Table(
        columns=["quantity", "value", "unit"],
        rows=[["E[y], expected log GDP (eq. 9)", fm.expected_log_gdp, "log points"],
              ["V[y], variance of log GDP (eq. 10)", fm.var_log_gdp, "log points squared"],
              ["welfare W at the planner's network (eq. 13)", plan.objective, "log points of certainty-equivalent GDP"],
              ["welfare W at the equilibrium network (eq. 13)", welfare_eq, "log points of certainty-equivalent GDP"],
              ["largest difference of α_ij, planner vs equilibrium", gap, "input share (fraction)"]],
        caption="Moments of log GDP and welfare; the planner's and the decentralized solutions side by side.")
    notes = [
        f"Planner (eq. 15): {plan.report.iterations} Newton steps, {plan.report.seconds:.3g} s ({plan.report.message}).",
        f"Decentralized equilibrium (eq. 12 + risk-adjusted pricing): {eq.report.iterations} Newton steps, "
        f"{eq.report.seconds:.3g} s; max |alpha_planner - alpha_equilibrium| = {gap:.2e} (Proposition 1).",
    ]
    return Result(data=data, tables=tables, notes=notes, quantities=solve_quantities(names),
                  comparisons=efficiency_comparisons(gap, price_gap, plan.objective, welfare_eq))


def efficiency_comparisons(network_gap, price_gap, welfare_planner, welfare_equilibrium) -> list:
    """Proposition 1 (the equilibrium is efficient) and Lemma 2 (prices = the planner's multipliers) as
    numbers: the source states each difference is zero; ours are computed by two independent solvers."""
    from equilibria.comparison import SourceValue, docs_link

    link = docs_link("kmnt2024")
    return [
        SourceValue(quantity="largest difference of α_ij, planner vs equilibrium (Proposition 1: the equilibrium "
                             "is efficient)",
                    unit="input share (fraction)", ours=network_gap, source=0.0, where="slides, Proposition 1",
                    abs_tol=1e-8, reason="the two solvers stopped apart", link=link),
        SourceValue(quantity="W(α_equilibrium) - W(α_planner) (Proposition 1)",
                    unit="log points of certainty-equivalent GDP", ours=welfare_equilibrium - welfare_planner,
                    source=0.0, where="slides, Proposition 1 and eq. (13)", abs_tol=1e-10,
                    reason="the two solvers stopped apart", link=link),
        SourceValue(quantity="largest difference of R_equilibrium and the planner's multipliers (Lemma 2)",
                    unit="log points", ours=price_gap, source=0.0, where="slides, Lemma 2 and eq. (14)",
                    abs_tol=1e-8, reason="the multipliers are not unique on a face of O (Reading of the source, "
                                         "item 12)", link=link),
    ]
