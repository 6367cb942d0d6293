"""Properties of the model as Hypothesis theorems (``equilibria check yu2019_inventories``)."""
from __future__ import annotations

import numpy as np

from equilibria import DeterminacyError, Theorem

from .params import InventoryParameters

__all__ = ["THEOREMS"]


def _st():
    from hypothesis import strategies as st

    return st


def _structural():
    st = _st()
    return st.fixed_dictionaries({
        "theta": st.floats(3.0, 10.0), "sigma_v": st.floats(0.15, 0.6), "delta_z": st.floats(0.005, 0.05),
        "alpha": st.floats(0.6, 1.0), "beta": st.floats(0.97, 0.995), "habit": st.floats(0.0, 0.9),
        "sigma_c": st.floats(0.5, 3.0), "sigma_l": st.floats(0.0, 2.0), "g_share": st.floats(0.0, 0.3)})


# --------------------------------------------------------------------------- steady state
def _steady_state_solves(draw):
    from .model import compiled_model, model_parameters, steady_state_levels
    from .steady_state import steady_state

    params = InventoryParameters(**draw)
    ss = steady_state(params)
    model = compiled_model()
    levels = steady_state_levels(params, ss)
    y = np.array([levels[v] for v in model.variables])
    p = model.parameter_vector(model_parameters(params, ss))
    residuals = model.residuals(y, y, y, np.zeros(model.n_shocks), p)
    worst = int(np.argmax(np.abs(residuals)))
    assert np.max(np.abs(residuals)) < 1e-9, \
        f"equation {worst + 1} `{model.equation_texts[worst]}` has residual {residuals[worst]:.3g} at the A.3 steady state"


# --------------------------------------------------------------------------- Hessian
def _hessian_negative_definite(draw):
    from .profit import hessians

    H = hessians(InventoryParameters(**draw))
    eig = np.linalg.eigvalsh(0.5 * (H.H0 + H.H0.T))
    assert np.all(eig < 0), f"H_x,0 has eigenvalues {eig}"
    assert np.max(np.abs(H.gradient)) < 1e-4 * np.max(np.abs(H.H0)), \
        f"the profit function's gradient at the steady state is {H.gradient} (first-order conditions violated)"


# --------------------------------------------------------------------------- determinacy
def _determinacy_strategy():
    st = _st()
    return st.fixed_dictionaries({"phi_pi": st.floats(1.1, 3.0), "low_phi_pi": st.floats(0.0, 0.9),
                                  "rho_r": st.floats(0.0, 0.9), "xi_p": st.floats(0.3, 0.9),
                                  "xi_w": st.floats(0.1, 0.9)})


def _taylor_principle(draw):
    from .model import solve_linear

    common = {"firms": "calvo", "rho_r": draw["rho_r"], "xi_p": draw["xi_p"], "xi_w": draw["xi_w"], "phi_y": 0.0}
    solve_linear(InventoryParameters(phi_pi=draw["phi_pi"], **common))     # raises if not determinate
    try:
        solve_linear(InventoryParameters(phi_pi=draw["low_phi_pi"], **common))
    except DeterminacyError as exc:
        assert exc.unstable < exc.forward, f"φ_π = {draw['low_phi_pi']:.3g} gave an explosive model, not an indeterminate one"
    else:
        raise AssertionError(f"φ_π = {draw['low_phi_pi']:.3g} < 1 gave a unique stable solution")


# --------------------------------------------------------------------------- rational inattention
def _attention_strategy():
    st = _st()
    return st.fixed_dictionaries({"seed": st.integers(0, 2 ** 31 - 1), "mu_low": st.floats(1e-6, 1e-4),
                                  "ratio": st.floats(1.05, 4.0)})


def _random_target(seed, T=40):
    rng = np.random.default_rng(seed)
    lags = np.arange(T)
    rates = rng.uniform(0.5, 0.95, 2)
    return np.vstack([rng.normal() * rates[0] ** lags, 10 * rng.normal() * rates[1] ** lags])


