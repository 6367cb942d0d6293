"""Plugins, their experiments, and discovery through the entry-point group ``equilibria.plugins``.

A plugin package exposes a :class:`Plugin` instance and registers it in its own packaging::

    entry_points={"equilibria.plugins": ["mymodel = mypackage.mymodel:plugin"]}

Plugins are discovered only through that group, this repository's own included.
"""
from __future__ import annotations

from importlib import metadata
from typing import Any, Callable, Mapping, Sequence

import attrs

from .errors import ParameterError

__all__ = ["Plugin", "Experiment", "ENTRY_POINT_GROUP", "discover", "get_plugin", "PluginLoadError"]

ENTRY_POINT_GROUP = "equilibria.plugins"


class PluginLoadError(RuntimeError):
    """A registered plugin could not be imported or is not a :class:`Plugin`."""


@attrs.frozen(kw_only=True)
class Experiment:
    """A named experiment: one of the paper's tables or figures, or a counterfactual.

    ``run(params, options)`` returns a :class:`~equilibria.results.Result`. ``options`` holds
    command-line settings (``out``: folder or None, ``progress``: bool, ``executor``: the
    :class:`~equilibria.parallel.Executor` every embarrassingly parallel loop goes through; read
    it with :func:`equilibria.parallel.executor_of`, never build or close one in an experiment).
    ``parameters`` is the parameter class read by ``--params``/``--set`` when it differs from the
    plugin's. ``headline`` experiments are part of ``equilibria replicate``.
    """

    name: str
    description: str
    run: Callable[[Any, Mapping[str, Any]], Any]
    headline: bool = False
    parameters: type | None = None

    def __call__(self, params=None, *, executor=None, workers: int | None = None, scheduler: str | None = None,
                 out=None, progress: bool = False):
        """Run from Python: ``experiment(params, executor="dask", scheduler="tcp://host:8786")``.

        ``params`` defaults to the experiment's parameter class with its defaults (pass it when
        the experiment uses the plugin's class, whose defaults this method cannot see).
        ``executor`` is an :class:`~equilibria.parallel.Executor` (left open) or a name built
        with ``workers`` and ``scheduler`` for this call (see
        :func:`equilibria.parallel.make_executor`).
        """
        from .parallel import executor_scope

        if params is None:
            if self.parameters is None:
                raise ParameterError("params", f"experiment {self.name!r} uses its plugin's parameters: pass them")
            params = self.parameters()
        with executor_scope(executor, workers, scheduler) as ex:
            return self.run(params, {"out": out, "progress": progress, "executor": ex})


@attrs.frozen(kw_only=True)
class Plugin:
    """A paper's model: parameters, a baseline solve, experiments and theorems."""

    name: str
    paper: str
    description: str
    parameters: type
    solve: Callable[[Any], Any]
    experiments: Sequence[Experiment] = ()
    theorems: Sequence[Any] = ()
    doc: str = ""
    #: Labels and units of the numbers the plugin's results report, by data path (see
    #: :mod:`equilibria.quantities`): declared once for the baseline and every experiment; a
    #: result's own ``quantities`` take precedence.
    quantities: Mapping[str, Any] = attrs.field(factory=dict)

    def labelled(self, result):
        """``result`` with the plugin's :attr:`quantities` that occur in its data added to its own."""
        from .quantities import present
        from .results import Result

        if self.quantities and isinstance(result, Result):
            result.quantities = {**present(result.data, self.quantities), **result.quantities}
        return result

    def experiment(self, name: str) -> Experiment:
        for experiment in self.experiments:
            if experiment.name == name:
                return experiment
        known = ", ".join(e.name for e in self.experiments) or "none"
        raise ParameterError("EXPERIMENT", f"{self.name} has no experiment {name!r} (known: {known})")

    def theorem(self, name: str):
        for theorem in self.theorems:
            if theorem.name == name:
                return theorem
        known = ", ".join(t.name for t in self.theorems) or "none"
        raise ParameterError("--theorem", f"{self.name} has no theorem {name!r}; known theorems: {known}")

    def check_theorems(self, names: Sequence[str] = (), examples: int = 50, seed: int | None = None,
                       derandomize: bool = False, executor=None) -> list:
        """Search for counterexamples to the named theorems (default all), one task per theorem.

        With a parallel executor each theorem is checked in a worker, which looks the plugin up
        by name among the installed plugins (theorems hold functions that need not pickle).
        Returns :class:`~equilibria.validation.TheoremOutcome` objects in the order of ``names``.
        """
        import functools

        from .parallel import executor_of

        theorems = [self.theorem(name) for name in names] if names else list(self.theorems)
        executor = executor_of({"executor": executor})
        if not executor.parallel or self.name not in plugin_names():
            from .validation import check_theorem

            return [check_theorem(t, examples=examples, seed=seed, derandomize=derandomize) for t in theorems]
        task = functools.partial(_check_installed_theorem, self.name, examples=examples, seed=seed,
                                 derandomize=derandomize)
        return executor.map(task, [t.name for t in theorems])


def _check_installed_theorem(plugin_name: str, theorem_name: str, examples: int, seed, derandomize: bool):
    """One theorem of an installed plugin, checked where this runs (a worker process)."""
    from .validation import check_theorem

    return check_theorem(get_plugin(plugin_name).theorem(theorem_name), examples=examples, seed=seed,
                         derandomize=derandomize)


def _entry_points():
    return sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def plugin_names() -> list[str]:
    """Names registered in the entry-point group (without importing the plugins)."""
    return [ep.name for ep in _entry_points()]


def _load(entry_point) -> Plugin:
    try:
        plugin = entry_point.load()
    except Exception as exc:
        raise PluginLoadError(f"plugin {entry_point.name!r} ({entry_point.value}) failed to load: "
                              f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(plugin, Plugin):
        raise PluginLoadError(f"plugin {entry_point.name!r} ({entry_point.value}) is not an equilibria.Plugin")
    return plugin


def discover(strict: bool = True):
    """Every plugin registered under ``equilibria.plugins``, by name.

    With ``strict=False`` a plugin that fails to load does not stop the others: the return value
    is ``(plugins, failures)`` with ``failures`` mapping names to :class:`PluginLoadError`.
    """
    plugins, failures = {}, {}
    for entry_point in _entry_points():
        try:
            plugins[entry_point.name] = _load(entry_point)
        except PluginLoadError as exc:
            if strict:
                raise
            failures[entry_point.name] = exc
    return plugins if strict else (plugins, failures)


def get_plugin(name: str) -> Plugin:
    """The plugin registered as ``name``; ``ParameterError`` if there is none."""
    for entry_point in _entry_points():
        if entry_point.name == name:
            return _load(entry_point)
    known = ", ".join(plugin_names()) or "none installed"
    raise ParameterError("PLUGIN", f"no plugin named {name!r} (known: {known})")
