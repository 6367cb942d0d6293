"""Every number waugh2022 and yu2019_reallocation report carries a label and a unit.

Each result is produced as ``equilibria solve``/``run`` produce it and labelled with the plugin's
catalogue (``Plugin.labelled``); nothing in its data may be left undeclared, and every entry of a
catalogue must occur in some result (no declaration for a number nobody reports).
"""
from __future__ import annotations

import functools

import pytest

from equilibria.quantities import present, unlabelled
from equilibria.registry import get_plugin
from equilibria.results import to_jsonable

#: The full model on a tiny grid (seconds instead of minutes).
TINY = dict(z_points=3, capital_points=20, asset_points=10, capital_max=4.0, asset_max=6.0)
#: λ = 1% names the economies "λ=1%" and "λ=0 (Lanteri)", keys without a dot.
TINY_PATH = dict(TINY, lemons_share=0.01, periods=10, shown_periods=5)

RUNS = {
    "waugh2022": [("solve", {}), ("solve", {"preferences": "ces"}), ("solve", {"model": "hand_to_mouth"}),
                  ("solve", {"model": "incomplete_markets"}), ("elasticity", {}), ("gains", {}), ("tariff", {}),
                  ("ha_elasticity", {}), ("ha_gains", {}), ("finance", {}), ("ha_tariff", {})],
    "yu2019_reallocation": [("solve", {}), ("oneperiod", {}), ("steady_state", TINY), ("irf", TINY_PATH),
                            ("efficiency", TINY_PATH)],
}
CASES = [(name, what, values) for name, runs in RUNS.items() for what, values in runs]


@functools.lru_cache(maxsize=None)
def _result(name, what, values):
    plugin = get_plugin(name)
    values = dict(values)
    if what == "solve":
        result = plugin.solve(plugin.parameters(**values))
    else:
        experiment = plugin.experiment(what)
        params = (experiment.parameters or plugin.parameters)(**values)
        result = experiment.run(params, {"out": None, "progress": False, "executor": None})
    return plugin, plugin.labelled(result)


def _key(values):
    return tuple(sorted(values.items()))


@pytest.mark.parametrize("name, what, values", CASES, ids=[f"{n}-{w}-{i}" for i, (n, w, _) in enumerate(CASES)])
def test_every_reported_number_is_labelled(name, what, values):
    plugin, result = _result(name, what, _key(values))
    data = to_jsonable(result.data)
    assert unlabelled(data, result.quantities) == []
    assert set(result.quantities) <= set(plugin.quantities)
    for quantity in result.quantities.values():
        assert quantity.label.strip() and quantity.unit.strip()


@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_declaration_is_reported_somewhere(name):
    """A catalogue entry that no result reports would be a stale or misspelt path."""
    plugin = get_plugin(name)
    seen = set()
    for what, values in RUNS[name]:
        _, result = _result(name, what, _key(values))
        data = to_jsonable(result.data)
        seen |= set(present(data, plugin.quantities))
    assert sorted(set(plugin.quantities) - seen) == []


def test_units_name_the_numeraire_and_the_deviation():
    waugh = get_plugin("waugh2022").quantities
    assert "country 0's wage" in waugh["wages"].unit
    assert waugh["trade_shares"].axes == ("importer i", "exporter j")
    yu = get_plugin("yu2019_reallocation").quantities
    assert yu["economies.*.percent_deviations.output"].unit.startswith("percent deviation from the stationary")
    assert yu["economies.*.percent_deviations.endogenous_tfp"].unit.startswith("percentage points")
    assert yu["share_investing"].unit == "fraction of entrepreneurs"


def test_transition_at_the_default_lemons_share_is_labelled():
    plugin, result = _result("yu2019_reallocation", "irf", _key(dict(TINY, periods=10, shown_periods=5,
                                                                       compare_no_lemons=False)))
    assert unlabelled(to_jsonable(result.data), result.quantities) == []
