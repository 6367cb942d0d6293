"""Sympy expressions compiled into one plain Python function (``math`` module, scalar arithmetic).

:func:`compile_vector` turns a list of expressions in argument vectors into a single function
returning the list of their values. :func:`compile_jacobian` writes one function returning every
structurally non-zero partial derivative of a list of expressions, by forward-mode
differentiation of the expression trees into straight-line code (shared subexpressions are
computed once). :func:`compile_sequence` compiles assignments evaluated in order (closed-form
steady states, derived parameters), each able to use the ones before it. Arguments are unpacked
from lists of floats, so the generated code does scalar arithmetic only: for the small models of
macroeconomics that is faster than NumPy calls, and compilation is one ``exec``.
"""
from __future__ import annotations

import math
import re
from typing import Sequence

__all__ = ["compile_vector", "compile_sequence", "compile_jacobian"]

_LITERAL = re.compile(r"\(?-?[0-9.]+(e[-+]?[0-9]+)?\)?")


def _printer():
    from sympy.printing.pycode import PythonCodePrinter

    return PythonCodePrinter({"fully_qualified_modules": True, "inline": True, "allow_unknown_functions": False})


def _rename(argument_lists):
    """Safe names ``a{i}_{j}`` for the symbols of each argument list."""
    import sympy as sp

    mapping = {}
    names = []
    for i, symbols in enumerate(argument_lists):
        row = []
        for j, s in enumerate(symbols):
            safe = sp.Symbol(f"a{i}_{j}")
            mapping[s] = safe
            row.append(safe.name)
        names.append(row)
    return mapping, names


def _unpack(names, i) -> list[str]:
    if not names:
        return []
    return [f"    {', '.join(names)}, = arg{i}"]


def _build(source: str, name: str):
    namespace = {"math": math}
    exec(compile(source, f"<equilibria.dynamics {name}>", "exec"), namespace)  # noqa: S102
    function = namespace[name]
    function.source = source
    return function


def compile_vector(argument_lists: Sequence[Sequence], expressions: Sequence, name: str = "evaluate",
                   cse: bool = False):
    """``f(arg0, arg1, ...) -> list`` of the values of ``expressions``; ``arg_i`` are sequences of floats
    matching ``argument_lists[i]`` (sympy symbols).

    ``cse=True`` shares common subexpressions; sympy's CSE costs seconds on a 30-equation model's
    Jacobian and saved under a tenth of its evaluation time there, so it is off by default.
    """
    import sympy as sp

    mapping, names = _rename(argument_lists)
    renamed = [sp.sympify(e).xreplace(mapping) for e in expressions]
    if cse:
        replacements, reduced = sp.cse(renamed, symbols=sp.numbered_symbols("t_"), optimizations=None)
    else:
        replacements, reduced = [], renamed
    printer = _printer()
    lines = [f"def {name}({', '.join(f'arg{i}' for i in range(len(names)))}):"]
    for i, row in enumerate(names):
        lines += _unpack(row, i)
    for symbol, value in replacements:
        lines.append(f"    {symbol} = {printer.doprint(value)}")
    lines.append(f"    return [{', '.join(printer.doprint(e) for e in reduced)}]")
    return _build("\n".join(lines) + "\n", name)


def compile_sequence(arguments: Sequence, assignments: Sequence[tuple], name: str = "sequence"):
    """``f(values) -> list`` computing ``assignments`` = [(symbol, expression), ...] in order.

    ``values`` gives the ``arguments`` (sympy symbols); each assignment may use the arguments and
    the symbols assigned before it. An assignment whose symbol is itself an argument replaces that
    argument's value unless its position is listed in ``skip`` (``f(values, skip=())``). Returns
    the assigned values in order.
    """
    import sympy as sp

    mapping, names = _rename([arguments])
    printer = _printer()
    lines = [f"def {name}(arg0, skip=()):"] + _unpack(names[0], 0)
    outputs = []
    for k, (symbol, expression) in enumerate(assignments):
        value = printer.doprint(sp.sympify(expression).xreplace(mapping))
        if symbol in mapping:
            target = mapping[symbol].name
            position = list(arguments).index(symbol)
            lines.append(f"    if {position} not in skip:")
            lines.append(f"        {target} = {value}")
        else:
            target = f"h{k}"
            mapping[symbol] = sp.Symbol(target)
        if symbol not in arguments:
            lines.append(f"    {target} = {value}")
        outputs.append(target)
    lines.append(f"    return [{', '.join(outputs)}]")
    return _build("\n".join(lines) + "\n", name)


