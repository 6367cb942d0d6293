"""Every number tyazhelnikov2016 reports has a label and a unit; countries are named; solves report honestly."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria import ConvergenceError
from equilibria.quantities import unlabelled
from equilibria.plugins.tyazhelnikov2016 import plugin
from equilibria.plugins.tyazhelnikov2016.experiments_ge import TABLE1_COUNTRIES
from equilibria.plugins.tyazhelnikov2016.ge import EntryValue, FreeEntryEconomy, free_entry_report, general_equilibrium
from equilibria.plugins.tyazhelnikov2016.liberalization import decompose
from equilibria.plugins.tyazhelnikov2016.params import EconomyParameters
from equilibria.plugins.tyazhelnikov2016.quantities import liberalization_quantities
from equilibria.plugins.tyazhelnikov2016.wages import FirmPopulation, LaborDemand, solve_wages


def run(name, **kw):
    experiment = plugin.experiment(name)
    return experiment.run((experiment.parameters or plugin.parameters)(**kw), {"out": None, "progress": False})


@pytest.mark.parametrize("name, settings", [("firm", {}), ("prop4", {}), ("prop7", {}), ("fosd", {"n_firms": 2000}),
                                            ("wages", {"n_firms": 2000})])
def test_every_reported_number_has_a_label_and_a_unit(name, settings):
    result = run(name, **settings)
    assert result.quantities and unlabelled(result.data, result.quantities) == []
    assert all(len(table.units) == len(table.columns) or "unit" in table.columns
               for table in result.tables.values())


def test_baseline_is_labelled_and_carries_an_honest_report():
    result = plugin.solve(EconomyParameters(n_firms=3000, countries=["home", "abroad"]))
    assert unlabelled(result.data, result.quantities) == []
    report = result.data["report"]
    assert report["converged"] and report["residual_norm"] <= report["tolerance"] == 1e-10
    assert result.quantities["labor_demand"].names == (("home", "abroad"),)
    labels = [row[0] for row in result.tables["equilibrium"].rows]
    assert "CES price index P" in labels and "effective_mc" not in labels


def test_free_entry_report_judges_by_the_residual():
    params = EconomyParameters()
    mc = np.random.default_rng(0).pareto(2.0, 500) + 1.0
    ge = general_equilibrium(mc, params.sigma, params.zeta, params.sunk_cost, params.expenditure)
    assert free_entry_report(mc, ge, params).converged
    off = type(ge)(**{**ge.to_dict(), "price_index": ge.price_index * 1.01})
    bad = free_entry_report(mc, off, params)
    assert not bad.converged and bad.residual_norm > 1e-3   # a wrong price index is not an equilibrium
    economy = FreeEntryEconomy(mc, params.sigma, params.zeta, params.sunk_cost)
    assert isinstance(economy.respond({"price_index": np.array([ge.price_index])})["entrants"], EntryValue)


def test_solve_json_has_report():
    out = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "tyazhelnikov2016", "--json",
                          "--set", "n_firms=2000"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["report"]["method"] == "closed form (section 4.4)"


def test_liberalization_quantities_cover_the_decomposition_and_name_china():
    params = EconomyParameters(n_firms=2000, countries=list(TABLE1_COUNTRIES))
    data = {"2000 technology": decompose(params, 0.45), "2007 technology": decompose(params, 0.4),
            "table1": {"2000": {"shape": 0.42}}, "sweep": [{"tau_new": 0.4, "dln_total": -0.1,
                                                            "fragmentation_share": 0.1, "firms_changing_path": 0.2}]}
    quantities = liberalization_quantities(TABLE1_COUNTRIES)
    assert unlabelled(data, quantities) == []
    assert "China" in quantities["table1"].label


def test_wage_table_names_countries_and_firms_respond_with_a_typed_demand():
    result = run("wages", n_firms=2000, countries=["north", "south"])
    assert [row[0] for row in result.tables["wages"].rows] == ["north", "south"]
    assert result.data["report"]["converged"]
    assert result.tables["wages"].units[1] == "wage of north = 1"
    params = plugin.experiment("wages").parameters(n_firms=500)
    from equilibria.plugins.tyazhelnikov2016.population import CostDistribution, draw_costs

    x = draw_costs(CostDistribution.from_params(params), np.ones(2), params.n_stages, params.seed, 0, 500)
    response = FirmPopulation(params.problem(), x).respond({"wages": np.ones(2)})
    assert isinstance(response, LaborDemand) and response.per_firm.sum() == pytest.approx(response.by_country.sum())


def test_countries_must_match_the_wages():
    from equilibria import ParameterError

    with pytest.raises(ParameterError, match="countries"):
        EconomyParameters(countries=["only one"])


def test_wages_without_a_sign_change_fail_naming_the_market():
    params = plugin.experiment("wages").parameters(n_firms=500)
    from equilibria.plugins.tyazhelnikov2016.population import CostDistribution, draw_costs

    x = draw_costs(CostDistribution.from_params(params), np.ones(2), params.n_stages, params.seed, 0, 500)
    with pytest.raises(ConvergenceError, match="market clearing"):
        solve_wages(params.problem(), x, [1.0, 2.0], bracket=(5.0, 10.0))
