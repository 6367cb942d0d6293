"""Labels and units of the numbers a result reports.

A :class:`~equilibria.results.Result` declares, once, what each entry of its ``data`` is:
``quantities`` maps a *data path* to a :class:`Quantity` (a label, a unit and, for arrays, the
names of the axes and of their entries, say regions and sectors). A path names a key of ``data``
(``"wages"``), a key inside a nested dict (``"welfare_change.fixed"``) or a key of the dicts inside
a list (``"rows.tau"`` for every ``data["rows"][k]["tau"]``). A declaration covers everything below
its path, so ``"welfare_change"`` labels all its columns at once.

The report shows the declarations beside the values; :func:`unlabelled` lists the numbers a
result reports without a label and a unit.
"""
from __future__ import annotations

from typing import Any

import attrs
import numpy as np

__all__ = ["Quantity", "unlabelled", "quantity_rows", "quantities_table", "DIMENSIONLESS"]

#: The unit of a pure number (a share, a ratio, an elasticity); say which in the label.
DIMENSIONLESS = "1"


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


def _is_number(value) -> bool:
    return isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating))


def _leaves(data, path: str = ""):
    """(path, value) of every reported number or array of numbers in nested ``data`` (list indices dropped)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, np.ndarray):
        if data.dtype.kind in "biufc":
            yield path, data
        elif data.dtype.kind == "O":
            yield from _leaves(data.tolist(), path)
    elif isinstance(data, (list, tuple)):
        if any(isinstance(v, (dict, list, tuple, np.ndarray)) for v in data):
            seen = set()
            for value in data:
                for leaf_path, leaf in _leaves(value, path):
                    if leaf_path not in seen:
                        seen.add(leaf_path)
                        yield leaf_path, leaf
        elif any(_is_number(v) for v in data):
            yield path, data
    elif _is_number(data):
        yield path, data
    elif hasattr(data, "to_dict") and not isinstance(data, type):
        yield from _leaves(data.to_dict(), path)


def _declared(path: str, quantities) -> Quantity | None:
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        found = quantities.get(".".join(parts[:k]))
        if found is not None:
            return found
    return None


def unlabelled(data, quantities) -> list[str]:
    """Paths of the numbers in ``data`` that no declaration in ``quantities`` covers."""
    return [path for path, _ in _leaves(data) if _declared(path, quantities) is None]


def _shown(value) -> str:
    from .results import format_number

    if _is_number(value):
        return format_number(value)
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
        shown = ("one per list entry" if value is _PER_ENTRY else "entries below" if isinstance(value, dict)
                 else _shown(value))
        rows.append([f"`{path}`", quantity.label, quantity.unit, axes, shown])
    return rows


_MISSING, _PER_ENTRY = object(), object()


def _axes_text(quantity: Quantity) -> str:
    parts = []
    for k, axis in enumerate(quantity.axes):
        names = quantity.names[k] if k < len(quantity.names) else ()
        parts.append(f"{axis} ({', '.join(names)})" if names else axis)
    return " × ".join(parts) or "—"


def _lookup(data, path: str):
    """The value at ``path``, ``_PER_ENTRY`` where the path crosses a list of dicts, or ``_MISSING``."""
    value = data
    for part in path.split("."):
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], dict):
            return _PER_ENTRY if all(isinstance(v, dict) and _lookup(v, part) is not _MISSING for v in value) \
                else _MISSING
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def quantities_table(data, quantities):
    """The declared quantities of a result as a report :class:`~equilibria.results.Table`."""
    from .results import Table

    return Table(columns=["data path", "quantity", "unit", "axes (entries)", "value"],
                 rows=quantity_rows(data, quantities),
                 caption="What each number of the result's JSON is: label, unit and, for arrays, the axes.")
