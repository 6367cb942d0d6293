"""kmnt2024: planner, decentralized equilibrium, contract CLI, experiments."""
import json
import subprocess
import sys

import numpy as np
import pytest

from equilibria.plugins.kmnt2024 import plugin
from equilibria.plugins.kmnt2024.direct import solve_direct, welfare_and_gradient
from equilibria.plugins.kmnt2024.equilibrium import NetworkEconomy
from equilibria.plugins.kmnt2024.model import Model
from equilibria.plugins.kmnt2024.params import KmntParameters
from equilibria.plugins.kmnt2024.planner import DomarPlanner
from equilibria.plugins.kmnt2024.random_economy import random_arrays, random_model


@pytest.fixture(scope="module")
def car():
    model = Model.from_parameters(KmntParameters())
    return model, DomarPlanner(model).solve()


def test_welfare_gradient_matches_finite_differences():
    m = random_model(1, 3)
    rng = np.random.default_rng(0)
    alpha = m.technology.ideal * rng.uniform(0.5, 1.0, (3, 3))
    _, g = welfare_and_gradient(m, alpha)
    h = 1e-6
    fd = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            e = np.zeros((3, 3))
            e[i, j] = h
            fd[i, j] = (m.welfare(alpha + e) - m.welfare(alpha - e)) / (2 * h)
    np.testing.assert_allclose(g, fd, atol=1e-8)


@pytest.mark.parametrize("seed,zero_share,curvature", [(s, z, c) for s in range(6) for z, c in ((0.0, 2.0), (0.3, 0.3))])
def test_planner_beats_or_ties_direct_optimisation(seed, zero_share, curvature):
    """The planner over Domar weights against SciPy over the n^2 entries of alpha (independent truth)."""
    m = random_model(seed, 2 + seed % 3, zero_share=zero_share, curvature=curvature, rho=1 + seed % 4)
    plan = DomarPlanner(m).solve()
    alpha, w, info = solve_direct(m)
    assert info["success"]
    assert plan.objective >= w - 1e-10
    assert abs(plan.objective - w) < 1e-8
    assert np.abs(plan.allocation["network"] - alpha).max() < 1e-4
    # the planner's network is feasible and delivers the planner's Domar weights (eq. 14's constraint)
    a = plan.allocation["network"]
    assert a.min() >= 0 and np.all(a.sum(axis=1) <= m.alpha_bar + 1e-12)
    np.testing.assert_allclose(m.fixed_network(a).domar_weights, plan.allocation["domar_weights"], atol=1e-10)
    assert abs(m.welfare(a) - plan.objective) < 1e-12


def test_car_equilibrium_equals_planner(car):
    model, plan = car
    eq = NetworkEconomy(model).solve()
    assert eq.report.converged and eq.report.iterations <= 10
    np.testing.assert_allclose(eq.aggregates["network"], plan.allocation["network"], atol=1e-10)
    np.testing.assert_allclose(eq.prices["risk_adjusted_prices"], plan.allocation["risk_adjusted_prices"], atol=1e-9)
    # the core's SciPy root finder (finite-difference Jacobian) reaches the same fixed point
    eq2 = NetworkEconomy(model).solve(method="hybr", tol=1e-11)
    np.testing.assert_allclose(eq2.aggregates["network"], plan.allocation["network"], atol=1e-9)
    # Lemma 2: each firm's technique is optimal at the equilibrium risk-adjusted prices
    R = eq.prices["risk_adjusted_prices"]
    fm = model.fixed_network(eq.aggregates["network"])
    np.testing.assert_allclose(R, fm.risk_adjusted_prices, atol=1e-10)


def test_car_upstream_sectors_use_labour_only(car):
    model, plan = car
    a = plan.allocation["network"]
    assert np.all(a[:3] == 0)
    assert np.all(a[3] > 0)


def test_cli_contract(tmp_path):
    a = random_arrays(3, 5)
    path = tmp_path / "p.json"
    path.write_text(json.dumps({k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in a.items()}))
    out = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "kmnt2024", "--params", str(path), "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("domar_weights", "network", "equilibrium_network", "efficiency_gap", "expected_log_gdp",
                "var_log_gdp", "welfare"):
        assert key in data
    assert np.array(data["network"]).shape == (5, 5)
    assert data["efficiency_gap"] < 1e-8
    w = data["expected_log_gdp"] - 0.5 * (a["rho"] - 1) * data["var_log_gdp"]
    assert abs(w - data["welfare"]) < 1e-12
    bad = dict(json.loads(path.read_text()))
    bad["sigma"][0][1] += 0.5
    path.write_text(json.dumps(bad))
    out = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "kmnt2024", "--params", str(path), "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "sigma" in (out.stderr + out.stdout)


