"""techcompat: technology compatibility in a multi-country production network.

Slides "Technology compatibility, trade and the decoupling effect of an embargo" (the seed):
firms choose a horizontal technology position theta; sourcing efficiency decays with the
technology distance to suppliers; trade shocks move technologies apart.

Modules: :mod:`.params`, :mod:`.model` (grid, kernels, constants), :mod:`.technology`
(technology equilibrium at given wages), :mod:`.accounts` (flows), :mod:`.equilibrium`
(wages on the core Economy), :mod:`.quadratic` (quadratic-normal solver), :mod:`.measurement`
(citation shares), :mod:`.calibration`, :mod:`.caliendo_parro` (the t_bar = 0 benchmark),
:mod:`.externality` (planner and spillover propositions), :mod:`.experiments`, :mod:`.theorems`.
"""
from equilibria import Plugin

from .params import TechParameters
from .solve import solve

__all__ = ["plugin", "TechParameters", "solve"]


def _experiments():
    from .experiments import EXPERIMENTS

    return EXPERIMENTS


def _theorems():
    from .theorems import THEOREMS

    return THEOREMS


plugin = Plugin(
    name="techcompat",
    paper="Technology compatibility, trade and the decoupling effect of a trade embargo (slides)",
    description="N regions x S sectors; firms choose a technology position; sourcing efficiency falls with the "
                "technology distance to suppliers; an embargo decouples technologies.",
    parameters=TechParameters,
    solve=solve,
    experiments=_experiments(),
    theorems=_theorems(),
    doc="docs/plugins/techcompat.md",
)
