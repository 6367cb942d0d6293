"""The replication report says how it was made and compares our numbers with the source's."""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from equilibria.comparison import DIFFERS, NOT_IN_SOURCE, REPRODUCED, SourceValue, comparison_table
from equilibria.equilibrium import honest_message
from equilibria.errors import ParameterError
from equilibria.provenance import git_commit, provenance
from equilibria.results import Result, result_markdown


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "equilibria.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_provenance_names_version_commit_date_and_machine():
    info = provenance()
    assert info["version"] and info["date"].endswith("UTC")
    commit = info["commit"]
    assert commit == "unknown" or len(commit.split("+")[0]) == 40
    machine = info["machine"]
    assert machine["cores"] >= 1 and machine["numpy"] and machine["scipy"] and machine["kernel_cpu_level"]


def test_git_commit_is_unknown_without_git(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert git_commit() == "unknown"


@given(ours=st.floats(-1e6, 1e6), source=st.floats(-1e6, 1e6), tol=st.floats(0, 10))
def test_verdict_follows_the_declared_tolerance(ours, source, tol):
    value = SourceValue(quantity="x", unit="percent", ours=ours, source=source, abs_tol=tol)
    assert value.verdict == (REPRODUCED if abs(ours - source) <= tol else DIFFERS)


def test_comparison_without_source_value_and_rendering():
    values = [SourceValue(quantity="Y", unit="level", ours=1.0, source=None),
              SourceValue(quantity="C", unit="level", ours=0.8, source=0.7, abs_tol=1e-3, where="Table 2.2",
                          reason="rounded parameter", link="plugins/x.html#reading")]
    assert values[0].verdict == NOT_IN_SOURCE and values[1].verdict == DIFFERS
    text = result_markdown(Result(comparisons=values))
    assert "Compared with the source" in text and "not in the source" in text
    assert "rounded parameter ([why](plugins/x.html#reading))" in text
    assert comparison_table(values).columns[6] == "verdict"
    assert values[1].to_dict()["verdict"] == "differs" and values[1].to_dict()["tolerance"] == "abs 0.001"


def test_converged_never_sits_beside_an_unexplained_stall_message():
    stalled = "The iteration is not making good progress, as measured by the improvement from the last ten iterations."
    assert honest_message(True, 1e-12, 1e-10, stalled).startswith("residual max-norm 1e-12 meets the tolerance")
    assert honest_message(False, 1.0, 1e-10, stalled) == stalled
    assert honest_message(True, 0.0, 1e-10, "The solution converged.") == "The solution converged."


def test_yaml_params_are_refused_as_unsupported(tmp_path):
    from equilibria.registry import get_plugin

    path = tmp_path / "p.yaml"
    path.write_text("taste_dispersion: 4\n")
    with pytest.raises(ParameterError, match="YAML files are not supported"):
        get_plugin("waugh2022").parameters.load(path)


def test_unknown_theorem_lists_the_known_ones():
    from equilibria.registry import get_plugin

    plugin = get_plugin("textbook")
    with pytest.raises(ParameterError, match="known theorems: .*" + plugin.theorems[0].name):
        plugin.theorem("no_such_theorem")


def test_check_keeps_hypothesis_files_out_of_the_working_folder(tmp_path):
    import os

    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    # Hypothesis writes no storage at all when it detects a CI service ("CI", "TF_BUILD"); a user's
    # shell has neither, and that is the case under test
    for name in ("HYPOTHESIS_STORAGE_DIRECTORY", "CI", "TF_BUILD"):
        env.pop(name, None)
    work = tmp_path / "work"
    work.mkdir()
    result = run("check", "textbook", "--examples", "2", cwd=work, env=env)
    assert result.returncode == 0, result.stderr
    assert not (work / ".hypothesis").exists()
    # whatever Hypothesis stores (it may store nothing) goes under the cache folder
    assert not any(path.name == ".hypothesis" for path in work.rglob("*"))


def test_hypothesis_storage_points_at_the_cache_folder(tmp_path, monkeypatch):
    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

    from equilibria.validation import use_hypothesis_cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    try:
        folder = use_hypothesis_cache_folder()
        assert folder == tmp_path / "cache" / "equilibria" / "hypothesis"
        assert Path(storage_directory("examples").path).parent == folder
    finally:
        set_hypothesis_home_dir(None)


def test_replicate_report_carries_provenance_parameters_and_plain_progress(tmp_path):
    result = run("replicate", "textbook", "--out", str(tmp_path / "r"), "--examples", "2")
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "replicate [1/" in result.stderr  # stderr is a pipe: plain lines
    report = (tmp_path / "r" / "report.md").read_text()
    assert "- package: equilibria" in report and "Parameters used" in report and "| `periods` | 40 |" in report
    summary = json.loads((tmp_path / "r" / "report.json").read_text())
    assert summary["provenance"]["machine"]["cores"] >= 1
    baseline = summary["steps"][0]
    assert baseline["parameters"]["model"] == "rbc" and "import_seconds" in baseline
    assert all(math.isfinite(step["seconds"]) for step in summary["steps"])
