"""Theorems of the static model (Waugh 2022, Appendix A) as Hypothesis properties."""
from __future__ import annotations

import numpy as np

from equilibria import Theorem

from .params import WaughParameters
from .static import (GoodsMarket, StaticHouseholds, StaticTradeEconomy, partial_trade_elasticity,
                     solve_static)

__all__ = ["THEOREMS", "economies"]


def economies(tariffs: bool = False, max_countries: int = 5):
    """A Hypothesis strategy of random static economies (2 to ``max_countries`` countries)."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw):
        m = draw(st.integers(2, max_countries))
        unit = st.floats(0.5, 2.0)
        productivity = [draw(unit) for _ in range(m)]
        labor = [draw(st.floats(0.2, 5.0)) for _ in range(m)]
        costs = np.array([[1.0 if i == j else draw(st.floats(1.0, 3.0)) for j in range(m)] for i in range(m)])
        sigma = draw(st.floats(0.1, 1.0))
        tariff = None
        if tariffs:
            tariff = np.array([[0.0 if i == j else draw(st.floats(0.0, 0.5)) for j in range(m)] for i in range(m)])
        return WaughParameters(productivity=productivity, labor=labor, trade_costs=costs, taste_dispersion=sigma,
                               tariffs=tariff)
    return build()


def _pairs_and_economy():
    from hypothesis import strategies as st
    return economies().flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p.countries - 1),
                                                   st.integers(0, p.countries - 1)).filter(lambda t: t[1] != t[2]))


def gravity(params: WaughParameters) -> None:
    """Eq. (52): π_ij = A_j^θ (w_j d_ij)^-θ / Σ_k A_k^θ (w_k d_ik)^-θ at the equilibrium wages."""
    eq = solve_static(params)
    w, theta = eq.prices["wages"], params.theta
    kernel = params.productivity ** theta * (w[None, :] * params.trade_costs) ** (-theta)
    predicted = kernel / kernel.sum(axis=1, keepdims=True)
    shares = eq.aggregates["trade_shares"]
    assert np.allclose(shares.sum(axis=1), 1.0, atol=1e-12), "trade shares do not sum to one"
    gap = np.max(np.abs(shares - predicted))
    assert gap < 1e-10, f"trade shares differ from the gravity form by {gap:.3g}"


def partial_elasticity(example) -> None:
    """Eq. (53)-(54): at fixed wages, d log(π_ij/π_ii)/d log d_ij = -θ."""
    params, i, j = example
    wages = solve_static(params).prices["wages"]
    measured = partial_trade_elasticity(params, wages, i, j)
    assert abs(measured + params.theta) < 1e-5 * max(1.0, params.theta), \
        f"partial elasticity {measured:.8f} != -theta = {-params.theta:.8f}"


def welfare_formula(example) -> None:
    """Eq. (60): welfare in consumption units = A_i π_ii^(-1/θ), whatever country's wage is the numeraire."""
    params, numeraire = example
    eq = solve_static(params, numeraire=numeraire)
    shares = eq.aggregates["trade_shares"]
    closed_form = params.productivity * np.diag(shares) ** (-1.0 / params.theta)
    measured = eq.aggregates["welfare"]
    assert np.allclose(measured, closed_form, rtol=1e-9), f"welfare {measured} != A_i pi_ii^(-1/theta) {closed_form}"
    baseline = solve_static(params, numeraire=0).aggregates["welfare"]
    assert np.allclose(measured, baseline, rtol=1e-8), f"welfare depends on the numeraire: {measured} vs {baseline}"


def ces_logit_isomorphism(params: WaughParameters) -> None:
    """Eq. (43): the CES economy with elasticity of substitution 1 + θ has the same shares and wages."""
    logit_eq = solve_static(params)
    ces_eq = solve_static(params.replace(preferences="ces", ces_elasticity=1.0 + params.theta))
    for key in ("trade_shares", "welfare"):
        gap = np.max(np.abs(logit_eq.aggregates[key] - ces_eq.aggregates[key]))
        assert gap < 1e-9, f"{key} differ between logit and CES(1+theta) by {gap:.3g}"
    gap = np.max(np.abs(logit_eq.prices["wages"] - ces_eq.prices["wages"]))
    assert gap < 1e-9, f"wages differ between logit and CES(1+theta) by {gap:.3g}"


def walras_law(example) -> None:
    """Walras' law: the value of world excess demand is zero at any wages (tariffs rebated), so the
    numeraire's market, left out of the solve, clears in equilibrium."""
    params, wages = example
    wages = np.asarray(wages[: params.countries])
    households = StaticHouseholds(params).respond({"wages": wages})
    excess = GoodsMarket(params).excess_demand({"households": households}, {"wages": wages})
    assert abs(excess.sum()) < 1e-12, f"sum of excess demands {excess.sum():.3g} at wages {wages}"
    eq = StaticTradeEconomy(params).solve(tol=1e-12)
    dropped = eq.excess_demands["wages"][0]
    assert abs(dropped) < 1e-10, f"numeraire's goods market does not clear: {dropped:.3g}"


def _with_tariffs_and_wages():
    from hypothesis import strategies as st
    return st.tuples(economies(tariffs=True), st.lists(st.floats(0.2, 5.0), min_size=5, max_size=5))


def _with_numeraire():
    from hypothesis import strategies as st
    return economies().flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p.countries - 1)))


THEOREMS = [
    Theorem(name="gravity", statement="trade shares have the gravity form π_ij ∝ A_j^θ (w_j d_ij)^-θ",
            reference="Appendix A, eq. (52), Proposition 1", strategy=economies, predicate=gravity),
    Theorem(name="partial_trade_elasticity",
            statement="with wages fixed, the elasticity of π_ij/π_ii to d_ij equals -θ = -1/σ_ε",
            reference="Appendix A, eq. (53)-(54), (62)", strategy=_pairs_and_economy, predicate=partial_elasticity),
    Theorem(name="welfare_acr", statement="welfare in consumption units equals A_i π_ii^(-1/θ) for any numeraire",
            reference="Appendix A, eq. (60), (63)", strategy=_with_numeraire, predicate=welfare_formula),
    Theorem(name="ces_logit_isomorphism",
            statement="the CES economy with elasticity of substitution 1 + θ gives the same shares, wages, welfare",
            reference="eq. (34)-(39) and (43)", strategy=economies, predicate=ces_logit_isomorphism),
    Theorem(name="walras_law", statement="world excess demand has zero value at any wages, with tariffs rebated",
            reference="eq. (16), (22)", strategy=_with_tariffs_and_wages, predicate=walras_law),
]
