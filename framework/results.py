"""Results as data: JSON, Markdown tables and PNG figures, written atomically.

A plugin's ``solve`` and experiments return a :class:`Result`; the command line writes it.
Every file goes to a temporary name in the same folder first and is renamed into place, so an
interrupted run never leaves half a file behind.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import attrs
import numpy as np

__all__ = ["Result", "Table", "to_jsonable", "atomic_write_text", "atomic_write_bytes", "write_result",
           "format_number"]


@attrs.define(kw_only=True)
class Table:
    """A small table for reports: column names, rows of values, a caption."""

    columns: list
    rows: list
    caption: str = ""

    def to_markdown(self) -> str:
        head = "| " + " | ".join(str(c) for c in self.columns) + " |"
        rule = "|" + "|".join("---" for _ in self.columns) + "|"
        body = ["| " + " | ".join(format_number(v) for v in row) + " |" for row in self.rows]
        text = "\n".join([head, rule, *body])
        return f"{text}\n\n*{self.caption}*" if self.caption else text

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "rows": to_jsonable(self.rows), "caption": self.caption}


@attrs.define(kw_only=True)
class Result:
    """What a solve or an experiment produced.

    Attributes
    ----------
    data : dict
        JSON-able numbers (arrays are converted on output); printed by ``--json``.
    tables : dict of str to Table
    figures : dict of str to matplotlib Figure
    notes : list of str
        Sentences for the report (what was compared, what differs from the paper).
    """

    data: dict = attrs.field(factory=dict)
    tables: dict = attrs.field(factory=dict)
    figures: dict = attrs.field(factory=dict)
    notes: list = attrs.field(factory=list)


def format_number(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v == 0 or not math.isfinite(v):
            return str(v)
        return f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.3e}"
    return str(value)


def to_jsonable(obj):
    """NumPy arrays and scalars to lists and Python numbers; non-finite floats to strings."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        v = float(obj)
        return v if math.isfinite(v) else str(v)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "to_dict"):
        return to_jsonable(obj.to_dict())
    return obj


def atomic_write_bytes(path, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path, data) -> Path:
    return atomic_write_text(path, json.dumps(to_jsonable(data), indent=2) + "\n")


def atomic_save_figure(path, figure) -> Path:
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    return atomic_write_bytes(path, buffer.getvalue())


def write_result(result: Result, folder, stem: str = "result") -> dict[str, Path]:
    """Write ``stem.json``, one PNG per figure and ``stem.md``; return the paths written."""
    folder = Path(folder)
    written = {"json": atomic_write_json(folder / f"{stem}.json", result.data)}
    for name, figure in result.figures.items():
        written[name] = atomic_save_figure(folder / f"{stem}_{name}.png" if stem != "result" else folder / f"{name}.png",
                                           figure)
    links = {name: Path(path).name for name, path in written.items()}
    written["markdown"] = atomic_write_text(folder / f"{stem}.md", result_markdown(result, links))
    return written


def result_markdown(result: Result, written: dict | None = None, level: int = 2) -> str:
    """Tables, notes and figure links of a result as Markdown (``written`` maps figure names to link paths)."""
    hashes = "#" * level
    parts = []
    for name, table in result.tables.items():
        parts.append(f"{hashes} {name}\n\n{table.to_markdown()}\n")
    for note in result.notes:
        parts.append(f"- {note}")
    if written:
        for name in result.figures:
            parts.append(f"\n![{name}]({Path(written[name]).as_posix()})\n")
    return "\n".join(parts) + "\n"
