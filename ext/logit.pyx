# cython: language_level=3
"""Batched logit choice probabilities and the log-sum (eq. (10)-(11) of Waugh 2022).

For every row r of ``values`` (rows x choices) and dispersion ``scale`` (σ_ε):

    probabilities[r, j] = exp(values[r, j] / σ) / Σ_k exp(values[r, k] / σ)
    logsum[r]           = σ log Σ_k exp(values[r, k] / σ)

computed stably by subtracting each row's maximum first. Blocks of rows are split over threads
with ``prange`` when the call has at least ``PARALLEL_MIN_WORK`` entries (``equilibria.threads``).
The NumPy twin is :func:`equilibria.numerics.logit.logit_numpy`.
"""
import numpy as np
cimport cython
from cython.parallel cimport prange
from libc.math cimport exp, log, isnan

from equilibria.threads import team_size

PARALLEL_MIN_WORK = 65536
"""Entries (rows x choices) from which a call runs on a team of threads (docs/benchmarks.md)."""


cdef extern from "vecmath.h":
    void eq_exp_scaled_inplace(double* x, Py_ssize_t n, double factor) noexcept nogil


@cython.boundscheck(False)
@cython.wraparound(False)
cdef int _rows(const double[:, ::1] values, double inv_scale, double scale,
               double[:, ::1] probabilities, double[::1] logsum,
               Py_ssize_t start, Py_ssize_t stop) noexcept nogil:
    """Rows ``start:stop``: shift by the row maximum, exponentiate in one flat (vectorized) pass,
    normalize; returns 1 if a log-sum is NaN."""
    cdef Py_ssize_t r, j, m = values.shape[1]
    cdef double top, total, inv_total
    cdef int bad = 0
    if stop <= start:
        return 0
    for r in range(start, stop):
        top = values[r, 0]
        for j in range(1, m):
            if values[r, j] > top:
                top = values[r, j]
        logsum[r] = top
        for j in range(m):
            probabilities[r, j] = values[r, j] - top
    eq_exp_scaled_inplace(&probabilities[start, 0], (stop - start) * m, inv_scale)
    for r in range(start, stop):
        total = 0.0
        for j in range(m):
            total = total + probabilities[r, j]
        inv_total = 1.0 / total
        for j in range(m):
            probabilities[r, j] = probabilities[r, j] * inv_total
        logsum[r] = logsum[r] + scale * log(total)
        if isnan(logsum[r]):
            bad = 1
    return bad


@cython.boundscheck(False)
@cython.wraparound(False)
def logit(const double[:, ::1] values, double scale, int threads=0):
    """Choice probabilities (rows x choices) and log-sums (rows) of a batch of choice values.

    Parameters
    ----------
    values : C-contiguous float64 array (rows, choices)
    scale : float
        Dispersion σ_ε > 0 of the type-I extreme-value shocks.
    threads : int
        OpenMP threads; 0 (the default): one below ``PARALLEL_MIN_WORK`` entries, else the
        threads setting of :mod:`equilibria.threads`.
    """
    if not scale > 0:
        raise ValueError("scale must be positive")
    cdef Py_ssize_t n = values.shape[0], m = values.shape[1]
    if m < 1:
        raise ValueError("need at least one choice")
    probabilities_arr = np.empty((n, m), dtype=np.float64)
    logsum_arr = np.empty(n, dtype=np.float64)
    cdef double[:, ::1] probabilities = probabilities_arr
    cdef double[::1] logsum = logsum_arr
    cdef double inv_scale = 1.0 / scale
    cdef Py_ssize_t block = 1024, nblocks = (n + block - 1) // block, b
    cdef int bad = 0
    cdef int nthreads = <int> min(team_size(n * m, PARALLEL_MIN_WORK, threads), max(nblocks, 1))
    if nthreads <= 1:  # no OpenMP team at all
        with nogil:
            for b in range(nblocks):
                bad |= _rows(values, inv_scale, scale, probabilities, logsum, b * block, min((b + 1) * block, n))
    else:
        for b in prange(nblocks, nogil=True, schedule="static", num_threads=nthreads):
            bad |= _rows(values, inv_scale, scale, probabilities, logsum, b * block, min((b + 1) * block, n))
    if bad:
        raise FloatingPointError("NaN in logit log-sum (NaN or infinite choice values)")
    return probabilities_arr, logsum_arr
