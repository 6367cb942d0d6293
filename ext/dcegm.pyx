# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -march=native
"""Discrete-choice endogenous grid method (DC-EGM) for a savings problem with logit choices.

A household with assets ``a`` on a grid (the first grid point is the borrowing limit) and an
exogenous Markov state ``z`` (income ``income[z]``) picks one of ``M`` options, option ``j``
costing ``prices[j]`` per unit of consumption, after additive type-1 extreme-value taste
shocks with dispersion ``sigma``; conditional on the option it chooses next period's assets::

    v_j(a, z) = max_{a'} u((R a + income[z] - a') / prices[j]) + beta E[V(a', z') | z]
    V(a, z)   = sigma log sum_j exp(v_j(a, z) / sigma)           (log-sum, numerically stable)
    u(c)      = c^(1-gamma) / (1-gamma)   (log c when gamma == 1)

This is eq. (8)-(11) of Waugh (2022), "Heterogeneous Agent Trade", solved by the method of his
Appendix B, eq. (64)-(73): the generalized Euler equation (70)-(71)

    u'(c_j) / p_j = max{ beta E[ dV/da'(a', z') ], at the borrowing limit }
    dV/da (a, z)  = R sum_j pi_j(a, z) u'(c_j(a, z)) / p_j                          (69)

is inverted on the exogenous grid of a' (the endogenous grid of cash on hand), the policy and
the choice-specific value are interpolated back onto the asset grid, and points whose cash on
hand is below the first endogenous point are constrained (a' = grid[0], eq. 71).

The spending ``e_j = p_j c_j`` implied by the Euler equation is ``p_j^(1-1/gamma) * W_a^(-1/gamma)``,
so the power is taken once per grid point and shared by every option (the "side note" after
eq. 72). Values are iterated in relative form (a constant is subtracted each step, which changes
neither policies nor choice probabilities) and the level is restored at the end: if T(V) = V +
delta at the fixed point then the true value is V + delta / (1 - beta).

The NumPy twin is ``equilibria.plugins.waugh2022.household.egm_step_numpy``; tests compare them.
"""
import numpy as np
cimport numpy as cnp
from cython.parallel cimport prange
from libc.string cimport memcpy

# BLAS dgemm through SciPy's Cython interface (SciPy is a build requirement, see pyproject.toml)
from scipy.linalg.cython_blas cimport dgemm
from libc.math cimport pow, exp, log, fabs, sqrt, fmax

cnp.import_array()

# declares exp, log and pow as OpenMP SIMD functions where glibc's libmvec provides them
# (setup.py defines EQUILIBRIA_LIBMVEC), so the power loops below are vectorised
cdef extern from "vecmath.h":
    void eq_successive_differences(const double* x0, const double* x1, const double* x2,
                                   Py_ssize_t n, double* out) noexcept nogil


cdef inline double _utility(double c, double gamma) noexcept nogil:
    if gamma == 1.0:
        return log(c)
    return pow(c, 1.0 - gamma) / (1.0 - gamma)


cdef int _special_powers = 1


def set_special_powers(bint enabled):
    """Enable (default) or disable the exact fast paths for exponents -1/2, -1 and -2.

    Disabling them forces the general exp(expo * log(x)) path, as used for any other
    coefficient of relative risk aversion; benchmarks use it to time "any CRRA".
    """
    global _special_powers
    _special_powers = 1 if enabled else 0


cdef void _power(double* out, const double* x, double scale, double expo, Py_ssize_t n) noexcept nogil:
    """out[k] = scale * x[k] ** expo (plain loops the compiler vectorises)."""
    cdef Py_ssize_t k
    if _special_powers and expo == -0.5:
        for k in range(n):
            out[k] = scale / sqrt(x[k])
    elif _special_powers and expo == -1.0:
        for k in range(n):
            out[k] = scale / x[k]
    elif _special_powers and expo == -2.0:
        for k in range(n):
            out[k] = scale / (x[k] * x[k])
    else:
        # two passes: measured faster than the fused exp(expo * log(x)) with glibc's libmvec
        for k in range(n):
            out[k] = expo * log(x[k])
        for k in range(n):
            out[k] = scale * exp(out[k])