def _information_monotone(draw):
    from .profit import hessians
    from .rational_inattention import solve_attention

    H = hessians(InventoryParameters())
    a = _random_target(draw["seed"])
    H0, H1 = H.H0 / 1e4, H.H1 / 1e4
    low = solve_attention(a, H0, H1, draw["mu_low"], polish=True)
    high = solve_attention(a, H0, H1, draw["mu_low"] * draw["ratio"], polish=True)
    value_low = low.loss + draw["mu_low"] * low.information
    # compare optimal values too: each solution must not be beaten by the other's choice
    assert high.information <= low.information + 1e-6 * max(1.0, low.information), \
        f"information {high.information:.6g} bits at μ = {draw['mu_low'] * draw['ratio']:.3g} exceeds " \
        f"{low.information:.6g} bits at μ = {draw['mu_low']:.3g}"
    assert value_low <= high.loss + draw["mu_low"] * high.information + 1e-9 * max(1.0, value_low)


def _full_information_strategy():
    st = _st()
    return st.fixed_dictionaries({"mu": st.floats(1e-10, 1e-9), "xi_w": st.sampled_from([0.3, 0.6, 0.82, 0.9]),
                                  "price_action": st.sampled_from(["nominal", "relative"])})


#: Relative distance to full information per unit of μ, an upper bound over the drawn parameters (measured
#: at μ = 1e-9: 2.6e-5 in output and 2.5e-4 in inflation with Table 1.1's RI column, 2.1e-4 in output
#: with ξ_w = 0.3). Inflation is a small residual of large, offsetting price and stock responses.
FULL_INFORMATION_RATE = {"Y": 1e6, "C": 1e6, "isr": 1e6, "inv": 1e6, "p": 1e6, "Z": 1e6, "PI": 1e7}
#: The distance must shrink at least this much when μ falls tenfold (proportional to μ: tenfold).
FULL_INFORMATION_SHRINK = 0.2


def _full_information_limit(draw):
    from .ri_equilibrium import solve_ri

    params = InventoryParameters(mu=draw["mu"], xi_w=draw["xi_w"], price_action=draw["price_action"])
    eq = solve_ri(params)
    closer = solve_ri(params.replace(mu=draw["mu"] / 10.0))
    for name, rate in FULL_INFORMATION_RATE.items():
        full = eq.full_information[name][:20]
        scale = float(np.max(np.abs(full)))
        gap = float(np.max(np.abs(eq.paths[name][:20] - full))) / scale
        gap_closer = float(np.max(np.abs(closer.paths[name][:20] - full))) / scale
        assert gap <= rate * draw["mu"], f"{name}: RI differs from full information by {gap:.3g} relative " \
                                         f"(bound {rate:g} μ = {rate * draw['mu']:.3g})"
        assert gap_closer <= FULL_INFORMATION_SHRINK * gap + 1e-9, \
            f"{name}: the relative distance to full information is {gap:.3g} at μ and {gap_closer:.3g} at μ/10"


THEOREMS = [
    Theorem(name="steady_state", statement="The A.3 steady state solves every equation of the model file",
            reference="appendix A.3; section 1.3", strategy=_structural, predicate=_steady_state_solves),
    Theorem(name="hessian_negative_definite",
            statement="H_x,0 is negative definite and the profit function is stationary at the steady state",
            reference="appendix A.4; section 1.5.3", strategy=_structural, predicate=_hessian_negative_definite),
    Theorem(name="taylor_principle",
            statement="The Calvo model is determinate when φ_π > 1 and indeterminate when φ_π < 1 (φ_Y = 0)",
            reference="eq. (1.28); Table 1.1", strategy=_determinacy_strategy, predicate=_taylor_principle),
    Theorem(name="information_monotone",
            statement="The information flow chosen in the attention problem is non-increasing in μ",
            reference="eqs. (1.34)-(1.38); Table 1.4", strategy=_attention_strategy,
            predicate=_information_monotone),
    Theorem(name="full_information_limit",
            statement="As μ → 0 the RI equilibrium responses converge to the full-information responses, "
                      "at a rate proportional to μ",
            reference="section 1.3.8", strategy=_full_information_strategy, predicate=_full_information_limit),
]
