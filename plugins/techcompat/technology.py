"""Technology equilibrium for given wages (Appendix definition; Aggregation proposition).

Unknowns on the technology grid: ln C^i_d(theta_k) and the technology choice g^i_d(theta_bar_k)
of the firms endowed with theta_bar_k. One step of the joint map:

1. ex-post distribution Theta^i_d: endowment weights pushed to g(theta_bar) and split linearly
   between the neighbouring grid points (:func:`lottery`);
2. unit costs, the Aggregation proposition
   ``C^i_d(theta) = Xi^i/A^i_d w_d^{gamma^{iL}} prod_j (sum_o int [C^j_o(t) tau^j_do]^{-zeta}
   t(theta, t)^{-zeta} dTheta^j_o(t))^{-gamma^{ij}/zeta}``, evaluated with its exact first and
   second derivatives in theta (:func:`cost_map`);
3. technology choice ``g(theta_bar) = argmax_theta [1 - phi(theta_bar, theta)] E Pi(theta)``; with
   E Pi proportional to C(theta)^{1-eta} (Weibull costs, slides' profit formula) it maximises
   ``-phi_bar (theta_bar - theta)^2 - (eta - 1) ln C(theta)`` (:func:`technology_choice`): the best
   grid point, then the first-order condition solved inside the neighbouring cell with a
   cubic Hermite interpolant of d ln C / d theta.

The joint map is iterated with Anderson acceleration. Firms outside ``respond`` keep a given
choice (fixed-technology counterfactuals and the decomposition of Table 3).
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria.numerics.anderson import anderson

from .model import Model

__all__ = ["TechnologyState", "Sourcing", "solve_technology", "cost_map", "technology_choice", "lottery",
           "log_cost_at", "initial_state"]


@attrs.frozen(kw_only=True, eq=False)
class Sourcing:
    """Supplier-side arrays at given costs and distributions (shapes N, S, K)."""

    density: np.ndarray      # mass * C^{-zeta}: suppliers' weight at each grid point
    access: np.ndarray       # D^j_d(theta_k) = sum_o tau^{-zeta} int C^{-zeta} t^{-zeta} dTheta
    slope: np.ndarray        # d ln D / d theta at theta_k
    curvature: np.ndarray    # d^2 ln D / d theta^2 at theta_k


@attrs.frozen(kw_only=True, eq=False)
class TechnologyState:
    """A technology equilibrium (or a point on the way to one) at given wages."""

    wages: np.ndarray
    log_cost: np.ndarray           # (N, S, K) ln C^i_d(theta_k)
    cost_slope: np.ndarray         # d ln C / d theta at the grid points
    cost_curvature: np.ndarray     # d^2 ln C / d theta^2
    choice: np.ndarray             # (N, S, K) g^i_d(theta_bar_k)
    mass: np.ndarray               # (N, S, K) ex-post Theta^i_d on the grid
    adaptation: np.ndarray         # (N, S, K) mass-weighted adaptation share phi at each grid point
    sourcing: Sourcing
    iterations: int = 0
    residual: float = 0.0
    quadratic: object = None       # the quadratic-normal coefficients behind the state, if any

    def moments(self, model: Model) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd of the ex-post distributions (the pushforward of the endowment, no grid split)."""
        mean = (model.endowment * self.choice).sum(axis=-1)
        var = (model.endowment * (self.choice - mean[..., None]) ** 2).sum(axis=-1)
        return mean, np.sqrt(np.maximum(var, 0.0))

    def adaptation_share(self) -> np.ndarray:
        """phi_hat at each grid point: the average adaptation cost share of the firms located there."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.mass > 0, self.adaptation / np.where(self.mass > 0, self.mass, 1.0), 0.0)


# --------------------------------------------------------------------------- distributions
def lottery(model: Model, choice: np.ndarray):
    """Push the endowment weights to ``choice`` and split each between its two grid neighbours.

    Returns ``(mass, adaptation)``: ex-post weights and the weights times the adaptation cost
    share ``phi = 1 - exp(-phi_bar (theta_bar - theta)^2)`` of the firms that moved there.
    """
    grid, h = model.grid, model.step
    n, s, k = model.shape
    position = np.clip((choice - grid[0]) / h, 0.0, k - 1.0)
    lower = np.minimum(position.astype(np.int64), k - 2)
    upper_share = position - lower
    weight = model.endowment
    phi = -np.expm1(-model.phibar * (grid[None, None, :] - choice) ** 2)
    offset = (np.arange(n * s) * k).reshape(n, s, 1)
    index = np.concatenate([(offset + lower).ravel(), (offset + lower + 1).ravel()])
    parts = np.concatenate([(weight * (1.0 - upper_share)).ravel(), (weight * upper_share).ravel()])
    mass = np.bincount(index, parts, minlength=n * s * k).reshape(n, s, k)
    phi_parts = np.concatenate([(weight * phi * (1.0 - upper_share)).ravel(), (weight * phi * upper_share).ravel()])
    adaptation = np.bincount(index, phi_parts, minlength=n * s * k).reshape(n, s, k)
    return mass, adaptation


# --------------------------------------------------------------------------- costs
def _kernel_derivatives(model: Model):
    a = model.zeta * model.tbar
    diff = model.grid[:, None] - model.grid[None, :]
    first = -2.0 * a * diff * model.kernel
    second = (4.0 * a * a * diff ** 2 - 2.0 * a) * model.kernel
    return first, second


def sourcing(model: Model, log_cost: np.ndarray, mass: np.ndarray) -> Sourcing:
    """D^j_d(theta_k) and its log-derivatives for suppliers with costs ``log_cost`` and weights ``mass``."""
    density = mass * np.exp(-model.zeta * log_cost)
    first, second = _kernel_derivatives(model)
    level = np.einsum("doj,ojk->djk", model.access, density @ model.kernel.T)
    d1 = np.einsum("doj,ojk->djk", model.access, density @ first.T)
    d2 = np.einsum("doj,ojk->djk", model.access, density @ second.T)
    slope = d1 / level
    return Sourcing(density=density, access=level, slope=slope, curvature=d2 / level - slope ** 2)


def cost_map(model: Model, base: np.ndarray, source: Sourcing):
    """ln C^i_d(theta_k) from the Aggregation proposition, with its first two theta-derivatives."""
    weights = model.gamma / model.zeta
    log_cost = base[..., None] - np.einsum("ij,djk->dik", weights, np.log(source.access))
    slope = -np.einsum("ij,djk->dik", weights, source.slope)
    curvature = -np.einsum("ij,djk->dik", weights, source.curvature)
    return log_cost, slope, curvature


def log_cost_at(model: Model, state: TechnologyState, theta) -> np.ndarray:
    """ln C^i_d(theta) at any technology positions ``theta`` (1-D); shape (N, S, len(theta))."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    kernel = np.exp(-model.zeta * model.tbar * (theta[:, None] - model.grid[None, :]) ** 2)
    level = np.einsum("doj,ojt->djt", model.access, state.sourcing.density @ kernel.T)
    base = model.base_log_cost(state.wages)
    return base[..., None] - np.einsum("ij,djt->dit", model.gamma / model.zeta, np.log(level))


