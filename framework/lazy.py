"""Lazy public names for a package (PEP 562): a name is imported from its module on first use.

A package's ``__init__.py`` declares which submodule holds each public name and installs the
two module-level hooks::

    from .lazy import lazy_exports

    _EXPORTS = {"Model": "model", "solve_linear": "qz"}
    __all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

so ``import equilibria`` (and the command line's ``--help``) does not pay for NumPy or SciPy.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable, Mapping, MutableMapping


def lazy_exports(package: str, exports: Mapping[str, str],
                 namespace: MutableMapping[str, object]) -> tuple[list[str], Callable, Callable]:
    """``(__all__, __getattr__, __dir__)`` for ``package`` whose public names live in submodules.

    ``exports`` maps a public name to the submodule (relative to ``package``) that defines it;
    ``namespace`` is the package's ``globals()``, where a name is cached once imported.
    """

    def __getattr__(name):
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    def __dir__():
        return sorted(set(namespace) | set(exports))

    return sorted(exports), __getattr__, __dir__
