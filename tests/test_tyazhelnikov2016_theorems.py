"""Theorems of Tyazhelnikov (2016): the predicates detect violations, and the documented failures."""
import numpy as np
import pytest

from equilibria.plugins.tyazhelnikov2016 import plugin
from equilibria.plugins.tyazhelnikov2016 import theorems as th
from equilibria.plugins.tyazhelnikov2016.firm import solve_firms
from equilibria.validation import check_theorem

#: Lemma 1 fails for ad-valorem tariffs: the same path's value-weighted TQ rises with tau.
ADVAL_LEMMA1 = dict(parents=[1, 2, -1], costs=np.array([[[8.0, 1.0], [1.0, 10.0], [8.0, 3.0]]]),
                    trade_costs=np.array([[0.0, 1.0], [1.0, 0.0]]), taus=[0.8, 0.3], profile=None,
                    tariff="ad_valorem")


def test_theorems_registered():
    """(tests/test_theorems.py searches every registered theorem; here: they are all there.)"""
    names = {t.name for t in plugin.theorems}
    assert {"prop1_mc_monotone", "lemma1_tq_monotone", "prop2_strict", "prop3_ntmc", "prop5_bounds", "lemma2_labor",
            "prop9_fosd", "iceberg_equivalence"} <= names


def test_prop9_theorem_at_more_examples():
    outcome = check_theorem(plugin.theorem("prop9_fosd"), examples=40, derandomize=True)
    assert outcome.held, outcome.message


def test_lemma1_fails_for_ad_valorem_and_the_predicate_says_so():
    with pytest.raises(AssertionError, match="TQ rose"):
        th.lemma1(ADVAL_LEMMA1)
    s0 = solve_firms(ADVAL_LEMMA1["costs"], ADVAL_LEMMA1["trade_costs"], 0.8, tariff="ad_valorem")
    s1 = solve_firms(ADVAL_LEMMA1["costs"], ADVAL_LEMMA1["trade_costs"], 0.3, tariff="ad_valorem")
    assert s0.path.tolist() == s1.path.tolist() == [[1, 0, 1]]
    assert s0.tq[0] == pytest.approx(3.8) and s1.tq[0] == pytest.approx(3.3)
    # while MC = NTMC + tau * TQ holds exactly at each tau
    assert s0.mc[0] == pytest.approx(s0.ntmc[0] + 0.8 * s0.tq[0])


def test_predicates_can_fail():
    """Feed each predicate an example where its conclusion is false by construction."""
    prop4 = dict(parents=[1, 2, 3, 4, -1], costs=np.array([[[4, 10], [4, 2], [4, 5], [4, 2], [4, 10]]], dtype=float),
                 trade_costs=np.array([[0.0, 1.0], [1.0, 0.0]]), taus=[2.0, 0.25], profile=None, tariff="unit")
    th.prop1(prop4)
    th.prop3(prop4)
    th.lemma1(prop4)
    reversed_taus = dict(prop4, taus=[0.25, 2.0])  # "tau falls" from 0.25 to 2.0: every conclusion flips
    for predicate in (th.prop1, th.prop3):  # (lemma1 is symmetric in the two taus)
        with pytest.raises(AssertionError):
            predicate(reversed_taus)


def test_proposition_3_on_the_proposition_4_firm():
    a = np.array([[4, 10], [4, 2], [4, 5], [4, 2], [4, 10]], dtype=float)
    T = np.array([[0.0, 1.0], [1.0, 0.0]])
    ntmc = [solve_firms(a, T, tau).ntmc[0] for tau in (2.0, 1.0, 0.25)]
    assert ntmc == [20.0, 17.0, 16.0]
