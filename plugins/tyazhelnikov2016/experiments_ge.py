"""Experiments on populations of firms: fosd (Figure 5), wages (section 3.5), liberalization
(Table 1, section 5.3) and calibrate (sections 5.2-5.4)."""
from __future__ import annotations

import math
from pathlib import Path

import attrs
import numpy as np

from equilibria import Result, Table
from equilibria.errors import ConvergenceError, ParameterError
from equilibria.quantities import present
from equilibria.params import (as_float, as_float_array, as_int, as_path, as_str, at_most, existing_file,
                               in_open_interval, max_length, ndim, nonnegative, one_of, param, positive,
                               same_length_as)

from .params import EconomyParameters
from .quantities import (CALIBRATION, FOSD, LOG_CHANGE, NUMERAIRE, SHARE_OF_FIRMS, TAU, liberalization_quantities,
                         wage_quantities)

__all__ = ["FosdParameters", "WageParameters", "CalibrationParameters", "run_fosd", "run_wages",
           "run_liberalization", "run_calibrate", "TABLE1_COUNTRIES"]

#: Section 5.3's two countries in the order of ``wages``: the rest of the world (wage 1) and China,
#: whose cost draws are scaled by the relative wage ``w`` (``F_C = w F_W``).
TABLE1_COUNTRIES = ("rest of the world", "China")


@attrs.frozen(kw_only=True)
class FosdParameters(EconomyParameters):
    """Figure 5: 100,000 firms, N = 10, generalized-gamma draws, two values of tau."""

    n_firms = param(100_000, converter=as_int, validator=positive, unit="count", description="simulated firms")
    distribution = param("gengamma", converter=as_str, validator=one_of("pareto", "frechet", "lognormal", "gengamma"),
                         description="cost distribution")
    shape = param(2.0, converter=as_float, validator=positive, unit="1", description="gengamma a")
    shape2 = param(1.0, converter=as_float, validator=positive, unit="1", description="gengamma c")
    scale = param(1.0, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                  description="scale of the cost draws")
    wages = param(factory=lambda: [1.0, 1.0], converter=as_float_array, validator=[ndim(1), positive, max_length(1000)],
                  unit="relative to the first country", description="relative wages (cost scaling) by country")
    tau = param(2.0, converter=as_float, validator=nonnegative, unit="1 (multiplier of the trade costs T)",
                description="the higher trade cost tau_0")
    tau_low = param(0.5, converter=as_float, validator=nonnegative, unit="1 (multiplier of the trade costs T)",
                    description="the lower trade cost tau_1")


