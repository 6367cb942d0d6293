"""Labels and units of the numbers a result reports.

A :class:`~equilibria.results.Result` declares, once, what each entry of its ``data`` is:
``quantities`` maps a *data path* to a :class:`Quantity` (a label, a unit and, for arrays, the
names of the axes and of their entries, say regions and sectors). A path names a key of ``data``
(``"wages"``), a key inside a nested dict (``"welfare_change.fixed"``) or a key of the dicts inside
a list (``"rows.tau"`` for every ``data["rows"][k]["tau"]``); ``*`` stands for any one key
(``"*.before.path"``). A declaration covers everything below its path, so ``"welfare_change"``
labels all its columns at once; the longest matching path wins.

The report shows the declarations beside the values; :func:`unlabelled` lists the numbers a
result reports without a label and a unit.
"""
from __future__ import annotations

from typing import Any

import attrs
import numpy as np

__all__ = ["Quantity", "unlabelled", "quantity_rows", "quantities_table", "present", "scalar_table",
           "solve_report_quantities", "DIMENSIONLESS", "COUNT", "SECONDS", "TRUE_FALSE"]

#: The unit of a pure number (a share, a ratio, an elasticity); say which in the label.
DIMENSIONLESS = "1"
#: Units of counts, wall-clock times and yes/no answers.
COUNT, SECONDS, TRUE_FALSE = "count", "s", "true/false"


def _names(value) -> tuple:
    return tuple(tuple(str(n) for n in axis) for axis in value)


@attrs.frozen(kw_only=True)
class Quantity:
    """What a reported number is: ``label`` (words), ``unit`` (``"1"`` for a pure number).

    ``axes`` names the axes of an array (``("region", "sector")``); ``names`` gives, per axis,
    the names of its entries where the model has them (``(("west", "east"), ...)``).
    """

    label: str = attrs.field(validator=attrs.validators.min_len(1))
    unit: str = attrs.field(validator=attrs.validators.min_len(1))
    axes: tuple = attrs.field(default=(), converter=tuple)
    names: tuple = attrs.field(default=(), converter=_names)

    def to_dict(self) -> dict[str, Any]:
        out = {"label": self.label, "unit": self.unit}
        if self.axes:
            out["axes"] = list(self.axes)
        if self.names:
            out["names"] = [list(axis) for axis in self.names]
        return out

    def describe(self) -> str:
        """``label [unit]``, with the axes of an array: ``wage [1] by region``."""
        text = f"{self.label} [{self.unit}]"
        return f"{text} by {' × '.join(self.axes)}" if self.axes else text


_MISSING, _PER_ENTRY = object(), object()   # what a data path finds: nothing, or one value per entry


def _is_number(value) -> bool:
    return isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating))


