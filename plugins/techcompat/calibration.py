"""Calibration tooling (slides' calibration table, blocks B and C).

* :func:`model_moments` -- the two targeted moments: the firm-level slope of import shares on
  citation shares (identifies t_bar) and the country-level elasticity of citation shares to
  trade costs (identifies phi_bar), both at given wages.
* :func:`identify_compatibility` -- t_bar and phi_bar exactly identified from the two targets.
* :func:`calibrate_trade_costs` -- iceberg costs tau^j_{do} that reproduce bilateral trade shares in
  general equilibrium (relative to the domestic share: ln tau^j_do moves by the log gap / zeta).
* :func:`fit_endowments` -- nonlinear least squares for mu_bar^j_o and sigma_bar^j (by sector) on the
  citation shares; mu_bar^0_0 is held at its starting value (the model is invariant to shifts of theta).
* :func:`recovery_result` -- each block recovers known parameters from the synthetic dataset.
"""
from __future__ import annotations

import time

import numpy as np
from scipy import optimize

from equilibria import ConvergenceError, ParameterError
from equilibria.numerics.anderson import anderson
from equilibria.numerics.roots import find_root
from equilibria.results import Result, Table

from .equilibrium import solve_equilibrium
from .measurement import citation_shares, import_citation_slope
from .model import Model
from .quantities import CALIBRATION
from .technology import solve_technology

__all__ = ["model_moments", "identify_compatibility", "calibrate_trade_costs", "fit_endowments", "recovery_result",
           "TARIFF_SHOCK"]

#: Proportional increase of every foreign trade cost behind the citation-tariff elasticity.
TARIFF_SHOCK = 0.05


def model_moments(params, wages, delta, received) -> dict:
    """``import_citation_slope`` and ``citation_tariff_elasticity`` at ``wages`` (technology equilibria)."""
    model = Model.from_parameters(params)
    state = solve_technology(model, wages)
    slope = import_citation_slope(model, state, delta, received)
    tau = np.array(params.trade_costs)
    n = params.n_regions
    foreign = ~np.eye(n, dtype=bool)
    tau[foreign] *= 1.0 + TARIFF_SHOCK
    shocked = solve_technology(model.with_trade_costs(tau), wages, start=state)
    before = citation_shares(*state.moments(model), delta, received)
    after = citation_shares(*shocked.moments(model), delta, received)
    pairs = foreign[:, None, :, None] * np.ones(before.shape, bool)
    elasticity = float(np.mean((np.log(after) - np.log(before))[pairs]) / np.log1p(TARIFF_SHOCK))
    return {"import_citation_slope": slope, "citation_tariff_elasticity": elasticity}


def identify_compatibility(params, wages, delta, received, targets, start=None):
    """(t_bar, phi_bar) matching the two targets exactly; returns ``(params, solution_info)``."""
    keys = ("import_citation_slope", "citation_tariff_elasticity")
    goal = np.array([targets[k] for k in keys])
    x0 = np.log(np.array(start if start is not None else (params.incompatibility, params.adaptation)))

    def residual(x):
        try:
            trial = params.replace(incompatibility=float(np.exp(x[0])), adaptation=float(np.exp(x[1])))
        except ParameterError:
            return np.full(2, 10.0)
        m = model_moments(trial, wages, delta, received)
        return (np.array([m[k] for k in keys]) - goal) / np.maximum(np.abs(goal), 1e-3)

    root = find_root(residual, x0, method="hybr", tol=1e-7, options={"xtol": 1e-10},
                     what="t_bar and phi_bar from the two moments")
    tbar, phibar = np.exp(root.x)
    return (params.replace(incompatibility=float(tbar), adaptation=float(phibar)),
            {"evaluations": root.report.evaluations, "report": root.report})


