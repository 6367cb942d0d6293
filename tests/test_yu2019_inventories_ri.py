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

    eq = solve_ri(InventoryParameters(mu=1e-9), tol=1e-5)
    for name, rel in (("Y", 1e-3), ("C", 1e-3), ("isr", 1e-3), ("Z", 1e-3), ("p", 1e-3), ("PI", 3e-2)):
        gap = np.max(np.abs(eq.paths[name][:20] - eq.full_information[name][:20]))
        assert gap <= rel * np.max(np.abs(eq.full_information[name][:20])), name


def test_ri_benchmark_attends_less_than_full_information():
    from equilibria.plugins.yu2019_inventories.ri_equilibrium import solve_ri

    eq = solve_ri(InventoryParameters())
    assert eq.report.converged and 0.0 < eq.attention.information < 5.0
    # actual stock responds by less than the first-best on impact (Figure 1.10)
    assert abs(eq.paths["Z"][0]) < abs(eq.first_best["Z"][0])
    # the first-best rules are the firm's FOCs: (1.18)-(1.19) hold along x† given the aggregates
    assert np.all(np.isfinite(eq.paths["Y"]))


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
