"""yu2019_inventories: the plugin's theorems hold on a few deterministic Hypothesis examples."""
import pytest

from equilibria import check_theorem
from equilibria.plugins.yu2019_inventories.theorems import THEOREMS

# full_information_limit runs with 25 examples in tests/test_theorems.py (two RI solves per example)
FAST = {"steady_state": 8, "hessian_negative_definite": 6, "taylor_principle": 4, "information_monotone": 8}


@pytest.mark.parametrize("name", sorted(FAST))
def test_theorem(name):
    theorem = next(t for t in THEOREMS if t.name == name)
    outcome = check_theorem(theorem, examples=FAST[name], derandomize=True)
    assert outcome.held, f"{outcome.message}; counterexample {outcome.counterexample}"
