"""Labels and units of the experiment ``closed_forms`` (the core's ``dsge_result`` declares its own)."""
from __future__ import annotations

from equilibria.quantities import COUNT, TRUE_FALSE, Quantity

__all__ = ["CLOSED_FORMS"]

_Q = Quantity


CLOSED_FORMS = {
    "models.*.compared": _Q(label="quantities compared with a closed form", unit=COUNT),
    "models.*.largest_difference": _Q(label="largest absolute difference from the closed form",
                                      unit="units of the compared quantity"),
    "models.*.reproduced": _Q(label="every quantity within the tolerance 1e-9", unit=TRUE_FALSE),
}
"""The experiment ``closed_forms``."""
