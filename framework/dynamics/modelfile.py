"""Model definitions: the TOML model-file format and its Python twin, parsed into sympy.

A model is endogenous variables, exogenous innovations, parameters and equations written as
Dynare users write them::

    [parameters]
    alpha = 0.33
    beta = 0.99
    kappa = "(1 - theta) * (1 - beta * theta) / theta"   # derived from parameters listed before it

    [variables]
    c = { log = true, guess = 1.0 }     # approximated in logs, reported as 100 x log deviation
    pi = {}                             # a level: reported as a level deviation, guess 0

    [shocks]
    eps_a = 0.01                        # standard deviation of the innovation

    [steady_state]                      # optional closed forms, in order
    c = "1 - alpha * beta"

    [model]
    equations = ["1/c = beta * c(+1)^(-1) * (1 + r(+1))", "..."]

Time shifts: ``x(+1)`` is x expected at t+1, ``x(-1)`` its value at t-1 (a variable that appears
with ``(-1)`` is predetermined); leads and lags beyond one period are rejected. ``^`` is a power.
Every declared name is a plain symbol, so ``pi``, ``beta``, ``gamma``, ``E``, ``I``, ``N``,
``S`` and even ``lambda`` are ordinary names here. Functions: ``exp``, ``log`` (``ln``),
``sqrt``, ``abs``, ``sin``, ``cos``, ``tan``, ``erf``, ``normcdf``, ``normpdf``, ``min``, ``max``.

Errors in a definition raise :class:`ModelError` (a :class:`~equilibria.errors.ParameterError`,
command-line exit 2) naming the equation by number and text, or the symbol.
"""
from __future__ import annotations

import ast
import math
import re
from pathlib import Path
from typing import Any, Mapping

import attrs

from ..errors import ParameterError

__all__ = ["ModelError", "ModelDefinition", "VariableSpec", "read_model_file", "parse_model_text",
           "definition_from_mapping", "FUNCTIONS"]

_NAME = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z_0-9]*)(\s*\(\s*([+-]?\s*\d+)\s*\))?")


class _Unsupported(Exception):
    """Syntax outside arithmetic expressions."""


class ModelError(ParameterError):
    """A model definition breaks a rule: the message names the equation (number and text) or symbol."""

    def __init__(self, where: str, rule: str):
        self.parameter = where
        self.rule = rule
        self.value = None
        Exception.__init__(self, f"model: {where}: {rule}")


def _functions():
    import sympy as sp

    x = sp.Symbol("x")
    normcdf = sp.Lambda(x, (1 + sp.erf(x / sp.sqrt(2))) / 2)
    normpdf = sp.Lambda(x, sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi))
    return {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "sin": sp.sin,
            "cos": sp.cos, "tan": sp.tan, "atan": sp.atan, "tanh": sp.tanh, "erf": sp.erf, "erfc": sp.erfc,
            "normcdf": normcdf, "normpdf": normpdf, "min": sp.Min, "max": sp.Max}


FUNCTIONS = ("exp", "log", "ln", "sqrt", "abs", "sin", "cos", "tan", "atan", "tanh", "erf", "erfc",
             "normcdf", "normpdf", "min", "max")


@attrs.frozen
class VariableSpec:
    """An endogenous variable: approximated in logs (``log``) or levels, and a steady-state guess."""

    name: str
    log: bool = False
    guess: float = 0.0


@attrs.frozen(kw_only=True)
class ModelDefinition:
    """A parsed model: names, values and sympy expressions (equations as ``lhs - rhs``).

    Symbols: a variable ``x`` is ``Symbol("x")`` at t, ``Symbol("x(+1)")`` and ``Symbol("x(-1)")``
    shifted; parameters and innovations are ``Symbol(name)``.
    """

    name: str
    variables: tuple          # VariableSpec, declaration order
    shocks: tuple             # innovation names
    shock_std: tuple          # their standard deviations
    parameters: tuple         # parameter names (plain and derived), declaration order
    parameter_values: dict    # name -> float for plain parameters
    derived: dict             # name -> sympy expression in earlier parameters
    equations: tuple          # sympy expressions, each = 0 in expectation
    equation_texts: tuple     # as written
    steady_state: tuple       # (name, sympy expression or callable) in order
    steady_state_function: Any = None   # optional callable(params dict) -> {variable: level}

    @property
    def variable_names(self) -> list[str]:
        return [v.name for v in self.variables]


