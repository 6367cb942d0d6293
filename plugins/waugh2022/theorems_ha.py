"""Theorems of the heterogeneous-agent model (Waugh 2022, sections 1.2-1.7, App. B) as properties.

Each is checked by Hypothesis on random parameters (``equilibria check waugh2022``).
"""
from __future__ import annotations

import numpy as np

from equilibria import Theorem

__all__ = ["HA_THEOREMS", "household_problems", "EULER_TOLERANCE"]

#: Stated accuracy of the DC-EGM policy at off-grid points: relative Euler error (eq. 70-71)
#: below this on a 200-point exponential grid (measured: median 3e-4, max 5e-3 over 300 random
#: problems; the largest errors sit just above the borrowing-constraint kink, where the
#: consumption function is most curved), away from the one interval per (j, z) where
#: the borrowing constraint stops binding (linear interpolation cannot follow that kink).
EULER_TOLERANCE = 1e-2


def household_problems(max_varieties: int = 4, points: int = 200):
    """Random household problems: income chain, R, φ inside the natural limit, prices, β, γ, σ."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        from equilibria.numerics import exponential_grid, rouwenhorst, stationary_distribution
        n_z = draw(st.integers(2, 5))
        log_z, transition = rouwenhorst(n_z, draw(st.floats(0.0, 0.95)), draw(st.floats(0.05, 0.4)))
        z = np.exp(log_z)
        z = z / (stationary_distribution(transition) @ z) * draw(st.floats(0.5, 2.0))
        beta = draw(st.floats(0.8, 0.96))
        R = draw(st.floats(0.97, 1.0 / beta - 0.005))
        natural = z.min() / (R - 1.0) if R > 1 else 3.0
        phi = draw(st.floats(0.0, 0.8)) * min(natural, 3.0)
        grid = exponential_grid(-phi, draw(st.floats(8.0, 30.0)), points, curvature=draw(st.floats(1.0, 4.0)))
        m = draw(st.integers(1, max_varieties))
        prices = np.array([draw(st.floats(0.6, 1.6)) for _ in range(m)])
        return dict(grid=grid, income=z, transition=transition, prices=prices, R=R, beta=beta,
                    gamma=draw(st.floats(0.5, 4.0)), sigma=draw(st.floats(0.05, 1.0)))
    return build()


def _solve(example, tol=1e-10):
    from equilibria.household import solve_household
    return solve_household(**example, tol=tol)


def euler_equation(example) -> None:
    """The DC-EGM policy satisfies the generalized Euler equation (70)-(71) off the grid."""
    from equilibria.household import euler_errors
    sol = _solve(example)
    grid = example["grid"]
    rng = np.random.default_rng(0)
    points = np.sort(rng.uniform(grid[0], grid[0] + 0.6 * (grid[-1] - grid[0]), 400))
    err = euler_errors(sol, example["income"], example["transition"], example["R"], example["beta"],
                       example["gamma"], example["sigma"], points)
    worst = np.nanmax(err)
    assert worst < EULER_TOLERANCE, f"relative Euler error {worst:.3g} >= {EULER_TOLERANCE}"


def choice_probabilities(example) -> None:
    """Choice probabilities sum to one and are the logit of the choice values (eq. 10), the
    expected value is their log-sum (eq. 11)."""
    sol = _solve(example)
    sigma = example["sigma"]
    total = sol.probabilities.sum(axis=0)
    assert np.max(np.abs(total - 1.0)) < 1e-12, f"probabilities sum to {total.min()}..{total.max()}"
    v = sol.choice_value
    vmax = v.max(axis=0)
    expected = np.exp((v - vmax) / sigma)
    logsum = vmax + sigma * np.log(expected.sum(axis=0))
    expected /= expected.sum(axis=0)
    gap = np.max(np.abs(expected - sol.probabilities))
    assert gap < 1e-9, f"probabilities differ from eq. (10) by {gap:.3g}"
    gap = np.max(np.abs(logsum - sol.value)) / max(1.0, np.max(np.abs(sol.value)))
    assert gap < 1e-9, f"value differs from the log-sum (11) by {gap:.3g}"


def stationary(example) -> None:
    """Young's lottery distribution sums to one, is non-negative and is a fixed point of eq. (12)."""
    from equilibria.household.distribution import forward_numpy, lottery_numpy, stationary_distribution
    sol = _solve(example)
    dist = stationary_distribution(example["grid"], sol.savings, sol.probabilities, example["transition"],
                                   tol=1e-13)
    assert abs(dist.sum() - 1.0) < 1e-12 and dist.min() >= -1e-15, "not a probability distribution"
    index, weight = lottery_numpy(example["grid"], sol.savings)
    moved = forward_numpy(index, weight, sol.probabilities, example["transition"], dist)
    gap = np.max(np.abs(moved - dist))
    assert gap < 1e-11, f"distribution moves by {gap:.3g} in one step of eq. (12)"