class _ForwardWriter:
    """Straight-line code for values and partial derivatives of expression trees (forward mode).

    Every node's value gets a temporary; its partial derivatives with respect to the ``wrt``
    symbols are code strings built by the chain rule, so no symbolic derivative is ever
    simplified (sympy's ``diff`` spends seconds in its assumption system on a 30-equation model).
    Nodes without a rule fall back to ``sympy.diff``.
    """

    def __init__(self, printer, wrt):
        self.printer = printer
        self.column = {s: j for j, s in enumerate(wrt)}
        self.lines: list[str] = []
        self.count = 0
        self.memo: dict = {}

    def _temp(self, code: str, prefix: str = "v") -> str:
        """A temporary holding ``code`` (names and number literals are used as they are)."""
        if code.isidentifier() or _LITERAL.fullmatch(code):
            return code
        name = f"{prefix}{self.count}"
        self.count += 1
        self.lines.append(f"    {name} = {code}")
        return name

    def node(self, expr):
        """``(value_code, {column: derivative_code})`` of ``expr``."""
        import sympy as sp

        if expr in self.memo:
            return self.memo[expr]
        if expr.is_Symbol:
            out = (expr.name, {self.column[expr]: "1.0"} if expr in self.column else {})
        elif expr.is_number:
            out = (f"({float(expr)!r})", {})
        elif not (expr.free_symbols & self.column.keys()):
            out = (self._temp(self.printer.doprint(expr)), {})
        elif expr.is_Add:
            parts = [self.node(a) for a in expr.args]
            value = self._temp(" + ".join(v for v, _ in parts))
            derivs: dict = {}
            for _, d in parts:
                for j, code in d.items():
                    derivs.setdefault(j, []).append(code)
            out = (value, {j: self._temp(" + ".join(codes), "d") for j, codes in derivs.items()})
        elif expr.is_Mul:
            parts = [self.node(a) for a in expr.args]
            values = [v for v, _ in parts]
            value = self._temp(" * ".join(values))
            derivs = {}
            for i, (_, d) in enumerate(parts):
                others = " * ".join(values[:i] + values[i + 1:]) or "1.0"
                for j, code in d.items():
                    derivs.setdefault(j, []).append(f"{code} * {others}")
            out = (value, {j: self._temp(" + ".join(codes), "d") for j, codes in derivs.items()})
        elif expr.is_Pow:
            (b, db), (e, de) = self.node(expr.base), self.node(expr.exp)
            value = self._temp(f"{b} ** {e}")
            derivs = {}
            for j in set(db) | set(de):
                terms = []
                if j in db:
                    terms.append(f"{e} * {b} ** ({e} - 1) * {db[j]}")
                if j in de:
                    terms.append(f"{value} * math.log({b}) * {de[j]}")
                derivs[j] = self._temp(" + ".join(terms), "d")
            out = (value, derivs)
        elif isinstance(expr, sp.Function) and len(expr.args) == 1 and type(expr) in _RULES:
            u, du = self.node(expr.args[0])
            value_code, slope = _RULES[type(expr)]
            value = self._temp(value_code.format(u=u))
            factor = self._temp(slope.format(u=u, v=value))
            out = (value, {j: self._temp(f"{factor} * {d}", "d") for j, d in du.items()})
        else:  # anything else: sympy's derivative, printed
            value = self._temp(self.printer.doprint(expr))
            derivs = {}
            for s in sorted(expr.free_symbols & self.column.keys(), key=self.column.get):
                d = sp.diff(expr, s)
                if d != 0:
                    derivs[self.column[s]] = self._temp(f"({self.printer.doprint(d)})", "d")
            out = (value, derivs)
        self.memo[expr] = out
        return out


def _rules():
    import sympy as sp

    return {
        sp.exp: ("math.exp({u})", "{v}"),
        sp.log: ("math.log({u})", "1.0 / {u}"),
        sp.sin: ("math.sin({u})", "math.cos({u})"),
        sp.cos: ("math.cos({u})", "-math.sin({u})"),
        sp.tan: ("math.tan({u})", "1.0 + {v} ** 2"),
        sp.atan: ("math.atan({u})", "1.0 / (1.0 + {u} ** 2)"),
        sp.tanh: ("math.tanh({u})", "1.0 - {v} ** 2"),
        sp.erf: ("math.erf({u})", "1.1283791670955126 * math.exp(-{u} ** 2)"),
        sp.erfc: ("math.erfc({u})", "-1.1283791670955126 * math.exp(-{u} ** 2)"),
        sp.Abs: ("abs({u})", "math.copysign(1.0, {u})"),
    }


_RULES: dict = {}


def compile_jacobian(argument_lists: Sequence[Sequence], expressions: Sequence, wrt: Sequence,
                     name: str = "jacobian_entries"):
    """``(f, rows, columns)``: ``f(arg0, arg1, ...)`` returns the structurally non-zero partial
    derivatives of ``expressions`` with respect to the symbols ``wrt`` (all among the arguments),
    entry ``k`` being ``d expressions[rows[k]] / d wrt[columns[k]]``; rows then columns ascending."""
    import sympy as sp

    if not _RULES:
        _RULES.update(_rules())
    mapping, names = _rename(argument_lists)
    writer = _ForwardWriter(_printer(), [mapping[s] for s in wrt])
    rows, columns, codes = [], [], []
    for i, expression in enumerate(expressions):
        _, derivs = writer.node(sp.sympify(expression).xreplace(mapping))
        for j in sorted(derivs):
            rows.append(i)
            columns.append(j)
            codes.append(derivs[j])
    lines = [f"def {name}({', '.join(f'arg{i}' for i in range(len(names)))}):"]
    for i, row in enumerate(names):
        lines += _unpack(row, i)
    lines += writer.lines
    lines.append(f"    return [{', '.join(codes)}]")
    return _build("\n".join(lines) + "\n", name), rows, columns
