"""Parameters of the technology-compatibility economy (N regions x S sectors).

Indices are 0-based: ``d`` buyer region, ``o`` origin region, ``i`` using sector, ``j`` input
sector. The defaults are the shipped synthetic 3-region x 4-sector economy (:mod:`.synthetic`),
whose data files in ``data/`` the model generated.
"""
from __future__ import annotations

import math

import attrs
import numpy as np

from equilibria import ParameterError, Parameters, param
from equilibria.params import (as_bool, as_float, as_float_array, as_int, as_names, finite, ndim, nonnegative,
                               positive, require_memory)

from .synthetic import SYNTHETIC

__all__ = ["TechParameters", "check_trade_costs"]


def check_trade_costs(name: str, tau: np.ndarray, n: int, s: int) -> None:
    """τ^j_{do}: shape N x N x S, every entry >= 1 (infinity allowed), τ^j_{dd} = 1."""
    if tau.shape != (n, n, s):
        raise ParameterError(name, f"must be N x N x S = {n}x{n}x{s} ([d][o][j])", tau.shape)
    if np.isnan(tau).any() or np.any(tau < 1.0):
        raise ParameterError(name, "must be at least 1 (iceberg costs)")
    diagonal = tau[np.arange(n), np.arange(n), :]
    if not np.allclose(diagonal, 1.0, rtol=0.0, atol=1e-12):
        raise ParameterError(name, "must equal 1 on the diagonal (tau[d][d][j] = 1)")


