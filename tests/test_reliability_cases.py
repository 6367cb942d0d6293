"""Bad input, faults and interruptions answered as the exit-status table promises, case by case."""
import errno
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from click.testing import CliRunner

from equilibria.cli import main


def cli(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def error_line(stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and all(line.startswith(("error:", "warning:")) for line in lines), stderr
    assert "Traceback" not in stderr
    return errors[0]


def assert_bad_input(parameter, *args):
    code, _, stderr = cli(*args)
    assert code == 2, stderr
    assert f"'{parameter}'" in error_line(stderr)


# ----------------------------------------------------------------------------- wrong numbers
def test_overflowing_labor_gives_the_scale_invariant_equilibrium():
    code, out, err = cli("solve", "waugh2022", "--set", "labor=[1e308,1e308,1e308]", "--json")
    assert code == 0, err
    huge = json.loads(out)
    _, out, _ = cli("solve", "waugh2022", "--set", "labor=[1,1,1]", "--json")
    unit = json.loads(out)
    assert huge["report"]["converged"] and unit["wages"] != [1.0, 1.0, 1.0]
    assert np.allclose(huge["wages"], unit["wages"], rtol=1e-10)
    assert np.allclose(huge["trade_shares"], unit["trade_shares"], rtol=1e-10)
    assert np.allclose(np.asarray(huge["expenditure"]) / 1e308, unit["expenditure"], rtol=1e-10)


@pytest.mark.parametrize("args", [
    ["solve", "tyazhelnikov2016", "--set", "sigma=1000", "--set", "n_firms=500"],
    ["solve", "tyazhelnikov2016", "--set", "scale=1e300", "--set", "n_firms=500"],
    ["solve", "tyazhelnikov2016", "--set", "shape=0.001", "--set", "n_firms=500"],
    ["solve", "waugh2022", "--set", "preferences=ces", "--set", "ces_elasticity=1.0001"],
])
def test_non_finite_results_exit_3_naming_the_quantity(args):
    code, out, err = cli(*args, "--json")
    if code == 0:  # a finite answer is fine too; it must then be finite everywhere
        assert "NaN" not in out and "Infinity" not in out and '"nan"' not in out and '"inf"' not in out
        return
    assert code == 3, err
    payload = json.loads(out)
    assert payload["error"] == "NonFiniteError" and "is not finite" in payload["message"]
    assert "quantity '" in error_line(err)


def test_planner_welfare_is_finite_when_choice_shares_underflow():
    from equilibria.plugins.waugh2022 import WaughParameters
    from equilibria.plugins.waugh2022.planner import CentralizedPlanner

    planner = CentralizedPlanner(WaughParameters(taste_dispersion=1e-4, model="incomplete_markets")).solve()
    assert np.isfinite(planner.objective)
    assert np.all(np.isfinite(planner.allocation["welfare_per_household"]))


# ----------------------------------------------------------------------------- convergence
def test_calibration_that_stops_early_exits_3_with_the_history_as_json(tmp_path):
    code, out, err = cli("run", "tyazhelnikov2016", "calibrate", "--set", "n_firms=300", "--set", "maxiter=5",
                         "--json", "--out", str(tmp_path / "o"))
    assert code == 3, err
    payload = json.loads(out)
    assert payload["error"] == "ConvergenceError" and len(payload["history"]) > 5
    assert "residual history" in error_line(err)
    written = json.loads((tmp_path / "o" / "error.json").read_text())
    assert written["history"] == payload["history"]
    assert not (tmp_path / "o" / "result.json").exists()


def test_a_true_wage_below_zero_is_bad_input():
    assert_bad_input("true_w", "run", "tyazhelnikov2016", "calibrate", "--set", "true_w=-1")
    assert_bad_input("start_w", "run", "tyazhelnikov2016", "calibrate", "--set", "start_w=1")


# ----------------------------------------------------------------------------- checkpoints
def test_checkpoint_is_replayed_only_for_the_same_objective(tmp_path):
    from equilibria.plugins.tyazhelnikov2016.calibration import Calibration, model_log_sales

    data = np.exp(model_log_sales((1.2, 0.5, 0.4, 1.3), n_firms=400, seed=7))
    path = tmp_path / "c.jsonl"
    first = Calibration(data, n_firms=400, seed=1, checkpoint=path)
    fit = first.fit((1.0, 0.4, 0.3, 1.1), maxiter=10, restarts=0, w_starts=())
    assert first.checkpoint_status == "new"
    same = Calibration(data, n_firms=400, seed=1, checkpoint=path)
    again = same.fit((1.0, 0.4, 0.3, 1.1), maxiter=10, restarts=0, w_starts=())
    assert same.checkpoint_status == "resumed" and again["estimate"] == fit["estimate"]
    assert again["replayed_from_checkpoint"] == again["evaluations"]
    other_data = np.exp(model_log_sales((0.8, 0.5, 0.2, 1.3), n_firms=400, seed=7))
    changes = [dict(data_sales=other_data), dict(n_firms=401), dict(seed=2), dict(measure="ks"), dict(trim=0.1),
               dict(sigma=5.0)]
    for change in changes:
        kwargs = {**dict(data_sales=data, n_firms=400, seed=1, checkpoint=path), **change}
        with pytest.warns(UserWarning, match="another problem"):
            other = Calibration(kwargs.pop("data_sales"), **kwargs)
        assert other.checkpoint_status == "restarted" and not other.cache, change
        # the file now belongs to the new problem; put the first one's back for the next change
        with pytest.warns(UserWarning, match="another problem"):
            first_again = Calibration(data, n_firms=400, seed=1, checkpoint=path)
        assert first_again.checkpoint_status == "restarted"
        first_again.fit((1.0, 0.4, 0.3, 1.1), maxiter=2, restarts=0, w_starts=())


def test_checkpoint_of_another_true_parameter_set_starts_afresh_on_the_command_line(tmp_path):
    out = str(tmp_path / "cal")
    base = ["run", "tyazhelnikov2016", "calibrate", "--set", "n_firms=300", "--set", "maxiter=3", "--out", out,
            "--json"]
    code, first, _ = cli(*base)
    assert code == 3 and (tmp_path / "cal" / "calibration.jsonl").exists()
    code, second, err = cli(*base, "--set", "true_tau=0.2", "--set", "true_shape=0.8")
    assert code == 3 and "another problem" in err
    assert json.loads(second)["history"] != json.loads(first)["history"]


# ----------------------------------------------------------------------------- hangs
def test_income_points_are_bounded_and_not_built_for_the_static_model():
    assert_bad_input("income_points", "solve", "waugh2022", "--set", "income_points=1e308")
    assert_bad_input("income_points", "solve", "waugh2022", "--set", "income_points=100000")
    started = time.perf_counter()
    code, _, err = cli("solve", "waugh2022", "--set", "income_points=200", "--json")
    assert code == 0, err
    assert time.perf_counter() - started < 20


def test_a_population_larger_than_memory_is_bad_input(monkeypatch):
    monkeypatch.setenv("EQUILIBRIA_MEMORY_LIMIT_MB", "64")
    assert_bad_input("n_firms", "solve", "tyazhelnikov2016", "--set", "n_firms=10000000")


# ----------------------------------------------------------------------------- tracebacks
@pytest.mark.parametrize("parameter, value", [
    pytest.param("taste_dispersion", "1" + "0" * 400, id="400-digits"),
    pytest.param("taste_dispersion", "1" + "0" * 5000, id="5000-digits"),  # beyond Python's limit for int()
    ("taste_dispersion", "Infinity"),
    ("taste_dispersion", "-Infinity"),
    ("taste_dispersion", "NaN"),
    ("taste_dispersion", "true"),
    ("taste_dispersion", '{"a": 1}'),
    ("income_points", "Infinity"),
    ("income_points", "1e308"),
    ("income_points", "2.5"),
    ("income_points", "true"),
    ("labor", "[1,Infinity,1]"),
    ("labor", "[true,1,1]"),
    ("labor", "[[1,2],[3]]"),
    pytest.param("labor", "[" * 3000 + "1" + "]" * 3000, id="nested-3000"),  # beyond the JSON decoder's recursion
    pytest.param("labor", "[" * 40 + "1" + "]" * 40, id="nested-40"),  # beyond the array depth limit
    ("labor", '["a","b","c"]'),
    ("labor", "[" + "1e400," * 2 + "1]"),
    ("productivity", "[]"),
    ("trade_costs", "[[1,2],[2,1]]"),
])
def test_waugh2022_bad_values_name_the_parameter(parameter, value):
    assert_bad_input(parameter, "solve", "waugh2022", "--set", f"{parameter}={value}")


@pytest.mark.parametrize("parameter, value", [
    ("wages", '[1,"a"]'), ("wages", "[1,true]"), ("wages", "[]"), ("wages", "[1,-1]"),
    ("n_firms", "Infinity"), ("n_firms", "1e308"), ("n_firms", str(2 ** 64)), ("trade_costs", "[[0,1],[1]]"),
    ("seed", "-1"), ("tau", "NaN"),
])
def test_tyazhelnikov2016_bad_values_name_the_parameter(parameter, value):
    assert_bad_input(parameter, "solve", "tyazhelnikov2016", "--set", f"{parameter}={value}")


@pytest.mark.parametrize("parameter, value", [
    ("trim", "1.5"), ("trim", "-0.1"), ("data", "/nonexistent.csv"), ("data", "[1,2]"), ("checkpoint", "[1]"),
    ("checkpoint", "true"), ("maxiter", "1e308"), ("workers", "true"), ("executor", "[1]"), ("measure", "[1]"),
])
def test_calibrate_options_are_checked(parameter, value):
    assert_bad_input(parameter, "run", "tyazhelnikov2016", "calibrate", "--set", f"{parameter}={value}")


@pytest.mark.parametrize("payload, parameter", [
    ({"costs": [[1, 2], [3]]}, "costs"), ({"costs": [[1, 2], [3, None]]}, "costs"), ({"tau": [1, 2]}, "tau"),
    ({"parents": [0.5]}, "parents"), ({"destination": 1.5}, "destination"), ({"tau_final": "x"}, "tau_final"),
])
def test_firm_parameters_are_converted(tmp_path, payload, parameter):
    path = tmp_path / "firm.json"
    path.write_text(json.dumps(payload))
    assert_bad_input(parameter, "run", "tyazhelnikov2016", "firm", "--params", str(path))


def test_params_files_that_are_not_utf8_or_too_deep(tmp_path):
    latin = tmp_path / "p.json"
    latin.write_bytes('{"taste_dispersion": 0.5, "note": "é"}'.encode("latin-1"))
    assert_bad_input("--params", "solve", "waugh2022", "--params", str(latin))
    deep = tmp_path / "p.toml"
    deep.write_text("labor = " + "[" * 3000 + "1" + "]" * 3000 + "\n")
    code, _, err = cli("solve", "waugh2022", "--params", str(deep))
    assert code == 2 and ("'--params'" in error_line(err) or "'labor'" in error_line(err))
    (tmp_path / "d.json").mkdir()
    assert_bad_input("--params", "solve", "waugh2022", "--params", str(tmp_path / "d.json"))


# ----------------------------------------------------------------------------- writing
def test_out_under_a_file_is_bad_input(tmp_path):
    (tmp_path / "file").write_text("x")
    code, _, err = cli("solve", "waugh2022", "--out", str(tmp_path / "file" / "sub"))
    assert code == 2 and "not a folder" in error_line(err)


def test_out_on_a_read_only_file_system_is_bad_input():
    code, _, err = cli("solve", "waugh2022", "--out", "/proc/equilibria-out")
    assert code == 2, err
    error_line(err)


def test_a_full_disk_exits_1_with_one_line(tmp_path, monkeypatch):
    import equilibria.results as results

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(results.os, "fsync", full)
    code, _, err = cli("solve", "waugh2022", "--out", str(tmp_path / "o"))
    assert code == 1 and "No space left" in error_line(err)
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir()]  # no staging debris


def test_result_set_is_replaced_as_a_whole_and_keeps_other_files(tmp_path, monkeypatch):
    import equilibria.results as results

    folder = tmp_path / "o"
    assert cli("solve", "waugh2022", "--out", str(folder))[0] == 0
    (folder / "mine.txt").write_text("kept")
    before = (folder / "result.json").read_text()

    def killed(path, figure):
        raise KeyboardInterrupt
    monkeypatch.setattr(results, "atomic_save_figure", killed)
    code, _, err = cli("solve", "waugh2022", "--set", "taste_dispersion=0.5", "--out", str(folder))
    assert code == 130 and "interrupted" in error_line(err)
    assert (folder / "result.json").read_text() == before  # the old set, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]  # no staging folder left
    monkeypatch.undo()
    assert cli("solve", "waugh2022", "--set", "taste_dispersion=0.5", "--out", str(folder))[0] == 0
    assert (folder / "result.json").read_text() != before and (folder / "mine.txt").read_text() == "kept"


def test_debris_of_a_killed_run_is_removed_by_the_next(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stage = tmp_path / f".o.tmp-{dead}-abcd"
    stage.mkdir()
    (stage / "result.json").write_text("{}")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / f".result.json.{dead}-xyz.tmp").write_text("half")
    assert cli("solve", "waugh2022", "--out", str(tmp_path / "o"))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.endswith(".tmp")]


