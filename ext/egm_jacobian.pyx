# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Backward part of the fake-news algorithm: the exact derivative of the EGM step over T horizons.

At the steady state the EGM step is linearized once (``equilibria.household.derivatives``):
with the bracket m of every cash-on-hand point on the endogenous grid fixed,

    dW    = beta P dV_a'                                  (expected marginal value, per a')
    dX_k  = dX_dW_k dW_k                                  (endogenous cash on hand)
    da'_i = free_i slope_i (dx_i - (1 - t_i) dX_m - t_i dX_{m+1})
    dc_i  = dx_i - da'_i,   dV_a,i = dR u'(c_i) - curvature_i dc_i.

Horizon 0 carries the direct shock (dR, dx = dR a + dy); horizon s >= 1 feeds the dV_a of
horizon s - 1 with no direct shock. The NumPy twin is
``equilibria.household.derivatives.EGMDerivative.policy_responses_numpy``.
"""
import numpy as np
cimport numpy as cnp

cnp.import_array()


cdef void _expect(const double[:, ::1] transition, double scale, const double[:, ::1] source,
                  double[:, ::1] out, Py_ssize_t nz, Py_ssize_t n) noexcept nogil:
    """out = scale P source (rows of P with zero weight skipped)."""
    cdef Py_ssize_t z, zp, i
    cdef double p
    for z in range(nz):
        for i in range(n):
            out[z, i] = 0.0
        for zp in range(nz):
            p = scale * transition[z, zp]
            if p == 0.0:
                continue
            for i in range(n):
                out[z, i] += p * source[zp, i]


def policy_responses(const double[:, ::1] transition, double beta,
                     const double[:, ::1] dX_dW, const double[:, ::1] t, const double[:, ::1] slope,
                     const unsigned char[:, ::1] free, const cnp.int64_t[:, ::1] bracket,
                     const double[:, ::1] marginal_c, const double[:, ::1] curvature,
                     const double[::1] grid, const double[::1] dR, const double[:, ::1] dy,
                     const cnp.int64_t[:, ::1] position, double[:, :, ::1] savings,
                     double[:, :, ::1] consumption):
    """Fill ``savings``/``consumption`` (b, T, S) with da', dc for each shock and horizon.

    Point (z, i) is stored in column ``position[z, i]`` (skipped when negative), so a caller
    keeps only the points it needs (say those with mass); ``consumption`` with S = 0 columns is
    not filled. ``bracket[z, i]`` is the lower endogenous node m of point i (0 <= m <= n_a - 2).
    """
    cdef Py_ssize_t b = savings.shape[0], T = savings.shape[1]
    cdef Py_ssize_t nz = position.shape[0], n = position.shape[1]
    cdef Py_ssize_t q, s, z, i, m, c
    cdef bint with_c = consumption.shape[2] > 0
    cdef double dx, da, w
    dva_arr = np.empty((nz, n))
    dX_arr = np.empty((nz, n))
    cdef double[:, ::1] dva = dva_arr
    cdef double[:, ::1] dX = dX_arr
    with nogil:
        for q in range(b):
            # horizon 0: the direct effect of the inputs
            for z in range(nz):
                for i in range(n):
                    dx = dR[q] * grid[i] + dy[q, z]
                    da = slope[z, i] * dx if free[z, i] else 0.0
                    c = position[z, i]
                    if c >= 0:
                        savings[q, 0, c] = da
                        if with_c:
                            consumption[q, 0, c] = dx - da
                    dva[z, i] = dR[q] * marginal_c[z, i] - curvature[z, i] * (dx - da)
            for s in range(1, T):
                # dX = dX_dW * beta P dV_a'
                _expect(transition, beta, dva, dX, nz, n)
                for z in range(nz):
                    for i in range(n):
                        dX[z, i] *= dX_dW[z, i]
                for z in range(nz):
                    for i in range(n):
                        if free[z, i]:
                            m = bracket[z, i]
                            w = t[z, i]
                            da = -slope[z, i] * ((1.0 - w) * dX[z, m] + w * dX[z, m + 1])
                        else:
                            da = 0.0
                        c = position[z, i]
                        if c >= 0:
                            savings[q, s, c] = da
                            if with_c:
                                consumption[q, s, c] = -da
                        dva[z, i] = curvature[z, i] * da
    return savings, consumption


def lottery_expectations(const double[:, ::1] outcome, const double[:, ::1] transition,
                         const cnp.int64_t[:, ::1] index, const double[:, ::1] weight,
                         const double[:, ::1] factor, const cnp.int64_t[:, ::1] position,
                         double[:, ::1] out):
    """Expectation vectors folded with the lottery derivative (fake news of t >= 1).

    With E_0 = outcome and v = P E_k: out[k, position[z, i]] = factor (v[z, i] - v[z, i + 1]) at
    the bracket i of every point (skipped where the position is negative), and
    E_{k+1} = v[z, i + 1] + weight (v[z, i] - v[z, i + 1]), for k = 0..K-1 with K = out.shape[0].
    The NumPy twin is ``equilibria.dynamics.fake_news.lottery_expectations``.
    """
    cdef Py_ssize_t K = out.shape[0], nz = outcome.shape[0], n = outcome.shape[1]
    cdef Py_ssize_t k, z, i, m, c
    cdef double lo, hi
    cur_arr = np.array(outcome, dtype=float, order="C")
    ahead_arr = np.empty((nz, n))
    cdef double[:, ::1] cur = cur_arr
    cdef double[:, ::1] ahead = ahead_arr
    with nogil:
        for k in range(K):
            _expect(transition, 1.0, cur, ahead, nz, n)
            for z in range(nz):
                for i in range(n):
                    m = index[z, i]
                    lo = ahead[z, m]
                    hi = ahead[z, m + 1]
                    c = position[z, i]
                    if c >= 0:
                        out[k, c] = factor[z, i] * (lo - hi)
                    cur[z, i] = hi + weight[z, i] * (lo - hi)
    return out
