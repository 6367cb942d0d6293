"""Run a block with single-threaded OpenBLAS in the calling thread.

The model's heavy work is many *small* dense operations (n Cholesky inversions of n x n Hessians,
n matrix-vector products per evaluation). Multi-threaded OpenBLAS gains nothing on them and, on a
shared 2-core machine, loses up to 10x to thread contention (measured in
``benchmarks/kmnt2024_planner.py``). :func:`single_threaded_blas` sets OpenBLAS's *thread-local*
thread count (``openblas_set_num_threads_local``, OpenBLAS >= 0.3.27) of every OpenBLAS loaded in
the process (NumPy's and SciPy's copies) to one, and restores it afterwards; other threads are not
affected. Without such a library it does nothing.

Used by kmnt2024 (many small dense operations); paper-agnostic, so it lives in the core.
"""
from __future__ import annotations

import contextlib
import ctypes

__all__ = ["single_threaded_blas", "single_threaded_blas_global"]

_LIBS: list | None = None
_PATHS: list = []


def _openblas_libraries() -> list:
    global _LIBS
    if _LIBS is None:
        import numpy  # noqa: F401  (load both OpenBLAS copies before scanning the process maps)
        import scipy.linalg  # noqa: F401

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
        _PATHS.extend(sorted(paths))
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


_GLOBAL: list | None = None
_NAMES = [("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
          ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
          ("openblas_get_num_threads", "openblas_set_num_threads"),
          ("openblas_get_num_threads64_", "openblas_set_num_threads64_")]


def _global_controls() -> list:
    global _GLOBAL
    if _GLOBAL is None:
        _GLOBAL = []
        _openblas_libraries()
        for path in _PATHS:
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for get_name, set_name in _NAMES:
                getter, setter = getattr(lib, get_name, None), getattr(lib, set_name, None)
                if getter is not None and setter is not None:
                    getter.restype = ctypes.c_int
                    setter.argtypes = [ctypes.c_int]
                    _GLOBAL.append((getter, setter))
                    break
    return _GLOBAL


@contextlib.contextmanager
def single_threaded_blas_global():
    """Like :func:`single_threaded_blas` but process-wide (every thread, including OpenMP workers
    that call LAPACK from a Cython ``prange``); the previous counts are restored on exit."""
    import numpy  # noqa: F401
    import scipy.linalg  # noqa: F401

    controls = _global_controls()
    previous = [get() for get, _ in controls]
    for _, set_ in controls:
        set_(1)
    try:
        yield
    finally:
        for (_, set_), p in zip(controls, previous):
            set_(p)