# --------------------------------------------------------------------------- choice
def _hermite_coefficients(h, y0, y1, m0, m1):
    """Coefficients (c0, c1, c2, c3) in t of the cubic Hermite interpolant on a cell of width h."""
    c2 = -3 * y0 - 2 * h * m0 + 3 * y1 - h * m1
    c3 = 2 * y0 + h * m0 - 2 * y1 + h * m1
    return y0, h * m0, c2, c3


def technology_choice(model: Model, log_cost, slope, curvature) -> np.ndarray:
    """g^i_d(theta_bar_k) for every endowment grid point: argmax -phi_bar (theta_bar - theta)^2 - (eta-1) ln C(theta)."""
    grid, h = model.grid, model.step
    k = grid.size
    scale = model.eta - 1.0
    phibar = model.phibar
    # best grid point for every endowment
    objective = -phibar * (grid[:, None] - grid[None, :]) ** 2 - scale * log_cost[:, :, None, :]
    best = objective.argmax(axis=-1)                                   # (N, S, K_endowment)
    endowment = grid[None, None, :]
    take = lambda arr, idx: np.take_along_axis(arr, idx, axis=-1)      # noqa: E731
    foc_best = 2 * phibar * (endowment - grid[best]) - scale * take(slope, best)
    cell = np.clip(np.where(foc_best >= 0, best, best - 1), 0, k - 2)
    left = grid[cell]
    c0, c1, c2, c3 = _hermite_coefficients(h, take(slope, cell), take(slope, cell + 1),
                                           take(curvature, cell), take(curvature, cell + 1))
    # first-order condition in the cell as a cubic in t = (theta - left)/h
    a0 = 2 * phibar * (endowment - left) - scale * c0
    a1 = -2 * phibar * h - scale * c1
    a2, a3 = -scale * c2, -scale * c3

    def foc(t):
        return a0 + t * (a1 + t * (a2 + t * a3))

    f_left, f_right = a0, a0 + a1 + a2 + a3
    bracket = (f_left >= 0) & (f_right <= 0)
    lo, hi = np.zeros_like(left), np.ones_like(left)
    for _ in range(44):                         # bisection to ~1e-13 of a cell
        mid = 0.5 * (lo + hi)
        positive = foc(mid) >= 0
        lo = np.where(positive, mid, lo)
        hi = np.where(positive, hi, mid)
    interior = left + 0.5 * (lo + hi) * h
    corner = np.where(f_left < 0, left, left + h)
    return np.where(bracket, interior, corner)