@attrs.frozen(kw_only=True)
class TechParameters(Parameters):
    """Geography, technology, preferences and endowment distributions (slides' notation in brackets)."""

    regions = param(SYNTHETIC["regions"], description="names of the N regions (d, o)", converter=as_names)
    sectors = param(SYNTHETIC["sectors"], description="names of the S sectors (i, j)", converter=as_names)
    labor = param(SYNTHETIC["labor"], description="L_d, labor endowment of region d", unit="workers",
                  converter=as_float_array, validator=[ndim(1), positive, finite])
    productivity = param(SYNTHETIC["productivity"], unit="1 (scale of technique productivities)",
                         description="A^i_d, technique productivity scale "
                         "(Assumption 1), N x S [d][i]", converter=as_float_array, validator=[ndim(2), positive, finite])
    input_shares = param(SYNTHETIC["input_shares"], unit="fraction of costs",
                         description="gamma^{ij}, Cobb-Douglas share of input j in "
                         "sector i, S x S [i][j]", converter=as_float_array, validator=[ndim(2), nonnegative, finite])
    labor_shares = param(SYNTHETIC["labor_shares"], unit="fraction of costs",
                         description="gamma^{iL}, labor share of sector i (S); "
                         "gamma^{iL} + sum_j gamma^{ij} must be at most one (a shortfall is value added paid to "
                         "labor)", converter=as_float_array, validator=[ndim(1), positive, finite])
    consumption_shares = param(SYNTHETIC["consumption_shares"], unit="fraction of spending",
                               description="rho^j_d, Cobb-Douglas consumption "
                               "shares, N x S, rows sum to one", converter=as_float_array,
                               validator=[ndim(2), nonnegative, finite])
    trade_costs = param(SYNTHETIC["trade_costs"], description="tau^j_{do}, iceberg cost of intermediate input j "
                        "shipped from o to d, N x N x S [d][o][j], tau_dd = 1", unit="units shipped per unit "
                        "delivered", converter=as_float_array, validator=ndim(3))
    final_trade_costs = param(None, unit="1 (iceberg factor)",
                              description="tau^{Uj}_{do}, iceberg cost of final goods (default: trade_costs)",
                              converter=attrs.converters.optional(as_float_array))
    trade_elasticity = param(4.0, unit="1", description="zeta, Frechet/Poisson shape of supplier efficiencies "
                             "(Assumption 1); the slides' 'eta, zeta - 1 | 4' is read as eta - 1 = zeta = 4",
                             converter=as_float, validator=[positive, finite])
    demand_elasticity = param(5.0, unit="1", description="eta > 1, elasticity of substitution between varieties in "
                              "final demand", converter=as_float, validator=finite)
    technique_shape = param(6.0, unit="1",
                            description="lambda, Poisson shape of technique productivities (Assumption 1); "
                            "must exceed zeta and eta - 1, and lambda gamma^{ij} < zeta", converter=as_float,
                            validator=[positive, finite])
    incompatibility = param(0.05, unit="per squared unit of theta",
                            description="t_bar, t(theta, theta~) = exp(t_bar (theta - theta~)^2) "
                            "(Assumption 2; slides' calibration 0.05)", converter=as_float,
                            validator=[nonnegative, finite])
    adaptation = param(0.05, unit="per squared unit of theta",
                       description="phi_bar, phi(theta_bar, theta) = 1 - exp(-phi_bar (theta_bar - "
                       "theta)^2) (Assumption 2)", converter=as_float, validator=[positive, finite])
    tech_mean = param(SYNTHETIC["tech_mean"], unit="theta (model units)",
                      description="mu_bar^j_o, mean of the normal ex-ante technology "
                      "endowment, N x S [o][j]", converter=as_float_array, validator=[ndim(2), finite])
    tech_sd = param(SYNTHETIC["tech_sd"], unit="theta (model units)",
                    description="sigma_bar^j_o > 0, sd of the ex-ante endowment, N x S",
                    converter=as_float_array, validator=[ndim(2), finite])
    markups = param(True, description="monopolistic markups eta/(eta-1) toward consumers (false: marginal-cost "
                    "pricing everywhere)", converter=as_bool)
    tech_points = param(61, unit="count", description="points of the bounded technology grid that carries every "
                        "distribution Theta^j_o (at least 5; at most what fits in memory: the technology choice "
                        "needs 16 N S K^2 bytes)", converter=as_int)
    tech_span = param(4.0, unit="endowment standard deviations",
                      description="grid half-width beyond the extreme endowment means, in endowment sds",
                      converter=as_float, validator=[positive, finite])

    # ------------------------------------------------------------------ shapes
    @property
    def n_regions(self) -> int:
        return int(self.labor.shape[0])

    @property
    def n_sectors(self) -> int:
        return int(self.labor_shares.shape[0])

    @property
    def final_costs(self) -> np.ndarray:
        return self.trade_costs if self.final_trade_costs is None else self.final_trade_costs

    def grid_bounds(self) -> tuple[float, float]:
        """The technology grid [center - M, center + M] (the model is invariant to shifts of theta)."""
        low = float(np.min(self.tech_mean - self.tech_span * self.tech_sd))
        high = float(np.max(self.tech_mean + self.tech_span * self.tech_sd))
        return low, high

    @property
    def support_radius(self) -> float:
        """M: half-width of the technology support (the appendix's [-M, M] after centring)."""
        low, high = self.grid_bounds()
        return 0.5 * (high - low)

    def check(self) -> None:
        n, s = self.n_regions, self.n_sectors
        if len(self.regions) != n:
            raise ParameterError("regions", f"must name the {n} regions of labor", self.regions)
        if len(self.sectors) != s:
            raise ParameterError("sectors", f"must name the {s} sectors of labor_shares", self.sectors)
        for name, shape in (("productivity", (n, s)), ("input_shares", (s, s)), ("consumption_shares", (n, s)),
                            ("tech_mean", (n, s)), ("tech_sd", (n, s))):
            if getattr(self, name).shape != shape:
                raise ParameterError(name, f"must have shape {shape[0]}x{shape[1]}", getattr(self, name).shape)
        totals = self.labor_shares + self.input_shares.sum(axis=1)
        if np.any(totals > 1.0 + 1e-9):
            i = int(np.argmax(totals))
            raise ParameterError("input_shares", f"with labor_shares must sum to at most one (sector {i} sums to "
                                                 f"{totals[i]:.6g})")
        if np.any(self.labor_shares > 1.0):
            raise ParameterError("labor_shares", "must be at most one")
        rows = self.consumption_shares.sum(axis=1)
        if not np.allclose(rows, 1.0, rtol=0.0, atol=1e-9):
            raise ParameterError("consumption_shares", "rows must sum to one", rows)
        check_trade_costs("trade_costs", self.trade_costs, n, s)
        if self.final_trade_costs is not None:
            check_trade_costs("final_trade_costs", self.final_trade_costs, n, s)
        if np.any(self.tech_sd <= 0):
            raise ParameterError("tech_sd", "must be positive (sigma_bar > 0)")
        if not self.demand_elasticity > 1:
            raise ParameterError("demand_elasticity", "must exceed one (eta > 1)", self.demand_elasticity)
        zeta, lam = self.trade_elasticity, self.technique_shape
        if not lam > zeta:
            raise ParameterError("technique_shape", f"must exceed trade_elasticity (lambda > zeta = {zeta:g}; "
                                                    "Gamma(1 - zeta/lambda) in Xi)", lam)
        if not lam > self.demand_elasticity - 1:
            raise ParameterError("technique_shape", "must exceed demand_elasticity - 1 (E[c^(1-eta)] finite)", lam)
        if np.any(lam * self.input_shares >= zeta):
            raise ParameterError("technique_shape", "must satisfy lambda * gamma^{ij} < zeta for every input "
                                                    "share (Gamma(1 - lambda gamma^{ij}/zeta) in Xi)", lam)
        if self.tech_points < 5:
            raise ParameterError("tech_points", "must be at least 5", self.tech_points)
        k = float(self.tech_points)
        # technology_choice compares every endowment point with every grid point in every region-sector:
        # an (N, S, K, K) objective and a temporary of the same size, plus the (K, K) kernels
        require_memory("tech_points", 8.0 * k * k * (2 * n * s + 4),
                       f"the technology choice on a {self.tech_points:,}-point grid for {n}x{s} region-sectors")
        radius = self.support_radius
        if not zeta * self.incompatibility * radius ** 2 < 1.0:
            raise ParameterError("incompatibility", f"violates the existence condition zeta * t_bar < 1/M^2 with "
                                                    f"M = {radius:.4g} the half-width of the technology support "
                                                    f"(zeta t_bar M^2 = {zeta * self.incompatibility * radius ** 2:.4g})",
                                 self.incompatibility)
        if not self.incompatibility < 1.0 / (2.0 * radius):
            raise ParameterError("incompatibility", f"violates the uniqueness condition t_bar < 1/(2M) with "
                                                    f"M = {radius:.4g}", self.incompatibility)

    # ------------------------------------------------------------------ derived
    def effective_labor_shares(self) -> np.ndarray:
        """gamma^{iL} used by the model: value added = 1 - sum_j gamma^{ij} (all paid to labor)."""
        return 1.0 - self.input_shares.sum(axis=1)

    def conditions(self) -> dict:
        """The appendix's existence and uniqueness conditions, evaluated."""
        radius = self.support_radius
        zeta, tbar = self.trade_elasticity, self.incompatibility
        return {
            "support_radius_M": radius,
            "existence_zeta_tbar_M2": zeta * tbar * radius ** 2,
            "existence_holds": bool(zeta * tbar * radius ** 2 < 1),
            "uniqueness_tbar_times_2M": 2 * radius * tbar,
            "uniqueness_tbar_holds": bool(tbar < 1 / (2 * radius)),
            "technique_shape_conditions_hold": bool(self.technique_shape > zeta and
                                                    np.all(self.technique_shape * self.input_shares < zeta)),
            "adaptation_bound": "phi_bar > phi_underbar: the constant is in the paper's proof, not in the slides; "
                                "uniqueness is checked numerically instead (contraction of the technology map)",
        }


def xi_constant(params: TechParameters) -> np.ndarray:
    """Xi^i of the Aggregation proposition, derived from Assumption 1 (see the docs page).

    Xi^i = Gamma(1 - zeta/lambda)^(-(1 - gamma^{iL})/zeta) * prod_j Gamma(1 - lambda gamma^{ij}/zeta)^(-1/lambda).
    """
    zeta, lam = params.trade_elasticity, params.technique_shape
    gamma = params.input_shares
    log_xi = -(gamma.sum(axis=1) / zeta) * math.lgamma(1 - zeta / lam)
    log_xi -= np.vectorize(math.lgamma)(1 - lam * gamma / zeta).sum(axis=1) / lam
    return np.exp(log_xi)
