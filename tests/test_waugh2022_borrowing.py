"""The debt limit of eq. (6) in waugh2022: units of the numeraire by default, mean labor income on request."""
import numpy as np
import pytest

from equilibria.errors import ParameterError
from equilibria.plugins.waugh2022.calibration import HeterogeneousParameters
from equilibria.plugins.waugh2022.stationary import (CountryHouseholds, country_responses, solve_stationary,
                                                     unit_grid)

TWO = dict(productivity=[1.0, 2.0], labor=[1.0, 1.0], trade_costs=[[1.0, 1.5], [1.5, 1.0]],
           asset_points=60, income_points=3, asset_max=30.0, borrowing_limit=1.0)


def _lower_bounds(params, wages):
    return [float(CountryHouseholds(params, i).respond(
        {"wages": np.asarray(wages, float), "interest_rates": np.array([1.0])}).grid[0]) for i in range(2)]


def test_equal_limits_give_equal_bounds_in_the_numeraire_at_any_wages():
    params = HeterogeneousParameters(**TWO)
    assert params.borrowing_limit_units == "numeraire"
    assert _lower_bounds(params, [1.0, 1.7]) == [-1.0, -1.0]
    # in units of each country's own wage the bound differs: -φ/w_i
    assert unit_grid(params, 1, [1.0, 1.7])[0] == pytest.approx(-1.0 / 1.7, rel=1e-14)


def test_mean_income_option_scales_the_bound_by_the_wage():
    params = HeterogeneousParameters(**TWO, borrowing_limit_units="mean_income")
    assert _lower_bounds(params, [1.0, 1.7]) == pytest.approx([-1.0, -1.7], rel=1e-14)
    assert unit_grid(params, 1, [1.0, 1.7])[0] == -1.0


def test_general_equilibrium_grid_follows_the_wage():
    """Wages differ in equilibrium (country 1 is twice as productive); the grid of each country
    starts at -φ in the numeraire under the default and at -φ w_i under the option."""
    for units in ("numeraire", "mean_income"):
        params = HeterogeneousParameters(**TWO, borrowing_limit_units=units)
        _, eq = solve_stationary(params)
        wages = eq.prices["wages"]
        assert wages[1] > 1.2
        responses = country_responses(eq.responses, 2)
        bounds = np.array([r.grid[0] for r in responses])
        expected = -np.ones(2) if units == "numeraire" else -wages
        np.testing.assert_allclose(bounds, expected, rtol=1e-14)
        # no household below its limit
        for i in range(2):
            solution = responses[i].solution
            assert solution.savings.min() >= bounds[i] - 1e-12


def test_units_are_validated():
    with pytest.raises(ParameterError, match="borrowing_limit_units"):
        HeterogeneousParameters(borrowing_limit_units="dollars")
    with pytest.raises(ParameterError, match="borrowing_limit"):
        HeterogeneousParameters(borrowing_limit=100.0, borrowing_limit_units="mean_income")