# --------------------------------------------------------------------------- equilibrium
def initial_state(model: Model, wages) -> TechnologyState:
    """No adaptation (choice = endowment), costs from the cost fixed point started at the base."""
    n, s, k = model.shape
    choice = np.broadcast_to(model.grid, (n, s, k)).copy()
    mass, adaptation = lottery(model, choice)
    wages = np.asarray(wages, dtype=float)
    base = model.base_log_cost(wages)
    log_cost = np.broadcast_to(base[..., None], (n, s, k)).copy()
    src = sourcing(model, log_cost, mass)
    lc, sl, cu = cost_map(model, base, src)
    return TechnologyState(wages=wages, log_cost=lc, cost_slope=sl, cost_curvature=cu, choice=choice, mass=mass,
                           adaptation=adaptation, sourcing=src)


def solve_technology(model: Model, wages, *, start: TechnologyState | None = None, respond=True,
                     fixed_choice: np.ndarray | None = None, tol: float = 1e-11,
                     maxiter: int = 2000, memory: int = 6) -> TechnologyState:
    """The technology equilibrium {C^i_d(theta), Theta^i_d} at ``wages``.

    Parameters
    ----------
    respond : bool or (N, S) bool array
        Which region-sectors re-optimise their technology; the others keep ``fixed_choice``
        (default: the choice in ``start``, or no adaptation).
    memory : int
        Anderson memory (0: plain fixed-point iteration).
    """
    wages = np.asarray(wages, dtype=float)
    n, s, k = model.shape
    start = start if start is not None else initial_state(model, wages)
    respond = np.broadcast_to(np.asarray(respond, dtype=bool), (n, s))
    kept = start.choice if fixed_choice is None else np.asarray(fixed_choice, dtype=float)
    base = model.base_log_cost(wages)
    size = n * s * k
    moving = np.repeat(respond[..., None], k, axis=-1)

    def unpack(x):
        log_cost = x[:size].reshape(n, s, k)
        choice = np.where(moving, x[size:].reshape(n, s, k), kept) if respond.any() else kept
        return log_cost, choice

    def step(x):
        log_cost, choice = unpack(x)
        mass, _ = lottery(model, choice)
        lc, sl, cu = cost_map(model, base, sourcing(model, log_cost, mass))
        if not respond.any():
            return lc.ravel()
        new_choice = np.where(moving, technology_choice(model, lc, sl, cu), kept)
        return np.concatenate([lc.ravel(), new_choice.ravel()])

    x0 = start.log_cost.ravel() if not respond.any() else np.concatenate([start.log_cost.ravel(),
                                                                          np.where(moving, start.choice, kept).ravel()])
    x, iterations, history = anderson(step, x0, tol=tol, maxiter=maxiter, memory=memory,
                                      what="technology equilibrium")
    log_cost, choice = unpack(x) if respond.any() else (x.reshape(n, s, k), kept)
    mass, adaptation = lottery(model, choice)
    src = sourcing(model, log_cost, mass)
    lc, sl, cu = cost_map(model, base, src)
    return TechnologyState(wages=wages, log_cost=lc, cost_slope=sl, cost_curvature=cu, choice=choice, mass=mass,
                           adaptation=adaptation, sourcing=sourcing(model, lc, mass), iterations=iterations,
                           residual=history[-1])
