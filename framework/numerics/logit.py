"""Logit choice probabilities and the log-sum, batched over rows.

:func:`logit` runs the compiled kernel ``equilibria.ext.logit`` (required: there is no silent
pure-Python fallback); :func:`logit_numpy` is its NumPy twin and the specification the tests
compare it with. Both implement eq. (10)-(11) of Waugh (2022)::

    π_j = exp(v_j / σ) / Σ_k exp(v_k / σ),      E max_j (v_j + ε_j) = σ log Σ_k exp(v_k / σ)

(the log-sum omits Euler's constant times σ, as the paper's eq. (11) does).
"""
from __future__ import annotations

import numpy as np

from ..ext import logit as _kernel

__all__ = ["logit", "logit_numpy"]


def logit_numpy(values, scale: float):
    """NumPy twin of :func:`logit`: returns ``(probabilities, logsum)``."""
    values = np.asarray(values, dtype=float)
    if not scale > 0:
        raise ValueError("scale must be positive")
    top = values.max(axis=-1, keepdims=True)
    weights = np.exp((values - top) / scale)
    total = weights.sum(axis=-1, keepdims=True)
    return weights / total, (top + scale * np.log(total))[..., 0]


def logit(values, scale: float, threads: int = 0):
    """Choice probabilities and log-sums of ``values`` (..., choices) at dispersion ``scale``.

    Leading axes are flattened into rows for the kernel and restored on return.
    """
    values = np.asarray(values, dtype=float)
    shape = values.shape
    rows = np.ascontiguousarray(values.reshape(-1, shape[-1]))
    probabilities, logsum = _kernel.logit(rows, float(scale), int(threads))
    return probabilities.reshape(shape), logsum.reshape(shape[:-1])
