"""Parameters of the Krusell–Smith economy in sequence space (the calibration of the
sequence-jacobian notebook; Auclert, Bardóczy, Rognlie and Straub 2021, section 5)."""
from __future__ import annotations

import math

import attrs

from equilibria import ParameterError, Parameters, param
from equilibria.params import as_float, as_int, in_open_interval, positive, require_memory

__all__ = ["KrusellSmithParameters", "ImpulseParameters"]

#: a_k = ((asset_max + GRID_PIVOT) / GRID_PIVOT)^(k / (n - 1)) GRID_PIVOT - GRID_PIVOT
GRID_PIVOT = 0.25
#: widest span of log efficiency units whose lowest state exp(-span) is a normal double
MAX_LOG_EFFICIENCY_SPAN = 700.0


@attrs.frozen(kw_only=True)
class KrusellSmithParameters(Parameters):
    """Households E sum β^t ln c_t, c_t + a_t = (1 + r_t) a_{t-1} + w_t e_t, a_t >= 0; Cobb-Douglas
    firms with labor 1; β and Z calibrated to ``target_r`` and ``target_y``."""

    alpha = param(0.11, description="α, capital share of Y = Z K_{-1}^α", converter=as_float,
                  validator=in_open_interval(0.0, 1.0))
    depreciation = param(0.025, description="δ, depreciation rate of capital per period", converter=as_float,
                         validator=in_open_interval(0.0, 1.0))
    income_persistence = param(0.966, description="ρ_e, persistence of log efficiency units e (AR(1), "
                                                  "Rouwenhorst chain)", converter=as_float,
                               validator=in_open_interval(0.0, 1.0))
    income_sd = param(0.5, description="stationary standard deviation of log e (innovation s.d. "
                                       "income_sd √(1 - ρ_e²)); e normalized to E e = 1", converter=as_float,
                      validator=positive)
    income_points = param(7, description="states of the Rouwenhorst chain of e (at least 2; at most what fits "
                                         "in memory)", converter=as_int)
    asset_points = param(500, description="points of the asset grid a_k = (1 + asset_max/0.25)^(k/(n-1)) "
                                          "0.25 - 0.25 on [0, asset_max] (at least 10; at most what fits in memory)",
                         converter=as_int)
    asset_max = param(200.0, description="top of the asset grid (the borrowing limit is 0)", converter=as_float,
                      validator=positive)
    target_r = param(0.01, description="steady-state real interest rate r per period (calibrates β)",
                     converter=as_float)
    target_y = param(1.0, description="steady-state output Y (calibrates Z)", converter=as_float, validator=positive)

    def check(self) -> None:
        if self.income_points < 2:
            raise ParameterError("income_points", "must be at least 2", self.income_points)
        if self.asset_points < 10:
            raise ParameterError("asset_points", "must be at least 10", self.asset_points)
        if not -self.depreciation < self.target_r < 0.2:
            raise ParameterError("target_r", "must lie in (-δ, 0.2) so that capital is positive and finite",
                                 self.target_r)
        # the household block keeps about 30 arrays on the (income, asset) grid and a dense income transition
        states = float(self.income_points) * float(self.asset_points)
        require_memory(self._largest(("income_points", "asset_points")),
                       8.0 * (30.0 * states + float(self.income_points) ** 2),
                       f"the household steady state on {self.income_points:,} x {self.asset_points:,} points")

        # log e spans ±√(n - 1) income_sd (Rouwenhorst); with E e = 1 the lowest state is at least
        # exp(-2 √(n - 1) income_sd), which must stay a normal double for incomes to be positive
        if not 2.0 * math.sqrt(self.income_points - 1) * self.income_sd <= MAX_LOG_EFFICIENCY_SPAN:
            raise ParameterError("income_sd", f"is too large for {self.income_points} income states: "
                                              f"2 √(income_points - 1) income_sd must be at most "
                                              f"{MAX_LOG_EFFICIENCY_SPAN:g} (the lowest efficiency state "
                                              "underflows to zero)", self.income_sd)

    def _largest(self, names) -> str:
        """The one of ``names`` furthest above its default (the parameter that makes a computation big)."""
        defaults = {f.name: f.default for f in attrs.fields(type(self))}
        return max(names, key=lambda name: getattr(self, name) / defaults[name])


@attrs.frozen(kw_only=True)
class ImpulseParameters(KrusellSmithParameters):
    """The economy plus the shock of the impulse-response experiment: dZ_t = shock Z persistence^t."""

    shock = param(0.01, description="size of dZ_0 relative to the steady-state Z", converter=as_float)
    persistence = param(0.9, description="persistence of the productivity shock, dZ_t = dZ_0 persistence^t",
                        converter=as_float, validator=in_open_interval(-1.0, 1.0))
    periods = param(300, description="horizon T of the transition (periods until the steady state returns)",
                    converter=as_int)

    def check(self) -> None:
        super().check()
        if not 2 <= self.periods <= 5000:
            raise ParameterError("periods", "must lie in [2, 5000]", self.periods)
        # transition paths, policy responses and fake-news expectations keep about 16 arrays of
        # T x income x asset points; the sequence-space Jacobians about 20 T x T matrices
        states = float(self.income_points) * float(self.asset_points)
        T = float(self.periods)
        require_memory(self._largest(("periods", "income_points", "asset_points")),
                       8.0 * (16.0 * T * states + 20.0 * T * T),
                       f"the impulse responses over {self.periods:,} periods on {self.income_points:,} x "
                       f"{self.asset_points:,} points")
        if not abs(self.shock) < 0.5:
            raise ParameterError("shock", "must be smaller than 0.5 in absolute value", self.shock)
