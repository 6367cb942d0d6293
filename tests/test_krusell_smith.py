"""The krusell_smith plugin: calibration, impulse responses, the command line."""
import json

import numpy as np
import pytest
from click.testing import CliRunner

from equilibria.cli import main
from equilibria.plugins.krusell_smith.experiments import impulse_responses, solve_baseline
from equilibria.plugins.krusell_smith.model import KrusellSmithModel, asset_grid, solve_steady_state
from equilibria.plugins.krusell_smith.params import ImpulseParameters, KrusellSmithParameters

SMALL = dict(income_points=3, asset_points=120, asset_max=150.0)


def test_grid_is_the_documented_one():
    grid = asset_grid(KrusellSmithParameters())
    k = np.arange(500)
    assert np.allclose(grid, (200.25 / 0.25) ** (k / 499) * 0.25 - 0.25, rtol=1e-12, atol=1e-12)


def test_calibration_hits_the_targets():
    st = solve_steady_state(KrusellSmithParameters(**SMALL))
    v, p = st.values, KrusellSmithParameters(**SMALL)
    assert np.isclose(v["r"], p.alpha * v["Z"] * v["K"] ** (p.alpha - 1) - p.depreciation, atol=1e-14)
    assert np.isclose(v["Z"] * v["K"] ** p.alpha, 1.0, atol=1e-14)
    assert abs(st.residuals["asset_market"]) < 1e-8
    assert st.report.converged and st.report.residual_norm == abs(st.residuals["asset_market"])
    assert abs(v["Y"] - v["C"] - p.depreciation * v["K"]) < 1e-8     # goods market (Walras)
    assert 0.9 < v["beta"] < 1 / 1.01


def test_default_calibration_matches_the_reference_beta():
    """The full calibration: β near the value reported for this economy (0.98195...)."""
    result = solve_baseline(KrusellSmithParameters())
    assert abs(result.data["beta"] - 0.981952788) < 1e-6
    assert result.data["report"]["converged"]


def test_impulse_responses_small_economy():
    params = ImpulseParameters(**SMALL, periods=120, shock=0.01, persistence=0.8)
    result = impulse_responses(params)
    lin, non = result.data["irf_linear"], result.data["irf_nonlinear"]
    for k in ("K", "r", "w", "Y", "C"):
        assert len(lin[k]) == 120 and len(non[k]) == 120
    assert np.isclose(lin["Y"][0], 1.0, rtol=1e-10)          # K_{-1} fixed: dY_0 / Y = dZ_0 / Z
    assert np.max(np.abs(np.asarray(lin["K"]) - non["K"])) < 0.05 * np.max(np.abs(lin["K"]))
    assert result.data["report"]["nonlinear"].converged


def test_cli_json_and_bad_parameter():
    runner = CliRunner()
    out = runner.invoke(main, ["solve", "krusell_smith", "--json", "--set", "asset_points=100",
                               "--set", "income_points=3", "--set", "asset_max=150"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {"beta", "Z", "r", "w", "K", "Y", "C", "report"} <= set(data)
    bad = runner.invoke(main, ["run", "krusell_smith", "irf", "--set", "periods=1"])
    assert bad.exit_code == 2 and "periods" in bad.output


def test_transition_exposes_distributions_and_policies():
    from equilibria.dynamics.transition import solve_transition
    model = KrusellSmithModel(KrusellSmithParameters(**SMALL), keep=True)
    T = 40
    path = solve_transition(model, {"Z": 0.01 * model.steady_state["Z"] * 0.5 ** np.arange(T)}, T)
    hh = path.outputs["household_path"]
    assert hh.distributions.shape == (T, 3, 120) and hh.savings.shape == (T, 3, 120)
    assert np.allclose(np.einsum("tzk,tzk->t", hh.distributions, hh.savings), path.outputs["A"])


def test_model_jacobian_equals_finite_differences_of_the_economy():
    """The chain-rule Jacobians of the targets and outputs against two-sided differences of whole
    equilibrium paths (every period of K and Z)."""
    from equilibria.dynamics.transition import finite_difference_jacobian
    model = KrusellSmithModel(KrusellSmithParameters(income_points=3, asset_points=60, asset_max=150.0))
    T = 12
    outputs = ("asset_market", "goods_market", "C", "r", "w", "Y")
    J = model.jacobian(T)
    fd = finite_difference_jacobian(model, T, inputs=("K", "Z"), outputs=outputs, step=1e-6)
    for key, value in fd.items():
        scale = max(np.max(np.abs(value)), 1e-6)
        assert np.max(np.abs(J[key] - value)) < 1e-5 * scale, key
