# cython: language_level=3
"""Batched inversion of symmetric negative definite matrices (kmnt2024, the H_i of eq. 2).

``invert_negative_definite(H, out, status)`` writes ``H_i^{-1}`` into ``out[i]`` for every ``i``, one matrix
per OpenMP thread (``prange``), each by LAPACK Cholesky ``dpotrf`` + ``dpotri`` on ``-H_i``
(SciPy's ``cython_lapack``, callable without the GIL). NumPy twin: ``numpy.linalg.inv``
(see ``tests/test_kmnt2024_kernel.py``). ``status[i]`` is LAPACK's ``info`` for matrix i (0: success;
> 0: not negative definite).

Call it with OpenBLAS limited to one thread (``kmnt2024.blas.single_threaded_blas_global``), so the
parallelism is across matrices rather than inside each small LAPACK call.  ``threads=0`` (the
default): one thread below ``PARALLEL_MIN_WORK`` (``m * n**3`` for ``m`` matrices of size ``n``),
else the threads setting of :mod:`equilibria.threads`.
"""
from cython.parallel cimport prange
from scipy.linalg.cython_lapack cimport dpotrf, dpotri

from equilibria.threads import team_size

PARALLEL_MIN_WORK = 2_000_000
"""``m * n**3`` from which the matrices are split over a team of threads (docs/benchmarks.md)."""


def invert_negative_definite(const double[:, :, ::1] H, double[:, :, ::1] out, int[::1] status, int threads=0):
    cdef Py_ssize_t m = H.shape[0]
    cdef int n = <int> H.shape[1]
    cdef Py_ssize_t i, j, k
    cdef int info = 0
    cdef char uplo = b'U'
    cdef int nthreads = <int> min(team_size(float(m) * n * n * n, PARALLEL_MIN_WORK, threads), max(m, 1))
    with nogil:
        for i in prange(m, num_threads=nthreads, schedule='dynamic'):
            info = 0
            # LAPACK is column-major: the row-major buffer of a symmetric matrix is the same matrix.
            for j in range(n):
                for k in range(n):
                    out[i, j, k] = -H[i, j, k]
            dpotrf(&uplo, &n, &out[i, 0, 0], &n, &info)
            status[i] = info
            if info != 0:
                continue
            dpotri(&uplo, &n, &out[i, 0, 0], &n, &info)
            status[i] = info
            if info != 0:
                continue
            # column-major 'U' = row-major lower triangle holds the result; mirror and negate
            for j in range(n):
                for k in range(j + 1):
                    out[i, j, k] = -out[i, j, k]
                    out[i, k, j] = out[i, j, k]
