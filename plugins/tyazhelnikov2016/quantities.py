"""Labels and units of every number the plugin reports (data paths of its results' JSON).

Costs of the firm's problem are in the units of the production costs ``a`` it is given; in the
populations of section 4 they are in units of the numeraire good ``q0`` (the cost draws are
relative wages times draws, and ``q0`` has price 1). ``tau`` multiplies the trade-cost matrix
``T``. Countries are 1-based in paths printed for the paper's examples, 0-based in ``firm``.
"""
from __future__ import annotations

from equilibria.quantities import COUNT, DIMENSIONLESS, SECONDS, TRUE_FALSE, Quantity, solve_report_quantities

__all__ = ["firm_quantities", "PROP4", "PROP7", "FOSD", "economy_quantities", "wage_quantities",
           "liberalization_quantities", "CALIBRATION", "COST", "NUMERAIRE", "TAU"]

COST = "units of the production costs a"
NUMERAIRE = "units of the numeraire good q0"
TAU = "1 (multiplier of the trade costs T)"
SHARE_OF_FIRMS = "fraction of firms"
LOG_CHANGE = "log points (natural log difference)"
_Q = Quantity


def firm_quantities(n_nodes: int) -> dict:
    nodes = [str(v) for v in range(n_nodes)]
    return {
        "marginal_cost": _Q(label="minimal marginal cost MC (eq. 1, 5, 7)", unit=COST),
        "path": _Q(label="optimal country of each node (0-based)", unit="country index", axes=("node",),
                   names=(nodes,)),
        "ntmc": _Q(label="non-transport marginal cost NTMC = sum of a_v(c_v) (section 3.1)", unit=COST),
        "tq": _Q(label="transport quantity TQ (T summed over crossings; times the value crossing if ad valorem)",
                 unit="units of T"),
        "trade_cost": _Q(label="trade cost of intermediate crossings TTMC", unit=COST),
        "final_cost": _Q(label="shipment cost of the final good (section 3.3)", unit=COST),
        "crossings": _Q(label="border crossings of intermediate goods", unit=COUNT),
        "n_nodes": _Q(label="nodes of the technology", unit=COUNT),
        "n_countries": _Q(label="countries", unit=COUNT),
        "parents": _Q(label="node each node is assembled into (-1: the final node)", unit="node index",
                      axes=("node",), names=(nodes,)),
    }


PROP4 = {
    "rows.tau": _Q(label="trade-cost multiplier tau", unit=TAU),
    "rows.path": _Q(label="optimal country of each stage (1-based)", unit="country number", axes=("stage",)),
    "rows.paper_path": _Q(label="the path Proposition 4 states (1-based)", unit="country number", axes=("stage",)),
    "rows.marginal_cost": _Q(label="minimal marginal cost MC", unit=COST),
    "rows.ntmc": _Q(label="non-transport marginal cost NTMC", unit=COST),
    "rows.tq": _Q(label="transport quantity TQ", unit="units of T"),
    "rows.n_optimal_paths": _Q(label="paths attaining the minimal MC (ties)", unit=COUNT),
    "rows.agrees": _Q(label="our optimal path is the stated one (or ties with it)", unit=TRUE_FALSE),
    "breakpoints": _Q(label="values of tau where the optimal path changes", unit=TAU),
    "all_agree": _Q(label="every row agrees with Proposition 4", unit=TRUE_FALSE),
    "part3_country_as_tau_falls": _Q(label="country of part 3 as tau falls (1-based)", unit="country number",
                                     axes=("tau, from high to low",)),
}

PROP7 = {
    "*.costs_stage_by_country": _Q(label="production costs a under this reading of a_jk", unit=COST,
                                   axes=("stage", "country")),
    "*.*.path": _Q(label="optimal country of each stage (1-based)", unit="country number", axes=("stage",)),
    "*.*.marginal_cost": _Q(label="minimal marginal cost MC", unit=COST),
    "*.*.optimal_paths": _Q(label="every path attaining the minimal MC (1-based)", unit="country number",
                            axes=("optimal path", "stage")),
    "*.*.claimed_path": _Q(label="the path Proposition 7 prints (1-based)", unit="country number", axes=("stage",)),
    "*.*.claimed_path_cost": _Q(label="marginal cost of the printed path", unit=COST),
    "*.*.claim_is_unique_optimum": _Q(label="the printed path is the unique optimum", unit=TRUE_FALSE),
    "*.parts_in_country_3_before": _Q(label="parts made in country 3 before the liberalisation", unit=COUNT),
    "*.parts_in_country_3_after": _Q(label="parts made in country 3 after the liberalisation", unit=COUNT),
    "*.proposition_holds": _Q(label="production in country 3 rises (Proposition 7)", unit=TRUE_FALSE),
}


