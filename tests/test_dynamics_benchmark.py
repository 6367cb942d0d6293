"""The DSGE benchmark script runs end to end and its alternatives agree with us (slow: it needs the
benchmark environment with linearsolve and gEconpy, and gEconpy's setup takes seconds)."""
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_PYTHON = "/work/benchvenv/bin/python"


def test_dsge_benchmark_quick_run():
    if not os.path.exists(BENCH_PYTHON):
        pytest.skip("no benchmark environment")
    run = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "dsge_solve.py"), "--quick", "--models",
                          "rbc"], capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| rbc")]
    assert len(rows) == 4, run.stdout  # two alternatives, two workloads
    for row in rows[:2]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[-1]) < 1e-8  # answers agree before timing
