"""The ``equilibria`` command line.

Exit status: 0 success; 1 a theorem failed or a replication step failed; 2 bad input (one line
naming the parameter and the rule); 3 a solver did not converge or a result is not finite; 130
interrupted. User errors never print a traceback (see :mod:`equilibria.failures`).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .executors_cli import cli_executor, executor_options

from .failures import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_NOT_CONVERGED, user_errors  # noqa: F401


def _load_parameters(cls, params_file, overrides):
    return cls.load(params_file, overrides)


def _emit(result, as_json: bool, out, echo_tables: bool = True):
    from .results import check_finite, result_markdown, to_jsonable, write_result

    check_finite(result.data)
    if out is not None:
        written = write_result(result, out)
        if not as_json:
            click.echo(f"wrote {', '.join(str(p) for p in written.values())}", err=True)
    if as_json:
        click.echo(json.dumps(to_jsonable(result.data)))
    elif echo_tables:
        click.echo(result_markdown(result).rstrip() or json.dumps(to_jsonable(result.data), indent=2))


params_option = click.option("--params", "params_file", type=click.Path(path_type=Path),
                             help="JSON or TOML file of parameter values.")
set_option = click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
                          help="Override one parameter; VALUE is JSON (numbers, lists, matrices). Repeatable.")
out_option = click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                          help="Folder for result.json, result.md and PNG figures.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
dry_run_option = click.option("--dry-run", is_flag=True,
                              help="Only check the parameters: exit 0 if they are valid, 2 (naming one) if not.")


def _dry_run_answer(params, as_json: bool) -> None:
    click.echo(json.dumps({"valid": True, "parameters": type(params).__name__}) if as_json else "parameters are valid")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="equilibria")
@click.option("--threads", type=click.IntRange(min=1), default=None, metavar="N",
              help="Threads of the compiled kernels above their work thresholds (default: EQUILIBRIA_THREADS, "
                   "else every CPU); small problems always run on one.")
def main(threads):
    """Equilibria of economic models: solve papers' models, run their experiments, check their theorems."""
    if threads is not None:
        from .threads import set_threads

        set_threads(threads)


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@user_errors
def list_plugins(as_json):
    """Discovered plugins, their papers and experiments."""
    from .registry import discover

    plugins, failures = discover(strict=False)
    if as_json:
        click.echo(json.dumps({name: {"paper": p.paper, "description": p.description,
                                      "experiments": [e.name for e in p.experiments],
                                      "theorems": [t.name for t in p.theorems]} for name, p in plugins.items()}))
        return
    if not plugins:
        click.echo("no plugins installed (entry-point group 'equilibria.plugins')")
    for name, plugin in plugins.items():
        click.echo(f"{name}: {plugin.description}")
        click.echo(f"    paper:       {plugin.paper}")
        for experiment in plugin.experiments:
            star = "*" if experiment.headline else " "
            click.echo(f"    experiment{star} {experiment.name}: {experiment.description}")
        click.echo(f"    theorems:    {', '.join(t.name for t in plugin.theorems) or 'none'}")
    click.echo("(* = part of `equilibria replicate`)")
    for exc in failures.values():
        click.echo(f"error: {exc}", err=True)
    if failures:
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("plugin_name", metavar="PLUGIN")
@click.option("--experiment", help="Show the parameters of this experiment instead of the plugin's.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@user_errors
def show(plugin_name, experiment, as_json):
    """Parameters of PLUGIN with defaults, units and descriptions."""
    from .registry import get_plugin
    from .results import to_jsonable

    plugin = get_plugin(plugin_name)
    cls = plugin.parameters
    if experiment:
        cls = plugin.experiment(experiment).parameters or cls
    rows = cls.describe()
    if as_json:
        click.echo(json.dumps(to_jsonable(rows)))
        return
    click.echo(f"{plugin.name} — {plugin.paper}\n")
    for row in rows:
        unit = f" [{row['unit']}]" if row["unit"] else ""
        click.echo(f"{row['name']}{unit}\n    default: {json.dumps(to_jsonable(row['default']))}\n"
                   f"    {row['description']}")


@main.command()
@click.argument("plugin_name", metavar="PLUGIN")
@params_option
@set_option
@out_option
@json_option
@dry_run_option
@user_errors
def solve(plugin_name, params_file, overrides, out, as_json, dry_run):
    """Solve the baseline economy of PLUGIN."""
    from .registry import get_plugin

    plugin = get_plugin(plugin_name)
    params = _load_parameters(plugin.parameters, params_file, overrides)
    if dry_run:
        return _dry_run_answer(params, as_json)
    _emit(plugin.labelled(plugin.solve(params)), as_json, out)


@main.command()
@click.argument("plugin_name", metavar="PLUGIN")
@click.argument("experiment_name", metavar="EXPERIMENT")
@params_option
@set_option
@out_option
@json_option
@click.option("--progress/--no-progress", default=None, help="Show progress (default: when stderr is a terminal).")
@executor_options
@dry_run_option
@user_errors
def run(plugin_name, experiment_name, params_file, overrides, out, as_json, progress, executor, workers, scheduler,
        dry_run):
    """Run the experiment EXPERIMENT of PLUGIN."""
    from .registry import get_plugin

    plugin = get_plugin(plugin_name)
    experiment = plugin.experiment(experiment_name)
    params = _load_parameters(experiment.parameters or plugin.parameters, params_file, overrides)
    if dry_run:
        return _dry_run_answer(params, as_json)
    progress = sys.stderr.isatty() if progress is None else progress
    with cli_executor(executor, workers, scheduler) as pool:
        result = experiment.run(params, {"out": out, "progress": progress, "executor": pool})
    _emit(plugin.labelled(result), as_json, out)


@main.command()
@click.argument("plugin_name", metavar="PLUGIN")
@click.option("--examples", default=50, show_default=True, type=click.IntRange(1, 100000),
              help="Hypothesis examples per theorem.")
@click.option("--theorem", "only", multiple=True, help="Check only this theorem (repeatable).")
@click.option("--seed", type=int, help="Seed Hypothesis for a reproducible search.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@executor_options
@click.option("--cli", "command_line", is_flag=True,
              help="Instead of the theorems, check the command line itself: hostile values of every parameter of "
                   "every command of PLUGIN must give exit 0 with finite JSON, 2 naming the parameter, or 3.")
@click.option("--case-seconds", default=60.0, show_default=True, type=click.FloatRange(0.1, 86400),
              help="With --cli: time limit of one case.")
@user_errors
def check(plugin_name, examples, only, seed, as_json, executor, workers, scheduler, command_line, case_seconds):
    """Search for counterexamples to PLUGIN's theorems with Hypothesis."""
    from .registry import get_plugin
    from .results import to_jsonable
    from .validation import check_theorem, use_hypothesis_cache_folder

    use_hypothesis_cache_folder()
    plugin = get_plugin(plugin_name)
    theorems = [plugin.theorem(name) for name in only] if only else list(plugin.theorems)
    if command_line:
        from .hostile import cli_theorem

        theorems = [cli_theorem(plugin, time_limit=case_seconds)]
    with cli_executor(executor, workers, scheduler) as pool:
        if pool.parallel and not command_line:  # one task per theorem; printed when all are back
            checked = plugin.check_theorems([t.name for t in theorems], examples=examples, seed=seed, executor=pool)
        else:
            checked = (check_theorem(theorem, examples=examples, seed=seed) for theorem in theorems)
        outcomes = []
        for theorem, outcome in zip(theorems, checked):
            outcomes.append(outcome)
            if as_json:
                continue
            if outcome.held:
                click.echo(f"held    {theorem.name} ({outcome.examples} examples, {outcome.seconds:.1f} s) "
                           f"— {theorem.reference}")
            else:
                click.echo(f"FAILED  {theorem.name} — {theorem.reference}\n    {outcome.message}\n"
                           f"    counterexample: {json.dumps(to_jsonable(outcome.counterexample), default=repr)}")
    if as_json:
        click.echo(json.dumps([o.to_dict() for o in outcomes], default=repr))
    if not all(o.held for o in outcomes):
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("plugin_names", nargs=-1, metavar="[PLUGIN]...")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("report"),
              show_default=True, help="Folder for the report.")
@click.option("--examples", default=20, show_default=True, type=click.IntRange(0, 100000),
              help="Hypothesis examples per theorem in the report (0: skip theorem checks).")
@click.option("--progress/--no-progress", default=True, help="Show progress on stderr.")
@executor_options
@user_errors
def replicate(plugin_names, out, examples, progress, executor, workers, scheduler):
    """The main job: every plugin's baseline, headline experiments and theorems into a report."""
    from .replication import replicate as run_replication
    from .validation import use_hypothesis_cache_folder

    use_hypothesis_cache_folder()
    started = time.perf_counter()
    with cli_executor(executor, workers, scheduler) as pool:
        summary = run_replication(plugin_names, out, examples=examples, progress=progress, executor=pool)
    click.echo(f"report: {summary['report']} ({time.perf_counter() - started:.0f} s; "
               f"{summary['failed']} of {summary['steps']} steps failed)", err=True)
    if summary["failed"]:
        sys.exit(EXIT_FAILED)


if __name__ != "__main__":  # under python -m, the imported equilibria.cli registers it
    from .dynamics.cli import dsge  # noqa: E402  (imports click only; the model code loads on use)

    main.add_command(dsge)


if __name__ == "__main__":  # pragma: no cover  (python -m equilibria.cli: run the imported module's group)
    from equilibria.cli import main as _imported_main

    _imported_main()
