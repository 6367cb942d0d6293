"""Simulated calibration of (shape, scale, tau, w) to a distribution of firm sales (sections 5.2-5.4).

Model sales.  A firm with marginal cost ``MC`` sells ``r = D p^{1 - sigma}`` with
``p = sigma/(sigma - 1) MC`` (eq. 11-12) and ``D`` a demand shifter held fixed during the fit
(``demand_shifter``, default 1).  Holding ``D`` fixed is what identifies ``scale``: with the
free-entry ``D`` of section 4.4, sales are ``sigma f_s (MC / MC~)^{1 - sigma}``, which do not
change when every cost and ``tau`` are scaled together, so ``scale`` and ``tau`` would only
be identified through ``tau / scale``.  ``w`` is restricted to ``w >= 1``: relabelling the two
countries maps ``(scale, w)`` to ``(scale w, 1/w)`` with identical sales.

Distances (computed on log sales after dropping the largest ``trim`` share of firms in the data
and in the simulation, as in section 5.4):

* ``kl``: Kullback-Leibler divergence of the simulated from the empirical histogram density
  (linear binning on a common grid over the trimmed data range, simulated mass floored at ``1e-10``);
* ``ks``: Kolmogorov-Smirnov distance between the two empirical CDFs;
* ``cvm``: Cramer-von Mises ``integral (F_n - F)^2 dF`` with ``F`` the simulated CDF.

Simulation uses common random numbers (the firms' uniforms depend only on the seed), chunks
through an executor, and a checkpoint file: every evaluated point is appended to a JSON-lines
file, and a restarted calibration replays them instead of recomputing, so Nelder-Mead (which is
deterministic) resumes where it stopped.  With a parallel executor the starts of a multi-start
fit run at the same time, in threads of the calling process that share the executor; each start's
sequence of points, and so the estimate, is the same as in a serial fit.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from equilibria.errors import ConvergenceError, ParameterError
from equilibria.parallel import SerialExecutor, chunk_ranges, get_executor
from equilibria.results import atomic_write_text

from .firm import FirmProblem
from .population import CostDistribution, draw_costs

__all__ = ["model_log_sales", "distance", "Calibration", "read_sales_csv", "PARAMETER_NAMES"]

PARAMETER_NAMES = ("shape", "scale", "tau", "w")


def _chunk_log_sales(bounds, family, shape, scale, shape2, tau, w, n_stages, trade_costs, tariff, seed, sigma,
                     demand_shifter):
    start, stop = bounds
    dist = CostDistribution(family, shape, scale, shape2)
    costs = draw_costs(dist, (1.0, w), n_stages, seed, start, stop)
    problem = FirmProblem.create(n_stages, trade_costs, tau, None, tariff)
    mc = problem.solve_mc(costs, validate=False, threads=1)
    return np.log(demand_shifter) + (1.0 - sigma) * np.log(sigma / (sigma - 1.0) * mc)


def model_log_sales(theta, *, family="pareto", shape2=1.0, n_stages=10, trade_costs=((0.0, 1.0), (1.0, 0.0)),
                    tariff="unit", n_firms=20000, seed=0, sigma=4.0, demand_shifter=1.0, executor=None,
                    chunk_size=10000):
    """Log sales of ``n_firms`` simulated firms at ``theta = (shape, scale, tau, w)``, in firm order."""
    shape, scale, tau, w = (float(v) for v in theta)
    fn = functools.partial(_chunk_log_sales, family=family, shape=shape, scale=scale, shape2=shape2, tau=tau, w=w,
                           n_stages=n_stages, trade_costs=np.asarray(trade_costs, float), tariff=tariff, seed=seed,
                           sigma=sigma, demand_shifter=demand_shifter)
    executor = SerialExecutor() if executor is None else get_executor(executor)
    return np.concatenate(executor.map(fn, chunk_ranges(int(n_firms), int(chunk_size))))


def trim_largest(x, share):
    """Drop the largest ``share`` of observations (section 5.4 trims the top 5%)."""
    x = np.sort(np.asarray(x, dtype=float))
    keep = int(np.floor(x.size * (1.0 - share)))
    return x[:max(keep, 1)]


def _linear_binning(x, lo, hi, bins):
    """Histogram on ``bins + 1`` grid points with linear binning (mass split between neighbours).

    Unlike counts in bins, the result is continuous in every observation, so the KL objective
    moves smoothly with the parameters under common random numbers.  Points outside
    ``[lo, hi]`` are dropped.
    """
    x = x[(x >= lo) & (x <= hi)]
    pos = (x - lo) / (hi - lo) * bins
    left = np.minimum(np.floor(pos).astype(np.int64), bins - 1)
    frac = pos - left
    mass = np.bincount(left, weights=1.0 - frac, minlength=bins + 1) + np.bincount(left + 1, weights=frac,
                                                                                  minlength=bins + 1)
    return mass / max(x.size, 1)


def distance(data_log_sales, model_log_sales_, measure="kl", bins=50):
    """Distance between two (trimmed, sorted) samples of log sales: ``kl``, ``ks`` or ``cvm``."""
    d = np.sort(np.asarray(data_log_sales, float))
    m = np.sort(np.asarray(model_log_sales_, float))
    if measure == "kl":
        lo, hi = d[0], d[-1]
        p = _linear_binning(d, lo, hi, bins)
        q = np.maximum(_linear_binning(m, lo, hi, bins), 1e-10)
        mask = p > 0
        return float(np.sum(p[mask] * np.log(p[mask] / q[mask])))
    if measure == "ks":
        grid = np.concatenate([d, m])
        Fd = np.searchsorted(d, grid, side="right") / d.size
        Fm = np.searchsorted(m, grid, side="right") / m.size
        return float(np.max(np.abs(Fd - Fm)))
    if measure == "cvm":
        Fd = np.searchsorted(d, m, side="right") / d.size
        Fm = (np.arange(m.size) + 1.0) / m.size
        return float(np.mean((Fd - Fm) ** 2))
    raise ParameterError("measure", "must be 'kl', 'ks' or 'cvm'", measure)


OBJECTIVE_VERSION = 1
"""Changes whenever the simulated objective changes (a checkpoint of another version is not replayed)."""


def objective_fingerprint(data, measure, trim, model) -> str:
    """SHA-256 of everything that determines the objective's value at a point.

    The trimmed data, the distance and trimming, the model's settings (distribution, stages,
    trade costs, tariff, firms, seed, sigma, demand shifter) and :data:`OBJECTIVE_VERSION`;
    not how the work is split (``chunk_size``), which does not change a value.
    """
    import hashlib

    settings = {k: (np.asarray(v, float).tolist() if isinstance(v, (np.ndarray, list, tuple)) else v)
                for k, v in sorted(model.items()) if k != "chunk_size"}
    digest = hashlib.sha256()
    digest.update(json.dumps({"version": OBJECTIVE_VERSION, "measure": measure, "trim": float(trim),
                              "model": settings}, sort_keys=True, default=str).encode())
    digest.update(np.ascontiguousarray(np.asarray(data, dtype=np.float64)).tobytes())
    return digest.hexdigest()


def _header(line: str):
    try:
        head = json.loads(line)
    except json.JSONDecodeError:
        return None
    return head.get("fingerprint") if isinstance(head, dict) else None


def read_sales_csv(path) -> np.ndarray:
    """Firm sales from a CSV file: one column of positive numbers (a header line is allowed)."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError("data", "file does not exist", str(path))
    values = []
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ParameterError("data", f"cannot be read ({exc.strerror or exc})", str(path)) from None
    except UnicodeDecodeError as exc:
        raise ParameterError("data", f"is not UTF-8 text (byte {exc.start})", str(path)) from None
    for k, line in enumerate(text.splitlines()):
        cell = line.split(",")[-1].strip()
        if not cell:
            continue
        try:
            values.append(float(cell))
        except ValueError:
            if k == 0:
                continue  # header
            raise ParameterError("data", f"line {k + 1} is not a number", cell) from None
    x = np.asarray(values)
    if x.size < 10:
        raise ParameterError("data", "needs at least 10 firms' sales", x.size)
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ParameterError("data", "sales must be positive finite numbers")
    return x


