"""General-equilibrium accounting at given wages and technology (Definition of Equilibrium).

* Consumers in d spend rho^j_d I_d on sector j; CES over varieties (eta), prices
  m c tau^U with m = eta/(eta - 1) under markups (else 1). With Weibull costs
  E[c^{1-eta}] = C^{1-eta} Gamma(1 + (1-eta)/lambda), so
  (P^j_d)^{1-eta} = m^{1-eta} Gamma(.) sum_o (tau^{Uj}_do)^{1-eta} int C^j_o(theta)^{1-eta} dTheta^j_o.
* Firms sell to firms at marginal cost; gross profits are F/eta of final sales F. The adaptation
  cost phi * profit is paid to domestic labor (a resource cost), the rest is income.
* Income I_d = w_d L_d + sum_i net profits (a linear system in I).
* Goods markets clear by theta: total cost E^i_d(theta) = sales to firms + (1 - 1/eta) F (or F),
  sales to firms X^j_o(theta) = sum_{d,i} gamma^{ij} E^i_d * (share of (o, theta) in (d, i, theta')'s
  purchases of j), the Aggregation proposition's sourcing probabilities (a linear fixed point in E).
* Labor demand w_d ell_d = sum_i gamma^{iL} E^i_d + adaptation costs; the residual of region 0
  follows from the others (Walras' law).
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria.numerics.anderson import anderson

from .model import Model
from .technology import TechnologyState

__all__ = ["Accounts", "accounts"]


@attrs.frozen(kw_only=True, eq=False)
class Accounts:
    income: np.ndarray               # (N,) I_d
    log_price: np.ndarray            # (N, S) ln P^j_d (consumer price index of sector j)
    log_welfare: np.ndarray          # (N,) ln U_d = ln I_d - sum_j rho^j_d ln(P^j_d / rho^j_d)
    final_sales: np.ndarray          # (N, S, K) F
    costs: np.ndarray                # (N, S, K) E, total production cost by technology
    firm_sales: np.ndarray           # (N, S, K) X
    labor_demand: np.ndarray         # (N,)
    profits: np.ndarray              # (N, S) gross profits
    adaptation_costs: np.ndarray     # (N, S)
    incompatibility_costs: np.ndarray  # (N,) value of inputs lost to t(theta, theta~), all inputs
    foreign_incompatibility_costs: np.ndarray  # (N,) the same for foreign inputs only
    trade_shares: np.ndarray         # (N, N, S) share of origin o in d's purchases of input j, [d][o][j]
    final_trade_shares: np.ndarray   # (N, N, S) the same for final goods


def accounts(model: Model, state: TechnologyState, tol: float = 1e-13) -> Accounts:
    """Every flow of the economy at ``state.wages`` and the technology in ``state``."""
    p = model.params
    n, s, k = model.shape
    wages = state.wages
    eta, rho = model.eta, p.consumption_shares
    mass = state.mass
    phi_hat = state.adaptation_share()
    cost = np.exp(state.log_cost)
    # consumers
    q = mass * cost ** (1.0 - eta)                                   # (o, j, k)
    q_total = q.sum(axis=-1)
    denom = np.einsum("doj,oj->dj", model.final_access, q_total)      # (d, j)
    log_price = np.log(model.markup) + (model.log_profit_gamma + np.log(denom)) / (1.0 - eta)
    final_share = model.final_access * q_total[None] / denom[:, None, :]   # (d, o, j)
    profit_rate = 1.0 / eta if p.markups else 0.0
    net_q = ((1.0 - phi_hat) * q).sum(axis=-1)                        # (o, j)
    # income: I = wL + M I,  M[o, d] = sum_j profit_rate rho_dj final_access_doj net_q_oj / denom_dj
    m_matrix = profit_rate * np.einsum("dj,doj,oj->od", rho / denom, model.final_access, net_q)
    income = np.linalg.solve(np.eye(n) - m_matrix, wages * p.labor)
    spend = rho * income[:, None] / denom                             # (d, j)
    final_sales = np.einsum("dj,doj->oj", spend, model.final_access)[..., None] * q
    cost_of_final = (1.0 - profit_rate) * final_sales
    # costs: E = X(E) + cost_of_final
    src = state.sourcing
    kernel = model.kernel

    def firm_sales(costs):
        purchases = np.einsum("ij,dik->djk", model.gamma, costs)       # d's spending on input j by buyer theta
        w = purchases / src.access
        return src.density * np.einsum("doj,djk->ojk", model.access, w @ kernel.T)

    scale = max(float(cost_of_final.max()), 1e-300)

    def step(x):
        return (firm_sales(x.reshape(n, s, k) * scale) + cost_of_final).ravel() / scale

    x, _, _ = anderson(step, cost_of_final.ravel() / scale, tol=tol, maxiter=2000, memory=8,
                       what="goods-market clearing by technology")
    costs = x.reshape(n, s, k) * scale
    sales = firm_sales(costs)
    profits = profit_rate * final_sales.sum(axis=-1)
    adaptation = profit_rate * (phi_hat * final_sales).sum(axis=-1)
    labor_bill = (model.gamma_labor[None, :, None] * costs).sum(axis=(1, 2)) + adaptation.sum(axis=1)
    log_welfare = np.log(income) - np.where(rho > 0, rho * (log_price - np.log(np.where(rho > 0, rho, 1.0))),
                                            0.0).sum(axis=1)
    # trade shares of intermediate inputs, [d][o][j]
    purchases = np.einsum("ij,dik->djk", model.gamma, costs)
    w = purchases / src.access
    by_origin = model.access * np.einsum("djk,ojk->doj", w, src.density @ kernel.T)
    trade_shares = by_origin / purchases.sum(axis=-1)[:, None, :]
    # incompatibility costs: spending minus what the same purchases would cost at t = 1
    # (cost index with t = 1 versus with t, per buyer theta; value of inputs lost)
    plain = np.einsum("doj,oj->dj", model.access, src.density.sum(axis=-1))[..., None]   # D without t
    lost = purchases * (1.0 - (src.access / plain) ** (1.0 / model.zeta))
    incompatibility = lost.sum(axis=(1, 2))
    foreign = _foreign_loss(model, src, purchases)
    return Accounts(income=income, log_price=log_price, log_welfare=log_welfare, final_sales=final_sales,
                    costs=costs, firm_sales=sales, labor_demand=labor_bill / wages, profits=profits,
                    adaptation_costs=adaptation, incompatibility_costs=incompatibility,
                    foreign_incompatibility_costs=foreign, trade_shares=trade_shares,
                    final_trade_shares=final_share)


def _foreign_loss(model, src, purchases):
    """Value of foreign inputs lost to incompatibility: spending on foreign inputs times
    1 - (their average t^{-zeta})^{1/zeta}."""
    n = model.shape[0]
    with_t = np.einsum("doj,ojk->dojk", model.access, src.density @ model.kernel.T)       # (d, o, j, k)
    without_t = (model.access[..., None] * src.density.sum(axis=-1)[None, :, :, None])
    foreign = ~np.eye(n, dtype=bool)
    share = with_t / src.access[:, None]
    spending = purchases[:, None] * share
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(without_t > 0, with_t / np.where(without_t > 0, without_t, 1.0), 1.0)
    loss = spending * (1.0 - ratio ** (1.0 / model.zeta))
    return (loss * foreign[..., None, None]).sum(axis=(1, 2, 3))
