# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -march=native
"""Young's (2010) lottery method for the stationary distribution over (exogenous state, asset).

Households at (z, a_k) choose option j with probability ``probabilities[j, z, k]`` and then
save ``savings[j, z, k]``, which lies between two grid points; the mass is split between them
in proportion to the distance ("lottery"), then the exogenous state moves with the Markov
matrix. This is eq. (12) of Waugh (2022) on a grid, but nothing here is specific to the paper.

The NumPy twin is ``equilibria.plugins.waugh2022.distribution.forward_numpy``.

``stationary`` does not scatter the masses in its steps: once per solve it turns the lotteries
into a gather, "band" form (see ``_build_band``) in which each grid point collects its mass from
three consecutive sources, read as a vector with permutes (``eq_band3_gather`` in vecmath.h),
plus a short list of the contributions outside the band.
"""
import numpy as np
cimport numpy as cnp
from cython.parallel cimport prange
from libc.math cimport fabs, fmax
from libc.string cimport memcpy

# BLAS dgemm through SciPy's Cython interface (SciPy is a build requirement, see pyproject.toml)
from scipy.linalg.cython_blas cimport dgemm

cnp.import_array()

cdef extern from "vecmath.h":
    double eq_sup_abs_diff(const double* a, const double* b, Py_ssize_t n) noexcept nogil
    void eq_successive_differences(const double* x0, const double* x1, const double* x2,
                                   Py_ssize_t n, double* out) noexcept nogil
    double eq_extrapolate_clip_sum(double* x, const double* y, double f, Py_ssize_t n) noexcept nogil
    void eq_scale_inplace(double* x, double f, Py_ssize_t n) noexcept nogil
    void eq_band3_gather(const double* d, const int* base, const unsigned char* rel, const int* first,
                         const double* c, double* out, Py_ssize_t n, int accumulate) noexcept nogil


def lottery(const double[::1] grid, const double[:, :, ::1] savings):
    """Bracket index ``i`` (grid[i] <= a' <= grid[i+1]) and weight on ``grid[i]`` for every policy.

    Policies outside the grid are clipped to its ends. Returns (index int64, weight float64),
    both shaped like ``savings``.
    """
    cdef Py_ssize_t m = savings.shape[0], nz = savings.shape[1], na = savings.shape[2]
    cdef Py_ssize_t n = grid.shape[0]
    index_arr = np.empty((m, nz, na), dtype=np.int64)
    weight_arr = np.empty((m, nz, na))
    cdef cnp.int64_t[:, :, ::1] index = index_arr
    cdef double[:, :, ::1] weight = weight_arr
    cdef Py_ssize_t j, z, k, i
    cdef double a
    with nogil:
        for j in range(m):
            for z in range(nz):
                i = 0
                for k in range(na):
                    a = savings[j, z, k]
                    if a <= grid[0]:
                        index[j, z, k] = 0
                        weight[j, z, k] = 1.0
                        continue
                    if a >= grid[n - 1]:
                        index[j, z, k] = n - 2
                        weight[j, z, k] = 0.0
                        continue
                    while i > 0 and grid[i] > a:
                        i -= 1
                    while i < n - 2 and grid[i + 1] < a:
                        i += 1
                    index[j, z, k] = i
                    weight[j, z, k] = (grid[i + 1] - a) / (grid[i + 1] - grid[i])
    return index_arr, weight_arr


cdef void _scatter_row(const cnp.int64_t* index, const double* weight, const double* prob,
                       const double* dist, double* moved, Py_ssize_t na) noexcept nogil:
    """Add the lotteries of one (option, state) row to ``moved``.

    The policy is usually monotone, so runs of equal bracket indices are summed in registers
    and written once (a read-modify-write per point would serialise on store forwarding).
    """
    cdef Py_ssize_t k, i, cur = index[0]
    cdef double mass, lo = 0.0, hi = 0.0
    for k in range(na):
        i = index[k]
        mass = dist[k] if prob == NULL else dist[k] * prob[k]
        if i != cur:
            moved[cur] += lo
            moved[cur + 1] += hi
            cur = i
            lo = 0.0
            hi = 0.0
        lo += weight[k] * mass
        hi += mass - weight[k] * mass
    moved[cur] += lo
    moved[cur + 1] += hi


