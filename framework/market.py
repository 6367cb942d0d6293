"""The :class:`Market` abstraction: excess demand for the goods whose prices it names."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Mapping

import numpy as np

__all__ = ["Market"]


class Market(ABC):
    """A market clears one block of prices.

    Attributes
    ----------
    name : str
        Label used in reports.
    price : str
        Name of the price block this market clears; ``excess_demand`` returns one entry per
        price in that block (for instance one goods market per country wage).
    """

    name: str = "market"
    price: str = "price"

    @abstractmethod
    def excess_demand(self, responses: Mapping[str, Any], prices: Mapping[str, np.ndarray]) -> np.ndarray:
        """Excess demand at ``prices`` given the agents' ``responses`` (keyed by agent name)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, price={self.price!r})"
