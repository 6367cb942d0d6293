"""Labels and units of every number the plugin reports (data paths of its results' JSON).

Responses are to one interest-rate innovation (or, in ``money``, one money-supply innovation),
quarter by quarter from the impact quarter: 100 × log deviations from the steady state
("percent deviation"); gross rates and inflation in percent deviation are percentage points per
quarter, ×4 where a name says ``annualized``. Steady-state levels are in the model's units
(goods per quarter for flows, goods for stocks, the final good as numeraire). Information flows
are in bits per quarter (1.38); the firm's profit loss is in marginal-utility units per quarter.
"""
from __future__ import annotations

from equilibria.quantities import DIMENSIONLESS, Quantity, solve_report_quantities

from .estimation import ESTIMATED, MATCHED
from .experiments import MOMENT_NAMES, MONEY_MOMENT_NAMES

__all__ = ["QUANTITIES", "CALVO_FIRMS", "PERCENT_DEVIATION", "BITS", "QUARTER"]

_Q = Quantity
PERCENT_DEVIATION = "percent deviation from the steady state"
QUARTERLY_POINTS = "percentage points, quarterly (percent deviation of the gross quarterly rate)"
ANNUALIZED_POINTS = "percentage points, annualized (4 × percent deviation of the gross quarterly rate)"
BITS = "bits per quarter"
UTILITY = "marginal-utility units per quarter (Ξ × goods)"
QUARTER = ("quarter",)
ACTIONS = ("log price", "log stock Z_j")

#: What each reported response is (the names of :data:`.model.REPORTED`).
_RESPONSE_LABELS = {
    "output": ("output Y", PERCENT_DEVIATION),
    "inflation": ("inflation π (gross, quarterly)", QUARTERLY_POINTS),
    "consumption": ("consumption C", PERCENT_DEVIATION),
    "inventory_sales_ratio": ("inventory-sales ratio inv/sales", PERCENT_DEVIATION),
    "inventories": ("inventories inv", PERCENT_DEVIATION),
    "real_wage": ("real wage W/P", PERCENT_DEVIATION),
    "real_marginal_cost": ("real marginal cost mc", PERCENT_DEVIATION),
    "real_profit": ("real profit (p - mc) sales", PERCENT_DEVIATION),
    "goods_for_sale": ("goods for sale Z", PERCENT_DEVIATION),
    "relative_price": ("relative price P_j/P", PERCENT_DEVIATION),
    "sales": ("sales", PERCENT_DEVIATION),
    "markup": ("markup p/mc", PERCENT_DEVIATION),
    "interest_rate_annualized": ("nominal interest rate R", ANNUALIZED_POINTS),
    "real_rate_annualized": ("real interest rate R/π(+1)", ANNUALIZED_POINTS),
    "hours": ("hours L", PERCENT_DEVIATION),
}

#: Model-file variables reported by ``money`` (section 1.6.3), not annualized.
_MONEY_LABELS = {
    "C": ("consumption C", PERCENT_DEVIATION), "mc": ("real marginal cost mc", PERCENT_DEVIATION),
    "PI": ("inflation π (gross, quarterly)", QUARTERLY_POINTS), "sales": ("sales", PERCENT_DEVIATION),
    "inv": ("inventories inv", PERCENT_DEVIATION), "isr": ("inventory-sales ratio inv/sales", PERCENT_DEVIATION),
    "Y": ("output Y", PERCENT_DEVIATION), "rr": ("real interest rate R/π(+1)", QUARTERLY_POINTS),
    "Z": ("goods for sale Z", PERCENT_DEVIATION),
}

