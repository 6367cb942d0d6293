"""Parameters: frozen attrs classes with validators, loadable from JSON/TOML, overridable.

A model's parameters are one frozen class::

    @attrs.frozen(kw_only=True)
    class TradeParameters(Parameters):
        productivity = param([1.0, 1.0], description="A_i, eq. (1)", unit="goods per efficiency unit",
                             converter=as_float_array, validator=[positive, ndim(1)])
        labor = param([1.0, 1.0], description="L_i", converter=as_float_array,
                      validator=[positive, same_length_as("productivity")])
        grid_points = param(100, description="points of the grid", converter=as_int,
                            validator=[positive, at_most(100_000)])

Conversion is total: whatever arrives (from ``--set``, a JSON or TOML file, or Python) is either
turned into the declared type or rejected with :class:`~equilibria.errors.ParameterError` naming
the parameter and the rule it breaks:

* numbers (:data:`as_float`, :data:`as_int`) must be real numbers — booleans, strings, ``None``,
  containers are not — and finite (NaN and ±inf are rejected; a float too large for a double, an
  integer beyond 2^63, a non-integral value for an integer are rejected);
* arrays (:data:`as_float_array`, :data:`as_int_array`) must be non-empty rectangular nests of
  such numbers, at most :data:`MAX_DEPTH` deep and :data:`MAX_ELEMENTS` entries large;
* a parameter declared without a converter gets one from its default's type (a float, string or
  boolean default);
* validators (:data:`positive`, :func:`at_most`, :func:`same_length_as`, ...) run after every
  field is converted, so a cross-field rule names the field it is attached to; ``check()`` holds
  the remaining cross-field rules; :func:`require_memory` turns a grid or a population larger
  than memory into bad input rather than a ``MemoryError``.

Text is read as the command line reads it (:func:`parse_overrides`, :meth:`Parameters.load`):
values are JSON, files JSON or TOML in UTF-8; nesting too deep, numbers with too many digits and
undecodable bytes are bad input too.
"""
from __future__ import annotations

import json
import math
import numbers
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

import attrs
import numpy as np

from .errors import ParameterError

__all__ = [
    "Parameters", "param", "parse_overrides",
    "as_float", "as_int", "as_float_array", "as_int_array", "as_str", "as_bool", "as_path", "as_names",
    "float_array",
    "positive", "nonnegative", "finite", "in_open_interval", "in_closed_interval", "one_of",
    "ndim", "square", "min_length", "max_length", "at_most", "at_least", "same_length_as", "existing_file",
    "require_memory", "memory_budget", "MAX_ELEMENTS", "MAX_DEPTH",
]

MAX_ELEMENTS = 10_000_000
"""Largest number of entries of one array parameter."""
MAX_DEPTH = 16
"""Deepest nesting of lists in one array parameter."""
_INT_LIMIT = 2 ** 63 - 1


# ----------------------------------------------------------------------------- memory
def memory_budget() -> int:
    """Bytes one computation may plan to use: ``EQUILIBRIA_MEMORY_LIMIT_MB``, else half the RAM."""
    text = os.environ.get("EQUILIBRIA_MEMORY_LIMIT_MB", "").strip()
    if text:
        try:
            return int(float(text) * 2 ** 20)
        except ValueError:
            pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2)
    except (ValueError, OSError, AttributeError):  # not a POSIX system
        return 8 * 2 ** 30


def require_memory(name: str, nbytes: float, what: str) -> None:
    """Raise ``ParameterError(name)`` if ``what`` would need more than :func:`memory_budget` bytes."""
    budget = memory_budget()
    if not nbytes <= budget:
        raise ParameterError(name, f"is too large: {what} would need {nbytes / 2 ** 30:.3g} GiB, more than the "
                                   f"{budget / 2 ** 30:.3g} GiB allowed (EQUILIBRIA_MEMORY_LIMIT_MB)")


# ----------------------------------------------------------------------------- converters
def _converter(function):
    """Wrap ``function(value, name)`` as an attrs converter that knows its field's name."""
    def convert(value, _self, field):
        return function(value, field.alias or field.name)
    converter = attrs.Converter(convert, takes_self=True, takes_field=True)
    return converter