cdef void _utility_plus(double* out, const double* spend, double price, double gamma,
                        const double* cont, Py_ssize_t n) noexcept nogil:
    """out[k] = u(spend[k] / price) + cont[k] (eq. 73 at the endogenous points)."""
    cdef Py_ssize_t k
    cdef double inv_price = 1.0 / price, f = 1.0 / (1.0 - gamma) if gamma != 1.0 else 0.0
    if gamma == 1.0:
        for k in range(n):
            out[k] = log(spend[k] * inv_price) + cont[k]
    else:
        for k in range(n):
            out[k] = f * pow(spend[k] * inv_price, 1.0 - gamma) + cont[k]


cdef Py_ssize_t _upper_envelope(
    const double* grid, const double* x_endog, const double* v_endog, const double* cont,
    double R, double y, double price, double gamma, Py_ssize_t n,
    double* savings, double* spending, double* choice_value, double* change,
) noexcept nogil:
    """Interpolation back when the endogenous grid is not monotone (a non-concave continuation).

    The upper envelope of discrete-choice EGM (Iskhakov, Jorgensen, Rust and Schjerning 2017):
    at each cash level every segment of the endogenous grid that covers it is a candidate (the
    last one is extrapolated above the grid), and so is the constrained choice a' = grid[0];
    the candidate with the highest value wins. O(n^2), used only when needed. Returns 0.
    """
    cdef Py_ssize_t k, mm, top = 0
    cdef double x, t, lo, hi, a_next, v, best_a, best_v, a0 = grid[0], d, dmax = change[0]
    for mm in range(1, n):
        if x_endog[mm] > x_endog[top]:
            top = mm
    for k in range(n):
        x = R * grid[k] + y
        best_a = a0
        best_v = _utility((x - a0) / price, gamma) + cont[0]
        for mm in range(n - 1):
            lo = x_endog[mm]
            hi = x_endog[mm + 1]
            if lo > hi:
                lo, hi = hi, lo
            if x < lo or x > hi or hi == lo:
                continue
            t = (x - x_endog[mm]) / (x_endog[mm + 1] - x_endog[mm])
            v = v_endog[mm] + t * (v_endog[mm + 1] - v_endog[mm])
            if v > best_v:
                best_v = v
                best_a = grid[mm] + t * (grid[mm + 1] - grid[mm])
        if x > x_endog[top] and top == n - 1:
            t = (x - x_endog[n - 2]) / (x_endog[n - 1] - x_endog[n - 2])
            v = v_endog[n - 2] + t * (v_endog[n - 1] - v_endog[n - 2])
            if v > best_v:
                best_v = v
                best_a = grid[n - 2] + t * (grid[n - 1] - grid[n - 2])
        if best_a < a0:
            best_a = a0
        d = fabs(savings[k] - best_a)
        if d > dmax:
            dmax = d
        savings[k] = best_a
        spending[k] = x - best_a
        choice_value[k] = best_v
    change[0] = dmax
    return 0


cdef Py_ssize_t _interpolate_back(
    const double* grid, const double* x_endog, const double* v_endog, const double* cont,
    double R, double y, double price, double gamma, bint values, Py_ssize_t n,
    double* savings, double* spending, double* choice_value, double* change,
) noexcept nogil:
    """Map the endogenous cash-on-hand grid back onto the asset grid (step 3 of App. B).

    Cash below the first endogenous point is constrained: a' = grid[0] (eq. 71). A non-monotone
    endogenous grid is handled by the upper envelope when values are iterated; otherwise the
    number of non-increasing steps is returned (the caller treats it as a failure). Raises
    ``change[0]`` to the sup-norm change of the savings policy.
    """
    cdef Py_ssize_t k, idx = 0, bad = 0
    cdef double x, t, a_next, a0 = grid[0], d, dmax = change[0]
    for k in range(n - 1):
        if x_endog[k + 1] <= x_endog[k]:
            bad += 1
    if bad and values:
        return _upper_envelope(grid, x_endog, v_endog, cont, R, y, price, gamma, n, savings, spending,
                               choice_value, change)
    for k in range(n):
        x = R * grid[k] + y
        if x <= x_endog[0]:
            d = fabs(savings[k] - a0)
            if d > dmax:
                dmax = d
            savings[k] = a0
            spending[k] = x - a0
            if values:
                choice_value[k] = _utility((x - a0) / price, gamma) + cont[0]
        else:
            while idx < n - 2 and x_endog[idx + 1] < x:
                idx += 1
            t = (x - x_endog[idx]) / (x_endog[idx + 1] - x_endog[idx])
            a_next = grid[idx] + t * (grid[idx + 1] - grid[idx])
            if a_next < a0:
                a_next = a0
            d = fabs(savings[k] - a_next)
            if d > dmax:
                dmax = d
            savings[k] = a_next
            spending[k] = x - a_next
            if values:
                choice_value[k] = v_endog[idx] + t * (v_endog[idx + 1] - v_endog[idx])
    change[0] = dmax
    return bad