def test_outputs_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        assert cli("solve", "waugh2022", "--out", str(tmp_path / "o"))[0] == 0
    finally:
        os.umask(old)
    assert (tmp_path / "o").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "o" / "result.json").stat().st_mode & 0o777 == 0o640


def test_replicate_interrupted_leaves_no_report(tmp_path, monkeypatch):
    import equilibria.replication as replication

    def interrupted(plugins, out, *args):
        (out / "report.md").write_text("partial")
        raise KeyboardInterrupt
    monkeypatch.setattr(replication, "_run_steps", interrupted)
    code, _, err = cli("replicate", "kmnt2024", "--out", str(tmp_path / "report"), "--no-progress")
    assert code == 130 and "interrupted" in error_line(err)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_exits_130(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "equilibria.cli", "run", "tyazhelnikov2016", "calibrate",
                                "--out", str(tmp_path / "cal"), "--no-progress"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not (tmp_path / "cal" / "calibration.jsonl").exists() and time.time() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "error: interrupted"
    assert not (tmp_path / "cal" / "result.json").exists()


# ----------------------------------------------------------------------------- messages
def test_numpy_warnings_are_one_line_each():
    code, _, err = cli("solve", "tyazhelnikov2016", "--set", "sigma=1000", "--set", "n_firms=500")
    assert code == 3
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and all(line.startswith(("warning:", "error:")) for line in lines), err
    assert len(lines) == len(set(lines))


def test_dry_run_checks_parameters_only():
    code, out, _ = cli("run", "tyazhelnikov2016", "calibrate", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["valid"] is True
    assert_bad_input("trim", "run", "tyazhelnikov2016", "calibrate", "--dry-run", "--set", "trim=2")
