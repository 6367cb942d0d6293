"""Waugh (2022), "Heterogeneous Agent Trade": the static logit trade model (Appendix A).

``plugin`` is registered under the entry-point group ``equilibria.plugins`` as ``waugh2022``.
"""
from equilibria import Plugin

from .experiments import EXPERIMENTS, solve_baseline
from .params import WaughParameters
from .theorems import THEOREMS

__all__ = ["plugin", "WaughParameters"]

plugin = Plugin(
    name="waugh2022",
    paper='Waugh, M. E. (2022), "Heterogeneous Agent Trade", Federal Reserve Bank of Minneapolis',
    description="Logit choice over national varieties; goods markets clear with wages (static model, Appendix A)",
    parameters=WaughParameters,
    solve=solve_baseline,
    experiments=EXPERIMENTS,
    theorems=THEOREMS,
)