cdef void _step_state(
    Py_ssize_t z,
    const double[::1] grid,
    const double[::1] income,
    const double[::1] prices,
    double R, double gamma, double sigma, bint values,
    const double[:, ::1] wa,
    const double[:, ::1] w,
    double[:, ::1] base,
    double[:, ::1] x_endog,
    double[:, ::1] v_endog,
    double[:, :, ::1] savings,
    double[:, :, ::1] spending,
    double[:, :, ::1] choice_value,
    double[:, :, ::1] probabilities,
    double* marginal_new,
    double[:, ::1] value_new,
    int[::1] nonmonotone,
    double[::1] change,
) noexcept nogil:
    """One DC-EGM step for the exogenous state z (eq. 72, 73, then 10-11 and 69)."""
    cdef Py_ssize_t n = grid.shape[0]
    cdef Py_ssize_t m = prices.shape[0]
    cdef Py_ssize_t j, k
    cdef double inv_gamma = 1.0 / gamma
    cdef double scale, pj, total
    cdef double* b = &base[z, 0]
    cdef double* xe = &x_endog[z, 0]
    cdef double* ve = &v_endog[z, 0]
    cdef double* mn = marginal_new + z * n
    cdef double* vn = &value_new[z, 0]
    cdef double* pr
    cdef double* cv
    cdef double* sp
    cdef const double* g = &grid[0]

    # W_a^(-1/gamma), shared by every option
    _power(b, &wa[z, 0], 1.0, -inv_gamma, n)
    for j in range(m):
        pj = prices[j]
        scale = pow(pj, 1.0 - inv_gamma)
        sp = &spending[j, z, 0]
        # endogenous spending e_j = p_j^(1 - 1/gamma) W_a^(-1/gamma) (eq. 72), stored in ve first
        for k in range(n):
            ve[k] = scale * b[k]
            xe[k] = ve[k] + g[k]
        if values:
            _utility_plus(ve, ve, pj, gamma, &w[z, 0], n)
        nonmonotone[z] += _interpolate_back(g, xe, ve, &w[z, 0], R, income[z], pj, gamma, values,
                                            n, &savings[j, z, 0], sp, &choice_value[j, z, 0],
                                            &change[z])

    if m == 1:
        _power(mn, &spending[0, z, 0], R * pow(prices[0], gamma - 1.0), -gamma, n)
        if values:
            cv = &choice_value[0, z, 0]
            for k in range(n):
                vn[k] = cv[k]
        return

    # log-sum (eq. 11) with the max subtracted, choice probabilities (eq. 10), envelope (eq. 69)
    cv = &choice_value[0, z, 0]
    for k in range(n):
        vn[k] = cv[k]
    for j in range(1, m):
        cv = &choice_value[j, z, 0]
        for k in range(n):
            if cv[k] > vn[k]:
                vn[k] = cv[k]
    for k in range(n):
        b[k] = 0.0
    for j in range(m):
        cv = &choice_value[j, z, 0]
        pr = &probabilities[j, z, 0]
        for k in range(n):
            pr[k] = exp((cv[k] - vn[k]) / sigma)
            b[k] += pr[k]
    for k in range(n):
        vn[k] = vn[k] + sigma * log(b[k])
        b[k] = 1.0 / b[k]
        mn[k] = 0.0
    for j in range(m):
        pr = &probabilities[j, z, 0]
        sp = &spending[j, z, 0]
        _power(xe, sp, R * pow(prices[j], gamma - 1.0), -gamma, n)
        for k in range(n):
            pr[k] = pr[k] * b[k]
            mn[k] += pr[k] * xe[k]


