"""A plugin declares its quantities once; every result of it gets those that occur in its data."""
from equilibria import Plugin, Result
from equilibria.quantities import Quantity, unlabelled


def _plugin(quantities):
    return Plugin(name="demo", paper="", description="", parameters=object, solve=lambda p: None,
                  quantities=quantities)


def test_labelled_adds_the_declarations_present_in_the_data():
    plugin = _plugin({"price": Quantity(label="price", unit="goods"),
                      "rows.*.output": Quantity(label="output", unit="goods per period"),
                      "absent": Quantity(label="never reported", unit="1")})
    result = Result(data={"price": 1.5, "rows": {"a": {"output": 2.0}}, "count": 3})
    plugin.labelled(result)
    assert set(result.quantities) == {"price", "rows.*.output"}
    assert unlabelled(result.data, result.quantities) == ["count"]


def test_a_results_own_declaration_wins():
    plugin = _plugin({"price": Quantity(label="price", unit="goods")})
    own = Quantity(label="price of the numeraire bundle", unit="1")
    result = plugin.labelled(Result(data={"price": 1.0}, quantities={"price": own}))
    assert result.quantities["price"] == own


def test_plugins_without_declarations_leave_results_alone():
    result = Result(data={"x": 1.0})
    assert _plugin({}).labelled(result).quantities == {}
