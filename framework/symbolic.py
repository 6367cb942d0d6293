"""Symbolic differentiation: a sympy expression in, value / gradient / Hessian callables out.

Writing the gradient and Hessian of an arbitrary smooth scalar function of a vector by hand is
error prone, so :func:`differentiate` lets sympy derive them once and compiles all three with
``lambdify``. kmnt2024 uses it for TFP shifters ``a_i(alpha_i)`` (Assumption 1 of Kopytov, Mishra,
Nimark and Taschereau-Dumouchel 2024 only asks them to be smooth and strictly concave).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

__all__ = ["SymbolicFunction", "differentiate"]


class SymbolicFunction:
    """A scalar function of an n-vector with exact gradient and Hessian.

    Attributes
    ----------
    expression : sympy.Expr
        The expression.
    variables : tuple of sympy.Symbol
        Its arguments, in order.
    value, gradient, hessian : callable
        ``f(x) -> float``, ``f(x) -> (n,) ndarray``, ``f(x) -> (n, n) ndarray``.
    """

    def __init__(self, expression, variables, value, gradient, hessian):
        self.expression = expression
        self.variables = tuple(variables)
        self._value = value
        self._gradient = gradient
        self._hessian = hessian

    @property
    def size(self) -> int:
        return len(self.variables)

    def value(self, x) -> float:
        return float(self._value(*np.asarray(x, dtype=float)))

    def gradient(self, x) -> np.ndarray:
        return np.asarray(self._gradient(*np.asarray(x, dtype=float)), dtype=float).reshape(self.size)

    def hessian(self, x) -> np.ndarray:
        h = np.asarray(self._hessian(*np.asarray(x, dtype=float)), dtype=float)
        return h.reshape(self.size, self.size)

    def __repr__(self):
        return f"SymbolicFunction({self.expression})"


def differentiate(expression, variables: Sequence | None = None) -> SymbolicFunction:
    """Compile ``expression`` and its exact gradient and Hessian.

    Parameters
    ----------
    expression : sympy.Expr or str
        A scalar expression (a string is parsed with :func:`sympy.sympify`).
    variables : sequence of sympy.Symbol or str, optional
        The arguments in order; by default the free symbols sorted by name.

    Examples
    --------
    >>> f = differentiate("-(x1 - 0.2)**2 - x1*x2 - x2**2", ["x1", "x2"])
    >>> f.gradient([0.2, 0.0]).tolist()
    [0.0, -0.2]
    """
    import sympy as sp

    expr = sp.sympify(expression)
    if variables is None:
        variables = sorted(expr.free_symbols, key=lambda s: s.name)
    symbols = [sp.Symbol(v) if isinstance(v, str) else v for v in variables]
    extra = expr.free_symbols - set(symbols)
    if extra:
        raise ValueError(f"expression has symbols that are not variables: {sorted(map(str, extra))}")
    grad = [sp.diff(expr, s) for s in symbols]
    hess = [[sp.diff(gi, s) for s in symbols] for gi in grad]
    value: Callable = sp.lambdify(symbols, expr, "numpy")
    gradient: Callable = sp.lambdify(symbols, sp.Matrix(grad), "numpy")
    hessian: Callable = sp.lambdify(symbols, sp.Matrix(hess), "numpy")
    return SymbolicFunction(expr, symbols, value, gradient, hessian)
