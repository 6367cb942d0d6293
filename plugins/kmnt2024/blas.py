"""Run a block with single-threaded OpenBLAS in the calling thread.

The model's heavy work is many *small* dense operations (n Cholesky inversions of n x n Hessians,
n matrix-vector products per evaluation). Multi-threaded OpenBLAS gains nothing on them and, on a
shared 2-core machine, loses up to 10x to thread contention (measured in
``benchmarks/kmnt2024_planner.py``). :func:`single_threaded_blas` sets OpenBLAS's *thread-local*
thread count (``openblas_set_num_threads_local``, OpenBLAS >= 0.3.27) of every OpenBLAS loaded in
the process (NumPy's and SciPy's copies) to one, and restores it afterwards; other threads are not
affected. Without such a library it does nothing.

This helper is paper-agnostic; it could move to the core next to the executors.
"""
from __future__ import annotations

import contextlib
import ctypes

__all__ = ["single_threaded_blas"]

_LIBS: list | None = None


def _openblas_libraries() -> list:
    global _LIBS
    if _LIBS is None:
        _LIBS = []
        paths = set()
        try:
            with open("/proc/self/maps", encoding="utf-8") as maps:
                for line in maps:
                    path = line.split()[-1] if len(line.split()) >= 6 else ""
                    if "openblas" in path.lower() and path.endswith((".so",)) or ".so." in path and "openblas" in path.lower():
                        paths.add(path)
        except OSError:
            return _LIBS
        for path in sorted(paths):
            try:
                lib = ctypes.CDLL(path)
                setter = lib.openblas_set_num_threads_local
            except (OSError, AttributeError):
                continue
            setter.argtypes = [ctypes.c_int]
            setter.restype = ctypes.c_int
            _LIBS.append(setter)
    return _LIBS


@contextlib.contextmanager
def single_threaded_blas():
    """Context manager: OpenBLAS uses one thread in the calling thread inside the block."""
    import numpy  # noqa: F401  (make sure the libraries are loaded before scanning)
    import scipy.linalg  # noqa: F401

    setters = _openblas_libraries()
    previous = [s(1) for s in setters]
    try:
        yield
    finally:
        for s, p in zip(setters, previous):
            s(p)
