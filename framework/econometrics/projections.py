"""Local projections (Jordà 2005) with recursive identification.

For horizon ``h`` the response of ``y_i`` to the shock in variable ``j`` is the coefficient on
``y_{j,t}`` in the regression of ``y_{i,t+h}`` on a constant, the variables ordered before ``j``
at ``t``, and ``lags`` lags of every variable — then scaled like the VAR's recursive shock (one
standard deviation of the orthogonalized innovation, or ``impact`` on the shocked variable).
"""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError

__all__ = ["local_projections"]


def local_projections(data, shock: int, horizon: int, lags: int, impact: float | None = None) -> np.ndarray:
    """(horizon, n) local-projection responses to the recursive shock in column ``shock``."""
    data = np.asarray(data, dtype=float)
    T, n = data.shape
    if not 0 <= shock < n:
        raise ParameterError("shock", f"must index a column (0..{n - 1})", shock)
    rows = np.arange(lags, T)
    lagged = np.hstack([data[rows - k] for k in range(1, lags + 1)])
    contemporaneous = data[rows][:, :shock + 1]
    X = np.column_stack([np.ones(len(rows)), contemporaneous, lagged])
    column = 1 + shock
    # the size of the orthogonalized shock: residual s.d. of y_j given predecessors and lags
    beta, *_ = np.linalg.lstsq(np.delete(X, column, axis=1), data[rows, shock], rcond=None)
    resid = data[rows, shock] - np.delete(X, column, axis=1) @ beta
    size = float(np.sqrt(resid @ resid / (len(rows) - X.shape[1] + 1))) if impact is None else float(impact)
    out = np.full((horizon, n), np.nan)
    for h in range(horizon):
        keep = rows + h < T
        Xh = X[keep]
        Yh = data[rows[keep] + h]
        coef, *_ = np.linalg.lstsq(Xh, Yh, rcond=None)
        out[h] = coef[column] * size
    return out
