"""Reduced-form VARs by least squares and impulse responses under recursive (Cholesky) identification.

``y_t = c + Σ_{k=1}^p Γ_k y_{t-k} + u_t``, ``E u u' = Σ = D D'`` with ``D`` lower triangular
(Christiano, Eichenbaum and Evans 1996): the ``j``-th structural shock moves the variables
ordered before ``j`` only with a lag.
"""
from __future__ import annotations

import attrs
import numpy as np

from ..errors import ParameterError

__all__ = ["VAR", "fit_var"]


@attrs.frozen(kw_only=True)
class VAR:
    """A fitted VAR: ``coefficients`` (p, n, n) with ``[k-1]`` = Γ_k, ``constant`` (n,), residuals, Σ."""

    coefficients: np.ndarray = attrs.field(eq=False)
    constant: np.ndarray = attrs.field(eq=False)
    residuals: np.ndarray = attrs.field(eq=False)
    sigma: np.ndarray = attrs.field(eq=False)
    data: np.ndarray = attrs.field(eq=False)

    @property
    def lags(self) -> int:
        return self.coefficients.shape[0]

    @property
    def n(self) -> int:
        return self.coefficients.shape[1]

    def impact_matrix(self) -> np.ndarray:
        """``D``: the lower-triangular Cholesky factor of Σ."""
        return np.linalg.cholesky(self.sigma)

    def moving_average(self, horizon: int) -> np.ndarray:
        """``Φ_h`` (horizon, n, n): responses of y_{t+h} to a unit reduced-form innovation u_t."""
        p, n = self.lags, self.n
        phi = np.zeros((horizon, n, n))
        phi[0] = np.eye(n)
        for h in range(1, horizon):
            for k in range(1, min(h, p) + 1):
                phi[h] += self.coefficients[k - 1] @ phi[h - k]
        return phi

    def recursive_irf(self, shock: int, horizon: int, impact: float | None = None) -> np.ndarray:
        """(horizon, n) responses to the ``shock``-th recursive structural shock.

        One standard deviation by default; with ``impact`` the shock is scaled so that the shocked
        variable itself moves by ``impact`` on impact.
        """
        d = self.impact_matrix()[:, shock]
        if impact is not None:
            d = d * (impact / d[shock])
        return self.moving_average(horizon) @ d

    def simulate(self, innovations: np.ndarray, initial: np.ndarray) -> np.ndarray:
        """A path from ``initial`` (p, n) lagged values driven by ``innovations`` (T, n)."""
        p, n = self.lags, self.n
        T = innovations.shape[0]
        stacked = np.hstack(list(self.coefficients))        # [Γ_1 ... Γ_p], n × np
        shocks = (innovations + self.constant).tolist()
        out = np.empty((T + p, n))
        out[:p] = initial
        state = np.asarray(initial[::-1], dtype=float).ravel()   # [y_{t-1}, ..., y_{t-p}]
        for t in range(T):
            value = stacked @ state + shocks[t]
            out[p + t] = value
            state = np.concatenate([value, state[:-n]])
        return out[p:]


def lagged_regressors(data: np.ndarray, lags: int, constant: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``(Y, X)`` with rows t = p..T-1: Y = y_t, X = [1, y_{t-1}, ..., y_{t-p}]."""
    T = data.shape[0]
    blocks = [data[lags - k:T - k] for k in range(1, lags + 1)]
    X = np.hstack(([np.ones((T - lags, 1))] if constant else []) + blocks)
    return data[lags:], X


def fit_var(data, lags: int) -> VAR:
    """Least-squares VAR(``lags``) with a constant; Σ from the residuals with a degrees-of-freedom correction."""
    data = np.asarray(data, dtype=float)
    if data.ndim != 2:
        raise ParameterError("data", "must be a (periods, variables) array", data.shape)
    if not np.all(np.isfinite(data)):
        raise ParameterError("data", "must be finite (no missing values)")
    T, n = data.shape
    if lags < 1:
        raise ParameterError("lags", "must be at least 1", lags)
    if T - lags <= 1 + n * lags:
        raise ParameterError("data", f"has {T} periods: too few for a VAR({lags}) in {n} variables")
    Y, X = lagged_regressors(data, lags)
    beta, *_ = np.linalg.lstsq(X, Y, rcond=None)
    residuals = Y - X @ beta
    sigma = residuals.T @ residuals / (Y.shape[0] - X.shape[1])
    coefficients = beta[1:].reshape(lags, n, n).transpose(0, 2, 1)
    return VAR(coefficients=coefficients, constant=beta[0], residuals=residuals, sigma=sigma, data=data)
