"""Steady state, perturbation, QZ solution, responses and moments against known answers."""
import json

import numpy as np
import pytest

from equilibria.dynamics import Model
from equilibria.errors import ConvergenceError, DeterminacyError
from equilibria.plugins.textbook.models import load_model, model_path


def _ar1(rho=0.7, std=0.02, log=True):
    return Model.from_dict(parameters={"rho": rho}, variables={"z": {"log": log, "guess": 1.0 if log else 0.0}},
                           shocks={"e": std}, equations=["log(z) = rho * log(z(-1)) + e" if log
                                                          else "z = rho * z(-1) + e"])


def test_ar1_responses_moments_and_units():
    solution = _ar1().solve()
    assert solution.irf("e", periods=6)["z"] == pytest.approx(100 * 0.02 * 0.7 ** np.arange(6), rel=1e-12)
    moments = solution.moments(lags=3)
    assert moments.std["z"] == pytest.approx(100 * 0.02 / np.sqrt(1 - 0.49), rel=1e-12)
    assert moments.autocorrelation["z"] == pytest.approx([0.7, 0.49, 0.343], rel=1e-12)
    assert moments.variance_decomposition["z"]["e"] == pytest.approx(1.0)
    level = _ar1(log=False).solve()
    assert level.irf("e", size=0.5, periods=2)["z"] == pytest.approx([0.5, 0.35])


def _full_policy(solution):
    n = solution.model.n
    P = np.zeros((n, n))
    P[:, solution.model.state_index] = solution.policy
    return P


@pytest.mark.parametrize("name", ["brock_mirman", "rbc", "nk"])
def test_solution_solves_the_linear_system(name):
    """A P^2 + B P + C = 0 (P the policy on all lags) and (A P + B) Q + D = 0: the solved model holds."""
    solution = load_model(name).solve()
    A, B, C, D = (getattr(solution.system, k) for k in "ABCD")
    P = _full_policy(solution)
    assert np.abs(A @ P @ P + B @ P + C).max() < 1e-10
    assert np.abs((A @ P + B) @ solution.impact + D).max() < 1e-10
    moduli = np.abs(np.linalg.eigvals(solution.transition))
    assert moduli.max() < 1.0


def test_jacobian_matches_finite_differences():
    model = load_model("rbc")
    p = model.parameter_vector()
    y = np.fromiter(model.steady_state().values.values(), float)
    J = model.jacobian(y, p)
    n, ne = model.n, model.n_shocks
    base = np.concatenate([y, y, y, np.zeros(ne)])
    for j in range(3 * n + ne):
        h = 1e-6 * max(1.0, abs(base[j]))
        up, dn = base.copy(), base.copy()
        up[j] += h
        dn[j] -= h
        fd = (model.residuals(up[:n], up[n:2 * n], up[2 * n:3 * n], up[3 * n:], p)
              - model.residuals(dn[:n], dn[n:2 * n], dn[2 * n:3 * n], dn[3 * n:], p)) / (2 * h)
        assert np.allclose(J[:, j], fd, rtol=1e-6, atol=1e-7), j


def test_numerical_steady_state_equals_closed_forms():
    text = model_path("rbc").read_text()
    head, _, tail = text.partition("[steady_state]")
    numerical = Model.from_toml(head + "[model]" + tail.split("[model]")[1], name="rbc_numerical")
    closed = load_model("rbc")
    for params in ({}, {"beta": 0.97, "phi": 3.0}):
        a, b = numerical.steady_state(params), closed.steady_state(params)
        assert a.report.method == "newton" and b.report.method == "closed form"
        for v in closed.variables:
            assert a[v] == pytest.approx(b[v], rel=1e-9)
        assert np.allclose(numerical.solve(params).policy, closed.solve(params).policy, atol=1e-9)


def test_unsolvable_steady_state_lists_residuals_by_equation():
    model = Model.from_dict(parameters={"a": 1.0}, variables={"x": {"log": True}, "y": {}}, shocks={"e": 0.1},
                            equations=["x = -a - y^2", "y = 0.5 * y(-1) + e"])
    with pytest.raises(ConvergenceError, match=r"largest residuals: equation 1 `x = -a - y\^2`"):
        model.steady_state()


