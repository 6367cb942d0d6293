"""Krusell and Smith (1998) in sequence space: incomplete markets with aggregate capital, the
calibration of Auclert, Bardóczy, Rognlie and Straub (2021); impulse responses to productivity.

Built from the core's household toolkit (:mod:`equilibria.household`) and transition solver
(:mod:`equilibria.dynamics.transition`). ``plugin`` is registered as ``krusell_smith``.
Modules: :mod:`.params`, :mod:`.model` (households, firms, the calibrated steady state, the
sequence-space model), :mod:`.quantities` (labels and units), :mod:`.experiments`, :mod:`.theorems`.
"""
from equilibria import Plugin

from .experiments import EXPERIMENTS, solve_baseline
from .params import ImpulseParameters, KrusellSmithParameters
from .theorems import THEOREMS

__all__ = ["plugin", "KrusellSmithParameters", "ImpulseParameters"]

plugin = Plugin(
    name="krusell_smith",
    paper='Krusell, P. and Smith, A. A. (1998), "Income and Wealth Heterogeneity in the Macroeconomy", JPE; '
          'calibration and method of Auclert, Bardóczy, Rognlie and Straub (2021), Econometrica',
    description="Incomplete-markets households save in capital; calibrated steady state, sequence-space "
                "Jacobians and linear/nonlinear impulse responses to a productivity shock",
    parameters=KrusellSmithParameters,
    solve=solve_baseline,
    experiments=EXPERIMENTS,
    theorems=THEOREMS,
    doc="docs/plugins/krusell_smith.md",
)
