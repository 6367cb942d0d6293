"""Parameters of the KMNT (2024) economy with quadratic TFP shifters (eq. 2).

The defaults are the four-sector car example of the slides (steel, equipment, carbon fiber,
car maker) written in the quadratic form of eq. (2); see :mod:`.car` for the reading of the
slides' ``a_4`` and the choice of ``kappa``, ``psi_1``, ``psi_2`` and ``alpha°``.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import ParameterError, Parameters, param
from equilibria.params import as_float, as_float_array, as_names, finite, ndim, positive

from .car import CAR_DEFAULTS, SECTOR_NAMES

__all__ = ["KmntParameters"]


def _is_negative_definite(matrix) -> bool:
    try:
        np.linalg.cholesky(-np.asarray(matrix))
    except np.linalg.LinAlgError:
        return False
    return True


@attrs.frozen(kw_only=True)
class KmntParameters(Parameters):
    """Beliefs, preferences and technologies of the production-network economy."""

    mu = param(CAR_DEFAULTS["mu"], description="mu: mean of log TFP shocks eps ~ N(mu, Sigma)",
               unit="log points", converter=as_float_array, validator=[ndim(1), finite])
    sigma = param(CAR_DEFAULTS["sigma"], description="Sigma: covariance of log TFP shocks",
                  unit="log points squared", converter=as_float_array, validator=[ndim(2), finite])
    beta = param(CAR_DEFAULTS["beta"], description="beta: Cobb-Douglas consumption shares, eq. (3)",
                 converter=as_float_array, validator=[ndim(1), finite])
    rho = param(CAR_DEFAULTS["rho"], description="rho: relative risk aversion of the household, eq. (3)",
                converter=as_float, validator=[finite, positive])
    alpha_bar = param(CAR_DEFAULTS["alpha_bar"],
                      description="alpha_bar_i: cap on the sum of intermediate shares of sector i (A_i)",
                      converter=as_float_array, validator=[ndim(1), finite])
    ideal_shares = param(CAR_DEFAULTS["ideal_shares"],
                         description="alpha°: ideal techniques, row i maximises a_i (eq. 2)",
                         converter=as_float_array, validator=[ndim(2), finite])
    hessians = param(CAR_DEFAULTS["hessians"],
                     description="H_i: negative definite Hessians of the quadratic shifters a_i (eq. 2)",
                     converter=as_float_array, validator=[finite])
    sector_names = param(None, description="names of the sectors in tables and figures (default: the car example's "
                         "names for its economy, otherwise 'sector 1', 'sector 2', ...)",
                         converter=attrs.converters.optional(as_names))

    @property
    def n(self) -> int:
        return int(self.mu.shape[0])

    def sector_labels(self) -> tuple:
        """The sectors' names: ``sector_names`` when given; the car example's names when the
        technologies are the car example's (its ideal techniques and Hessians); else ``sector i``."""
        if self.sector_names is not None:
            return self.sector_names
        if (self.ideal_shares.shape == np.shape(CAR_DEFAULTS["ideal_shares"])
                and self.hessians.shape == np.shape(CAR_DEFAULTS["hessians"])
                and np.array_equal(self.ideal_shares, CAR_DEFAULTS["ideal_shares"])
                and np.array_equal(self.hessians, CAR_DEFAULTS["hessians"])):
            return SECTOR_NAMES
        return tuple(f"sector {i + 1}" for i in range(self.n))

    def check(self) -> None:
        n = self.n
        if n < 1:
            raise ParameterError("mu", "must have at least one sector")
        if self.sector_names is not None and len(self.sector_names) != n:
            raise ParameterError("sector_names", f"must have {n} entries (one per sector of mu)",
                                 len(self.sector_names))
        if self.sigma.shape != (n, n):
            raise ParameterError("sigma", f"must be {n}x{n} (one row and column per sector of mu)",
                                 self.sigma.shape)
        if not np.allclose(self.sigma, self.sigma.T, rtol=0.0, atol=1e-12 * (1 + np.abs(self.sigma).max())):
            raise ParameterError("sigma", "must be symmetric")
        eig_min = float(np.linalg.eigvalsh(self.sigma).min())
        if eig_min < -1e-12 * (1 + np.abs(self.sigma).max()):
            raise ParameterError("sigma", f"must be positive semi-definite (smallest eigenvalue {eig_min:.3g})")
        if self.beta.shape != (n,):
            raise ParameterError("beta", f"must have {n} entries (one per sector of mu)", self.beta.shape)
        if not np.all(self.beta > 0):
            raise ParameterError("beta", "must be positive")
        if abs(self.beta.sum() - 1.0) > 1e-9:
            raise ParameterError("beta", f"must sum to one (sums to {self.beta.sum():.12g})")
        if self.alpha_bar.shape != (n,):
            raise ParameterError("alpha_bar", f"must have {n} entries (one per sector of mu)",
                                 self.alpha_bar.shape)
        if not np.all((self.alpha_bar > 0) & (self.alpha_bar < 1)):
            raise ParameterError("alpha_bar", "must lie in the open interval (0, 1)")
        if self.ideal_shares.shape != (n, n):
            raise ParameterError("ideal_shares", f"must be {n}x{n}", self.ideal_shares.shape)
        if np.any(self.ideal_shares < 0) or np.any(self.ideal_shares > 1):
            raise ParameterError("ideal_shares", "must lie in A_i: every entry in [0, 1]")
        sums = self.ideal_shares.sum(axis=1)
        over = np.flatnonzero(sums > self.alpha_bar + 1e-12)
        if over.size:
            i = int(over[0])
            raise ParameterError("ideal_shares", f"must lie in A_i: row {i} sums to {sums[i]:.6g} > "
                                                 f"alpha_bar[{i}] = {self.alpha_bar[i]:.6g}")
        if self.hessians.shape != (n, n, n):
            raise ParameterError("hessians", f"must be {n}x{n}x{n} (one n x n Hessian per sector)",
                                 self.hessians.shape)
        for i, h in enumerate(self.hessians):
            if not np.allclose(h, h.T, rtol=0.0, atol=1e-12 * (1 + np.abs(h).max())):
                raise ParameterError("hessians", f"H_{i} (hessians[{i}]) must be symmetric")
            if not _is_negative_definite(h):
                raise ParameterError("hessians", f"H_{i} (hessians[{i}]) must be negative definite")
