"""A fixed production network: Lemma 1, eqs. (9), (10), (13) and Corollary 1.

For a network ``alpha`` (row i = firm i's technique) and log shifters ``a = a(alpha)``:

* Leontief inverse ``L(alpha) = (I - alpha)^{-1}``;
* Domar weights ``omega' = beta' L(alpha)``;
* log prices ``p = -L (eps + a)`` (Lemma 1), so ``E[p] = -L (mu + a)`` and ``V[p] = L Sigma L'``;
* log GDP ``y = omega'(eps + a)``: ``E[y] = omega'(mu + a)`` (9), ``V[y] = omega' Sigma omega`` (10);
* welfare ``W = E[y] - (rho - 1) V[y] / 2`` (13);
* risk-adjusted prices ``R = E[p] + Cov[p, lambda]`` with
  ``Cov[p, lambda] = (rho - 1) L Sigma L' beta`` (Lemma 2).
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "leontief_inverse",
    "domar_weights",
    "moments",
    "NetworkMoments",
]


def leontief_inverse(alpha) -> np.ndarray:
    """``L(alpha) = (I - alpha)^{-1} = I + alpha + alpha^2 + ...``."""
    alpha = np.asarray(alpha, dtype=float)
    return np.linalg.inv(np.eye(alpha.shape[0]) - alpha)


def domar_weights(alpha, beta) -> np.ndarray:
    """``omega = L(alpha)' beta``, the sales-to-GDP ratios (solved, not inverted)."""
    alpha = np.asarray(alpha, dtype=float)
    return np.linalg.solve((np.eye(alpha.shape[0]) - alpha).T, np.asarray(beta, dtype=float))


class NetworkMoments:
    """Moments of prices and GDP under a fixed network (Lemma 1, eqs. 9, 10, 13).

    Attributes
    ----------
    leontief, domar_weights, log_shifters, expected_log_prices, var_log_prices,
    cov_prices_sdf, risk_adjusted_prices, expected_log_gdp, var_log_gdp, welfare
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def moments(alpha, log_shifters, mu, sigma, beta, rho) -> NetworkMoments:
    """All fixed-network objects of Lemma 1 and eqs. (9), (10), (13) at ``alpha``.

    Parameters
    ----------
    alpha : (n, n) ndarray
        The network.
    log_shifters : (n,) ndarray
        ``a(alpha)``.
    mu, sigma : ndarray
        Mean and covariance of the log TFP shocks ``eps ~ N(mu, Sigma)``.
    beta : (n,) ndarray
        Consumption shares.
    rho : float
        Relative risk aversion.
    """
    L = leontief_inverse(alpha)
    beta = np.asarray(beta, dtype=float)
    omega = L.T @ beta
    z = np.asarray(mu) + np.asarray(log_shifters)
    e_p = -L @ z
    sigma = np.asarray(sigma, dtype=float)
    var_p = L @ sigma @ L.T
    cov_p_sdf = (rho - 1.0) * var_p @ beta
    e_y = float(omega @ z)
    v_y = float(omega @ sigma @ omega)
    return NetworkMoments(
        leontief=L,
        domar_weights=omega,
        log_shifters=np.asarray(log_shifters, dtype=float),
        expected_log_prices=e_p,
        var_log_prices=var_p,
        cov_prices_sdf=cov_p_sdf,
        risk_adjusted_prices=e_p + cov_p_sdf,
        expected_log_gdp=e_y,
        var_log_gdp=v_y,
        welfare=e_y - 0.5 * (rho - 1.0) * v_y,
    )
