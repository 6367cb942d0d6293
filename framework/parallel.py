"""One executor interface for embarrassingly parallel work, and deterministic chunking.

Firm simulations, parameter sweeps, bootstraps and estimation objectives are split into chunks
and evaluated through an *executor*: serially, in local processes, or on a
``dask.distributed`` cluster.  All executors share one method::

    executor.map(fn, items) -> list          # results in the order of ``items``

and are context managers (``with ProcessExecutor(2) as ex: ...``).  ``fn`` and the items must
be picklable for the process and dask executors (module-level functions, ``functools.partial``).

Results must not depend on the executor or on the chunking.  Two helpers make that easy:

* :func:`chunk_ranges` splits ``n`` items into ``[start, stop)`` ranges;
* :func:`uniform_rows` returns rows ``start .. stop-1`` of an endless stream of i.i.d.
  uniform arrays, generated in fixed blocks of ``block_size`` rows seeded by
  ``SeedSequence([seed, block])``; any chunking of the rows gives the same numbers.

Reduce per-row results in one place (concatenate, then sum), so floating-point sums are
also independent of the chunking.
"""
from __future__ import annotations

import abc
import os
from typing import Any, Callable, Iterable, Sequence

import numpy as np

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "get_executor",
           "chunk_ranges", "uniform_rows", "map_chunks", "DRAW_BLOCK"]

#: Rows per seeded block in :func:`uniform_rows` (part of the reproducibility contract).
DRAW_BLOCK = 4096


class Executor(abc.ABC):
    """Base class: ``map(fn, items)`` returns ``[fn(item) for item in items]`` in order."""

    name = "executor"

    @abc.abstractmethod
    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list:
        """Apply ``fn`` to every item; results in the order of ``items``."""

    @property
    def workers(self) -> int:
        return 1

    def close(self) -> None:
        """Release workers (no-op for the serial executor)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class SerialExecutor(Executor):
    """Evaluate in the calling process, one item after the other."""

    name = "serial"

    def map(self, fn, items):
        return [fn(item) for item in items]


class ProcessExecutor(Executor):
    """A pool of local worker processes (``concurrent.futures.ProcessPoolExecutor``).

    Parameters
    ----------
    workers : int, optional
        Number of processes; default the number of CPUs available to this process.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing

        self._workers = int(workers or _available_cpus())
        # "spawn" avoids forking a process that holds OpenMP / BLAS thread pools
        self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"))

    @property
    def workers(self) -> int:
        return self._workers

    def map(self, fn, items):
        return list(self._pool.map(fn, list(items)))

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Evaluate on a ``dask.distributed`` cluster.

    Parameters
    ----------
    client : distributed.Client, optional
        An existing client (not closed by :meth:`close`).
    address : str, optional
        Scheduler address to connect to (``"tcp://host:8786"``).
    workers : int, optional
        Without ``client`` or ``address``, start a ``LocalCluster`` with this many worker
        processes (one thread each) listening on loopback.
    """

    name = "dask"

    def __init__(self, client=None, address: str | None = None, workers: int | None = None):
        from distributed import Client, LocalCluster

        self._own = client is None
        self._cluster = None
        if client is not None:
            self.client = client
        elif address is not None:
            self.client = Client(address)
        else:
            self._cluster = LocalCluster(n_workers=int(workers or _available_cpus()), threads_per_worker=1,
                                         processes=True, host="127.0.0.1", dashboard_address=None)
            self.client = Client(self._cluster)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def map(self, fn, items):
        items = list(items)
        futures = self.client.map(fn, items, pure=False)
        return self.client.gather(futures)

    def close(self):
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


def _available_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def get_executor(kind: str | Executor | None = "serial", workers: int | None = None) -> Executor:
    """An executor by name: ``"serial"``, ``"processes"`` or ``"dask"`` (an Executor passes through)."""
    if isinstance(kind, Executor):
        return kind
    if kind in (None, "serial"):
        return SerialExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(workers=workers)
    from .errors import ParameterError

    raise ParameterError("executor", "must be 'serial', 'processes' or 'dask'", kind)


def chunk_ranges(n: int, chunk_size: int) -> list[tuple[int, int]]:
    """``[(0, c), (c, 2c), ...]`` covering ``range(n)`` with chunks of at most ``chunk_size``."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    return [(start, min(start + chunk_size, n)) for start in range(0, n, chunk_size)]


def uniform_rows(seed: int, start: int, stop: int, row_shape: Sequence[int] = (),
                 block_size: int = DRAW_BLOCK) -> np.ndarray:
    """Rows ``start .. stop - 1`` of a reproducible stream of i.i.d. U[0, 1) arrays.

    Row ``i`` lives in block ``i // block_size``, generated by
    ``np.random.default_rng(SeedSequence([seed, block])).random((block_size, *row_shape))``,
    so the value of row ``i`` depends only on ``(seed, i, row_shape, block_size)`` and not on
    how the rows are split into chunks.
    """
    row_shape = tuple(int(s) for s in row_shape)
    out = np.empty((max(stop - start, 0), *row_shape))
    if stop <= start:
        return out
    first, last = start // block_size, (stop - 1) // block_size
    for block in range(first, last + 1):
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(block)]))
        rows = rng.random((block_size, *row_shape))
        lo = max(start, block * block_size)
        hi = min(stop, (block + 1) * block_size)
        out[lo - start:hi - start] = rows[lo - block * block_size:hi - block * block_size]
    return out


def map_chunks(executor: Executor, fn: Callable[[tuple[int, int]], Any], n: int, chunk_size: int) -> list:
    """Apply ``fn((start, stop))`` to the chunks of ``range(n)`` through ``executor``; ordered results."""
    return executor.map(fn, chunk_ranges(n, chunk_size))
