"""The non-stochastic steady state (appendix A.3).

Firm block (A.11)-(A.13): the stock-out threshold ``v*``, the relative price ``p* = P_j/P`` and
the real marginal cost ``mc*`` solve

* (A.13) ``p*^{1-θ} Φ(v*) = 1`` (aggregate price index);
* (A.12) ``p* = ε/(ε-1) β(1-δ_z) mc*`` (pricing, 1.19);
* (A.11) ``1 - F(log v* + σ²/2) = mc* [1 - β(1-δ_z)] / (p* - β(1-δ_z) mc*)`` (stock, 1.18);

a one-dimensional root in ``v*``. Household block (A.4), (A.7)-(A.9), (A.14)-(A.18): given
the firm block, hours ``L*`` solve the labor-supply condition after substituting the marginal
cost (1.13), the wage markup (A.4) and the resource constraint (1.33).

``mc`` is the true real marginal cost ``W L / (α P Y)``; the text's ``λ`` in (A.1)-(A.12) is
``W L / (P Y)`` (its ``λ/α`` is our ``mc``). Sales are ``p^{-θ} S Ψ(v*)`` (1.17), so
the end-of-period inventory-sales ratio is ``v*/Ψ(v*) - 1``.
"""
from __future__ import annotations

import attrs
from equilibria import ConvergenceError
from equilibria.numerics.roots import find_root

from .params import InventoryParameters
from .stockout import TasteShock

__all__ = ["SteadyState", "steady_state", "firm_block"]


@attrs.frozen(kw_only=True)
class SteadyState:
    """Levels at the steady state (a = 0, π = 1, R = 1/β)."""

    threshold: float          # v*
    relative_price: float     # p* = P_j / P
    real_marginal_cost: float  # mc* = W L / (α P Y)
    elasticity: float         # ε(v*), eq. (1.20)
    stockout_probability: float
    stockout_demand_share: float
    expected_sales_factor: float  # Ψ(v*)
    hours: float
    output: float             # Y = L^α
    sales: float              # ∫ S_j = Y - δ_z inv
    demand_level: float       # S, the bundle in (1.7)
    goods_for_sale: float     # Z
    inventories: float        # inv = Z - sales
    consumption: float
    government: float
    wage: float               # real wage W/P
    household_wage: float     # W^h/P
    marginal_utility: float   # Ξ
    interest_rate: float      # gross quarterly R = 1/β

    @property
    def inventory_sales_ratio(self) -> float:
        return self.inventories / self.sales

    @property
    def inventory_investment_share(self) -> float:
        """δ_z inv / Y: the steady-state replacement investment in inventories over output."""
        return (self.output - self.sales) / self.output

    @property
    def markup(self) -> float:
        """p* / mc*: price over current real marginal cost."""
        return self.relative_price / self.real_marginal_cost

    @property
    def markup_over_discounted_cost(self) -> float:
        """p* / (β(1-δ_z) mc*) = ε/(ε-1): price over the discounted cost of next period's unit (1.19)."""
        return self.elasticity / (self.elasticity - 1.0)

    def to_dict(self) -> dict:
        out = attrs.asdict(self)
        out.update(inventory_sales_ratio=self.inventory_sales_ratio,
                   inventory_investment_share=self.inventory_investment_share,
                   markup=self.markup, markup_over_discounted_cost=self.markup_over_discounted_cost)
        return out