cdef void _expect(const double* row, double beta, const double* source, double* out, Py_ssize_t nz,
                  Py_ssize_t n) noexcept nogil:
    """out[k] = beta sum_z' row[z'] source[z', k], in register blocks of 8 grid points."""
    cdef Py_ssize_t kb, kk, zp, top = n - n % 8
    cdef double acc[8]
    cdef double p
    for kb in range(0, top, 8):
        for kk in range(8):
            acc[kk] = 0.0
        for zp in range(nz):
            p = beta * row[zp]
            for kk in range(8):
                acc[kk] += p * source[zp * n + kb + kk]
        for kk in range(8):
            out[kb + kk] = acc[kk]
    for kk in range(top, n):
        p = 0.0
        for zp in range(nz):
            p += beta * row[zp] * source[zp * n + kk]
        out[kk] = p


def egm_iterate(
    const double[::1] grid,
    const double[::1] income,
    const double[:, ::1] transition,
    const double[::1] prices,
    double R,
    double beta,
    double gamma,
    double sigma,
    bint values,
    double[:, ::1] marginal,
    double[:, ::1] value,
    double[:, :, ::1] savings,
    double[:, :, ::1] spending,
    double[:, :, ::1] choice_value,
    double[:, :, ::1] probabilities,
    double tol,
    int maxiter,
    int threads=1,
    int extrapolate=0,
):
    """Iterate the DC-EGM operator to a fixed point; returns (iterations, distance, shift, nonmonotone).

    ``marginal`` (dV/da on the grid, shape (n_z, n_a)) and ``value`` (relative expected value,
    ignored unless ``values``) hold the initial guess and are overwritten by the iterate.
    ``savings`` (holding the previous policy, used only for the convergence test), ``spending``,
    ``choice_value``, ``probabilities`` (shape (M, n_z, n_a)) receive the policies.
    Convergence: the sup-norm change of the savings policy (and, when ``values``, of the relative
    value divided by max(1, sup |value|)) below ``tol``, checked every iteration. ``shift`` is the constant delta with
    T(V) = V + delta at the fixed point (true value = value + shift / (1 - beta)).
    ``nonmonotone`` counts non-increasing steps of the endogenous grids in the last iteration
    that could not be resolved (no upper envelope without values; 0 means the result is valid). ``maxiter = 1`` performs exactly one step.

    ``extrapolate = K > 0`` (used only without values) accelerates the iteration: every K
    steps the slowest mode of the marginal value is estimated from the last two changes,
    lambda = <d1, d0> / <d0, d0>, and the marginal value is moved by d1 lambda / (1 - lambda)
    (at most 50 d1; points where that would not be positive are left alone). The stopping rule
    is unchanged and is applied only to two consecutive plain steps (never across an
    extrapolation), so the result meets the same criterion as without it.
    """
    cdef Py_ssize_t nz = income.shape[0]
    cdef Py_ssize_t n = grid.shape[0]
    cdef Py_ssize_t z, zp, k
    cdef int it = 0, last_jump = -10
    cdef double stats[3]
    cdef double lam, fac, xk
    prev_arr = np.empty((nz, n))
    cdef double* prev = <double*>cnp.PyArray_DATA(prev_arr)
    if values:
        extrapolate = 0
    cdef double dist = 1e300, d, shift = 0.0, pz, scale
    wa_arr = np.empty((nz, n))
    w_arr = np.zeros((nz, n))
    base_arr = np.empty((nz, n))
    xe_arr = np.empty((nz, n))
    ve_arr = np.empty((nz, n))
    vn_arr = np.zeros((nz, n))
    mn_arr = np.empty((nz, n))
    cdef double[:, ::1] marginal_new = mn_arr
    cdef double* cur = &marginal[0, 0]
    cdef double* nxt = &marginal_new[0, 0]
    cdef double* swap
    if prices.shape[0] == 1:
        probabilities[:, :, :] = 1.0
    nm_arr = np.zeros(nz, dtype=np.intc)
    ch_arr = np.zeros(nz)
    cdef double[:, ::1] wa = wa_arr
    cdef double[:, ::1] w = w_arr
    cdef double[:, ::1] base = base_arr
    cdef double[:, ::1] x_endog = xe_arr
    cdef double[:, ::1] v_endog = ve_arr
    cdef double[:, ::1] value_new = vn_arr
    cdef int[::1] nonmonotone = nm_arr
    cdef double[::1] change = ch_arr
    cdef char trans_n = b'N'
    cdef int n_int = <int>n, nz_int = <int>nz
    cdef double zero = 0.0

    with nogil:
        while it < maxiter:
            it += 1
            # expectation over z' of next period's marginal value and value (eq. 70, 73),
            # then the step itself writes the new marginal value into ``marginal``
            # beta E[. | z] for every z at once: wa = beta P marginal, i.e. the column-major
            # product marginal^T P^T (BLAS); likewise for the value
            dgemm(&trans_n, &trans_n, &n_int, &nz_int, &nz_int, &beta, cur, &n_int,
                  &transition[0, 0], &nz_int, &zero, &wa[0, 0], &n_int)
            if values:
                dgemm(&trans_n, &trans_n, &n_int, &nz_int, &nz_int, &beta, &value[0, 0], &n_int,
                      &transition[0, 0], &nz_int, &zero, &w[0, 0], &n_int)
            if threads > 1:
                for z in prange(nz, num_threads=threads, schedule="static"):
                    nonmonotone[z] = 0
                    change[z] = 0.0
                    _step_state(z, grid, income, prices, R, gamma, sigma, values, wa, w, base,
                                x_endog, v_endog, savings, spending, choice_value, probabilities,
                                nxt, value_new, nonmonotone, change)
            else:                   # no OpenMP region per iteration when single-threaded
                for z in range(nz):
                    nonmonotone[z] = 0
                    change[z] = 0.0
                    _step_state(z, grid, income, prices, R, gamma, sigma, values, wa, w, base,
                                x_endog, v_endog, savings, spending, choice_value, probabilities,
                                nxt, value_new, nonmonotone, change)
            dist = 0.0
            for z in range(nz):
                if change[z] > dist:
                    dist = change[z]
            swap = cur
            cur = nxt
            nxt = swap
            if values:
                # value changes are measured relative to the magnitude of the values (at least 1):
                # utilities with a large constant (gamma near 1) carry rounding noise of that size
                shift = value_new[0, n - 1]
                scale = 1.0
                for z in range(nz):
                    for k in range(n):
                        scale = fmax(scale, fabs(value_new[z, k]))
                for z in range(nz):
                    for k in range(n):
                        d = fabs(value_new[z, k] - shift - value[z, k]) / scale
                        if d > dist:
                            dist = d
                        value[z, k] = value_new[z, k] - shift
            if dist < tol and it != last_jump + 1:
                break
            if extrapolate > 0:
                # after the swap: cur = M_it, nxt = M_(it-1)
                if it % extrapolate == extrapolate - 1:
                    memcpy(prev, nxt, nz * n * sizeof(double))
                elif it % extrapolate == 0 and it > 2:
                    eq_successive_differences(prev, nxt, cur, nz * n, stats)
                    if stats[1] > 0.0:
                        lam = stats[0] / stats[1]
                        if lam > 0.0 and lam < 1.0:
                            fac = lam / (1.0 - lam)
                            if fac > 50.0:
                                fac = 50.0
                            for k in range(nz * n):
                                xk = cur[k] + fac * (cur[k] - nxt[k])
                                if xk > 0.0:
                                    cur[k] = xk
                            last_jump = it
    if cur != &marginal[0, 0]:
        memcpy(&marginal[0, 0], cur, nz * n * sizeof(double))
    cdef long bad = 0
    for z in range(nz):
        bad += nonmonotone[z]
    return it, dist, shift, bad
