"""One executor interface for embarrassingly parallel work, and deterministic chunking.

Firm simulations, parameter sweeps, Monte Carlo and bootstrap draws and estimation objectives are
split into tasks and evaluated through an *executor*: serially, in local processes, or on a
``dask.distributed`` cluster (a ``LocalCluster`` on this machine or any running scheduler, by
address).  All executors share one method::

    executor.map(fn, items) -> list          # results in the order of ``items``

and are context managers (``with ProcessExecutor(2) as ex: ...``).  ``fn`` and the items must
be picklable for the process and dask executors (module-level functions, ``functools.partial``).
``map`` may be called from several threads of the calling process at once (the tasks of all
calls share the workers), and an interrupt (Ctrl-C) cancels the tasks it submitted.

Where the executor comes from
-----------------------------
The framework, not the experiment, chooses the executor.  ``equilibria run``, ``replicate`` and
``check`` take ``--executor serial|processes|dask``, ``--workers N`` and ``--scheduler ADDRESS``
(default: dask's own configuration, e.g. ``DASK_SCHEDULER_ADDRESS``), build one executor with
:func:`make_executor`, put it into the ``options`` mapping passed to
``Experiment.run(params, options)`` under the key ``"executor"``, and close it when the command
ends.  From Python, :func:`executor_scope` does the same.

How an experiment uses it (the pattern every plugin follows)::

    from equilibria.parallel import executor_of, chunk_ranges

    def run_my_experiment(params, options):
        executor = executor_of(options)           # SerialExecutor() when none was given
        fn = functools.partial(_one_task, model=params.model_arrays())   # module-level, picklable
        parts = executor.map(fn, chunk_ranges(params.n_draws, params.draws_per_task))
        draws = np.concatenate(parts)             # reduce in one place, in task order
        ...

Rules that keep results bitwise identical for every executor, worker count and chunk size:

* a task's result depends only on its item, never on which worker runs it or on the chunking;
  random numbers come from :func:`uniform_rows` (rows of a seeded stream) or :func:`draw_rng`
  (one generator per draw index), never from a generator shared across tasks;
* reduce per-row or per-draw results in one place (concatenate, then sum);
* inside a task, work serially (``threads=1`` for OpenMP kernels under a parallel executor)
  and never use the executor again: nested submission is not supported;
* an experiment never closes the executor it was given.

Independent sweeps (one equilibrium per parameter value), Monte Carlo draws
(:func:`map_draws`) and bootstraps (:func:`bootstrap`) are the typical uses.  Sequential
loops (warm-started continuation, an optimiser's iterations) stay in the calling process; an
optimiser parallelises its objective's inner work, or runs independent starts in threads that
share the executor.

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
import contextlib
import os
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = ["Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "get_executor", "make_executor",
           "configured_scheduler",
           "executor_scope", "executor_of", "EXECUTORS", "chunk_ranges", "uniform_rows", "map_chunks",
           "draw_rng", "map_draws", "bootstrap", "DRAW_BLOCK"]

#: Rows per seeded block in :func:`uniform_rows` (part of the reproducibility contract).
DRAW_BLOCK = 4096

#: Executor names accepted by :func:`make_executor` and ``--executor``.
EXECUTORS = ("serial", "processes", "dask")


class Executor(abc.ABC):
    """Base class: ``map(fn, items)`` returns ``[fn(item) for item in items]`` in order."""

    name = "executor"

    @abc.abstractmethod
    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list:
        """Apply ``fn`` to every item; results in the order of ``items``."""

    @property
    def workers(self) -> int:
        return 1

    @property
    def parallel(self) -> bool:
        """Whether tasks run outside the calling process (then kernels inside a task use one thread)."""
        return True

    def describe(self) -> str:
        """One line for logs: the kind of executor and its workers."""
        return f"{self.name} ({self.workers} workers)"

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

    @property
    def parallel(self) -> bool:
        return False

    def describe(self) -> str:
        return "serial"

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
        futures = [self._pool.submit(fn, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:  # an error or Ctrl-C: drop the tasks that have not started
            for future in futures:
                future.cancel()
            raise

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Evaluate on a ``dask.distributed`` cluster.

    Parameters
    ----------
    client : distributed.Client, optional
        An existing client (not closed by :meth:`close`).
    address : str, optional
        Address of a running scheduler (``"tcp://host:8786"``); the cluster is not shut down by
        :meth:`close`, only this client's connection.
    workers : int, optional
        With ``address``: wait (up to ``timeout``) until at least this many workers have joined.
        Without ``client`` or ``address``: start a ``LocalCluster`` with this many worker
        processes (one thread each) listening on loopback (default: one per CPU).
    timeout : float, optional
        Seconds to wait for the scheduler to answer (and for ``workers`` to join); default
        dask's ``distributed.comm.timeouts.connect``.

    Notes
    -----
    A worker lost during a run (killed, out of memory, its node gone) is handled by dask: the
    scheduler runs its tasks again elsewhere, and since a task's result depends only on its
    item the answer does not change.  An unreachable scheduler raises
    :class:`~equilibria.errors.ParameterError` naming ``scheduler``.
    """

    name = "dask"

    def __init__(self, client=None, address: str | None = None, workers: int | None = None,
                 timeout: float | None = None):
        from distributed import Client, LocalCluster

        self._own = client is None
        self._cluster = None
        self.address = address
        if client is not None:
            self.client = client
        elif address is not None:
            timeout = _connect_timeout() if timeout is None else float(timeout)
            try:
                self.client = Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                from .errors import ParameterError

                reason = _first_line(exc)
                detail = "" if "timed out" in reason.lower() else f" ({reason})"
                raise ParameterError("scheduler", f"no dask scheduler answered within {timeout:g} s{detail}",
                                     address) from None
            if workers:
                try:
                    self.client.wait_for_workers(int(workers), timeout=timeout)
                except (OSError, TimeoutError) as exc:
                    joined = self.workers
                    self.client.close()
                    from .errors import ParameterError

                    raise ParameterError("workers", f"only {joined} worker(s) joined the scheduler at {address} "
                                                    f"within {timeout:g} s", workers) from exc
        else:
            self._cluster = LocalCluster(n_workers=int(workers or _available_cpus()), threads_per_worker=1,
                                         processes=True, host="127.0.0.1", dashboard_address=None)
            self.client = Client(self._cluster, set_as_default=False)

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def describe(self) -> str:
        where = self.client.scheduler.address if self.client.scheduler else "?"
        kind = "LocalCluster" if self._cluster is not None else "scheduler"
        return f"dask {kind} at {where} ({self.workers} workers)"

    def map(self, fn, items):
        futures = self.client.map(fn, list(items), pure=False)
        try:
            return self.client.gather(futures)
        except BaseException:  # an error or Ctrl-C: cancel what is still queued or running
            try:
                self.client.cancel(futures)
            except Exception:  # the connection may already be gone
                pass
            raise

    def close(self):
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


