"""Social planners beside decentralized economies.

A planner solves for an allocation directly; :func:`efficiency_gap` compares it with an
equilibrium so that "the equilibrium is efficient" is a measured number, not a claim.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Mapping

import attrs
import numpy as np

from .equilibrium import SolveReport

__all__ = ["Planner", "PlannerSolution", "efficiency_gap"]


@attrs.frozen(kw_only=True)
class PlannerSolution:
    """The planner's optimal allocation, the value of its objective and how the solve went."""

    allocation: dict = attrs.field(eq=False)
    objective: float
    report: SolveReport


class Planner(ABC):
    """A social planner's problem. Subclasses implement :meth:`solve`."""

    @abstractmethod
    def solve(self) -> PlannerSolution:
        """Maximize the planner's objective; raise ``ConvergenceError`` on failure."""


def efficiency_gap(planner: Mapping[str, Any], decentralized: Mapping[str, Any], keys=None) -> float:
    """Largest absolute difference between matching entries of two allocations."""
    keys = list(planner) if keys is None else list(keys)
    gaps = [float(np.max(np.abs(np.asarray(planner[k], float) - np.asarray(decentralized[k], float))))
            for k in keys]
    return max(gaps) if gaps else 0.0
