"""Extreme but valid inputs to yu2019_reallocation and yu2019_inventories: an answer or a named failure."""
import json
import math
import subprocess
import sys

import pytest

from equilibria import ConvergenceError
from equilibria.plugins.yu2019_inventories.params import InventoryParameters
from equilibria.plugins.yu2019_inventories.steady_state import steady_state
from equilibria.plugins.yu2019_reallocation.distributions import LogNormal
from equilibria.plugins.yu2019_reallocation.oneperiod import find_equilibria
from equilibria.plugins.yu2019_reallocation.params import OnePeriodParameters


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "equilibria.cli", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("override", [{"z_mean": 1e308}, {"z_sigma": 768.0}])
def test_a_moment_of_z_beyond_the_float_range_is_a_named_convergence_error(override):
    with pytest.raises(ConvergenceError, match=r"moment E\[z\^"):
        find_equilibria(OnePeriodParameters(**override))


def test_the_lognormal_moment_is_exact_up_to_the_float_range():
    # E[z^a] = exp(a mu + a^2 s^2 / 2) with mu = log(mean) - s^2/2
    dist = LogNormal(3.0, 0.5)
    assert dist._raw(2.0) == pytest.approx(math.exp(2 * (math.log(3.0) - 0.125) + 0.5), rel=1e-14)
    with pytest.raises(FloatingPointError, match="floating-point range"):
        LogNormal(3.0, 40.0)._raw(2.0)


def test_overflowing_demand_for_used_capital_is_a_named_convergence_error():
    with pytest.raises(ConvergenceError, match=r"demand for used capital"):
        find_equilibria(OnePeriodParameters(substitution=27067.0))


def test_cli_reports_overflow_with_exit_3_and_one_json_object():
    out = _cli("solve", "yu2019_reallocation", "--set", "z_mean=1e+308", "--json")
    assert out.returncode == 3, out.stderr
    assert "Traceback" not in out.stderr
    payload = json.loads(out.stdout)
    assert payload["error"] == "ConvergenceError" and "E[z^" in payload["message"]


@pytest.mark.parametrize("sigma_c", [1.2469, 7.0, 1e4])
def test_inventory_steady_state_with_a_large_sigma_c_solves_the_labor_condition(sigma_c):
    params = InventoryParameters(sigma_c=sigma_c)
    ss = steady_state(params)
    assert math.isfinite(ss.hours) and ss.hours > 0 and math.isfinite(ss.marginal_utility)
    # (A.8) and (A.9) in logs: -σ_c log((1-h) C) = log ξ = log(ψ_l L^σ_l / w_h)
    log_xi_a8 = -sigma_c * math.log((1.0 - params.habit) * ss.consumption)
    log_xi_a9 = math.log(params.psi_l * ss.hours ** params.sigma_l / ss.household_wage)
    assert log_xi_a8 == pytest.approx(log_xi_a9, abs=1e-8)
    assert math.log(ss.marginal_utility) == pytest.approx(log_xi_a9, abs=1e-8)


def test_inventory_steady_state_beyond_double_precision_is_a_named_convergence_error():
    with pytest.raises(ConvergenceError, match="sigma_c"):
        steady_state(InventoryParameters(sigma_c=3.990136560173569e16))


def test_inventory_estimation_with_a_huge_sigma_c_start_answers():
    out = _cli("run", "yu2019_inventories", "estimate", "--set", "sigma_c=3.990136560173569e+16", "--json")
    assert out.returncode in (0, 3), out.stderr
    assert "Traceback" not in out.stderr
    payload = json.loads(out.stdout)
    if out.returncode == 0:
        assert all(math.isfinite(v) for v in payload["estimates"].values())


def test_inventory_taste_shock_so_wide_that_v_overflows_is_a_named_convergence_error():
    with pytest.raises(ConvergenceError, match=r"stock-out threshold v\*"):
        steady_state(InventoryParameters(sigma_v=420.0))


@pytest.mark.parametrize("lags", [4, 5001, 5318474505948538])
def test_moving_average_truncation_outside_its_range_names_ma_lags(lags):
    from equilibria import ParameterError

    with pytest.raises(ParameterError, match="ma_lags"):
        InventoryParameters(ma_lags=lags)


def test_price_grid_beyond_its_limit_names_price_points():
    from equilibria import ParameterError

    with pytest.raises(ParameterError, match="price_points"):
        OnePeriodParameters(price_points=6402373705728001)
    assert OnePeriodParameters(price_points=1_000_000).price_points == 1_000_000