_STEADY_STATE = {
    "threshold": ("stock-out threshold v* of the taste shock (A.11)", "1 (taste-shock level)"),
    "relative_price": ("relative price p* = P_j/P (A.13)", "1 (ratio of prices)"),
    "real_marginal_cost": ("real marginal cost mc* = W L/(α P Y)", "final goods per unit of the firm's output"),
    "elasticity": ("effective demand elasticity ε(v*) (1.20)", "1 (elasticity)"),
    "stockout_probability": ("stock-out probability Pr(v > v*) (1.18)", "probability per quarter"),
    "stockout_demand_share": ("share of demand in stock-out states 1 - F(log v* - σ²/2)", "fraction of demand"),
    "expected_sales_factor": ("expected sales factor Ψ(v*)", "1 (fraction of the demand level sold)"),
    "hours": ("hours L", "units of labor per quarter"),
    "output": ("output Y = L^α", "goods per quarter"),
    "sales": ("sales ∫S_j = Y - δ_z inv", "goods per quarter"),
    "demand_level": ("demand level S of the bundle (1.7)", "goods per quarter"),
    "goods_for_sale": ("goods for sale Z", "goods (stock at the start of trade)"),
    "inventories": ("inventories inv = Z - sales", "goods (stock carried to the next quarter)"),
    "consumption": ("consumption C", "goods per quarter"),
    "government": ("government spending G", "goods per quarter"),
    "wage": ("real wage W/P", "goods per unit of labor"),
    "household_wage": ("households' real wage W^h/P", "goods per unit of labor"),
    "marginal_utility": ("marginal utility of consumption Ξ", "utility per good"),
    "interest_rate": ("gross nominal interest rate R = 1/β", "1 (gross rate per quarter)"),
    "inventory_sales_ratio": ("inventory-sales ratio inv/sales (1.17)", "quarters of sales"),
    "inventory_investment_share": ("inventory investment over output δ_z inv/Y", "fraction of output"),
    "markup": ("markup p*/mc* over current marginal cost", "1 (gross ratio of price to cost)"),
    "markup_over_discounted_cost": ("markup ε/(ε-1) over the discounted next-quarter cost (1.19)",
                                    "1 (gross ratio of price to cost)"),
}

_HESSIAN_UNIT = ("1 per squared log deviation (utility per squared log deviation divided by 2 Ξ* p*^-θ S*, "
                 "the text's scale)")

_PARAMETERS = {
    "xi_p": ("ξ_p, Calvo probability of not resetting the price", "probability per quarter"),
    "iota_p": ("ι_p, price indexation to last quarter's inflation", "1 (weight on past inflation)"),
    "xi_w": ("ξ_w, Calvo probability of not resetting a wage", "probability per quarter"),
    "iota_w": ("ι_w, wage indexation to last quarter's inflation", "1 (weight on past inflation)"),
    "sigma_c": ("σ_c, inverse intertemporal elasticity of substitution", "1 (curvature)"),
    "sigma_l": ("σ_l, inverse Frisch elasticity of labor supply", "1 (curvature)"),
    "alpha": ("α, returns to scale in Y = exp(a) L^α", "1 (elasticity of output to hours)"),
}

#: Data responses (:data:`.estimation.MATCHED`): 100 × log levels, inflation 100 × quarterly log change.
_DATA_UNITS = {"inflation": "percentage points of quarterly inflation (100 × log change of the price index)"}
_DATA_UNIT = "percent (100 × log points, detrended)"


def _moment(name: str, span: str) -> Quantity:
    """A moment conditional on one shock, from ``span`` of its responses (moving-average coefficients)."""
    if name.startswith("ρ"):
        return _Q(label=f"{name}: correlation, from {span}", unit="1 (correlation)")
    if name.startswith("σ"):
        return _Q(label=f"{name}: ratio of standard deviations, from {span}", unit="1 (ratio of standard deviations)")
    return _Q(label=f"{name}: regression slope, from {span}", unit="1 (elasticity)")


def _responses(prefix: str, labels: dict, what: str) -> dict:
    return {f"{prefix}.{key}": _Q(label=f"{what}: {label}", unit=unit, axes=QUARTER)
            for key, (label, unit) in labels.items()}


def _action_paths(prefix: str, what: str) -> dict:
    return {f"{prefix}.p": _Q(label=f"{what} log price of the firm (nominal log P_j, or P_j/P with "
                                    "price_action = relative)", unit=PERCENT_DEVIATION, axes=QUARTER),
            f"{prefix}.Z": _Q(label=f"{what} goods for sale Z_j of the firm", unit=PERCENT_DEVIATION, axes=QUARTER)}


def _data_responses(prefix: str, what: str) -> dict:
    return {f"{prefix}.{name}": _Q(label=f"{what}: {name.replace('_', ' ')}, response to a 0.15 pp funds-rate impact",
                                   unit=_DATA_UNITS.get(name, _DATA_UNIT), axes=QUARTER)
            for name in MATCHED}