def _unwrap_scalar(value):
    """A 0-d NumPy array or NumPy scalar as a Python number (other values unchanged)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _not_a_number(value) -> bool:
    return isinstance(value, (bool, np.bool_, str, bytes)) or value is None \
        or not isinstance(value, numbers.Real)


def _as_float(value, name, allow_inf=False):
    value = _unwrap_scalar(value)
    if _not_a_number(value):
        raise ParameterError(name, "must be a real number", value)
    try:
        out = float(value)
    except OverflowError:
        raise ParameterError(name, "must be a finite real number (too large for a float)", value) from None
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a real number", value) from None
    if math.isnan(out):
        raise ParameterError(name, "must not be NaN", value)
    if math.isinf(out) and not allow_inf:
        raise ParameterError(name, "must be finite", value)
    return out


def _as_int(value, name):
    value = _unwrap_scalar(value)
    if _not_a_number(value):
        raise ParameterError(name, "must be an integer", value)
    if isinstance(value, numbers.Integral):
        out = int(value)
    else:
        number = float(value) if not isinstance(value, float) else value
        if not math.isfinite(number) or not number.is_integer():
            raise ParameterError(name, "must be an integer", value)
        out = int(number)
    if abs(out) > _INT_LIMIT:
        raise ParameterError(name, "must be an integer of magnitude below 2^63", value)
    return out


def _check_nested(value, name):
    """Walk a nest of lists: depth, size and leaf types, before NumPy sees it."""
    stack = [(value, 0)]
    count = 0
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, tuple)):
            if depth >= MAX_DEPTH:
                raise ParameterError(name, f"is nested too deeply (at most {MAX_DEPTH} levels)")
            stack.extend((x, depth + 1) for x in item)
            continue
        if isinstance(item, np.ndarray):
            if item.dtype.kind not in "iuf":
                raise ParameterError(name, "must contain only real numbers", item)
            count += item.size
        elif _not_a_number(_unwrap_scalar(item)):
            raise ParameterError(name, "must contain only real numbers", item)
        else:
            count += 1
        if count > MAX_ELEMENTS:
            raise ParameterError(name, f"has too many entries (at most {MAX_ELEMENTS:,})")


def _to_float_array(value, name, allow_empty=False, allow_inf=False):
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise ParameterError(name, "must be an array of real numbers", value)
        if value.size > MAX_ELEMENTS:
            raise ParameterError(name, f"has too many entries (at most {MAX_ELEMENTS:,})")
        out = value.astype(float)
    elif isinstance(value, (list, tuple)) or not _not_a_number(_unwrap_scalar(value)):
        _check_nested(value, name)
        try:
            out = np.array(value, dtype=float)
        except OverflowError:
            raise ParameterError(name, "must contain only finite numbers (one is too large for a float)") from None
        except (TypeError, ValueError):
            raise ParameterError(name, "must be a (rectangular) array of numbers", value) from None
    else:
        raise ParameterError(name, "must be a number or a (nested) list of numbers", value)
    if out.size == 0 and not allow_empty:
        raise ParameterError(name, "must not be empty", value)
    if np.isnan(out).any():
        raise ParameterError(name, "must not contain NaN", value)
    if not allow_inf and np.isinf(out).any():
        raise ParameterError(name, "must contain only finite numbers", value)
    out.setflags(write=False)
    return out


def _as_int_array(value, name):
    floats = _to_float_array(value, name)
    if not np.all(floats == np.round(floats)) or np.any(np.abs(floats) > 2 ** 53):
        raise ParameterError(name, "must contain only integers", value)
    out = floats.astype(np.int64)
    out.setflags(write=False)
    return out


def _as_str(value, name):
    if not isinstance(value, str):
        raise ParameterError(name, "must be a string", value)
    return value


def _as_bool(value, name):
    value = _unwrap_scalar(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ParameterError(name, "must be true or false", value)


def _as_names(value, name):
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ParameterError(name, "must be a list of names (strings)", value)
    return tuple(value)


def _as_path(value, name):
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise ParameterError(name, "must be a file path (a non-empty string)", value)
    return Path(value)


def float_array(allow_empty: bool = False, allow_inf: bool = False):
    """A converter to a read-only float array; by default non-empty with finite entries."""
    return _converter(lambda value, name: _to_float_array(value, name, allow_empty, allow_inf))


as_float = _converter(_as_float)
as_int = _converter(_as_int)
as_float_array = float_array()
as_int_array = _converter(_as_int_array)
as_str = _converter(_as_str)
as_bool = _converter(_as_bool)
as_path = _converter(_as_path)
as_names = _converter(_as_names)


# ----------------------------------------------------------------------------- validators
def _validator(rule: str, test):
    """An attrs validator raising ParameterError(name, rule) when ``test(value)`` is false (or fails)."""
    def validate(_instance, attribute, value):
        try:
            ok = bool(test(value))
        except (TypeError, ValueError, ArithmeticError):
            ok = False
        if not ok:
            raise ParameterError(attribute.alias or attribute.name, rule, value)
    validate.rule = rule
    return validate


positive = _validator("must be positive", lambda v: np.all(np.asarray(v) > 0))
nonnegative = _validator("must be non-negative", lambda v: np.all(np.asarray(v) >= 0))
finite = _validator("must be finite", lambda v: np.all(np.isfinite(np.asarray(v, dtype=float))))


def in_open_interval(low: float, high: float):
    """Every entry strictly between ``low`` and ``high``."""
    return _validator(f"must lie in the open interval ({low:g}, {high:g})",
                      lambda v: np.all((np.asarray(v) > low) & (np.asarray(v) < high)))


def in_closed_interval(low: float, high: float):
    """Every entry in ``[low, high]``."""
    return _validator(f"must lie in [{low:g}, {high:g}]",
                      lambda v: np.all((np.asarray(v) >= low) & (np.asarray(v) <= high)))


def at_most(high: float):
    """Every entry at most ``high`` (a size limit: grid points, firms, iterations)."""
    return _validator(f"must be at most {high:,}", lambda v: np.all(np.asarray(v) <= high))


def at_least(low: float):
    """Every entry at least ``low``."""
    return _validator(f"must be at least {low:,}", lambda v: np.all(np.asarray(v) >= low))


def one_of(*choices):
    """The value is one of ``choices``."""
    listed = ", ".join(repr(c) for c in choices)
    return _validator(f"must be one of {listed}",
                      lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool) and v in choices)


def ndim(n: int):
    """An array with ``n`` dimensions."""
    names = {0: "a scalar", 1: "a vector (1-D list)", 2: "a matrix (2-D list)"}
    return _validator(f"must be {names.get(n, f'a {n}-D array')}", lambda v: np.ndim(v) == n)


square = _validator("must be a square matrix",
                    lambda v: np.ndim(v) == 2 and np.shape(v)[0] == np.shape(v)[1])


def min_length(n: int):
    """At least ``n`` entries along the first axis."""
    return _validator(f"must have at least {n} entries", lambda v: np.ndim(v) >= 1 and len(v) >= n)


def max_length(n: int):
    """At most ``n`` entries along the first axis."""
    return _validator(f"must have at most {n:,} entries", lambda v: np.ndim(v) >= 1 and len(v) <= n)


def same_length_as(other: str):
    """As many entries along the first axis as the field ``other`` (a cross-field rule)."""
    def validate(instance, attribute, value):
        reference = getattr(instance, other)
        want = len(reference) if np.ndim(reference) >= 1 else 1
        if np.ndim(value) < 1 or len(value) != want:
            raise ParameterError(attribute.alias or attribute.name,
                                 f"must have one entry per entry of {other} ({want})", value)
    validate.rule = f"one entry per entry of {other}"
    return validate


def _is_file(path) -> bool:
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


existing_file = _validator("must name an existing file", _is_file)


# ----------------------------------------------------------------------------- fields
def _equal(a, b) -> bool:
    return bool(np.array_equal(np.asarray(a), np.asarray(b))) if a is not None and b is not None else a is b


def _inferred_converter(default):
    """The converter a float, string or boolean default implies (none for other defaults)."""
    if isinstance(default, bool):
        return as_bool
    if isinstance(default, float):
        return as_float
    if isinstance(default, str):
        return as_str
    return None


def param(default=attrs.NOTHING, *, description: str, unit: str = "", converter=None, validator=None,
          factory=None):
    """Declare one parameter: a default, a description (cite the paper's symbol and equation), a unit.

    Array defaults may be given as lists; they are converted (and validated) like user input.
    Without a ``converter``, a float, string or boolean default implies :data:`as_float`,
    :data:`as_str` or :data:`as_bool`.
    """
    if factory is not None:
        default = attrs.Factory(factory)
    if converter is None:
        converter = _inferred_converter(default)
    return attrs.field(
        default=default, converter=converter, validator=validator,
        eq=attrs.cmp_using(eq=_equal),
        metadata={"description": description, "unit": unit},
    )


# ----------------------------------------------------------------------------- loading
def _decode_json(text: str, name: str):
    """JSON text to a value; ``ParameterError(name)`` for nesting or digits beyond the decoder's limits."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ParameterError(name, "is nested too deeply") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # Python's limit on the digits of an integer
        raise ParameterError(name, f"is not a usable number ({exc})".replace("\n", " ")) from None


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` strings; values are JSON (numbers, lists, matrices), else plain strings."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(pair[:60], "an override must be written KEY=VALUE")
        try:
            out[key] = _decode_json(text, key)
        except json.JSONDecodeError:
            out[key] = text
    return out


def _read_file(path) -> dict[str, Any]:
    path = Path(path)
    try:
        if path.is_dir():
            raise ParameterError("--params", "is a folder, not a file", str(path))
        if not path.is_file():
            raise ParameterError("--params", "file does not exist", str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError("--params", f"cannot be read ({exc.strerror or exc})", str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError("--params", f"{path.name} is not UTF-8 text (byte {exc.start})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        raise ParameterError("--params", f"{path.name}: YAML files are not supported; use a .json or .toml file")
    kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
    try:
        if kind == "TOML":
            import tomllib
            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except RecursionError:
        raise ParameterError("--params", f"{path.name} is nested too deeply") from None
    except Exception as exc:  # both decoders' errors carry the position
        detail = " ".join(str(exc).split())
        raise ParameterError("--params", f"{path.name} is not valid {kind}: {detail}") from None
    if not isinstance(data, dict):
        raise ParameterError("--params", "file must hold an object of parameter names and values")
    return data


def _construct(cls, values: Mapping[str, Any]):
    """``cls(**values)``; an error a plugin's check lets slip becomes a ParameterError, never a traceback.

    The parameter named is the only one given, when only one was; otherwise ``parameters``.
    """
    try:
        return cls(**values)
    except ParameterError as exc:
        given = [key for key in values if key != exc.parameter]
        if values and exc.parameter not in values and len(given) == 1 and exc.parameter in _field_names(cls):
            # a cross-field rule broken by the one parameter given, against another's default
            raise ParameterError(given[0], f"does not fit the default of '{exc.parameter}' "
                                           f"({exc.parameter} {exc.rule})") from None
        raise
    except MemoryError:
        raise ParameterError(_blame(values), "is too large for the available memory") from None
    except (ValueError, TypeError, ArithmeticError, IndexError, KeyError, RecursionError) as exc:
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise ParameterError(_blame(values), f"was rejected ({detail})") from None


def _field_names(cls) -> set:
    return {f.alias or f.name for f in attrs.fields(cls)}


def _blame(values) -> str:
    return next(iter(values)) if len(values) == 1 else "parameters"


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
                raise ParameterError(str(key)[:80], f"is not a parameter of {cls.__name__} "
                                                    f"(known: {', '.join(sorted(known))})")
        return _construct(cls, dict(values))

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
        try:
            return _construct(type(self), {**values, **changes})
        except ParameterError as exc:
            if exc.parameter == "parameters" and len(changes) == 1:
                raise ParameterError(next(iter(changes)), exc.rule) from None
            raise

    # -- introspection
    def to_dict(self, jsonable: bool = True) -> dict[str, Any]:
        """Parameter values by name; arrays become lists when ``jsonable``."""
        out = {}
        for f in attrs.fields(type(self)):
            value = getattr(self, f.name)
            if jsonable and isinstance(value, np.ndarray):
                value = value.tolist()
            elif jsonable and isinstance(value, Path):
                value = str(value)
            out[f.alias or f.name] = value
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
