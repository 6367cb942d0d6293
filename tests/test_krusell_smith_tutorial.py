"""The Krusell–Smith tutorial's code blocks run as written, in order, and give the stated results."""
import re
from pathlib import Path

import numpy as np

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial_krusell_smith.md"


def test_tutorial_code_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(TUTORIAL), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "quasi-Newton iterations" in printed and "peak dK/K" in printed
    assert abs(namespace["ss"]["A"] - namespace["K"]) < 1e-8
    linear, nonlinear, K = namespace["linear"], namespace["nonlinear"], namespace["K"]
    assert nonlinear.report.converged
    assert np.max(np.abs(linear.outputs["K"] - nonlinear.paths["K"])) < 0.01 * np.max(np.abs(linear.outputs["K"] - K))
