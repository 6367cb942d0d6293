"""How a report was made: package version, commit, date, machine and threads."""
from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

__all__ = ["provenance", "provenance_markdown", "git_commit", "cpu_model", "library_versions", "LIBRARIES"]


def git_commit() -> str:
    """The commit of the source tree when it is a git checkout (with ``+changes`` if modified), else ``unknown``."""
    root = Path(__file__).resolve().parent.parent
    try:
        run = lambda *args: subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,  # noqa: E731
                                           timeout=10)
        head = run("rev-parse", "HEAD")
        if head.returncode != 0 or not head.stdout.strip():
            return "unknown"
        dirty = run("status", "--porcelain", "--untracked-files=no", "--", ".")
        return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _kernel_level() -> str:
    try:
        from equilibria.ext import cpu_level

        return cpu_level() or "single build"
    except Exception as exc:  # never fail a report over its provenance
        return f"unknown ({type(exc).__name__})"


def _threads() -> dict:
    names = ("EQUILIBRIA_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "EQUILIBRIA_CPU")
    return {name: os.environ[name] for name in names if name in os.environ}


#: Libraries whose versions can change a report's numbers (Hypothesis draws the theorem examples).
LIBRARIES = ("hypothesis", "attrs", "matplotlib", "Cython", "dask")


def library_versions() -> dict:
    """Installed versions of :data:`LIBRARIES` (``"not installed"`` for a missing one)."""
    from importlib import metadata

    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance() -> dict:
    """Version, commit, UTC date and the machine, as JSON-able data."""
    import numpy
    import scipy

    from . import __version__

    return {"package": "equilibria", "version": __version__, "commit": git_commit(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "machine": {"platform": platform.platform(), "cpu": cpu_model(), "cores": os.cpu_count(),
                        "python": platform.python_version(), "numpy": numpy.__version__,
                        "scipy": scipy.__version__, "kernel_cpu_level": _kernel_level(),
                        "threads": _threads() or "default", "libraries": library_versions()}}


def provenance_markdown(info: dict) -> str:
    m = info["machine"]
    lines = [f"- package: {info['package']} {info['version']}, commit {info['commit']}",
             f"- date: {info['date']}",
             f"- machine: {m['cpu']}, {m['cores']} cores, {m['platform']}",
             f"- Python {m['python']}, NumPy {m['numpy']}, SciPy {m['scipy']}; kernels at CPU level "
             f"{m['kernel_cpu_level']}; threads {m['threads']}"]
    if m.get("libraries"):
        lines.append("- libraries: " + ", ".join(f"{name} {version}" for name, version in m["libraries"].items()))
    return "\n".join(lines) + "\n"
