"""Normative propositions: the closed-economy externality and the two-country spillover.

Both use degenerate technology distributions (every firm of a region-sector at one position),
for which the Aggregation proposition reads
``ln C^i_d = ln(Xi^i/A^i_d) + gamma^{iL} ln w_d - sum_j gamma^{ij}/zeta ln sum_o (C^j_o tau^j_do)^{-zeta} exp(-zeta t_bar (theta^i_d - theta^j_o)^2)``.

*Closed economy* (one region, labor = 1 = wage). Income I = L / (1 - sum_i rho_i (1 - phi_i)/eta)
(profits net of the adaptation cost, which is paid to labor), ln U = ln I - sum_i rho_i ln(P_i/rho_i),
P_i proportional to C_i. Atomistic firms set
phi_bar (theta_i - theta_bar_i) + (eta - 1) t_bar sum_j gamma^{ij} (theta_i - theta_j) = 0; the planner maximises
ln U over all theta. Proposition: with symmetric sectors the equilibrium adapts too little.

*Two symmetric countries, one sector with roundabout production.* Wages, income and welfare
solved exactly at given positions; the equilibrium positions solve both countries' first-order
conditions; welfare derivatives by central differences.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from equilibria.numerics.roots import find_root
from equilibria.results import Result, Table

from .quantities import LOG_U, THETA, externality_quantities

__all__ = ["ClosedEconomy", "closed_economy_from", "TwoCountry", "externality_result"]


class ClosedEconomy:
    """One region, S sectors, degenerate technologies at positions theta."""

    def __init__(self, gamma, consumption, endowment, *, zeta=4.0, eta=5.0, tbar=0.05, phibar=0.05):
        self.gamma = np.asarray(gamma, float)
        self.rho = np.asarray(consumption, float)
        self.endowment = np.asarray(endowment, float)
        self.eta, self.tbar, self.phibar, self.zeta = eta, tbar, phibar, zeta

    def log_costs(self, theta):
        """(I - Gamma) ln C = t_bar sum_j gamma^{ij} (theta_i - theta_j)^2 (constants dropped)."""
        theta = np.asarray(theta, float)
        penalty = self.tbar * (self.gamma * (theta[:, None] - theta[None, :]) ** 2).sum(axis=1)
        return np.linalg.solve(np.eye(len(theta)) - self.gamma, penalty)

    def log_welfare(self, theta):
        theta = np.asarray(theta, float)
        kept = np.exp(-self.phibar * (theta - self.endowment) ** 2)
        income = 1.0 / (1.0 - (self.rho * kept).sum() / self.eta)
        return math.log(income) - float(self.rho @ self.log_costs(theta))

    def equilibrium(self):
        """Firms' first-order conditions (linear in theta)."""
        a = (self.eta - 1.0) * self.tbar
        rows = self.gamma.sum(axis=1)
        matrix = self.phibar * np.eye(len(rows)) + a * (np.diag(rows) - self.gamma)
        return np.linalg.solve(matrix, self.phibar * self.endowment)

    def planner(self):
        sol = optimize.minimize(lambda x: -self.log_welfare(x), self.equilibrium(), method="BFGS",
                                options={"gtol": 1e-11})
        return sol.x


def closed_economy_from(params, region: int = 0) -> ClosedEconomy:
    return ClosedEconomy(params.input_shares, params.consumption_shares[region], params.tech_mean[region],
                         zeta=params.trade_elasticity, eta=params.demand_elasticity, tbar=params.incompatibility,
                         phibar=params.adaptation)


def symmetric_closed_economy(sectors=4, own=0.3, other=0.05, spread=1.0, **kw) -> ClosedEconomy:
    """Equal consumption weights, gamma^{ii} = own, gamma^{ij} = other: the proposition's symmetric case."""
    gamma = np.full((sectors, sectors), other)
    np.fill_diagonal(gamma, own)
    endowment = np.linspace(-spread / 2, spread / 2, sectors)
    return ClosedEconomy(gamma, np.full(sectors, 1.0 / sectors), endowment, **kw)


