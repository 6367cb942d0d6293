"""A property of the whole command line: hostile input is answered as the exit-status table promises.

For a plugin, Hypothesis draws a command (``solve``, or ``run`` of one of its experiments), one of
the command's parameters, a hostile value (wrong types, NaN, ±Infinity, huge and tiny numbers,
huge integers, empty, ragged and deeply nested lists, wrong shapes, strings, booleans, objects,
the default bent out of shape) and a channel (``--set``, a JSON file, a TOML file). The command
line must answer with

* exit 0 and one JSON object whose numbers are all finite, or
* exit 2 and one line on stderr naming that parameter, or
* exit 3 (a solver did not converge, or a result is not finite) with a JSON error object,

never a traceback, exit 1, or a hang: every case has a time limit (``time_limit`` seconds);
turning the value into parameters must take at most a quarter of it, and bad input must be
reported within it. A command whose run with valid input outlasts the limit (a slow baseline, or
a valid but demanding value) is announced on one warning line, only validated (``--dry-run``) for
the rest of the search, and listed in :attr:`CommandLineProperty.long_commands`.

The command line runs in-process (click's ``CliRunner``); the time limit is a ``SIGALRM`` timer,
so it needs the main thread of a POSIX system. Every installed plugin is covered by
``equilibria check PLUGIN --cli`` and by the test-suite, without anything written per plugin.
"""
from __future__ import annotations

import json
import math
import os
import signal
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import attrs

from .errors import ParameterError
from .validation import Theorem

__all__ = ["CommandLineProperty", "cli_theorem", "hostile_values", "to_toml_value"]


class CaseTimeout(BaseException):
    """A case outlasted its time limit (raised by the alarm; not an Exception, so nothing swallows it)."""


# ----------------------------------------------------------------------------- values
def hostile_values(default=None):
    """A Hypothesis strategy of values a demanding user might pass for a parameter with ``default``."""
    from hypothesis import strategies as st

    nan, inf = math.nan, math.inf
    scalars = st.sampled_from([
        nan, inf, -inf, 1e308, -1e308, 1e300, 5e-324, 1e-300, -1e-300, 0, 0.0, -0.0, -1, -1.5, 1, 2, 0.5,
        10 ** 30, 2 ** 63, -(2 ** 63), 2 ** 64 + 1, 10 ** 400, 1e-12, 1e12, 1000, 1.0001, 0.9999, 3,
    ])
    wrong_types = st.sampled_from([
        True, False, None, "", "abc", "1", "NaN", "inf", "1e400", "[1,2", {"a": 1}, {}, [{"a": 1}],
        "x" * 1000, "é", [True, False], ["a", "b"], [None], [[None]],
    ])
    shapes = st.sampled_from([
        [], [[]], [[], []], [1], [1, 2], [1, 2, 3], [0, 0, 0], [-1, -1, -1], [1e308, 1e308, 1e308],
        [[1, 2], [3]], [[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]], [[[1]]], [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
        [nan, 1, 1], [inf, 1, 1], [1, 2, -inf], [10 ** 400, 1], [[1, 0], [0, nan]], [[0.0] * 3] * 3,
        [1] * 1000, [[1] * 50] * 50, [1.0] * 4, [2.0] * 2,
    ])
    deep = st.integers(min_value=17, max_value=5000).map(Deep)
    options = [scalars, wrong_types, shapes, deep,
               st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
               st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=6)]
    bent = _bent_defaults(default)
    if bent:
        options.append(st.sampled_from(bent))
    return st.one_of(*options)


@attrs.frozen
class Deep:
    """The number 1 inside ``depth`` nested lists, kept as text (a nest this deep breaks recursive encoders)."""

    depth: int

    def text(self) -> str:
        return "[" * self.depth + "1" + "]" * self.depth


def _bent_defaults(default) -> list:
    """The default scaled, negated, with an entry NaN/inf/huge, transposed, grown and shrunk."""
    import numpy as np

    if default is None or isinstance(default, (str, bool)):
        return []
    try:
        array = np.asarray(default, dtype=float)
    except (TypeError, ValueError):
        return []
    if array.size == 0 or array.size > 10_000:
        return []
    out = []
    with np.errstate(over="ignore"):
        for factor in (-1.0, 0.0, 1e-300, 1e300, 1e308, 2.0):
            out.append((array * factor).tolist())
    for special in (math.nan, math.inf, -math.inf, 1e308, -1.0, 0.0):
        bad = array.copy().ravel()
        bad[0] = special
        out.append(bad.reshape(array.shape).tolist())
    if array.ndim >= 1:
        out.append(array[:-1].tolist())
        out.append(np.concatenate([array, array[-1:]], axis=0).tolist())
        out.append(array.T.tolist())
        out.append(array.ravel().tolist())
        out.append(array[None].tolist())
    else:
        out.append([float(array)])
    return out


