"""The quadratic-normal approximation (Proposition "ex-post distribution is normal").

Unknowns per region-sector (d, i): ln C^i_d(theta) ~ k + b (theta - mu) + c (theta - mu)^2 around the
ex-post mean mu, and Theta^i_d = N(mu, sigma^2) -- the slides' ln C = k_A + m_A (theta - n_A)^2 with
m_A = c, n_A = mu - b/(2c), k_A = k - b^2/(4c).

* With a quadratic ln C^j_o and a normal Theta^j_o, the integral of the Aggregation proposition
  is Gaussian: int C^{-zeta} t(theta, .)^{-zeta} dN(mu_o, sigma_o^2) = exp(q_o(theta)) with
  q_o = -zeta k_o - ln sqrt(2 sigma_o^2 a_o) - zeta t_bar delta^2 + (2 zeta t_bar delta - zeta b_o)^2 / (4 a_o),
  delta = theta - mu_o, a_o = zeta c_o + zeta t_bar + 1/(2 sigma_o^2) (must be positive).
* ln D^j_d(theta) = logsumexp_o(ln tau^{-zeta} + q_o) is expanded to second order at theta = mu^i_d.
* The technology choice with quadratic ln C is linear in the endowment,
  g(theta_bar) = (phi_bar theta_bar + (eta - 1)(c mu - b/2)) / (phi_bar + (eta - 1) c), so a normal endowment
  gives a normal ex-post distribution: mu' = g(mu_bar), sigma' = phi_bar sigma_bar / (phi_bar + (eta - 1) c).

The fixed point in (k, b, c, mu, sigma) has 5 N S unknowns and is solved with Anderson
acceleration. :func:`solve_technology_quadratic` returns a grid :class:`TechnologyState` whose
distributions are the linear policy applied to the endowment and whose costs are exact for them,
so the general equilibrium runs unchanged on the fast technology.
"""
from __future__ import annotations

import time

import attrs
import numpy as np
from scipy.special import logsumexp

from equilibria.errors import ConvergenceError
from equilibria.numerics.anderson import anderson
from equilibria.results import Result, Table

from .model import Model
from .quantities import quadratic_quantities
from .technology import TechnologyState, solve_technology

__all__ = ["QuadraticNormal", "solve_quadratic_normal", "solve_technology_quadratic", "comparison_result"]


@attrs.frozen(kw_only=True, eq=False)
class QuadraticNormal:
    k: np.ndarray
    b: np.ndarray
    c: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    iterations: int

    @property
    def curvature(self):       # m_A
        return self.c

    @property
    def center(self):          # n_A
        return self.mean - self.b / (2 * self.c)

    @property
    def level(self):           # k_A
        return self.k - self.b ** 2 / (4 * self.c)

    def policy(self, model: Model, endowment):
        """The linear technology choice g(theta_bar) of every region-sector, at ``endowment`` (..., K)."""
        scale, phibar = model.eta - 1.0, model.phibar
        slope = phibar / (phibar + scale * self.c)
        return slope[..., None] * endowment + (1 - slope)[..., None] * (self.mean - self.b / (2 * self.c))[..., None]

    def log_cost(self, theta):
        """ln C^i_d(theta) of the approximation, shape (N, S, len(theta))."""
        u = np.asarray(theta, float)[None, None, :] - self.mean[..., None]
        return self.k[..., None] + self.b[..., None] * u + self.c[..., None] * u ** 2


def _map(model: Model, base, mean_bar, sd_bar, k, b, c, mu, sd):
    zeta, tbar = model.zeta, model.tbar
    zt = zeta * tbar
    a = zeta * c + zt + 1.0 / (2 * sd ** 2)                                   # (o, j)
    if np.any(a <= 0):
        raise ConvergenceError("quadratic-normal: the Gaussian integral diverges (zeta c + zeta t_bar + "
                               "1/(2 sigma^2) <= 0)")
    with np.errstate(divide="ignore"):
        log_access = np.log(model.access)                                    # (d, o, j), -inf without trade
    theta = mu                                                                # evaluation points (d, i)
    delta = theta[:, :, None, None] - mu[None, None, :, :]                    # (d, i, o, j)
    beta = 2 * zt * delta - zeta * b[None, None]
    q = (log_access[:, None, :, :] - zeta * k[None, None] - 0.5 * np.log(2 * sd ** 2 * a)[None, None]
         - zt * delta ** 2 + beta ** 2 / (4 * a[None, None]))
    dq = -2 * zt * delta + zt * beta / a[None, None]
    d2q = np.broadcast_to(-2 * zt + 2 * zt ** 2 / a, q.shape)
    level = logsumexp(q, axis=2)                                              # (d, i, j)
    p = np.exp(q - level[:, :, None, :])
    slope = (p * dq).sum(axis=2)
    curv = (p * d2q).sum(axis=2) + (p * dq ** 2).sum(axis=2) - slope ** 2
    w = model.gamma / zeta                                                    # (i, j)
    k_new = base - (w[None] * level).sum(axis=-1)
    b_new = -(w[None] * slope).sum(axis=-1)
    c_new = -0.5 * (w[None] * curv).sum(axis=-1)
    scale, phibar = model.eta - 1.0, model.phibar
    denom = phibar + scale * c_new
    if np.any(denom <= 0):
        raise ConvergenceError("quadratic-normal: the firm's objective is not concave (phi_bar + (eta-1) m <= 0)")
    mu_new = (phibar * mean_bar + scale * (c_new * mu - b_new / 2)) / denom
    sd_new = phibar * sd_bar / denom
    return k_new, b_new, c_new, mu_new, sd_new


