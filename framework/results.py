"""Results as data: JSON, Markdown tables and PNG figures, written atomically.

A plugin's ``solve`` and experiments return a :class:`Result`; the command line writes it.
Every file goes to a temporary name in the same folder first and is renamed into place, so an
interrupted run never leaves half a file behind; a result set (JSON, Markdown, figures) is written
to a staging folder and put in place as a whole, so a folder never mixes two runs. Files get the
permissions of the user's umask; what a killed run left behind is removed by the next write.
"""
from __future__ import annotations

import errno
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import attrs
import numpy as np

__all__ = ["Result", "Table", "to_jsonable", "atomic_write_text", "atomic_write_bytes", "write_result",
           "write_error", "install_folder", "stage_folder", "clean_debris", "check_finite", "non_finite_entries",
           "format_number"]


@attrs.define(kw_only=True)
class Table:
    """A small table for reports: column names, rows of values, a caption.

    ``units`` (optional) gives one unit per column (``""`` for a column of names); the Markdown
    header shows them as ``column [unit]``.
    """

    columns: list
    rows: list
    caption: str = ""
    units: list = attrs.field(factory=list)

    def __attrs_post_init__(self):
        if self.units and len(self.units) != len(self.columns):
            raise ValueError(f"a table needs one unit per column: {len(self.columns)} columns, "
                             f"{len(self.units)} units")

    def headers(self) -> list[str]:
        """Column names with their units (``wage [1]``)."""
        units = self.units or [""] * len(self.columns)
        return [f"{c} [{u}]" if u else str(c) for c, u in zip(self.columns, units)]

    def to_markdown(self) -> str:
        head = "| " + " | ".join(_cell(h) for h in self.headers()) + " |"
        rule = "|" + "|".join("---" for _ in self.columns) + "|"
        body = ["| " + " | ".join(_cell(format_number(v)) for v in row) + " |" for row in self.rows]
        text = "\n".join([head, rule, *body])
        return f"{text}\n\n*{self.caption}*" if self.caption else text

    def to_dict(self) -> dict[str, Any]:
        out = {"columns": list(self.columns), "rows": to_jsonable(self.rows), "caption": self.caption}
        if self.units:
            out["units"] = list(self.units)
        return out


def _cell(text) -> str:
    """Text for one Markdown table cell: a ``|`` would split the cell and a newline end the row."""
    return str(text).replace("|", "\\|").replace("\n", " ")


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
    comparisons : list of SourceValue
    quantities : dict of str to Quantity
    """

    data: dict = attrs.field(factory=dict)
    tables: dict = attrs.field(factory=dict)
    figures: dict = attrs.field(factory=dict)
    notes: list = attrs.field(factory=list)
    comparisons: list = attrs.field(factory=list)
    """:class:`~equilibria.comparison.SourceValue` entries: our numbers beside the source's, with verdicts."""
    quantities: dict = attrs.field(factory=dict)
    """Data paths to :class:`~equilibria.quantities.Quantity` (label, unit, axes) of the reported numbers."""


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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode(directory: bool = False) -> int:
    """The permissions a plain ``open``/``mkdir`` would give under the user's umask."""
    return (0o777 if directory else 0o666) & ~_umask()