def test_explosive_and_indeterminate_models_raise_determinacy_error():
    explosive = Model.from_dict(parameters={"r": 1.5}, variables=["x"], shocks={"e": 1.0},
                                equations=["x = r * x(-1) + e"])
    with pytest.raises(DeterminacyError, match=r"explosive .*1 eigenvalue\(s\) outside the unit circle for 0 "
                                               r"forward-looking"):
        explosive.solve()
    indeterminate = Model.from_dict(parameters={"r": 0.5}, variables=["x"], shocks={"e": 1.0},
                                    equations=["x(+1) = r * x + e"])
    with pytest.raises(DeterminacyError, match=r"indeterminate .*0 eigenvalue\(s\) outside the unit circle for 1"):
        indeterminate.solve()
    forward = Model.from_dict(parameters={"r": 2.0}, variables=["x", "z"], shocks={"e": 1.0},
                              equations=["x(+1) = r * x - z", "z = 0.5 * z(-1) + e"])
    # x = sum_j r^(-j-1) E z(t+j) = z / (r - 0.5)
    assert forward.solve().impact[0, 0] == pytest.approx(1 / 1.5)


def test_nk_indeterminate_parameterization_on_the_command_line():
    from click.testing import CliRunner

    from equilibria.cli import main

    result = CliRunner().invoke(main, ["dsge", str(model_path("nk")), "irf", "--set", "phi_pi=0.9",
                                       "--set", "phi_x=0"])
    assert result.exit_code == 3
    assert result.stderr == ("error: the model is indeterminate (too few unstable eigenvalues): 1 eigenvalue(s) "
                             "outside the unit circle for 2 forward-looking variable(s)\n")


def test_lyapunov_moments_equal_the_sum_of_the_series():
    solution = load_model("rbc").solve()
    T, R = solution.transition, solution.shock_loading
    omega = np.diag(solution.shock_std ** 2)
    S, term = np.zeros_like(T), R @ omega @ R.T
    for _ in range(3000):
        S += term
        term = T @ term @ T.T
    assert np.allclose(solution.state_covariance(), S, rtol=1e-8, atol=1e-14)
    covs = solution.autocovariances(3)
    # Cov(x_t, x_{t-1}) from the policy directly: x_t = P s_t + Q e_t, s_t = T s_{t-1} + R e_{t-1}
    P, Q = solution.policy, solution.impact
    gamma1 = P @ (T @ S @ P.T + R @ omega @ Q.T)
    assert np.allclose(covs[1], gamma1, rtol=1e-8, atol=1e-16)
    assert np.allclose(solution.covariance(2), covs[2], rtol=1e-10, atol=1e-16)


def test_variance_decomposition_sums_to_one_with_two_shocks():
    model = Model.from_dict(parameters={"rho": 0.9}, variables=["a", "b", "y"], shocks={"ea": 0.01, "eb": 0.02},
                            equations=["a = rho * a(-1) + ea", "b = 0.5 * b(-1) + eb", "y = a + b"])
    solution = model.solve()
    shares = solution.variance_decomposition()["y"]
    va, vb = 0.01 ** 2 / (1 - 0.81), 0.02 ** 2 / (1 - 0.25)
    assert shares["ea"] == pytest.approx(va / (va + vb)) and sum(shares.values()) == pytest.approx(1.0)


def test_simulation_is_reproducible_and_consistent_with_responses():
    solution = load_model("rbc").solve()
    a = solution.simulate(50, seed=3)
    b = solution.simulate(50, seed=3)
    assert all(np.array_equal(a[v], b[v]) for v in a)
    e = np.zeros((10, 1))
    e[0, 0] = 0.01
    path = solution.simulate(10, innovations=e)
    irf = solution.irf("eps_a", size=0.01, periods=10)
    assert all(np.allclose(path[v], irf[v], atol=1e-14) for v in irf)


