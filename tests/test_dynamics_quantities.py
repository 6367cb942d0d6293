"""Every number of ``equilibria dsge``'s result carries a label and a unit, for every action."""
from pathlib import Path

import pytest

from equilibria.dynamics import Model
from equilibria.dynamics.report import ACTIONS, dsge_result
from equilibria.quantities import unlabelled
from equilibria.results import to_jsonable

MODEL = Path(__file__).resolve().parents[1] / "plugins" / "textbook" / "data" / "nk.toml"


@pytest.mark.parametrize("action", ACTIONS)
def test_every_number_is_labelled(action):
    result = dsge_result(Model.from_file(MODEL), action, periods=12)
    data = to_jsonable(result.data)
    assert result.quantities, "no quantities declared"
    assert unlabelled(data, result.quantities) == []


def test_log_and_level_variables_get_their_units():
    model = Model.from_file(MODEL)
    result = dsge_result(model, "irf", periods=4)
    for name, is_log in zip(model.variables, model.log_variables):
        quantity = result.quantities.get(f"irf.*.{name}")
        assert quantity is not None, name
        assert quantity.unit.startswith("percent" if is_log else "level")
