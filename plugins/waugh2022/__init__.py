"""Waugh (2022), "Heterogeneous Agent Trade": the static logit model (Appendix A) and the
heterogeneous-agent model (sections 1.2-1.7, Appendices B-C), one plugin behind the parameter
``model`` (see :mod:`.solve`).

``plugin`` is registered under the entry-point group ``equilibria.plugins`` as ``waugh2022``.
"""
from equilibria import Plugin

from .experiments_ha import HA_EXPERIMENTS
from .experiments_static import EXPERIMENTS
from .params import WaughParameters
from .quantities import QUANTITIES
from .solve import solve
from .theorems_ha import HA_THEOREMS
from .theorems_static import THEOREMS

__all__ = ["plugin", "WaughParameters"]

plugin = Plugin(
    name="waugh2022",
    paper='Waugh, M. E. (2022), "Heterogeneous Agent Trade", Federal Reserve Bank of Minneapolis',
    description="Logit choice over national varieties; static model (Appendix A) and heterogeneous agents "
                "(incomplete markets by DC-EGM, hand-to-mouth; goods and bond markets clear)",
    parameters=WaughParameters,
    solve=solve,
    experiments=list(EXPERIMENTS) + HA_EXPERIMENTS,
    theorems=list(THEOREMS) + HA_THEOREMS,
    quantities=QUANTITIES,
)