# ----------------------------------------------------------------------------- channels
def to_toml_value(value) -> str:
    """TOML text of a value; ``ValueError`` if TOML cannot hold it (null, integers beyond 64 bits)."""
    if isinstance(value, Deep):
        return value.text()
    if value is None:
        raise ValueError("TOML has no null")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) > 2 ** 63 - 1:
            raise ValueError("TOML integers have 64 bits")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {to_toml_value(v)}" for k, v in value.items()) + "}"
    raise ValueError(f"no TOML for {type(value).__name__}")


def _channel_args(name: str, value, channel: str, folder: Path) -> list[str]:
    if channel == "set":
        text = value if isinstance(value, str) else _json_text(value)
        return ["--set", f"{name}={text}"]
    if channel == "toml":
        path = folder / "params.toml"
        path.write_text(f"{name} = {to_toml_value(value)}\n", encoding="utf-8")
        return ["--params", str(path)]
    path = folder / "params.json"
    path.write_text("{" + json.dumps(name) + ": " + _json_text(value) + "}", encoding="utf-8")
    return ["--params", str(path)]


def _json_text(value) -> str:
    return value.text() if isinstance(value, Deep) else json.dumps(value)


# ----------------------------------------------------------------------------- the property
@attrs.frozen
class Case:
    """One drawn case: the command, the parameter, the value, the channel."""

    command: tuple
    parameter: str
    value: Any
    channel: str

    def to_dict(self):
        return {"command": " ".join(self.command), "parameter": self.parameter, "value": _printable(self.value),
                "channel": self.channel}


def _printable(value):
    if isinstance(value, Deep):
        return f"1 inside {value.depth} nested lists"
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _commands(plugin) -> list[tuple[tuple, type]]:
    commands = [(("solve", plugin.name), plugin.parameters)]
    for experiment in plugin.experiments:
        commands.append((("run", plugin.name, experiment.name), experiment.parameters or plugin.parameters))
    return commands


def _defaults(cls) -> dict:
    return {row["name"]: row["default"] for row in cls.describe()}