cdef inline double _sup_change(const double* a, const double* b, Py_ssize_t n) noexcept nogil:
    return eq_sup_abs_diff(a, b, n)


cdef void _markov(const double* transition, const double* moved, double* out, Py_ssize_t nz,
                  Py_ssize_t n) noexcept nogil:
    """out[z', k] = sum_z P[z, z'] moved[z, k], in register blocks of 8 asset points."""
    cdef Py_ssize_t kb, kk, z, zp, top = n - n % 8
    cdef double acc[8]
    cdef double p
    for kb in range(0, top, 8):
        for zp in range(nz):
            for kk in range(8):
                acc[kk] = 0.0
            for z in range(nz):
                p = transition[z * nz + zp]
                for kk in range(8):
                    acc[kk] += p * moved[z * n + kb + kk]
            for kk in range(8):
                out[zp * n + kb + kk] = acc[kk]
    for zp in range(nz):
        for kk in range(top, n):
            p = 0.0
            for z in range(nz):
                p += transition[z * nz + zp] * moved[z * n + kk]
            out[zp * n + kk] = p


cdef void _scatter_state(Py_ssize_t z, const cnp.int64_t[:, :, ::1] index, const double[:, :, ::1] weight,
                         const double[:, :, ::1] probabilities, bint single, const double* dist,
                         double* moved, Py_ssize_t n) noexcept nogil:
    """Lotteries of every option for exogenous state z into row z of ``moved``."""
    cdef Py_ssize_t j, k
    cdef double* mv = moved + z * n
    for k in range(n):
        mv[k] = 0.0
    for j in range(index.shape[0]):
        _scatter_row(&index[j, z, 0], &weight[j, z, 0],
                     NULL if single else &probabilities[j, z, 0], dist + z * n, mv, n)


