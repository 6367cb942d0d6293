"""Parameter classes of the tyazhelnikov2016 plugin.

* :class:`FirmParameters` -- one firm's problem (section 2), read by ``equilibria run
  tyazhelnikov2016 firm --params FILE``;
* :class:`EconomyParameters` -- a population of firms with random costs and the general
  equilibrium of section 4, used by ``solve`` and the other experiments.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria.errors import ParameterError
from equilibria.params import (Parameters, as_float, as_float_array, as_int, as_int_array, as_names, as_str, at_most,
                               max_length, ndim, nonnegative, one_of, param, positive, require_memory)

from .firm import TARIFFS, FirmProblem

__all__ = ["FirmParameters", "EconomyParameters", "DISTRIBUTIONS"]

DISTRIBUTIONS = ("pareto", "frechet", "lognormal", "gengamma")

_PROP4_COSTS = [[4.0, 10.0], [4.0, 2.0], [4.0, 5.0], [4.0, 2.0], [4.0, 10.0]]
MAX_STAGES = 10_000
MAX_COUNTRIES = 1_000
MAX_FIRMS = 10 ** 9            # and the memory the firms' costs need (require_memory)
_optional = attrs.converters.optional


@attrs.frozen(kw_only=True)
class FirmParameters(Parameters):
    """One firm's cost-minimisation problem (eq. 1-9; section 3.3 for the destination).

    Indices are 0-based.  ``costs[v][j]`` is the cost of node ``v`` in country ``j``;
    ``trade_costs[j][k]`` the cost of moving a part from country ``j`` (upstream) to ``k``.
    The default is the example of Proposition 4 at ``tau = 1``.
    """

    costs = param(factory=lambda: [row[:] for row in _PROP4_COSTS], converter=as_float_array, validator=ndim(2),
                  unit="cost units",
                  description="production costs a[v][j], nodes x countries (a chain: stages in production order)")
    trade_costs = param(factory=lambda: [[0.0, 1.0], [1.0, 0.0]], converter=as_float_array,
                        unit="cost units per crossing (before tau)",
                        description="T[j][k]: cost of moving a part from country j to country k; zero diagonal")
    tau = param(1.0, converter=as_float_array,
                unit="1 (multiplier of the trade costs T)",
                description="trade-cost multiplier tau (a number, or one per node for stage-dependent tau_i)")
    parents = param(None, converter=_optional(as_int_array),
                    unit="node index (0-based)",
                    description="tree: parents[v] is the node v is assembled into, -1 for the final node; "
                                "default the chain 0 -> 1 -> ... -> N-1")
    tariff = param("unit", converter=as_str, validator=one_of(*TARIFFS),
                   description="'unit' (eq. 1, 5) or 'ad_valorem' (eq. 7-9: crossings scale with the value crossing)")
    destination = param(None, converter=_optional(as_int),
                        unit="country index (0-based)",
                        description="country the final good is shipped to (section 3.3); none: third country")
    final_trade_costs = param(None, converter=_optional(as_float_array),
                              unit="cost units per shipment (before tau_final)",
                              description="T^F[c][d]: final-good shipment costs; default trade_costs")
    tau_final = param(None, converter=_optional(as_float_array),
                      unit="1 (multiplier of T^F)",
                      description="tau^F: multiplier of the final-good shipment cost; default tau")

    def check(self):
        problem = self.problem()
        problem.check_costs(self.costs)

    def problem(self) -> FirmProblem:
        try:
            costs = np.asarray(self.costs, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError("costs", "must be a rectangular nodes x countries array of numbers", self.costs) from None
        if costs.ndim != 2:
            raise ParameterError("costs", "must be a nodes x countries matrix", self.costs)
        T = np.asarray(self.trade_costs, dtype=object)
        if T.ndim == 2 and T.shape[0] != costs.shape[1]:
            raise ParameterError("trade_costs", f"must be {costs.shape[1]} x {costs.shape[1]} (one row per country of costs)",
                                 self.trade_costs)
        return FirmProblem.create(costs.shape[0], self.trade_costs, self.tau, self.parents, self.tariff,
                                  self.destination, self.final_trade_costs, self.tau_final)


def _default_trade_costs(m):
    return (np.ones((m, m)) - np.eye(m)).tolist()


@attrs.frozen(kw_only=True)
class EconomyParameters(Parameters):
    """A population of firms (section 4.2) and the general equilibrium of section 4.

    Costs: every firm draws ``N x M`` i.i.d. costs ``scale * X`` with ``X`` from
    ``distribution(shape)`` (scipy.stats), and country ``j``'s draws are multiplied by its
    relative wage ``wages[j]`` (section 5.3: ``F_C = w F_W``).  The defaults are Table 1's
    2000 estimates (Pareto, shape 0.42, scale 0.13, tau 0.49, w 1.18, sigma 4, zeta 0.5).
    """

    n_stages = param(10, converter=as_int, validator=[positive, at_most(MAX_STAGES)], unit="count",
                     description="N, nodes of the chain")
    n_firms = param(20000, converter=as_int, validator=[positive, at_most(MAX_FIRMS)], unit="count",
                    description="simulated firms")
    distribution = param("pareto", converter=as_str, validator=one_of(*DISTRIBUTIONS),
                         description="cost distribution: pareto, frechet, lognormal or gengamma")
    shape = param(0.42, converter=as_float, validator=positive, unit="1",
                  description="shape parameter of the cost distribution")
    shape2 = param(1.0, converter=as_float, validator=positive,
                   unit="1", description="second shape parameter (gengamma's c); ignored by the others")
    scale = param(0.13, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                  description="scale parameter of the cost distribution")
    tau = param(0.49, converter=as_float, validator=nonnegative, unit="1 (multiplier of the trade costs T)",
                description="trade-cost multiplier tau")
    wages = param(factory=lambda: [1.0, 1.18], converter=as_float_array,
                  validator=[ndim(1), positive, max_length(MAX_COUNTRIES)],
                  unit="relative to the first country",
                  description="relative wage (cost scaling) of each country; M = len(wages)")
    trade_costs = param(None, converter=_optional(as_float_array),
                        unit="units of the numeraire good per crossing (before tau)",
                        description="T[j][k]; default 1 off the diagonal")
    tariff = param("unit", converter=as_str, validator=one_of(*TARIFFS), description="'unit' or 'ad_valorem'")
    sigma = param(4.0, converter=as_float, unit="1", description="elasticity of substitution sigma > 1 (eq. 11)")
    zeta = param(0.5, converter=as_float, unit="1", description="quasilinear curvature, 0 < zeta < (sigma-1)/sigma")
    sunk_cost = param(1.0, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                      description="f_s, sunk cost of entry")
    expenditure = param(10.0, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                        description="E, income of the consumer")
    seed = param(12345, converter=as_int, validator=nonnegative, description="seed of the cost draws")
    countries = param(None, converter=_optional(as_names),
                      description="names of the countries in the order of wages (default: country 1, 2, ...)")

    def check(self):
        if self.countries is not None and len(self.countries) != self.n_countries:
            raise ParameterError("countries", f"must hold one name per country ({self.n_countries})", self.countries)
        if not self.sigma > 1:
            raise ParameterError("sigma", "must be greater than 1", self.sigma)
        if not 0 < self.zeta < (self.sigma - 1) / self.sigma:
            raise ParameterError("zeta", "must lie in (0, (sigma - 1) / sigma)", self.zeta)
        # what a population keeps per firm: its path (N), labor by country (M), costs and MC
        require_memory("n_firms", 8.0 * self.n_firms * (self.n_stages + 2 * self.n_countries + 4),
                       f"{self.n_firms:,} firms x ({self.n_stages} stages + {self.n_countries} countries)")
        self.problem()

    @property
    def n_countries(self) -> int:
        return len(self.wages)

    def country_names(self) -> list[str]:
        """The countries' names: ``countries`` or ``country 1``, ``country 2``, ..."""
        return list(self.countries) if self.countries is not None else [f"country {k + 1}"
                                                                        for k in range(self.n_countries)]

    def trade_matrix(self) -> np.ndarray:
        if self.trade_costs is None:
            return np.asarray(_default_trade_costs(self.n_countries))
        return np.asarray(self.trade_costs, dtype=float)

    def problem(self) -> FirmProblem:
        T = self.trade_costs if self.trade_costs is not None else _default_trade_costs(self.n_countries)
        problem = FirmProblem.create(self.n_stages, T, self.tau, None, self.tariff)
        if problem.n_countries != self.n_countries:
            raise ParameterError("trade_costs", f"must be {self.n_countries} x {self.n_countries} (one row per wage)",
                                 self.trade_costs)
        return problem
