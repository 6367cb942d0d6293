"""Parameters: frozen attrs classes with validators, loadable from JSON/TOML, overridable.

A model's parameters are one frozen class::

    @attrs.frozen(kw_only=True)
    class TradeParameters(Parameters):
        productivity = param([1.0, 1.0], description="A_i, eq. (1)", unit="goods per efficiency unit",
                             converter=as_float_array, validator=[positive, ndim(1)])

        def check(self):                      # cross-field rules, called after construction
            if len(self.productivity) != len(self.labor):
                raise ParameterError("labor", "must have one entry per country")

Every violation raises :class:`~equilibria.errors.ParameterError` naming the parameter and the
rule it breaks; converters and validators raise it too, so no bare ``ValueError`` escapes.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable, Mapping

import attrs
import numpy as np

from .errors import ParameterError

__all__ = [
    "Parameters", "param", "parse_overrides",
    "as_float", "as_int", "as_float_array", "as_str",
    "positive", "nonnegative", "finite", "in_open_interval", "in_closed_interval", "one_of",
    "ndim", "square", "min_length",
]


# ----------------------------------------------------------------------------- converters
def _converter(function):
    """Wrap ``function(value, name)`` as an attrs converter that knows its field's name."""
    def convert(value, _self, field):
        return function(value, field.alias or field.name)
    return attrs.Converter(convert, takes_self=True, takes_field=True)


def _as_float(value, name):
    if isinstance(value, bool) or value is None:
        raise ParameterError(name, "must be a real number", value)
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a real number", value) from None
    if math.isnan(out):
        raise ParameterError(name, "must not be NaN", value)
    return out


def _as_int(value, name):
    if isinstance(value, bool):
        raise ParameterError(name, "must be an integer", value)
    try:
        out = int(value)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be an integer", value) from None
    if out != value and not (isinstance(value, str) and str(out) == value.strip()):
        raise ParameterError(name, "must be an integer", value)
    return out


def _as_float_array(value, name):
    if value is None:
        raise ParameterError(name, "must be an array of numbers", value)
    try:
        out = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a (rectangular) array of numbers", value) from None
    if np.isnan(out).any():
        raise ParameterError(name, "must not contain NaN", value)
    out.setflags(write=False)
    return out


def _as_str(value, name):
    if not isinstance(value, str):
        raise ParameterError(name, "must be a string", value)
    return value


as_float = _converter(_as_float)
as_int = _converter(_as_int)
as_float_array = _converter(_as_float_array)
as_str = _converter(_as_str)


# ----------------------------------------------------------------------------- validators
def _validator(rule: str, test):
    """An attrs validator raising ParameterError(name, rule) when ``test(value)`` is false."""
    def validate(_instance, attribute, value):
        if not test(value):
            raise ParameterError(attribute.alias or attribute.name, rule, value)
    validate.rule = rule
    return validate


positive = _validator("must be positive", lambda v: bool(np.all(np.asarray(v) > 0)))
nonnegative = _validator("must be non-negative", lambda v: bool(np.all(np.asarray(v) >= 0)))
finite = _validator("must be finite", lambda v: bool(np.all(np.isfinite(np.asarray(v, dtype=float)))))


def in_open_interval(low: float, high: float):
    """Every entry strictly between ``low`` and ``high``."""
    return _validator(f"must lie in the open interval ({low:g}, {high:g})",
                      lambda v: bool(np.all((np.asarray(v) > low) & (np.asarray(v) < high))))


def in_closed_interval(low: float, high: float):
    """Every entry in ``[low, high]``."""
    return _validator(f"must lie in [{low:g}, {high:g}]",
                      lambda v: bool(np.all((np.asarray(v) >= low) & (np.asarray(v) <= high))))


def one_of(*choices):
    """The value is one of ``choices``."""
    listed = ", ".join(repr(c) for c in choices)
    return _validator(f"must be one of {listed}", lambda v: v in choices)


def ndim(n: int):
    """An array with ``n`` dimensions."""
    names = {0: "a scalar", 1: "a vector (1-D list)", 2: "a matrix (2-D list)"}
    return _validator(f"must be {names.get(n, f'a {n}-D array')}", lambda v: np.ndim(v) == n)


