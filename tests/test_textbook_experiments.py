"""The textbook plugin: experiments and solve for each shipped model, and its parameters.

(Its theorems run with every plugin's in tests/test_theorems.py.)"""
import json

import pytest

from equilibria import ParameterError
from equilibria.plugins.textbook import TextbookParameters, plugin
from equilibria.results import to_jsonable


@pytest.mark.parametrize("model", ["brock_mirman", "rbc", "nk"])
def test_experiments_and_solve(model):
    params = TextbookParameters(model=model, periods=8)
    irf = plugin.experiment("irf").run(params, {})
    assert all(len(path) == 8 for shock in irf.data["irf"].values() for path in shock.values())
    assert irf.figures and all(name.startswith("irf_") for name in irf.figures)
    moments = plugin.experiment("moments").run(params, {})
    assert moments.data["moments"]["std"]
    solved = json.loads(json.dumps(to_jsonable(plugin.solve(params).data)))
    assert "report" in solved and solved["report"]["model"] == model


def test_model_parameter_overrides_reach_the_model():
    base = plugin.experiment("irf").run(TextbookParameters(model="nk", periods=3), {})
    hawk = plugin.experiment("irf").run(TextbookParameters(model="nk", periods=3, values={"phi_pi": 3.0}), {})
    assert abs(hawk.data["irf"]["eps_v"]["pi"][0]) < abs(base.data["irf"]["eps_v"]["pi"][0])
    assert hawk.data["report"]["parameters"]["phi_pi"] == 3.0


def test_parameter_errors():
    with pytest.raises(ParameterError, match="model"):
        TextbookParameters(model="dsge")
    with pytest.raises(ParameterError, match="parameter 'values': entry 'beta' must be a number"):
        TextbookParameters(values={"beta": "high"})
    with pytest.raises(ParameterError, match="parameter 'values': delta: is not a parameter of the model"):
        plugin.solve(TextbookParameters(model="nk", values={"delta": 0.1}))
