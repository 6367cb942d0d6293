"""The :class:`Agent` abstraction: something that responds to prices."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Mapping

import numpy as np

__all__ = ["Agent"]


class Agent(ABC):
    """An optimizing agent (a household type, a population of firms, a sector's firms...).

    An agent knows nothing of other agents or of market clearing: given prices it solves its
    problem and reports what markets need (demands, supplies, policies, distributions).

    Attributes
    ----------
    name : str
        Key of this agent's response in the dictionary handed to markets.
    """

    name: str = "agent"

    @abstractmethod
    def respond(self, prices: Mapping[str, np.ndarray]) -> Any:
        """Solve the agent's problem at ``prices`` (a mapping of price-block names to arrays)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
