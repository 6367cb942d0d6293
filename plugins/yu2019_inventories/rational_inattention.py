"""The attention problem of an inattentive firm (eqs. 1.34-1.38) for one shock.

The first-best actions follow ``x†_t = Σ_l a_l e_t-l`` (``a``: 2 × T, the moving-average
coefficients per one-standard-deviation innovation ``e``). The firm chooses actions

    x_t = Σ_l b_l e_t-l + diag(c) ν_t,      ν_t ~ N(0, I_2) idiosyncratic noise (1.37),

to minimise the expected per-period profit loss plus the cost of information::

    L(b, c) = ½ Σ_l d_l' (-H0) d_l - Σ_l d_l' H1 d_l+1 + ½ Σ_i (-H0)_ii c_i² + λ I(b, c),
    d_l = b_l - a_l,
    I(b, c) = (1 / 4π) ∫ log2(1 + Σ_i |b_i(e^{-iω})|² / c_i²) dω        (bits per quarter, 1.38),

``λ = μ Ξ* p* sales*`` (μ per bit, as a fraction of steady-state sales revenue, in marginal-utility
units like ``H``). The noise is restricted to white noise with one scale per action (a
parametric reading of C(L), see the docs page); ``b`` is free up to lag T-1. The integral is
evaluated on an FFT grid; the objective's gradient is analytic, so L-BFGS solves the problem in
milliseconds.
"""
from __future__ import annotations

import math

import attrs
import numpy as np

from equilibria import ConvergenceError

__all__ = ["AttentionSolution", "solve_attention", "information_flow", "stationarity", "attention_solution",
           "batch_jacobian", "active_stationarity"]

_LN2 = math.log(2.0)


@attrs.frozen(kw_only=True)
class AttentionSolution:
    """Optimal actions for one shock: ``b`` (2 × T), noise scales ``c``, loss and information."""

    b: np.ndarray = attrs.field(eq=False)
    c: np.ndarray = attrs.field(eq=False)
    loss: float            # expected per-period profit loss (utility units), without the information cost
    information: float     # total flow, bits per quarter
    information_by_action: np.ndarray = attrs.field(eq=False)   # I(x_i; e), bits per quarter
    interaction_share: float   # share of the loss due to the price-stock interaction terms
    iterations: int
    filters: np.ndarray = attrs.field(eq=False, default=None)   # g: b_i(L) = c_i g_i(L) (signed c)



def _grid(T):
    return max(256, 1 << int(math.ceil(math.log2(8 * T))))


def information_flow(b, c, n_grid=None) -> tuple[float, np.ndarray]:
    """``I(x; e)`` in bits per quarter in total and for each action alone."""
    b = np.atleast_2d(np.asarray(b, float))
    c = np.asarray(c, float)
    N = n_grid or _grid(b.shape[1])
    spectra = np.abs(np.fft.fft(b, N, axis=1)) ** 2 / (c[:, None] ** 2)
    total = float(np.mean(np.log1p(spectra.sum(axis=0)))) / (2 * _LN2)
    each = np.mean(np.log1p(spectra), axis=1) / (2 * _LN2)
    return total, each


def _loss_parts(d, c, K, H1):
    quad = 0.5 * float(np.einsum("il,ij,jl->", d, K, d))
    cross = -float(np.einsum("il,ij,jl->", d[:, :-1], H1, d[:, 1:]))
    noise = 0.5 * float(np.sum(np.diag(K) * c * c))
    interaction = float(K[0, 1] * np.sum(d[0] * d[1]) + K[0, 1] * c[0] * c[1] * 0.0) + cross
    return quad + cross + noise, interaction


def _optimal_scales(g, a, K, H1):
    """Noise scales ``c`` minimising the loss for signal-to-noise filters ``g`` (a 2 × 2 linear system)."""
    n = g.shape[0]
    Q = K * (g @ g.T) + np.diag(np.diag(K))
    lagged = g[:, :-1] @ g[:, 1:].T          # Σ_l g_il g_j,l+1
    Q -= H1 * lagged + (H1 * lagged).T
    r = np.einsum("il,il->i", g, K @ a)
    r -= np.einsum("il,il->i", g[:, :-1], H1 @ a[:, 1:]) + np.einsum("il,il->i", g[:, 1:], H1.T @ a[:, :-1])
    try:
        return np.linalg.solve(Q, r)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(Q, r, rcond=None)[0][:n]