class TwoCountry:
    """Two symmetric countries, one sector: positions theta_1 > theta_2 (Cross-country spillover)."""

    def __init__(self, *, labor_share=0.5, tau=1.5, zeta=4.0, eta=5.0, tbar=0.05, phibar=0.05, endowment=(0.5, -0.5)):
        self.gl, self.tau, self.zeta, self.eta, self.tbar, self.phibar = labor_share, tau, zeta, eta, tbar, phibar
        self.endowment = np.asarray(endowment, float)
        self.taus = np.array([[1.0, tau], [tau, 1.0]])

    def _costs(self, wages, theta):
        z, t = self.zeta, self.tbar
        incompat = np.exp(-z * t * (theta[:, None] - theta[None, :]) ** 2)
        log_c = np.zeros(2)
        for _ in range(2000):
            access = (np.exp(log_c)[None, :] * self.taus) ** (-z) * incompat
            new = self.gl * np.log(wages) - (1 - self.gl) / z * np.log(access.sum(axis=1))
            if np.max(np.abs(new - log_c)) < 1e-15:
                break
            log_c = new
        access = (np.exp(log_c)[None, :] * self.taus) ** (-z) * incompat
        return log_c, access / access.sum(axis=1, keepdims=True)

    def _flows(self, wages, theta):
        eta = self.eta
        log_c, chi = self._costs(wages, theta)
        q = (np.exp(log_c)[None, :] * self.taus) ** (1 - eta)
        final = q / q.sum(axis=1, keepdims=True)                    # [d][o]
        log_p = np.log(eta / (eta - 1)) + np.log(q.sum(axis=1)) / (1 - eta)
        kept = np.exp(-self.phibar * (theta - self.endowment) ** 2)
        # unknowns I (2), E (2): I_d = w_d + kept_d F_d / eta; E_o = sum_d (1-gl) E_d chi_do + (1-1/eta) F_o
        # F_o = sum_d I_d final_do
        a = np.zeros((4, 4))
        b = np.concatenate([wages, np.zeros(2)])
        a[:2, :2] = np.eye(2) - (kept[:, None] * final.T) / eta
        a[2:, 2:] = np.eye(2) - (1 - self.gl) * chi.T
        a[2:, :2] = -(1 - 1 / eta) * final.T
        x = np.linalg.solve(a, b)
        income, costs = x[:2], x[2:]
        sales = final.T @ income
        labor = self.gl * costs + (1 - kept) * sales / eta
        return income, log_p, labor / wages, chi

    def welfare(self, theta):
        """ln U_d at positions theta, wages clearing labor markets (w_1 = 1)."""
        theta = np.asarray(theta, float)
        f = lambda x: self._flows(np.array([1.0, math.exp(x)]), theta)[2][1] - 1.0   # noqa: E731
        x = find_root(f, 0.0, method="brentq", bracket=(-2.0, 2.0), tol=1e-12, options={"xtol": 1e-15},
                      what="two-country labor market (log wage of country 2)").x
        income, log_p, _, chi = self._flows(np.array([1.0, math.exp(x)]), theta)
        return np.log(income) - log_p, chi

    def equilibrium(self):
        """Positions solving both countries' first-order conditions (wages equal by symmetry)."""
        t, gl = self.tbar, self.gl

        def foc(theta):
            _, chi = self._costs(np.ones(2), theta)
            slope = (1 - gl) * 2 * t * (chi * (theta[:, None] - theta[None, :])).sum(axis=1)
            return self.phibar * (theta - self.endowment) + (self.eta - 1) * slope / 2 * 1.0

        high, low = self.endowment
        if abs(high + low) < 1e-14 and high > 0:      # symmetric: theta = (x, -x), one equation on [0, high]
            x = find_root(lambda x: foc(np.array([x, -x]))[0], high / 2, method="brentq", bracket=(0.0, high),
                          tol=1e-10, options={"xtol": 1e-15}, what="symmetric two-country technology choice").x
            return np.array([x, -x])
        return find_root(foc, self.endowment * 0.5, method="hybr", tol=1e-10, options={"xtol": 1e-12},
                         what="two-country technology choice").x

    def spillover(self, h=1e-5):
        """d ln U_d / d theta_2 at the equilibrium positions (both countries)."""
        theta = self.equilibrium()
        up, dn = theta.copy(), theta.copy()
        up[1] += h
        dn[1] -= h
        return theta, (self.welfare(up)[0] - self.welfare(dn)[0]) / (2 * h)


def externality_result(params) -> Result:
    closed = symmetric_closed_economy(tbar=params.incompatibility, phibar=params.adaptation,
                                      eta=params.demand_elasticity, zeta=params.trade_elasticity)
    eq, plan = closed.equilibrium(), closed.planner()
    rows = [[f"sector {i}", closed.endowment[i], eq[i], plan[i]] for i in range(len(eq))]
    two = TwoCountry(tbar=params.incompatibility, phibar=params.adaptation, eta=params.demand_elasticity,
                     zeta=params.trade_elasticity)
    theta, grad = two.spillover()
    data = {"closed_endowment": closed.endowment, "closed_equilibrium": eq, "closed_planner": plan,
            "adaptation_equilibrium": float(np.abs(eq - closed.endowment).sum()),
            "adaptation_planner": float(np.abs(plan - closed.endowment).sum()),
            "welfare_equilibrium": closed.log_welfare(eq), "welfare_planner": closed.log_welfare(plan),
            "two_country_positions": theta, "dlnU_dtheta2": grad}
    tables = {"closed": Table(columns=["sector", "endowment", "equilibrium", "planner"], rows=rows,
                              units=["", THETA, THETA, THETA],
                              caption="Closed economy with symmetric sectors: positions (externality proposition)"),
              "spillover": Table(columns=["country", "position", "d ln U / d theta_2"],
                                 units=["", THETA, f"{LOG_U} per unit of theta"],
                                 rows=[["country 1", theta[0], grad[0]], ["country 2", theta[1], grad[1]]],
                                 caption="Two symmetric countries: moving country 2 toward country 1")}
    notes = [f"Adaptation sum |theta - theta_bar|: equilibrium {data['adaptation_equilibrium']:.4f} < planner "
             f"{data['adaptation_planner']:.4f} (under-investment in adaptation).",
             f"Moving country 2 toward country 1 raises both welfares: {grad[1]:.4g} and {grad[0]:.4g}."]
    return Result(data=data, tables=tables, notes=notes, quantities=externality_quantities(len(eq)))
