"""Experiments of the tyazhelnikov2016 plugin (``equilibria run tyazhelnikov2016 NAME``)."""
from __future__ import annotations

from equilibria import Experiment, Result, Table

from .examples import PROP4_CLAIM, prop4_breakpoints, prop4_paths, prop7_analysis
from .params import FirmParameters
from .quantities import COST, PROP4, PROP7, TAU, firm_quantities

__all__ = ["EXPERIMENTS", "run_firm"]


def run_firm(params: FirmParameters, options=None) -> Result:
    """One firm's problem from a parameter file (section 2; section 3.3 with a destination)."""
    problem = params.problem()
    costs = problem.check_costs(params.costs)
    sol = problem.solve(costs)
    data = sol.firm(0)
    data.update(tariff=params.tariff, n_nodes=problem.n_nodes, n_countries=problem.n_countries,
                parents=[int(p) for p in problem.technology.parents])
    table = Table(columns=["node", "parent", "country"], units=["node index", "node index", "country index"],
                  rows=[[v, int(problem.technology.parents[v]), data["path"][v]] for v in range(problem.n_nodes)],
                  caption=f"optimal locations (0-based); MC = {data['marginal_cost']:.6g}, NTMC = {data['ntmc']:.6g}, "
                          f"TQ = {data['tq']:.6g}, crossings = {data['crossings']}")
    return Result(data=data, tables={"path": table}, quantities=firm_quantities(problem.n_nodes))


def run_prop4(params, options=None) -> Result:
    """Proposition 4: re-shoring in the 2-country, 5-stage example at several tau."""
    from equilibria.comparison import SourceValue, docs_link

    taus = [3.0, 2.0, 1.5, 1.25, 1.0, 0.75, 0.5, 0.4, 0.25, 0.0]
    rows = prop4_paths(taus)
    breaks = prop4_breakpoints()

    def claim(tau):
        for low, high, path in PROP4_CLAIM:
            if low <= tau < high:
                return list(path)
        return None

    for row in rows:
        row["paper_path"] = claim(row["tau"])
        row["agrees"] = row["path"] == row["paper_path"] or row["n_optimal_paths"] > 1
    table = Table(columns=["tau", "optimal path (1-based)", "paper", "MC", "NTMC", "TQ", "optimal paths"],
                  units=[TAU, "country numbers", "country numbers", COST, COST, "units of T", "count"],
                  rows=[[r["tau"], "".join(map(str, r["path"])), "".join(map(str, r["paper_path"])), r["marginal_cost"],
                         r["ntmc"], r["tq"], r["n_optimal_paths"]] for r in rows],
                  caption="Proposition 4 (a1 = 4,4,4,4,4; a2 = 10,2,5,2,10; T = 1 off the diagonal). "
                          "At tau = 1.5 and 0.5 two paths tie; the DP breaks ties towards the lowest "
                          "country index, deciding from the final node upstream.")
    third = [r["path"][2] for r in sorted(rows, key=lambda r: -r["tau"])]
    return Result(data={"rows": rows, "breakpoints": breaks, "all_agree": all(r["agrees"] for r in rows),
                        "part3_country_as_tau_falls": third},
                  tables={"prop4": table}, quantities=PROP4,
                  comparisons=[SourceValue(quantity=f"tau where the optimal path changes ({k + 1} of {len(breaks)})",
                                           unit="trade cost per unit", ours=float(b),
                                           source=(1.5, 0.5)[k] if k < 2 else None, where="Proposition 4",
                                           abs_tol=1e-9, reason="a break point the paper does not print",
                                           link=docs_link("tyazhelnikov2016", "Measured results"))
                               for k, b in enumerate(breaks)],
                  notes=[f"The optimal path changes at tau = {', '.join(f'{b:g}' for b in breaks)} (paper: 1.5 and 0.5).",
                         "Part 3 moves 1 -> 2 -> 1 as tau falls: re-shoring."])


def run_prop7(params, options=None) -> Result:
    """Proposition 7: liberalisation between countries 1 and 2 raises production in country 3."""
    analysis = prop7_analysis()
    rows = []
    for reading, entry in analysis.items():
        for when in ("before", "after"):
            e = entry[when]
            rows.append([reading, when, "".join(map(str, e["path"])), e["marginal_cost"],
                         "".join(map(str, e["claimed_path"])), e["claimed_path_cost"], e["claim_is_unique_optimum"]])
    table = Table(columns=["reading of a_jk", "trade costs", "optimal path", "MC", "paper's path", "its cost",
                           "paper's path uniquely optimal"], rows=rows,
                  units=["", "", "country numbers", COST, "country numbers", COST, "true/false"],
                  caption="Proposition 7 by DP and by enumerating all 27 paths (countries 1-based).")
    cp = analysis["country_part"]
    notes = [f"Reading a_jk = cost of part k in country j (as the text says 'for country 1'): the printed paths are "
             f"{'the unique optima' if cp['before']['claim_is_unique_optimum'] and cp['after']['claim_is_unique_optimum'] else 'NOT optimal'}"
             f" (MC {cp['before']['marginal_cost']:g} before, {cp['after']['marginal_cost']:g} after).",
             "Reading a_jk = cost of part j in country k (section 2's notation): the optimal path is 3-2-3 both before "
             "and after, so the example only works with the first reading."]
    return Result(data=analysis, tables={"prop7": table}, notes=notes, quantities=PROP7)


def _param_class(name):
    from . import experiments_ge
    return getattr(experiments_ge, name)


def _lazy(name):
    def run(params, options):
        from . import experiments_ge
        return getattr(experiments_ge, name)(params, options)
    return run


EXPERIMENTS = [
    Experiment(name="firm", description="one firm's problem from a parameter file (costs, trade_costs, tau, "
               "parents, tariff, destination, final_trade_costs, tau_final)", run=run_firm, parameters=FirmParameters),
    Experiment(name="prop4", description="Proposition 4: re-shoring example at several tau", run=run_prop4,
               headline=True, parameters=FirmParameters),
    Experiment(name="prop7", description="Proposition 7: three-country FTA example, printed paths verified by "
               "enumeration", run=run_prop7, headline=True, parameters=FirmParameters),
    Experiment(name="fosd", description="Figure 5: MC distributions of 100,000 firms (N = 10) at two tau, PNG",
               run=_lazy("run_fosd"), headline=True, parameters=_param_class("FosdParameters")),
    Experiment(name="wages", description="Section 3.5: wages clearing labor markets with w_1 = 1 (Proposition 8)",
               run=_lazy("run_wages"), headline=True, parameters=_param_class("WageParameters")),
    Experiment(name="liberalization", description="Table 1: tau 0.49 -> 0.45 at the 2000 (and 2007) estimates; "
               "welfare change and fragmentation share (section 5.3)", run=_lazy("run_liberalization"), headline=True),
    Experiment(name="calibrate", description="fit (shape, scale, tau, w) to firm sales by KL/KS/CvM; --set data=FILE.csv "
               "(default: sales simulated at known parameters)", run=_lazy("run_calibrate"),
               parameters=_param_class("CalibrationParameters")),
]
