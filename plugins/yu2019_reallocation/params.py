"""Parameters of Yu (2019), chapter 2: the one-period model (section 2.3) and the full model (2.4).

Defaults of the full model are Table 2.1's benchmark calibration; the one-period model's
productivity law F is not specified in the source and is a parameter here (log-normal by default).
"""
from __future__ import annotations

import attrs

from equilibria import Parameters, param
from equilibria.params import (as_float, as_int, as_str, in_open_interval, nonnegative, one_of, positive)

__all__ = ["OnePeriodParameters"]


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
                                           "change of excess demand (each then refined by Brent's method)",
                         converter=as_int, validator=positive)
