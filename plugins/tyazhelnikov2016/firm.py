"""The firm's cost-minimisation problem of Tyazhelnikov (2016), section 2, for many firms at once.

:func:`solve_firms` is the entry point: it validates the inputs, puts the nodes in
topological order, builds the per-node step matrices and calls the batched Cython kernel
(:mod:`equilibria.ext.tyaz_dp`) or its NumPy twin.  Supported:

* the snake (eq. 1-2) and any tree given as a parent array (eq. 5-6), assembly nodes of any
  arity;
* per-unit trade costs ``tau T(j, k)`` (eq. 1, 5) and ad-valorem tariffs / iceberg costs,
  where a crossing costs ``tau T(j, k)`` times the value of the good crossing (eq. 7-9);
* stage-dependent multipliers ``tau_v`` (section 2.1.2: ``tau`` may be one number per node,
  the multiplier of the crossing out of that node into its parent);
* a destination ``d`` with final-good shipment cost ``tau^F T^F(c_final, d)`` (section 3.3).

Indices are 0-based; ``trade_costs[j, k]`` is the cost of moving a part from country ``j``
(upstream node) to country ``k`` (the node it goes into).
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria.errors import ParameterError

from .reference import solve_tree_numpy
from .technology import Technology

__all__ = ["FirmSolution", "FirmProblem", "solve_firms", "TARIFFS"]

TARIFFS = ("unit", "ad_valorem")


@attrs.frozen(eq=False)
class FirmSolution:
    """Solutions of a batch of firms (arrays with one entry per firm).

    Attributes
    ----------
    mc : (F,) minimal marginal cost (eq. 1, 5, 7; plus the final shipment of section 3.3)
    path : (F, N) int32, optimal country of every node (user's node numbering)
    ntmc : (F,) non-transport marginal cost ``sum_v a_v(c_v)`` (section 3.1)
    tq : (F,) transport quantity: ``sum T(c_v, c_parent)`` over crossings (unit costs) or
         ``sum T(c_v, c_parent) * value_v`` (ad-valorem: value of the good crossing)
    trade_cost : (F,) total trade cost of intermediate crossings, ``TTMC``; equal to
         ``tau * tq`` for a scalar ``tau``
    final_cost : (F,) shipment cost of the final good to the destination
    crossings : (F,) int32, number of border crossings of intermediate goods
    """

    mc: np.ndarray
    path: np.ndarray
    ntmc: np.ndarray
    tq: np.ndarray
    trade_cost: np.ndarray
    final_cost: np.ndarray
    crossings: np.ndarray

    def __len__(self):
        return int(self.mc.shape[0])

    def firm(self, k: int = 0) -> dict:
        """One firm's solution as plain Python numbers."""
        return {
            "marginal_cost": float(self.mc[k]),
            "path": [int(c) for c in self.path[k]],
            "ntmc": float(self.ntmc[k]),
            "tq": float(self.tq[k]),
            "trade_cost": float(self.trade_cost[k]),
            "final_cost": float(self.final_cost[k]),
            "crossings": int(self.crossings[k]),
        }


def _require_finite_nonnegative(array, name, value):
    """ParameterError naming ``name`` if ``array`` has NaN, infinite or negative entries."""
    if np.isnan(array).any():
        raise ParameterError(name, "must not contain NaN", value)
    if not np.isfinite(array).all():
        raise ParameterError(name, "must be finite", value)
    if (array < 0).any():
        raise ParameterError(name, "must be non-negative", value)


def _require_finite_mc(mc):
    if np.isnan(mc).any():
        raise ParameterError("costs", "gave a NaN marginal cost (NaN costs?)")


def _matrix(value, name, n=None):
    try:
        out = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a square matrix of numbers", value) from None
    if out.ndim != 2 or out.shape[0] != out.shape[1]:
        raise ParameterError(name, "must be a square matrix (countries x countries)", value)
    if n is not None and out.shape[0] != n:
        raise ParameterError(name, f"must be {n} x {n} (one row and column per country)", value)
    _require_finite_nonnegative(out, name, value)
    if np.any(np.diag(out) != 0):
        raise ParameterError(name, "must have a zero diagonal (no cost of staying in a country)", value)
    return out


def _multiplier(value, name, n_nodes):
    try:
        out = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a number or one number per node", value) from None
    if out.ndim > 1 or (out.ndim == 1 and out.size != n_nodes):
        raise ParameterError(name, f"must be a number or one number per node ({n_nodes})", value)
    _require_finite_nonnegative(out, name, value)
    return np.broadcast_to(out, (n_nodes,)).astype(float)


@attrs.frozen(eq=False)
class FirmProblem:
    """Validated technology and trade costs shared by a batch of firms.

    Build it with :meth:`create`; then :meth:`solve` any ``(F, N, M)`` array of costs.
    """

    technology: Technology
    trade_costs: np.ndarray
    tau: np.ndarray  # (N,) user numbering
    tariff: str
    final: np.ndarray  # (M,) tau^F T^F(c, d), zeros without destination
    step: np.ndarray  # (N, M, M) kernel numbering

    @classmethod
    def create(cls, n_nodes, trade_costs, tau, parents=None, tariff="unit", destination=None,
               final_trade_costs=None, tau_final=None) -> "FirmProblem":
        """Validate everything except the costs.

        ``final_trade_costs`` defaults to ``trade_costs`` and ``tau_final`` to ``tau`` (when
        ``tau`` is a single number) once a ``destination`` is given.
        """
        T = _matrix(trade_costs, "trade_costs")
        M = T.shape[0]
        if tariff not in TARIFFS:
            raise ParameterError("tariff", f"must be one of {', '.join(TARIFFS)}", tariff)
        tech = Technology.chain(n_nodes) if parents is None else Technology.from_parents(parents, n_nodes)
        tau_v = _multiplier(tau, "tau", n_nodes)
        final = np.zeros(M)
        if destination is not None:
            if isinstance(destination, bool) or not isinstance(destination, (int, np.integer)):
                raise ParameterError("destination", "must be a country index (integer)", destination)
            if not 0 <= int(destination) < M:
                raise ParameterError("destination", f"must be a country index in [0, {M - 1}]", destination)
            TF = T if final_trade_costs is None else _matrix(final_trade_costs, "final_trade_costs", M)
            if tau_final is None:
                if np.ndim(tau) != 0:
                    raise ParameterError("tau_final", "must be given when tau differs across nodes", tau_final)
                tau_final = float(tau)
            tf = _multiplier(tau_final, "tau_final", 1)[0]
            final = tf * TF[:, int(destination)]
        elif final_trade_costs is not None or tau_final is not None:
            raise ParameterError("destination", "must be given with final_trade_costs or tau_final", destination)
        tau_sorted = tau_v[tech.order]
        step = tau_sorted[:, None, None] * T[None, :, :]
        if tariff == "ad_valorem":
            step = step + 1.0
        return cls(tech, T, tau_v, tariff, final, np.ascontiguousarray(step))

    @property
    def n_nodes(self) -> int:
        return self.technology.n_nodes

    @property
    def n_countries(self) -> int:
        return int(self.trade_costs.shape[0])

    def check_costs(self, costs, name="costs", values=True, firms_last=False) -> np.ndarray:
        """Validate an ``(F, N, M)`` (or ``(N, M)``) array of production costs — ``(N, M, F)`` with
        ``firms_last`` — : its shape and, with ``values``, that every entry is finite and
        non-negative (a pass over the array).  Returns it as a 3-d float64 array."""
        try:
            a = np.asarray(costs, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError(name, "must be an array of numbers", costs) from None
        if a.ndim == 2:
            a = a[:, :, None] if firms_last else a[None]
        nodes_countries = a.shape[:2] if firms_last else a.shape[1:]
        if a.ndim != 3 or nodes_countries != (self.n_nodes, self.n_countries):
            wanted = (f"({self.n_nodes}, {self.n_countries}, firms) (nodes x countries x firms)" if firms_last
                      else f"(firms, {self.n_nodes}, {self.n_countries}) (nodes x countries per firm)")
            raise ParameterError(name, f"must have shape {wanted}", getattr(a, "shape", costs))
        if values:
            _require_finite_nonnegative(a, name, costs)
        return a

    def _kernel_arguments(self, costs, validate, scan_values=True, firms_last=False):
        """The kernel's positional arguments: costs in topological node order, C-contiguous."""
        if validate:
            a = self.check_costs(costs, values=scan_values, firms_last=firms_last)
        else:
            a = np.asarray(costs, dtype=np.float64)
            if a.ndim == 2:
                a = a[:, :, None] if firms_last else a[None]
        tech = self.technology
        if not tech.is_identity:
            a = a[tech.order] if firms_last else a[:, tech.order, :]
        return (np.ascontiguousarray(a), self.step, np.ascontiguousarray(self.trade_costs), tech.sorted_parents,
                np.ascontiguousarray(self.final), self.tariff == "ad_valorem")

    def _run_kernel(self, args, block, threads, stats=True, user_costs=None, firms_last=False) -> dict:
        """Run the compiled kernel.  With ``user_costs`` (the caller's array, shape already
        checked) the kernel also checks that every cost is finite and non-negative while it
        reads them, instead of a separate pass over the array; if one is not, the full check
        runs to name the problem."""
        from equilibria.ext.tyaz_dp import solve_tree_batch
        try:
            out = solve_tree_batch(*args, block=_kernel_block(block), threads=threads, stats=stats, firms_last=firms_last,
                                   finite_nonnegative=user_costs is not None)
        except ValueError as exc:
            if user_costs is not None:
                self.check_costs(user_costs, firms_last=firms_last)
            raise ParameterError("costs", str(exc)) from None
        return out

    def solve(self, costs, backend="cython", threads=0, block=None, validate=True, firms_last=False) -> FirmSolution:
        """Solve every firm's problem; ``costs`` is ``(F, N, M)`` in the user's node numbering.

        ``backend`` is ``"cython"`` (the compiled kernel) or ``"numpy"`` (its twin).
        ``validate=False`` skips the checks on ``costs`` (for arrays built internally).
        ``firms_last=True`` takes ``costs`` as ``(N, M, F)`` instead (no transpose inside the
        kernel; which layout is faster depends on the machine and M: docs/benchmarks.md).
        ``block`` is the number of firms solved together (``None``: the kernel's choice for the
        layout).
        """
        if backend not in ("cython", "numpy"):
            raise ParameterError("backend", "must be 'cython' or 'numpy'", backend)
        _kernel_block(block)  # a bad block is an error whichever backend runs
        if backend == "cython":
            args = self._kernel_arguments(costs, validate, scan_values=False, firms_last=firms_last)
            out = self._run_kernel(args, block, threads, user_costs=costs if validate else None, firms_last=firms_last)
        else:
            args = self._kernel_arguments(costs, validate, firms_last=firms_last)
            if firms_last:
                args = (np.ascontiguousarray(args[0].transpose(2, 0, 1)),) + args[1:]
            out = solve_tree_numpy(*args)
        _require_finite_mc(out["mc"])
        path = out["path"]
        tech = self.technology
        if not tech.is_identity:
            unsorted = np.empty_like(path)
            unsorted[:, tech.order] = path
            path = unsorted
        return FirmSolution(mc=out["mc"], path=path.astype(np.int32, copy=False), ntmc=out["ntmc"], tq=out["tq"],
                            trade_cost=out["trade_cost"], final_cost=out["final_cost"],
                            crossings=out["crossings"].astype(np.int32, copy=False))

    def solve_mc(self, costs, backend="cython", threads=0, block=None, validate=True, firms_last=False) -> np.ndarray:
        """Only the minimal marginal costs (no backtracking, no paths or path statistics).

        Equal, bit for bit, to ``solve(...).mc``; cheaper when nothing else is needed (the
        calibration's sales depend on ``MC`` alone).
        """
        if backend != "cython":
            return self.solve(costs, backend=backend, threads=threads, block=block, validate=validate,
                              firms_last=firms_last).mc
        args = self._kernel_arguments(costs, validate, scan_values=False, firms_last=firms_last)
        out = self._run_kernel(args, block, threads, stats=False, user_costs=costs if validate else None,
                               firms_last=firms_last)
        _require_finite_mc(out["mc"])
        return out["mc"]

    def evaluate(self, costs, paths) -> dict:
        """Cost of given paths (eq. 1/5 or 7-8) under this problem's trade costs."""
        from .reference import evaluate_paths
        return evaluate_paths(costs, paths, self.technology.parents, self.trade_costs, self.tau,
                              self.tariff, self.final)


def _kernel_block(block) -> int:
    """The kernel's ``block`` argument: ``None`` lets the kernel choose by layout (0)."""
    if block is None:
        return 0
    if isinstance(block, (bool, np.bool_)) or not isinstance(block, (int, np.integer)) or block < 1:
        raise ParameterError("block", "must be a positive number of firms per block, or None for the kernel's choice",
                             block)
    return int(block)


def solve_firms(costs, trade_costs, tau, parents=None, tariff="unit", destination=None,
                final_trade_costs=None, tau_final=None, backend="cython", threads=0, block=None,
                validate=True, firms_last=False) -> FirmSolution:
    """Solve the problems of a batch of firms (section 2 of Tyazhelnikov 2016).

    Parameters
    ----------
    costs : (F, N, M) or (N, M) array; (N, M, F) with ``firms_last=True``
        Production costs ``a_v(j)`` of node ``v`` in country ``j`` for each firm; for a chain the
        nodes are the stages in production order.
    trade_costs : (M, M) array
        ``T(j, k)``, zero diagonal.
    tau : float or (N,) array
        Trade-cost multiplier, or one per node (the crossing out of that node).
    parents : (N,) int array, optional
        Tree technology; default the chain.
    tariff : ``"unit"`` or ``"ad_valorem"``
    destination, final_trade_costs, tau_final : optional, section 3.3.
    backend : ``"cython"`` or ``"numpy"``
    """
    a = np.asarray(costs) if not isinstance(costs, np.ndarray) else costs
    n_nodes = (a.shape[0] if firms_last else a.shape[-2]) if a.ndim >= 2 else None
    if n_nodes is None:
        raise ParameterError("costs", "must be a (nodes x countries) or (firms x nodes x countries) array", costs)
    problem = FirmProblem.create(n_nodes, trade_costs, tau, parents, tariff, destination, final_trade_costs, tau_final)
    return problem.solve(costs, backend=backend, threads=threads, block=block, validate=validate,
                         firms_last=firms_last)
