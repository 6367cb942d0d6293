"""Sympy expressions compiled into one plain Python function (``math`` module, common subexpressions).

:func:`compile_vector` turns a list of expressions in argument vectors into a single function
returning the list of their values — one call evaluates, for instance, every non-zero entry of a
model's Jacobian. :func:`compile_sequence` compiles assignments evaluated in order (closed-form
steady states, derived parameters), each able to use the ones before it. Arguments are unpacked
from lists of floats, so the generated code does scalar arithmetic only: for the small models of
macroeconomics that is faster than NumPy calls, and compilation is one ``exec``.
"""
from __future__ import annotations

import math
from typing import Sequence

__all__ = ["compile_vector", "compile_sequence"]


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


def compile_vector(argument_lists: Sequence[Sequence], expressions: Sequence, name: str = "evaluate"):
    """``f(arg0, arg1, ...) -> list`` of the values of ``expressions``; ``arg_i`` are sequences of floats
    matching ``argument_lists[i]`` (sympy symbols)."""
    import sympy as sp

    mapping, names = _rename(argument_lists)
    renamed = [sp.sympify(e).xreplace(mapping) for e in expressions]
    replacements, reduced = sp.cse(renamed, symbols=sp.numbered_symbols("t_"), optimizations=None)
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
