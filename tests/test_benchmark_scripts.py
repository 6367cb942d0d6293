"""The snake benchmark still runs end to end (slow: it compiles two C helpers and times numba).

Small sizes only: this checks that the script, its C probes (`benchmarks/minplus_peak.c`,
`benchmarks/read_floor.c`) and its agreement checks between numba and Cython work, not speed.
Needs the `bench` extra (numba); skipped without it.
"""
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_snake_benchmark_runs_and_reports_every_size():
    pytest.importorskip("numba")
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler for the benchmark's probes")
    script = os.path.join(ROOT, "benchmarks", "tyazhelnikov2016_snake.py")
    run = subprocess.run([sys.executable, script, "--quick", "--firms", "3000", "--sizes", "2", "3"],
                         capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| 2 |") or line.startswith("| 3 |")]
    assert len(rows) == 2, run.stdout
    header = next(line for line in run.stdout.splitlines() if line.startswith("| M |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    for row in rows:
        cells = dict(zip(columns, (c.strip() for c in row.strip("|").split("|"))))
        assert float(cells["read of the costs"]) > 0.0  # the read probe ran on the costs
        assert float(cells["vs bound"]) > 0.0
        # the strict count of operations can only give a tighter (larger) ratio than the looser F N M^2 count
        assert float(cells["vs bound"]) >= float(cells["vs bound, F N M^2 operations"])
    assert "steal time" in run.stdout
