"""A direct solver of the Caliendo and Parro (2015) economy in levels (no technology).

The benchmark the technology model collapses to when t_bar = 0 and final goods are priced at
marginal cost: unit costs c^i_d = w_d^{gamma^{iL}} prod_j (P^j_d)^{gamma^{ij}}, sector prices
P^j_d = (sum_o T^j_o (c^j_o tau^j_do)^{-theta})^{-1/theta}, trade shares
pi^j_do = T^j_o (c^j_o tau^j_do)^{-theta} / (P^j_d)^{-theta}, spending X^j_d = sum_i gamma^{ij} Y^i_d
+ alpha^j_d w_d L_d, output Y^j_o = sum_d pi^j_do X^j_d, labor w_d L_d = sum_i gamma^{iL} Y^i_d.
Written independently of the rest of the plugin: it is the truth of the collapse test.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria.errors import ConvergenceError
from equilibria.numerics.roots import find_root

__all__ = ["CaliendoParro", "solve_caliendo_parro"]


@attrs.frozen(kw_only=True, eq=False)
class CaliendoParro:
    wages: np.ndarray            # (N,), wage of region 0 = 1
    trade_shares: np.ndarray     # (N, N, S) pi^j_do, [d][o][j]
    log_price: np.ndarray        # (N, S) ln P^j_d
    log_welfare: np.ndarray      # (N,) ln(w L / prod_j (P^j_d / alpha^j_d)^{alpha^j_d})


def _prices(wages, T, tau, gamma, gamma_labor, theta):
    n, s = T.shape
    log_c = np.zeros((n, s))
    for _ in range(5000):
        cost = np.exp(log_c)
        phi = np.einsum("oj,doj->dj", T * cost ** (-theta), tau ** (-theta))
        log_p = -np.log(phi) / theta
        new = gamma_labor[None, :] * np.log(wages)[:, None] + log_p @ gamma.T
        if np.max(np.abs(new - log_c)) < 1e-14:
            log_c = new
            break
        log_c = new
    else:
        raise ConvergenceError("Caliendo-Parro prices did not converge")
    cost = np.exp(log_c)
    phi = np.einsum("oj,doj->dj", T * cost ** (-theta), tau ** (-theta))
    shares = T[None] * (cost[None] * tau) ** (-theta) / phi[:, None, :]
    return shares, -np.log(phi) / theta


def _output(wages, labor, shares, gamma, alpha):
    n, s = alpha.shape
    income = wages * labor
    # Y[o, j] = sum_d pi[d, o, j] (sum_i gamma[i, j] Y[d, i] + alpha[d, j] I[d])
    size = n * s
    matrix = np.zeros((size, size))
    for o in range(n):
        for j in range(s):
            for d in range(n):
                matrix[o * s + j, d * s:(d + 1) * s] += shares[d, o, j] * gamma[:, j]
    rhs = np.einsum("doj,dj->oj", shares, alpha * income[:, None]).ravel()
    return np.linalg.solve(np.eye(size) - matrix, rhs).reshape(n, s)


def solve_caliendo_parro(productivity_T, trade_costs, gamma, gamma_labor, consumption, labor, theta) -> CaliendoParro:
    """Solve the Caliendo-Parro economy with technology levels T^j_o and trade elasticity theta."""
    T = np.asarray(productivity_T, dtype=float)
    tau = np.asarray(trade_costs, dtype=float)
    n = T.shape[0]

    def residual(x):
        wages = np.concatenate([[1.0], np.exp(x)])
        shares, _ = _prices(wages, T, tau, gamma, gamma_labor, theta)
        output = _output(wages, labor, shares, gamma, consumption)
        return ((gamma_labor[None, :] * output).sum(axis=1) / (wages * labor) - 1.0)[1:]

    root = find_root(residual, np.zeros(n - 1), method="hybr", tol=1e-10, options={"xtol": 1e-14},
                     what="Caliendo-Parro wages")
    wages = np.concatenate([[1.0], np.exp(root.x)])
    shares, log_p = _prices(wages, T, tau, gamma, gamma_labor, theta)
    rho = consumption
    log_u = np.log(wages * labor) - np.where(rho > 0, rho * (log_p - np.log(np.where(rho > 0, rho, 1.0))), 0).sum(1)
    return CaliendoParro(wages=wages, trade_shares=shares, log_price=log_p, log_welfare=log_u)
