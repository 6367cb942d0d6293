"""Model files and Python definitions: names sympy reserves, time shifts, closed forms, and errors
that name the equation (number and text) or the symbol, on the command line with exit status 2."""
import re
import subprocess
import sys

import numpy as np
import pytest

from equilibria.dynamics import Model, ModelError
from equilibria.errors import ParameterError

GOOD = """
name = "toy"
[parameters]
beta = 0.99
gamma = 0.5
lambda = 0.3
rho = 0.5
[variables]
pi = {}
N = { log = true, guess = 2.0 }
[shocks]
E = 0.01
[model]
equations = ["pi = beta * pi(+1) + lambda * log(N)", "log(N) = rho * log(N(-1)) + gamma * 0 + E"]
"""


def _run_cli(tmp_path, text, *args):
    """``equilibria dsge`` in-process (exit status, stdout and stderr as the command line gives them)."""
    from click.testing import CliRunner

    from equilibria.cli import main

    path = tmp_path / "model.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["dsge", str(path), *args])
    result.returncode = result.exit_code
    return result


def test_bad_model_file_from_a_real_process(tmp_path):
    path = tmp_path / "model.toml"
    path.write_text(GOOD.replace("lambda * log(N)", "lambda * log(M)"), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "equilibria.cli", "dsge", str(path), "irf"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == "error: model: equation 1 `pi = beta * pi(+1) + lambda * log(M)`: unknown symbol 'M'\n"


def test_reserved_names_are_plain_symbols():
    model = Model.from_toml(GOOD)
    solution = model.solve()
    assert model.variables == ["pi", "N"] and model.shocks == ["E"]
    assert solution.steady_state.values == pytest.approx({"pi": 0.0, "N": 1.0})
    # pi_t = lambda n_t / (1 - beta rho) with n = log N an AR(1): the exact linear solution
    irf = solution.irf("E", size=0.01, periods=5)
    n = 0.01 * 0.5 ** np.arange(5)
    assert np.allclose(irf["N"], 100 * n, rtol=1e-12)
    assert np.allclose(irf["pi"], 0.3 * n / (1 - 0.99 * 0.5), rtol=1e-10)


def test_more_reserved_names_and_python_keywords():
    model = Model.from_dict(
        parameters={"beta": 0.9, "I": 0.5, "S": 2.0, "Q": 1.0, "lambda": 0.2, "O": 0.0},
        variables={"E": {}, "N": {}, "gamma": {}},
        shocks={"pi": 0.1},
        equations=["E = beta * E(+1) + lambda * N", "N = I * N(-1) + pi", "gamma = S * E + Q * 0 + O"])
    solution = model.solve()
    assert np.isclose(solution.irf("pi", size=1.0)["gamma"][0], 2.0 * 0.2 / (1 - 0.9 * 0.5))


def test_scientific_notation_is_not_a_symbol_e():
    model = Model.from_dict(parameters={"a": 0.5}, variables=["x", "e"], shocks={"u": 1.0},
                            equations=["x = a * x(-1) + 1e-3 * e + 2.5E-1 * u", "e = 2 * x"])
    q = model.solve().impact
    # x = 0.5 x(-1) + 0.002 x + 0.25 u
    assert np.isclose(q[0, 0], 0.25 / (1 - 2e-3))


def test_equations_as_sympy_expressions_and_lhs_minus_rhs_form():
    import sympy as sp

    x, xl, u = sp.Symbol("x"), sp.Symbol("x(-1)"), sp.Symbol("u")
    model = Model.from_dict(parameters={"rho": 0.8}, variables=["x", "y"], shocks={"u": 1.0},
                            equations=[sp.Eq(x, sp.Symbol("rho") * xl + u), "y - 2*x"])
    assert np.allclose(model.solve().irf("u", size=1.0, periods=3)["y"], 2 * 0.8 ** np.arange(3))


def test_derived_parameters_follow_their_inputs():
    text = GOOD.replace("rho = 0.5", "rho = 0.5\nkappa = \"lambda / (1 - beta * rho)\"").replace(
        "lambda * log(N)", "kappa * (1 - beta * rho) * log(N)")
    model = Model.from_toml(text)
    assert model.parameter_values()["kappa"] == pytest.approx(0.3 / (1 - 0.99 * 0.5))
    assert model.parameter_values({"rho": 0.1})["kappa"] == pytest.approx(0.3 / (1 - 0.99 * 0.1))
    assert model.parameter_values({"kappa": 7.0})["kappa"] == 7.0


def test_python_closed_forms_and_steady_state_function():
    definition = dict(parameters={"alpha": 0.3, "beta": 0.95}, shocks={"eps": 0.01},
                      variables={"k": {"log": True}, "c": {"log": True}, "a": {"log": True}},
                      equations=["1/c = beta * alpha * a(+1) * k^(alpha - 1) / c(+1)",
                                 "c + k = a * k(-1)^alpha", "log(a) = 0.9 * log(a(-1)) + eps"])
    exact_k = (0.3 * 0.95) ** (1 / 0.7)
    by_entry = Model.from_dict(**definition, steady_state={
        "a": 1.0, "k": lambda v: (v["alpha"] * v["beta"]) ** (1 / (1 - v["alpha"])),
        "c": lambda v: v["k"] ** v["alpha"] - v["k"]})
    assert by_entry.steady_state().report.method == "closed form"
    assert by_entry.steady_state()["k"] == pytest.approx(exact_k, rel=1e-14)
    by_function = Model.from_dict(**definition, steady_state_function=lambda p: {
        "a": 1.0, "k": exact_k, "c": exact_k ** 0.3 - exact_k})
    assert by_function.steady_state().report.method == "closed form"
    numerical = Model.from_dict(**definition)
    assert numerical.steady_state()["k"] == pytest.approx(exact_k, rel=1e-10)
    assert numerical.steady_state().report.method == "newton"


BAD = [
    ('"y = c +* alpha"', "equation 1 `y = c +* alpha`: does not parse"),
    ('"y = (c"', "equation 1 `y = (c`: does not parse"),
    ('"y = c + foo"', "equation 1 `y = c + foo`: unknown symbol 'foo'"),
    ('"y = c(+2)"', "equation 1 `y = c(+2)`: c(+2): leads and lags beyond one period"),
    ('"y = alpha(-1) * c"', "the parameter 'alpha' cannot carry a time shift"),
    ('"y = c + eps(+1)"', "the shock 'eps' cannot carry a time shift"),
]


@pytest.mark.parametrize("first, message", BAD)
def test_bad_equations_name_the_equation(tmp_path, first, message):
    text = f"""
[parameters]
alpha = 0.5
[variables]
y = {{}}
c = {{}}
[shocks]
eps = 1.0
[model]
equations = [{first}, "c = alpha * c(-1) + eps"]
"""
    with pytest.raises(ModelError, match=re.escape(message)):
        Model.from_toml(text)
    run = _run_cli(tmp_path, text, "irf")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("change, message", [
    (("\"c = alpha * c(-1) + eps\"", ""), "1 equations for 2 variables"),
    (("alpha = 0.5", "alpha = \"\""), "parameter 'alpha': has no value"),
    (("alpha = 0.5", "alpha = {}"), "parameter 'alpha': must have a value"),
    (("eps = 1.0", "eps = 1.0\nunused = 1.0"), "shock 'unused': appears in no equation"),
    (("y = {}", "y = {}\nz = {}"), "2 equations for 3 variables"),
    (("y = {}", "y = { log = true, guess = -1 }"), "variable 'y': guess must be positive"),
])
def test_bad_declarations_name_the_symbol(tmp_path, change, message):
    text = """
[parameters]
alpha = 0.5
[variables]
y = {}
c = {}
[shocks]
eps = 1.0
[model]
equations = ["y = 2 * c", "c = alpha * c(-1) + eps"]
"""
    text = text.replace(*change).replace(', ]', ']')
    with pytest.raises(ParameterError, match=re.escape(message)):
        Model.from_toml(text)
    run = _run_cli(tmp_path, text, "steady")
    assert run.returncode == 2 and message in run.stderr and run.stderr.count("\n") == 1


def test_unknown_parameter_override_exits_2(tmp_path):
    run = _run_cli(tmp_path, GOOD, "irf", "--set", "delta=0.1")
    assert run.returncode == 2 and "'delta'" in run.stderr


def test_importing_the_layer_is_cheap():
    code = ("import sys, equilibria.dynamics, equilibria.cli; "
            "print(sorted(m for m in ('numpy', 'sympy', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
