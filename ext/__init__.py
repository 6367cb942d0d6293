"""Compiled kernels (Cython), imported as ``equilibria.ext.<name>``.

A kernel whose source asks for ``-march=native`` (vector code) is compiled once per x86-64
level -- ``baseline`` (x86-64: SSE2), ``avx2`` (x86-64-v3: AVX2, FMA, BMI) and ``avx512``
(x86-64-v4: AVX-512 F, BW, CD, DQ, VL) -- into ``equilibria/ext/_<level>/<name>.<suffix>``.
Importing ``equilibria.ext.<name>`` loads the highest level that this processor runs, as the
small baseline kernel ``equilibria.ext._cpu`` finds it, so one wheel runs on any x86-64 machine
(a cluster node, a dask worker) and uses the vector units of the one it lands on.

``EQUILIBRIA_CPU=baseline|avx2|avx512`` caps the level (set before the first kernel is
imported); asking for a level this processor does not run raises ``ImportError``.  A level
whose build is missing falls back to the next lower one.  Other kernels, and every kernel on
other architectures, are built once and imported as usual.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys

LEVELS = ("baseline", "avx2", "avx512")
"""The x86-64 levels vector kernels are built for, lowest first."""

_X86_64_LEVEL = {"baseline": 1, "avx2": 3, "avx512": 4}
_HERE = os.path.dirname(os.path.abspath(__file__))


def supported_levels() -> tuple[str, ...]:
    """The levels of :data:`LEVELS` this processor runs, lowest first (empty off x86-64)."""
    try:
        from . import _cpu
    except ImportError:  # not built (another architecture): no levels
        return ()
    return tuple(level for level in LEVELS if _cpu.runs_x86_64_level(_X86_64_LEVEL[level]))


def cpu_level() -> str | None:
    """The level kernels are loaded at: the highest this processor runs, capped by ``EQUILIBRIA_CPU``.

    Raises ``ImportError`` if ``EQUILIBRIA_CPU`` names an unknown level or one this processor
    does not run; ``None`` off x86-64.
    """
    supported = supported_levels()
    forced = os.environ.get("EQUILIBRIA_CPU", "").strip().lower()
    if not forced:
        return supported[-1] if supported else None
    if forced not in LEVELS:
        raise ImportError(f"EQUILIBRIA_CPU={forced!r}: expected one of {', '.join(LEVELS)}")
    if forced not in supported:
        raise ImportError(f"EQUILIBRIA_CPU={forced!r}: this processor does not run that level "
                          f"(it runs {', '.join(supported) or 'none of them'})")
    return forced


def _variant_path(name: str, level: str) -> str | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = os.path.join(_HERE, f"_{level}", name + suffix)
        if os.path.exists(path):
            return path
    return None


def variant_paths(name: str) -> dict[str, str]:
    """The builds of kernel ``name`` by level (empty if it is built once)."""
    found = {level: _variant_path(name, level) for level in LEVELS}
    return {level: path for level, path in found.items() if path}


def loaded_level(module) -> str | None:
    """The level of a loaded kernel module (``None`` if it is built once)."""
    directory = os.path.basename(os.path.dirname(getattr(module, "__file__", "") or ""))
    return directory[1:] if directory[1:] in LEVELS and directory.startswith("_") else None


class _LevelFinder(importlib.abc.MetaPathFinder):
    """Finds ``equilibria.ext.<name>`` in the build of the chosen level, if the kernel has builds by level.

    Every build is compiled as the module ``<name>`` (the same ``PyInit_<name>``), so the file of
    any level loads under the public name.
    """

    def __init__(self):
        self._level = None

    def find_spec(self, fullname, path=None, target=None):
        package, _, name = fullname.rpartition(".")
        if package != __name__ or name.startswith("_"):
            return None
        builds = variant_paths(name)
        if not builds:
            return None
        if self._level is None:
            self._level = cpu_level()
        usable = [level for level in LEVELS[:LEVELS.index(self._level) + 1] if level in builds] if self._level else []
        if not usable:
            raise ImportError(f"{fullname}: no build for this processor (builds: {', '.join(builds)}; "
                              f"level {self._level})")
        location = builds[usable[-1]]
        loader = importlib.machinery.ExtensionFileLoader(fullname, location)
        return importlib.util.spec_from_file_location(fullname, location, loader=loader)


if not any(isinstance(finder, _LevelFinder) for finder in sys.meta_path):
    sys.meta_path.insert(0, _LevelFinder())