def run_fosd(params: FosdParameters, options=None) -> Result:
    """Marginal-cost distributions at two tau with common draws (Proposition 9, Figure 5)."""
    from equilibria.plotting import new_figure

    from .population import CostDistribution, simulate

    if not params.tau_low < params.tau:
        raise ParameterError("tau_low", "must be below tau", params.tau_low)
    from equilibria.parallel import executor_of

    dist = CostDistribution.from_params(params)
    executor = executor_of(options)
    pops = {tau: simulate(params.replace(tau=tau).problem(), dist, params.wages, params.n_firms, params.seed, executor)
            for tau in (params.tau, params.tau_low)}
    hi, lo = (np.sort(pops[t].mc) for t in (params.tau, params.tau_low))
    grid = np.quantile(np.concatenate([hi, lo]), np.linspace(0.001, 0.999, 400))
    F_hi = np.searchsorted(hi, grid, side="right") / hi.size
    F_lo = np.searchsorted(lo, grid, side="right") / lo.size
    dominated = bool(np.all(lo <= hi))  # every order statistic falls: F_lo >= F_hi everywhere
    fig, axes = new_figure(10.0, 4.0, ncols=2)
    bins = np.linspace(grid[0], grid[-1], 80)
    for tau, data in ((params.tau, hi), (params.tau_low, lo)):
        axes[0].hist(data, bins=bins, histtype="step", density=True, label=f"tau = {tau:g}")
    axes[0].set_xlabel("marginal cost")
    axes[0].set_ylabel("density")
    axes[0].legend()
    axes[1].plot(grid, F_hi, label=f"tau = {params.tau:g}")
    axes[1].plot(grid, F_lo, label=f"tau = {params.tau_low:g}")
    axes[1].set_xlabel("marginal cost")
    axes[1].set_ylabel("CDF")
    axes[1].legend()
    fig.suptitle(f"{params.n_firms} firms, N = {params.n_stages}, {params.distribution} draws (Figure 5)")
    quant = [0.1, 0.25, 0.5, 0.75, 0.9]
    table = Table(columns=["quantile", f"MC at tau={params.tau:g}", f"MC at tau={params.tau_low:g}"],
                  units=["probability", NUMERAIRE, NUMERAIRE],
                  rows=[[q, float(np.quantile(hi, q)), float(np.quantile(lo, q))] for q in quant],
                  caption="Quantiles of the marginal-cost distribution")
    data = {"tau_high": params.tau, "tau_low": params.tau_low, "first_order_dominance": dominated,
            "max_cdf_gap": float(np.max(F_lo - F_hi)), "min_cdf_gap": float(np.min(F_lo - F_hi)),
            "mean_mc": {str(params.tau): float(hi.mean()), str(params.tau_low): float(lo.mean())},
            "share_offshoring": {str(t): float(np.mean(pops[t].solution.crossings > 0)) for t in pops},
            "quantiles": {str(q): [float(np.quantile(hi, q)), float(np.quantile(lo, q))] for q in quant}}
    return Result(data=data, tables={"quantiles": table}, figures={"fosd": fig}, quantities=FOSD,
                  notes=["Common draws: each firm's MC falls (Proposition 1), so the lower-tau distribution is "
                         "dominated at every quantile (Proposition 9)."])


@attrs.frozen(kw_only=True)
class WageParameters(EconomyParameters):
    """Endogenous wages (section 3.5): labor supplies and output weighting."""

    n_firms = param(20_000, converter=as_int, validator=positive, unit="count", description="simulated firms")
    distribution = param("lognormal", converter=as_str, validator=one_of("pareto", "frechet", "lognormal", "gengamma"),
                         description="distribution of labor requirements")
    shape = param(0.5, converter=as_float, validator=positive, unit="1", description="shape of the labor requirements")
    scale = param(1.0, converter=as_float, validator=positive, unit="labor per unit of a stage",
                  description="scale of the labor requirements")
    tau = param(0.3, converter=as_float, validator=nonnegative, unit="1 (multiplier of the trade costs T)",
                description="trade-cost multiplier")
    wages = param(factory=lambda: [1.0, 1.0], converter=as_float_array, validator=[ndim(1), positive, max_length(1000)],
                  unit="relative to the first country",
                  description="ignored except for its length (number of countries)")
    labor_supply = param(factory=lambda: [1.0, 2.0], converter=as_float_array,
                         validator=[ndim(1), positive, same_length_as("wages")],
                         unit="labor units", description="inelastic labor supply L_k by country")
    output = param("unit", converter=as_str, validator=one_of("unit", "ces"),
                   description="firm output weights: one unit each, or CES demand MC^-sigma")