class _Alarm:
    """``with _Alarm(seconds):`` raises :class:`CaseTimeout` in the main thread when time is up."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        self.previous = signal.signal(signal.SIGALRM, self._ring)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _ring(signum, frame):
        raise CaseTimeout()

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)
        return False


def _finite_json(text: str):
    """The JSON object printed on stdout, or an AssertionError saying what is wrong with it."""
    def no_constants(token):
        raise AssertionError(f"stdout JSON holds {token}")

    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"stdout must hold one JSON object, got {len(lines)} lines"
    data = json.loads(lines[0], parse_constant=no_constants)
    assert isinstance(data, dict), "stdout JSON must be an object"
    bad = _non_finite_strings(data)
    assert not bad, f"stdout JSON holds a non-finite number as text at {bad}"
    return data


def _non_finite_strings(data, path=""):
    if isinstance(data, dict):
        for key, value in data.items():
            found = _non_finite_strings(value, f"{path}.{key}")
            if found:
                return found
    elif isinstance(data, list):
        for k, value in enumerate(data):
            found = _non_finite_strings(value, f"{path}[{k}]")
            if found:
                return found
    elif isinstance(data, str) and data.strip().lower() in ("nan", "inf", "-inf", "infinity", "-infinity"):
        return path or "."
    return ""


class CommandLineProperty:
    """The property for one plugin, as a Hypothesis strategy and a predicate (see the module notes).

    Parameters
    ----------
    plugin : Plugin
    time_limit : float
        Seconds per case.
    commands : sequence of str, optional
        Restrict to these commands (``solve`` or experiment names).
    """

    def __init__(self, plugin, time_limit: float = 60.0, commands=None):
        self.plugin = plugin
        self.time_limit = float(time_limit)
        self.commands = [(c, cls) for c, cls in _commands(plugin) if commands is None or c[-1] in commands
                         or (c[0] == "solve" and "solve" in commands)]
        if not self.commands:
            raise ParameterError("--command", f"{plugin.name} has no such command")
        self.long_commands: dict[str, float] = {}
        self.outcomes: dict[int, int] = {}

    # -- strategy
    def strategy(self):
        from hypothesis import strategies as st

        def for_command(pair):
            command, cls = pair
            defaults = _defaults(cls)
            return st.sampled_from(sorted(defaults)).flatmap(
                lambda name: st.builds(Case, st.just(command), st.just(name), hostile_values(defaults[name]),
                                       st.sampled_from(["set", "json", "toml"])))
        return st.sampled_from(self.commands).flatmap(for_command)

    # -- predicate
    def check(self, case: Case) -> None:
        """Raise AssertionError when the command line breaks its promise on ``case``."""
        from click.testing import CliRunner

        from .cli import main

        key = " ".join(case.command)
        with tempfile.TemporaryDirectory(prefix="equilibria-hostile-") as tmp:
            folder = Path(tmp)
            try:
                extra = _channel_args(case.parameter, case.value, case.channel, folder)
            except ValueError:  # TOML cannot hold the value: the JSON file carries it
                extra = _channel_args(case.parameter, case.value, "json", folder)
            dry = ["--dry-run"] if key in self.long_commands else []
            args = [*case.command, *extra, "--json", *dry]
            runner = CliRunner()
            started = time.perf_counter()
            try:
                with _Alarm(self.time_limit):
                    result = runner.invoke(main, args, catch_exceptions=True)
            except CaseTimeout:
                seconds = time.perf_counter() - started
                self._timed_out(case, key, args, seconds)
                return
            finally:
                _close_figures()
        self._judge(case, args, result)

    def _timed_out(self, case, key, args, seconds):
        """Outlasting the limit is a hang unless the parameters were valid and quick to check."""
        from .cli import _load_parameters

        cls = dict((c, k) for c, k in self.commands)[case.command]
        with tempfile.TemporaryDirectory(prefix="equilibria-hostile-") as tmp:
            try:
                extra = _channel_args(case.parameter, case.value, case.channel, Path(tmp))
            except ValueError:
                extra = _channel_args(case.parameter, case.value, "json", Path(tmp))
            path = Path(extra[1]) if extra[0] == "--params" else None
            overrides = [extra[1]] if extra[0] == "--set" else []
            try:
                with _Alarm(max(1.0, self.time_limit / 4)):
                    _load_parameters(cls, path, overrides)
            except CaseTimeout:
                raise AssertionError(f"hang: checking the parameters of `equilibria {' '.join(args)}` took more "
                                     f"than {max(1.0, self.time_limit / 4):.0f} s") from None
            except ParameterError:
                raise AssertionError(f"hang: `equilibria {' '.join(args)}` has bad input but ran for more than "
                                     f"{self.time_limit:.0f} s before saying so") from None
        self.long_commands[key] = seconds  # a long command: validate only from now on
        warnings.warn(f"`equilibria {key}` ran for more than {self.time_limit:.0f} s with valid parameters; "
                      f"its later cases are only validated (--dry-run)", stacklevel=2)

    def _judge(self, case, args, result):
        command = f"equilibria {' '.join(args)}"
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            exc = result.exception
            raise AssertionError(f"`{command}` raised {type(exc).__name__}: {exc}")
        code = result.exit_code
        self.outcomes[code] = self.outcomes.get(code, 0) + 1
        stderr = result.stderr
        assert "Traceback" not in stderr and "Traceback" not in result.stdout, f"`{command}` printed a traceback"
        if code == 0:
            if "--dry-run" in args:
                return
            try:
                _finite_json(result.stdout)
            except (AssertionError, ValueError) as exc:
                raise AssertionError(f"`{command}` exited 0 but {exc}") from None
            return
        if code == 2:
            lines = [line for line in stderr.splitlines() if line.startswith("error:")]
            assert len(lines) == 1, f"`{command}` exited 2 with {len(lines)} error lines: {stderr!r}"
            assert f"'{case.parameter}'" in lines[0] or (case.channel != "set" and "'--params'" in lines[0]), \
                f"`{command}` exited 2 without naming '{case.parameter}': {lines[0]}"
            return
        if code == 3:  # the residual history may hold non-finite residuals (as text)
            lines = [line for line in result.stdout.splitlines() if line.strip()]
            data = json.loads(lines[0]) if len(lines) == 1 else {}
            assert isinstance(data, dict) and data.get("error"), \
                f"`{command}` exited 3 without one JSON error object on stdout"
            return
        raise AssertionError(f"`{command}` exited {code}: {stderr.strip()[-500:]}")


def _close_figures():
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def cli_theorem(plugin, time_limit: float = 60.0, commands=None) -> Theorem:
    """The property as a :class:`~equilibria.validation.Theorem`, runnable by ``check_theorem``."""
    prop = CommandLineProperty(plugin, time_limit=time_limit, commands=commands)
    theorem = Theorem(
        name="command_line",
        statement="every hostile value of every parameter, through --set, JSON or TOML, is answered with exit 0 "
                  "and finite JSON, exit 2 naming the parameter, or exit 3 — never a traceback, exit 1 or a hang",
        reference="README, exit status",
        strategy=prop.strategy,
        predicate=prop.check,
        shrink=False,  # a case runs the command line: report the first counterexample as found
    )
    return theorem


def default_time_limit() -> float:
    """``EQUILIBRIA_CLI_CASE_SECONDS`` or 60."""
    try:
        return float(os.environ.get("EQUILIBRIA_CLI_CASE_SECONDS", "60"))
    except ValueError:
        return 60.0