# ----------------------------------------------------------------------------- reading
def read_model_file(path) -> ModelDefinition:
    """Parse a TOML model file (see the module docstring for the tables)."""
    path = Path(path)
    if not path.is_file():
        raise ModelError("file", f"{path} does not exist")
    return parse_model_text(path.read_text(encoding="utf-8"), name=path.stem)


def parse_model_text(text: str, name: str = "model") -> ModelDefinition:
    """Parse the text of a TOML model file."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError("file", f"not valid TOML: {exc}") from None
    known = {"parameters", "variables", "shocks", "steady_state", "model", "name"}
    for key in data:
        if key not in known:
            raise ModelError(f"table [{key}]", f"is not part of the format (known: {', '.join(sorted(known))})")
    model = data.get("model", {})
    if not isinstance(model, dict) or "equations" not in model:
        raise ModelError("table [model]", "must hold equations = [\"lhs = rhs\", ...]")
    extra = set(model) - {"equations"}
    if extra:
        raise ModelError("table [model]", f"unknown key(s) {', '.join(sorted(extra))}")
    return definition_from_mapping(
        parameters=data.get("parameters", {}), variables=data.get("variables", {}), shocks=data.get("shocks", {}),
        equations=model["equations"], steady_state=data.get("steady_state", {}), name=str(data.get("name", name)))


def _variable_specs(variables) -> list[VariableSpec]:
    specs = []
    if isinstance(variables, Mapping):
        items = variables.items()
    else:  # a list of names
        items = [(v, {}) for v in variables]
    for name, spec in items:
        if isinstance(spec, VariableSpec):
            specs.append(spec)
            continue
        if spec is None:
            spec = {}
        if not isinstance(spec, Mapping):
            raise ModelError(f"variable '{name}'", "must be a table such as { log = true, guess = 1.0 }")
        unknown = set(spec) - {"log", "guess"}
        if unknown:
            raise ModelError(f"variable '{name}'", f"unknown key(s) {', '.join(sorted(unknown))} (known: log, guess)")
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise ModelError(f"variable '{name}'", "log must be true or false")
        guess = spec.get("guess", 1.0 if log else 0.0)
        guess = _number(guess, f"variable '{name}'", "guess must be a number")
        if log and not guess > 0:
            raise ModelError(f"variable '{name}'", f"guess must be positive for a log variable (got {guess})")
        specs.append(VariableSpec(str(name), log, guess))
    return specs


def _number(value, where, rule) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, np.floating | np.integer):
                value = float(value)
            else:
                raise TypeError
        except TypeError:
            raise ModelError(where, f"{rule} (got {value!r})") from None
    value = float(value)
    if not math.isfinite(value):
        raise ModelError(where, f"{rule} (got {value!r})")
    return value


def _check_name(name, where):
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
        raise ModelError(where, f"{name!r} is not a valid name (letters, digits, underscores)")
    if name in FUNCTIONS:
        raise ModelError(where, f"{name!r} is a function name and cannot be a symbol")


class _Parser:
    """Turns expression text into sympy with every declared name a plain symbol."""

    def __init__(self, variables, parameters, shocks):
        import sympy as sp

        self.sp = sp
        self.variables = list(variables)
        self.parameters = list(parameters)
        self.shocks = list(shocks)
        self.functions = _functions()
        self.kind = {}
        for v in self.variables:
            self.kind[v] = "variable"
        for p in self.parameters:
            self.kind[p] = "parameter"
        for e in self.shocks:
            self.kind[e] = "shock"

    _BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
               ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}

    def _build(self, node, local):
        """A sympy expression from a Python expression tree (numbers, + - * / **, calls, names)."""
        sp = self.sp
        if isinstance(node, ast.BinOp) and type(node.op) in self._BINARY:
            return self._BINARY[type(node.op)](self._build(node.left, local), self._build(node.right, local))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self._build(node.operand, local)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Float(node.value)
        if isinstance(node, ast.Name) and node.id in local:
            return local[node.id]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions \
                and not node.keywords:
            return self.functions[node.func.id](*[self._build(a, local) for a in node.args])
        if isinstance(node, ast.Name):
            raise _Unsupported(f"'{node.id}' is a function; call it with arguments")
        raise _Unsupported(f"unsupported syntax {ast.unparse(node)!r}")

    def symbol(self, name, shift=0):
        if shift == 0:
            return self.sp.Symbol(name)
        return self.sp.Symbol(f"{name}({shift:+d})")

    def parse(self, text, where, allowed=None, shifts=True):
        """Parse ``text``; ``allowed`` restricts names (set of plain names), ``shifts`` allows x(+1)."""
        if not isinstance(text, str):
            raise ModelError(where, f"must be a string (got {text!r})")
        local = {}
        counter = [0]
        names_used = []

        def replace(match):
            name, shifted, amount = match.group(1), match.group(2), match.group(3)
            if name in self.functions and name not in self.kind:
                return match.group(0)
            kind = self.kind.get(name)
            if kind is None or (allowed is not None and name not in allowed):
                if allowed is not None and kind is not None:
                    raise ModelError(where, f"symbol '{name}' ({kind}) cannot be used here")
                raise ModelError(where, f"unknown symbol '{name}'")
            shift = 0
            if shifted:
                shift = int(amount.replace(" ", ""))
                if kind != "variable":
                    raise ModelError(where, f"the {kind} '{name}' cannot carry a time shift ({name}({shift:+d}))")
                if shift != 0 and not shifts:
                    raise ModelError(where, f"time shift {name}({shift:+d}) not allowed here")
                if abs(shift) > 1:
                    raise ModelError(where, f"{name}({shift:+d}): leads and lags beyond one period are not "
                                            "supported (introduce an auxiliary variable)")
            names_used.append((name, shift))
            counter[0] += 1
            token = f"_sym{counter[0]}_"
            local[token] = self.symbol(name, shift)
            return token

        body = _NAME.sub(replace, text).replace("^", "**")
        try:
            tree = ast.parse(body.strip(), mode="eval")
            expr = self._build(tree.body, local)
        except ModelError:
            raise
        except _Unsupported as exc:
            raise ModelError(where, f"does not parse ({exc})") from None
        except SyntaxError as exc:
            raise ModelError(where, f"does not parse ({exc.msg or 'invalid syntax'})") from None
        except (TypeError, ValueError, ZeroDivisionError) as exc:
            raise ModelError(where, f"does not parse ({type(exc).__name__}: {exc})") from None
        if not isinstance(expr, self.sp.Expr):
            raise ModelError(where, "is not an arithmetic expression")
        return expr, names_used


def _split_equation(text, where):
    if not isinstance(text, str):
        raise ModelError(where, f"must be a string (got {text!r})")
    stripped = re.sub(r"[<>!=]=", "", text)
    if re.search(r"[<>]", stripped):
        raise ModelError(where, "inequalities are not equations")
    parts = text.split("=")
    if len(parts) > 2:
        raise ModelError(where, "has more than one '='")
    return parts


def definition_from_mapping(*, parameters, variables, shocks, equations, steady_state=None,
                            name: str = "model", steady_state_function=None) -> ModelDefinition:
    """Build a :class:`ModelDefinition` from Python objects (the TOML tables as dicts).

    Parameters
    ----------
    parameters : mapping
        ``name -> value``; a value may be a string, an expression in parameters listed before it
        (a derived parameter, recomputed when those change).
    variables : mapping or sequence
        ``name -> {"log": bool, "guess": float}`` (or a list of names: levels, guess 0).
    shocks : mapping
        ``name -> standard deviation`` of the innovation.
    equations : sequence of str or sympy expressions
        ``"lhs = rhs"`` or an expression equal to zero. Sympy expressions use the symbols of
        :class:`ModelDefinition` (``Symbol("k(-1)")`` for a lag).
    steady_state : mapping, optional
        ``name -> expression`` (string, sympy expression, or a callable receiving a dict of the
        parameters and the entries before it), in order; names that are not variables are helpers.
    steady_state_function : callable, optional
        ``f(params: dict) -> {variable: level}``, for a steady state that is easier to write in Python.
    """
    import sympy as sp

    if not isinstance(parameters, Mapping):
        raise ModelError("parameters", "must be a table of name = value")
    if not isinstance(shocks, Mapping):
        raise ModelError("shocks", "must be a table of name = standard deviation")
    specs = _variable_specs(variables)
    seen: dict[str, str] = {}
    for kind, names in (("variable", [s.name for s in specs]), ("parameter", list(parameters)),
                        ("shock", list(shocks))):
        for n in names:
            _check_name(n, f"{kind} '{n}'")
            if n in seen:
                raise ModelError(f"symbol '{n}'", f"declared twice (as {seen[n]} and as {kind})")
            seen[n] = kind
    if not specs:
        raise ModelError("variables", "the model declares no variables")
    shock_names = list(shocks)
    shock_std = tuple(_number(shocks[e], f"shock '{e}'", "must have a standard deviation (a number)")
                      for e in shock_names)
    for e, s in zip(shock_names, shock_std):
        if s < 0:
            raise ModelError(f"shock '{e}'", f"standard deviation must be non-negative (got {s})")
    parser = _Parser([s.name for s in specs], list(parameters), shock_names)

    values, derived = {}, {}
    earlier: set[str] = set()
    for p, value in parameters.items():
        where = f"parameter '{p}'"
        if isinstance(value, str) and not value.strip():
            raise ModelError(where, "has no value")
        if isinstance(value, str):
            expr, _ = parser.parse(value, where, allowed=earlier, shifts=False)
            derived[p] = expr
        elif isinstance(value, sp.Expr):
            derived[p] = value
        else:
            if value is None:
                raise ModelError(where, "has no value")
            values[p] = _number(value, where, "must have a value (a number, or an expression in earlier parameters)")
        earlier.add(p)

    exprs, texts = [], []
    equations = list(equations) if not isinstance(equations, str) else [equations]
    if not equations:
        raise ModelError("[model] equations", "there are no equations")
    for i, eq in enumerate(equations, start=1):
        if isinstance(eq, sp.Expr) or isinstance(eq, sp.Equality):
            expr = eq.lhs - eq.rhs if isinstance(eq, sp.Equality) else eq
            text = str(eq)
            where = f"equation {i} `{text}`"
            declared = {parser.symbol(v.name, s) for v in specs for s in (-1, 0, 1)} | \
                {sp.Symbol(n) for n in list(parameters) + shock_names}
            for s in expr.free_symbols:
                if s not in declared:
                    raise ModelError(where, f"unknown symbol '{s}'")
        else:
            text = eq.strip()
            where = f"equation {i} `{text}`"
            sides = _split_equation(text, where)
            parsed = [parser.parse(side, where)[0] for side in sides]
            expr = parsed[0] - parsed[1] if len(parsed) == 2 else parsed[0]
        if expr == 0:
            raise ModelError(where, "is identically zero")
        exprs.append(expr)
        texts.append(text)

    if len(exprs) != len(specs):
        raise ModelError("[model] equations", f"{len(exprs)} equations for {len(specs)} variables "
                                  f"({', '.join(s.name for s in specs)}): the counts must be equal")
    used = set().union(*(e.free_symbols for e in exprs))
    for e in shock_names:
        if sp.Symbol(e) not in used:
            raise ModelError(f"shock '{e}'", "appears in no equation")
    for v in specs:
        if not any(parser.symbol(v.name, s) in used for s in (-1, 0, 1)):
            raise ModelError(f"variable '{v.name}'", "appears in no equation")

    closed = []
    allowed = set(parameters)
    variable_names = {v.name for v in specs}
    for key, value in (steady_state or {}).items():
        where = f"steady state '{key}'"
        _check_name(key, where)
        if key in parameters or key in shock_names:
            raise ModelError(where, f"'{key}' is a {seen[key]}, not a variable or helper")
        if callable(value) and not isinstance(value, sp.Expr):
            closed.append((key, value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            closed.append((key, sp.Float(value)))
        elif isinstance(value, sp.Expr):
            closed.append((key, value))
        else:
            helpers = [k for k, _ in closed if k not in variable_names]
            local_parser = _Parser([k for k, _ in closed if k in variable_names] + helpers, list(parameters),
                                   shock_names)
            expr, _ = local_parser.parse(value, where, allowed=allowed | {k for k, _ in closed}, shifts=False)
            closed.append((key, expr))
        allowed.add(key)

    return ModelDefinition(name=name, variables=tuple(specs), shocks=tuple(shock_names), shock_std=shock_std,
                           parameters=tuple(parameters), parameter_values=values, derived=derived,
                           equations=tuple(exprs), equation_texts=tuple(texts), steady_state=tuple(closed),
                           steady_state_function=steady_state_function)