def _leaves(data, keys: tuple = ()):
    """(keys, value) of every reported number or array of numbers in nested ``data`` (list indices
    dropped); ``keys`` is the tuple of dictionary keys leading to it."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*keys, str(key)))
    elif isinstance(data, np.ndarray):
        if data.dtype.kind in "biufc":
            yield keys, data
        elif data.dtype.kind == "O":
            yield from _leaves(data.tolist(), keys)
    elif isinstance(data, (list, tuple)):
        if any(isinstance(v, (dict, list, tuple, np.ndarray)) for v in data):
            seen = set()
            for value in data:
                for leaf_keys, leaf in _leaves(value, keys):
                    if leaf_keys not in seen:
                        seen.add(leaf_keys)
                        yield leaf_keys, leaf
        elif any(_is_number(v) for v in data):
            yield keys, data
    elif _is_number(data):
        yield keys, data
    elif hasattr(data, "to_dict") and not isinstance(data, type):
        yield from _leaves(data.to_dict(), keys)


def _covers(pieces: list[str], keys: tuple) -> bool:
    """Whether the pattern ``pieces`` (a declared path split at dots) covers the data path ``keys``:
    ``*`` stands for any one key, a literal key with dots in it spans as many pieces, and a pattern
    covers everything below the path it names."""
    if not pieces:
        return True
    if not keys:
        return False
    if pieces[0] == "*":
        return _covers(pieces[1:], keys[1:])
    own = keys[0].split(".")
    return pieces[:len(own)] == own and _covers(pieces[len(own):], keys[1:])


def _declared(keys, quantities) -> Quantity | None:
    """The most specific declaration covering the data path ``keys`` (a tuple of keys, or a dotted
    string): the longest matching pattern, exact keys before ``*``."""
    if isinstance(keys, str):
        keys = tuple(keys.split("."))
    best, rank = None, None
    for pattern, quantity in quantities.items():
        pieces = pattern.split(".")
        if _covers(pieces, keys):
            key = (len(pieces), -pieces.count("*"))
            if rank is None or key > rank:
                best, rank = quantity, key
    return best


def unlabelled(data, quantities) -> list[str]:
    """Paths of the numbers in ``data`` that no declaration in ``quantities`` covers."""
    return [".".join(keys) for keys, _ in _leaves(data) if _declared(keys, quantities) is None]


def _shown(value) -> str:
    from .results import format_number

    if _is_number(value):
        return format_number(value)
    if isinstance(value, dict):
        keys = [str(k) for k in value]
        return f"entries {', '.join(keys[:6])}" + (f" and {len(keys) - 6} more" if len(keys) > 6 else "")
    array = np.asarray(value, dtype=object)
    if array.ndim == 1 and 0 < array.size <= 8 and all(_is_number(v) for v in array):
        return ", ".join(format_number(v) for v in array)
    return "array " + " × ".join(str(n) for n in array.shape)


def quantity_rows(data, quantities) -> list[list]:
    """``[path, label, unit, axes, value]`` for every declared path present in ``data``."""
    rows = []
    for path, quantity in quantities.items():
        value = _lookup(data, path)
        if value is _MISSING:
            continue
        axes = _axes_text(quantity)
        shown = "one per entry" if value is _PER_ENTRY else _shown(value)
        rows.append([f"`{path}`", quantity.label, quantity.unit, axes, shown])
    return rows


def _axes_text(quantity: Quantity) -> str:
    parts = []
    for k, axis in enumerate(quantity.axes):
        names = quantity.names[k] if k < len(quantity.names) else ()
        parts.append(f"{axis} ({', '.join(names)})" if names else axis)
    return " × ".join(parts) or "—"


def _lookup(data, path: str):
    """The value at ``path``; ``_PER_ENTRY`` where the path crosses a list of dicts or a ``*``; else ``_MISSING``."""
    return _find(data, path.split("."))


def _find(value, parts):
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
        return _PER_ENTRY if any(_find(v, parts) is not _MISSING for v in value) else _MISSING
    if not isinstance(value, dict):
        return _MISSING
    if head == "*":
        found = any(_find(v, rest) is not _MISSING for v in value.values())
    elif head in value:
        return _find(value[head], rest)
    else:
        found = False
    # a key with dots in it spans several parts of a path (as in :func:`unlabelled`)
    for key, sub in value.items():
        pieces = str(key).split(".")
        if len(pieces) > 1 and parts[:len(pieces)] == pieces:
            result = _find(sub, parts[len(pieces):])
            if result is not _MISSING:
                return _PER_ENTRY if found else result
    return _PER_ENTRY if found else _MISSING


def present(data, catalogue) -> dict:
    """The entries of a plugin's ``catalogue`` (data path to :class:`Quantity`) whose paths occur in ``data``."""
    return {path: q for path, q in catalogue.items() if _lookup(data, path) is not _MISSING}


def solve_report_quantities(prefix: str, residual_unit: str, what: str = "the solve") -> dict:
    """Declarations for a :class:`~equilibria.equilibrium.SolveReport` stored at ``prefix`` of a result's data.

    ``residual_unit`` is the unit of the residuals (say ``"fraction of world labor"``).
    """
    entries = {
        "converged": Quantity(label=f"{what}: residual max-norm met the tolerance", unit=TRUE_FALSE),
        "iterations": Quantity(label=f"{what}: iterations", unit=COUNT),
        "evaluations": Quantity(label=f"{what}: residual evaluations", unit=COUNT),
        "residual_norm": Quantity(label=f"{what}: residual max-norm at the answer", unit=residual_unit),
        "tolerance": Quantity(label=f"{what}: tolerance on the residual max-norm", unit=residual_unit),
        "seconds": Quantity(label=f"{what}: wall-clock time", unit=SECONDS),
    }
    return {f"{prefix}.{key}": quantity for key, quantity in entries.items()}


def scalar_table(data, quantities, caption: str = ""):
    """The single numbers among ``data``'s top-level entries as a table of label, value and unit."""
    from .results import Table

    rows = [[quantities[key].label, value, quantities[key].unit] for key, value in data.items()
            if key in quantities and _is_number(value)]
    return Table(columns=["quantity", "value", "unit"], rows=rows, caption=caption)


def quantities_table(data, quantities):
    """The declared quantities of a result as a report :class:`~equilibria.results.Table`."""
    from .results import Table

    return Table(columns=["data path", "quantity", "unit", "axes (entries)", "value"],
                 rows=quantity_rows(data, quantities),
                 caption="What each number of the result's JSON is: label, unit and, for arrays, the axes.")
