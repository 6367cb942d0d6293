"""Results of an equilibrium computation: :class:`SolveReport` and :class:`Equilibrium`."""
from __future__ import annotations

from typing import Any

import attrs
import numpy as np

__all__ = ["SolveReport", "Equilibrium", "honest_message"]

_STALLED = ("not making good progress", "did not converge", "maximum number", "exceeded", "failed", "reached",
            "no progress")
_SUCCESS = ("converged", "success", "solution was found", "at most")


@attrs.frozen(kw_only=True)
class SolveReport:
    """How a solve went (in the spirit of SciPy's ``OptimizeResult``).

    Attributes
    ----------
    method : str
        Root finder used.
    converged : bool
        Whether the residual norm met the tolerance.
    iterations : int
        Solver iterations (for SciPy's ``root``: its iteration count when it reports one,
        otherwise residual evaluations).
    evaluations : int
        Number of residual evaluations.
    residual_norm : float
        Max-norm of the residuals at the returned prices.
    tolerance : float
        Tolerance on that norm.
    seconds : float
        Wall-clock time of the solve.
    history : tuple of float
        Residual max-norm at every evaluation.
    message : str
        The solver's own message.
    """

    method: str
    converged: bool
    iterations: int
    evaluations: int
    residual_norm: float
    tolerance: float
    seconds: float
    history: tuple = ()
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method, "converged": self.converged, "iterations": self.iterations,
            "evaluations": self.evaluations, "residual_norm": self.residual_norm,
            "tolerance": self.tolerance, "seconds": self.seconds, "message": self.message,
        }


def honest_message(converged: bool, norm: float, tol: float, message: str) -> str:
    """The solver's message, made consistent with the verdict the residual gives.

    A report never shows ``converged: true`` beside an unexplained message saying the solver made no
    progress: the verdict comes from the residual, and the message says so. Conversely a failed solve
    never carries a message claiming success ("The solution converged."): it is replaced by one
    saying that the root finder's own stopping rule was met while the residual was not.
    """
    lowered = message.lower()
    if converged and any(phrase in lowered for phrase in _STALLED):
        return (f"residual max-norm {norm:.3g} meets the tolerance {tol:g}, so the solve counts as converged; "
                f"the root finder itself stopped with: {message}")
    if not converged and any(phrase in lowered for phrase in _SUCCESS):
        return (f"residual max-norm {norm:.3g} is above the tolerance {tol:g}, although the root finder's "
                f"own stopping rule was met")
    return message


@attrs.frozen(kw_only=True)
class Equilibrium:
    """Prices that clear every market, the agents' responses there, aggregates and a report."""

    prices: dict = attrs.field(eq=False)
    responses: dict = attrs.field(eq=False)
    aggregates: dict = attrs.field(eq=False)
    excess_demands: dict = attrs.field(eq=False)
    report: SolveReport

    def price(self, name: str) -> np.ndarray:
        return self.prices[name]
