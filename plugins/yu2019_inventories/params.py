"""Parameters of the inventory model of Yu (2019), chapter 1 (Table 1.1).

The predetermined parameters are the upper half of Table 1.1. The estimated ones (ξ_p, ι_p, ξ_w,
ι_w, σ_c, σ_l, α) default to ``None``, which means "Table 1.1's column for ``firms``": the
Calvo-pricing estimates for ``firms = "calvo"``, the Smets-Wouters values (and flexible prices)
for ``firms = "rational_inattention"``. A value given explicitly always wins.
"""
from __future__ import annotations

import attrs

from equilibria import ParameterError, Parameters, param
from equilibria.params import require_memory, as_float, as_int, as_str, finite, in_open_interval, nonnegative, one_of, positive

__all__ = ["InventoryParameters", "CALVO_ESTIMATES", "RI_ESTIMATES", "for_firms"]

#: Lower half of Table 1.1, column "Calvo Pricing" (estimated by impulse-response matching).
CALVO_ESTIMATES = {"xi_p": 0.5059, "iota_p": 0.01, "xi_w": 0.1398, "iota_w": 0.1155,
                   "sigma_c": 1.2469, "sigma_l": 0.3823, "alpha": 0.8633}
#: Lower half of Table 1.1, column "RI" (Smets and Wouters 2007 posterior modes; no price stickiness).
RI_ESTIMATES = {"xi_w": 0.82, "iota_w": 0.69, "sigma_c": 1.3981, "sigma_l": 0.40, "alpha": 1.0}


ESTIMATED = ("xi_p", "iota_p", "xi_w", "iota_w", "sigma_c", "sigma_l", "alpha")

_optional_float = attrs.converters.optional(as_float)


def _probability(name):
    def check(value):
        if not 0.0 <= value < 1.0:
            raise ParameterError(name, "must lie in [0, 1)", value)
    return check


MAX_MA_LAGS = 5000


