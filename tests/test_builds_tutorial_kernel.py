"""The kernel tutorial's repository builds and passes its own tests (slow: it compiles a kernel).

docs/tutorial_kernel.md gives every file of a plugin that ships its own Cython kernel, each code
block starting with ``# file: <path>``.  This test writes them into a fresh folder, builds the
kernel in place and runs the plugin's tests there.  Run with ``python -m pytest -m slow``.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial_kernel.md"


def _files():
    blocks = re.findall(r"```[a-z]*\n(# file: (\S+)\n.*?)```", TUTORIAL.read_text(encoding="utf-8"), flags=re.S)
    return {path: text.split("\n", 1)[1] if path.endswith(".toml") else text for text, path in blocks}


def test_the_tutorial_lists_the_whole_repository():
    assert set(_files()) == {"pyproject.toml", "setup.py", "src/ces_markets/__init__.py",
                             "src/ces_markets/_kernel.pyx", "src/ces_markets/reference.py", "tests/test_kernel.py"}


@pytest.mark.skipif(sys.platform == "win32", reason="needs a C compiler with OpenMP")
def test_the_tutorial_plugin_builds_and_passes_its_tests(tmp_path):
    pytest.importorskip("Cython")
    for path, text in _files().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-4000:]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "src"), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_kernel.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=900, env=env)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "3 passed" in run.stdout
