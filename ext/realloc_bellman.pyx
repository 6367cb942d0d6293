# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The choice-specific values of one Bellman step of the entrepreneur's problem in Yu (2019), eq. (2.23): a grid search over next
capital k'_j and, for each k'_j, the endogenous grid method in savings a' with an upper envelope
where the endogenous grid folds (Fella 2014).

NumPy twin (the specification): ``equilibria.plugins.yu2019_reallocation.entrepreneur.choice_values_numpy``.
For every k'_j the EGM points are ``m_e(a) = 1/(R W_a(a)) + a/R``; the value of resources m is the
best of saving nothing, ``log m + W(0)``, and, on every segment [m_e(s), m_e(s+1)] covering m
(the top segment extended upward), ``log(m - a'/R) + W(a')`` with a' and W interpolated linearly.
``choice_values`` returns the value and savings of every k'_j; the choice among them (a hard
maximum or a logit with small taste shocks) is made in NumPy.
"""
import numpy as np
cimport numpy as cnp
from libc.math cimport log, INFINITY

cnp.import_array()


cdef inline Py_ssize_t _bracket(const double* x, Py_ssize_t n, double v) noexcept nogil:
    """Largest s with x[s] <= v (x increasing, x[0] <= v < x[n-1])."""
    cdef Py_ssize_t lo = 0, hi = n - 1, mid
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if x[mid] <= v:
            lo = mid
        else:
            hi = mid
    return lo


cdef inline void _consider(double m, double anext, double w, double R, double* best_value,
                           double* best_savings) noexcept nogil:
    """Keep saving ``anext`` (continuation ``w``) if it leaves positive consumption and beats the best."""
    cdef double c = m - anext / R, v
    if c > 0:
        v = log(c) + w
        if v > best_value[0]:
            best_value[0] = v
            best_savings[0] = anext


def choice_values(const double[:, :, ::1] cont, const double[:, :, ::1] cont_marginal,
                  const double[:, :, ::1] resources, const double[:, ::1] cost,
                  const double[::1] assets, double R):
    """Value and savings of every next capital k'_j at every state: two (n_z, n_k, n_a, n_k') arrays
    (value -inf where resources after h(k'_j, k) are not positive)."""
    cdef Py_ssize_t nz = resources.shape[0], nk = resources.shape[1], na = resources.shape[2]
    if cont.shape[0] != nz or cont.shape[1] != nk or cont.shape[2] != na or cost.shape[0] != nk \
            or cost.shape[1] != nk or assets.shape[0] != na or cont_marginal.shape[0] != nz \
            or cont_marginal.shape[1] != nk or cont_marginal.shape[2] != na or na < 2:
        raise ValueError("shapes: cont, cont_marginal, resources (n_z, n_k, n_a); cost (n_k, n_k); assets (n_a)")
    value_arr = np.full((nz, nk, na, nk), -np.inf)
    savings_arr = np.zeros((nz, nk, na, nk))
    cdef double[:, :, :, ::1] value = value_arr
    cdef double[:, :, :, ::1] savings = savings_arr
    m_endog_arr = np.empty(na)
    cdef double[::1] m_endog = m_endog_arr
    cdef Py_ssize_t z, j, k, a, s
    cdef bint monotone, covers
    cdef double w0, h, m, bv, ba, t, anext, w, lo, hi
    with nogil:
        for z in range(nz):
            for j in range(nk):
                monotone = True
                for s in range(na):
                    m_endog[s] = 1.0 / (R * cont_marginal[z, j, s]) + assets[s] / R
                for s in range(na - 1):
                    if not m_endog[s + 1] > m_endog[s]:
                        monotone = False
                w0 = cont[z, j, 0]
                for k in range(nk):
                    h = cost[k, j]
                    for a in range(na):
                        m = resources[z, k, a] - h
                        if not m > 0:
                            continue
                        bv = log(m) + w0
                        ba = 0.0
                        if monotone:
                            if m > m_endog[0]:
                                if m >= m_endog[na - 1]:
                                    anext = assets[na - 1]
                                    w = cont[z, j, na - 1]
                                else:
                                    s = _bracket(&m_endog[0], na, m)
                                    t = (m - m_endog[s]) / (m_endog[s + 1] - m_endog[s])
                                    anext = assets[s] + t * (assets[s + 1] - assets[s])
                                    w = cont[z, j, s] + t * (cont[z, j, s + 1] - cont[z, j, s])
                                _consider(m, anext, w, R, &bv, &ba)
                        else:
                            for s in range(na - 1):
                                lo = m_endog[s]
                                hi = m_endog[s + 1]
                                if hi == lo:
                                    continue
                                if lo < hi:
                                    covers = m >= lo and (m <= hi or s == na - 2)
                                else:
                                    covers = m >= hi and m <= lo
                                if not covers:
                                    continue
                                t = (m - lo) / (hi - lo)
                                if t > 1.0:
                                    t = 1.0
                                anext = assets[s] + t * (assets[s + 1] - assets[s])
                                w = cont[z, j, s] + t * (cont[z, j, s + 1] - cont[z, j, s])
                                _consider(m, anext, w, R, &bv, &ba)
                        value[z, k, a, j] = bv
                        savings[z, k, a, j] = ba
    return value_arr, savings_arr
