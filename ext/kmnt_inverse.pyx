# cython: language_level=3
"""Batched inversion of symmetric negative definite matrices (kmnt2024, the H_i of eq. 2).

``invert_negative_definite(H, out, status)`` writes ``H_i^{-1}`` into ``out[i]`` for every ``i``, one matrix
per OpenMP thread (``prange``), each by LAPACK Cholesky ``dpotrf`` + ``dpotri`` on ``-H_i``
(SciPy's ``cython_lapack``, callable without the GIL). NumPy twin: ``numpy.linalg.inv``
(see ``tests/test_kmnt2024_kernel.py``). ``status[i]`` is LAPACK's ``info`` for matrix i (0: success;
> 0: not negative definite).

Call it with OpenBLAS limited to one thread (``kmnt2024.blas.single_threaded_blas_global``), so the
parallelism is across matrices rather than inside each small LAPACK call.
"""
from cython.parallel cimport prange
from scipy.linalg.cython_lapack cimport dpotrf, dpotri


def invert_negative_definite(const double[:, :, ::1] H, double[:, :, ::1] out, int[::1] status, int threads=2):
    cdef Py_ssize_t m = H.shape[0]
    cdef int n = <int> H.shape[1]
    cdef Py_ssize_t i, j, k
    cdef int info = 0
    cdef char uplo = b'U'
    with nogil:
        for i in prange(m, num_threads=threads, schedule='dynamic'):
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