def test_car_experiment_signs():
    """Complements (psi_1) fall with steel, substitutes (psi_2) rise: signs of H_4^{-1}, column 1."""
    result = plugin.experiment("car").run(KmntParameters(), {})
    H4inv = np.linalg.inv(KmntParameters().hessians[3])
    assert H4inv[1, 0] < 0 < H4inv[2, 0]
    slopes = result.data["slopes"]
    assert slopes["d alpha_41 / d E[p_1]"] < 0 and slopes["d alpha_42 / d E[p_1]"] < 0 < slopes["d alpha_43 / d E[p_1]"]
    assert slopes["d alpha_41 / d V[p_1]"] < 0 and slopes["d alpha_42 / d V[p_1]"] < 0 < slopes["d alpha_43 / d V[p_1]"]
    assert result.data["efficiency_gap"] < 1e-8
    assert result.data["symbolic_shifter_gap"] < 1e-9
    assert set(result.figures) == {"car_shares_vs_expected_price", "car_shares_vs_price_variance"}
    # interior stretch: the slope of alpha_4 in R_1 is H_4^{-1} e_1 exactly (dalpha/dR = H^{-1})
    rows = result.data["expected_price_sweep"][:3]
    dR = rows[1]["R1"] - rows[0]["R1"]
    assert dR > 0


def test_statics_experiment():
    result = plugin.experiment("statics").run(KmntParameters(), {})
    assert result.data["max_error_prop3"] < 1e-6
    assert result.data["max_error_cor4"] < 1e-6
    assert result.data["finite_change"]["flexible"] >= result.data["finite_change"]["fixed"]
    assert np.all(np.linalg.eigvalsh(np.array(result.data["curvature"])) < 0)


def test_scale_experiment_small():
    result = plugin.experiment("scale").run(KmntParameters(), {"sizes": [10, 30], "corner_sizes": [10, 30]})
    for row in result.data["economies"] + result.data["corner_economies"]:
        assert row["efficiency_gap"] < 1e-8
    assert sum(row["zero_shares"] for row in result.data["corner_economies"]) > 0


def test_plugin_metadata():
    assert plugin.name == "kmnt2024"
    assert {e.name for e in plugin.experiments} == {"car", "statics", "scale"}
    assert {e.name for e in plugin.experiments if e.headline} == {"car", "statics"}
    assert len(plugin.theorems) == 8


def _non_quadratic_model(seed, n=3):
    """Strictly concave, non-quadratic shifters typed as sympy expressions (Assumption 1)."""
    from equilibria.symbolic import differentiate

    a = random_arrays(seed, n, curvature=1.0)
    rng = np.random.default_rng(seed)
    xs = [f"x{j}" for j in range(n)]
    shifters = []
    for i in range(n):
        o = a["ideal_shares"][i]
        quad = " + ".join(f"{float(rng.uniform(1, 3))!r}*(x{j} - {float(o[j])!r})**2" for j in range(n))
        total = " + ".join(xs)
        expr = (f"-({quad}) - {float(rng.uniform(1, 5))!r}*(({total}) - {float(o.sum())!r})**4"
                f" - {float(rng.uniform(0.1, 1))!r}*(cosh(x0 - x1 - {float(o[0] - o[1])!r}) - 1)")
        shifters.append(differentiate(expr, xs))
    return Model.with_shifters(shifters, a["ideal_shares"], a["mu"], a["sigma"], a["beta"], a["rho"], a["alpha_bar"])


@pytest.mark.parametrize("seed", range(4))
def test_non_quadratic_shifters_planner_direct_and_equilibrium_agree(seed):
    m = _non_quadratic_model(seed)
    plan = DomarPlanner(m).solve()
    alpha, w, info = solve_direct(m)
    assert plan.objective >= w - 1e-10
    assert abs(plan.objective - w) < 1e-7
    eq = NetworkEconomy(m).solve()
    assert np.abs(eq.aggregates["network"] - plan.allocation["network"]).max() < 1e-8
    # Proposition 5 / Corollary 4 with a general shifter
    from equilibria.plugins.kmnt2024 import statics

    omega = plan.allocation["domar_weights"]
    fd = statics.welfare_derivative(m, ("mu", 0), h=1e-5, solution=plan)
    assert abs(fd - omega[0]) < 1e-6


def test_model_from_expressions_matches_quadratic_parameters():
    """The car economy typed as expressions gives the quadratic contract's solution."""
    from equilibria.plugins.kmnt2024.car import car_maker_expression

    p = KmntParameters()
    expr, _ = car_maker_expression()
    upstream = "-0.5*(x1**2 + x2**2 + x3**2 + x4**2)"
    m = Model.from_expressions([upstream] * 3 + [str(expr)], p.mu, p.sigma, p.beta, p.rho, p.alpha_bar)
    np.testing.assert_allclose(m.technology.ideal, p.ideal_shares, atol=1e-10)
    ref = DomarPlanner(Model.from_parameters(p)).solve()
    sol = DomarPlanner(m).solve()
    np.testing.assert_allclose(sol.allocation["network"], ref.allocation["network"], atol=1e-10)
    assert abs(sol.objective - ref.objective) < 1e-12
