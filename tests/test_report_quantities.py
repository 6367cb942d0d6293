"""Labels and units of reported numbers: Quantity, Table units, and what the replication report shows."""
from __future__ import annotations

import json

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equilibria import Plugin, Result, Table
from equilibria.params import Parameters, param
from equilibria.quantities import Quantity, present, quantities_table, scalar_table, unlabelled
from equilibria.results import result_markdown


def test_a_quantity_needs_a_label_and_a_unit():
    with pytest.raises(ValueError):
        Quantity(label="", unit="1")
    with pytest.raises(ValueError):
        Quantity(label="wage", unit="")
    q = Quantity(label="wage", unit="wage of A = 1", axes=["region"], names=[["A", "B"]])
    assert q.to_dict() == {"label": "wage", "unit": "wage of A = 1", "axes": ["region"], "names": [["A", "B"]]}
    assert q.describe() == "wage [wage of A = 1] by region"


DATA = {"wages": np.array([1.0, 0.7]), "report": {"converged": True, "residual_norm": 1e-12, "method": "hybr"},
        "rows": [{"tau": 1.0, "path": [1, 2]}, {"tau": 0.5, "path": [2, 2]}],
        "reading": {"a": {"before": {"mc": 1.0}}, "b": {"before": {"mc": 2.0}}}, "name": "text"}


def test_unlabelled_lists_every_number_without_a_declaration():
    assert sorted(unlabelled(DATA, {})) == ["reading.a.before.mc", "reading.b.before.mc", "report.converged",
                                           "report.residual_norm", "rows.path", "rows.tau", "wages"]
    declared = {"wages": Quantity(label="wage", unit="1"), "report": Quantity(label="solve", unit="see entries"),
                "rows.tau": Quantity(label="tau", unit="1"), "*.*.before.mc": Quantity(label="MC", unit="cost")}
    assert unlabelled(DATA, declared) == ["rows.path"]   # strings ("method", "name") are not numbers
    assert set(present(DATA, {**declared, "absent": Quantity(label="x", unit="1")})) == set(declared)


def test_the_most_specific_declaration_wins():
    quantities = {"report": Quantity(label="solve", unit="a"), "report.residual_norm": Quantity(label="r", unit="b"),
                  "*.residual_norm": Quantity(label="any", unit="c")}
    from equilibria.quantities import _declared

    assert [_declared(path, quantities).unit for path in ("report.residual_norm", "x.residual_norm",
                                                          "report.converged")] == ["b", "c", "a"]
    assert _declared("wages", quantities) is None
    rows = {row[0]: row for row in quantities_table(DATA, quantities).rows}
    assert rows["`report.residual_norm`"][2] == "b" and rows["`report`"][4] == "entries converged, residual_norm, method"


numbers = st.one_of(st.floats(allow_nan=False, width=32), st.integers(-5, 5), st.booleans())
keys = st.sampled_from(["a", "b", "c", "d"])
nested = st.recursive(numbers | st.lists(numbers, min_size=1, max_size=3),
                      lambda inner: st.dictionaries(keys, inner, min_size=1, max_size=3), max_leaves=12)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(keys, nested, min_size=1, max_size=4))
def test_declaring_what_unlabelled_lists_labels_everything(data):
    missing = unlabelled(data, {})
    assert unlabelled(data, {path: Quantity(label=path, unit="1") for path in missing}) == []
    assert unlabelled(data, {key: Quantity(label=key, unit="1") for key in data}) == []
    assert len(missing) == len(set(missing))


def test_table_units_are_shown_in_the_header_and_kept_in_json():
    table = Table(columns=["region", "wage"], rows=[["A|B", 1.0]], units=["", "wage of A = 1"], caption="c")
    assert table.to_markdown().splitlines()[0] == "| region | wage [wage of A = 1] |"
    assert "A\\|B" in table.to_markdown()   # a '|' inside a cell does not split it
    assert table.to_dict()["units"] == ["", "wage of A = 1"]
    assert "units" not in Table(columns=["a"], rows=[[1]]).to_dict()
    with pytest.raises(ValueError, match="one unit per column"):
        Table(columns=["a", "b"], rows=[], units=["1"])


def test_result_markdown_shows_the_declared_quantities():
    quantities = {"wages": Quantity(label="wage", unit="wage of A = 1", axes=("region",), names=(("A", "B"),))}
    text = result_markdown(Result(data={"wages": [1.0, 0.7]}, quantities=quantities))
    assert "| `wages` | wage | wage of A = 1 | region (A, B) | 1, 0.7 |" in text
    table = scalar_table({"x": 2.0, "v": [1.0]}, {"x": Quantity(label="ex", unit="m"), "v": Quantity(label="v", unit="1")})
    assert table.rows == [["ex", 2.0, "m"]]


@attrs.frozen(kw_only=True)
class _Params(Parameters):
    scale = param(2.0, unit="metres", description="how long")
    seed = param(7, converter=int, description="seed of the draws")


def _solve(params):
    return Result(data={"length": params.scale * 3, "count": 4},
                  tables={"t": Table(columns=["x", "length"], units=["", "metres"], rows=[["a", 6.0]])},
                  quantities={"length": Quantity(label="length", unit="metres")})


def test_replication_report_records_units_of_results_and_parameters(tmp_path):
    from equilibria.replication import _run_steps

    plugin = Plugin(name="toy", paper="none", description="a toy", parameters=_Params, solve=_solve)
    summary = _run_steps({"toy": plugin}, tmp_path, examples=0, progress=False, executor=None)
    assert summary["failed"] == 0
    step = json.loads((tmp_path / "report.json").read_text())["steps"][0]
    assert step["quantities"] == {"length": {"label": "length", "unit": "metres"}}
    assert step["unlabelled"] == ["count"]
    assert step["parameters"] == {"scale": 2.0, "seed": 7}
    assert step["parameter_units"]["scale"] == {"unit": "metres", "description": "how long"}
    report = (tmp_path / "report.md").read_text()
    assert "| x | length [metres] |" in report
    assert "| `scale` | 2.0 | metres | how long |" in report and "| `seed` | 7 | — | seed of the draws |" in report
    assert "- libraries: hypothesis " in report
    assert report.rstrip().endswith("Numbers without a declared label and unit (listed under `unlabelled` in "
                                    "report.json): toy baseline (1).")