@attrs.frozen(kw_only=True)
class InventoryParameters(Parameters):
    """Preferences, technology, frictions, policy and shocks of section 1.3 (Table 1.1)."""

    firms = param("rational_inattention",
                  description="firm-side friction: 'rational_inattention' (section 1.3.8) or 'calvo' "
                              "(Calvo prices with indexation, appendix A.6)",
                  converter=as_str, validator=one_of("rational_inattention", "calvo"))
    beta = param(0.96 ** 0.25, description="β, discount factor (Table 1.1: 0.96^(1/4))",
                 converter=as_float, validator=in_open_interval(0.0, 1.0))
    theta = param(5.0, description="θ, elasticity of demand for a variety, eq. (1.5); must exceed 1",
                  converter=as_float, validator=finite)
    theta_w = param(5.0, description="θ_w, elasticity of demand for a labor type, eq. (1.21); must exceed 1",
                    converter=as_float, validator=finite)
    delta_z = param(0.018, description="δ_z, quarterly depreciation of inventories, eq. (1.11)",
                    converter=as_float, validator=in_open_interval(0.0, 1.0))
    sigma_v = param(0.33, description="σ_v, s.d. of the log taste shock, log v ~ N(-σ_v²/2, σ_v²), eq. (1.5)",
                    converter=as_float, validator=finite)
    psi_l = param(1.2, description="ψ_l, labor disutility coefficient, eq. (1.3)", converter=as_float,
                  validator=positive)
    g_share = param(0.16, description="g*, government consumption over output, G = g* Y (section 1.3.5)",
                    converter=as_float, validator=nonnegative)
    rho_r = param(0.81, description="ρ_R, interest-rate smoothing, eq. (1.28)", converter=as_float,
                  validator=in_open_interval(-1.0, 1.0))
    phi_pi = param(2.03, description="φ_π, response to inflation, eq. (1.28)", converter=as_float,
                   validator=finite)
    phi_y = param(0.22, description="φ_Y, response to the output gap, eq. (1.28)", converter=as_float,
                  validator=finite)
    habit = param(0.71, description="h, external habit, eq. (1.2)", converter=as_float,
                  validator=in_open_interval(-1.0, 1.0))
    mu = param(0.000525, description="μ, marginal cost of information flow (per bit, per quarter) as a "
                                     "fraction of the firm's steady-state sales revenue, eq. (1.34)",
               converter=as_float, validator=finite)
    price_action = param("nominal", description="the inattentive firm's pricing action: 'nominal' (log P_j; "
                                                "the price level aggregates the firms' actual prices, A.5 step 3) "
                                                "or 'relative' (P_j/P)", converter=as_str,
                         validator=one_of("nominal", "relative"))
    selection = param("zero_attention_first",
                      description="which rational-inattention equilibrium to return where several exist: "
                                  "'zero_attention_first' (the zero-attention economy whenever it is one) or "
                                  "'attention_first' (an equilibrium with attention, searched from the "
                                  "full-information rules as in A.5; zero attention if none is found)",
                      converter=as_str, validator=one_of("zero_attention_first", "attention_first"))
    calvo_reading = param("firm_specific",
                          description="Calvo firms (A.6): 'firm_specific' (each firm's marginal cost and stock "
                                      "depend on its own price and inventories, Table A.1, (A.26)-(A.27), (A.40)) "
                                      "or 'symmetric' (a reset firm takes the aggregate stock and marginal cost)",
                          converter=as_str, validator=one_of("firm_specific", "symmetric"))
    xi_p = param(None, description="ξ_p, Calvo probability of not resetting the price (default: Table 1.1's "
                                   "column for `firms`; 0 under rational inattention)", converter=_optional_float)
    iota_p = param(None, description="ι_p, price indexation to last quarter's inflation (default: Table 1.1)",
                   converter=_optional_float)
    xi_w = param(None, description="ξ_w, Calvo probability of not resetting a wage, eq. (1.26) (default: Table 1.1)",
                 converter=_optional_float)
    iota_w = param(None, description="ι_w, wage indexation, eq. (1.24) (default: Table 1.1)",
                   converter=_optional_float)
    sigma_c = param(None, description="σ_c, inverse intertemporal elasticity, eq. (1.2) (default: Table 1.1)",
                    converter=_optional_float)
    sigma_l = param(None, description="σ_l, inverse Frisch elasticity, eq. (1.3) (default: Table 1.1)",
                    converter=_optional_float)
    alpha = param(None, description="α, returns to scale Y = exp(a) L^α, eq. (1.9) (default: Table 1.1)",
                  converter=_optional_float)
    rho_a = param(0.95, description="ρ_a, persistence of technology (not in Table 1.1; Smets-Wouters 2007)",
                  converter=as_float, validator=in_open_interval(-1.0, 1.0))
    sigma_a = param(0.0045, description="σ_a, s.d. of the technology innovation (not in Table 1.1; "
                                        "Smets-Wouters 2007)", unit="log points", converter=as_float,
                    validator=positive)
    sigma_r = param(0.0015, description="σ_r, s.d. of the interest-rate shock: 15 bp quarterly = 0.60% "
                                        "annualized (sections 1.5.3, 1.6.2)", unit="quarterly log points",
                    converter=as_float, validator=positive)
    horizon = param(40, description="quarters of impulse responses reported", converter=as_int,
                    validator=positive)
    ma_lags = param(80, description="lags of the moving-average representation used by the RI solution "
                                    "(the truncation of B(L), A(L))", converter=as_int, validator=positive)

    def __attrs_post_init__(self):
        column = CALVO_ESTIMATES if self.firms == "calvo" else {**RI_ESTIMATES, "xi_p": 0.0, "iota_p": 0.0}
        for name in ESTIMATED:
            if getattr(self, name) is None:
                object.__setattr__(self, name, float(column[name]))
        self.check()

    def check(self) -> None:
        import math

        for name in ESTIMATED:
            if not math.isfinite(getattr(self, name)):
                raise ParameterError(name, "must be finite", getattr(self, name))
        if self.sigma_c <= 0.0:
            raise ParameterError("sigma_c", "must be positive", self.sigma_c)
        if self.sigma_l < 0.0:
            raise ParameterError("sigma_l", "must be non-negative", self.sigma_l)
        if self.theta <= 1.0:
            raise ParameterError("theta", "must exceed 1 (θ > 1, eq. 1.5)", self.theta)
        if self.theta_w <= 1.0:
            raise ParameterError("theta_w", "must exceed 1 (θ_w > 1, eq. 1.21)", self.theta_w)
        if self.g_share >= 1.0:
            raise ParameterError("g_share", "must be below 1", self.g_share)
        if self.sigma_v <= 0.0:
            raise ParameterError("sigma_v", "must be positive", self.sigma_v)
        if self.mu < 0.0:
            raise ParameterError("mu", "must be non-negative", self.mu)
        for name in ("xi_p", "xi_w"):
            _probability(name)(getattr(self, name))
        for name in ("iota_p", "iota_w"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ParameterError(name, "must lie in [0, 1]", value)
        if not 0.0 < self.alpha <= 1.0:
            raise ParameterError("alpha", "must lie in (0, 1]", self.alpha)
        if self.firms == "rational_inattention" and self.xi_p != 0.0:
            raise ParameterError("xi_p", "must be 0 with firms = 'rational_inattention' (prices are not sticky)",
                                 self.xi_p)
        if not 8 <= self.ma_lags <= MAX_MA_LAGS:
            raise ParameterError("ma_lags", f"must lie in [8, {MAX_MA_LAGS}] (quarters; the lag polynomials have "
                                            "died out long before)", self.ma_lags)
        # the stacked sequence-space system: sparse block-tridiagonal (32 variables), its LU fill and
        # the dense response columns, a few dozen 32 x 32 blocks per period
        require_memory("ma_lags", 8.0 * self.ma_lags * 64 * 32 ** 2, "the stacked sequence-space system")
        if self.horizon > self.ma_lags + 200:
            raise ParameterError("horizon", "must not exceed ma_lags + 200", self.horizon)


def for_firms(params: InventoryParameters, firms: str) -> InventoryParameters:
    """The same predetermined parameters with Table 1.1's estimated column for ``firms``."""
    values = params.to_dict(jsonable=False)
    values.update({name: None for name in ESTIMATED}, firms=firms)
    return type(params)(**values)
