"""The threads setting of the compiled kernels and their work thresholds."""
import os

import numpy as np
import pytest
from click.testing import CliRunner

from equilibria import threads as threads_module
from equilibria.errors import ParameterError
from equilibria.threads import ENVIRONMENT_VARIABLE, available_cpus, get_threads, set_threads, team_size, threads


@pytest.fixture(autouse=True)
def _clean_setting(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)


def test_default_is_every_available_cpu_and_the_environment_overrides_it(monkeypatch):
    assert get_threads() == available_cpus() >= 1
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "3")
    assert get_threads() == 3


def test_set_threads_and_the_context_manager_restore_the_previous_setting():
    assert set_threads(2) is None
    assert get_threads() == 2 and os.environ[ENVIRONMENT_VARIABLE] == "2"  # inherited by child processes
    with threads(5) as n:
        assert n == 5 and get_threads() == 5
    assert get_threads() == 2
    assert set_threads(None) == 2
    assert ENVIRONMENT_VARIABLE not in os.environ and get_threads() == available_cpus()


@pytest.mark.parametrize("bad", [0, -1, 2.5, "two", None])
def test_bad_settings_are_parameter_errors(bad, monkeypatch):
    if bad is not None:
        with pytest.raises(ParameterError, match="threads"):
            set_threads(bad)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(bad))
    with pytest.raises(ParameterError, match=ENVIRONMENT_VARIABLE):
        get_threads()


def test_team_size_one_below_the_threshold_the_setting_above_an_explicit_request_always():
    with threads(4):
        assert team_size(99, 100) == 1
        assert team_size(100, 100) == 4
        assert team_size(10 ** 9, 100) == 4
        assert team_size(1, 100, requested=3) == 3  # explicit: no threshold
        assert team_size(10 ** 9, 100, requested=1) == 1


@pytest.mark.parametrize("name", ["logit", "tyaz_dp", "kmnt_inverse"])
def test_kernels_declare_a_positive_threshold_and_use_the_shared_rule(name):
    import importlib

    module = importlib.import_module(f"equilibria.ext.{name}")
    assert module.PARALLEL_MIN_WORK > 0
    assert module.team_size is threads_module.team_size


@pytest.mark.parametrize("setting", [1, 2])
def test_logit_results_do_not_depend_on_the_team(setting):
    from equilibria.ext import logit

    rng = np.random.default_rng(3)
    for rows, m in ((3, 3), (5000, 7), (logit.PARALLEL_MIN_WORK // 4 + 1, 4)):
        values = rng.normal(size=(rows, m))
        one = logit.logit(values, 0.3, 1)
        with threads(setting):
            auto = logit.logit(values, 0.3)
        np.testing.assert_array_equal(auto[0], one[0])
        np.testing.assert_array_equal(auto[1], one[1])


def test_snake_kernel_results_do_not_depend_on_the_team():
    from equilibria.ext import tyaz_dp
    from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem

    rng = np.random.default_rng(4)
    T = rng.random((5, 5))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(10, T, 1.0)
    args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final, False)
    F = int(tyaz_dp.PARALLEL_MIN_WORK // (10 * 25)) + 100  # just above the threshold
    costs = rng.random((F, 10, 5))
    one = tyaz_dp.solve_tree_batch(costs, *args, threads=1)
    with threads(2):
        auto = tyaz_dp.solve_tree_batch(costs, *args)
    for key in ("mc", "path", "ntmc", "tq", "crossings"):
        np.testing.assert_array_equal(auto[key], one[key])


def test_cli_threads_option_sets_the_setting_and_rejects_nonsense():
    from equilibria.cli import main

    runner = CliRunner()
    try:
        result = runner.invoke(main, ["--threads", "3", "list", "--json"])
        assert result.exit_code == 0, result.output
        assert get_threads() == 3
    finally:
        set_threads(None)
    result = runner.invoke(main, ["--threads", "0", "list"])
    assert result.exit_code == 2 and "--threads" in result.output


def test_the_thresholds_benchmark_runs():
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks",
                          "threads_thresholds.py")
    result = subprocess.run([sys.executable, script, "--rounds", "1", "--kernels", "logit", "kmnt_inverse"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "| 9 |" in result.stdout and "| 262,144 |" in result.stdout
