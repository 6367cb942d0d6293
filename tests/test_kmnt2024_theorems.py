"""kmnt2024: every theorem holds on a deterministic batch of random economies."""
import pytest

from equilibria.validation import check_theorem
from equilibria.plugins.kmnt2024.theorems import THEOREMS


@pytest.mark.parametrize("theorem", THEOREMS, ids=lambda t: t.name)
def test_theorem_holds(theorem):
    outcome = check_theorem(theorem, examples=25, derandomize=True)
    assert outcome.held, f"{outcome.message} counterexample {outcome.counterexample}"


@pytest.mark.slow
@pytest.mark.parametrize("theorem", THEOREMS, ids=lambda t: t.name)
def test_theorem_holds_many(theorem):
    outcome = check_theorem(theorem, examples=400, seed=2024)
    assert outcome.held, f"{outcome.message} counterexample {outcome.counterexample}"


def test_efficiency_property_can_fail():
    """The efficiency predicate is not vacuous: a perturbed equilibrium network is caught."""
    import numpy as np

    from equilibria.plugins.kmnt2024 import theorems as T

    spec = {"seed": 1, "n": 3, "rho": 2.0, "curvature": 1.0, "zero_share": 0.0}
    T._efficiency(spec)
    original = T.NetworkEconomy.aggregates

    def shifted(self, responses, prices):
        out = original(self, responses, prices)
        out["network"] = out["network"] + 1e-6 * np.eye(3)
        return out

    T.NetworkEconomy.aggregates = shifted
    try:
        with pytest.raises(AssertionError):
            T._efficiency(spec)
    finally:
        T.NetworkEconomy.aggregates = original
