"""How many threads the compiled kernels use.

The Cython kernels (``equilibria.ext``) split their loops over an OpenMP team of threads.  Waking
a team costs little on an idle machine but can cost milliseconds on a busy one (a thread of the
team has to wait for a free core), which is far more than a small problem takes on one thread:
a 3 x 3 logit call takes a few microseconds.  So every kernel goes parallel only when a call's
work is above a threshold measured for that kernel (``PARALLEL_MIN_WORK`` in the kernel, see
docs/benchmarks.md) and runs on the calling thread below it.

Above the threshold the team has the size of the *threads setting*:

1. ``set_threads(n)`` or ``with threads(n): ...`` in Python;
2. else the environment variable ``EQUILIBRIA_THREADS`` (the command line's
   ``equilibria --threads N ...`` sets it);
3. else every CPU this process may run on.

The setting is kept in the environment variable itself, so processes started afterwards (the
workers of a local executor) inherit it.  An explicit ``threads=n`` (``n >= 1``) passed to a kernel
function overrides both the setting and the threshold; ``threads=0`` (the kernels' default)
means "decide as above".
"""
from __future__ import annotations

import contextlib
import os

from .errors import ParameterError

__all__ = ["ENVIRONMENT_VARIABLE", "available_cpus", "get_threads", "set_threads", "team_size", "threads"]

ENVIRONMENT_VARIABLE = "EQUILIBRIA_THREADS"


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _parse(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a positive integer", value) from None
    if number < 1 or number != float(value):
        raise ParameterError(name, "must be a positive integer", value)
    return number


def get_threads() -> int:
    """The threads setting: team size of a kernel call above its work threshold."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return available_cpus()
    return _parse(value, ENVIRONMENT_VARIABLE)


def set_threads(n: int | None) -> int | None:
    """Set the threads setting to ``n`` (``None``: back to every available CPU); returns the previous
    explicit setting (``None`` if there was none).  Raises ``ParameterError`` unless ``n`` is a positive
    integer or ``None``."""
    previous = os.environ.get(ENVIRONMENT_VARIABLE, "").strip() or None
    previous = None if previous is None else _parse(previous, ENVIRONMENT_VARIABLE)
    if n is None:
        os.environ.pop(ENVIRONMENT_VARIABLE, None)
    else:
        os.environ[ENVIRONMENT_VARIABLE] = str(_parse(n, "threads"))
    return previous


@contextlib.contextmanager
def threads(n: int | None):
    """``with threads(n):`` -- the threads setting is ``n`` inside the block, restored afterwards."""
    previous = set_threads(n)
    try:
        yield get_threads()
    finally:
        set_threads(previous)


def team_size(work: float, min_work: float, requested: int = 0) -> int:
    """Threads for one kernel call with ``work`` units of work and a parallel threshold of ``min_work``.

    ``requested >= 1`` is returned as is (an explicit choice); otherwise 1 below the threshold
    and the threads setting at or above it.
    """
    if requested >= 1:
        return int(requested)
    if work < min_work:
        return 1
    return get_threads()