def _available_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _connect_timeout() -> float:
    import dask.config
    from dask.utils import parse_timedelta

    return float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect", "30s"), default="seconds"))


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _address_from_scheduler_file(path: str, name: str) -> str:
    import json

    from .errors import ParameterError

    try:
        with open(path, encoding="utf-8") as fh:
            address = json.load(fh)["address"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ParameterError(name, "is a file but not a dask scheduler file (JSON with an 'address')", path) from None
    if not isinstance(address, str):
        raise ParameterError(name, "is a file but not a dask scheduler file (JSON with an 'address')", path)
    return address


def configured_scheduler() -> str | None:
    """The scheduler address from dask's configuration (``scheduler-address``, e.g. from the
    environment variable ``DASK_SCHEDULER_ADDRESS``), or None."""
    try:
        import dask.config
    except ImportError:
        return os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    dask.config.refresh()
    return dask.config.get("scheduler-address", None) or None


def make_executor(kind: str | Executor | None = None, workers: int | None = None, scheduler: str | None = None,
                  timeout: float | None = None, names: Mapping[str, str] | None = None) -> Executor:
    """Build an executor from the three user-facing settings.

    Parameters
    ----------
    kind : {"serial", "processes", "dask"}, optional
        Default: ``"dask"`` when a scheduler address is known (``scheduler`` or dask's
        configuration), else ``"serial"``.  An :class:`Executor` passes through.
    workers : int, optional
        Processes for ``"processes"``; workers of a ``LocalCluster`` for ``"dask"`` without a
        scheduler; with a scheduler, the number of workers to wait for.
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``), or the path of the JSON file a
        scheduler started with ``--scheduler-file`` writes; default dask's ``scheduler-address``
        configuration (``DASK_SCHEDULER_ADDRESS``).
    names : mapping, optional
        How the settings are spelled in error messages (the CLI passes ``--executor`` ...).
    """
    from .errors import ParameterError

    if isinstance(kind, Executor):
        return kind
    names = {"kind": "executor", "workers": "workers", "scheduler": "scheduler", **(names or {})}
    if kind is not None and kind not in EXECUTORS:
        raise ParameterError(names["kind"], "must be 'serial', 'processes' or 'dask'", kind)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
            raise ParameterError(names["workers"], "must be a positive whole number", workers)
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ParameterError(names["scheduler"], "must be a scheduler address such as tcp://host:8786", scheduler)
    address = scheduler if scheduler is not None else (configured_scheduler() if kind in (None, "dask") else None)
    if address is not None and "://" not in address and os.path.isfile(address):
        address = _address_from_scheduler_file(address, names["scheduler"])
    if kind is None:
        kind = "dask" if address else "serial"
    if scheduler is not None and kind != "dask":
        raise ParameterError(names["scheduler"], f"needs the dask executor, not {kind!r}", scheduler)
    if kind == "serial":
        if workers not in (None, 1):
            raise ParameterError(names["workers"], "needs the 'processes' or 'dask' executor", workers)
        return SerialExecutor()
    if kind == "processes":
        return ProcessExecutor(workers)
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ParameterError(names["kind"], "'dask' needs dask.distributed (pip install 'equilibria[dask]')",
                             kind) from None
    try:
        return DaskExecutor(address=address, workers=workers, timeout=timeout)
    except ParameterError as exc:
        raise ParameterError(names.get(exc.parameter, exc.parameter), exc.rule, exc.value) from None


def get_executor(kind: str | Executor | None = "serial", workers: int | None = None) -> Executor:
    """An executor by name: ``"serial"``, ``"processes"`` or ``"dask"`` (an Executor passes through).

    ``"dask"`` joins the scheduler of dask's configuration when there is one, else starts a
    ``LocalCluster``; see :func:`make_executor` for all settings.
    """
    return make_executor("serial" if kind is None else kind, workers)


@contextlib.contextmanager
def executor_scope(executor: str | Executor | None = None, workers: int | None = None,
                   scheduler: str | None = None, **kwargs):
    """``with executor_scope("dask", scheduler="tcp://...") as ex:`` — an executor for a block.

    An :class:`Executor` passed in is yielded as is and left open (its owner closes it); one
    built here from the settings (see :func:`make_executor`) is closed at the end of the block.
    """
    if isinstance(executor, Executor):
        yield executor
        return
    built = make_executor(executor, workers, scheduler, **kwargs)
    try:
        yield built
    finally:
        built.close()


def executor_of(options: Mapping[str, Any] | None) -> Executor:
    """The executor an experiment was given in ``options["executor"]`` (serial when absent)."""
    executor = (options or {}).get("executor")
    if executor is None:
        return SerialExecutor()
    if not isinstance(executor, Executor):
        raise TypeError(f"options['executor'] must be an equilibria.parallel.Executor, not {type(executor).__name__}")
    return executor


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


def draw_rng(seed: int, index: int) -> np.random.Generator:
    """The generator of Monte Carlo or bootstrap draw ``index``: ``SeedSequence([seed, index])``.

    One generator per draw makes every draw independent of which task or worker computes it.
    """
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(index)]))


