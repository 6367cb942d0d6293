"""yu2019_inventories: steady state (A.3), stock-out algebra, Hessians (A.4), Calvo model, contract."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria import ParameterError
from equilibria.plugins.yu2019_inventories.params import InventoryParameters, for_firms
from equilibria.plugins.yu2019_inventories.profit import hessians
from equilibria.plugins.yu2019_inventories.steady_state import steady_state
from equilibria.plugins.yu2019_inventories.stockout import TasteShock


def test_taste_shock_functions_match_monte_carlo():
    taste = TasteShock(0.33, 5.0)
    rng = np.random.default_rng(0)
    v = np.exp(rng.normal(-0.33 ** 2 / 2, 0.33, 400_000))
    threshold = 1.3
    assert taste.expected_sales(threshold) == pytest.approx(np.minimum(v, threshold).mean(), abs=2e-3)
    assert taste.stockout_probability(threshold) == pytest.approx((v > threshold).mean(), abs=2e-3)
    assert taste.stockout_demand_share(threshold) == pytest.approx((v * (v > threshold)).mean(), abs=3e-3)
    weight = np.where(v <= threshold, v, v ** 0.2 * threshold ** 0.8).mean()
    assert taste.price_weight(threshold) == pytest.approx(weight, abs=2e-3)


@pytest.mark.parametrize("name", ["expected_sales", "elasticity", "price_weight"])
def test_log_derivatives_match_finite_differences(name):
    taste = TasteShock(0.4, 6.0)
    f = getattr(taste, name)
    d = getattr(taste, "d_log_" + name)
    h = 1e-6
    for v in (0.8, 1.4, 2.5):
        fd = (np.log(f(v * np.exp(h))) - np.log(f(v * np.exp(-h)))) / (2 * h)
        assert d(v) == pytest.approx(fd, rel=1e-6)


def test_steady_state_beside_the_text():
    ss = steady_state(InventoryParameters())
    assert ss.inventory_sales_ratio == pytest.approx(0.498, abs=2e-3)        # text: 0.498
    assert ss.stockout_demand_share == pytest.approx(0.163, abs=1e-3)        # text's 16.3%
    assert ss.stockout_probability == pytest.approx(0.0947, abs=1e-3)        # the LHS of (1.18)
    assert ss.inventory_investment_share == pytest.approx(0.009, abs=5e-4)   # text: 0.9%
    # (A.11)-(A.13) hold
    taste = TasteShock(0.33, 5.0)
    keep = ss.interest_rate ** -1 * (1 - 0.018)
    assert ss.relative_price ** -4 * taste.price_weight(ss.threshold) == pytest.approx(1.0, abs=1e-12)
    m = ss.real_marginal_cost
    assert ss.stockout_probability == pytest.approx(m * (1 - keep) / (ss.relative_price - keep * m), abs=1e-12)
    # resource constraint (1.33)
    assert ss.consumption + ss.government == pytest.approx(ss.relative_price * ss.sales, rel=1e-12)


def test_hessian_matches_the_text_and_is_negative_definite():
    H = hessians(InventoryParameters())
    text = np.array([[-3.418, -0.365], [-0.365, -0.088]])
    assert np.allclose(H.H0_text, text, rtol=0.03)
    assert np.all(np.linalg.eigvalsh(H.H0) < 0)
    assert np.allclose(H.H1, 0.0, atol=1e-6 * np.abs(H.H0).max())   # α = 1: no intertemporal cross term
    assert np.abs(H.gradient).max() < 1e-5 * np.abs(H.H0).max()      # first-order conditions at the steady state
    calvo = hessians(InventoryParameters(firms="calvo"))                  # α < 1: H_x,1 ≠ 0, first column zero
    assert abs(calvo.H1[1, 1]) > 1e-3 * np.abs(calvo.H0).max()
    assert np.allclose(calvo.H1[:, 0], 0.0, atol=1e-6 * np.abs(calvo.H0).max())


def test_model_file_residuals_vanish_at_the_steady_state():
    from equilibria.plugins.yu2019_inventories.model import compiled_model, model_parameters, steady_state_levels

    for firms in ("rational_inattention", "calvo"):
        params = InventoryParameters(firms=firms)
        ss = steady_state(params)
        model = compiled_model()
        levels = steady_state_levels(params, ss)
        y = np.array([levels[v] for v in model.variables])
        residuals = model.residuals(y, y, y, np.zeros(model.n_shocks), model.parameter_vector(model_parameters(params, ss)))
        assert np.max(np.abs(residuals)) < 1e-10


def test_calvo_responses_to_a_tightening():
    from equilibria.plugins.yu2019_inventories.solve import responses

    irf, report, _ = responses(InventoryParameters(firms="calvo"), periods=16)
    assert irf["output"][0] < 0 and irf["inflation"][0] < 0 and irf["consumption"][0] < 0
    assert irf["real_wage"][0] < -0.1                 # "falls by more than 0.25% on impact" in the text
    assert irf["real_profit"][0] > 0                  # profits rise sharply (Figure 1.8)
    assert max(irf["inventory_sales_ratio"][:6]) > 0  # the inventory-sales ratio rises
    assert report.converged


def test_stacked_solution_equals_qz_on_the_calvo_model():
    from equilibria.plugins.yu2019_inventories.model import linearize, solve_linear
    from equilibria.plugins.yu2019_inventories.sequence import StackedSystem

    params = InventoryParameters(firms="calvo")
    model, _, system = linearize(params)
    stacked = StackedSystem(system, 120)
    everything = stacked.partition(np.arange(model.n), np.arange(model.n))
    path = everything.solve(np.zeros(model.n * 120), stacked.impulse(0, params.sigma_r)).reshape(120, model.n)
    qz = solve_linear(params).irf_array("eps_r", periods=30)
    units = np.where(model.log_variables, 100.0, 1.0)
    assert np.allclose(path[:30] * units, qz, atol=1e-8 + 1e-6 * np.abs(qz).max())


@pytest.mark.parametrize("override, name", [("theta=1", "theta"), ("sigma_v=0", "sigma_v"), ("mu=-0.1", "mu"),
                                            ("xi_w=1", "xi_w"), ("beta=1", "beta"), ("xi_p=-0.1", "xi_p")])
def test_bad_parameters_are_named(override, name):
    with pytest.raises(ParameterError) as info:
        InventoryParameters.load(None, ["firms=calvo", override])
    assert info.value.parameter == name
    if name not in ("theta", "xi_w"):
        return
    done = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "yu2019_inventories", "--set", override],
                          capture_output=True, text=True)
    assert done.returncode == 2 and name in done.stderr + done.stdout


def test_for_firms_uses_the_table_columns():
    p = InventoryParameters()
    assert (p.xi_p, p.xi_w, p.alpha) == (0.0, 0.82, 1.0)
    c = for_firms(p, "calvo")
    assert (c.xi_p, c.iota_p, c.xi_w, c.alpha) == (0.5059, 0.01, 0.1398, 0.8633)
    assert InventoryParameters(firms="calvo", xi_w=0.5).xi_w == 0.5


def test_cli_irf_contract_for_calvo():
    done = subprocess.run([sys.executable, "-m", "equilibria.cli", "run", "yu2019_inventories", "irf", "--set",
                           "firms=calvo", "--set", "horizon=12", "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for name in ("output", "inflation", "consumption", "inventory_sales_ratio", "inventories", "real_marginal_cost"):
        assert len(data["irf"][name]) == 12 and np.all(np.isfinite(data["irf"][name]))


def test_calvo_moments_have_the_signs_of_table_1_3():
    from equilibria.plugins.yu2019_inventories.experiments import TEXT_TABLE_1_3, moments_from_responses
    from equilibria.plugins.yu2019_inventories.model import solve_linear

    moments = moments_from_responses(solve_linear(InventoryParameters(firms="calvo")).irf("eps_r", periods=400))
    assert np.all(np.sign(moments[:6]) == np.sign(TEXT_TABLE_1_3["Calvo"][:6]))
    assert np.allclose(moments[6:], TEXT_TABLE_1_3["Calvo"][6:], rtol=0.35)   # relative volatilities


def test_money_moments_of_first_order_autoregressive_responses():
    from equilibria.plugins.yu2019_inventories.experiments import money_moments

    lags = np.arange(400)
    sales = -2.0 * 0.8 ** lags
    isr = 0.8 ** lags
    paths = {"isr": isr, "sales": sales, "inv": isr + sales, "Y": 3.0 * 0.8 ** lags}
    rho_is_s, rho_is_lag, _, sd_is_s, sd_y_s, elast_is, elast_i = money_moments(paths)
    assert rho_is_s == pytest.approx(-1.0) and rho_is_lag == pytest.approx(0.8)
    assert sd_is_s == pytest.approx(0.5) and sd_y_s == pytest.approx(1.5)
    # IS = I - S in logs: the two elasticities differ by one
    assert elast_is == pytest.approx(-0.5) and elast_i == pytest.approx(elast_is + 1.0)
