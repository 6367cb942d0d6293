"""The baseline solve behind ``equilibria solve techcompat``."""
from __future__ import annotations

from equilibria.results import Result, Table

from .equilibrium import solve_equilibrium
from .model import Model
from .params import TechParameters
from .quantities import LOG_U, THETA, Units, baseline_quantities

__all__ = ["solve", "summarize"]


def summarize(model: Model, eq) -> dict:
    """The contract's numbers of one general equilibrium."""
    state, acc = eq.aggregates["technology"], eq.aggregates["accounts"]
    mean, sd = state.moments(model)
    return {
        "wages": eq.prices["wages"],
        "log_welfare": acc.log_welfare,
        "income": acc.income,
        "tech_mean": mean,
        "tech_sd": sd,
        "trade_shares": acc.trade_shares,
        "final_trade_shares": acc.final_trade_shares,
        "incompatibility_cost_share": acc.incompatibility_costs / acc.income,
        "foreign_incompatibility_cost_share": acc.foreign_incompatibility_costs / acc.income,
        "adaptation_cost_share": acc.adaptation_costs.sum(axis=1) / acc.income,
    }


def solve(params: TechParameters) -> Result:
    """Wages, welfare, ex-post technology and trade shares of the baseline general equilibrium."""
    model = Model.from_parameters(params)
    eq = solve_equilibrium(model)
    state = eq.aggregates["technology"]
    data = summarize(model, eq)
    report = eq.report.to_dict()
    report.update({
        "technology_iterations_last": state.iterations,
        "technology_residual_last": state.residual,
        "labor_market_residuals": (eq.aggregates["accounts"].labor_demand / params.labor - 1.0).tolist(),
        "conditions": params.conditions(),
        "grid": {"points": int(model.grid.size), "low": float(model.grid[0]), "high": float(model.grid[-1])},
    })
    data["report"] = report
    names_r, names_s = params.regions, params.sectors
    rows = [[names_r[d], data["wages"][d], data["log_welfare"][d], data["income"][d],
             100 * data["incompatibility_cost_share"][d], 100 * data["foreign_incompatibility_cost_share"][d]]
            for d in range(params.n_regions)]
    units = Units(params)
    tables = {"regions": Table(columns=["region", "wage", "ln U", "income", "incompat. cost",
                                        "of which foreign inputs"], rows=rows,
                               units=["", units.wage, LOG_U, units.numeraire, "% of income", "% of income"],
                               caption="Baseline general equilibrium (wage of region 0 = 1; cf. Table 2)")}
    tech_rows = [[names_r[o], names_s[j], params.tech_mean[o, j], data["tech_mean"][o, j], params.tech_sd[o, j],
                  data["tech_sd"][o, j]] for o in range(params.n_regions) for j in range(params.n_sectors)]
    if len(tech_rows) <= 60:
        tables["technology"] = Table(columns=["region", "sector", "mean ex ante", "mean ex post", "sd ex ante",
                                              "sd ex post"], rows=tech_rows, units=["", "", *[THETA] * 4],
                                     caption="Technology distributions before and after adaptation (cf. Figure 1)")
    cond = params.conditions()
    notes = [f"Labor markets cleared by {eq.report.method} in {eq.report.evaluations} evaluations "
             f"({eq.report.seconds:.2f} s), max residual {eq.report.residual_norm:.1e}.",
             f"Existence condition zeta t_bar M^2 = {cond['existence_zeta_tbar_M2']:.3f} < 1 "
             f"(M = {cond['support_radius_M']:.3f}); uniqueness condition 2 M t_bar = "
             f"{cond['uniqueness_tbar_times_2M']:.3f} < 1; the bound on phi_bar is not in the slides."]
    return Result(data=data, tables=tables, notes=notes, quantities=baseline_quantities(params))
