"""kmnt2024: endogenous production networks under supply-chain uncertainty.

Kopytov, Mishra, Nimark and Taschereau-Dumouchel (2024), "Endogenous production networks under
supply chain uncertainty", Econometrica 92(5), 1621-1659 -- as presented in the slides of the seed.

Modules: :mod:`.params` (contract parameters), :mod:`.technology` (shifters, firm choice eq. 12),
:mod:`.network` (fixed network, Lemma 1, eqs. 9-10), :mod:`.planner` (eqs. 14-15),
:mod:`.equilibrium` (decentralized fixed point on the core Economy), :mod:`.statics`
(Propositions 2, 3, 5, Corollary 4), :mod:`.experiments`, :mod:`.theorems`.
"""
from equilibria import Plugin

from .params import KmntParameters
from .solve import solve

__all__ = ["plugin", "KmntParameters", "solve"]


def _experiments():
    from .experiments import EXPERIMENTS

    return EXPERIMENTS


def _theorems():
    from .theorems import THEOREMS

    return THEOREMS


plugin = Plugin(
    name="kmnt2024",
    paper="Kopytov, Mishra, Nimark and Taschereau-Dumouchel (2024), Endogenous production networks under "
          "supply chain uncertainty, Econometrica 92(5)",
    description="Firms choose input shares before sectoral TFP shocks realise; the efficient network solves a "
                "planner's problem over Domar weights and the decentralized equilibrium matches it.",
    parameters=KmntParameters,
    solve=solve,
    experiments=_experiments(),
    theorems=_theorems(),
    doc="docs/plugins/kmnt2024.md",
)