square = _validator("must be a square matrix",
                    lambda v: np.ndim(v) == 2 and np.shape(v)[0] == np.shape(v)[1])


def min_length(n: int):
    """At least ``n`` entries along the first axis."""
    return _validator(f"must have at least {n} entries", lambda v: np.ndim(v) >= 1 and len(v) >= n)


# ----------------------------------------------------------------------------- fields
def _equal(a, b) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None and b is not None else a is b


def param(default=attrs.NOTHING, *, description: str, unit: str = "", converter=None, validator=None,
          factory=None):
    """Declare one parameter: a default, a description (cite the paper's symbol and equation), a unit.

    Array defaults may be given as lists; they are converted (and validated) like user input.
    """
    if factory is not None:
        default = attrs.Factory(factory)
    return attrs.field(
        default=default, converter=converter, validator=validator,
        eq=attrs.cmp_using(eq=_equal),
        metadata={"description": description, "unit": unit},
    )


# ----------------------------------------------------------------------------- loading
def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` strings; values are JSON (numbers, lists, matrices), else plain strings."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(pair, "an override must be written KEY=VALUE")
        try:
            out[key] = json.loads(text)
        except json.JSONDecodeError:
            out[key] = text
    return out


def _read_file(path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ParameterError("--params", "file does not exist", str(path))
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".toml":
            import tomllib
            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except Exception as exc:  # both decoders' errors carry the position
        raise ParameterError("--params", f"{path.name} is not valid {path.suffix.lstrip('.').upper() or 'JSON'}: {exc}") from None
    if not isinstance(data, dict):
        raise ParameterError("--params", "file must hold an object of parameter names and values")
    return data


class Parameters:
    """Base class of parameter sets. Subclasses are ``@attrs.frozen(kw_only=True)`` classes."""

    def __attrs_post_init__(self):
        self.check()

    def check(self) -> None:
        """Cross-field rules; raise :class:`ParameterError`. Override in subclasses."""

    # -- construction
    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]):
        """Build from a mapping of parameter names to values; unknown names are an error."""
        known = {f.alias or f.name for f in attrs.fields(cls)}
        for key in values:
            if key not in known:
                raise ParameterError(key, f"is not a parameter of {cls.__name__} (known: {', '.join(sorted(known))})")
        return cls(**dict(values))

    @classmethod
    def from_file(cls, path, overrides: Iterable[str] = ()):
        """Load from a JSON or TOML file (by suffix), then apply ``KEY=VALUE`` overrides."""
        values = _read_file(path)
        values.update(parse_overrides(overrides))
        return cls.from_mapping(values)

    @classmethod
    def load(cls, path=None, overrides: Iterable[str] = ()):
        """Defaults, or a file, then overrides: what the command line does."""
        values = _read_file(path) if path is not None else {}
        values.update(parse_overrides(overrides))
        return cls.from_mapping(values)

    def with_overrides(self, overrides: Iterable[str]):
        """A copy with ``KEY=VALUE`` overrides applied (values parsed as JSON)."""
        return self.replace(**parse_overrides(overrides))

    def replace(self, **changes):
        """A validated copy with some parameters changed."""
        values = self.to_dict(jsonable=False)
        known = set(values)
        for key in changes:
            if key not in known:
                raise ParameterError(key, f"is not a parameter of {type(self).__name__}")
        values.update(changes)
        return type(self)(**values)

    # -- introspection
    def to_dict(self, jsonable: bool = True) -> dict[str, Any]:
        """Parameter values by name; arrays become lists when ``jsonable``."""
        out = {}
        for f in attrs.fields(type(self)):
            value = getattr(self, f.name)
            out[f.alias or f.name] = value.tolist() if jsonable and isinstance(value, np.ndarray) else value
        return out

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One row per parameter: name, default, unit, description."""
        rows = []
        for f in attrs.fields(cls):
            if isinstance(f.default, attrs.Factory):
                default = f.default.factory()
            else:
                default = f.default
            if isinstance(default, np.ndarray):
                default = default.tolist()
            rows.append({
                "name": f.alias or f.name,
                "default": None if default is attrs.NOTHING else default,
                "unit": f.metadata.get("unit", ""),
                "description": f.metadata.get("description", ""),
            })
        return rows
