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


def test_a_key_with_dots_is_found_as_unlabelled_reads_it():
    from equilibria.quantities import present

    data = {"decomposition": {"rational inattention (Table 1.1)": [1.0, 2.0], "calvo": 3.0}}
    catalogue = {"decomposition.rational inattention (Table 1.1)": Quantity(label="RI", unit="1"),
                 "decomposition.calvo": Quantity(label="Calvo", unit="1")}
    declared = present(data, catalogue)
    assert set(declared) == set(catalogue)
    assert unlabelled(data, declared) == []
    assert unlabelled(data, {"decomposition.calvo": catalogue["decomposition.calvo"]}) == [
        "decomposition.rational inattention (Table 1.1)"]
