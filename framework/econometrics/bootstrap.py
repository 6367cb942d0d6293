"""Bootstrap and Monte Carlo distributions of VAR impulse responses, through the core executors.

Draw ``b`` resamples the fitted VAR's residuals (``method="residual"``) or draws Gaussian
innovations with covariance Σ (``"gaussian"``), simulates an artificial sample from the actual
initial values, re-fits the VAR and records the recursive responses. Draw ``b`` uses the
generator ``default_rng(SeedSequence([seed, b]))``, so the draws do not depend on the executor
or on how they are chunked (:mod:`equilibria.parallel`).
"""
from __future__ import annotations

from functools import partial

import numpy as np

from ..errors import ParameterError
from ..parallel import get_executor, map_chunks
from .var import VAR, fit_var

__all__ = ["bootstrap_irfs", "irf_bands"]


def _draw(var: VAR, shock, horizon, impact, method, seed, b) -> np.ndarray:
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(b)]))
    p = var.lags
    T = var.residuals.shape[0]
    if method == "residual":
        centered = var.residuals - var.residuals.mean(axis=0)
        innovations = centered[rng.integers(0, T, size=T)]
    else:
        innovations = rng.standard_normal((T, var.n)) @ np.linalg.cholesky(var.sigma).T
    sample = np.vstack([var.data[:p], var.simulate(innovations, var.data[:p])])
    return fit_var(sample, p).recursive_irf(shock, horizon, impact)


def _chunk(var, shock, horizon, impact, method, seed, bounds):
    start, stop = bounds
    return np.stack([_draw(var, shock, horizon, impact, method, seed, b) for b in range(start, stop)])


def bootstrap_irfs(var: VAR, shock: int, horizon: int, draws: int, seed: int, impact: float | None = None,
                   method: str = "residual", executor=None, chunk_size: int = 250) -> np.ndarray:
    """(draws, horizon, n) recursive responses on artificial samples from the fitted ``var``."""
    if method not in ("residual", "gaussian"):
        raise ParameterError("method", "must be 'residual' or 'gaussian'", method)
    if draws < 1:
        raise ParameterError("draws", "must be at least 1", draws)
    executor = get_executor(executor)
    work = partial(_chunk, var, shock, horizon, impact, method, seed)
    return np.concatenate(map_chunks(executor, work, draws, chunk_size), axis=0)


def irf_bands(draws: np.ndarray, coverage: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise percentile bands ``(lower, upper)`` of bootstrap responses."""
    tail = 50.0 * (1.0 - coverage)
    return np.percentile(draws, tail, axis=0), np.percentile(draws, 100.0 - tail, axis=0)
