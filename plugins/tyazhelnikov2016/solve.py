"""The baseline solve behind ``equilibria solve tyazhelnikov2016``: a population and its free-entry equilibrium."""
from __future__ import annotations

import numpy as np

from equilibria.quantities import scalar_table
from equilibria.results import Result

from .params import EconomyParameters
from .quantities import economy_quantities

__all__ = ["solve"]


def solve(params: EconomyParameters) -> Result:
    """Baseline: simulate the population and compute the free-entry equilibrium of section 4."""
    from .ge import free_entry_report, general_equilibrium
    from .population import CostDistribution, simulate   # scipy.special: imported when first solved

    problem = params.problem()
    pop = simulate(problem, CostDistribution.from_params(params), params.wages, params.n_firms, params.seed)
    ge = general_equilibrium(pop.mc, params.sigma, params.zeta, params.sunk_cost, params.expenditure)
    sol = pop.solution
    data = ge.to_dict()
    data.update(mean_mc=float(sol.mc.mean()), median_mc=float(np.median(sol.mc)),
                share_offshoring=float(np.mean(sol.crossings > 0)), mean_crossings=float(sol.crossings.mean()),
                labor_demand=(pop.labor * (sol.mc ** -params.sigma)[:, None]).mean(axis=0).tolist(),
                n_firms=params.n_firms, report=free_entry_report(pop.mc, ge, params).to_dict())
    quantities = economy_quantities(params.country_names())
    table = scalar_table(data, quantities, caption="Free-entry equilibrium with quasilinear CES demand (section 4.4)")
    return Result(data=data, tables={"equilibrium": table}, quantities=quantities)
