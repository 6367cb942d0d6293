"""The command-line options that choose where parallel work runs: ``--executor``, ``--workers``,
``--scheduler``.

``equilibria run``, ``replicate`` and ``check`` take them through :func:`executor_options`, and
build the executor with :func:`cli_executor`, which turns bad settings and an unreachable
scheduler into one-line errors naming the option (exit status 2).  The executor reaches an
experiment as ``options["executor"]`` (see :mod:`equilibria.parallel`).
"""
from __future__ import annotations

import contextlib

import click

__all__ = ["executor_options", "cli_executor", "OPTION_NAMES"]

#: How :func:`equilibria.parallel.make_executor`'s settings are spelled on the command line.
OPTION_NAMES = {"kind": "--executor", "executor": "--executor", "workers": "--workers", "scheduler": "--scheduler"}


def executor_options(command):
    """Add ``--executor``, ``--workers`` and ``--scheduler`` to a click command."""
    command = click.option(
        "--scheduler", metavar="ADDRESS", default=None,
        help="Address of a running dask scheduler (tcp://host:8786) or its scheduler file; implies --executor dask. "
             "Default: dask's configuration (DASK_SCHEDULER_ADDRESS).")(command)
    command = click.option(
        "--workers", type=int, default=None, metavar="N",
        help="Local processes, or workers of a local dask cluster; with --scheduler, wait for N workers.")(command)
    command = click.option(
        "--executor", "executor", default=None, metavar="serial|processes|dask",
        help="Where parallel work (simulation chunks, draws, sweeps, theorem checks) runs. "
             "Default: dask when a scheduler address is known, else serial.")(command)
    return command


@contextlib.contextmanager
def cli_executor(executor: str | None, workers: int | None, scheduler: str | None, announce: bool = True):
    """The executor chosen on the command line, closed when the block ends.

    A parallel executor is announced in one line on stderr (``executor: dask scheduler at ...``).
    """
    from .parallel import make_executor

    built = make_executor(executor, workers, scheduler, names=OPTION_NAMES)
    try:
        if announce and built.parallel:
            click.echo(f"executor: {built.describe()}", err=True)
        yield built
    finally:
        built.close()
