"""Parameters of Waugh (2022), "Heterogeneous Agent Trade".

The default is a documented three-country example (see ``docs/plugins/waugh2022.md``):
country 0 is a mid-sized economy, country 1 a large, more productive one, country 2 a small,
less productive one; trade costs are asymmetric and between 1.4 and 1.8 (in the range of
Eaton–Kortum/Simonovska–Waugh estimates for rich-country pairs), and σ_ε = 0.25, so the trade
elasticity θ = 1/σ_ε = 4 (Simonovska and Waugh 2014 estimate about 4).
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import ParameterError, Parameters, param
from equilibria.params import as_float, as_float_array, as_str, ndim, nonnegative, one_of, positive, square

__all__ = ["WaughParameters"]

DEFAULT_PRODUCTIVITY = [1.0, 1.2, 0.8]
DEFAULT_LABOR = [1.0, 2.0, 0.5]
DEFAULT_TRADE_COSTS = [[1.0, 1.5, 1.8],
                       [1.4, 1.0, 1.6],
                       [1.8, 1.7, 1.0]]

@attrs.frozen(kw_only=True)
class WaughParameters(Parameters):
    """Parameters of the trade model; indices are 0-based, ``[i][j]`` = buyer i, seller j."""

    productivity = param(DEFAULT_PRODUCTIVITY, description="A_i, labor productivity of country i, eq. (1)",
                         unit="goods per efficiency unit", converter=as_float_array, validator=[ndim(1), positive])
    labor = param(DEFAULT_LABOR, description="L_i, mass of households (efficiency units) in country i",
                  unit="efficiency units", converter=as_float_array, validator=[ndim(1), positive])
    trade_costs = param(DEFAULT_TRADE_COSTS,
                        description="d_ij, iceberg cost for buyer i of the good of j, eq. (3); d_ii = 1",
                        unit="units shipped per unit delivered", converter=as_float_array,
                        validator=[square, positive])
    taste_dispersion = param(0.25, description="σ_ε, dispersion of the type-I extreme-value taste shocks, "
                                               "eq. (5); the trade elasticity is θ = 1/σ_ε",
                             unit="utils", converter=as_float, validator=positive)
    tariffs = param(None, description="τ_ij, ad-valorem tariff of buyer i on the good of j, eq. (3); zero "
                                      "diagonal; revenue rebated lump-sum (default: no tariffs)",
                    unit="fraction of the c.i.f. price",
                    converter=attrs.converters.optional(as_float_array))
    preferences = param("logit", description="'logit': discrete choice over varieties (eq. 44-47); "
                                             "'ces': a CES aggregator over varieties (eq. 34-39)",
                        converter=as_str, validator=one_of("logit", "ces"))
    ces_elasticity = param(None, description="elasticity of substitution of the CES aggregator (the θ of "
                                             "eq. 34); default 1 + 1/σ_ε, the CES–logit isomorphism (eq. 43)",
                           converter=attrs.converters.optional(as_float))

    # ------------------------------------------------------------------ derived
    @property
    def countries(self) -> int:
        return int(self.productivity.size)

    @property
    def theta(self) -> float:
        """Trade elasticity θ = 1/σ_ε (eq. 52)."""
        return 1.0 / self.taste_dispersion

    @property
    def tariff_matrix(self) -> np.ndarray:
        return np.zeros((self.countries, self.countries)) if self.tariffs is None else self.tariffs

    @property
    def substitution_elasticity(self) -> float:
        """Elasticity of substitution of the CES aggregator (eq. 34)."""
        return 1.0 + self.theta if self.ces_elasticity is None else self.ces_elasticity

    def check(self) -> None:
        m = self.countries
        if self.labor.size != m:
            raise ParameterError("labor", f"must have one entry per country ({m}, as productivity)", self.labor)
        if self.trade_costs.shape != (m, m):
            raise ParameterError("trade_costs", f"must be a {m}x{m} matrix (one row and column per country)",
                                 self.trade_costs.shape)
        if not np.allclose(np.diag(self.trade_costs), 1.0):
            raise ParameterError("trade_costs", "diagonal must be 1 (no cost of buying at home)",
                                 np.diag(self.trade_costs))
        if not np.all(np.isfinite(self.trade_costs)):
            raise ParameterError("trade_costs", "must be finite")
        if self.tariffs is not None:
            if self.tariffs.shape != (m, m):
                raise ParameterError("tariffs", f"must be a {m}x{m} matrix", self.tariffs.shape)
            if np.any(np.diag(self.tariffs) != 0):
                raise ParameterError("tariffs", "diagonal must be zero (no tariff on domestic goods)")
            if np.any(self.tariffs <= -1) or not np.all(np.isfinite(self.tariffs)):
                raise ParameterError("tariffs", "must be finite and greater than -1")
        if self.ces_elasticity is not None and not self.ces_elasticity > 1:
            raise ParameterError("ces_elasticity", "must exceed 1", self.ces_elasticity)
