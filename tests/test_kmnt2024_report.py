"""kmnt2024: what the report shows -- comparisons with the slides, labels and units, sector names,
the firms' typed response, honest solver reports."""
import numpy as np
import pytest

from equilibria.comparison import DIFFERS, NOT_IN_SOURCE, REPRODUCED
from equilibria.errors import ParameterError
from equilibria.quantities import unlabelled
from equilibria.plugins.kmnt2024 import solve
from equilibria.plugins.kmnt2024.car import SECTOR_NAMES
from equilibria.plugins.kmnt2024.equilibrium import FIRMS, PRICE, NetworkEconomy
from equilibria.plugins.kmnt2024.experiments import run_car, run_scale, run_statics
from equilibria.plugins.kmnt2024.model import Model
from equilibria.plugins.kmnt2024.params import KmntParameters
from equilibria.plugins.kmnt2024.planner import DomarPlanner
from equilibria.plugins.kmnt2024.random_economy import random_arrays, random_model
from equilibria.plugins.kmnt2024.solve import efficiency_comparisons
from equilibria.plugins.kmnt2024.technology import Choice


@pytest.fixture(scope="module")
def baseline():
    return solve(KmntParameters())


def test_baseline_compares_proposition_1_and_lemma_2(baseline):
    verdicts = [c.verdict for c in baseline.comparisons]
    assert len(verdicts) == 3 and set(verdicts) == {REPRODUCED}
    assert all(c.source == 0.0 and c.where.startswith("slides") for c in baseline.comparisons)


def test_a_gap_between_planner_and_equilibrium_is_reported_as_differing():
    values = efficiency_comparisons(1e-3, 0.0, -0.05, -0.05)
    assert values[0].verdict == DIFFERS and values[0].to_dict()["reason"]
    assert values[0].link.startswith("docs/plugins/kmnt2024.md#")


def test_every_reported_number_is_labelled(baseline):
    assert unlabelled(baseline.data, baseline.quantities) == []
    statics = run_statics(KmntParameters())
    assert unlabelled(statics.data, statics.quantities) == []
    scale = run_scale(KmntParameters(), {"sizes": (4,), "corner_sizes": (4,)})
    assert unlabelled(scale.data, scale.quantities) == []


def test_solve_json_has_a_report_with_both_solvers(baseline):
    report = baseline.data["report"]
    assert set(report) == {"planner", "equilibrium"}
    for part in report.values():
        assert part["converged"] and part["residual_norm"] <= part["tolerance"]


def test_sectors_are_named():
    assert KmntParameters().sector_labels() == SECTOR_NAMES
    assert solve(KmntParameters()).tables["sectors"].rows[0][0] == "steel"
    other = random_arrays(3, 3)
    assert KmntParameters(**other).sector_labels() == ("sector 1", "sector 2", "sector 3")
    named = KmntParameters(**other, sector_names=["coal", "steel", "trucks"])
    assert solve(named).tables["network"].columns[1:] == ["coal", "steel", "trucks"]
    with pytest.raises(ParameterError, match="sector_names"):
        KmntParameters(sector_names=["steel"])


def test_statics_compares_corollary_4_and_proposition_3():
    result = run_statics(KmntParameters())
    n = 4
    corollary = [c for c in result.comparisons if "Corollary 4" in c.where]
    proposition = [c for c in result.comparisons if "Proposition 3" in c.where]
    assert len(corollary) == n + n * (n + 1) // 2 and len(proposition) == 2 * n
    assert all(c.verdict == REPRODUCED for c in result.comparisons)


@pytest.mark.slow
def test_car_slopes_are_not_in_the_source_and_the_gap_is_reproduced():
    result = run_car(KmntParameters())
    verdicts = [c.verdict for c in result.comparisons]
    assert verdicts.count(NOT_IN_SOURCE) == 8 and verdicts.count(REPRODUCED) == 3
    assert unlabelled(result.data, result.quantities) == []
    assert [fig.axes[0].get_xlabel() for fig in result.figures.values()][0].startswith("E[p_1]")


def test_the_firms_respond_with_one_typed_choice():
    model = Model.from_parameters(KmntParameters())
    economy = NetworkEconomy(model)
    responses = economy.respond({PRICE: economy.ideal_network_prices()})
    assert list(responses) == [FIRMS]
    choice = responses[FIRMS]
    assert isinstance(choice, Choice) and choice.alpha.shape == (4, 4) and choice.budget_binds.shape == (4,)
    expected = model.technology.best_response(economy.ideal_network_prices(), model.alpha_bar)
    np.testing.assert_allclose(choice.alpha, expected.alpha, atol=1e-14)


def test_fresh_solve_forgets_warm_starts_and_finds_the_same_network():
    model = random_model(4, 5, curvature=0.3, zero_share=0.3)   # corners: the QPs keep warm starts
    economy = NetworkEconomy(model)
    first = economy.solve()
    assert model.technology._last_active                 # the corners left active sets behind
    fresh = economy.solve(fresh=True)
    np.testing.assert_allclose(fresh.aggregates["network"], first.aggregates["network"], atol=1e-12)
    economy.reset()
    assert not model.technology._last_active


def test_planner_report_is_decided_by_the_residual():
    model = Model.from_parameters(KmntParameters())
    report = DomarPlanner(model).solve().report
    assert report.converged and report.residual_norm <= report.tolerance
    # A tolerance below rounding: the planner stops at the gradient's noise floor and says it did not converge.
    strict = DomarPlanner(model, tol=1e-300).solve().report
    assert not strict.converged and "noise floor" in strict.message
