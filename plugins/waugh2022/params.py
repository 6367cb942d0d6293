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
from equilibria.params import (as_float, as_float_array, as_int, as_str, at_least, at_most, in_open_interval,
                               max_length, ndim, nonnegative, one_of, positive, same_length_as, square)

__all__ = ["WaughParameters"]

DEFAULT_PRODUCTIVITY = [1.0, 1.2, 0.8]
DEFAULT_LABOR = [1.0, 2.0, 0.5]
DEFAULT_TRADE_COSTS = [[1.0, 1.5, 1.8],
                       [1.4, 1.0, 1.6],
                       [1.8, 1.7, 1.0]]
MAX_COUNTRIES = 500          # an M x M equilibrium solved by a dense Newton-type method
MAX_INCOME_POINTS = 200      # states of the income chain (an M x z x a household problem)
MAX_ASSET_POINTS = 20_000
MAX_INCOME_SPREAD = 1e8      # max z / min z of the income chain

@attrs.frozen(kw_only=True)
class WaughParameters(Parameters):
    """Parameters of the trade model; indices are 0-based, ``[i][j]`` = buyer i, seller j."""

    productivity = param(DEFAULT_PRODUCTIVITY, description="A_i, labor productivity of country i, eq. (1)",
                         unit="goods per efficiency unit", converter=as_float_array,
                         validator=[ndim(1), positive, max_length(MAX_COUNTRIES)])
    labor = param(DEFAULT_LABOR, description="L_i, mass of households (efficiency units) in country i",
                  unit="efficiency units", converter=as_float_array,
                  validator=[ndim(1), positive, same_length_as("productivity")])
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

    # ---------------------------------------------------------- heterogeneous agents (sections 1.2-1.7)
    model = param("static", description="'static': Appendix A (log utility, no dynamics); 'hand_to_mouth': "
                                        "CRRA households without assets (eq. 40-43); 'incomplete_markets': "
                                        "the income-fluctuation problem with savings (eq. 4-27)",
                  converter=as_str, validator=one_of("static", "hand_to_mouth", "incomplete_markets"))
    risk_aversion = param(2.0, description="γ, coefficient of relative risk aversion of u(c), eq. (5)",
                          converter=as_float, validator=positive)
    discount = param(0.92, description="β, discount factor, eq. (4)", converter=as_float,
                     validator=in_open_interval(0.0, 1.0))
    borrowing_limit = param(1.0, description="φ_i, debt limit a ≥ -φ_i, eq. (6), one per country (a scalar "
                                             "applies to all), in the units of borrowing_limit_units",
                            unit="numeraire (default) or mean labor incomes", converter=as_float_array,
                            validator=nonnegative)
    borrowing_limit_units = param("numeraire", description="'numeraire': φ_i is in units of the numeraire (the "
                                                           "wage of country 0), as the asset of eq. (6); "
                                                           "'mean_income': φ_i is in units of country i's mean "
                                                           "labor income w_i E[z], so the debt limit is φ_i w_i",
                                  converter=as_str, validator=one_of("numeraire", "mean_income"))
    income_states = param(None, description="z, efficiency units of the Markov chain (default: Rouwenhorst "
                                            "from income_persistence/volatility/points, E[z] = 1)",
                          converter=attrs.converters.optional(as_float_array))
    income_transition = param(None, description="P(z, z'), Markov matrix of efficiency units (rows sum to one)",
                              converter=attrs.converters.optional(as_float_array))
    income_persistence = param(0.9, description="ρ, persistence of log z (Rouwenhorst chain)", converter=as_float,
                               validator=in_open_interval(-1.0, 1.0))
    income_volatility = param(0.2, description="standard deviation of the innovation to log z (not of log z)",
                              converter=as_float, validator=positive)
    income_points = param(5, description="number of Rouwenhorst states of z", converter=as_int,
                          validator=[positive, at_most(MAX_INCOME_POINTS)])
    asset_points = param(150, description="points of the asset grid (exponential, dense near the limit)",
                         converter=as_int, validator=[at_least(2), at_most(MAX_ASSET_POINTS)])
    asset_max = param(40.0, description="top of the asset grid, in units of mean labor income",
                      unit="mean labor incomes", converter=as_float, validator=positive)
    financial = param("globalization", description="'globalization': one world bond market and R (eq. 26); "
                                                   "'autarky': one bond market and R_i per country (eq. 27)",
                      converter=as_str, validator=one_of("globalization", "autarky"))

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

    @property
    def income_chain(self):
        """(z, P): the given chain, or Rouwenhorst's for log z normalized to E[z] = 1 (stationary)."""
        from equilibria.numerics import rouwenhorst, stationary_distribution
        if self.income_states is not None:
            return np.asarray(self.income_states, float), np.asarray(self.income_transition, float)
        if self.income_points == 1:
            return np.ones(1), np.ones((1, 1))
        log_z, transition = rouwenhorst(self.income_points, self.income_persistence, self.income_volatility)
        z = np.exp(log_z)
        return z / (stationary_distribution(transition) @ z), transition

    @property
    def borrowing_limits(self) -> np.ndarray:
        """φ_i per country (a scalar parameter broadcast), in the units of ``borrowing_limit_units``."""
        return np.broadcast_to(self.borrowing_limit, (self.countries,)).astype(float)

    def debt_limits(self, wages) -> np.ndarray:
        """The debt limit of eq. (6) in units of the numeraire at ``wages``: φ_i, or φ_i w_i when
        ``borrowing_limit_units`` is ``'mean_income'`` (E[z] = 1)."""
        wages = np.broadcast_to(np.asarray(wages, float), (self.countries,))
        return self.borrowing_limits * (wages if self.borrowing_limit_units == "mean_income" else 1.0)

    def natural_borrowing_limit(self) -> float:
        """z_min β / (1 - β): the debt repayable for sure at the highest stationary return R = 1/β."""
        z, _ = self.income_chain
        return float(z.min()) * self.discount / (1.0 - self.discount)

    def _check_households(self) -> None:
        from equilibria.numerics.markov import check_transition_matrix
        if self.income_transition is None and self.income_states is not None:
            raise ParameterError("income_states", "needs income_transition (the Markov matrix of the states)")
        if self.income_states is None and self.income_transition is not None:
            raise ParameterError("income_transition", "needs income_states (the states it moves between)")
        if self.income_states is not None:
            z = self.income_states
            if z.ndim != 1 or np.any(z <= 0) or not np.all(np.isfinite(z)):
                raise ParameterError("income_states", "must be a vector of positive efficiency units", z)
            if z.size > MAX_INCOME_POINTS:
                raise ParameterError("income_states", f"must have at most {MAX_INCOME_POINTS} states", z.size)
            if self.income_transition.shape != (z.size, z.size):
                raise ParameterError("income_transition", f"must be a {z.size}x{z.size} matrix", self.income_transition.shape)
            check_transition_matrix(self.income_transition, "income_transition", atol=1e-8)
        if self.asset_points < 2:
            raise ParameterError("asset_points", "must be at least 2", self.asset_points)
        if self.borrowing_limit.ndim > 1 or self.borrowing_limit.size not in (1, self.countries):
            raise ParameterError("borrowing_limit", "must be a number or one entry per country", self.borrowing_limit)
        if self.asset_max <= 0:
            raise ParameterError("asset_max", "must be positive", self.asset_max)
        if self.model == "static":
            return  # the income chain is built only by the models that use it
        self._check_income_chain()
        if self.model != "incomplete_markets":
            return
        limit = self.natural_borrowing_limit()
        # In mean incomes the bound holds for every country; in the numeraire it is exact for country 0
        # (wage 1) only: the other countries' limits are checked at the equilibrium wages by the solver.
        checked = self.borrowing_limits if self.borrowing_limit_units == "mean_income" else self.borrowing_limits[:1]
        if np.any(checked >= limit):
            unit = "mean incomes" if self.borrowing_limit_units == "mean_income" else "numeraire units for country 0"
            raise ParameterError("borrowing_limit", f"must be below the natural borrowing limit z_min β/(1-β) = "
                                                    f"{limit:.4g} {unit}", self.borrowing_limit)

    def _check_income_chain(self) -> None:
        """The chain's states must be finite, positive and within a factor MAX_INCOME_SPREAD of each other."""
        with np.errstate(all="ignore"):
            z, _ = self.income_chain
            spread = float(z.max() / z.min()) if z.size and np.all(np.isfinite(z)) and z.min() > 0 else np.inf
        if not spread <= MAX_INCOME_SPREAD:
            if self.income_states is not None:
                name = "income_states"
            else:
                name = "income_volatility" if self.income_volatility > 1.0 else "income_persistence"
            raise ParameterError(name, f"gives income states spread over more than a factor {MAX_INCOME_SPREAD:g} "
                                       f"(max z / min z = {spread:.3g})")

    def check(self) -> None:
        m = self.countries
        self._check_households()
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
