"""The sequence-space transition solver on models with known solutions."""
import numpy as np
import pytest

from equilibria import Agent, Economy, Market
from equilibria.dynamics.transition import (EconomyTransition, SequenceModel, finite_difference_jacobian,
                                            linear_transition, solve_transition)
from equilibria.errors import ConvergenceError, ParameterError


class Ramsey(SequenceModel):
    """A linear-in-logs toy: target x_t - a x_{t+1} - b z_t (with x_T = 0) has a closed form."""

    unknowns, targets, exogenous = ("x",), ("h",), ("z",)
    steady_state = {"x": 0.0, "z": 0.0, "h": 0.0}

    def __init__(self, a=0.5, b=1.0, curvature=0.0):
        self.a, self.b, self.c = a, b, curvature

    def evaluate(self, paths, T):
        x, z = paths["x"], paths["z"]
        lead = np.append(x[1:], 0.0)
        return {"h": x + self.c * x ** 2 - self.a * lead - self.b * z}


def test_linear_solution_of_a_linear_model_is_exact():
    model = Ramsey()
    T = 30
    z = 0.9 ** np.arange(T)
    result = linear_transition(model, {"z": z}, T)
    x = np.zeros(T + 1)
    for t in range(T - 1, -1, -1):
        x[t] = model.a * x[t + 1] + model.b * z[t]
    assert np.allclose(result.paths["x"], x[:T], atol=1e-12)
    nonlinear = solve_transition(model, {"z": z}, T)
    assert nonlinear.report.iterations <= 2
    assert np.allclose(nonlinear.paths["x"], x[:T], atol=1e-10)


def test_nonlinear_solution_zeroes_the_residuals_and_reports_history():
    model = Ramsey(curvature=0.3)
    T = 40
    result = solve_transition(model, {"z": 0.2 * 0.8 ** np.arange(T)}, T, tol=1e-12)
    assert np.max(np.abs(model.evaluate(result.paths, T)["h"])) < 1e-12
    history = result.report.history
    assert history[-1] < 1e-12 and len(history) == result.report.iterations + 1


def test_failure_raises_convergence_error_with_history():
    model = Ramsey(curvature=5.0)
    T = 10
    with pytest.raises(ConvergenceError) as info:
        solve_transition(model, {"z": np.full(T, 3.0)}, T, maxiter=3)
    assert len(info.value.history) == 4


def test_finite_difference_jacobian_of_a_linear_model():
    model = Ramsey(a=0.3, b=2.0)
    J = finite_difference_jacobian(model, 6, inputs=("x", "z"))
    assert np.allclose(J[("h", "x")], np.eye(6) - 0.3 * np.eye(6, k=1), atol=1e-8)
    assert np.allclose(J[("h", "z")], -2.0 * np.eye(6), atol=1e-8)


def test_bad_shock_is_named():
    with pytest.raises(ParameterError, match="shocks"):
        solve_transition(Ramsey(), {"y": np.zeros(5)}, 5)
    with pytest.raises(ParameterError, match="shocks"):
        linear_transition(Ramsey(), {"z": np.zeros(4)}, 5)


class Endowment(Agent):
    """Demands 2 / p of the good and supplies the endowment 1 + e_t: clears at p = 2 / (1 + e)."""

    name = "consumers"

    def respond(self, prices):
        return {"demand": 2.0 / prices["p"][0], "supply": prices["e"][0]}


class GoodsMarket(Market):
    name, price = "goods", "p"

    def excess_demand(self, responses, prices):
        r = responses["consumers"]
        return np.array([r["demand"] - r["supply"]])


def test_economy_transition_clears_every_period():
    """An Economy with a static agent: the price path clears the market period by period."""
    economy = Economy(agents=[Endowment()], markets=[GoodsMarket()], prices={"p": [2.0]})
    model = EconomyTransition(economy, {"p": [2.0]}, exogenous={"e": 1.0})
    T = 8
    e = 0.1 * 0.5 ** np.arange(T)
    result = solve_transition(model, {"e": e}, T, tol=1e-12)
    assert np.allclose(result.paths["p"], 2.0 / (1.0 + e), rtol=1e-10)
