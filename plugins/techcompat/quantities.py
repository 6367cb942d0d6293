"""Labels and units of every number the plugin reports (data paths of its results' JSON).

The wage of region 0 is the numeraire, so wages and incomes are in units of it; technology positions
theta are in the model's own units (the endowment distributions' scale); welfare is ln U, the log of
real consumption; trade shares are fractions of the buyer's spending on a sector's goods, indexed
``[buyer d][origin o][sector j]``.
"""
from __future__ import annotations

from equilibria.quantities import COUNT, DIMENSIONLESS, SECONDS, TRUE_FALSE, Quantity, solve_report_quantities

__all__ = ["Units", "baseline_quantities", "embargo_quantities", "decoupling_quantities", "externality_quantities",
           "quadratic_quantities", "CALIBRATION"]

THETA = "technology position theta (model units)"
LOG_U = "log of real consumption (ln U)"
PERCENT_LOG = "percent (100 × log points)"
_Q = Quantity


class Units:
    """Units and axes that name the regions and sectors of one economy."""

    def __init__(self, params):
        self.regions, self.sectors = tuple(params.regions), tuple(params.sectors)
        self.wage = f"wage of {self.regions[0]} = 1"
        self.numeraire = f"units of the wage of {self.regions[0]}"

    def by_region(self, label: str, unit: str, axis: str = "region") -> Quantity:
        return _Q(label=label, unit=unit, axes=(axis,), names=(self.regions,))

    def by_region_sector(self, label: str, unit: str) -> Quantity:
        return _Q(label=label, unit=unit, axes=("region", "sector"), names=(self.regions, self.sectors))

    def flows(self, label: str) -> Quantity:
        return _Q(label=label, unit="fraction of the buyer's spending on the sector",
                  axes=("buyer region d", "origin region o", "sector j"),
                  names=(self.regions, self.regions, self.sectors))

    def wages(self, label: str = "wage w_d") -> Quantity:
        return self.by_region(label, self.wage)


def baseline_quantities(params) -> dict:
    u = Units(params)
    return {
        "wages": u.wages(),
        "log_welfare": u.by_region("welfare ln U_d", LOG_U),
        "income": u.by_region("income I_d (labor income plus profits)", u.numeraire),
        "tech_mean": u.by_region_sector("mean technology position after adaptation (ex post)", THETA),
        "tech_sd": u.by_region_sector("standard deviation of technology positions ex post", THETA),
        "trade_shares": u.flows("share of origin o in d's purchases of intermediate inputs of sector j"),
        "final_trade_shares": u.flows("share of origin o in d's purchases of final goods of sector j"),
        "incompatibility_cost_share": u.by_region("incompatibility costs", "fraction of income"),
        "foreign_incompatibility_cost_share": u.by_region("incompatibility costs on foreign inputs",
                                                          "fraction of income"),
        "adaptation_cost_share": u.by_region("adaptation costs", "fraction of income"),
        **solve_report_quantities("report", "labor demand / supply - 1", "labor-market clearing"),
        "report.technology_iterations_last": _Q(label="iterations of the last technology equilibrium", unit=COUNT),
        "report.technology_residual_last": _Q(label="residual of the last technology equilibrium",
                                              unit="max change of log costs"),
        "report.labor_market_residuals": u.by_region("labor demand / supply - 1 at the answer", DIMENSIONLESS),
        "report.conditions.support_radius_M": _Q(label="half-width M of the technology support", unit=THETA),
        "report.conditions.existence_zeta_tbar_M2": _Q(label="existence condition zeta t_bar M^2 (< 1)",
                                                       unit=DIMENSIONLESS),
        "report.conditions.existence_holds": _Q(label="existence condition holds", unit=TRUE_FALSE),
        "report.conditions.uniqueness_tbar_times_2M": _Q(label="uniqueness condition 2 M t_bar (< 1)",
                                                         unit=DIMENSIONLESS),
        "report.conditions.uniqueness_tbar_holds": _Q(label="uniqueness condition holds", unit=TRUE_FALSE),
        "report.conditions.technique_shape_conditions_hold": _Q(label="lambda > zeta and lambda gamma^{ij} < zeta",
                                                                unit=TRUE_FALSE),
        "report.grid.points": _Q(label="points of the technology grid", unit=COUNT),
        "report.grid.low": _Q(label="lowest grid position", unit=THETA),
        "report.grid.high": _Q(label="highest grid position", unit=THETA),
    }


_COLUMNS = ("fixed", "sector", "region", "all")
_COLUMN_AXIS = "technology response"


