# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The endogenous grid method with an upper envelope for non-concave savings problems (Fella 2014).

NumPy twin (the specification): ``equilibria.household.envelope.envelope_values_numpy``.

For every branch ``b`` (a discrete choice already made, an exogenous state, ...) a continuation
value ``W_b(a')`` and its slope ``W_b'(a')`` are given on a grid of savings ``a'``. Consumption is
``c = m - q a'`` for cash on hand ``m`` and a savings price ``q``; CRRA utility ``u`` with
curvature ``gamma`` (log when gamma == 1). The Euler equation ``u'(c) = W_b'(a') / q`` gives the
endogenous points ``m_e(s) = c_e(s) + q a'_s``; the value of any ``m`` is the best of saving the
least (``a' = a'_0``) and, on every segment [m_e(s), m_e(s+1)] covering ``m`` (the top segment
extended upward), ``u(m - q a') + W`` with ``a'`` and ``W`` linear in ``m`` on the segment. Where
``W`` is not concave the endogenous grid folds and several segments cover ``m``: the best wins.

Only segments that can cover ``m`` are visited: with ``hi[s]`` the largest endogenous point
up to s+1 and ``lo[s]`` the smallest from s on (both non-decreasing in s), a segment covers ``m``
only if ``hi[s] >= m >= lo[s]``; two binary searches give that range (one segment where the grid
does not fold).
"""
import numpy as np
cimport numpy as cnp
from libc.math cimport log, pow, INFINITY

cnp.import_array()


cdef inline double _utility(double c, double gamma) noexcept nogil:
    if gamma == 1.0:
        return log(c)
    return pow(c, 1.0 - gamma) / (1.0 - gamma)


cdef inline Py_ssize_t _first_at_least(const double* x, Py_ssize_t n, double v) noexcept nogil:
    """Smallest s with x[s] >= v (x non-decreasing), n if none."""
    cdef Py_ssize_t lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if x[mid] >= v:
            hi = mid
        else:
            lo = mid + 1
    return lo


cdef inline Py_ssize_t _last_at_most(const double* x, Py_ssize_t n, double v) noexcept nogil:
    """Largest s with x[s] <= v (x non-decreasing), -1 if none."""
    cdef Py_ssize_t lo = 0, hi = n, mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if x[mid] <= v:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def envelope_values(const double[::1] assets, const double[:, ::1] cont, const double[:, ::1] cont_marginal,
                    const double[:, ::1] resources, double price, double gamma):
    """Value and savings at every cash on hand ``resources[b, i]`` of branch b: two (B, n_m) arrays
    (value -inf and savings ``assets[0]`` where ``m - price * assets[0]`` is not positive)."""
    cdef Py_ssize_t nb = resources.shape[0], nm = resources.shape[1], na = assets.shape[0]
    if cont.shape[0] != nb or cont_marginal.shape[0] != nb or cont.shape[1] != na \
            or cont_marginal.shape[1] != na or na < 2:
        raise ValueError("shapes: assets (n_a >= 2); cont, cont_marginal (B, n_a); resources (B, n_m)")
    value_arr = np.empty((nb, nm))
    savings_arr = np.empty((nb, nm))
    cdef double[:, ::1] value = value_arr
    cdef double[:, ::1] savings = savings_arr
    m_arr = np.empty(na)
    hi_arr = np.empty(na - 1)
    lo_arr = np.empty(na - 1)
    cdef double[::1] me = m_arr
    cdef double[::1] hi_run = hi_arr
    cdef double[::1] lo_run = lo_arr
    cdef Py_ssize_t b, i, s, first, last
    cdef double m, bv, ba, t, anext, w, a0 = assets[0], c, v, x0, x1, top, inv = -1.0 / gamma
    with nogil:
        for b in range(nb):
            for s in range(na):
                if gamma == 1.0:
                    me[s] = price / cont_marginal[b, s] + price * assets[s]
                else:
                    me[s] = pow(cont_marginal[b, s] / price, inv) + price * assets[s]
            hi_run[0] = me[0] if me[0] > me[1] else me[1]
            for s in range(1, na - 1):
                hi_run[s] = hi_run[s - 1] if hi_run[s - 1] > me[s + 1] else me[s + 1]
            lo_run[na - 2] = me[na - 2] if me[na - 2] < me[na - 1] else me[na - 1]
            for s in range(na - 3, -1, -1):
                lo_run[s] = lo_run[s + 1] if lo_run[s + 1] < me[s] else me[s]
            top = hi_run[na - 2]
            for i in range(nm):
                m = resources[b, i]
                c = m - price * a0
                if not c > 0:
                    value[b, i] = -INFINITY
                    savings[b, i] = a0
                    continue
                bv = _utility(c, gamma) + cont[b, 0]
                ba = a0
                if m > top:
                    first = na - 2          # only the top segment, extended, reaches above every point
                    last = na - 2 if me[na - 1] > me[na - 2] else na - 3
                else:
                    first = _first_at_least(&hi_run[0], na - 1, m)
                    last = _last_at_most(&lo_run[0], na - 1, m)
                for s in range(first, last + 1):
                    x0 = me[s]
                    x1 = me[s + 1]
                    if x0 == x1:
                        continue
                    if x0 < x1:
                        if m < x0 or (m > x1 and s != na - 2):
                            continue
                    elif m < x1 or m > x0:
                        continue
                    t = (m - x0) / (x1 - x0)
                    if t > 1.0:
                        t = 1.0
                    anext = assets[s] + t * (assets[s + 1] - assets[s])
                    c = m - price * anext
                    if c > 0:
                        v = _utility(c, gamma) + cont[b, s] + t * (cont[b, s + 1] - cont[b, s])
                        if v > bv:
                            bv = v
                            ba = anext
                value[b, i] = bv
                savings[b, i] = ba
    return value_arr, savings_arr
