"""A small per-process cache of random draws that are reused across evaluations.

Simulated estimation holds the random numbers fixed while the parameters move (common random
numbers): every evaluation of the objective draws the same uniforms for the same firms and
transforms them again.  The parameter-free part of that work (the uniforms, or a
parameter-free transform of them such as ``-log(1 - u)``) can be kept between evaluations.
:class:`DrawCache` keeps such arrays, least recently used first out, up to a number of bytes;
cached arrays are read-only.  It is per process: with process or dask executors each worker
keeps the chunks it has drawn.

The limit is ``EQUILIBRIA_DRAW_CACHE_MB`` megabytes (default 512; 0 switches caching off).
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Callable, Hashable

import numpy as np

from .errors import ParameterError

__all__ = ["DrawCache", "draw_cache"]


class DrawCache:
    """Least-recently-used cache of read-only arrays, bounded in bytes; safe across threads."""

    def __init__(self, max_bytes: int):
        if max_bytes < 0:
            raise ParameterError("max_bytes", "must be >= 0", max_bytes)
        self.max_bytes = int(max_bytes)
        self._entries: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def get(self, key: Hashable, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The array stored under ``key``, made by ``make()`` (and kept if it fits) on a miss."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        value = np.asarray(make())
        value.flags.writeable = False
        if value.nbytes > self.max_bytes:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self._bytes += value.nbytes
            while self._bytes > self.max_bytes:
                _, old = self._entries.popitem(last=False)
                self._bytes -= old.nbytes
        return value


def _limit_from_environment() -> int:
    text = os.environ.get("EQUILIBRIA_DRAW_CACHE_MB", "512")
    try:
        megabytes = float(text)
    except ValueError:
        raise ParameterError("EQUILIBRIA_DRAW_CACHE_MB", "must be a number of megabytes", text) from None
    if megabytes < 0:
        raise ParameterError("EQUILIBRIA_DRAW_CACHE_MB", "must be >= 0", text)
    return int(megabytes * 1e6)


_PROCESS_CACHE: DrawCache | None = None
_PROCESS_CACHE_LOCK = threading.Lock()


def _after_fork_in_child() -> None:
    """A forked worker starts with unlocked locks (another thread may have held them at the fork)."""
    global _PROCESS_CACHE_LOCK
    _PROCESS_CACHE_LOCK = threading.Lock()
    if _PROCESS_CACHE is not None:
        _PROCESS_CACHE._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def draw_cache() -> DrawCache:
    """The process-wide cache used by the plugins' simulations (created on first use)."""
    global _PROCESS_CACHE
    with _PROCESS_CACHE_LOCK:
        if _PROCESS_CACHE is None:
            _PROCESS_CACHE = DrawCache(_limit_from_environment())
        return _PROCESS_CACHE
