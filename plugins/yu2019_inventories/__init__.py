"""yu2019_inventories: inventories and marginal cost under rational inattention versus Calvo pricing.

Hsuan Yu (2019), "Essays on Frictions and Economic Fluctuations", PhD dissertation, University of
Maryland, chapter 1 and appendix A.

Modules: :mod:`.params` (Table 1.1), :mod:`.stockout` (taste-shock algebra, 1.16-1.20, A.2),
:mod:`.steady_state` (A.3), ``inventories.toml`` with :mod:`.model` (section 1.3 as an
:mod:`equilibria.dynamics` model), :mod:`.profit` (Hessians, A.4), :mod:`.rational_inattention`
(1.34-1.38), :mod:`.sequence` and :mod:`.ri_equilibrium` (A.5), :mod:`.estimation` (1.43),
:mod:`.experiments`, :mod:`.theorems`.
"""
from equilibria import Plugin

from .params import InventoryParameters
from .quantities import QUANTITIES
from .solve import solve

__all__ = ["plugin", "InventoryParameters", "solve"]


def _experiments():
    from .experiments import EXPERIMENTS

    return EXPERIMENTS


def _theorems():
    from .theorems import THEOREMS

    return THEOREMS


plugin = Plugin(
    name="yu2019_inventories",
    paper="Hsuan Yu (2019), Essays on Frictions and Economic Fluctuations, chapter 1: the behavior of "
          "inventories and marginal cost under rational inattention",
    description="A DSGE with inventories, stock-outs, sticky wages and a Taylor rule; firms face either Calvo "
                "prices or rational inattention; impulse-response matching estimation.",
    parameters=InventoryParameters,
    solve=solve,
    experiments=_experiments(),
    theorems=_theorems(),
    doc="docs/plugins/yu2019_inventories.md",
    quantities=QUANTITIES,
)
