"""yu2019_inventories: the attention problem (1.34)-(1.38) and the RI fixed point (A.5)."""
import numpy as np
import pytest

from equilibria.plugins.yu2019_inventories.params import InventoryParameters
from equilibria.plugins.yu2019_inventories.profit import hessians
from equilibria.plugins.yu2019_inventories.rational_inattention import information_flow, solve_attention

H = hessians(InventoryParameters())
H0, H1 = H.H0 / 1e4, H.H1 / 1e4
LAGS = np.arange(40)
TARGET = np.vstack([0.4 * 0.8 ** LAGS, -3.8 * 0.85 ** LAGS])


def test_information_flow_of_white_noise_signal_is_the_closed_form():
    # one action b_0 = s, c = 1: I = ½ log2(1 + s²) bits
    b = np.zeros((2, 16))
    b[0, 0] = 3.0
    total, each = information_flow(b, np.array([1.0, 1.0]))
    assert total == pytest.approx(0.5 * np.log2(10.0), rel=1e-12)
    assert each[1] == pytest.approx(0.0, abs=1e-15)


def test_attention_tracks_the_first_best_as_information_gets_cheap():
    cheap = solve_attention(TARGET, H0, H1, 1e-12)
    assert np.max(np.abs(cheap.b - TARGET)) < 1e-3 * np.max(np.abs(TARGET))
    dear = solve_attention(TARGET, H0, H1, 1.0)
    assert dear.information < 1e-9 and np.max(np.abs(dear.b)) < 1e-9
    full_loss = 0.5 * np.einsum("il,ij,jl->", TARGET, -H0, TARGET)
    assert dear.loss == pytest.approx(full_loss, rel=1e-9)


def test_attention_gradient_optimality_against_perturbations():
    price = 1e-5
    sol = solve_attention(TARGET, H0, H1, price)
    value = sol.loss + price * sol.information
    rng = np.random.default_rng(1)
    for _ in range(5):   # no nearby action with the same noise scales does better
        b = sol.b + 1e-3 * rng.normal(size=sol.b.shape) * np.abs(TARGET).max()
        from equilibria.plugins.yu2019_inventories.rational_inattention import _loss_parts

        loss, _ = _loss_parts(b - TARGET, sol.c, -H0, H1)
        info, _ = information_flow(b, sol.c)
        assert loss + price * info >= value - 1e-12


@pytest.mark.parametrize("low", [3e-6, 3e-5])
def test_information_falls_with_its_price(low):
    a = solve_attention(TARGET, H0, H1, low)
    b = solve_attention(TARGET, H0, H1, 2 * low)
    assert b.information <= a.information + 1e-9
    assert b.loss >= a.loss - 1e-12


def test_ri_equilibrium_converges_to_full_information():
    from equilibria.plugins.yu2019_inventories.ri_equilibrium import solve_ri

    eq = solve_ri(InventoryParameters(mu=1e-9))
    assert eq.report.residual_norm <= 1e-10
    # measured: 2.6e-5 (output) and 2.5e-4 (inflation) relative; the distance is proportional to μ
    for name, rel in (("Y", 1e-4), ("C", 1e-4), ("isr", 1e-4), ("Z", 1e-4), ("p", 1e-4), ("PI", 1e-3)):
        gap = np.max(np.abs(eq.paths[name][:20] - eq.full_information[name][:20]))
        assert gap <= rel * np.max(np.abs(eq.full_information[name][:20])), name


def test_ri_benchmark_is_inattentive_and_the_inventory_sales_ratio_rises():
    from equilibria.plugins.yu2019_inventories.ri_equilibrium import solve_ri

    eq = solve_ri(InventoryParameters())      # Table 1.1: μ = 0.0525% of sales per bit
    assert eq.report.converged and eq.attention.information == 0.0
    # the text's key result (section 1.5.3): the inventory-sales ratio rises after a tightening
    assert eq.paths["isr"][0] > 0.0 and np.max(eq.paths["isr"][:8]) > 0.3
    # Figure 1.10: the first-best stock falls by about 1% on impact; the actual stock does not move
    assert -1.3 < eq.first_best["Z"][0] < -0.9 and eq.paths["Z"][0] == 0.0
    # Figure 1.11: the first-best (nominal) price falls to about -0.08%
    assert -0.1 < np.min(eq.first_best["p"][:20]) < -0.06


def test_interior_ri_equilibrium_is_a_fixed_point_of_the_attention_problem():
    from equilibria.plugins.yu2019_inventories.ri_equilibrium import ACTION_UNITS, cached_economy, solve_ri

    params = InventoryParameters(mu=3e-5)
    eq = solve_ri(params)
    att = eq.attention
    assert eq.report.residual_norm <= 1e-10 and att.information > 0.1
    # the firm attends more to its price than to its stock, and lets the stock deviate more (section 1.5.3)
    assert att.information_by_action[0] > att.information_by_action[1]
    assert abs(eq.first_best["Z"][0] - att.b[1, 0]) > 10 * abs(eq.first_best["p"][0] - att.b[0, 0])
    # the first-best actions of the returned aggregate paths are the attention problem's target ...
    econ = cached_economy(params)
    T = econ.T
    rhs = econ.stacked.impulse(0, params.sigma_r)
    full = econ.aggregate_paths(att.b.ravel() / ACTION_UNITS, rhs)
    target = econ.first_best(full).reshape(2, T) * ACTION_UNITS
    assert np.allclose(target, np.vstack([eq.first_best["p"], eq.first_best["Z"]]), atol=1e-12)
    # ... and an independent solve of that attention problem (L-BFGS from scratch) returns the actions
    H = hessians(econ.flex, econ.ss)
    fresh = solve_attention(target, H.H0 / ACTION_UNITS ** 2, H.H1 / ACTION_UNITS ** 2, eq.info_price, tol=1e-12)
    assert np.max(np.abs(fresh.b - att.b)) < 1e-4 * np.max(np.abs(target))


@pytest.mark.slow
def test_sensitivity_money_and_first_best_experiments_run():
    from equilibria.plugins.yu2019_inventories.experiments import run_first_best, run_money, run_sensitivity

    params = InventoryParameters()
    sens = run_sensitivity(params, {})
    totals = [row[4] for row in sens.data["mu"]]
    assert totals[0] <= totals[1] <= totals[2]          # cheaper information, more of it (Table 1.4)
    money = run_money(params, {})
    assert money.data["calvo"]["markup_share_percent"] > money.data["rational_inattention"]["markup_share_percent"]
    first = run_first_best(params, {})
    assert abs(first.data["actual"]["Z"][0]) < abs(first.data["first_best"]["Z"][0])


def test_attention_first_finds_the_low_attention_equilibrium_where_the_ratio_rises():
    from equilibria.plugins.yu2019_inventories.ri_equilibrium import solve_ri

    eq = solve_ri(InventoryParameters(mu=0.00016, selection="attention_first"))
    bits = eq.attention.information_by_action
    assert eq.report.residual_norm <= 1e-10 and bits[0] > 0.2 and bits[0] > 5 * bits[1]
    # the text's section 1.5.3: the stock barely moves against its first best, and the ratio rises
    assert abs(eq.actions["Z"][0]) < 0.05 * abs(eq.first_best["Z"][0])
    assert eq.paths["isr"][0] > 0.1
    # the default selection returns the zero-attention equilibrium, which also exists here
    assert solve_ri(InventoryParameters(mu=0.00016)).attention.information == 0.0
