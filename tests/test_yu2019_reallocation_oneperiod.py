"""One-period model of Yu (2019), section 2.3: bundle, distributions, market, every equilibrium, CLI contract."""
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import integrate

from equilibria import ConvergenceError, ParameterError
from equilibria.plugins.yu2019_reallocation.bundle import bundle, new_share, price_index, used_share
from equilibria.plugins.yu2019_reallocation.distributions import Discrete, LogNormal, LogUniform
from equilibria.plugins.yu2019_reallocation.oneperiod import OnePeriodModel, find_equilibria
from equilibria.plugins.yu2019_reallocation.params import OnePeriodParameters

CONTRACT = ["--set", "alpha=0.3", "--set", "lemons_share=0.05", "--set", "new_weight=0.7", "--set", "endowment=1",
            "--set", "substitution=2.5", "--set", "z_mean=3", "--set", "z_sigma=0.5", "--set", "tfp=1.0"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "equilibria.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("dist", [LogNormal(2.0, 0.4), LogUniform(2.0, 0.4)])
@pytest.mark.parametrize("a", [0.0, 1.0, 1.6])
def test_partial_moments_match_quadrature(dist, a):
    if isinstance(dist, LogNormal):
        density = lambda x: np.exp(-(x - dist.mu) ** 2 / (2 * dist.log_sd ** 2)) / (dist.log_sd * np.sqrt(2 * np.pi))
        lo, hi = dist.mu - 12 * dist.log_sd, dist.mu + 12 * dist.log_sd
    else:
        density = lambda x: 1.0 / (2 * dist.half_width)
        lo, hi = dist.mu - dist.half_width, dist.mu + dist.half_width
    mean = integrate.quad(lambda x: np.exp(x) * density(x), lo, hi)[0]
    assert mean == pytest.approx(2.0, rel=1e-9)
    for c in [0.5, 1.3, 2.0, 4.0]:
        x = min(max(np.log(c), lo), hi)
        below = integrate.quad(lambda y: np.exp(a * y) * density(y), lo, x)[0]
        above = integrate.quad(lambda y: np.exp(a * y) * density(y), x, hi)[0]
        assert float(dist.moment_below(a, c)) == pytest.approx(below, rel=1e-8, abs=1e-14)
        assert float(dist.moment_above(a, c)) == pytest.approx(above, rel=1e-8, abs=1e-14)
        assert float(dist.cdf(c)) == pytest.approx(integrate.quad(density, lo, x)[0], rel=1e-8, abs=1e-14)


def test_price_index_limits_are_continuous():
    kw = dict(new_weight=0.7, lemons_share=0.05)
    p, lm = 0.8, 0.2
    assert float(price_index(p, lm, substitution=1 + 1e-6, **kw)) == pytest.approx(
        float(price_index(p, lm, substitution=1.0, **kw)), rel=1e-6)
    assert float(price_index(p, lm, substitution=1e-7, **kw)) == pytest.approx(
        float(price_index(p, lm, substitution=0.0, **kw)), rel=1e-6)
    # Leontief: appendix B.2's ρ = η/(1-λ) + (1-η) p/(1-λ_M) and θ = (1-η)/(1-λ_M)
    assert float(price_index(p, lm, substitution=0.0, **kw)) == pytest.approx(0.7 / 0.95 + 0.3 * p / 0.8)
    assert float(used_share(p, lm, substitution=0.0, **kw)) == pytest.approx(0.3 / 0.8)
    g = 2.0
    i_new, i_used = float(new_share(p, lm, substitution=0.0, **kw)) * g, float(used_share(p, lm, substitution=0.0, **kw)) * g
    assert float(bundle(i_new, i_used, lm, substitution=0.0, **kw)) == pytest.approx(g)


def test_market_aggregates_match_each_entrepreneurs_choice():
    """Demand (2.7), supply (2.8), λ_M (2.9) and output against a sum over explicit entrepreneurs."""
    rng = np.random.default_rng(0)
    values, probs = np.exp(rng.normal(0.8, 0.5, 400)), rng.dirichlet(np.ones(400))
    params = OnePeriodParameters(alpha=0.35, lemons_share=0.04, new_weight=0.6, substitution=1.7, endowment=1.3)
    model = OnePeriodModel(params, Discrete(values, probs))
    p = 0.7
    st = model.state(p)
    kappa = (1 - params.lemons_share) * params.endowment
    a = 1 / (1 - params.alpha)
    rho = float(st.price_index)
    k_buy, k_sell = (params.alpha * values * params.tfp / rho) ** a, (params.alpha * values * params.tfp / p) ** a
    k = np.where(k_buy > kappa, k_buy, np.where(k_sell < kappa, k_sell, kappa))
    sold = probs @ np.maximum(kappa - k, 0)
    installed = probs @ np.maximum(k - kappa, 0)
    lemon_share = params.lemons_share * params.endowment / (params.lemons_share * params.endowment + sold)
    assert float(st.good_capital_sold) == pytest.approx(sold, rel=1e-12)
    assert float(st.market_lemon_share) == pytest.approx(lemon_share, rel=1e-12)
    assert rho == pytest.approx(float(price_index(p, lemon_share, new_weight=0.6, substitution=1.7, lemons_share=0.04)))
    theta = float(used_share(p, lemon_share, new_weight=0.6, substitution=1.7, lemons_share=0.04))
    assert float(st.demand) == pytest.approx(theta * installed, rel=1e-12)
    assert float(st.output) == pytest.approx(probs @ (values * params.tfp * k ** params.alpha), rel=1e-12)


def test_every_equilibrium_is_a_root_and_roots_alternate_in_stability():
    solution = find_equilibria(OnePeriodParameters())
    assert len(solution.equilibria) == 2
    low, high = solution.equilibria
    assert not low.stable and high.stable and solution.selected is high
    model = OnePeriodModel(OnePeriodParameters())
    for eq in solution.equilibria:
        assert abs(float(model.excess_demand(eq.price))) < 1e-9
    # no other sign change on an independent, finer grid
    grid = np.geomspace(1e-4, solution.scanned[1], 40001)
    e = model.excess_demand(grid)
    assert int(np.sum(np.sign(e[:-1]) != np.sign(e[1:]))) == 2


def test_no_equilibrium_when_mean_productivity_is_low():
    with pytest.raises(ConvergenceError, match="no equilibrium"):
        find_equilibria(OnePeriodParameters(z_mean=0.5))


@pytest.mark.parametrize("name, value", [("substitution", -0.1), ("lemons_share", 0.0), ("lemons_share", 1.0),
                                         ("new_weight", 1.2), ("alpha", 1.0), ("z_sigma", 0.0)])
def test_bad_parameters_are_named(name, value):
    with pytest.raises(ParameterError, match=name):
        OnePeriodParameters(**{name: value})


def test_cli_contract():
    done = _cli("run", "yu2019_reallocation", "oneperiod", *CONTRACT, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in ["price", "market_lemon_share", "price_index", "z_invest", "z_disinvest", "good_capital_sold",
                "total_traded", "equilibria"]:
        assert key in data
    assert data["z_disinvest"] < data["z_invest"] and data["price"] < data["price_index"]
    assert [e["stable"] for e in data["equilibria"]] == [False, True]
    assert data["price"] == pytest.approx(data["equilibria"][1]["price"])
    bad = _cli("run", "yu2019_reallocation", "oneperiod", "--set", "substitution=-1", "--json")
    assert bad.returncode == 2 and "substitution" in bad.stderr and "Traceback" not in bad.stderr
    none = _cli("run", "yu2019_reallocation", "oneperiod", "--set", "tfp=0.1", "--json")
    assert none.returncode == 3 and "no equilibrium" in none.stderr
