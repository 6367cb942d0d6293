"""Theorems as Hypothesis properties, runnable under pytest and from the command line.

A plugin states a property as a :class:`Theorem`: a strategy that draws examples (parameters,
cost matrices, economies...) and a predicate that raises ``AssertionError`` when the property
fails for an example. :func:`check_theorem` lets Hypothesis search for a counterexample and
reports the shrunk one if it finds it.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable

import attrs

from .results import to_jsonable

__all__ = ["Theorem", "TheoremOutcome", "check_theorem"]


@attrs.frozen(kw_only=True)
class Theorem:
    """A property a model must satisfy.

    Attributes
    ----------
    name : str
        Short identifier (``gravity``, ``hulten``...).
    statement : str
        The property in words.
    reference : str
        Where the paper states it ("Proposition 1, eq. (52)").
    strategy : callable
        Zero-argument callable returning a Hypothesis strategy (so Hypothesis is imported only
        when a check runs).
    predicate : callable
        ``predicate(example)`` raises ``AssertionError`` with an explanation if the property fails.
    shrink : bool
        Let Hypothesis simplify a counterexample (off for properties whose examples are expensive).
    """

    name: str
    statement: str
    reference: str
    strategy: Callable[[], Any]
    predicate: Callable[[Any], None]
    shrink: bool = True


@attrs.frozen(kw_only=True)
class TheoremOutcome:
    """The verdict of :func:`check_theorem`."""

    name: str
    held: bool
    examples: int
    seconds: float
    counterexample: Any = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "held": self.held, "examples": self.examples, "seconds": self.seconds,
                "counterexample": to_jsonable(self.counterexample), "message": self.message}


def hypothesis_cache_folder() -> Path:
    """Where the command line keeps Hypothesis' files: ``$XDG_CACHE_HOME/equilibria/hypothesis``
    (default ``~/.cache/equilibria/hypothesis``), never ``.hypothesis/`` in the working folder."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "equilibria" / "hypothesis"


def use_hypothesis_cache_folder() -> Path:
    """Point Hypothesis' storage (its example database) at :func:`hypothesis_cache_folder`.

    A ``HYPOTHESIS_STORAGE_DIRECTORY`` the user set is kept. The setting goes into the environment
    too, so worker processes inherit it.
    """
    folder = Path(os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY") or hypothesis_cache_folder())
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(folder)
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(folder)
    return folder


def check_theorem(theorem: Theorem, examples: int = 50, seed: int | None = None,
                  derandomize: bool = False) -> TheoremOutcome:
    """Search for a counterexample to ``theorem`` with up to ``examples`` Hypothesis examples.

    Parameters
    ----------
    seed : int, optional
        Seed for Hypothesis' random generator (reproducible runs).
    derandomize : bool
        Use Hypothesis' deterministic mode (what the test-suite does).
    """
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    failures: list[tuple[Any, BaseException]] = []
    tried = [0]

    def property_test(example):
        tried[0] += 1
        try:
            theorem.predicate(example)
        except Exception as exc:
            failures.append((example, exc))
            raise

    test = given(theorem.strategy())(property_test)
    test = settings(max_examples=max(1, int(examples)), deadline=None, database=None, derandomize=derandomize,
                    suppress_health_check=list(HealthCheck), print_blob=False,
                    phases=tuple(Phase) if theorem.shrink else (Phase.explicit, Phase.reuse, Phase.generate))(test)
    if seed is not None and not derandomize:
        test = hypothesis_seed(seed)(test)
    start = time.perf_counter()
    try:
        test()
    except Exception as exc:  # Hypothesis re-raises the (shrunk) failure, or reports unsatisfiable
        seconds = time.perf_counter() - start
        if failures:
            example, error = failures[-1]
            return TheoremOutcome(name=theorem.name, held=False, examples=tried[0], seconds=seconds,
                                  counterexample=example, message=f"{type(error).__name__}: {error}")
        return TheoremOutcome(name=theorem.name, held=False, examples=tried[0], seconds=seconds,
                              message=f"{type(exc).__name__}: {exc}")
    return TheoremOutcome(name=theorem.name, held=True, examples=tried[0], seconds=time.perf_counter() - start)