def firm_block(params: InventoryParameters):
    """``(v*, p*, mc*)`` from (A.11)-(A.13)."""
    taste = TasteShock(params.sigma_v, params.theta)
    keep = params.beta * (1.0 - params.delta_z)

    def price_and_cost(v):
        p = taste.price_weight(v) ** (1.0 / (params.theta - 1.0))
        eps = taste.elasticity(v)
        return p, p * (eps - 1.0) / (eps * keep), eps

    def residual(log_v):
        import math

        import numpy as np

        try:
            v = math.exp(log_v)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                p, mc, eps = price_and_cost(v)
                gap = float(taste.stockout_probability(v) - mc * (1 - keep) / (p - keep * mc))
        except (OverflowError, ZeroDivisionError):   # v* or p* beyond the float range: no root here
            return float("nan")
        if not (eps > 1.0 and p > keep * mc):        # also NaN where v* under- or overflows
            return float("nan")
        return gap

    import numpy as np

    grid = np.linspace(-2.0 * params.sigma_v, 8.0 * params.sigma_v + 1.0, 81)
    values = [residual(g) for g in grid]
    crossing = [k for k in range(80) if values[k] * values[k + 1] < 0]  # NaN never crosses
    if not crossing:
        raise ConvergenceError("no stock-out threshold v* solves (A.11)-(A.13) for these parameters")
    import math

    k = crossing[0]
    root = find_root(residual, grid[k], method="brentq", bracket=(grid[k], grid[k + 1]), tol=1e-12,
                     options={"xtol": 1e-14, "rtol": 1e-14}, what="the stock-out threshold v* of (A.11)-(A.13)")
    v = math.exp(root.x)
    p, mc, eps = price_and_cost(v)
    return v, float(p), float(mc), float(eps)


def steady_state(params: InventoryParameters) -> SteadyState:
    """Solve appendix A.3 for ``params``."""
    taste = TasteShock(params.sigma_v, params.theta)
    v, p, mc, eps = firm_block(params)
    psi = float(taste.expected_sales(v))
    ratio = v / psi - 1.0                             # inventories / sales
    sales_share = 1.0 / (1.0 + params.delta_z * ratio)  # sales / Y (A.5, A.6)
    alpha, h = params.alpha, params.habit

    def labor_gap(log_l):
        import math

        L = math.exp(log_l)
        Y = L ** alpha
        C = p * sales_share * Y - params.g_share * Y  # (1.33): C + g Y = p * sales
        if C <= 0:
            return -1e3
        w = alpha * mc * Y / L                        # mc = W L / (α P Y), (1.13)
        wh = w * (params.theta_w - 1.0) / params.theta_w   # (A.4)
        log_xi = -params.sigma_c * math.log((1.0 - h) * C)   # (A.8), in logs: ξ overflows for large σ_c
        return math.log(wh) + log_xi - math.log(params.psi_l) - params.sigma_l * log_l   # (A.9)

    if not labor_gap(-20.0) * labor_gap(10.0) < 0:
        raise ConvergenceError("no steady-state hours L in [e^-20, e^10] solve the labor condition (A.9) "
                               "for these parameters")
    log_l = find_root(labor_gap, 0.0, method="brentq", bracket=(-20.0, 10.0), tol=1e-8, raise_on_failure=False,
                      options={"xtol": 1e-14, "rtol": 1e-14}, what="steady-state hours (A.9)").x
    gap = labor_gap(log_l)
    if not abs(gap) <= 1e-8:   # rounding of C is amplified σ_c-fold in log ξ (A.8)
        raise ConvergenceError(f"the labor condition (A.9) cannot be solved to 1e-8 in double precision with "
                               f"sigma_c = {params.sigma_c:.4g} (log ξ residual {gap:.3g})", history=[abs(gap)])
    import math

    L = math.exp(log_l)
    Y = L ** alpha
    sales = sales_share * Y
    C = p * sales - params.g_share * Y
    w = alpha * mc * Y / L
    Z = (1.0 + ratio) * sales
    return SteadyState(
        threshold=v, relative_price=p, real_marginal_cost=mc, elasticity=eps,
        stockout_probability=float(taste.stockout_probability(v)),
        stockout_demand_share=float(taste.stockout_demand_share(v)),
        expected_sales_factor=psi, hours=L, output=Y, sales=sales, demand_level=sales / (p ** -params.theta * psi),
        goods_for_sale=Z, inventories=Z - sales, consumption=C, government=params.g_share * Y,
        wage=w, household_wage=w * (params.theta_w - 1.0) / params.theta_w,
        marginal_utility=((1.0 - h) * C) ** (-params.sigma_c), interest_rate=1.0 / params.beta)