class Calibration:
    """Minimise the distance between data and simulated sales over ``(shape, scale, tau, w)``.

    Parameters are searched in logs (``w = 1 + exp(u)`` keeps ``w > 1``; see the module notes).
    """

    def __init__(self, data_sales, *, measure="kl", trim=0.05, checkpoint=None, progress=False, executor=None,
                 **model):
        self.data = trim_largest(np.log(np.asarray(data_sales, float)), trim)
        self.measure, self.trim = measure, trim
        self.model = model
        self.executor = executor
        self.progress = progress
        self.checkpoint = Path(checkpoint) if checkpoint else None
        self.cache: dict[str, float] = {}
        self.history: list[dict] = []
        self.replayed = 0
        self._lock = threading.Lock()  # starts may evaluate from several threads
        self._stopped = False
        self.fingerprint = objective_fingerprint(self.data, measure, trim, model)
        self.checkpoint_status = "none"
        if self.checkpoint:
            self._open_checkpoint()

    def _open_checkpoint(self) -> None:
        """Replay the checkpoint if it was written for this objective; otherwise start it afresh.

        The first line holds the fingerprint of the objective (:func:`objective_fingerprint`);
        a file without it, or with another, belongs to another problem and is replaced.
        """
        try:
            lines = self.checkpoint.read_text(encoding="utf-8").splitlines() if self.checkpoint.exists() else []
        except (OSError, UnicodeDecodeError) as exc:
            raise ParameterError("checkpoint", f"cannot be read ({exc})", str(self.checkpoint)) from None
        if lines and _header(lines[0]) == self.fingerprint:
            for line in lines[1:]:
                try:
                    entry = json.loads(line)
                    self.cache[entry["key"]] = float(entry["value"])
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                    continue  # a line cut by an interruption
            self.checkpoint_status = "resumed"
            return
        if lines:
            self.checkpoint_status = "restarted"
            warnings.warn(f"checkpoint {self.checkpoint} was written for another problem (data, model, measure, "
                          f"trim or objective differ); starting afresh", stacklevel=3)
        else:
            self.checkpoint_status = "new"
        self.checkpoint.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.checkpoint, json.dumps({"fingerprint": self.fingerprint}) + "\n")

    @staticmethod
    def to_theta(z):
        z = np.asarray(z, float)
        return np.array([np.exp(z[0]), np.exp(z[1]), np.exp(z[2]), 1.0 + np.exp(z[3])])

    @staticmethod
    def to_z(theta):
        shape, scale, tau, w = theta
        if w <= 1:
            raise ParameterError("w", "the starting relative wage must exceed 1 (w and 1/w are observationally equivalent)", w)
        return np.array([np.log(shape), np.log(scale), np.log(tau), np.log(w - 1.0)])

    def objective_theta(self, theta) -> float:
        sim = model_log_sales(theta, executor=self.executor, **self.model)
        return distance(self.data, trim_largest(sim, self.trim), self.measure)

    def objective(self, z) -> float:
        if self._stopped:
            raise RuntimeError("the calibration was stopped")
        key = json.dumps([float(v) for v in np.asarray(z, float)])
        with self._lock:
            value = self.cache.get(key)
            if value is not None:
                self.replayed += 1
        if value is None:
            value = self.objective_theta(self.to_theta(z))
            with self._lock:
                self.cache[key] = value
                if self.checkpoint:
                    with open(self.checkpoint, "a", encoding="utf-8") as fh:
                        fh.write(json.dumps({"key": key, "theta": self.to_theta(z).tolist(), "value": value}) + "\n")
                        fh.flush()
                        os.fsync(fh.fileno())
        with self._lock:
            self.history.append({"theta": self.to_theta(z).tolist(), "value": value})
            if self.progress:
                best = min(h["value"] for h in self.history)
                print(f"\rcalibration: {len(self.history)} evaluations ({self.replayed} from checkpoint), "
                      f"best {self.measure} = {best:.5g}", end="", file=sys.stderr, flush=True)
        return value

    def _nelder_mead(self, z, maxiter, xatol, fatol, step, restarts):
        from scipy import optimize

        for _ in range(1 + int(restarts)):
            simplex = np.vstack([z] + [z + step * np.eye(z.size)[i] for i in range(z.size)])
            res = optimize.minimize(self.objective, z, method="Nelder-Mead",
                                    options={"maxiter": maxiter, "xatol": xatol, "fatol": fatol,
                                             "initial_simplex": simplex})
            z = res.x
            step = step / 3.0
        return res

    def fit(self, start, maxiter=400, xatol=1e-3, fatol=1e-7, step=0.3, restarts=1, w_starts=(1.25, 1.6, 2.0)):
        """Nelder-Mead from ``start = (shape, scale, tau, w)``; returns a dict with the estimate.

        The initial simplex moves each log-parameter by ``step``; the search is restarted
        ``restarts`` times from the best point (Nelder-Mead stalls on piecewise-flat objectives).
        Multi-start: the search is repeated from ``start`` with ``w`` replaced by each value of
        ``w_starts`` and the best end point is kept.  The KL objective has a local minimum near the
        boundary ``w = 1`` (where the two countries are alike and ``tau`` hardly matters): from
        ``w = 1.1`` Nelder-Mead ends there even on noise-free data, with ``tau`` far from the truth
        (see the plugin docs).  ``w_starts=()`` gives the single-start search.
        """
        t0 = time.perf_counter()
        starts = [tuple(float(v) for v in start)]
        for w in w_starts:
            if not any(abs(w - s[3]) < 1e-12 for s in starts):
                starts.append(starts[0][:3] + (float(w),))
        def search(s):
            return self._nelder_mead(self.to_z(s), maxiter, xatol, fatol, step, restarts)

        parallel = getattr(self.executor, "parallel", False) and len(starts) > 1
        if parallel:  # each start in its own thread; their evaluations share the executor's workers
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=len(starts), thread_name_prefix="calibration-start")
            try:
                results = list(pool.map(search, starts))
            except BaseException:  # an error or Ctrl-C: the other starts stop at their next evaluation
                self._stopped = True
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
        else:
            results = [search(s) for s in starts]
        runs = [(float(res.fun), s, res) for s, res in zip(starts, results)]
        best = min(runs, key=lambda r: r[0])
        res = best[2]
        if self.progress:
            print(file=sys.stderr)
        if not np.isfinite(res.fun):
            raise ConvergenceError("calibration objective is not finite", history=[h["value"] for h in self.history])
        theta = self.to_theta(res.x)
        return {"estimate": dict(zip(PARAMETER_NAMES, theta.tolist())), "distance": float(res.fun),
                "measure": self.measure, "evaluations": len(self.history), "replayed_from_checkpoint": self.replayed,
                "checkpoint_status": self.checkpoint_status,
                "converged": bool(res.success), "message": str(res.message), "seconds": time.perf_counter() - t0,
                "starts": [{"start": dict(zip(PARAMETER_NAMES, r[1])), "distance": r[0],
                            "estimate": dict(zip(PARAMETER_NAMES, self.to_theta(r[2].x).tolist()))} for r in runs]}
