"""``equilibria replicate``: every plugin's baseline, headline experiments and theorems, as a report.

The report folder holds ``report.md`` (tables inline, figures linked), ``report.json`` (status,
timings and every result's data) and one sub-folder per plugin and step with that step's
``result.json``, ``result.md`` and PNG figures. A failing step is recorded (with its traceback in
``error.txt``) and the run goes on; the command exits non-zero if any step failed. The report is
written to a staging folder and put in place as a whole when the run ends, so an interrupted run
leaves the previous report (or none), never a partial one.

Steps run one after the other; the parallel work inside a step (an experiment's draws and
sweeps, the theorem checks) goes through one executor shared by the whole run.
"""
from __future__ import annotations

import json
import re
import shutil
import sys
import time
import traceback
from pathlib import Path

from .provenance import provenance, provenance_markdown
from .quantities import unlabelled
from .registry import discover, get_plugin
from .results import (Table, atomic_write_json, atomic_write_text, check_finite, holds_cwd, install_folder,
                      result_markdown, stage_folder, to_jsonable, write_result)

__all__ = ["replicate"]


def _steps(plugin, examples, executor):
    """(step name, parameters object or settings, function) for every step of ``plugin``."""
    params = plugin.parameters()
    yield "baseline", params, lambda p=params: plugin.labelled(plugin.solve(p))
    for experiment in plugin.experiments:
        if experiment.headline:
            params = (experiment.parameters or plugin.parameters)()
            yield experiment.name, params, (lambda e=experiment, p=params: plugin.labelled(e.run(
                p, {"out": None, "progress": False, "executor": executor})))
    if examples and plugin.theorems:
        settings = {"examples": examples, "hypothesis": "derandomized (fixed seed)"}
        yield "theorems", settings, lambda: plugin.check_theorems(examples=examples, derandomize=True,
                                                                  executor=executor)


#: What the settings of a theorem step mean.
_THEOREM_SETTINGS = {"examples": {"unit": "count", "description": "Hypothesis examples per theorem"},
                     "hypothesis": {"unit": "", "description": "how examples are drawn"}}


def _labels(params) -> dict:
    """Unit and description of every parameter (``Parameters.describe``), by name."""
    if isinstance(params, dict):
        return {name: _THEOREM_SETTINGS.get(name, {"unit": "", "description": ""}) for name in params}
    try:
        return {row["name"]: {"unit": row["unit"], "description": row["description"]}
                for row in type(params).describe()}
    except Exception:  # a parameters object without describe: names only
        return {}


def _import_plugin_modules(name: str) -> float:
    """Import every module of plugin ``name`` (and the kernels they load) before any step is timed.

    Returns the seconds that took, so that the steps' times are computing time, not one-time imports.
    """
    import importlib
    import pkgutil

    started = time.perf_counter()
    try:
        package = importlib.import_module(f"equilibria.plugins.{name}")
        for module in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{package.__name__}."):
            if module.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(module.name)
            except Exception:  # a module that fails to import fails its step later, with the traceback
                pass
    except Exception:
        pass
    return time.perf_counter() - started


def _values(params) -> dict:
    """Every parameter value (seeds included) of a parameters object, JSON-able."""
    try:
        return to_jsonable(params.to_dict())
    except Exception:  # a parameters object without to_dict: its attrs fields
        import attrs

        return to_jsonable(attrs.asdict(params)) if attrs.has(type(params)) else {"repr": repr(params)}


def replicate(plugin_names=(), out="report", examples: int = 20, progress: bool = True, executor=None,
              workers: int | None = None, scheduler: str | None = None) -> dict:
    """Run the replication and write the report; returns a summary dict.

    ``executor`` (an :class:`~equilibria.parallel.Executor`, left open, or a name built with
    ``workers`` and ``scheduler`` for this run; see :func:`equilibria.parallel.make_executor`)
    runs the parallel work of every step.
    """
    from .parallel import executor_scope

    with executor_scope(executor, workers, scheduler) as pool:
        return _replicate(plugin_names, out, examples, progress, pool)


def _replicate(plugin_names, out, examples, progress, executor) -> dict:
    out = Path(out)
    plugins = {name: get_plugin(name) for name in plugin_names} if plugin_names else discover()
    if holds_cwd(out):  # the working folder is written in place, never swapped away
        out.mkdir(parents=True, exist_ok=True)
        return _run_steps(plugins, out, examples, progress, executor)
    stage = stage_folder(out)
    try:
        summary = _run_steps(plugins, stage, examples, progress, executor)
        install_folder(stage, out)
    except BaseException:  # an interrupted run leaves no report that looks complete
        shutil.rmtree(stage, ignore_errors=True)
        raise
    summary["report"] = str(out / "report.md")
    return summary


