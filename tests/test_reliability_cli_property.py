"""The command line answers hostile input as promised, for every installed plugin (equilibria.hostile).

A plugin installed later is covered without writing anything: the plugins are discovered here.
The default run draws a few cases per plugin; ``-m slow`` draws 500.
"""
import math

import pytest

from equilibria.hostile import CommandLineProperty, Deep, cli_theorem, hostile_values, to_toml_value
from equilibria.registry import get_plugin, plugin_names
from equilibria.validation import check_theorem

PLUGINS = plugin_names()


def _check(name, examples, time_limit, seed=None):
    outcome = check_theorem(cli_theorem(get_plugin(name), time_limit=time_limit), examples=examples,
                            derandomize=seed is None, seed=seed)
    assert outcome.held, f"{outcome.message}\ncounterexample: {outcome.counterexample}"


@pytest.mark.parametrize("name", PLUGINS)
def test_command_line_keeps_its_promise(name):
    _check(name, examples=3, time_limit=20)


@pytest.mark.slow
@pytest.mark.parametrize("name", PLUGINS)
def test_command_line_keeps_its_promise_500_examples(name):
    _check(name, examples=500, time_limit=60, seed=20261207)


def test_the_property_can_fail():
    """A command that prints a traceback, or names the wrong parameter, is caught."""
    from click.testing import CliRunner, Result as ClickResult

    prop = CommandLineProperty(get_plugin("waugh2022"), time_limit=5)
    case = type("Case", (), {"parameter": "labor", "channel": "set"})()

    def result(code, stdout="", stderr=""):
        return ClickResult(runner=CliRunner(), stdout_bytes=stdout.encode(), stderr_bytes=stderr.encode(),
                           output_bytes=(stdout + stderr).encode(), return_value=None, exit_code=code,
                           exception=SystemExit(code) if code else None)
    args = ["solve", "waugh2022"]
    prop._judge(case, args, result(2, stderr="error: parameter 'labor': must be positive\n"))
    prop._judge(case, args, result(0, stdout='{"a": [1.0, 2.0]}\n'))
    for bad in [result(1, stderr="error: boom\n"),
                result(2, stderr="error: parameter 'productivity': must be positive\n"),
                result(0, stdout='{"a": NaN}\n'), result(0, stdout='{"a": "inf"}\n'),
                result(2, stderr="Traceback (most recent call last):\nerror: parameter 'labor': x\n"),
                result(3, stdout="")]:
        with pytest.raises(AssertionError):
            prop._judge(case, args, bad)


def test_toml_channel_encodes_what_toml_can_hold():
    import tomllib

    for value in [1, -2.5, math.inf, -math.inf, True, "x", [1, [2, 3]], {"a": 1}, [], Deep(3)]:
        text = f"v = {to_toml_value(value)}\n"
        tomllib.loads(text)
    assert math.isnan(tomllib.loads(f"v = {to_toml_value(math.nan)}")["v"])
    for value in [None, 2 ** 64]:
        with pytest.raises(ValueError):
            to_toml_value(value)


def test_hostile_values_cover_the_categories():
    from hypothesis import given, settings

    seen = set()

    @settings(max_examples=300, derandomize=True, database=None)
    @given(hostile_values([1.0, 2.0]))
    def draw(value):
        seen.add(type(value).__name__)

    draw()
    assert {"float", "int", "bool", "str", "list", "dict", "NoneType", "Deep"} <= seen
