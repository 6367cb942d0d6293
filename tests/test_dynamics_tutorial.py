"""The DSGE tutorial's code blocks run as written, in order, and say what the text says."""
import re
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial_dsge.md"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "dynamics.md"


def _blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_tutorial_code_runs(capsys):
    blocks = _blocks(TUTORIAL)
    assert len(blocks) >= 8
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(TUTORIAL), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "Model('rbc_g': 9 variables, 2 innovations, 3 states, 2 forward-looking)" in printed
    assert "equation 1 `1 / c = beta * (1 + r(+2) - delta) / c(+1)`: r(+2)" in printed
    assert "1 eigenvalue(s) outside the unit circle for 2 forward-looking variable(s)" in printed
    assert "irf_eps_g.png" in printed


def test_reference_page_python_block_runs():
    for block in _blocks(DOCS):
        exec(compile(block, str(DOCS), "exec"), {})


def test_reference_page_examples_are_the_shipped_files():
    """The TOML shown on the reference page is copied from the shipped model files."""
    from equilibria.plugins.textbook.models import model_path

    text = DOCS.read_text(encoding="utf-8")
    shown = re.findall(r"```toml\n(.*?)```", text, flags=re.S)
    files = {name: model_path(name).read_text(encoding="utf-8") for name in ("brock_mirman", "rbc", "nk")}
    for block in shown:
        lines = [line for line in block.splitlines() if line.strip()]
        owner = [name for name, body in files.items() if all(line in body for line in lines)]
        assert owner, f"a TOML example on the page is not in any shipped file:\n{block[:200]}"