def _information(prefix: str) -> dict:
    return {f"{prefix}.total": _Q(label="information flow of the firm's actions, total I(x; e) (1.38)", unit=BITS),
            f"{prefix}.price": _Q(label="information flow to the price action (1.38)", unit=BITS),
            f"{prefix}.stock": _Q(label="information flow to the stock action Z_j (1.38)", unit=BITS)}


def _sensitivity(name: str, value_label: str, value_unit: str) -> Quantity:
    columns = (f"value ({value_label}) [{value_unit}]", "profit loss [percent of steady-state revenue per quarter]",
               f"information to p [{BITS}]", f"information to Z [{BITS}]", f"information total [{BITS}]",
               "interaction share [percent of the profit loss]")
    return _Q(label=f"RI sensitivity to {name} (one row per value): the columns as named",
              unit="per column: as named in the column entries", axes=(name, "column"), names=((), columns))


_STATE = {"1": "the firm's inherited inventories inṽ_j,t-1", "2": "its own price p̂_jt"}
_FIRM_RULES = {"psi_l": "hours l̃_j", "psi_z": "goods for sale z̃_j", "psi_inv": "end-of-quarter inventories inṽ_j",
               "psi_mc": "marginal cost m̃c_j = (1-α) l̃_j"}
_ELASTICITY = "1 (log deviation per log deviation from the average firm)"
_SLOPE = "1 (multiple of the Calvo Phillips-curve slope without strategic terms)"

#: Calvo economy only (appendix A.6): Table A.1's coefficients, Kθ, ω and the slope factors.
CALVO_FIRMS = {
    **{f"calvo_firm_coefficients.{key}_{i}": _Q(label=f"A.6 Table A.1 {key.replace('psi', 'ψ')}_{i}: {what} on {on}",
                                                unit=_ELASTICITY)
       for key, what in _FIRM_RULES.items() for i, on in _STATE.items()},
    "calvo_firm_coefficients.psi_p_1": _Q(label="A.6 Table A.1 ψ^p_1: reset price on the firm's inherited "
                                                "inventories inṽ_j,t-1 (A.40)", unit=_ELASTICITY),
    "calvo_firm_coefficients.omega": _Q(label="A.6 ω, the firm-specific term of the aggregate reset-price condition "
                                              "(A.38)-(A.39)", unit="1 (coefficient on Σ(βξ_p)^i p̂_j,t+i)"),
    "k_theta": _Q(label="Kθ, the stock-out strategic term of the reset-price condition (K = -d log M/d log v*)",
                  unit=DIMENSIONLESS),
    "omega_p": _Q(label="ω used in the model file's reset-price row (0 in the symmetric reading)",
                  unit="1 (coefficient on Σ(βξ_p)^i p̂_j,t+i)"),
    "slope_factor": _Q(label="Phillips-curve slope factor 1/(1 + Kθ + ω) of the chosen Calvo reading", unit=_SLOPE),
    "slope_factor_symmetric": _Q(label="Phillips-curve slope factor 1/(1 + Kθ), symmetric-firm reading", unit=_SLOPE),
    "slope_factor_firm_specific": _Q(label="Phillips-curve slope factor 1/(1 + Kθ + ω), firm-specific reading (A.6)",
                                     unit=_SLOPE),
}

