"""Populations of firms with random costs (section 4.2) and their solutions, in chunks.

Every firm draws an ``N x M`` cost matrix: ``a[v, j] = wages[j] * scale * X[v, j]`` with
``X`` i.i.d. from a standard distribution of the chosen family (scipy.stats), drawn by the
inverse CDF of uniforms from :func:`equilibria.parallel.uniform_rows`.  The inverse CDF is
taken in two steps: a transform of the uniforms that does not depend on the parameters
(``-log(1 - u)`` for Pareto, ``log(-log u)`` for Frechet, the normal quantile for the
log-normal), kept in a per-process cache (:mod:`equilibria.drawcache`) so that repeated
evaluations on the same firms (the calibration) do not redraw them, then a cheap one that
does (``scale * exp(z / shape)``, ...).  Consequences:

* common random numbers: the uniforms depend only on the seed and the firm's index, so
  changing ``shape``, ``scale``, ``tau`` or the wages moves every firm's costs smoothly and the
  calibration objective is evaluated on the same firms each time;
* the result does not depend on the executor or the chunk size.

Country draws scaled by the relative wage is the assumption of section 5.3
(``F_C = w F_W``).
"""
from __future__ import annotations

import functools

import attrs
import numpy as np
from scipy import special

from equilibria.drawcache import draw_cache
from equilibria.errors import ParameterError
from equilibria.parallel import DRAW_BLOCK, SerialExecutor, chunk_ranges, get_executor, uniform_rows

from .firm import FirmProblem, FirmSolution

__all__ = ["CostDistribution", "draw_costs", "simulate", "PopulationResult"]


@attrs.frozen
class CostDistribution:
    """A family of cost distributions: ``pareto``, ``frechet``, ``lognormal`` or ``gengamma``.

    ``pareto``: ``scipy.stats.pareto(b=shape, scale=scale)`` (support ``[scale, inf)``);
    ``frechet``: ``invweibull(c=shape, scale=scale)``; ``lognormal``: ``lognorm(s=shape,
    scale=scale)``; ``gengamma``: ``gengamma(a=shape, c=shape2, scale=scale)``.
    """

    family: str
    shape: float
    scale: float
    shape2: float = 1.0

    def frozen(self):
        """The scipy.stats distribution (imported here: scipy.stats takes most of a second to import)."""
        from scipy import stats

        if self.family == "pareto":
            return stats.pareto(b=self.shape, scale=self.scale)
        if self.family == "frechet":
            return stats.invweibull(c=self.shape, scale=self.scale)
        if self.family == "lognormal":
            return stats.lognorm(s=self.shape, scale=self.scale)
        if self.family == "gengamma":
            return stats.gengamma(a=self.shape, c=self.shape2, scale=self.scale)
        raise ParameterError("distribution", "must be pareto, frechet, lognormal or gengamma", self.family)

    @property
    def standard_key(self):
        """What :meth:`standard_draws` depends on besides the uniforms (for caching them)."""
        if self.family == "gengamma" and self.shape2 > 0:
            return (self.family, self.shape)
        return (self.family,)

    def standard_draws(self, u):
        """The part of the inverse CDF that does not depend on ``scale`` (nor, except for the
        generalized gamma, on the shapes): ``z`` such that ``ppf(u) = from_standard(z)``.

        Pareto: ``-log(1 - u)`` (a standard exponential); Frechet: ``log(-log u)``; log-normal:
        the standard normal quantile; generalized gamma with ``shape2 > 0``: the standard gamma
        quantile ``gammaincinv(shape, u)`` (scipy's own formula, without its generic wrapper);
        otherwise ``u`` itself.
        """
        if self.family == "pareto":
            return -np.log1p(-u)
        if self.family == "frechet":
            with np.errstate(divide="ignore"):  # u = 0 gives z = inf and a cost of 0, as scipy's ppf
                return np.log(-np.log(u))
        if self.family == "lognormal":
            return special.ndtri(u)
        if self.family != "gengamma":
            raise ParameterError("distribution", "must be pareto, frechet, lognormal or gengamma", self.family)
        if self.shape2 > 0:
            return special.gammaincinv(self.shape, u)
        return np.array(u, dtype=float)

    def from_standard(self, z, multiplier=1.0):
        """Quantiles from :meth:`standard_draws`, times ``multiplier`` (broadcast against ``z``).

        Pareto ``(1 - u)^(-1/shape)``, Frechet ``(-log u)^(-1/shape)``, log-normal
        ``exp(shape * Phi^-1(u))`` and generalized gamma ``gammaincinv(shape, u)^(1/shape2)``,
        each times ``scale`` (scipy.stats' parametrisations).  Returns a new array.
        """
        rate = {"pareto": 1.0 / self.shape, "frechet": -1.0 / self.shape, "lognormal": self.shape}.get(self.family)
        if rate is None and self.shape2 > 0:  # generalized gamma: gammaincinv(shape, u) ** (1 / shape2)
            return _scale(np.power(z, 1.0 / self.shape2), self.scale * np.asarray(multiplier, dtype=float))
        if rate is None:
            return _scale(self.frozen().ppf(z), np.asarray(multiplier, dtype=float))
        x = np.multiply(z, rate)
        np.exp(x, out=x)
        return _scale(x, self.scale * np.asarray(multiplier, dtype=float))

    def ppf(self, u):
        """Inverse CDF of the family at ``u``."""
        return self.from_standard(self.standard_draws(u))

    @classmethod
    def from_params(cls, params) -> "CostDistribution":
        return cls(params.distribution, float(params.shape), float(params.scale), float(params.shape2))