def economies_and_prices():
    """Small random heterogeneous-agent economies (M = 1..3, tariffs) with random prices."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        from .calibration import HeterogeneousParameters
        m = draw(st.integers(1, 3))
        costs = [[1.0 if i == j else draw(st.floats(1.0, 2.5)) for j in range(m)] for i in range(m)]
        tariffs = [[0.0 if i == j else draw(st.floats(0.0, 0.3)) for j in range(m)] for i in range(m)]
        beta = draw(st.floats(0.85, 0.95))
        params = HeterogeneousParameters(
            productivity=[draw(st.floats(0.5, 2.0)) for _ in range(m)],
            labor=[draw(st.floats(0.2, 3.0)) for _ in range(m)], trade_costs=costs,
            tariffs=tariffs if m > 1 else None, taste_dispersion=draw(st.floats(0.1, 1.0)),
            risk_aversion=draw(st.floats(0.5, 4.0)), discount=beta, income_points=3,
            borrowing_limit=draw(st.floats(0.0, 1.5)), asset_points=60, asset_max=20.0,
            financial=draw(st.sampled_from(["globalization", "autarky"])))
        wages = np.array([1.0] + [draw(st.floats(0.5, 2.0)) for _ in range(m - 1)])
        n_rates = 1 if params.financial == "globalization" else m
        rates = np.array([draw(st.floats(0.97, 1.0 / beta - 0.01)) for _ in range(n_rates)])
        transfers = np.array([draw(st.floats(0.0, 0.2)) for _ in range(m)])
        return params, wages, rates, transfers
    return build()


def walras_law(example) -> None:
    """Walras' law (eq. 16, 25-27). Summing the budget constraints (7) over the stationary
    distribution, the value of world goods excess demand at any prices is
    sum_i (R_i H_i - A'_i) minus the rebate budgets' gaps, where H_i are the assets held under
    λ_i and A'_i the assets chosen (eq. 14); H_i = A'_i whenever no household saves beyond the
    top of the grid, and then it is sum_i (R_i - 1) A'_i: once the bond markets and the
    government budgets clear, so does the numeraire's goods market."""
    from .stationary import HeterogeneousTradeEconomy, country_responses
    params, wages, rates, transfers = example
    economy = HeterogeneousTradeEconomy(params, wages=wages, rates=rates,
                                        transfers=transfers if params.tariffs is not None else None)
    prices = dict(economy.price_guess)
    responses = economy.respond(prices)
    excess = economy.excess_demands(prices, responses)
    world = float(np.sum(wages * params.labor))
    m = params.countries
    rows = country_responses(responses, m)
    chosen = np.array([r.assets for r in rows])
    held = np.array([r.asset_holdings for r in rows])
    r = np.broadcast_to(rates, (m,))
    identity = np.sum(r * held - chosen) / world
    if "transfers" in excess:
        identity -= np.sum(excess["transfers"])
    gap = abs(np.sum(excess["wages"]) - identity)
    assert gap < 1e-9, f"sum of goods excess demands {np.sum(excess['wages']):.6g} != {identity:.6g}"
    for row, h, a in zip(rows, held, chosen):
        if row.beyond_grid == 0.0:
            assert abs(h - a) < 1e-9 * max(1.0, abs(a)), f"assets held {h} != chosen {a} inside the grid"


def hand_to_mouth_log_gravity():
    """Random hand-to-mouth economies with log utility and random wages."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        from .calibration import HeterogeneousParameters
        m = draw(st.integers(2, 4))
        costs = [[1.0 if i == j else draw(st.floats(1.0, 3.0)) for j in range(m)] for i in range(m)]
        params = HeterogeneousParameters(
            model="hand_to_mouth", risk_aversion=1.0, trade_costs=costs,
            productivity=[draw(st.floats(0.5, 2.0)) for _ in range(m)],
            labor=[draw(st.floats(0.2, 3.0)) for _ in range(m)], taste_dispersion=draw(st.floats(0.1, 1.0)),
            income_points=draw(st.integers(2, 7)), income_volatility=draw(st.floats(0.05, 0.5)))
        wages = np.array([1.0] + [draw(st.floats(0.5, 2.0)) for _ in range(m - 1)])
        return params, wages
    return build()


def gravity_hand_to_mouth(example) -> None:
    """With log utility the hand-to-mouth choice probabilities are π_ij = p_ij^(-1/σ)/Σ (eq. 43) at
    every z, so aggregate trade shares have the gravity form, and the equilibrium wages are
    those of the static model (Appendix A)."""
    from .static import consumer_prices, solve_static
    from .stationary import HandToMouthHouseholds, solve_stationary
    params, wages = example
    price = consumer_prices(params, wages)
    predicted = price ** (-1.0 / params.taste_dispersion)
    predicted /= predicted.sum(axis=1, keepdims=True)
    for i in range(params.countries):
        r = HandToMouthHouseholds(params, i).respond({"wages": wages})
        gap = np.max(np.abs(r.probabilities - predicted[i][None, :]))
        assert gap < 1e-12, f"choice probabilities differ from eq. (43) by {gap:.3g}"
        shares = r.imports / r.imports.sum()
        assert np.max(np.abs(shares - predicted[i])) < 1e-12, "aggregate shares are not gravity shares"
    _, eq = solve_stationary(params, tol=1e-12)
    static = solve_static(params.replace(model="static"))
    gap = np.max(np.abs(eq.prices["wages"] - static.prices["wages"]))
    assert gap < 1e-8, f"equilibrium wages differ from the static model's by {gap:.3g}"


HA_THEOREMS = [
    Theorem(name="ha_euler_equation",
            statement=f"the DC-EGM policy satisfies the Euler equation at off-grid points to a relative error "
                      f"below {EULER_TOLERANCE:g} (200-point grid; the interval of the constraint kink excluded)",
            reference="Appendix B, eq. (70)-(72)", strategy=household_problems, predicate=euler_equation),
    Theorem(name="ha_choice_probabilities",
            statement="choice probabilities sum to one and are the logit (10) of the choice values; the "
                      "expected value is their log-sum (11)",
            reference="eq. (10)-(11)", strategy=lambda: household_problems(points=60),
            predicate=choice_probabilities),
    Theorem(name="ha_stationary_distribution",
            statement="the lottery distribution sums to one and is a fixed point of the law of motion",
            reference="eq. (12)", strategy=lambda: household_problems(points=60), predicate=stationary),
    Theorem(name="ha_walras_law",
            statement="at any prices, world goods excess demand = sum_i (R_i - 1) A'_i - rebate gaps (assets "
                      "held = chosen when the grid does not bind): the numeraire's goods market clears when "
                      "bonds and budgets do",
            reference="eq. (16), (25)-(27)", strategy=economies_and_prices, predicate=walras_law),
    Theorem(name="ha_hand_to_mouth_gravity",
            statement="hand-to-mouth households with log utility choose with the gravity probabilities "
                      "p_ij^(-1/σ)/Σ and the equilibrium is the static model's",
            reference="eq. (40)-(43)", strategy=hand_to_mouth_log_gravity, predicate=gravity_hand_to_mouth),
]