def solve_attention(a, H0, H1, info_price, start=None, tol=1e-9, max_iterations=3000,
                    polish: bool = False) -> AttentionSolution:
    """Solve the attention problem for first-best coefficients ``a`` (2 × T).

    Actions are written ``b_i(L) = c_i g_i(L)``: the filters ``g`` fix the information flow
    ``(1/4π)∫ log2(1 + Σ_i |g_i|²) dω`` (independent of ``c``) and, given ``g``, the loss is
    quadratic in ``c`` (:func:`_optimal_scales`); the search is over ``g`` only, with the
    envelope theorem for the gradient. Zero attention is ``g = 0``, a smooth point.
    """
    from scipy.optimize import minimize

    a = np.asarray(a, float)
    n_act, T = a.shape
    K = -np.asarray(H0, float)
    H1 = np.asarray(H1, float)
    scale = float(np.max(np.abs(a)))
    if scale == 0.0 or info_price <= 0.0:
        full = info_price <= 0.0 and scale > 0.0
        return AttentionSolution(b=a.copy() if full else np.zeros_like(a), c=np.zeros(n_act),
                                 loss=0.0, information=math.inf if full else 0.0,
                                 information_by_action=np.full(n_act, math.inf if full else 0.0),
                                 interaction_share=0.0, iterations=0, filters=np.zeros_like(a))
    at = a / scale
    norm = float(np.max(np.abs(K)))
    K_s, H1_s = K / norm, H1 / norm
    lam_s = info_price / (scale * scale * norm)
    N = _grid(T)

    def objective(u):
        g = u.reshape(n_act, T)
        c = _optimal_scales(g, at, K_s, H1_s)
        d = c[:, None] * g - at
        Kd = K_s @ d
        value = 0.5 * float(np.sum(d * Kd)) + 0.5 * float(np.sum(np.diag(K_s) * c * c))
        grad = Kd.copy()
        value -= float(np.sum(d[:, :-1] * (H1_s @ d[:, 1:])))
        grad[:, :-1] -= H1_s @ d[:, 1:]
        grad[:, 1:] -= H1_s.T @ d[:, :-1]
        grad *= c[:, None]
        G = np.fft.fft(g, N, axis=1)
        q = np.sum(np.abs(G) ** 2, axis=0)
        value += lam_s * float(np.mean(np.log1p(q))) / (2 * _LN2)
        grad += lam_s / _LN2 * np.fft.ifft(G / (1.0 + q)[None, :], axis=1).real[:, :T]
        return value, grad.ravel()

    g0 = 0.3 * at / np.maximum(np.sqrt(np.sum(at * at, axis=1, keepdims=True)), 1e-12)
    if start is not None and np.all(np.isfinite(start.c)):
        # warm start for the attended actions; an unattended one (c = 0) restarts from the default
        attended = np.asarray(start.c, float) > 0
        g0[attended] = np.asarray(start.b, float)[attended] / np.asarray(start.c, float)[attended, None]
    result = minimize(objective, g0.ravel(), jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": tol, "maxcor": 20})
    g = result.x.reshape(n_act, T)
    if not np.all(np.isfinite(g)):
        raise ConvergenceError("attention problem (1.34): the optimizer returned non-finite filters")
    c_scaled = _optimal_scales(g, at, K_s, H1_s)
    b = c_scaled[:, None] * g * scale
    c = np.abs(c_scaled) * scale
    d = b - a
    loss, interaction = _loss_parts(d, c, K, H1)
    total, each = information_flow(g, np.ones(n_act), N)
    idle_loss, idle_interaction = _loss_parts(-a, np.zeros(n_act), K, H1)
    if idle_loss <= loss + info_price * total:     # the problem is not convex: keep zero attention if it is better
        return AttentionSolution(b=np.zeros_like(a), c=np.zeros(n_act), loss=idle_loss, information=0.0,
                                 information_by_action=np.zeros(n_act),
                                 interaction_share=idle_interaction / idle_loss if idle_loss > 0 else 0.0,
                                 iterations=int(result.nit), filters=np.zeros_like(a))
    solution = AttentionSolution(b=b, c=c, loss=loss, information=total, information_by_action=each,
                                 interaction_share=interaction / loss if loss > 0 else 0.0,
                                 iterations=int(result.nit), filters=g)
    return _polished(solution, a, H0, H1, info_price) if polish else solution


def _polished(solution: AttentionSolution, a, H0, H1, info_price) -> AttentionSolution:
    """Newton's method on :func:`stationarity` from the L-BFGS answer (which can stop early along flat
    directions); the polished point is kept if it converges and does not do worse."""
    from equilibria.numerics.roots import find_root

    active = np.asarray(solution.information_by_action) > 1e-8
    if not np.any(active):
        return solution
    K, H1 = -np.asarray(H0, float), np.asarray(H1, float)
    scale, norm = float(np.max(np.abs(a))), float(np.max(np.abs(K)))
    K_s, H1_s, price_s, a_s = K / norm, H1 / norm, info_price / (scale * scale * norm), a / scale
    T, n_act = a.shape[1], int(np.sum(active))

    def residual(z):
        return active_stationarity(z, active, a_s, K_s, H1_s, price_s)

    z0 = np.concatenate([solution.b[active].ravel() / scale, np.log(solution.c[active] / scale)])
    root = find_root(residual, z0, method="newton", tol=1e-10, maxiter=20, raise_on_failure=False,
                     jacobian=lambda z: batch_jacobian(residual, z), what="the attention conditions (1.34)")
    if not root.report.converged:
        return solution
    b = np.zeros_like(a)
    b[active] = root.x[:n_act * T].reshape(n_act, T) * scale
    c = np.zeros(a.shape[0])
    c[active] = np.exp(root.x[n_act * T:]) * scale
    polished = attention_solution(a, b, c, H0, H1, iterations=solution.iterations + len(root.report.history))
    better = polished.loss + info_price * polished.information <= solution.loss + info_price * solution.information
    return polished if better else solution


def active_stationarity(z, active, a, K, H1, info_price) -> np.ndarray:
    """:func:`stationarity` in the unknowns of the attended actions only: ``z`` (..., n_att T + n_att) holds
    their loadings (action-major) and log noise scales; ``a`` (..., 2, T) or (2, T) the first-best target."""
    active = np.asarray(active, bool)
    n_act, T = int(np.sum(active)), np.shape(a)[-1]
    b = np.zeros(z.shape[:-1] + (len(active), T))
    b[..., active, :] = z[..., :n_act * T].reshape(z.shape[:-1] + (n_act, T))
    log_c = np.zeros(z.shape[:-1] + (len(active),))
    log_c[..., active] = z[..., n_act * T:]
    return stationarity(b, log_c, np.broadcast_to(a, b.shape), K, H1, info_price, active=active)


def batch_jacobian(residual, z, step=1e-6):
    """Central differences; ``residual`` evaluates a batch of points (rows) at once."""
    e = np.eye(len(z)) * step
    return ((residual(z[None, :] + e) - residual(z[None, :] - e)) / (2.0 * step)).T


def stationarity(b, log_c, a, K, H1, info_price, n_grid=None, active=None) -> np.ndarray:
    """The first-order conditions of the attention problem in the coordinates ``(b, log c)``.

    The gradient of ``L(b, c)`` (module docstring) with respect to the actions' loadings ``b``
    (2 × T) and the logs of the noise scales: ``∂L/∂b = R(d) + λ ∂I/∂g / c`` and
    ``∂L/∂log c_i = K_ii c_i² - λ Σ_l g_il ∂I/∂g_il`` with ``g = b / c``, ``d = b - a`` and
    ``R(d) = K d_l - H1 d_l+1 - H1' d_l-1``. These coordinates stay well conditioned as
    ``λ → 0`` (the loadings approach ``a`` and the noise vanishes), unlike ``(g, c)``, in which
    the information term flattens out. Returned flat: ``2T`` entries for ``b``, then 2 for ``log c``.
    Leading batch dimensions of ``b`` (..., 2, T), ``log_c`` (..., 2) and ``a`` are evaluated at once.
    ``active`` (a boolean per action) marks the attended actions; an unattended one is the corner
    ``b_i = 0``, ``g_i = 0`` (no signal, no noise), and only the attended actions' conditions are returned.
    """
    active = np.ones(np.shape(b)[-2], bool) if active is None else np.asarray(active, bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):   # a wild Newton trial gives inf/nan:
        return _stationarity(b, log_c, a, K, H1, info_price, n_grid, active)  # its line search rejects it


def _stationarity(b, log_c, a, K, H1, info_price, n_grid, active):
    b = np.asarray(b, float)
    c = np.exp(np.asarray(log_c, float))
    T = b.shape[-1]
    N = n_grid or _grid(T)
    g = np.where(active[:, None], b / c[..., :, None], 0.0)
    d = b - a
    R = np.einsum("ij,...jl->...il", K, d)
    R[..., :-1] -= np.einsum("ij,...jl->...il", H1, d[..., 1:])
    R[..., 1:] -= np.einsum("ji,...jl->...il", H1, d[..., :-1])
    G = np.fft.fft(g, N, axis=-1)
    q = np.sum(G.real ** 2 + G.imag ** 2, axis=-2, keepdims=True)
    d_info = info_price / _LN2 * np.fft.ifft(G / (1.0 + q), axis=-1).real[..., :T]
    grad_b = (R + d_info / c[..., :, None])[..., active, :]
    grad_log_c = (np.diag(K) * c * c - np.sum(d_info * g, axis=-1))[..., active]
    return np.concatenate([grad_b.reshape(b.shape[:-2] + (-1,)), grad_log_c], axis=-1)


def attention_solution(a, b, c, H0, H1, iterations: int = 0) -> AttentionSolution:
    """The :class:`AttentionSolution` of actions ``b`` with noise scales ``c`` against first-best ``a``."""
    a, b, c = (np.asarray(v, float) for v in (a, b, c))
    K = -np.asarray(H0, float)
    loss, interaction = _loss_parts(b - a, c, K, np.asarray(H1, float))
    g = np.divide(b, c[:, None], out=np.zeros_like(b), where=c[:, None] > 0)
    total, each = information_flow(g, np.ones(len(c)))
    return AttentionSolution(b=b, c=c, loss=loss, information=total, information_by_action=each,
                             interaction_share=interaction / loss if loss > 0 else 0.0,
                             iterations=iterations, filters=g)