FOSD = {
    "tau_high": _Q(label="the higher trade-cost multiplier tau_0", unit=TAU),
    "tau_low": _Q(label="the lower trade-cost multiplier tau_1", unit=TAU),
    "first_order_dominance": _Q(label="every order statistic of MC falls (Proposition 9)", unit=TRUE_FALSE),
    "max_cdf_gap": _Q(label="largest F_low(MC) - F_high(MC) on the plotting grid", unit="probability"),
    "min_cdf_gap": _Q(label="smallest F_low(MC) - F_high(MC) on the plotting grid", unit="probability"),
    "mean_mc": _Q(label="mean marginal cost", unit=NUMERAIRE, axes=("tau",)),
    "share_offshoring": _Q(label="firms with at least one border crossing", unit=SHARE_OF_FIRMS, axes=("tau",)),
    "quantiles": _Q(label="quantiles of MC at (tau_0, tau_1)", unit=NUMERAIRE, axes=("quantile", "tau")),
}


def economy_quantities(countries) -> dict:
    """The baseline: free-entry equilibrium of section 4.4 on a simulated population."""
    names = (tuple(countries),)
    return {
        "effective_mc": _Q(label="effective marginal cost MC~ = E[MC^(1-sigma)]^(1/(1-sigma))", unit=NUMERAIRE),
        "price_index": _Q(label="CES price index P", unit=f"{NUMERAIRE} per unit of Q"),
        "mass_of_firms": _Q(label="mass of firms S", unit="measure of firms"),
        "welfare": _Q(label="welfare W = E + (1 - zeta)/zeta P^(-zeta/(1-zeta))", unit=NUMERAIRE),
        "consumer_surplus": _Q(label="consumer surplus W - E", unit=NUMERAIRE),
        "consumption_index": _Q(label="CES consumption index Q", unit="units of Q"),
        "numeraire_consumption": _Q(label="consumption of the numeraire good q0 = E - P Q", unit=NUMERAIRE),
        "expected_profit": _Q(label="expected operating profit E[r(MC)]/sigma (= sunk cost f_s)", unit=NUMERAIRE),
        "mean_mc": _Q(label="mean marginal cost", unit=NUMERAIRE),
        "median_mc": _Q(label="median marginal cost", unit=NUMERAIRE),
        "share_offshoring": _Q(label="firms with at least one border crossing", unit=SHARE_OF_FIRMS),
        "mean_crossings": _Q(label="border crossings per firm", unit="crossings per firm"),
        "labor_demand": _Q(label="labor per unit of output by country, averaged with weights MC^(-sigma)",
                           unit="labor units per unit of output (relative)", axes=("country",), names=names),
        "n_firms": _Q(label="simulated firms", unit=COUNT),
        **solve_report_quantities("report", "relative excess profit E[pi]/f_s - 1", "free entry"),
    }


def wage_quantities(countries) -> dict:
    names = (tuple(countries),)
    return {
        "wages": _Q(label="wage w_k", unit=f"wage of {countries[0]} = 1", axes=("country",), names=names),
        "labor_supply_shares": _Q(label="labor supply share L_k / sum L", unit="fraction of world labor",
                                  axes=("country",), names=names),
        "labor_shares": _Q(label="labor demand share D_k / sum D at the wages", unit="fraction of world labor",
                           axes=("country",), names=names),
        "mean_mc": _Q(label="mean marginal cost at the wages", unit=f"units of the wage of {countries[0]}"),
        "share_offshoring": _Q(label="firms with at least one border crossing", unit=SHARE_OF_FIRMS),
        "residual_norm": _Q(label="largest labor-market excess demand share", unit="fraction of world labor"),
        "tolerance": _Q(label="tolerance on it (twice the largest firm's labor share)", unit="fraction of world labor"),
        "evaluations": _Q(label="excess-demand evaluations", unit=COUNT),
        "seconds": _Q(label="time of the solve", unit=SECONDS),
        **solve_report_quantities("report", "fraction of world labor", "labor-market clearing"),
        "scan_w2": _Q(label="wage of country 2 on the uniqueness scan", unit=f"wage of {countries[0]} = 1"),
        "scan_excess_country2": _Q(label="excess labor demand share of country 2 on the scan",
                                   unit="fraction of world labor"),
        "sign_changes_on_scan": _Q(label="sign changes of that excess demand (1: one equilibrium on the scan)",
                                   unit=COUNT),
    }


