"""Labels and units of every number the plugin reports (data paths of its results' JSON).

Log prices are in log points with the wage as numeraire (``P_i`` in wage units, ``p_i = log P_i``);
Domar weights are sales over nominal GDP; input shares ``alpha_ij`` are fractions of firm i's
costs; log GDP, its mean and welfare (log certainty-equivalent GDP, eq. 13) are in log points.
Sectors are named by :meth:`~.params.KmntParameters.sector_labels`.
"""
from __future__ import annotations

from equilibria.quantities import COUNT, SECONDS, Quantity, solve_report_quantities

__all__ = ["solve_quantities", "car_quantities", "statics_quantities", "SCALE", "LOG_POINTS", "SHARE", "DOMAR",
           "WELFARE"]

LOG_POINTS = "log points (wage = 1)"
SHARE = "1 (fraction of the buyer's costs)"
DOMAR = "1 (fraction of GDP)"
WELFARE = "log points of certainty-equivalent GDP"
_Q = Quantity


def _network(label, names) -> Quantity:
    return _Q(label=label, unit=SHARE, axes=("buyer sector", "input sector"), names=(names, names))


def _by_sector(label, unit, names) -> Quantity:
    return _Q(label=label, unit=unit, axes=("sector",), names=(names,))


def solve_quantities(names) -> dict:
    """The baseline solve (planner, decentralized equilibrium, moments) with sectors ``names``."""
    return {
        "domar_weights": _by_sector("planner's Domar weights ω* (eq. 15)", DOMAR, names),
        "network": _network("planner's network α(ω*) (eq. 14)", names),
        "equilibrium_network": _network("decentralized equilibrium network (eq. 12)", names),
        "efficiency_gap": _Q(label="largest difference of α_ij, planner vs equilibrium (Proposition 1)", unit=SHARE),
        "expected_log_gdp": _Q(label="expected log GDP E[y] (eq. 9)", unit="log points"),
        "var_log_gdp": _Q(label="variance of log GDP V[y] (eq. 10)", unit="log points squared"),
        "welfare": _Q(label="welfare W at the planner's network (eq. 13)", unit=WELFARE),
        "welfare_at_equilibrium_network": _Q(label="welfare W at the equilibrium network (eq. 13)", unit=WELFARE),
        "risk_adjusted_prices": _by_sector("planner's multipliers = risk-adjusted prices R (Lemma 2)", LOG_POINTS,
                                           names),
        "equilibrium_risk_adjusted_prices": _by_sector("risk-adjusted prices R clearing the decentralized economy",
                                                       LOG_POINTS, names),
        "expected_log_prices": _by_sector("expected log prices E[p] (Lemma 1)", LOG_POINTS, names),
        "var_log_prices": _by_sector("variances of log prices V[p_i] (Lemma 1)", "log points squared", names),
        **solve_report_quantities("report.planner", "1 (Newton step in Domar weights)", "planner"),
        **solve_report_quantities("report.equilibrium", LOG_POINTS + ", pricing residual", "decentralized equilibrium"),
    }


def car_quantities(names) -> dict:
    """The car experiment's sweeps (one entry per point), slopes and gaps."""
    sweep = {
        "value": _Q(label="value of the moved belief (mu_1 in log points, or Sigma_11 in log points squared)",
                    unit="log points or log points squared"),
        "expected_p1": _Q(label=f"expected log price of {names[0]}, E[p_1]", unit=LOG_POINTS),
        "var_p1": _Q(label=f"variance of the log price of {names[0]}, V[p_1]", unit="log points squared"),
        "R1": _Q(label=f"risk-adjusted price of {names[0]}, R_1", unit=LOG_POINTS),
        "shares": _Q(label=f"input shares of the {names[3]}, α_4j", unit=SHARE, axes=("input sector",),
                     names=(names,)),
        "domar_weights": _by_sector("Domar weights ω", DOMAR, names),
    }
    out = {f"{path}.{key}": q for path in ("expected_price_sweep", "variance_sweep") for key, q in sweep.items()}
    for j in range(4):
        out[f"slopes.d alpha_4{j + 1} / d E[p_1]"] = _Q(
            label=f"average slope of the {names[3]}'s {names[j]} share in E[p_1]", unit="share per log point")
        out[f"slopes.d alpha_4{j + 1} / d V[p_1]"] = _Q(
            label=f"average slope of the {names[3]}'s {names[j]} share in V[p_1]", unit="share per log point squared")
    out["efficiency_gap"] = _Q(label="largest difference of α_ij, planner vs equilibrium, along both sweeps",
                               unit=SHARE)
    out["symbolic_shifter_gap"] = _Q(label="largest difference of the planner's network with the sympy-derived a_4",
                                     unit=SHARE)
    return out


def statics_quantities(names) -> dict:
    """Proposition 3's matrices, the errors against finite differences and the finite-change bound."""
    return {
        "domar_weights": _by_sector("planner's Domar weights ω*", DOMAR, names),
        "propagation_matrix": _Q(label="propagation matrix -H^(-1) (Proposition 3)",
                                 unit="fraction of GDP per log point",
                                 axes=("response of ω", "impulse in E"), names=(names, names)),
        "curvature": _Q(label="H = hess a_bar - (rho - 1) Sigma (Proposition 3)", unit="log points per unit ω squared",
                        axes=("sector", "sector"), names=(names, names)),
        "max_error_prop3": _Q(label="largest error of Proposition 3 against central differences",
                              unit="fraction of GDP per unit of gamma"),
        "max_error_cor4": _Q(label="largest error of Corollary 4 against central differences",
                             unit="log points per unit of gamma"),
        "finite_change.flexible": _Q(label="welfare gain of the finite change of beliefs, network re-chosen",
                                     unit=WELFARE),
        "finite_change.fixed": _Q(label="welfare gain of the finite change of beliefs, network fixed", unit=WELFARE),
    }


SCALE = {
    f"{group}.{key}": q
    for group in ("economies", "corner_economies")
    for key, q in {
        "n": _Q(label="sectors", unit=COUNT),
        "setup_seconds": _Q(label="time to factorise the H_i", unit=SECONDS),
        "planner_seconds": _Q(label="planner's time", unit=SECONDS),
        "planner_iterations": _Q(label="planner's Newton steps", unit=COUNT),
        "equilibrium_seconds": _Q(label="decentralized equilibrium's time", unit=SECONDS),
        "equilibrium_iterations": _Q(label="decentralized equilibrium's Newton steps", unit=COUNT),
        "equilibrium_evaluations": _Q(label="decentralized equilibrium's residual evaluations", unit=COUNT),
        "efficiency_gap": _Q(label="largest difference of α_ij, planner vs equilibrium", unit=SHARE),
        "zero_shares": _Q(label="input shares at the corner α_ij = 0", unit=COUNT),
    }.items()
}
"""The scale experiment (one record per economy)."""
