"""Plugins are discovered through the entry-point group ``equilibria.plugins`` — a third party's too."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from equilibria import ParameterError, Plugin
from equilibria.registry import ENTRY_POINT_GROUP, discover, get_plugin, plugin_names

THIRD_PARTY = textwrap.dedent('''
    import attrs
    from equilibria import Parameters, Plugin, Result, param
    from equilibria.params import as_float, positive

    @attrs.frozen(kw_only=True)
    class Params(Parameters):
        endowment = param(2.0, description="endowment", converter=as_float, validator=positive)

    plugin = Plugin(name="thirdparty", paper="none", description="a third-party plugin", parameters=Params,
                    solve=lambda p: Result(data={"price": 1.0 / p.endowment}))
    not_a_plugin = 42

    from equilibria import Agent, Economy, Market

    class Nobody(Agent):
        name = "nobody"
        def respond(self, prices):
            return None

    class Impossible(Market):
        name, price = "impossible", "x"
        def excess_demand(self, responses, prices):
            return 1.0 + prices["x"] ** 2

    def never(p):
        Economy([Nobody()], [Impossible()], prices={"x": [p.endowment]}).solve(maxiter=20)

    nonconvergent = Plugin(name="nonconvergent", paper="none", description="no equilibrium", parameters=Params,
                           solve=never)
''')


@pytest.fixture
def third_party(tmp_path, monkeypatch):
    (tmp_path / "thirdparty_plugin.py").write_text(THIRD_PARTY)
    info = tmp_path / "thirdparty-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nthirdparty = thirdparty_plugin:plugin\n"
                                           "broken = thirdparty_plugin:not_a_plugin\n"
                                           "nonconvergent = thirdparty_plugin:nonconvergent\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_own_plugins_come_from_entry_points():
    assert "waugh2022" in plugin_names()
    assert isinstance(get_plugin("waugh2022"), Plugin)
    with pytest.raises(ParameterError, match="no plugin named"):
        get_plugin("nope")


def test_third_party_plugin_is_discovered(third_party):
    plugins, failures = discover(strict=False)
    assert plugins["thirdparty"].solve(plugins["thirdparty"].parameters()).data == {"price": 0.5}
    assert "broken" in failures and "not an equilibria.Plugin" in str(failures["broken"])


def test_third_party_plugin_on_the_command_line(third_party):
    env = dict(os.environ, PYTHONPATH=str(third_party) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "thirdparty", "--set", "endowment=4",
                             "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"price": 0.25}
    failing = subprocess.run([sys.executable, "-m", "equilibria.cli", "solve", "nonconvergent"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert failing.returncode == 3 and "did not converge" in failing.stderr and "Traceback" not in failing.stderr
    listing = subprocess.run([sys.executable, "-m", "equilibria.cli", "list"], capture_output=True, text=True,
                             env=env, timeout=120)
    assert "thirdparty: a third-party plugin" in listing.stdout
    assert listing.returncode == 1 and "'broken'" in listing.stderr  # the broken one is reported, not hidden