def calibrate_trade_costs(params, target_shares, *, tol=1e-9, maxiter=60):
    """tau^j_{do} reproducing the intermediate trade shares ``target_shares`` [d][o][j] in general equilibrium.

    The map ln tau <- ln tau + (ln pi_model - ln pi_data, relative to the domestic share) / zeta, each
    step a general equilibrium, is iterated with Anderson acceleration."""
    zeta = params.trade_elasticity
    target = np.maximum(np.asarray(target_shares, float), 1e-300)
    n = params.n_regions
    diag = np.arange(n)
    warm = {}

    def gap_at(log_tau):
        trial = params.replace(trade_costs=np.exp(log_tau).tolist())
        eq = solve_equilibrium(Model.from_parameters(trial), start=warm.get("state"), wages=warm.get("wages"))
        warm.update(state=eq.aggregates["technology"], wages=eq.prices["wages"])
        gap = np.log(eq.aggregates["accounts"].trade_shares) - np.log(target)
        return gap - gap[diag, diag][:, None, :]                        # relative to the domestic share

    def step(x):
        log_tau = x.reshape(params.trade_costs.shape)
        new = np.maximum(log_tau + gap_at(log_tau) / zeta, 0.0)
        new[diag, diag] = 0.0
        return new.ravel()

    x, iterations, history = anderson(step, np.log(params.trade_costs).ravel(), tol=tol / zeta, maxiter=maxiter,
                                      memory=5, what="iceberg costs from trade shares")
    fitted = params.replace(trade_costs=np.exp(x.reshape(params.trade_costs.shape)).tolist())
    return fitted, {"iterations": iterations, "max_log_gap": history[-1] * zeta}


def fit_endowments(params, wages, delta, received, target_citations, *, start_mean=None, start_sd=None,
                   mean_bound=0.8, sd_bounds=(0.05, 0.35), technology="full"):
    """mu_bar^j_o and sigma_bar^j by nonlinear least squares on citation shares (technology equilibria at ``wages``).

    The search stays in |mu_bar| <= ``mean_bound`` and ``sd_bounds`` (trust-region reflective), a box in
    which the appendix's existence condition holds at the slides' t_bar. ``technology="full"`` (default)
    solves the grid model at every trial; ``"quadratic"`` uses the quadratic-normal solver (smooth and
    faster per evaluation, but it recovers data generated by the full model only up to the
    approximation error)."""
    from .quadratic import solve_quadratic_normal

    n, s = params.n_regions, params.n_sectors
    mean0 = np.array(params.tech_mean if start_mean is None else start_mean, float)
    sd0 = np.array(params.tech_sd[0] if start_sd is None else start_sd, float)
    anchor = mean0[0, 0]
    target = np.asarray(target_citations, float)

    def build(x):
        mean = np.concatenate([[anchor], x[: n * s - 1]]).reshape(n, s)
        sd = np.exp(x[n * s - 1:])
        return params.replace(tech_mean=mean.tolist(), tech_sd=np.repeat(sd[None], n, axis=0).tolist())

    def residual(x):
        try:
            trial = build(x)
        except ParameterError:
            return np.ones(target.size)
        model = Model.from_parameters(trial)
        if technology == "quadratic":
            qn = solve_quadratic_normal(model, wages)
            mean, sd = qn.mean, qn.sd
        else:
            mean, sd = solve_technology(model, wages).moments(model)
        return (citation_shares(mean, sd, delta, received) - target).ravel()

    x0 = np.concatenate([mean0.ravel()[1:], np.log(sd0)])
    m = n * s - 1
    lower = np.concatenate([np.full(m, -mean_bound), np.full(s, np.log(sd_bounds[0]))])
    upper = np.concatenate([np.full(m, mean_bound), np.full(s, np.log(sd_bounds[1]))])
    sol = optimize.least_squares(residual, np.clip(x0, lower + 1e-9, upper - 1e-9), bounds=(lower, upper),
                                 method="trf", xtol=1e-12, ftol=1e-12, gtol=1e-12)
    norm = float(np.max(np.abs(sol.fun)))
    if sol.status <= 0:      # the evaluation budget ran out (or the input was improper): no fit to report
        raise ConvergenceError(f"endowment fit: least_squares stopped before its tolerances ({sol.message})",
                               history=[norm])
    # a fit, not a root: the data need not be matched exactly, so the report gives the misfit and the
    # optimizer's own reason for stopping instead of a converged flag
    return build(sol.x), {"method": "least_squares (trust-region reflective, bounded)", "evaluations": int(sol.nfev),
                          "residual_norm": norm, "optimality": float(sol.optimality), "message": str(sol.message)}