cdef class _Band:
    """The lotteries of every (option, state) row r = j * nz + z as a gather (built once per solve).

    Grid point t of row r receives ``coef[r, w, t] * dist[z, base[r, t] + w]`` for w = 0, 1, 2:
    ``base[r, t]`` is the first source whose lottery reaches t (its upper point when the policy
    is monotone), so with runs of at most three sources per point (one lower-mass run and one
    upper-mass run) every contribution lies in the band. Contributions outside it are listed as
    exceptions (source, target, coefficient), added after the band. The coefficients include the
    choice probabilities: weight * prob (lower point) and (1 - weight) * prob (upper point).
    ``first[r, b]`` is the smallest base of the block of targets 8b..8b+7 when the block's bases
    span at most 13 points (the vector path of ``eq_band3_gather``; ``rel`` = base - first), -1
    otherwise. Needs n >= 3.
    """
    cdef object base_arr, rel_arr, first_arr, coef_arr, exc_source_arr, exc_target_arr, exc_coef_arr, exc_start_arr
    cdef int* base
    cdef unsigned char* rel
    cdef int* first
    cdef double* coef
    cdef int* exc_source
    cdef int* exc_target
    cdef double* exc_coef
    cdef Py_ssize_t* exc_start

    def __cinit__(self, const cnp.int64_t[:, :, ::1] index, const double[:, :, ::1] weight,
                  const double[:, :, ::1] probabilities):
        cdef Py_ssize_t m = index.shape[0], nz = index.shape[1], n = index.shape[2]
        cdef Py_ssize_t rows = m * nz, nb = n // 8, j, z, k, r, t, q, b, off, e = 0, lo, hi
        cdef cnp.int64_t i
        cdef bint single = probabilities.shape[0] == 1
        cdef double pr, cf
        self.base_arr = np.full(rows * n, -1, dtype=np.int32)
        self.rel_arr = np.zeros(rows * n, dtype=np.uint8)
        self.first_arr = np.full(rows * max(nb, 1), -1, dtype=np.int32)
        self.coef_arr = np.zeros(rows * 3 * n)
        self.exc_source_arr = np.empty(2 * rows * n, dtype=np.int32)
        self.exc_target_arr = np.empty(2 * rows * n, dtype=np.int32)
        self.exc_coef_arr = np.empty(2 * rows * n)
        self.exc_start_arr = np.empty(rows + 1, dtype=np.intp)
        cdef int[::1] base = self.base_arr
        cdef unsigned char[::1] rel = self.rel_arr
        cdef int[::1] first = self.first_arr
        cdef double[::1] coef = self.coef_arr
        cdef int[::1] exc_source = self.exc_source_arr
        cdef int[::1] exc_target = self.exc_target_arr
        cdef double[::1] exc_coef = self.exc_coef_arr
        cdef Py_ssize_t[::1] exc_start = self.exc_start_arr
        self.base = &base[0]
        self.rel = &rel[0]
        self.first = &first[0]
        self.coef = &coef[0]
        self.exc_source = &exc_source[0]
        self.exc_target = &exc_target[0]
        self.exc_coef = &exc_coef[0]
        self.exc_start = &exc_start[0]
        with nogil:
            for j in range(m):
                for z in range(nz):
                    r = j * nz + z
                    for k in range(n):
                        i = index[j, z, k]
                        if base[r * n + i] < 0:
                            base[r * n + i] = <int>k
                        if base[r * n + i + 1] < 0:
                            base[r * n + i + 1] = <int>k
                    # points no lottery reaches take the next point's base (the last ones the
                    # previous); every base stays <= n - 3 so that the band lies in the row
                    for t in range(n - 2, -1, -1):
                        if base[r * n + t] < 0:
                            base[r * n + t] = base[r * n + t + 1]
                    for t in range(n):
                        if base[r * n + t] < 0:
                            base[r * n + t] = base[r * n + t - 1] if t > 0 else 0
                        if base[r * n + t] > n - 3:
                            base[r * n + t] = <int>(n - 3)
                    exc_start[r] = e
                    for k in range(n):
                        i = index[j, z, k]
                        pr = 1.0 if single else probabilities[j, z, k]
                        for q in range(2):
                            t = i + q
                            cf = weight[j, z, k] * pr if q == 0 else (1.0 - weight[j, z, k]) * pr
                            off = k - base[r * n + t]
                            if off >= 0 and off < 3:
                                coef[(r * 3 + off) * n + t] = cf
                            else:
                                exc_source[e] = <int>k
                                exc_target[e] = <int>t
                                exc_coef[e] = cf
                                e += 1
                    for b in range(nb):
                        lo = base[r * n + 8 * b]
                        hi = lo
                        for t in range(8 * b, 8 * b + 8):
                            lo = min(lo, base[r * n + t])
                            hi = max(hi, base[r * n + t])
                        if hi - lo <= 13:
                            first[r * nb + b] = <int>lo
                            for t in range(8 * b, 8 * b + 8):
                                rel[r * n + t] = <unsigned char>(base[r * n + t] - lo)
            exc_start[rows] = e

    cdef void state(self, Py_ssize_t z, Py_ssize_t m, Py_ssize_t nz, const double* dist, double* moved,
                    Py_ssize_t n) noexcept nogil:
        """Row z of ``moved``: the lotteries of every option from row z of ``dist`` (overwritten)."""
        cdef Py_ssize_t j, r, e, nb = n // 8
        cdef double* mv = moved + z * n
        cdef const double* d = dist + z * n
        for j in range(m):
            r = j * nz + z
            eq_band3_gather(d, self.base + r * n, self.rel + r * n, self.first + r * nb,
                            self.coef + r * 3 * n, mv, n, j > 0)
            for e in range(self.exc_start[r], self.exc_start[r + 1]):
                mv[self.exc_target[e]] += self.exc_coef[e] * d[self.exc_source[e]]


cdef void _extrapolate(const double* prev, const double* cur, double* nxt, Py_ssize_t total) noexcept nogil:
    """nxt += d1 lambda / (1 - lambda), d1 = nxt - cur, d0 = cur - prev, lambda = <d1,d0>/<d0,d0>."""
    cdef Py_ssize_t k
    cdef double stats[3]
    cdef double lam, f, x, mass_new = 0.0
    eq_successive_differences(prev, cur, nxt, total, stats)
    if not (stats[1] > 0.0):
        return
    lam = stats[0] / stats[1]
    if not (lam > 0.0 and lam < 1.0):
        return
    f = lam / (1.0 - lam)
    if f > 50.0:
        f = 50.0
    mass_new = eq_extrapolate_clip_sum(nxt, cur, f, total)
    eq_scale_inplace(nxt, stats[2] / mass_new, total)