def run_wages(params: WageParameters, options=None) -> Result:
    """Wages clearing labor markets with w_1 = 1 (Proposition 8), through the core Economy."""
    from .population import CostDistribution, draw_costs
    from .wages import solve_wages

    M = len(params.wages)
    if len(params.labor_supply) != M:
        raise ParameterError("labor_supply", f"must have one entry per country ({M})", params.labor_supply)
    x = draw_costs(CostDistribution.from_params(params), np.ones(M), params.n_stages, params.seed, 0, params.n_firms)
    eq, economy = solve_wages(params.problem(), x, params.labor_supply, params.output, params.sigma)
    w = eq.prices["wages"]
    grid = np.linspace(0.5, 1.5, 11) * (w[1] if M == 2 else 1.0)
    scan = []
    if M == 2:  # uniqueness check in the two-country case: sign changes of the excess demand
        for w2 in grid:
            scan.append(float(economy.excess_demands({"wages": np.array([1.0, w2])})["wages"][1]))
    data = {"wages": w.tolist(), "labor_supply_shares": (np.asarray(params.labor_supply) / np.sum(params.labor_supply)).tolist(),
            **eq.aggregates, "residual_norm": eq.report.residual_norm, "tolerance": eq.report.tolerance,
            "evaluations": eq.report.evaluations, "seconds": eq.report.seconds, "report": eq.report.to_dict()}
    if scan:
        data["scan_w2"] = grid.tolist()
        data["scan_excess_country2"] = scan
        data["sign_changes_on_scan"] = int(np.sum(np.diff(np.sign(scan)) != 0))
    countries = params.country_names()
    table = Table(columns=["country", "wage", "labor demand share", "labor supply share"],
                  units=["", f"wage of {countries[0]} = 1", "fraction of world labor", "fraction of world labor"],
                  rows=[[countries[k], float(w[k]), data["labor_shares"][k], data["labor_supply_shares"][k]]
                        for k in range(M)],
                  caption=f"Labor-market clearing with w_1 = 1 ({params.n_firms} firms, tau = {params.tau:g}); markets "
                          f"clear up to the share of the largest firm ({eq.report.tolerance:.2g}).")
    return Result(data=data, tables={"wages": table}, quantities=present(data, wage_quantities(countries)))


def run_liberalization(params: EconomyParameters, options=None) -> Result:
    """Table 1: the 2000 estimates with tau falling to the 2007 value; steps 6-8 of section 5.3."""
    from equilibria.parallel import executor_of

    from .liberalization import decompose

    executor = executor_of(options)
    table1 = {"2000": dict(shape=0.42, scale=0.13, tau=0.49, w=1.18), "2007": dict(shape=0.43, scale=0.18, tau=0.45, w=1.16)}
    rows, data = [], {"table1": table1}
    base = params.replace(n_firms=max(params.n_firms, 100_000)) if params.n_firms < 100_000 else params
    for label, theta in (("2000 technology", table1["2000"]), ("2007 technology", table1["2007"])):
        p = base.replace(shape=theta["shape"], scale=theta["scale"], tau=table1["2000"]["tau"],
                         wages=[1.0, theta["w"]], distribution="pareto", countries=TABLE1_COUNTRIES)
        res = decompose(p, table1["2007"]["tau"], executor)
        data[label] = res
        eff = res["effective"]
        rows.append([label, res["tau_old"], res["tau_new"], eff["dln_total"], eff["dln_direct"],
                     eff["fragmentation_share"], res["dln_consumer_surplus_eq13"], res["share_firms_changing_path"]])
    table = Table(columns=["technology (Table 1)", "tau_0", "tau_1", "dln MC~ total", "dln MC~ direct",
                           "fragmentation share", "dln(W - E) by eq. 13", "firms changing path"], rows=rows,
                  units=["", TAU, TAU, LOG_CHANGE, LOG_CHANGE, "fraction", LOG_CHANGE, SHARE_OF_FIRMS],
                  caption="Steps 6-8 of section 5.3 (Pareto costs, T = 1 off the diagonal, N = 10, sigma = 4, "
                          "zeta = 0.5). The paper reports a fragmentation share of 24.6%.")
    # how the fragmentation share grows with the size of the fall in tau (2000 technology)
    p2000 = base.replace(shape=table1["2000"]["shape"], scale=table1["2000"]["scale"], tau=table1["2000"]["tau"],
                         wages=[1.0, table1["2000"]["w"]], distribution="pareto", countries=TABLE1_COUNTRIES)
    sweep = []
    for tau1 in (0.48, 0.45, 0.35, 0.25, 0.1, 0.0):
        res = decompose(p2000, tau1, executor)
        sweep.append([tau1, res["effective"]["dln_total"], res["effective"]["fragmentation_share"],
                      res["share_firms_changing_path"]])
    data["sweep"] = [dict(zip(("tau_new", "dln_total", "fragmentation_share", "firms_changing_path"), r)) for r in sweep]
    sweep_table = Table(columns=["tau_1", "dln MC~ total", "fragmentation share", "firms changing path"], rows=sweep,
                        units=[TAU, LOG_CHANGE, "fraction", SHARE_OF_FIRMS],
                        caption="2000 technology, tau_0 = 0.49: the share is second order in the fall of tau")
    from equilibria.comparison import SourceValue, docs_link, printed_tolerance

    comparisons = [SourceValue(quantity=f"fragmentation share of the fall in MC~, {label}", unit="fraction",
                               ours=float(data[label]["effective"]["fragmentation_share"]),
                               source=0.246 if label.startswith("2000") else None, where="section 5.3",
                               abs_tol=printed_tolerance("24.6%"),
                               reason="second order in the fall of tau under our readings of section 5.3",
                               link=docs_link("tyazhelnikov2016", "Measured results"))
                   for label in ("2000 technology", "2007 technology")]
    return Result(data=data, tables={"liberalization": table, "sweep": sweep_table}, comparisons=comparisons,
                  quantities=liberalization_quantities(TABLE1_COUNTRIES),
                  notes=["MC~ is the sales-weighted effective marginal cost (E[MC^(1-sigma)])^(1/(1-sigma)); "
                         "the 'mean' entries of the JSON use the plain mean instead.",
                         "For a small fall in tau the direct effect is the first-order effect (envelope theorem), so "
                         "the fragmentation share vanishes as tau_1 -> tau_0; it reaches ~23% only for tau_1 = 0."])