def _run_steps(plugins, out, examples, progress, executor) -> dict:
    """Every step into the staging folder ``out``; returns the summary."""
    from tqdm import tqdm

    info = provenance()
    plan = [(name, step, params, fn) for name, plugin in plugins.items()
            for step, params, fn in _steps(plugin, examples, executor)]
    records, markdown = [], ["# equilibria replication report\n", provenance_markdown(info)]
    current = None
    interactive = progress and sys.stderr.isatty()
    bar = tqdm(plan, desc="replicate", unit="step", disable=not interactive, file=None)
    for index, (name, step, params, fn) in enumerate(bar, 1):
        used = params if isinstance(params, dict) else _values(params)
        labels = _labels(params)
        bar.set_postfix_str(f"{name}: {step}")
        if progress and not interactive:  # a log file gets plain lines, not a redrawn bar
            print(f"replicate [{index}/{len(plan)}] {name}: {step}", file=sys.stderr, flush=True)
        if name != current:
            current = name
            plugin = plugins[name]
            markdown.append(f"\n## {name}\n\n{plugin.paper}\n\n{plugin.description}\n")
            import_seconds = _import_plugin_modules(name)
        folder = out / name / step
        started = time.perf_counter()
        record = {"plugin": name, "step": step, "parameters": used, "parameter_units": labels}
        if step == "baseline":
            record["import_seconds"] = import_seconds
        try:
            produced = fn()
            record["seconds"] = time.perf_counter() - started
            if step == "theorems":
                outcomes = produced
                record["status"] = "ok" if all(o.held for o in outcomes) else "failed"
                record["theorems"] = [o.to_dict() for o in outcomes]
                table = Table(columns=["theorem", "held", "examples", "time", "counterexample / message"],
                              units=["", "", "count", "s", ""],
                              rows=[[o.name, o.held, o.examples, o.seconds, o.message or ""] for o in outcomes],
                              caption="Hypothesis search for counterexamples (derandomized).")
                atomic_write_json(folder / "result.json", record["theorems"])
                markdown.append(f"### Theorems\n\n{table.to_markdown()}\n")
            else:
                check_finite(produced.data, f"{name} {step}:")
                written = write_result(produced, folder)
                record["status"] = "ok"
                record["data"] = to_jsonable(produced.data)
                record["comparisons"] = [c.to_dict() for c in produced.comparisons]
                record["quantities"] = {path: q.to_dict() for path, q in produced.quantities.items()}
                record["unlabelled"] = unlabelled(produced.data, produced.quantities)
                body = result_markdown(produced, {k: Path(step) / Path(v).name for k, v in written.items()}, level=4)
                title = "Baseline" if step == "baseline" else f"Experiment `{step}`"
                markdown.append(f"### {title}\n\n{body}\n{_parameters_markdown(used, labels)}")
        except Exception as exc:  # a failing step is reported, the others still run
            record.update(status="failed", seconds=time.perf_counter() - started,
                          error=f"{type(exc).__name__}: {exc}")
            atomic_write_text(folder / "error.txt", traceback.format_exc())
            markdown.append(f"### `{step}` FAILED\n\n`{type(exc).__name__}: {exc}`\n")
        records.append(record)
    bar.close()
    _relink(markdown, out)
    failed = sum(r["status"] != "ok" for r in records)
    lines = "\n".join(markdown)
    report = atomic_write_text(out / "report.md", lines + f"\n\n---\n{len(records) - failed} of {len(records)} "
                                                          f"steps succeeded.{_labels_summary(records)}\n")
    atomic_write_json(out / "report.json", {"provenance": info, "steps": records})
    return {"report": str(report), "steps": len(records), "failed": failed, "records": records}


def _labels_summary(records) -> str:
    """A sentence naming the steps whose results report numbers without a label and a unit."""
    missing = [f"{r['plugin']} {r['step']} ({len(r['unlabelled'])})" for r in records if r.get("unlabelled")]
    if not missing:
        return ""
    return (f" Numbers without a declared label and unit (listed under `unlabelled` in report.json): "
            f"{', '.join(missing)}.")


def _parameters_markdown(used: dict, labels: dict | None = None) -> str:
    """The parameter values of a step as a collapsed table with units and meanings (long arrays shortened)."""
    labels = labels or {}
    rows, shortened = [], ""
    for key, value in used.items():
        text = json.dumps(value)
        if len(text) > 120:
            text, shortened = text[:117] + "...", " (long values shortened; report.json has them in full)"
        label = labels.get(key, {})
        rows.append([f"`{key}`", text, label.get("unit") or "—", label.get("description") or "—"])
    table = Table(columns=["parameter", "value", "unit", "meaning"], rows=rows)
    return f"<details><summary>Parameters used{shortened}</summary>\n\n{table.to_markdown()}\n\n</details>\n"


_FIGURE_LINK = re.compile(r"(!\[[^\]]*\]\()(?![a-z]+:|/)")


def _relink(markdown: list[str], out: Path) -> None:
    """Figure links in step results are relative to the step folder; make them relative to the report.

    Links to the plugins' docs pages (``docs/plugins/...``) become paths into the source tree when it
    holds the docs.
    """
    current = None
    for k, text in enumerate(markdown):
        if text.startswith("\n## "):
            current = text.split("\n")[1][3:].strip()
        elif current and "](" in text:
            markdown[k] = _FIGURE_LINK.sub(lambda m: f"{m.group(1)}{current}/", text)
    docs = Path(__file__).resolve().parent.parent / "docs"
    if docs.is_dir():  # links to the plugins' docs pages point into this source tree
        markdown[:] = [text.replace("](docs/plugins/", f"]({docs.as_posix()}/plugins/") for text in markdown]
