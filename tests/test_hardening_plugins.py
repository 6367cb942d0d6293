"""Bad input to the krusell_smith, techcompat and textbook plugins is answered with exit 2 naming it.

Sizes beyond memory are refused before anything is allocated (``require_memory``); the memory
limit is pinned with ``EQUILIBRIA_MEMORY_LIMIT_MB`` so that the outcome does not depend on the
machine.
"""
import json

import pytest
from click.testing import CliRunner

from equilibria.cli import main
from equilibria.errors import ParameterError


def _run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _refused(parameter, *args):
    code, _, stderr = _run(*args)
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert f"parameter '{parameter}'" in lines[0], lines[0]
    return lines[0]


@pytest.fixture(autouse=True)
def _memory_limit(monkeypatch):
    monkeypatch.setenv("EQUILIBRIA_MEMORY_LIMIT_MB", "4096")


# ----------------------------------------------------------------------------- krusell_smith
@pytest.mark.parametrize("setting, parameter", [
    ("asset_points=1e12", "asset_points"),
    ("asset_points=100000000", "asset_points"),
    ("income_points=1000000000", "income_points"),
    ("income_points=9223372036854775807", "income_points"),
])
def test_krusell_smith_grid_beyond_memory_is_refused(setting, parameter):
    line = _refused(parameter, "solve", "krusell_smith", "--set", setting, "--json")
    assert "too large" in line and "GiB" in line


@pytest.mark.parametrize("setting, parameter", [
    ("asset_points=300000", "asset_points"),      # the steady state fits, T x states does not
    ("income_points=2000", "income_points"),
])
def test_krusell_smith_impulse_responses_beyond_memory_are_refused(setting, parameter):
    from equilibria.plugins.krusell_smith import ImpulseParameters, KrusellSmithParameters

    name, value = setting.split("=")
    KrusellSmithParameters(**{name: int(value)})           # the steady state alone fits in 4 GiB
    with pytest.raises(ParameterError) as info:
        ImpulseParameters(**{name: int(value)})
    assert info.value.parameter == parameter
    _refused(parameter, "run", "krusell_smith", "irf", "--set", setting, "--json")


def test_krusell_smith_defaults_and_moderate_sizes_are_accepted():
    from equilibria.plugins.krusell_smith import ImpulseParameters

    ImpulseParameters()
    ImpulseParameters(asset_points=2000, periods=1000)


def test_krusell_smith_income_dispersion_whose_lowest_state_underflows_is_refused():
    """2 √(n - 1) income_sd > 700: the lowest efficiency state exp(-span) is no longer a positive double."""
    from equilibria.household import income_chain

    import numpy as np

    tiny = np.finfo(float).tiny
    with np.errstate(all="ignore"):
        e, _, _ = income_chain(7, 0.966, 150.0)            # span 2 √6 150 = 735
    assert not e.min() >= tiny                             # what the rule prevents: not a normal double
    for value in ("150", "1e12"):
        line = _refused("income_sd", "solve", "krusell_smith", "--set", f"income_sd={value}", "--json")
        assert "700" in line
    e, _, _ = income_chain(7, 0.966, 700 / (2 * 6 ** 0.5))  # the largest accepted income_sd
    assert e.min() >= tiny


def test_krusell_smith_vanishing_capital_share_is_a_convergence_failure():
    """α = 5e-324 puts K = α Y / (r + δ) near zero, where the firm's derivatives K^(α-2) overflow."""
    code, stdout, stderr = _run("run", "krusell_smith", "irf", "--set", "alpha=5e-324", "--json")
    assert code == 3 and "Traceback" not in stderr, stderr
    assert "overflow" in stderr


def test_non_finite_sequence_space_jacobians_are_a_convergence_failure():
    """A model whose Jacobians overflow fails with ConvergenceError, not a ValueError from scipy."""
    import numpy as np

    from equilibria.dynamics.transition import general_equilibrium_jacobian, linear_transition
    from equilibria.errors import ConvergenceError

    class Broken:
        unknowns, targets, exogenous = ("K",), ("gap",), ("Z",)
        steady_state = {"K": 1.0, "Z": 1.0, "gap": 0.0}

    T = 4
    J = {("gap", "K"): np.full((T, T), np.inf), ("gap", "Z"): np.eye(T)}
    with pytest.raises(ConvergenceError, match="not finite"):
        linear_transition(Broken(), {"Z": np.ones(T)}, T, jacobian=J)
    with pytest.raises(ConvergenceError, match="not finite"):
        general_equilibrium_jacobian(Broken(), T, jacobian=J)


# ----------------------------------------------------------------------------- techcompat
@pytest.mark.parametrize("value", ["4.403301858207157e+16", "100000", "9223372036854775807"])
def test_techcompat_grid_beyond_memory_is_refused(value):
    line = _refused("tech_points", "solve", "techcompat", "--set", f"tech_points={value}", "--json")
    assert "too large" in line


def test_techcompat_experiment_grid_beyond_memory_is_refused():
    _refused("tech_points", "run", "techcompat", "embargo", "--set", "tech_points=100000", "--json")


def test_techcompat_memory_rule_scales_with_regions_and_sectors():
    """16 N S K^2 bytes: 3 x 4 region-sectors and 2,000 points need 0.7 GiB, 20,000 points 72 GiB."""
    from equilibria.plugins.techcompat.params import TechParameters

    assert TechParameters(tech_points=2000).tech_points == 2000
    with pytest.raises(ParameterError) as info:
        TechParameters(tech_points=20000)
    assert info.value.parameter == "tech_points"


# ----------------------------------------------------------------------------- textbook
@pytest.mark.parametrize("values", ['{"a": 1}', '{"beta": "x"}', '{"beta": true}', '{"beta": 1e999}',
                                    '{"beta": NaN}', '[1, 2]', '"beta"'])
@pytest.mark.parametrize("command", [("solve", "textbook"), ("run", "textbook", "irf")])
def test_textbook_values_errors_name_values(values, command):
    _refused("values", *command, "--set", f"values={values}", "--json")


def test_textbook_unknown_model_parameter_is_named_inside_the_message():
    line = _refused("values", "solve", "textbook", "--set", 'values={"gamma_x": 1}', "--json")
    assert "gamma_x" in line and "is not a parameter of the model" in line


def test_textbook_values_are_checked_against_the_chosen_model():
    """``phi_pi`` is a parameter of nk, not of rbc."""
    _refused("values", "solve", "textbook", "--set", 'values={"phi_pi": 1.5}', "--json")
    code, stdout, stderr = _run("solve", "textbook", "--set", "model=nk", "--set", 'values={"phi_pi": 1.7}', "--json")
    assert code == 0, stderr
    assert "report" in json.loads(stdout)


@pytest.mark.parametrize("setting, parameter", [("periods=1e12", "periods"), ("lags=100000000", "lags")])
def test_textbook_horizons_are_bounded(setting, parameter):
    _refused(parameter, "run", "textbook", "irf" if parameter == "periods" else "moments", "--set", setting, "--json")