def _draws_in_chunk(bounds, fn):
    start, stop = bounds
    return [fn(index) for index in range(start, stop)]


def map_draws(executor: Executor | None, fn: Callable[[int], Any], n_draws: int, draws_per_task: int = 16) -> list:
    """``[fn(0), ..., fn(n_draws - 1)]`` computed through ``executor`` in tasks of ``draws_per_task``.

    ``fn(index)`` must depend only on ``index`` (seed its randomness with :func:`draw_rng`), so the
    list is the same for every executor and task size; ``draws_per_task`` only trades the
    per-task overhead against load balance.
    """
    import functools

    executor = SerialExecutor() if executor is None else executor
    parts = executor.map(functools.partial(_draws_in_chunk, fn=fn), chunk_ranges(int(n_draws), int(draws_per_task)))
    return [value for part in parts for value in part]


def _bootstrap_draw(index, statistic, data, seed):
    rows = draw_rng(seed, index).integers(0, data.shape[0], data.shape[0])
    return np.asarray(statistic(data[rows]), dtype=float)


def bootstrap(executor: Executor | None, statistic: Callable[[np.ndarray], Any], data, n_draws: int, seed: int,
              draws_per_task: int = 16) -> np.ndarray:
    """Nonparametric bootstrap: ``statistic`` on ``n_draws`` resamples (rows drawn with replacement).

    Draw ``b`` resamples the rows of ``data`` with the indices
    ``draw_rng(seed, b).integers(0, n, n)``; the result, of shape ``(n_draws, *statistic's shape)``,
    is bitwise the same for every executor and ``draws_per_task``.  ``statistic`` must be picklable
    (a module-level function or a ``functools.partial`` of one) for parallel executors; ``data``
    travels with every task, so keep it to what the statistic needs.
    """
    import functools

    data = np.asarray(data)
    if data.ndim == 0 or data.shape[0] < 1:
        from .errors import ParameterError

        raise ParameterError("data", "needs at least one observation (row) to resample", data.shape)
    draws = map_draws(executor, functools.partial(_bootstrap_draw, statistic=statistic, data=data, seed=int(seed)),
                      n_draws, draws_per_task)
    return np.stack(draws) if draws else np.empty((0,))