QUANTITIES = {
    **CALVO_FIRMS,
    # solve and the irf experiment
    **{f"steady_state.{key}": _Q(label=f"steady state: {label}", unit=unit)
       for key, (label, unit) in _STEADY_STATE.items()},
    "hessian_x0": _Q(label="H_x,0, curvature of π_t + β π_t+1 in the firm's actions at t (A.4)",
                     unit=_HESSIAN_UNIT, axes=("action at t", "action at t"), names=(ACTIONS, ACTIONS)),
    "hessian_x1": _Q(label="H_x,1, cross curvature of β π_t+1 in actions at t and t+1 (A.4)",
                     unit=_HESSIAN_UNIT, axes=("action at t", "action at t+1"), names=(ACTIONS, ACTIONS)),
    "hessian_scale": _Q(label="the text's Hessian scale 2 Ξ* p*^-θ S*", unit="utility per quarter"),
    **_responses("irf", _RESPONSE_LABELS, "response to one interest-rate innovation"),
    **{f"comparison.*.{key}": _Q(label=f"response to one interest-rate innovation under the other friction: {label}",
                                 unit=unit, axes=QUARTER) for key, (label, unit) in _RESPONSE_LABELS.items()},
    **solve_report_quantities("report", "1 (RI: fixed-point gap over the largest first-best action; Calvo: "
                                        "steady-state residual of the model file)", "equilibrium solve"),
    **_action_paths("first_best", "RI first-best (full-information) response of the"),
    **_action_paths("actual", "RI actual (attention-constrained) response of the"),
    **_information("information_flow_bits"),
    "profit_loss": _Q(label="RI: expected profit loss from imperfect attention, without the information cost",
                      unit=UTILITY),
    # steady_state experiment
    "text.stockout_frequency": _Q(label="the text's stock-out frequency (section 1.5.2)", unit="fraction of demand"),
    "text.inventory_sales_ratio": _Q(label="the text's inventory-sales ratio (section 1.5.2)",
                                     unit="quarters of sales"),
    "text.inventory_investment_share": _Q(label="the text's inventory investment over output (section 1.5.2)",
                                          unit="fraction of output"),
    "text.markup": _Q(label="the text's markup (section 1.5.2; a margin over price, 1/θ)", unit="fraction of price"),
    "text.hessian_x0": _Q(label="the text's H_x,0 (section 1.5.3)", unit=_HESSIAN_UNIT,
                          axes=("action at t", "action at t"), names=(ACTIONS, ACTIONS)),
    # moments and money
    **{f"moments.*.{name}": _moment(name, "the responses to an interest-rate innovation (Calvo 400 quarters, "
                                          "RI ma_lags, 80 by default)") for name in MOMENT_NAMES},
    **{f"table_1_6.*.{name}": _moment(name, "ma_lags (80 by default) quarters of responses to a money-supply "
                                            "innovation") for name in MONEY_MOMENT_NAMES},
    **{f"{firms}.{key}": _Q(label=f"{firms.replace('_', ' ')}: response to a 0.6% fall in the money supply: {label}",
                            unit=unit, axes=QUARTER)
       for firms in ("rational_inattention", "calvo") for key, (label, unit) in _MONEY_LABELS.items()},
    **{f"{firms}.markup_share_percent": _Q(
        label=f"{firms.replace('_', ' ')}: markup term (real marginal cost) share of the consumption response, "
              "sum of absolute responses over 8 quarters",
        unit="percent of the consumption response") for firms in ("rational_inattention", "calvo")},
    # sensitivity
    "mu": _sensitivity("mu", "μ, cost of information per bit",
                       "fraction of steady-state sales revenue per bit per quarter"),
    "sigma_r": _sensitivity("sigma_r", "σ_r, s.d. of the interest-rate innovation",
                            "fraction per quarter (0.0015 = 15 bp)"),
    # estimate
    **{f"estimates.{k}": _Q(label=f"estimated {label} (Calvo model, eq. 1.43)", unit=unit)
       for k, (label, unit) in _PARAMETERS.items() if k in ESTIMATED},
    **{f"ri_estimates.{k}": _Q(label=f"estimated {label} (RI model, eq. 1.43)", unit=unit)
       for k, (label, unit) in _PARAMETERS.items()},
    "criterion": _Q(label="estimation criterion J (1.43) at the Calvo estimates",
                    unit="1 (quadratic form in response gaps weighted by V^-1)"),
    # a model named with a dot ("... (Table 1.1)") is only reachable through the covering declaration
    "decomposition": _Q(label="contributions of the matched series to J (Table 1.2), by model", unit="1 (part of J)",
                        axes=("model", "matched series"), names=((), MATCHED)),
    **{f"decomposition.*.{name}": _Q(label=f"contribution of {name.replace('_', ' ')} to J (Table 1.2)",
                                     unit="1 (part of J)") for name in MATCHED},
    **_data_responses("var_irf", "VAR"),
    **_data_responses("local_projection_irf", "local projection"),
    **_data_responses("bands.lower", "VAR Monte Carlo 2.5% band"),
    **_data_responses("bands.upper", "VAR Monte Carlo 97.5% band"),
}
