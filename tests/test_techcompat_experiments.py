"""techcompat: experiments, calibration blocks, dataset format and the command line."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria import ParameterError
from equilibria.plugins.techcompat import plugin
from equilibria.plugins.techcompat.calibration import (calibrate_trade_costs, fit_endowments, identify_compatibility,
                                                       model_moments)
from equilibria.plugins.techcompat.dataset import read_dataset, write_dataset
from equilibria.plugins.techcompat.embargo import EmbargoParameters
from equilibria.plugins.techcompat.equilibrium import solve_equilibrium
from equilibria.plugins.techcompat.model import Model
from equilibria.plugins.techcompat.params import TechParameters
from equilibria.quantities import unlabelled


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "equilibria.cli", *args], capture_output=True, text=True, timeout=600)


def test_solve_contract_from_the_command_line():
    out = _cli("solve", "techcompat", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["wages"][0] == 1.0
    for key in ("log_welfare", "tech_mean", "tech_sd", "trade_shares", "report"):
        assert key in data
    assert np.array(data["tech_mean"]).shape == (3, 4)
    assert np.array(data["trade_shares"]).shape == (3, 3, 4)
    np.testing.assert_allclose(np.array(data["trade_shares"]).sum(axis=1), 1.0, atol=1e-12)
    assert data["report"]["converged"] and data["report"]["conditions"]["existence_holds"]


def test_bad_input_exits_2_naming_the_parameter(tmp_path):
    out = _cli("solve", "techcompat", "--set", "technique_shape=3")
    assert out.returncode == 2 and "technique_shape" in out.stderr and "Traceback" not in out.stderr
    out = _cli("run", "techcompat", "embargo", "--set", "embargo_origins=[1]", "--set", "embargo_buyer=1")
    assert out.returncode == 2 and "embargo_origins" in out.stderr


def test_embargo_contract_and_decomposition():
    params = EmbargoParameters(embargo_buyer=0, embargo_sector=0, embargo_origins=[1])
    result = plugin.experiment("embargo").run(params, {})
    change = result.data["welfare_change"]
    assert set(change) == {"fixed", "sector", "region", "all"}
    assert all(len(v) == 3 for v in change.values())
    assert change["fixed"][0] < 0                       # the buyer loses from the embargo
    # the fixed-technology column is an equilibrium with every firm at its baseline choice
    base = solve_equilibrium(Model.from_parameters(params))
    state = base.aggregates["technology"]
    assert np.allclose(result.data["tech_mean_baseline"], state.moments(Model.from_parameters(params))[0])
    assert unlabelled(result.data, result.quantities) == []
    assert result.quantities["welfare_change"].names[1] == params.regions


def test_embargo_with_no_trade_to_lose_changes_nothing():
    """Embargoing an origin whose exports to the buyer are already nil leaves every equilibrium as it was."""
    params = TechParameters()
    tau = np.array(params.trade_costs)
    tau[0, 1, 1] = 1e6
    p = EmbargoParameters(trade_costs=tau.tolist(), embargo_buyer=0, embargo_sector=1, embargo_origins=[1])
    change = plugin.experiment("embargo").run(p, {}).data["welfare_change"]
    for column in change.values():
        assert np.max(np.abs(column)) < 1e-6


def test_decoupling_figure(tmp_path):
    from equilibria.results import write_result

    result = plugin.experiment("decoupling").run(EmbargoParameters(), {})
    written = write_result(result, tmp_path)
    assert written["decoupling"].stat().st_size > 1000
    d = result.data["distance_buyer_to_origins"]
    assert d["embargo"] > d["baseline"]                  # the embargo decouples the buyer from the origins
    assert unlabelled(result.data, result.quantities) == []


def test_externality_experiment():
    result = plugin.experiment("externality").run(TechParameters(), {})
    data = result.data
    assert unlabelled(data, result.quantities) == []
    assert data["adaptation_equilibrium"] < data["adaptation_planner"]
    assert data["welfare_planner"] >= data["welfare_equilibrium"]
    assert min(data["dlnU_dtheta2"]) > 0


def test_quadratic_normal_close_to_full():
    result = plugin.experiment("quadratic").run(TechParameters(), {})
    data = result.data
    assert unlabelled(data, result.quantities) == []
    assert all(len(table.units) == len(table.columns) or "unit" in table.columns
               for table in result.tables.values())
    assert data["max_error_mean"] < 1e-3 and data["max_error_sd"] < 1e-3
    assert data["max_error_wages"] < 1e-6


def test_dataset_round_trip(tmp_path):
    data = read_dataset()
    write_dataset(tmp_path, data)
    again = read_dataset(tmp_path)
    np.testing.assert_allclose(again.trade_shares, data.trade_shares, rtol=1e-11)
    np.testing.assert_allclose(again.citation_shares, data.citation_shares, rtol=1e-11)
    assert again.moments == pytest.approx(data.moments, rel=1e-11)
    (tmp_path / "moments.csv").write_text("name,amount\n")
    with pytest.raises(ParameterError):
        read_dataset(tmp_path)


def test_shipped_data_are_the_models():
    """The synthetic files are what the default economy generates (trade shares and moments)."""
    data = read_dataset()
    params = TechParameters()
    eq = solve_equilibrium(Model.from_parameters(params))
    np.testing.assert_allclose(eq.aggregates["accounts"].trade_shares, data.trade_shares, atol=1e-9)
    moments = model_moments(params, data.wages, data.citation_structure, data.citations_received)
    for key, value in data.moments.items():
        assert moments[key] == pytest.approx(value, rel=1e-6)


def test_identify_compatibility_recovers_t_bar_and_phi_bar():
    data = read_dataset()
    truth = TechParameters()
    fitted, _ = identify_compatibility(truth, data.wages, data.citation_structure, data.citations_received,
                                       data.moments, start=(0.07, 0.03))
    assert fitted.incompatibility == pytest.approx(truth.incompatibility, rel=1e-6)
    assert fitted.adaptation == pytest.approx(truth.adaptation, rel=1e-6)


def test_trade_costs_recovered_from_trade_shares():
    data = read_dataset()
    truth = TechParameters()
    start = np.array(truth.trade_costs) * 1.1
    start[np.arange(3), np.arange(3)] = 1.0
    fitted, info = calibrate_trade_costs(truth.replace(trade_costs=start.tolist()), data.trade_shares)
    np.testing.assert_allclose(fitted.trade_costs, truth.trade_costs, atol=1e-7)


@pytest.mark.slow
def test_endowments_recovered_from_citation_shares():
    data = read_dataset()
    truth = TechParameters()
    start = np.array(truth.tech_mean) + 0.05
    start[0, 0] = truth.tech_mean[0, 0]
    fitted, _ = fit_endowments(truth, data.wages, data.citation_structure, data.citations_received,
                               data.citation_shares, start_mean=start, start_sd=np.array(truth.tech_sd[0]) * 1.1)
    np.testing.assert_allclose(fitted.tech_mean, truth.tech_mean, atol=1e-5)
    np.testing.assert_allclose(fitted.tech_sd, truth.tech_sd, atol=1e-5)


def test_endowment_fit_stays_at_the_truth():
    """Started at the synthetic economy's endowments, the least squares fit finds zero residuals there."""
    data = read_dataset()
    truth = TechParameters()
    fitted, info = fit_endowments(truth, data.wages, data.citation_structure, data.citations_received,
                                  data.citation_shares)
    assert info["residual_norm"] < 1e-9
    assert "converged" not in info and info["message"] and info["optimality"] >= 0   # a fit reports its misfit
    np.testing.assert_allclose(fitted.tech_mean, truth.tech_mean, atol=1e-6)
    np.testing.assert_allclose(fitted.tech_sd, truth.tech_sd, atol=1e-6)
