"""techcompat: the technology equilibrium, general equilibrium, and the Caliendo-Parro collapse."""
import math

import numpy as np
import pytest

from equilibria import ParameterError
from equilibria.plugins.techcompat.caliendo_parro import solve_caliendo_parro
from equilibria.plugins.techcompat.equilibrium import solve_equilibrium
from equilibria.plugins.techcompat.model import Model
from equilibria.plugins.techcompat.params import TechParameters, xi_constant
from equilibria.plugins.techcompat.technology import log_cost_at, solve_technology


def cp_params(**extra):
    return TechParameters(incompatibility=0.0, markups=False, demand_elasticity=5.0, trade_elasticity=4.0,
                          tech_points=21, **extra)


def caliendo_parro_truth(p):
    T = (p.productivity / xi_constant(p)[None, :]) ** p.trade_elasticity
    return solve_caliendo_parro(T, p.trade_costs, p.input_shares, p.effective_labor_shares(),
                                p.consumption_shares, p.labor, p.trade_elasticity)


def test_collapse_to_caliendo_parro():
    p = cp_params()
    model = Model.from_parameters(p)
    eq = solve_equilibrium(model)
    acc = eq.aggregates["accounts"]
    cp = caliendo_parro_truth(p)
    np.testing.assert_allclose(eq.prices["wages"], cp.wages, rtol=1e-9)
    np.testing.assert_allclose(acc.trade_shares, cp.trade_shares, atol=1e-10)
    np.testing.assert_allclose(acc.final_trade_shares, cp.trade_shares, atol=1e-10)
    # consumer price index = Gamma(1 + (1-eta)/lambda)^{1/(1-eta)} times the CP price index
    shift = model.log_profit_gamma / p.trade_elasticity * p.consumption_shares.sum(axis=1)
    np.testing.assert_allclose(acc.log_welfare, cp.log_welfare + shift, atol=1e-9)


def test_collapse_holds_for_degenerate_technology():
    """With t_bar = 0 any technology distribution, point masses included, gives the same costs."""
    p = cp_params()
    model = Model.from_parameters(p)
    wages = np.array([1.0, 0.8, 1.1])
    spread = solve_technology(model, wages)
    point = np.full(model.shape, model.grid[7])
    degenerate = solve_technology(model, wages, respond=False, fixed_choice=point)
    assert np.count_nonzero(degenerate.mass[0, 0] > 1e-9) == 1
    np.testing.assert_allclose(degenerate.log_cost, spread.log_cost, atol=1e-10)


def test_xi_constant_against_monte_carlo_free_formula():
    """Xi from Assumption 1, checked for one sector against the Gamma-function pieces by hand."""
    p = TechParameters()
    zeta, lam = p.trade_elasticity, p.technique_shape
    g = p.input_shares[2]
    expected = math.gamma(1 - zeta / lam) ** (-g.sum() / zeta) * np.prod([math.gamma(1 - lam * x / zeta)
                                                                          for x in g]) ** (-1 / lam)
    assert xi_constant(p)[2] == pytest.approx(expected, rel=1e-12)


def test_cost_fixed_point_and_cost_anywhere():
    """The solved costs satisfy the Aggregation proposition at the grid and between grid points."""
    p = TechParameters()
    model = Model.from_parameters(p)
    state = solve_technology(model, np.array([1.0, 0.7, 0.8]))
    at_grid = log_cost_at(model, state, model.grid)
    np.testing.assert_allclose(at_grid, state.log_cost, atol=1e-10)
    # brute-force quadrature of the proposition at an off-grid theta
    theta = 0.123
    d, i = 1, 2
    total = 0.0
    for j in range(p.n_sectors):
        inner = sum(model.access[d, o, j] * np.sum(state.mass[o, j] * np.exp(-p.trade_elasticity *
                    (state.log_cost[o, j] + p.incompatibility * (theta - model.grid) ** 2)))
                    for o in range(p.n_regions))
        total += -p.input_shares[i, j] / p.trade_elasticity * np.log(inner)
    expected = model.base_log_cost(state.wages)[d, i] + total
    assert log_cost_at(model, state, [theta])[d, i, 0] == pytest.approx(expected, abs=1e-12)


def test_choice_maximises_objective():
    """g(theta_bar) beats every point of a fine grid of alternatives."""
    p = TechParameters()
    model = Model.from_parameters(p)
    state = solve_technology(model, np.ones(3))
    fine = np.linspace(model.grid[0], model.grid[-1], 2001)
    lc = log_cost_at(model, state, fine)
    eta, phibar = p.demand_elasticity, p.adaptation
    for d, i, k in [(0, 2, 10), (1, 0, 30), (2, 3, 45)]:
        tb = model.grid[k]
        chosen = state.choice[d, i, k]
        value = -phibar * (tb - chosen) ** 2 - (eta - 1) * log_cost_at(model, state, [chosen])[d, i, 0]
        best = np.max(-phibar * (tb - fine) ** 2 - (eta - 1) * lc[d, i])
        assert value >= best - 1e-10


def test_walras_law_and_market_clearing():
    p = TechParameters()
    model = Model.from_parameters(p)
    eq = solve_equilibrium(model)
    acc = eq.aggregates["accounts"]
    np.testing.assert_allclose(acc.labor_demand, p.labor, rtol=1e-9)     # region 0 too (Walras)
    assert acc.income.sum() == pytest.approx(acc.final_sales.sum(), rel=1e-12)
    # goods markets by theta: costs = sales to firms + cost of final sales
    np.testing.assert_allclose(acc.costs, acc.firm_sales + (1 - 1 / p.demand_elasticity) * acc.final_sales,
                               rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("change, name", [
    ({"tech_sd": [[0.2] * 4, [0.2] * 4, [0.2, 0.2, 0.0, 0.2]]}, "tech_sd"),
    ({"technique_shape": 3.5}, "technique_shape"),
    ({"input_shares": [[0.5, 0.3, 0.1, 0.1]] * 4}, "input_shares"),
    ({"trade_costs": np.full((3, 3, 4), 0.9).tolist()}, "trade_costs"),
    ({"trade_costs": np.full((3, 3, 4), 1.5).tolist()}, "trade_costs"),
    ({"incompatibility": 0.2}, "incompatibility"),
    ({"productivity": [[1.0] * 3] * 3}, "productivity"),
    ({"consumption_shares": [[0.5] * 4] * 3}, "consumption_shares"),
])
def test_bad_input_names_the_parameter(change, name):
    with pytest.raises(ParameterError) as info:
        TechParameters(**change)
    assert info.value.parameter == name