def _decomposition(prefix: str) -> dict:
    q = {
        "effective": _Q(label="with the effective marginal cost MC~ (sales-weighted)", unit="see the entries"),
        "mean": _Q(label="with the plain mean of MC", unit="see the entries"),
        "*.mc_old": _Q(label="average MC at tau_0", unit=NUMERAIRE),
        "*.mc_new": _Q(label="average MC at tau_1", unit=NUMERAIRE),
        "*.mc_direct": _Q(label="average MC of the tau_0 paths priced at tau_1 (direct effect)", unit=NUMERAIRE),
        "*.dln_total": _Q(label="total change ln(MC(tau_1)/MC(tau_0))", unit=LOG_CHANGE),
        "*.dln_direct": _Q(label="direct change with paths fixed", unit=LOG_CHANGE),
        "*.fragmentation_share": _Q(label="share of the fall due to re-optimised paths, 1 - direct/total",
                                    unit="fraction"),
        "tau_old": _Q(label="trade-cost multiplier before, tau_0", unit=TAU),
        "tau_new": _Q(label="trade-cost multiplier after, tau_1", unit=TAU),
        "welfare_elasticity": _Q(label="-d ln(W - E)/d ln MC~ (eq. 13)", unit=DIMENSIONLESS),
        "dln_consumer_surplus_eq13": _Q(label="change of consumer surplus by eq. 13", unit=LOG_CHANGE),
        "dln_consumer_surplus_exact": _Q(label="exact change of consumer surplus ln((W-E)_1/(W-E)_0)",
                                         unit=LOG_CHANGE),
        "welfare_old": _Q(label="welfare W at tau_0", unit=NUMERAIRE),
        "welfare_new": _Q(label="welfare W at tau_1", unit=NUMERAIRE),
        "dln_mass_of_firms": _Q(label="change of the mass of firms", unit=LOG_CHANGE),
        "share_firms_changing_path": _Q(label="firms whose optimal path changes", unit=SHARE_OF_FIRMS),
        "share_offshoring_old": _Q(label="firms offshoring at tau_0", unit=SHARE_OF_FIRMS),
        "share_offshoring_new": _Q(label="firms offshoring at tau_1", unit=SHARE_OF_FIRMS),
        "firms_direct_above_total": _Q(label="firms whose direct fall exceeds the total (0 by Propositions 1, 3)",
                                       unit=COUNT),
    }
    return {f"{prefix}.{path}": quantity for path, quantity in q.items()}


def liberalization_quantities(countries) -> dict:
    q = {
        "table1": _Q(label="Table 1 estimates by year: Pareto shape, scale, tau and the relative wage w of "
                           f"{countries[1]}", unit=f"1 (w: wage of {countries[1]} / wage of {countries[0]})",
                     axes=("year", "parameter")),
        "sweep.tau_new": _Q(label="trade-cost multiplier after, tau_1", unit=TAU),
        "sweep.dln_total": _Q(label="total change of ln MC~", unit=LOG_CHANGE),
        "sweep.fragmentation_share": _Q(label="share of the fall of MC~ due to re-optimised paths", unit="fraction"),
        "sweep.firms_changing_path": _Q(label="firms whose optimal path changes", unit=SHARE_OF_FIRMS),
    }
    for label in ("2000 technology", "2007 technology"):
        q.update(_decomposition(label))
    return q


CALIBRATION = {
    "estimate": _Q(label="estimates: Pareto shape, scale, tau, relative wage w", unit="1 (scale: cost units)",
                   axes=("parameter",)),
    "distance": _Q(label="distance between simulated and data log sales (KL, KS or CvM)", unit=DIMENSIONLESS),
    "evaluations": _Q(label="objective evaluations", unit=COUNT),
    "replayed_from_checkpoint": _Q(label="evaluations read back from the checkpoint", unit=COUNT),
    "converged": _Q(label="Nelder-Mead met its tolerances", unit=TRUE_FALSE),
    "seconds": _Q(label="time of the fit", unit=SECONDS),
    "starts.start": _Q(label="starting point of each search", unit="1 (scale: cost units)", axes=("parameter",)),
    "starts.distance": _Q(label="distance reached from that start", unit=DIMENSIONLESS),
    "starts.estimate": _Q(label="end point of that search", unit="1 (scale: cost units)", axes=("parameter",)),
    "truth": _Q(label="parameters that simulated the data (shape, scale, tau, w)", unit="1 (scale: cost units)",
                axes=("parameter",)),
    "n_data": _Q(label="firms in the data", unit=COUNT),
}
