import json

import attrs
import numpy as np
import pytest

from equilibria import ParameterError, Parameters, param
from equilibria.params import as_float, as_float_array, as_int, ndim, one_of, parse_overrides, positive, square


@attrs.frozen(kw_only=True)
class Toy(Parameters):
    rate = param(0.5, description="a rate", unit="1", converter=as_float, validator=positive)
    count = param(3, description="a count", converter=as_int, validator=positive)
    matrix = param([[1.0, 0.0], [0.0, 1.0]], description="a matrix", converter=as_float_array, validator=square)
    vector = param([1.0, 2.0], description="a vector", converter=as_float_array, validator=ndim(1))
    mode = param("a", description="a mode", validator=one_of("a", "b"))

    def check(self):
        if self.vector.size != self.matrix.shape[0]:
            raise ParameterError("vector", "must match the matrix size")


def test_defaults_are_converted_and_frozen():
    toy = Toy()
    assert isinstance(toy.matrix, np.ndarray) and toy.matrix.shape == (2, 2)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        toy.rate = 2.0
    with pytest.raises(ValueError):
        toy.vector[0] = 5.0  # arrays are read-only


@pytest.mark.parametrize("kwargs, name, words", [
    ({"rate": -1}, "rate", "positive"),
    ({"rate": "abc"}, "rate", "real number"),
    ({"rate": float("nan")}, "rate", "NaN"),
    ({"count": 2.5}, "count", "integer"),
    ({"matrix": [[1, 2, 3], [4, 5, 6]]}, "matrix", "square"),
    ({"matrix": [[1, 2], [3]]}, "matrix", "rectangular"),
    ({"vector": [1, float("nan")]}, "vector", "NaN"),
    ({"mode": "c"}, "mode", "one of"),
    ({"vector": [1.0, 2.0, 3.0]}, "vector", "match"),
])
def test_violations_name_the_parameter(kwargs, name, words):
    with pytest.raises(ParameterError) as info:
        Toy(**kwargs)
    assert info.value.parameter == name
    assert f"'{name}'" in str(info.value) and words in str(info.value)


def test_overrides_parse_json_and_strings():
    assert parse_overrides(["a=1", "b=[1, 2]", "c=[[1,0],[0,1]]", "d=hello", "e=\"x\""]) == {
        "a": 1, "b": [1, 2], "c": [[1, 0], [0, 1]], "d": "hello", "e": "x"}
    with pytest.raises(ParameterError):
        parse_overrides(["novalue"])
    toy = Toy().with_overrides(["rate=2", "mode=b"])
    assert toy.rate == 2.0 and toy.mode == "b"


def test_unknown_parameter_is_rejected():
    with pytest.raises(ParameterError, match="is not a parameter"):
        Toy.from_mapping({"rte": 1})
    with pytest.raises(ParameterError, match="is not a parameter"):
        Toy().with_overrides(["rte=1"])


def test_load_json_and_toml(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"rate": 0.25, "vector": [3, 4]}))
    (tmp_path / "p.toml").write_text("rate = 0.75\nvector = [5.0, 6.0]\n")
    a = Toy.from_file(tmp_path / "p.json", ["count=7"])
    b = Toy.load(tmp_path / "p.toml")
    assert a.rate == 0.25 and a.count == 7 and a.vector.tolist() == [3, 4]
    assert b.rate == 0.75 and b.vector.tolist() == [5, 6]
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(ParameterError, match="not valid JSON"):
        Toy.load(tmp_path / "bad.json")
    with pytest.raises(ParameterError, match="does not exist"):
        Toy.load(tmp_path / "missing.json")


def test_roundtrip_and_describe():
    toy = Toy(rate=0.3)
    assert Toy.from_mapping(toy.to_dict()) == toy
    rows = {row["name"]: row for row in Toy.describe()}
    assert rows["rate"]["default"] == 0.5 and rows["rate"]["description"] == "a rate"
    assert rows["matrix"]["default"] == [[1.0, 0.0], [0.0, 1.0]]


# ----------------------------------------------------------------------------- total conversion
from equilibria.params import (MAX_DEPTH, as_bool, as_int_array, at_most, require_memory,  # noqa: E402
                               same_length_as)


@attrs.frozen(kw_only=True)
class Strict(Parameters):
    rate = param(0.5, description="inferred float")
    name = param("a", description="inferred string")
    flag = param(False, description="inferred boolean")
    count = param(3, description="a count", converter=as_int, validator=[positive, at_most(1000)])
    vector = param([1.0, 2.0], description="a vector", converter=as_float_array, validator=ndim(1))
    weights = param([1.0, 1.0], description="weights", converter=as_float_array, validator=same_length_as("vector"))
    index = param([0, 1], description="indices", converter=as_int_array)
    switch = param(True, description="a switch", converter=as_bool)


@pytest.mark.parametrize("name, value, words", [
    ("rate", True, "real number"), ("rate", "0.5", "real number"), ("rate", float("inf"), "finite"),
    pytest.param("rate", 10 ** 400, "too large", id="rate-huge-int"), ("rate", [1.0], "real number"), ("rate", None, "real number"),
    ("count", float("inf"), "integer"), ("count", 1e308, "2^63"), ("count", True, "integer"),
    ("count", 10 ** 6, "at most"), ("count", "3", "integer"),
    ("vector", [True, 1.0], "real numbers"), ("vector", [1.0, float("inf")], "finite"), ("vector", [], "empty"),
    ("vector", [[1.0], [2.0, 3.0]], "rectangular"), pytest.param("vector", [10 ** 400], "too large", id="vector-huge-int"),
    ("vector", {"a": 1}, "list of numbers"), ("vector", "12", "list of numbers"), ("vector", np.array([True]), "real"),
    ("weights", [1.0], "one entry per entry of vector"), ("index", [0.5], "integers"),
    ("switch", 1, "true or false"), ("name", 3, "string"), ("flag", "maybe", "true or false"),
])
def test_conversion_is_total(name, value, words):
    with pytest.raises(ParameterError) as info:
        Strict(**{name: value})
    assert info.value.parameter == name and words in str(info.value)


def test_nesting_and_size_limits():
    deep = 1
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(ParameterError, match="nested too deeply"):
        Strict(vector=deep)
    with pytest.raises(ParameterError, match="too large"):
        require_memory("n", 1e30, "everything")
    assert Strict(switch="false").switch is False and Strict(count=4.0).count == 4


def test_text_beyond_the_decoders_limits_is_bad_input(tmp_path):
    with pytest.raises(ParameterError, match="nested too deeply"):
        parse_overrides(["vector=" + "[" * 5000 + "1" + "]" * 5000])
    with pytest.raises(ParameterError) as info:
        parse_overrides(["count=" + "1" * 5000])
    assert info.value.parameter == "count"
    (tmp_path / "p.json").write_bytes(b'{"name": "\xe9"}')
    with pytest.raises(ParameterError, match="UTF-8"):
        Strict.load(tmp_path / "p.json")


def test_a_cross_field_rule_names_the_parameter_given():
    with pytest.raises(ParameterError) as info:
        Strict.from_mapping({"vector": [1.0, 2.0, 3.0]})
    assert info.value.parameter == "vector" and "weights" in str(info.value)