def solve_quadratic_normal(model: Model, wages, start: QuadraticNormal | None = None, tol=1e-12) -> QuadraticNormal:
    """The fixed point of the quadratic-normal approximation at ``wages``."""
    p = model.params
    n, s = p.n_regions, p.n_sectors
    base = model.base_log_cost(np.asarray(wages, float))
    mean_bar, sd_bar = np.asarray(p.tech_mean), np.asarray(p.tech_sd)
    if start is None:
        x0 = np.concatenate([base.ravel(), np.zeros(n * s), np.full(n * s, model.tbar), mean_bar.ravel(),
                             sd_bar.ravel()])
    else:
        x0 = np.concatenate([start.k.ravel(), start.b.ravel(), start.c.ravel(), start.mean.ravel(), start.sd.ravel()])

    def step(x):
        parts = [v.reshape(n, s) for v in np.split(x, 5)]
        return np.concatenate([v.ravel() for v in _map(model, base, mean_bar, sd_bar, *parts)])

    x, iterations, _ = anderson(step, x0, tol=tol, maxiter=1000, memory=5, what="quadratic-normal technology")
    k, b, c, mu, sd = (v.reshape(n, s) for v in np.split(x, 5))
    return QuadraticNormal(k=k, b=b, c=c, mean=mu, sd=sd, iterations=iterations)


def solve_technology_quadratic(model: Model, wages, *, start: TechnologyState | None = None, respond=True,
                               fixed_choice=None, **_) -> TechnologyState:
    """Technology from the quadratic-normal approximation, costs exact for it (a grid state).

    ``start`` (the previous state) warm-starts both the quadratic-normal fixed point (its
    ``quadratic`` coefficients, when it has them) and the costs; ``respond``/``fixed_choice`` work as
    in :func:`~.technology.solve_technology`."""
    qn = solve_quadratic_normal(model, wages, start=start.quadratic if start is not None else None)
    choice = qn.policy(model, np.broadcast_to(model.grid, model.shape))
    n, s, k = model.shape
    moving = np.repeat(np.broadcast_to(np.asarray(respond, bool), (n, s))[..., None], k, axis=-1)
    if fixed_choice is not None:
        choice = np.where(moving, choice, fixed_choice)
    state = solve_technology(model, wages, start=start, respond=False, fixed_choice=choice)
    return attrs.evolve(state, quadratic=qn)     # warm start of the next call


def comparison_result(params) -> Result:
    """Quadratic-normal against the full technology equilibrium: time and accuracy (baseline wages)."""
    from .equilibrium import solve_equilibrium

    model = Model.from_parameters(params)
    rows = []
    timings = {}
    started = time.perf_counter()
    full_eq = solve_equilibrium(model)
    timings["full"] = time.perf_counter() - started
    started = time.perf_counter()
    fast_eq = solve_equilibrium(model, technology="quadratic")
    timings["quadratic"] = time.perf_counter() - started
    wages = full_eq.prices["wages"]
    started = time.perf_counter()
    full = solve_technology(model, wages)
    timings["full_technology"] = time.perf_counter() - started
    started = time.perf_counter()
    qn = solve_quadratic_normal(model, wages)
    timings["quadratic_technology"] = time.perf_counter() - started
    mean, sd = full.moments(model)
    err_mean = float(np.max(np.abs(qn.mean - mean)))
    err_sd = float(np.max(np.abs(qn.sd - sd)))
    u_full = full_eq.aggregates["accounts"].log_welfare
    u_fast = fast_eq.aggregates["accounts"].log_welfare
    err_w = float(np.max(np.abs(fast_eq.prices["wages"] - wages)))
    err_u = float(np.max(np.abs(u_fast - u_full)))
    rows = [["technology equilibrium (given wages)", timings["full_technology"], timings["quadratic_technology"]],
            ["general equilibrium", timings["full"], timings["quadratic"]]]
    data = {"seconds": timings, "max_error_mean": err_mean, "max_error_sd": err_sd, "max_error_wages": err_w,
            "max_error_log_welfare": err_u, "quadratic_iterations": qn.iterations,
            "curvature_m": qn.curvature, "center_n": qn.center, "level_k": qn.level}
    quantities = quadratic_quantities(params)
    errors = [[quantities[key].label, data[key], quantities[key].unit]
              for key in ("max_error_mean", "max_error_sd", "max_error_wages", "max_error_log_welfare")]
    return Result(data=data, quantities=quantities,
                  tables={"comparison": Table(columns=["solve", "full", "quadratic-normal"], rows=rows,
                                              units=["", "s", "s"],
                                              caption="Quadratic-normal approximation vs full solution: time"),
                          "accuracy": Table(columns=["quantity", "value", "unit"], rows=errors,
                                            caption="Quadratic-normal approximation vs full solution: accuracy")})
