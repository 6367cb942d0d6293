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

    def reset(self) -> None:
        """Drop warm-start state, so a solve from new parameters does not depend on the previous one.

        Agents that remember something between calls of :meth:`respond` (a value function or a
        policy used as the next starting guess, a cached distribution) override this to forget it;
        :meth:`Economy.reset <equilibria.Economy.reset>` and ``Economy.solve(fresh=True)`` call it
        on every agent. The default does nothing: an agent without memory has nothing to drop.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
