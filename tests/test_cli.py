"""The command line, run as a user runs it: a subprocess, exit statuses, stdout/stderr."""
import json
import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "equilibria.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_list_shows_waugh2022():
    result = run("list", "--json")
    assert "waugh2022" in json.loads(result.stdout)


def test_solve_json_contract():
    result = run("solve", "waugh2022", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    shares = data["trade_shares"]
    assert len(data["wages"]) == 3 and data["wages"][0] == 1.0
    assert all(abs(sum(row) - 1) < 1e-12 for row in shares)
    assert len(data["welfare"]) == 3
    assert data["report"]["converged"] is True and data["report"]["iterations"] > 0
    assert data["report"]["residual_norm"] <= 1e-10


@pytest.mark.parametrize("args, parameter", [
    (["--set", "taste_dispersion=-1"], "taste_dispersion"),
    (["--set", "trade_costs=[[1,2,3],[2,1,1]]"], "trade_costs"),
    (["--set", "trade_costs=[[1,2],[2,1]]"], "trade_costs"),
    (["--set", "labor=[1,2]"], "labor"),
    (["--set", "bogus=1"], "bogus"),
    (["--set", "tariffs=[[0.1,0,0],[0,0,0],[0,0,0]]"], "tariffs"),
    (["--params", "/nonexistent/params.json"], "--params"),
])
def test_bad_input_exits_2_with_one_line(args, parameter):
    result = run("solve", "waugh2022", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"'{parameter}'" in lines[0] and "Traceback" not in result.stderr


def test_params_file_and_override(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps({"productivity": [1.0, 1.0], "labor": [1.0, 1.0],
                                                 "trade_costs": [[1.0, 2.0], [2.0, 1.0]]}))
    result = run("solve", "waugh2022", "--params", str(tmp_path / "p.json"), "--set", "taste_dispersion=0.5",
                 "--json")
    data = json.loads(result.stdout)
    # symmetric countries: equal wages, shares 1/(1 + 2^-theta) at home with theta = 2
    assert abs(data["wages"][1] - 1.0) < 1e-10
    assert abs(data["trade_shares"][0][0] - 1 / (1 + 2 ** -2)) < 1e-12


def test_out_writes_result_and_figure(tmp_path):
    result = run("solve", "waugh2022", "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    files = {p.name for p in (tmp_path / "o").iterdir()}
    assert {"result.json", "result.md", "trade_shares.png"} <= files
    assert not any(name.endswith(".tmp") for name in files)
    assert json.loads((tmp_path / "o" / "result.json").read_text())["wages"][0] == 1.0


def test_run_unknown_experiment_and_plugin():
    assert run("run", "waugh2022", "nope").returncode == 2
    result = run("solve", "nosuchplugin")
    assert result.returncode == 2 and "no plugin named" in result.stderr


def test_check_reports_every_theorem():
    result = run("check", "waugh2022", "--examples", "5", "--seed", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    from equilibria import get_plugin

    theorems = get_plugin("waugh2022").theorems
    assert len(theorems) >= 5 and "FAILED" not in result.stdout
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("held")] == \
        [t.name for t in theorems]


def test_show_lists_parameters():
    result = run("show", "waugh2022", "--json")
    names = {row["name"] for row in json.loads(result.stdout)}
    assert {"productivity", "trade_costs", "labor", "taste_dispersion", "tariffs"} <= names


def test_replicate_writes_report(tmp_path):
    result = run("replicate", "waugh2022", "--out", str(tmp_path / "r"), "--examples", "3", "--no-progress")
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "r" / "report.md").read_text()
    assert "## waugh2022" in report and "Trade elasticities" in report and "| gravity | True" in report
    assert (tmp_path / "r" / "waugh2022" / "gains" / "gains.png").exists()
    assert "](waugh2022/gains/gains.png)" in report and "](waugh2022/baseline/trade_shares.png)" in report
    summary = json.loads((tmp_path / "r" / "report.json").read_text())
    assert all(step["status"] == "ok" for step in summary["steps"])