def recovery_result(params) -> Result:
    """Each calibration block recovers the synthetic economy's parameters from the shipped data."""
    from .dataset import read_dataset
    from .params import TechParameters

    data = read_dataset()
    truth = TechParameters()
    rows, out = [], {}
    # B: t_bar and phi_bar from the two moments, starting 40% off
    started = time.perf_counter()
    fitted, info = identify_compatibility(truth, data.wages, data.citation_structure, data.citations_received,
                                          data.moments, start=(truth.incompatibility * 1.4, truth.adaptation * 0.6))
    err_t = abs(fitted.incompatibility - truth.incompatibility)
    err_p = abs(fitted.adaptation - truth.adaptation)
    rows.append(["t_bar", CALIBRATION["tbar"].unit, truth.incompatibility, fitted.incompatibility, err_t, time.perf_counter() - started])
    rows.append(["phi_bar", CALIBRATION["phibar"].unit, truth.adaptation, fitted.adaptation, err_p, time.perf_counter() - started])
    # B: iceberg costs from trade shares, starting from uniform costs of 1.5
    started = time.perf_counter()
    flat = np.full_like(truth.trade_costs, 1.5)
    n = truth.n_regions
    flat[np.arange(n), np.arange(n)] = 1.0
    fitted_tau, info_tau = calibrate_trade_costs(truth.replace(trade_costs=flat.tolist()), data.trade_shares)
    err_tau = float(np.max(np.abs(fitted_tau.trade_costs - truth.trade_costs)))
    rows.append(["tau (max abs error)", CALIBRATION["tau_error"].unit, 0.0, err_tau, err_tau, time.perf_counter() - started])
    # C: endowment means and sds from citation shares, starting from zero means and sd 0.3
    started = time.perf_counter()
    start_mean = np.zeros_like(truth.tech_mean)
    start_mean[0, 0] = truth.tech_mean[0, 0]
    fitted_end, info_end = fit_endowments(truth, data.wages, data.citation_structure, data.citations_received,
                                          data.citation_shares, start_mean=start_mean,
                                          start_sd=np.full(truth.n_sectors, 0.3))
    err_mu = float(np.max(np.abs(fitted_end.tech_mean - truth.tech_mean)))
    err_sd = float(np.max(np.abs(fitted_end.tech_sd - truth.tech_sd)))
    rows.append(["mu_bar (max abs error)", CALIBRATION["mean_error"].unit, 0.0, err_mu, err_mu, time.perf_counter() - started])
    rows.append(["sigma_bar (max abs error)", CALIBRATION["sd_error"].unit, 0.0, err_sd, err_sd, 0.0])
    out = {"tbar": fitted.incompatibility, "phibar": fitted.adaptation, "tau_error": err_tau,
           "mean_error": err_mu, "sd_error": err_sd, "moments": data.moments,
           "evaluations": {"compatibility": info["evaluations"], "iceberg_iterations": info_tau["iterations"],
                           "endowments": info_end["evaluations"]}}
    table = Table(columns=["parameter", "unit", "true", "recovered", "abs error", "time"], rows=rows,
                  units=["", "", "", "", "", "s"],
                  caption="Calibration blocks on the shipped synthetic data (generated by the model)")
    return Result(data=out, tables={"recovery": table}, quantities=CALIBRATION,
                  notes=["Each block is run with the other parameters at their true values; wages are data."])