def stationary(const cnp.int64_t[:, :, ::1] index, const double[:, :, ::1] weight,
               const double[:, :, ::1] probabilities, const double[:, ::1] transition,
               double[:, ::1] dist, double tol, int maxiter, int check_every=1, int threads=1,
               int extrapolate=0):
    """Iterate the lottery law of motion (eq. 12) from ``dist`` (overwritten) to a fixed point.

    ``dist[z, k]`` is the mass at the beginning of the period; one step moves mass by the
    choice probabilities and asset lotteries and then by the Markov matrix. Convergence: the
    sup-norm change below ``tol`` (tested every ``check_every`` steps).
    Returns (iterations, distance). ``maxiter = 1`` performs one step.

    ``extrapolate = K > 0`` accelerates the power iteration: every K steps the slowest mode is
    estimated from the last two changes, lambda = <d1, d0> / <d0, d0>, and the step is
    extrapolated by d1 lambda / (1 - lambda) (at most 50 d1; negative masses clipped, total
    mass kept). The convergence test is unchanged (the sup change of one plain step below
    ``tol``, measured before any extrapolation), so the result satisfies the same criterion.
    """
    cdef Py_ssize_t m = index.shape[0], nz = dist.shape[0], n = dist.shape[1]
    cdef Py_ssize_t z, zp, k, j
    cdef int it = 0
    cdef double d = 1e300, diff, pz
    cdef bint single = probabilities.shape[0] == 1
    moved_arr = np.zeros((nz, n))
    new_arr = np.zeros((nz, n))
    prev_arr = np.zeros((nz, n))
    cdef double* prev = <double*>cnp.PyArray_DATA(prev_arr)
    cdef Py_ssize_t total = nz * n
    cdef double[:, ::1] moved = moved_arr
    cdef double[:, ::1] new = new_arr
    cdef double* mv
    cdef double* cur = &dist[0, 0]
    cdef double* nxt = &new[0, 0]
    cdef double* swap
    cdef bint check
    cdef char trans_n = b'N'
    cdef char trans_t = b'T'
    cdef int n_int = <int>n, nz_int = <int>nz
    cdef double one = 1.0, zero = 0.0
    cdef _Band band = _Band(index, weight, probabilities) if n >= 3 else None
    cdef bint banded = n >= 3
    with nogil:
        while it < maxiter:
            it += 1
            if banded and threads > 1:
                for z in prange(nz, num_threads=threads, schedule="static"):
                    band.state(z, m, nz, cur, &moved[0, 0], n)
            elif banded:                # no OpenMP region per step when single-threaded
                for z in range(nz):
                    band.state(z, m, nz, cur, &moved[0, 0], n)
            elif threads > 1:
                for z in prange(nz, num_threads=threads, schedule="static"):
                    _scatter_state(z, index, weight, probabilities, single, cur, &moved[0, 0], n)
            else:
                for z in range(nz):
                    _scatter_state(z, index, weight, probabilities, single, cur, &moved[0, 0], n)
            check = (it % check_every == 0) or it == maxiter
            # next = P' moved, as the column-major product moved^T P (BLAS)
            dgemm(&trans_n, &trans_t, &n_int, &nz_int, &nz_int, &one, &moved[0, 0], &n_int,
                  &transition[0, 0], &nz_int, &zero, nxt, &n_int)
            d = 0.0
            if check:
                d = _sup_change(nxt, cur, total)
            if check and d < tol:
                swap = cur
                cur = nxt
                nxt = swap
                break
            if extrapolate > 0 and it > 1 and it % extrapolate == 0:
                _extrapolate(prev, cur, nxt, total)
            elif extrapolate > 0 and it % extrapolate == extrapolate - 1:
                swap = prev             # keep this iterate: rotate prev <- cur <- nxt <- prev
                prev = cur
                cur = nxt
                nxt = swap
                continue
            swap = cur
            cur = nxt
            nxt = swap
        if cur != &dist[0, 0]:
            memcpy(&dist[0, 0], cur, nz * n * sizeof(double))
    return it, d
