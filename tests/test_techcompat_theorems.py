"""techcompat: every theorem holds on a derandomized Hypothesis search."""
import pytest

from equilibria import check_theorem
from equilibria.plugins.techcompat import plugin


@pytest.mark.parametrize("theorem", plugin.theorems, ids=lambda t: t.name)
def test_theorem_holds(theorem):
    outcome = check_theorem(theorem, examples=8, derandomize=True)
    assert outcome.held, outcome.message
