"""The experiments of the tyazhelnikov2016 plugin run and report what the docs say."""
import numpy as np
import pytest

from equilibria.plugins.tyazhelnikov2016 import plugin
from equilibria.plugins.tyazhelnikov2016.params import EconomyParameters, FirmParameters


def run(name, params=None, **kw):
    experiment = plugin.experiment(name)
    cls = experiment.parameters or plugin.parameters
    return experiment.run(params if params is not None else cls(**kw), {"out": None, "progress": False})


def test_prop4_reproduces_the_paper_break_points():
    result = run("prop4")
    assert result.data["breakpoints"] == pytest.approx([1.5, 0.5])
    assert result.data["all_agree"]
    assert result.data["part3_country_as_tau_falls"][0] == 1 and 2 in result.data["part3_country_as_tau_falls"]
    assert result.data["part3_country_as_tau_falls"][-1] == 1  # re-shored


def test_prop7_printed_paths_are_optimal_under_the_country_part_reading():
    data = run("prop7").data
    assert data["country_part"]["before"]["claim_is_unique_optimum"]
    assert data["country_part"]["after"]["claim_is_unique_optimum"]
    assert data["country_part"]["proposition_holds"]
    assert not data["part_country"]["proposition_holds"]


def test_fosd_small_population():
    result = run("fosd", n_firms=4000)
    assert result.data["first_order_dominance"]
    assert result.data["min_cdf_gap"] >= 0
    assert "fosd" in result.figures


def test_wages_experiment():
    data = run("wages", n_firms=3000).data
    assert data["wages"][0] == 1.0 and data["wages"][1] < 1.0
    assert data["residual_norm"] <= data["tolerance"]


def test_liberalization_experiment_shares():
    data = run("liberalization", EconomyParameters()).data
    shares = [row["fragmentation_share"] for row in data["sweep"]]
    assert all(0 <= s <= 1 for s in shares)
    assert shares == sorted(shares)  # the share grows with the size of the fall in tau
    assert data["2000 technology"]["effective"]["fragmentation_share"] < 0.05


def test_solve_baseline_free_entry():
    data = plugin.solve(EconomyParameters(n_firms=5000)).data
    assert data["expected_profit"] == pytest.approx(1.0, rel=1e-10)
    assert np.isfinite(data["welfare"]) and data["mass_of_firms"] > 0


def test_firm_experiment_defaults_to_proposition_4():
    data = run("firm", FirmParameters()).data
    assert data["path"] == [0, 1, 1, 1, 0] and data["marginal_cost"] == 19.0
