"""Measurement: model citation shares and the firm-level import-technology relation.

Citation shares (slides, "Measuring technology proximity with citation shares"): a firm of
(d, i) at theta cites (o, j) with probability

    psi^{oj}_{di}(theta) = delta^{ij} H^j_o dTheta^j_o(theta) / sum_{o', j'} delta^{ij'} H^{j'}_{o'} dTheta^{j'}_{o'}(theta),

where dTheta is the density of the ex-post distribution, taken normal with the ex-post mean and
sd (Proposition "ex-post distribution is normal"); Psi^{oj}_{di} = int psi^{oj}_{di} dTheta^i_d
by Gauss-Hermite quadrature.

Firm level: a firm of (d, i) at theta buys input j from o with probability (and expenditure
share) chi^{ij}_{do}(theta) = tau^{-zeta} int C^{-zeta} t(theta, .)^{-zeta} dTheta^j_o / D^j_d(theta)
(Aggregation proposition).
"""
from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .model import Model
from .technology import TechnologyState

__all__ = ["citation_shares", "citation_density", "firm_import_shares", "import_citation_slope"]


def _log_normal_density(theta, mean, sd):
    return -0.5 * ((theta - mean) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi)


def citation_density(theta, mean, sd, delta, received) -> np.ndarray:
    """psi^{oj}_{di}(theta) for buyers (d, i) at positions ``theta`` of shape (N, S, Q); returns (N, S, Q, N, S)."""
    log_w = (np.log(np.maximum(delta, 1e-300))[None, :, None, None, :]
             + np.log(received)[None, None, None, :, :])                          # (1, S_i, 1, N_o, S_j)
    log_n = _log_normal_density(theta[..., None, None], mean[None, None, None], sd[None, None, None])
    log_num = log_w + log_n
    return np.exp(log_num - logsumexp(log_num, axis=(-2, -1), keepdims=True))


def citation_shares(mean, sd, delta, received, nodes: int = 40) -> np.ndarray:
    """Psi^{oj}_{di}, shape (N, S, N, S) [d][i][o][j]: citation densities integrated over Theta^i_d."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    theta = mean[..., None] + sd[..., None] * x                                     # (N, S, Q)
    psi = citation_density(theta, mean, sd, delta, received)
    return np.einsum("q,dsqoj->dsoj", w, psi)


def firm_import_shares(model: Model, state: TechnologyState, buyer: int, theta) -> np.ndarray:
    """chi^{ij}_{do}(theta) of a firm in region ``buyer`` at positions ``theta``: shape (len(theta), N_o, S_j)."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    kernel = np.exp(-model.zeta * model.tbar * (theta[:, None] - model.grid[None, :]) ** 2)   # (T, K)
    by_origin = model.access[buyer][None] * np.einsum("tk,ojk->toj", kernel, state.sourcing.density)
    return by_origin / by_origin.sum(axis=1, keepdims=True)


def import_citation_slope(model: Model, state: TechnologyState, delta, received, nodes: int = 20) -> float:
    """Firm-level moment: slope of a firm's import share from a foreign region on its citation share of
    that region (same input sector), across firms within (d, i), pooled over d, i, o != d, j with
    gamma^{ij} > 0 -- the model counterpart of the slides' import-citation regression."""
    mean, sd = state.moments(model)
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    n, s = mean.shape
    num = den = 0.0
    for d in range(n):
        for i in range(s):
            theta = mean[d, i] + sd[d, i] * x
            chi = firm_import_shares(model, state, d, theta)                         # (Q, o, j)
            psi = citation_density(theta[None, None, :] * np.ones((n, s, 1)), mean, sd, delta, received)[d, i]
            # citation share of (o, j) among the cited in sector j only, like chi
            psi = psi / psi.sum(axis=1, keepdims=True)                              # (Q, o, j)
            used = model.gamma[i] > 0
            for o in range(n):
                if o == d:
                    continue
                y, z = chi[:, o, used], psi[:, o, used]
                zc, yc = z - w @ z, y - w @ y
                num += float((w[:, None] * zc * yc).sum())
                den += float((w[:, None] * zc * zc).sum())
    return num / den if den > 0 else 0.0
