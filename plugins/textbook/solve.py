"""``equilibria solve textbook``: the chosen model's steady state, eigenvalues and moments."""
from __future__ import annotations

from equilibria.dynamics.report import dsge_result
from equilibria.quantities import present

from .comparisons import closed_form_comparisons
from .models import load_model
from .quantities import dsge_quantities

__all__ = ["solve"]


def solve(params):
    """Solve the model file ``params.model`` at its parameters (``params.values`` overrides)."""
    model = load_model(params.model)
    result = dsge_result(model, "moments", params=params.values, lags=params.lags)
    result.comparisons = closed_form_comparisons(params.model, params.values)
    result.quantities = present(result.data, dsge_quantities(model))
    return result