@attrs.frozen(kw_only=True)
class CalibrationParameters(EconomyParameters):
    """Calibration to a CSV of firm sales (one column)."""

    data = param(None, converter=attrs.converters.optional(as_path),
                 validator=attrs.validators.optional(existing_file),
                 description="CSV file of firm sales (one column, optional header); none: sales simulated "
                             "at the 'true_*' parameters (a recovery check)")
    measure = param("kl", converter=as_str, validator=one_of("kl", "ks", "cvm"), description="distance: kl, ks or cvm")
    trim = param(0.05, converter=as_float, validator=[nonnegative, at_most(0.9)],
                 unit="fraction of firms", description="share of the largest firms dropped in data and simulation")
    n_firms = param(20_000, converter=as_int, validator=positive, unit="count",
                    description="simulated firms per evaluation")
    shape = param(1.0, converter=as_float, validator=positive, unit="1", description="starting shape")
    scale = param(0.4, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                  description="starting scale")
    tau = param(0.3, converter=as_float, validator=nonnegative, unit="1 (multiplier of the trade costs T)",
                description="starting tau")
    start_w = param(1.1, converter=as_float, validator=in_open_interval(1.0, math.inf),
                    unit="relative to the first country", description="starting relative wage (> 1)")
    true_shape = param(1.2, converter=as_float, validator=positive, unit="1", description="shape used to simulate data")
    true_scale = param(0.5, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                       description="scale used to simulate data")
    true_tau = param(0.4, converter=as_float, validator=positive, unit="1 (multiplier of the trade costs T)",
                     description="tau used to simulate data")
    true_w = param(1.3, converter=as_float, validator=positive, unit="relative to the first country",
                   description="relative wage used to simulate data")
    demand_shifter = param(1.0, converter=as_float, validator=positive, unit="units of the numeraire good q0",
                           description="D in r = D p^(1-sigma)")
    checkpoint = param(None, converter=attrs.converters.optional(as_path),
                       description="checkpoint file (JSON lines); default OUT/calibration.jsonl with --out")
    firms_per_task = param(10_000, converter=as_int, validator=positive,
                           unit="count",
                           description="simulated firms per task of the executor (does not change the result)")
    executor = param(None, validator=attrs.validators.optional(one_of("serial", "processes", "dask")),
                     description="deprecated: use the global option --executor")
    workers = param(None, converter=attrs.converters.optional(as_int), validator=attrs.validators.optional(positive),
                    unit="count", description="deprecated: use the global option --workers")
    maxiter = param(400, converter=as_int, validator=[positive, at_most(1_000_000)],
                    unit="count", description="Nelder-Mead iterations per restart")


