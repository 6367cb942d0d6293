"""Parameters of Yu (2019), chapter 2: the one-period model (section 2.3) and the full model (2.4).

Defaults of the full model are Table 2.1's benchmark calibration; the one-period model's
productivity law F is not specified in the source and is a parameter here (log-normal by default).
"""
from __future__ import annotations

import attrs

from equilibria import Parameters, param
from equilibria.params import (at_most, as_float, as_int, as_str, in_closed_interval, in_open_interval, nonnegative,
                               one_of, positive)

__all__ = ["OnePeriodParameters", "ReallocationParameters"]


@attrs.frozen(kw_only=True)
class OnePeriodParameters(Parameters):
    """The one-period model of capital reallocation, section 2.3 (eqs. 2.1-2.9)."""

    alpha = param(0.3, description="α, elasticity of output with respect to capital, y = z Z k^α (2.1)",
                  converter=as_float, validator=in_open_interval(0.0, 1.0))
    lemons_share = param(0.05, description="λ, share of every unit of capital (old and new) that is a lemon",
                         converter=as_float, validator=in_open_interval(0.0, 1.0))
    new_weight = param(0.7, description="η, weight of new investment goods in the CES bundle (2.3)",
                       converter=as_float, validator=in_open_interval(0.0, 1.0))
    substitution = param(2.5, description="ε, elasticity of substitution between new and used investment "
                                          "goods in the bundle (2.3); 0 is Leontief, 1 Cobb-Douglas",
                         converter=as_float, validator=nonnegative)
    endowment = param(1.0, description="k0, capital every entrepreneur owns at the start of the period",
                      unit="capital", converter=as_float, validator=positive)
    z_mean = param(3.0, description="E[z], mean idiosyncratic productivity under F; an equilibrium needs it "
                                    "large enough (investors must demand more than the lemons supplied)",
                   converter=as_float, validator=positive)
    z_sigma = param(0.5, description="standard deviation of log z under F", converter=as_float,
                    validator=positive)
    z_distribution = param("lognormal", description="F: 'lognormal' (log z normal) or 'loguniform' "
                                                    "(log z uniform), with mean z_mean and s.d. of log z z_sigma",
                           converter=as_str, validator=one_of("lognormal", "loguniform"))
    tfp = param(1.0, description="Z, aggregate total factor productivity (2.1)", converter=as_float,
                validator=positive)
    price_points = param(4000, description="points of the log-spaced price grid scanned for every sign "
                                           "change of excess demand (each then refined by Brent's method); "
                                           "at most 1,000,000 (the scan holds a few arrays of this length, "
                                           "extended up to fourfold at the top)",
                         converter=as_int, validator=[positive, at_most(1_000_000)])


@attrs.frozen(kw_only=True)
class ReallocationParameters(Parameters):
    """The full model, section 2.4; defaults are Table 2.1's benchmark calibration."""

    discount = param(0.95, description="β, entrepreneurs' discount factor (2.16)", converter=as_float,
                     validator=in_open_interval(0.0, 1.0))
    labor_share = param(0.55, description="γ, labor elasticity of output, y = z Z k^α n^γ (2.11)",
                        converter=as_float, validator=in_open_interval(0.0, 1.0))
    capital_share = param(0.24, description="α, capital elasticity of output (2.11); α + γ < 1",
                          converter=as_float, validator=in_open_interval(0.0, 1.0))
    depreciation = param(0.065, description="δ, depreciation rate (lemons are part of it: δ ≥ λ)",
                         converter=as_float, validator=in_open_interval(0.0, 1.0))
    lemons_share = param(0.002, description="λ, share of capital turning into lemons each period; 0 gives "
                                            "the model without information asymmetry (Lanteri)",
                         converter=as_float, validator=in_closed_interval(0.0, 0.5))
    new_weight = param(0.7, description="η, weight of new investment goods in the CES bundle (2.3)",
                       converter=as_float, validator=in_open_interval(0.0, 1.0))
    substitution = param(2.5, description="ε, elasticity of substitution between new and used goods (2.3)",
                         converter=as_float, validator=nonnegative)
    borrowing_limit = param(0.35, description="b̄, borrowing limit b' ≥ -b̄ (2.16-2.18)", unit="goods",
                            converter=as_float, validator=nonnegative)
    frisch_inverse = param(0.4, description="θ_h, inverse Frisch elasticity of households' labor (2.10)",
                           converter=as_float, validator=positive)
    labor_disutility = param(2.0, description="ψ, weight of labor in households' GHH utility (2.10)",
                             converter=as_float, validator=positive)
    household_curvature = param(2.0, description="τ, curvature of households' GHH utility (2.10); it does "
                                                 "not affect the hand-to-mouth choices (2.19-2.20)",
                                converter=as_float, validator=positive)
    z_persistence = param(0.9, description="ρ_z, persistence of log z (2.12)", converter=as_float,
                          validator=in_open_interval(-1.0, 1.0))
    z_volatility = param(0.11, description="σ_ε, standard deviation of the innovation to log z (2.12)",
                         converter=as_float, validator=positive)
    z_points = param(5, description="Tauchen states of z (section 2.5.2)", converter=as_int, validator=positive)
    tauchen_width = param(2.0, description="Tauchen grid half-width in unconditional s.d. of log z (not "
                                           "given in the source)", converter=as_float, validator=positive)
    tfp = param(1.0, description="Z, aggregate TFP in the stationary equilibrium", converter=as_float,
                validator=positive)
    capital_points = param(55, description="points of the capital grid; consecutive points differ by the "
                                           "factor 1/(1-δ), so inaction k' = (1-δ)k stays on the grid",
                           converter=as_int, validator=positive)
    capital_max = param(7.0, description="largest capital on the grid", unit="capital", converter=as_float,
                        validator=positive)
    asset_points = param(25, description="points of the grid of a = b + b̄ (denser near the limit)",
                         converter=as_int, validator=positive)
    asset_max = param(12.0, description="largest a = b + b̄ on the grid", unit="goods", converter=as_float,
                      validator=positive)

    choice_smoothing = param(0.02, description="σ, scale of the extreme-value taste shocks on the choice of k' "
                                                "(numerical smoothing, in utils; 0 = hard maximum)",
                             unit="utils", converter=as_float, validator=nonnegative)

    def check(self):
        from equilibria import ParameterError
        if self.capital_share + self.labor_share >= 1:
            raise ParameterError("capital_share", "α + γ must be below one (decreasing returns, 2.11)",
                                 self.capital_share)
        if self.lemons_share > self.depreciation:
            raise ParameterError("lemons_share", "must not exceed the depreciation rate (δ ≥ λ)", self.lemons_share)
        if self.z_points < 2 or self.capital_points < 3 or self.asset_points < 3:
            raise ParameterError("z_points", "grids need at least 2 z states, 3 capital and 3 asset points")