def test_resolve_at_new_parameters_changes_only_numbers():
    model = load_model("rbc")
    low, high = model.solve({"rho": 0.5}), model.solve({"rho": 0.9})
    assert low.irf("eps_a")["a"][1] == pytest.approx(0.7 * 0.5)
    assert high.irf("eps_a")["a"][1] == pytest.approx(0.7 * 0.9)


@pytest.mark.parametrize("name", ["brock_mirman", "rbc", "nk"])
def test_command_line_json_and_figures(tmp_path, name):
    from click.testing import CliRunner

    from equilibria.cli import main

    runner = CliRunner()
    irf = runner.invoke(main, ["dsge", str(model_path(name)), "irf", "--json", "--periods", "12",
                               "--out", str(tmp_path)])
    assert irf.exit_code == 0, irf.output
    data = json.loads(irf.stdout)
    model = load_model(name)
    assert set(data) == {"steady_state", "eigenvalues", "irf", "report"}
    assert set(data["irf"]) == set(model.shocks)
    assert all(len(v) == 12 for v in data["irf"][model.shocks[0]].values())
    assert data["eigenvalues"] == sorted(data["eigenvalues"])
    assert (tmp_path / f"irf_{model.shocks[0]}.png").stat().st_size > 1000
    moments = json.loads(runner.invoke(main, ["dsge", str(model_path(name)), "moments", "--json"]).stdout)
    assert set(moments["moments"]) >= {"std", "autocorrelation", "correlation"}
    assert set(moments["moments"]["std"]) == set(model.variables)
    sim = runner.invoke(main, ["dsge", str(model_path(name)), "simulate", "--json", "--periods", "30",
                               "--seed", "4"])
    assert sim.exit_code == 0 and len(json.loads(sim.stdout)["simulation"][model.variables[0]]) == 30
    steady = json.loads(runner.invoke(main, ["dsge", str(model_path(name)), "steady", "--json"]).stdout)
    assert steady["steady_state"] == pytest.approx(model.steady_state().values)


def test_shock_option_sizes_the_innovation():
    from click.testing import CliRunner

    from equilibria.cli import main

    out = CliRunner().invoke(main, ["dsge", str(model_path("nk")), "irf", "--json", "--shock", "eps_v=0.01",
                                    "--periods", "3"])
    v = json.loads(out.stdout)["irf"]["eps_v"]["v"]
    assert v == pytest.approx([0.01, 0.005, 0.0025])
    bad = CliRunner().invoke(main, ["dsge", str(model_path("nk")), "irf", "--shock", "eps_q=0.01"])
    assert bad.exit_code == 2 and "eps_q" in bad.stderr


def test_zero_coefficients_do_not_change_the_classification():
    """rho = 0 zeroes the lag's coefficient; the variable stays a state and the answer is exact."""
    nk = load_model("nk")
    solution = nk.solve({"rho_v": 0.0})
    assert solution.irf("eps_v", size=1.0, periods=3)["v"] == pytest.approx([1.0, 0.0, 0.0])
    from equilibria.plugins.textbook.models import nk_msv_response

    exact = nk_msv_response(solution.parameters, np.array([1.0, 0.0, 0.0]))
    assert solution.irf("eps_v", size=1.0, periods=3)["pi"] == pytest.approx(exact["pi"], abs=1e-12)
    brock = load_model("brock_mirman").solve({"rho": 0.0})
    assert brock.irf("eps_a", size=0.01, periods=3)["k"] == pytest.approx([1.0, 0.33, 0.33 ** 2])


def test_a_constant_variable_has_no_correlations_and_the_json_stays_finite():
    from equilibria.results import non_finite_entries

    model = Model.from_dict(parameters={"rho": 0.5}, variables=["x", "c"], shocks={"e": 1.0},
                            equations=["x = rho * x(-1) + e", "c = 1"])
    moments = model.solve().moments()
    assert moments.constant == ["c"] and moments.std["c"] == 0.0
    assert "c" not in moments.correlation and "c" not in moments.autocorrelation
    assert not non_finite_entries(moments.to_dict())
