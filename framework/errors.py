"""Errors raised by equilibria.

Two kinds of failure are distinguished everywhere, in Python and on the command line:

* :class:`ParameterError` — the input breaks a rule (command-line exit status 2);
* :class:`ConvergenceError` — a solver did not converge (command-line exit status 3);
  :class:`DeterminacyError`, a linear rational-expectations model without a unique stable
  solution, and :class:`NonFiniteError`, a result that is NaN or infinite, are kinds of it.
"""
from __future__ import annotations

import reprlib

__all__ = ["EquilibriaError", "ParameterError", "ConvergenceError", "DeterminacyError", "NonFiniteError"]


class EquilibriaError(Exception):
    """Base class of the errors equilibria raises on purpose."""


def _short(value, limit: int = 60) -> str:
    import numpy as np

    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"an integer of {value.bit_length()} bits"
    try:
        text = np.array2string(np.asarray(value), threshold=8) if isinstance(value, (list, tuple, np.ndarray)) \
            else repr(value)
    except (ValueError, TypeError, OverflowError, RecursionError):  # ragged, deep or huge nested lists
        try:
            text = reprlib.repr(value)
        except Exception:  # a value whose repr fails
            text = f"a {type(value).__name__}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ParameterError(EquilibriaError, ValueError):
    """A parameter breaks a rule.

    Parameters
    ----------
    parameter : str
        Name of the offending parameter (as the user spells it).
    rule : str
        The rule it breaks, phrased as what is required ("must be positive").
    value : object, optional
        The offending value, shown abbreviated in the message.
    """

    _NO_VALUE = object()

    def __init__(self, parameter: str, rule: str, value=_NO_VALUE):
        self.parameter = parameter
        self.rule = rule
        self.value = None if value is self._NO_VALUE else value
        message = f"parameter '{parameter}': {rule}"
        if value is not self._NO_VALUE:
            message += f" (got {_short(value)})"
        super().__init__(message)


class ConvergenceError(EquilibriaError, RuntimeError):
    """A solver stopped without meeting its tolerance.

    Attributes
    ----------
    history : list of float
        The residual norm at every evaluation, oldest first.
    """

    def __init__(self, message: str, history=None):
        self.history = list(history or [])
        if self.history:
            message += f" (last residual norm {self.history[-1]:.3g} after {len(self.history)} evaluations)"
        super().__init__(message)


class DeterminacyError(ConvergenceError):
    """A linear rational-expectations model has no unique stable solution (Blanchard–Kahn).

    Attributes
    ----------
    unstable : int
        Number of generalized eigenvalues outside the unit circle.
    forward : int
        Number of forward-looking (non-predetermined) variables.
    """

    def __init__(self, unstable: int, forward: int, detail: str = ""):
        self.unstable = int(unstable)
        self.forward = int(forward)
        kind = "indeterminate (too few unstable eigenvalues)" if unstable < forward \
            else "explosive (too many unstable eigenvalues)"
        message = (f"the model is {kind}: {unstable} eigenvalue(s) outside the unit circle "
                   f"for {forward} forward-looking variable(s)")
        if detail:
            message += f"; {detail}"
        super().__init__(message)


class NonFiniteError(ConvergenceError):
    """A computed quantity is NaN or infinite (an overflow, or a solver that wandered off).

    Attributes
    ----------
    quantity : str
        Where the first non-finite number sits in the result (``welfare[0]``, ``planner.welfare``).
    """

    def __init__(self, quantity: str, message: str, history=None):
        self.quantity = quantity
        super().__init__(message, history=history)
