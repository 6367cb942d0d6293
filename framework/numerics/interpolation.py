"""Piecewise-linear interpolation on a sorted grid (with linear extrapolation)."""
from __future__ import annotations

import numpy as np

__all__ = ["interp_linear", "locate"]


def locate(grid: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Index ``i`` of the bracketing interval ``[grid[i], grid[i+1]]``, clipped to ``[0, n-2]``."""
    grid = np.asarray(grid, dtype=float)
    return np.clip(np.searchsorted(grid, x, side="right") - 1, 0, grid.size - 2)


def interp_linear(grid, values, x, extrapolate: bool = True) -> np.ndarray:
    """Interpolate ``values`` (defined on ``grid``, last axis) at ``x``.

    Unlike :func:`numpy.interp`, points outside the grid are extrapolated linearly from the end
    intervals (as an EGM needs below the first endogenous grid point) unless ``extrapolate`` is
    false, in which case they are clamped to the end values.
    """
    grid = np.asarray(grid, dtype=float)
    values = np.asarray(values, dtype=float)
    x = np.asarray(x, dtype=float)
    if grid.ndim != 1 or grid.size < 2:
        raise ValueError("grid must be 1-D with at least two points")
    if np.any(np.diff(grid) <= 0):
        raise ValueError("grid must be strictly increasing")
    i = locate(grid, x)
    weight = (x - grid[i]) / (grid[i + 1] - grid[i])
    if not extrapolate:
        weight = np.clip(weight, 0.0, 1.0)
    return values[..., i] + weight * (values[..., i + 1] - values[..., i])
