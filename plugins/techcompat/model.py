"""The economy as arrays: technology grid, endowment quadrature, kernels, constants.

Every technology distribution Theta^j_o lives on one bounded grid theta_k (k = 0..K-1) that
covers all endowment distributions (``TechParameters.grid_bounds``). Ex-ante endowments are
normal densities times trapezoid weights, normalised; ex-post distributions are the
endowments pushed through the technology choice and split linearly between the two
neighbouring grid points (mean-preserving). Unit costs C^i_d(theta) are known at the grid
points and, through the Aggregation proposition, at any theta.
"""
from __future__ import annotations

import math

import attrs
import numpy as np

from .params import TechParameters, xi_constant

__all__ = ["Model"]


@attrs.frozen(kw_only=True, eq=False)
class Model:
    """Arrays of one economy. Shapes: N regions, S sectors, K technology grid points."""

    params: TechParameters
    grid: np.ndarray                 # (K,) theta_k
    endowment: np.ndarray            # (N, S, K) ex-ante weights of Theta_bar^i_d on the grid (rows sum to 1)
    kernel: np.ndarray               # (K, K) t(theta_k, theta_k')^(-zeta) = exp(-zeta t_bar (theta_k - theta_k')^2)
    access: np.ndarray               # (N, N, S) tau^{-zeta}, [d][o][j]; 0 where trade is impossible
    final_access: np.ndarray         # (N, N, S) (tau^U)^(1-eta)
    log_xi: np.ndarray               # (S,) ln Xi^i
    gamma: np.ndarray                # (S, S) gamma^{ij}
    gamma_labor: np.ndarray          # (S,) gamma^{iL} (value added share)
    zeta: float
    eta: float
    lam: float
    tbar: float
    phibar: float
    markup: float                    # eta/(eta - 1) with markups, else 1
    log_profit_gamma: float          # ln Gamma(1 + (1 - eta)/lambda): E[c^(1-eta)] = C^(1-eta) Gamma(...)

    @classmethod
    def from_parameters(cls, params: TechParameters, trade_costs=None, bounds=None) -> "Model":
        """Build the arrays; ``trade_costs`` overrides tau^j_{do} (entries may be ``inf``: no trade),
        ``bounds`` the technology grid's ends (default: ``params.grid_bounds()``)."""
        low, high = params.grid_bounds() if bounds is None else bounds
        grid = np.linspace(low, high, params.tech_points)
        endowment = endowment_weights(grid, params.tech_mean, params.tech_sd)
        zeta, eta = params.trade_elasticity, params.demand_elasticity
        tau = params.trade_costs if trade_costs is None else np.asarray(trade_costs, dtype=float)
        with np.errstate(divide="ignore"):
            access = np.where(np.isinf(tau), 0.0, tau ** (-zeta))
            final_access = params.final_costs ** (1.0 - eta)
        diff = grid[:, None] - grid[None, :]
        return cls(params=params, grid=grid, endowment=endowment,
                   kernel=np.exp(-zeta * params.incompatibility * diff ** 2),
                   access=access, final_access=final_access, log_xi=np.log(xi_constant(params)),
                   gamma=np.array(params.input_shares), gamma_labor=params.effective_labor_shares(),
                   zeta=zeta, eta=eta, lam=params.technique_shape, tbar=params.incompatibility,
                   phibar=params.adaptation, markup=eta / (eta - 1.0) if params.markups else 1.0,
                   log_profit_gamma=math.lgamma(1.0 + (1.0 - eta) / params.technique_shape))

    def with_trade_costs(self, trade_costs) -> "Model":
        return Model.from_parameters(self.params, trade_costs=trade_costs, bounds=(self.grid[0], self.grid[-1]))

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.endowment.shape

    @property
    def step(self) -> float:
        return float(self.grid[1] - self.grid[0])

    def base_log_cost(self, wages: np.ndarray) -> np.ndarray:
        """ln(Xi^i / A^i_d) + gamma^{iL} ln w_d, shape (N, S)."""
        return (self.log_xi[None, :] - np.log(self.params.productivity)
                + self.gamma_labor[None, :] * np.log(wages)[:, None])


def endowment_weights(grid: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Normal N(mean, sd^2) on the grid: density times trapezoid weights, normalised to one."""
    z = (grid[None, None, :] - mean[..., None]) / sd[..., None]
    w = np.exp(-0.5 * z ** 2)
    w[..., 0] *= 0.5
    w[..., -1] *= 0.5
    return w / w.sum(axis=-1, keepdims=True)
