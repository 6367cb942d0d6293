"""Every number yu2019_inventories reports carries a label and a unit (the plugin's catalogue)."""
import pytest

from equilibria.plugins.yu2019_inventories import estimation, plugin
from equilibria.plugins.yu2019_inventories.params import InventoryParameters
from equilibria.quantities import unlabelled
from equilibria.results import to_jsonable

OPTIONS = {"out": None, "progress": False, "executor": None}


def _unlabelled(result):
    labelled = plugin.labelled(result)
    return unlabelled(to_jsonable(labelled.data), labelled.quantities)


@pytest.mark.parametrize("firms", ["rational_inattention", "calvo"])
def test_the_baseline_and_the_irf_experiment_label_every_number(firms):
    params = InventoryParameters(firms=firms)
    assert _unlabelled(plugin.solve(params)) == []
    irf = plugin.experiment("irf").run(params, OPTIONS)
    assert "comparison" in irf.data
    assert _unlabelled(irf) == []


@pytest.mark.parametrize("name", ["steady_state", "first_best", "moments", "money", "sensitivity"])
def test_each_experiment_labels_every_number(name):
    assert _unlabelled(plugin.experiment(name).run(InventoryParameters(), OPTIONS)) == []


def test_the_sensitivity_rows_are_labelled_column_by_column():
    result = plugin.labelled(plugin.experiment("sensitivity").run(InventoryParameters(), OPTIONS))
    for name in ("mu", "sigma_r"):
        columns = result.quantities[name].names[1]
        assert len(columns) == len(result.data["columns"]) == len(result.data[name][0])
        for reported, declared in zip(result.data["columns"], columns):
            words = reported.split(" (")[0].split(" ")
            assert all(mine.startswith(word) for word, mine in zip(words, declared.split(" "))), (reported, declared)


def test_the_estimate_experiment_labels_every_number(monkeypatch):
    """The estimation capped at a few evaluations: the labels depend on the result's layout, not on the fit."""
    full = estimation.estimate

    def capped(*args, **kwargs):
        kwargs["max_evaluations"] = 6 if "responses" in kwargs else 20
        return full(*args, **kwargs)

    monkeypatch.setattr(estimation, "estimate", capped)
    experiment = plugin.experiment("estimate")
    result = experiment.run(experiment.parameters(draws=50, estimate_ri=1), OPTIONS)
    assert result.data["ri_estimates"]
    assert _unlabelled(result) == []


def test_the_catalogue_has_no_unit_free_or_unlabelled_entry_and_an_unknown_number_is_reported():
    assert all(q.label.strip() and q.unit.strip() for q in plugin.quantities.values())
    result = plugin.solve(InventoryParameters())
    result.data["undeclared_number"] = 1.0
    assert _unlabelled(result) == ["undeclared_number"]
