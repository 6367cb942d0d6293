"""The baseline solve: steady state (A.3), Hessians (A.4) and the impulse responses to the
interest-rate shock under the chosen firm-side friction."""
from __future__ import annotations

import numpy as np

from equilibria.numerics.roots import solve_report
from equilibria.results import Result, Table

from .calvo_firms import calvo_firm_coefficients, firm_block, slope_factor
from .model import REPORTED, report_irf, solve_linear
from .params import InventoryParameters
from .profit import hessians
from .steady_state import steady_state

__all__ = ["solve", "steady_state_table", "responses", "TEXT_FIGURES"]

#: The text's steady-state figures (section 1.5.2) and H_x,0 (section 1.5.3).
TEXT_FIGURES = {"stockout_frequency": 0.163, "inventory_sales_ratio": 0.498,
                "inventory_investment_share": 0.009, "markup": 0.20,
                "hessian_x0": [[-3.418, -0.365], [-0.365, -0.088]]}


def steady_state_table(params: InventoryParameters, ss=None) -> Table:
    """Item 2: the model's steady state beside the text's figures."""
    ss = ss or steady_state(params)
    literal_ratio = ss.threshold * ss.relative_price ** -params.theta - 1.0
    rows = [
        ["stock-out probability Pr(v > v*) (1.18)", ss.stockout_probability, TEXT_FIGURES["stockout_frequency"]],
        ["share of demand in stock-out states 1 - F(log v* - σ²/2)", ss.stockout_demand_share,
         TEXT_FIGURES["stockout_frequency"]],
        ["inventory-sales ratio inv/sales = v*/Ψ(v*) - 1", ss.inventory_sales_ratio,
         TEXT_FIGURES["inventory_sales_ratio"]],
        ["inventory-sales ratio as read in A.3: v* p*^-θ - 1", literal_ratio, TEXT_FIGURES["inventory_sales_ratio"]],
        ["inventory investment / output δ_z inv / Y", ss.inventory_investment_share,
         TEXT_FIGURES["inventory_investment_share"]],
        ["markup p*/mc* - 1 (over current marginal cost)", ss.markup - 1.0, TEXT_FIGURES["markup"]],
        ["markup ε/(ε-1) - 1 (over discounted next-period cost, 1.19)", ss.markup_over_discounted_cost - 1.0,
         TEXT_FIGURES["markup"]],
        ["price-cost margin (P - MC)/P = 1/θ (no stock-outs)", 1.0 / params.theta, TEXT_FIGURES["markup"]],
        ["price-cost margin (p* - mc*)/p* (the model, with stock-outs)", 1.0 - 1.0 / ss.markup,
         TEXT_FIGURES["markup"]],
        ["markup θ/(θ-1) - 1 (no stock-outs)", 1.0 / (params.theta - 1.0), TEXT_FIGURES["markup"]],
        ["relative price p* = P_j/P (A.13)", ss.relative_price, float("nan")],
        ["real marginal cost mc*", ss.real_marginal_cost, float("nan")],
        ["effective demand elasticity ε(v*) (1.20)", ss.elasticity, float("nan")],
    ]
    return Table(columns=["quantity", "model", "text"], rows=rows,
                 caption="Steady state (appendix A.3) with Table 1.1's parameters beside the figures of section 1.5.2")


def responses(params: InventoryParameters, periods: int | None = None):
    """``({name: percent deviations}, solution report, extra)`` to one σ_r interest-rate innovation."""
    periods = periods or params.horizon
    if params.firms == "calvo":
        solution = solve_linear(params)
        paths = solution.irf("eps_r", periods=periods)
        report = solve_report("QZ (equilibria.dynamics)", residual_norm=float(solution.steady_state.report.residual_norm),
                              tolerance=1e-10, iterations=1, evaluations=1, seconds=solution.seconds)
        return report_irf(paths), report, {"calvo_reading": params.calvo_reading, **calvo_firm_terms(params)}
    from .ri_equilibrium import solve_ri

    eq = solve_ri(params)
    paths = {k: v[:periods] for k, v in eq.paths.items()}
    extra = {"first_best": {k: v[:periods] for k, v in eq.first_best.items()},
             "information_flow_bits": {"total": eq.attention.information,
                                       "price": eq.attention.information_by_action[0],
                                       "stock": eq.attention.information_by_action[1]},
             "profit_loss": eq.attention.loss}
    return report_irf(paths), eq.report, extra


def calvo_firm_terms(params: InventoryParameters) -> dict:
    """Appendix A.6's Table A.1 coefficients, Kθ, ω and the Phillips-curve slope factors of both readings."""
    if params.xi_p == 0.0:
        return {}
    ss = steady_state(params)
    coefficients = calvo_firm_coefficients(params, ss)
    k_theta = firm_block(params, ss).k * params.theta
    omega = coefficients.omega if params.calvo_reading == "firm_specific" else 0.0
    return {"calvo_firm_coefficients": coefficients.to_dict(), "k_theta": k_theta, "omega_p": omega,
            "slope_factor": slope_factor(k_theta, omega), "slope_factor_symmetric": slope_factor(k_theta, 0.0),
            "slope_factor_firm_specific": slope_factor(k_theta, coefficients.omega)}


def solve(params: InventoryParameters) -> Result:
    """Steady state, ``hessian_x0`` (text scale) and the responses to a 0.60% (annualized) rate shock."""
    ss = steady_state(params)
    H = hessians(params, ss)
    irf, report, extra = responses(params)
    data = {
        "firms": params.firms,
        "steady_state": {**ss.to_dict(), "output": ss.output, "consumption": ss.consumption, "wage": ss.wage},
        "hessian_x0": H.H0_text.tolist(),
        "hessian_x1": H.H1_text.tolist(),
        "hessian_scale": H.text_scale,
        "irf": irf,
        "report": report.to_dict(),
        **extra,
    }
    notes = [f"Firm-side friction: {params.firms}; responses to one interest-rate innovation of "
             f"{params.sigma_r * 1e4:.3g} bp quarterly ({4 * params.sigma_r * 100:.3g}% annualized).",
             f"H_x,0 on the text's scale (divided by 2 Ξ* p*^-θ S* = {H.text_scale:.4g}): "
             f"{np.array2string(H.H0_text, precision=4)}; the text prints {TEXT_FIGURES['hessian_x0']}."]
    table = Table(columns=["variable", *[f"q{t}" for t in range(8)]],
                  rows=[[name, *np.asarray(v)[:8]] for name, v in irf.items() if name in REPORTED],
                  caption="Impulse responses (percent deviations; rates annualized) to the interest-rate shock")
    return Result(data=data, tables={"steady_state": steady_state_table(params, ss), "irf": table}, notes=notes)