def _scale(x: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """``x *= factor`` in place, ``factor`` broadcasting against the last axes of ``x``.

    NumPy's loops are slow over an innermost axis of a few elements (the countries), so a
    factor that varies along the last axes is tiled into long rows first."""
    factor = np.asarray(factor, dtype=float)
    while factor.ndim and factor.shape[0] == 1:  # leading axes of length one broadcast anyway
        factor = factor[0]
    if factor.ndim == 0 or x.size == 0 or not x.flags.c_contiguous:
        x *= factor
        return x
    row = np.broadcast_to(factor, x.shape[x.ndim - factor.ndim:]).ravel()
    outer = x.size // row.size
    repeat = next(k for k in (64, 32, 16, 8, 4, 2, 1) if outer % k == 0)
    view = x.reshape(outer // repeat, repeat * row.size)
    view *= np.tile(row, repeat)
    return x


def standard_draws(distribution: CostDistribution, n_stages: int, n_countries: int, seed: int, start: int,
                   stop: int) -> np.ndarray:
    """:meth:`CostDistribution.standard_draws` of firms ``start .. stop - 1``, cached per process (read-only)."""
    def make():
        return distribution.standard_draws(uniform_rows(seed, start, stop, (n_stages, n_countries)))
    key = ("tyazhelnikov2016.standard_draws", *distribution.standard_key, int(n_stages), int(n_countries), int(seed),
           int(start), int(stop), DRAW_BLOCK)
    return draw_cache().get(key, make)


def draw_costs(distribution: CostDistribution, wages, n_stages: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Costs of firms ``start .. stop - 1``: ``(stop - start, N, M)``, country ``j`` scaled by ``wages[j]``."""
    wages = np.asarray(wages, dtype=float)
    z = standard_draws(distribution, n_stages, wages.size, seed, start, stop)
    return np.ascontiguousarray(distribution.from_standard(z, wages[None, None, :]))


@attrs.frozen(eq=False)
class PopulationResult:
    """Solutions of a simulated population, in firm order (see :class:`FirmSolution`), and the costs' summary."""

    solution: FirmSolution
    labor: np.ndarray  # (F, M): sum over nodes produced in country k of a_v(k) / w_k  (section 3.5)

    @property
    def mc(self):
        return self.solution.mc


def _solve_chunk(bounds, problem: FirmProblem, distribution: CostDistribution, wages, n_stages, seed, threads):
    start, stop = bounds
    costs = draw_costs(distribution, wages, n_stages, seed, start, stop)
    sol = problem.solve(costs, validate=False, threads=threads)
    # labor per unit of output in country k: cost of the nodes produced there divided by w_k
    n_firms, n_countries = stop - start, len(wages)
    cell = np.arange(n_firms)[:, None] * n_countries + sol.path  # (firm, country) of every node
    chosen = costs.reshape(-1)[(np.arange(n_firms * n_stages).reshape(n_firms, n_stages) * n_countries
                                + sol.path)]
    # bincount adds in the order given, node by node within a firm: the same sums as np.add.at
    labor = np.bincount(cell.ravel(), weights=chosen.ravel(), minlength=n_firms * n_countries)
    labor = labor.reshape(n_firms, n_countries) / np.asarray(wages)[None, :]
    return sol, labor


def _concat(parts):
    sols = [p[0] for p in parts]
    fields = {name: np.concatenate([getattr(s, name) for s in sols]) for name in
              ("mc", "path", "ntmc", "tq", "trade_cost", "final_cost", "crossings")}
    return FirmSolution(**fields), np.concatenate([p[1] for p in parts])


def simulate(problem: FirmProblem, distribution: CostDistribution, wages, n_firms: int, seed: int,
             executor=None, chunk_size: int = 50_000, threads: int | None = None) -> PopulationResult:
    """Draw and solve ``n_firms`` firms in chunks through ``executor`` (default serial).

    ``threads`` is the number of OpenMP threads of the kernel inside each chunk; default all
    cores for the serial executor and 1 for parallel executors (no oversubscription).
    """
    executor = SerialExecutor() if executor is None else get_executor(executor)
    if threads is None:
        threads = 1 if executor.parallel else 0
    fn = functools.partial(_solve_chunk, problem=problem, distribution=distribution, wages=tuple(np.asarray(wages, float)),
                           n_stages=problem.n_nodes, seed=int(seed), threads=threads)
    parts = executor.map(fn, chunk_ranges(int(n_firms), int(chunk_size)))
    solution, labor = _concat(parts)
    return PopulationResult(solution, labor)
