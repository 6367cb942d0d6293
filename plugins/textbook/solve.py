"""``equilibria solve textbook``: the chosen model's steady state, eigenvalues and moments."""
from __future__ import annotations

from .experiments import model_result

__all__ = ["solve"]


def solve(params):
    """Solve the model file ``params.model`` at its parameters (``params.values`` overrides)."""
    return model_result(params, "moments", lags=params.lags)