def atomic_write_bytes(path, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` through a temporary file in the same folder and a rename.

    The file gets the permissions the user's umask gives new files.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fchmod(handle.fileno(), _mode())
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


# ----------------------------------------------------------------------------- result sets
MANIFEST = ".result-files"
"""Names of the files of the result set installed in a folder (so the next set replaces them)."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _debris_pid(name: str, stem: str):
    """The process id in a temporary name ``.{stem}.tmp-PID-...``/``.{stem}.old-PID-...``, else None."""
    for kind in ("tmp", "old"):
        prefix = f".{stem}.{kind}-"
        if name.startswith(prefix):
            head = name[len(prefix):].split("-", 1)[0]
            return int(head) if head.isdigit() else None
    return None


def clean_debris(folder) -> list[Path]:
    """Remove what interrupted writes of ``folder`` left: staging folders and temporary files of dead processes."""
    folder = Path(folder)
    removed = []
    candidates = []
    if folder.parent.is_dir():
        candidates += [(p, folder.name) for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]
    if folder.is_dir():
        candidates += [(p, None) for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    for path, stem in candidates:
        if stem is not None:
            pid = _debris_pid(path.name, stem)
        else:  # ".<name>.<pid>-<random>.tmp", as atomic_write_bytes names its staging files
            head = path.name[:-4].rsplit(".", 1)[-1].split("-", 1)[0]
            pid = int(head) if head.isdigit() else None
        if pid is None or pid == os.getpid() or _pid_alive(pid):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def stage_folder(folder) -> Path:
    """A new empty staging folder beside ``folder`` (same file system, so it can be renamed into place)."""
    folder = Path(folder)
    for ancestor in (folder, *folder.parents):  # the first existing path must be a folder
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"cannot write {folder}: {ancestor} is not a folder",
                                         str(ancestor))
            break
    folder.parent.mkdir(parents=True, exist_ok=True)
    clean_debris(folder)
    stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-{os.getpid()}-", dir=folder.parent))
    os.chmod(stage, _mode(directory=True))
    return stage


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0


def _manifest(folder: Path) -> set:
    try:
        return set(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return set()


def install_folder(stage, folder) -> Path:
    """Put the result set in ``stage`` in place of ``folder``'s, as a whole.

    Files of ``folder``'s previous result set are dropped; other files there (a checkpoint, the
    user's own) are kept. Where the system can swap two folders atomically, readers see the old
    set or the new one, never a mixture.
    """
    stage, folder = Path(stage), Path(folder)
    names = {p.name for p in stage.iterdir()}
    atomic_write_json(stage / MANIFEST, sorted(names))
    if not folder.exists():
        try:
            os.rename(stage, folder)
            return folder
        except OSError:
            if not folder.is_dir():
                raise
    elif not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a folder", str(folder))
    previous = _manifest(folder) | {MANIFEST}
    if _exchange(stage, folder):
        old = stage
    else:
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}-{os.urandom(4).hex()}")
        os.rename(folder, old)
        os.rename(stage, folder)
    for entry in old.iterdir():
        if entry.name not in names and entry.name not in previous:
            os.rename(entry, folder / entry.name)
    shutil.rmtree(old, ignore_errors=True)
    return folder


def write_result(result: Result, folder, stem: str = "result") -> dict[str, Path]:
    """Write ``stem.json``, one PNG per figure and ``stem.md`` as one set; return the paths written.

    The set is written to a staging folder and put in place as a whole (:func:`install_folder`);
    an interrupted write leaves the folder as it was.
    """
    folder = Path(folder)
    if holds_cwd(folder):  # never swap the working folder away under the user: file by file
        return _write_files(result, folder, stem)
    stage = stage_folder(folder)
    try:
        written = _write_files(result, stage, stem)
        install_folder(stage, folder)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return {name: folder / Path(path).name for name, path in written.items()}


def holds_cwd(folder) -> bool:
    """Whether ``folder`` is the working folder or one of its parents (which is never swapped away)."""
    folder = Path(folder)
    try:
        cwd, target = Path.cwd().resolve(), folder.resolve()
    except OSError:
        return False
    return target == cwd or target in cwd.parents


def _write_files(result: Result, stage: Path, stem: str) -> dict[str, Path]:
    """The files of a result set, each written atomically into ``stage``."""
    written = {"json": atomic_write_json(stage / f"{stem}.json", result.data)}
    for name, figure in result.figures.items():
        written[name] = atomic_save_figure(stage / (f"{stem}_{name}.png" if stem != "result" else f"{name}.png"),
                                           figure)
    links = {name: Path(path).name for name, path in written.items()}
    written["markdown"] = atomic_write_text(stage / f"{stem}.md", result_markdown(result, links))
    return written


def write_error(payload: dict, folder) -> Path:
    """Write ``error.json`` as the folder's result set (a failed run leaves no result that looks complete)."""
    folder = Path(folder)
    if holds_cwd(folder):
        return atomic_write_json(folder / "error.json", payload)
    stage = stage_folder(folder)
    try:
        atomic_write_json(stage / "error.json", payload)
        install_folder(stage, folder)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return folder / "error.json"


def non_finite_entries(data, path: str = "") -> list[str]:
    """Paths (``a.b[2]``) of the NaN or infinite numbers in nested data."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += non_finite_entries(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, (list, tuple)):
        for k, value in enumerate(data):
            found += non_finite_entries(value, f"{path}[{k}]")
    elif isinstance(data, np.ndarray):
        if data.dtype.kind in "fc":
            bad = np.argwhere(~np.isfinite(data))
            found += [f"{path}[{','.join(map(str, idx))}]" if data.ndim else path for idx in bad[:5]]
        elif data.dtype.kind == "O":
            found += non_finite_entries(data.tolist(), path)
    elif isinstance(data, (float, np.floating)) and not math.isfinite(float(data)):
        found.append(path)
    elif hasattr(data, "to_dict") and not isinstance(data, type):
        found += non_finite_entries(data.to_dict(), path)
    return found


def check_finite(data, what: str = "result") -> None:
    """Raise :class:`~equilibria.errors.NonFiniteError` (a ConvergenceError) naming the first non-finite quantity."""
    from .errors import NonFiniteError

    bad = non_finite_entries(data)
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise NonFiniteError(bad[0], f"{what} quantity '{bad[0]}'{more} is not finite (NaN or infinite)")


def result_markdown(result: Result, written: dict | None = None, level: int = 2) -> str:
    """Tables, notes and figure links of a result as Markdown (``written`` maps figure names to link paths)."""
    hashes = "#" * level
    parts = []
    for name, table in result.tables.items():
        parts.append(f"{hashes} {name}\n\n{table.to_markdown()}\n")
    if result.comparisons:
        from .comparison import comparison_table

        parts.append(f"{hashes} Compared with the source\n\n{comparison_table(result.comparisons).to_markdown()}\n")
    if result.quantities:
        from .quantities import quantities_table

        table = quantities_table(result.data, result.quantities).to_markdown()
        parts.append(f"<details><summary>Quantities (labels and units of the JSON)</summary>\n\n{table}\n\n"
                     f"</details>\n")
    for note in result.notes:
        parts.append(f"- {note}")
    if written:
        for name in result.figures:
            parts.append(f"\n![{name}]({Path(written[name]).as_posix()})\n")
    return "\n".join(parts) + "\n"