def _legacy_executor(params: CalibrationParameters, executor):
    """The executor named by the deprecated ``executor``/``workers`` parameters, or None.

    It is used only when the framework's executor is serial (the global options win).
    """
    import warnings

    from equilibria.parallel import make_executor

    if params.executor is None and params.workers is None:
        return None
    warnings.warn("calibrate's parameters 'executor' and 'workers' are deprecated: use the global options "
                  "--executor, --workers and --scheduler of 'equilibria run'", FutureWarning, stacklevel=2)
    if executor.parallel or params.executor in (None, "serial"):
        return None
    return make_executor(params.executor, params.workers)


def run_calibrate(params: CalibrationParameters, options=None) -> Result:
    """Fit (shape, scale, tau, w) to firm sales by KL, KS or CvM (sections 5.2-5.4).

    Every objective evaluation simulates ``n_firms`` firms in tasks of ``firms_per_task`` through
    the executor in ``options``; with a parallel executor the starts run concurrently.
    """
    from equilibria.parallel import executor_of

    from .calibration import Calibration, model_log_sales, read_sales_csv

    options = options or {}
    model = dict(family=params.distribution, shape2=params.shape2, n_stages=params.n_stages,
                 trade_costs=params.trade_matrix(), tariff=params.tariff, n_firms=params.n_firms, seed=params.seed,
                 sigma=params.sigma, demand_shifter=params.demand_shifter, chunk_size=params.firms_per_task)
    truth = None
    if params.data is None:
        truth = (params.true_shape, params.true_scale, params.true_tau, params.true_w)
        sales = np.exp(model_log_sales(truth, executor=executor_of(options), **dict(model, seed=params.seed + 1_000_003)))
    else:
        sales = read_sales_csv(params.data)
    checkpoint = params.checkpoint
    if checkpoint is None and options.get("out"):
        Path(options["out"]).mkdir(parents=True, exist_ok=True)
        checkpoint = Path(options["out"]) / "calibration.jsonl"
    executor = executor_of(options)
    legacy = _legacy_executor(params, executor)
    try:
        cal = Calibration(sales, measure=params.measure, trim=params.trim, checkpoint=checkpoint,
                          progress=bool(options.get("progress")), executor=legacy or executor, **model)
        fit = cal.fit((params.shape, params.scale, params.tau, params.start_w), maxiter=params.maxiter)
    finally:
        if legacy is not None:
            legacy.close()
    if not fit["converged"]:
        raise ConvergenceError(f"calibration: Nelder-Mead stopped before its tolerances ({fit['message']}); "
                               f"raise maxiter", history=[h["value"] for h in cal.history])
    rows = [[k, v, (dict(zip(("shape", "scale", "tau", "w"), truth))[k] if truth else "")] for k, v in fit["estimate"].items()]
    table = Table(columns=["parameter", "estimate", "true value" if truth else ""], rows=rows,
                  units=["", "1 (scale: cost units)", "1 (scale: cost units)" if truth else ""],
                  caption=f"{params.measure} distance {fit['distance']:.4g} after {fit['evaluations']} evaluations "
                          f"({fit['replayed_from_checkpoint']} replayed from the checkpoint), {fit['seconds']:.1f} s")
    data = dict(fit, data=str(params.data) if params.data else "simulated", truth=truth,
                checkpoint=str(checkpoint) if checkpoint else None, n_data=int(sales.size))
    return Result(data=data, tables={"calibration": table}, quantities=present(data, CALIBRATION))
