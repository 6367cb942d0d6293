"""waugh2022: one parameter switch between the static and heterogeneous-agent models, typed
responses, warm starts dropped by Agent.reset, solver reports from the core."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria import ParameterError
from equilibria.plugins.waugh2022 import WaughParameters, plugin
from equilibria.plugins.waugh2022.calibration import HeterogeneousParameters
from equilibria.plugins.waugh2022.planner import CentralizedPlanner
from equilibria.plugins.waugh2022.solve import HETEROGENEOUS_MODELS, STATIC_MODELS, is_static, solve
from equilibria.plugins.waugh2022.stationary import (CountryHouseholds, CountryResponse, HandToMouthHouseholds,
                                                     country_responses, solve_stationary)

SMALL = dict(asset_points=60, income_points=3, asset_max=30.0)


def test_the_switch_covers_every_model_value():
    values = set(STATIC_MODELS) | set(HETEROGENEOUS_MODELS)
    assert values == {"static", "hand_to_mouth", "incomplete_markets"}
    assert is_static(WaughParameters()) and not is_static(WaughParameters(model="hand_to_mouth"))
    assert plugin.solve is solve


@pytest.mark.parametrize("model", ["static", "hand_to_mouth"])
def test_solve_dispatches_on_the_model_and_reports(model):
    result = solve(WaughParameters(model=model))
    assert result.data["model"] == model
    report = result.data["report"]
    assert report["converged"] and report["residual_norm"] <= report["tolerance"]


def test_experiments_of_both_models_dispatch_the_same_way():
    gains = next(e for e in plugin.experiments if e.name == "gains")
    with pytest.raises(ParameterError, match="model"):     # the heterogeneous version needs savings
        gains.run(WaughParameters(model="hand_to_mouth"), None)
    static = gains.run(WaughParameters(), None)
    assert np.allclose(static.data["welfare"] / static.data["autarky_welfare"] - 1,
                       static.data["gains_percent"] / 100)


@pytest.mark.parametrize("setting", ["model=static", "model=hand_to_mouth"])
def test_cli_json_has_a_report_for_each_model(setting):
    out = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "waugh2022", "--set", setting, "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["model"] == setting.split("=")[1]
    assert data["report"]["converged"] and data["report"]["method"] == "hybr"


def test_responses_are_typed():
    params = HeterogeneousParameters(**SMALL)
    economy, eq = solve_stationary(params)
    rows = country_responses(eq.responses, params.countries)
    assert all(isinstance(r, CountryResponse) and not r.saturated for r in rows)
    assert np.allclose([r.assets for r in rows], eq.aggregates["net_assets"])
    assert all(r.distribution.sum() == pytest.approx(1.0) for r in rows)
    hand = HandToMouthHouseholds(params.replace(model="hand_to_mouth"), 0).respond({"wages": np.ones(3)})
    assert isinstance(hand, CountryResponse) and hand.solution is None and hand.assets == 0.0
    # beyond the natural limit (βR ≥ 1) the response says so instead of solving
    saturated = CountryHouseholds(params, 0).respond({"wages": np.ones(3), "interest_rates": np.array([1.2])})
    assert saturated.saturated and np.isnan(saturated.expenditure)


def test_reset_drops_the_warm_starts():
    params = HeterogeneousParameters(**SMALL)
    economy, _ = solve_stationary(params)
    agents = [a for a in economy.agents if isinstance(a, CountryHouseholds)]
    assert agents and all(a._guess is not None and a._dist is not None for a in agents)
    economy.reset()
    assert all(a._guess is None and a._dist is None for a in agents)
    # a solve after the reset starts cold and lands on the same equilibrium
    again = economy.solve(tol=1e-9, fresh=True, options={"eps": 1e-10, "factor": 1.0})
    _, eq = solve_stationary(params)
    assert np.max(np.abs(again.prices["wages"] - eq.prices["wages"])) < 1e-7


def test_planner_report_comes_from_the_core_root_finder():
    report = CentralizedPlanner(HeterogeneousParameters(**SMALL)).solve().report
    assert report.method == "hybr" and report.converged and report.residual_norm <= 1e-10
    assert report.evaluations == len(report.history) > 0
