"""Every number techcompat reports has a label and a unit, regions and sectors are named, solves report honestly."""
import numpy as np
import pytest

from equilibria import ConvergenceError
from equilibria.plugins.techcompat import plugin
from equilibria.plugins.techcompat.calibration import identify_compatibility
from equilibria.plugins.techcompat.dataset import read_dataset
from equilibria.plugins.techcompat.equilibrium import NetworkResponse, TechEconomy
from equilibria.plugins.techcompat.externality import TwoCountry
from equilibria.plugins.techcompat.model import Model
from equilibria.plugins.techcompat.params import TechParameters
from equilibria.quantities import unlabelled


def test_baseline_is_labelled_with_named_regions_and_sectors():
    params = TechParameters()
    result = plugin.solve(params)
    assert unlabelled(result.data, result.quantities) == []
    assert result.quantities["tech_mean"].names == (params.regions, params.sectors)
    assert result.quantities["wages"].unit == f"wage of {params.regions[0]} = 1"
    assert all(len(table.units) == len(table.columns) or "unit" in table.columns
               for table in result.tables.values())
    report = result.data["report"]
    assert report["converged"] and report["residual_norm"] <= report["tolerance"]


def test_the_network_responds_with_a_typed_response_and_resets_its_warm_start():
    model = Model.from_parameters(TechParameters())
    economy = TechEconomy(model)
    response = economy.network.respond({"wages": np.ones(3)})
    assert isinstance(response, NetworkResponse) and response.accounts.labor_demand.shape == (3,)
    assert economy.network._last is response.technology
    economy.reset()          # the core's hook: back to the state given at construction
    assert economy.network._last is None


def test_identification_failure_names_what_was_solved():
    data = read_dataset()
    with pytest.raises(ConvergenceError, match="t_bar and phi_bar"):
        identify_compatibility(TechParameters(), data.wages, data.citation_structure, data.citations_received,
                               {"import_citation_slope": -5.0, "citation_tariff_elasticity": 50.0})


def test_two_country_positions_agree_between_the_scalar_and_the_vector_root():
    """Symmetric endowments take Brent's method on one unknown; a hair off symmetry, hybr on both."""
    theta = TwoCountry().equilibrium()
    assert theta[0] == pytest.approx(-theta[1]) and 0 < theta[0] < 0.5
    nearly = TwoCountry(endowment=(0.5, -0.5 + 1e-9)).equilibrium()
    np.testing.assert_allclose(nearly, theta, atol=1e-8)


@pytest.mark.slow
def test_calibration_result_is_labelled():
    result = plugin.experiment("calibration").run(TechParameters(), {})
    assert unlabelled(result.data, result.quantities) == []
