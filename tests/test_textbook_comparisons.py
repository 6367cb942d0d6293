"""textbook: every result carries its model's closed forms; every reported number is labelled."""
import numpy as np
import pytest

from equilibria.comparison import DIFFERS, REPRODUCED
from equilibria.quantities import unlabelled
from equilibria.plugins.textbook.comparisons import closed_form_comparisons
from equilibria.plugins.textbook.experiments import run_closed_forms, run_irf, run_moments
from equilibria.plugins.textbook.params import TextbookParameters
from equilibria.plugins.textbook.solve import solve


@pytest.mark.parametrize("model", ["brock_mirman", "rbc", "nk", pytest.param("nk_medium", marks=pytest.mark.slow)])
def test_results_are_labelled_and_carry_the_closed_forms(model):
    params = TextbookParameters(model=model, periods=8)
    for result in (solve(params), run_irf(params), run_moments(params)):
        assert unlabelled(result.data, result.quantities) == []
        assert all(c.verdict == REPRODUCED for c in result.comparisons)
        assert (len(result.comparisons) > 0) == (model != "nk_medium")


def test_closed_forms_follow_the_overridden_parameters():
    values = closed_form_comparisons("brock_mirman", {"alpha": 0.4, "beta": 0.9})
    k = next(v for v in values if v.quantity == "steady-state capital k")
    assert np.isclose(k.source, (0.4 * 0.9) ** (1 / 0.6)) and k.verdict == REPRODUCED
    elasticity = next(v for v in values if v.quantity.startswith("d log k_t / d log k_(t-1)"))
    assert elasticity.source == 0.4


def test_a_wrong_closed_form_would_be_reported_as_differing():
    value = closed_form_comparisons("rbc")[0]
    wrong = type(value)(**{**{f: getattr(value, f) for f in ("quantity", "unit", "ours", "where", "abs_tol",
                                                             "reason", "link")}, "source": value.source * 1.01})
    assert wrong.verdict == DIFFERS and wrong.to_dict()["reason"]


def test_closed_forms_experiment_covers_three_models():
    result = run_closed_forms(TextbookParameters())
    assert [row[0] for row in result.tables["closed forms"].rows] == ["brock_mirman", "nk", "rbc"]
    assert all(row[3] for row in result.tables["closed forms"].rows)
    assert unlabelled(result.data, result.quantities) == []