def embargo_quantities(params) -> dict:
    u = Units(params)
    return {
        "welfare_change": _Q(label="welfare change 100 Δln U_d by technology response", unit=PERCENT_LOG,
                             axes=(_COLUMN_AXIS, "region"), names=(_COLUMNS, u.regions)),
        "embargoed_import_share": _Q(label="baseline share of the embargoed origins in the buyer's purchases of the "
                                           "sector's inputs", unit="fraction of the buyer's spending on the sector"),
        "citation_change_buyer_to_origins": _Q(label="change of the buyer's citations of the embargoed origins",
                                               unit="percent", axes=(_COLUMN_AXIS,), names=(_COLUMNS,)),
        "tech_mean_baseline": u.by_region_sector("mean technology position, baseline", THETA),
        "tech_mean_embargo": u.by_region_sector("mean technology position, embargo (every firm responds)", THETA),
        "wages_baseline": u.wages("wage w_d, baseline"),
        "wages": _Q(label="wage w_d under the embargo by technology response", unit=u.wage,
                    axes=(_COLUMN_AXIS, "region"), names=(_COLUMNS, u.regions)),
        "seconds": _Q(label="time of the experiment", unit=SECONDS),
    }


def decoupling_quantities(params) -> dict:
    u = Units(params)
    return {
        "tech_mean_baseline": u.by_region_sector("mean technology position, baseline", THETA),
        "tech_mean_embargo": u.by_region_sector("mean technology position, embargo (every firm responds)", THETA),
        "distance_buyer_to_origins": _Q(label="mean distance of the buyer's targeted sector to the embargoed origins'",
                                        unit=THETA, axes=("baseline, embargo",)),
    }


def externality_quantities(sectors: int) -> dict:
    names = (tuple(f"sector {i}" for i in range(sectors)),)
    return {
        "closed_endowment": _Q(label="endowment positions theta_bar (closed economy)", unit=THETA, axes=("sector",),
                               names=names),
        "closed_equilibrium": _Q(label="equilibrium positions (closed economy)", unit=THETA, axes=("sector",),
                                 names=names),
        "closed_planner": _Q(label="planner's positions (closed economy)", unit=THETA, axes=("sector",), names=names),
        "adaptation_equilibrium": _Q(label="adaptation: sum of abs(theta - theta_bar), equilibrium", unit=THETA),
        "adaptation_planner": _Q(label="adaptation: sum of abs(theta - theta_bar), planner", unit=THETA),
        "welfare_equilibrium": _Q(label="ln U in equilibrium (closed economy, constants dropped)", unit=LOG_U),
        "welfare_planner": _Q(label="ln U at the planner's positions (closed economy, constants dropped)", unit=LOG_U),
        "two_country_positions": _Q(label="equilibrium positions of the two countries", unit=THETA,
                                    axes=("country",), names=(("country 1", "country 2"),)),
        "dlnU_dtheta2": _Q(label="d ln U_d / d theta_2 (moving country 2)", unit=f"{LOG_U} per unit of theta",
                           axes=("country",), names=(("country 1", "country 2"),)),
    }


def quadratic_quantities(params) -> dict:
    u = Units(params)
    return {
        "seconds": _Q(label="time of each solve (full, quadratic; technology at given wages: full_technology, "
                            "quadratic_technology)", unit=SECONDS),
        "max_error_mean": _Q(label="largest absolute difference of ex-post mean positions, quadratic vs full", unit=THETA),
        "max_error_sd": _Q(label="largest absolute difference of ex-post sds, quadratic vs full", unit=THETA),
        "max_error_wages": _Q(label="largest absolute difference of equilibrium wages", unit=u.wage),
        "max_error_log_welfare": _Q(label="largest absolute difference of ln U", unit=LOG_U),
        "quadratic_iterations": _Q(label="iterations of the quadratic-normal fixed point", unit=COUNT),
        "curvature_m": u.by_region_sector("curvature m_A of the quadratic log-cost approximation",
                                          "log cost per squared unit of theta"),
        "center_n": u.by_region_sector("center n_A of the quadratic log-cost approximation", THETA),
        "level_k": u.by_region_sector("level k_A of the quadratic log-cost approximation", "log cost"),
    }


CALIBRATION = {
    "tbar": _Q(label="recovered incompatibility t_bar", unit="per squared unit of theta"),
    "phibar": _Q(label="recovered adaptation cost phi_bar", unit="per squared unit of theta"),
    "tau_error": _Q(label="largest absolute error of the recovered iceberg costs", unit="1 (iceberg factor)"),
    "mean_error": _Q(label="largest absolute error of the recovered endowment means mu_bar", unit=THETA),
    "sd_error": _Q(label="largest absolute error of the recovered endowment sds sigma_bar", unit=THETA),
    "moments.import_citation_slope": _Q(label="target: firm-level slope of import shares on citation shares",
                                        unit=DIMENSIONLESS),
    "moments.citation_tariff_elasticity": _Q(label="target: elasticity of citation shares to trade costs",
                                             unit=DIMENSIONLESS),
    "evaluations.compatibility": _Q(label="moment evaluations to identify t_bar and phi_bar", unit=COUNT),
    "evaluations.iceberg_iterations": _Q(label="general equilibria to fit the iceberg costs", unit=COUNT),
    "evaluations.endowments": _Q(label="technology equilibria in the endowment fit", unit=COUNT),
}
