"""Populations of firms with random costs (section 4.2) and their solutions, in chunks.

Every firm draws an ``N x M`` cost matrix: ``a[v, j] = wages[j] * scale * X[v, j]`` with
``X`` i.i.d. from a standard distribution of the chosen family (scipy.stats), drawn by the
inverse CDF of uniforms from :func:`equilibria.parallel.uniform_rows`.  Consequences:

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
from scipy import stats

from equilibria.errors import ParameterError
from equilibria.parallel import SerialExecutor, chunk_ranges, get_executor, uniform_rows

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
        if self.family == "pareto":
            return stats.pareto(b=self.shape, scale=self.scale)
        if self.family == "frechet":
            return stats.invweibull(c=self.shape, scale=self.scale)
        if self.family == "lognormal":
            return stats.lognorm(s=self.shape, scale=self.scale)
        if self.family == "gengamma":
            return stats.gengamma(a=self.shape, c=self.shape2, scale=self.scale)
        raise ParameterError("distribution", "must be pareto, frechet, lognormal or gengamma", self.family)

    def ppf(self, u):
        if self.family == "pareto":  # closed form, faster than scipy's generic path
            return self.scale * (1.0 - u) ** (-1.0 / self.shape)
        return self.frozen().ppf(u)

    @classmethod
    def from_params(cls, params) -> "CostDistribution":
        return cls(params.distribution, float(params.shape), float(params.scale), float(params.shape2))


def draw_costs(distribution: CostDistribution, wages, n_stages: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Costs of firms ``start .. stop - 1``: ``(stop - start, N, M)``, country ``j`` scaled by ``wages[j]``."""
    wages = np.asarray(wages, dtype=float)
    u = uniform_rows(seed, start, stop, (n_stages, wages.size))
    costs = distribution.ppf(u)
    costs *= wages[None, None, :]
    return np.ascontiguousarray(costs)


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
    chosen = np.take_along_axis(costs, sol.path[:, :, None].astype(np.int64), axis=2)[:, :, 0]
    labor = np.zeros((stop - start, len(wages)))
    np.add.at(labor, (np.repeat(np.arange(stop - start), n_stages), sol.path.ravel()), chosen.ravel())
    labor /= np.asarray(wages)[None, :]
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
        threads = 0 if isinstance(executor, SerialExecutor) else 1
    fn = functools.partial(_solve_chunk, problem=problem, distribution=distribution, wages=tuple(np.asarray(wages, float)),
                           n_stages=problem.n_nodes, seed=int(seed), threads=threads)
    parts = executor.map(fn, chunk_ranges(int(n_firms), int(chunk_size)))
    solution, labor = _concat(parts)
    return PopulationResult(solution, labor)
