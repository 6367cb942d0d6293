"""Yu (2019), dissertation chapter 2, "Endogenous Irreversibility and Capital Reallocation under
Information Asymmetry": the one-period model of section 2.3 (lemons in the used-capital market,
a CES bundle of new and used investment goods) — the plugin's baseline — and the full model of
section 2.4 (experiment ``steady_state``) and its transitions after TFP shocks (section 2.5.2, experiments ``irf``
and ``efficiency``).

``plugin`` is registered under the entry-point group ``equilibria.plugins`` as ``yu2019_reallocation``.
"""
from equilibria import Experiment, Plugin

from .experiments_dynamics import TransitionParameters, run_efficiency, run_irf
from .experiments_full import run_steady_state
from .experiments_oneperiod import run_oneperiod, solve_one_period_result
from .params import OnePeriodParameters, ReallocationParameters
from .quantities import QUANTITIES
from .theorems import THEOREMS

__all__ = ["plugin", "OnePeriodParameters", "ReallocationParameters"]

plugin = Plugin(
    name="yu2019_reallocation",
    paper='Yu, H. (2019), "Essays on Frictions and Economic Fluctuations", PhD dissertation, University of '
          'Maryland, chapter 2: "Endogenous Irreversibility and Capital Reallocation under Information Asymmetry"',
    description="Capital reallocation with lemons and a CES bundle of new and used capital: one-period model "
                "(every equilibrium, stability); full model with entrepreneurs (EGM with upper envelope), its "
                "stationary equilibrium and its transitions after TFP shocks (sequence space, fake-news Jacobian)",
    parameters=OnePeriodParameters,
    solve=solve_one_period_result,
    experiments=[
        Experiment(name="oneperiod", description="Section 2.3: every equilibrium (p, λ_M) at Z; p, λ_M and "
                                                 "reallocation as functions of Z", run=run_oneperiod,
                   headline=True, parameters=OnePeriodParameters),
        Experiment(name="steady_state", description="Section 2.4-2.5: stationary equilibrium of the full model "
                                                    "(p, λ_M, w, R) beside Table 2.2 (takes minutes)",
                   run=run_steady_state, parameters=ReallocationParameters),
        Experiment(name="irf", description="Section 2.5.2, Figures 2.1-2.3: transition after TFP shocks of -1.00% and "
                                           "-0.90%, with lemons and without (λ = 0); prices clear every market "
                                           "every period (takes minutes)",
                   run=run_irf, parameters=TransitionParameters),
        Experiment(name="efficiency", description="Section 2.5.2, Figures 2.4-2.6: mean MPK ratio and endogenous "
                                                  "TFP along the same transitions (takes minutes)",
                   run=run_efficiency, parameters=TransitionParameters),
    ],
    theorems=THEOREMS,
    quantities=QUANTITIES,
)
