"""Experiments: ``irf``, ``first_best``, ``sensitivity``, ``money``, ``steady_state``, ``estimate``."""
from __future__ import annotations

import numpy as np

from equilibria import ConvergenceError, Experiment
from equilibria.results import Result, Table

from .params import InventoryParameters, for_firms
from .solve import TEXT_FIGURES, responses, steady_state_table

__all__ = ["EXPERIMENTS"]

FIGURE_VARIABLES = ("output", "inflation", "consumption", "inventory_sales_ratio", "inventories", "real_wage",
                    "real_marginal_cost", "real_profit")


def _grid_figure(series: dict, names, title: str, ncols: int = 4):
    """One panel per variable; ``series`` maps a label to ``{variable: path}``."""
    from matplotlib.figure import Figure

    nrows = int(np.ceil(len(names) / ncols))
    figure = Figure(figsize=(3.2 * ncols, 2.6 * nrows), layout="constrained")
    axes = np.atleast_1d(figure.subplots(nrows, ncols)).ravel()
    for ax, name in zip(axes, names):
        for label, paths in series.items():
            if name in paths:
                ax.plot(np.asarray(paths[name]), label=label)
        ax.axhline(0.0, color="grey", lw=0.5)
        ax.set_title(name.replace("_", " "), fontsize=9)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    figure.suptitle(title, fontsize=10)
    return figure


# --------------------------------------------------------------------------- irf
def run_irf(params: InventoryParameters, options) -> Result:
    """Responses to a 0.60% (annualized) interest-rate shock under both frictions (Figure 1.8)."""
    irf, report, extra = responses(params)
    other_name = "calvo" if params.firms == "rational_inattention" else "rational_inattention"
    series = {params.firms: irf}
    notes = [f"{params.firms}: {report.method}, {report.iterations} iteration(s), {report.seconds:.3g} s."]
    try:
        other_irf, other_report, _ = responses(for_firms(params, other_name))
        series[other_name] = other_irf
        notes.append(f"{other_name} (Table 1.1's column): {other_report.method}, {other_report.seconds:.3g} s.")
    except ConvergenceError as exc:
        other_irf = None
        notes.append(f"{other_name} could not be solved: {exc}")
    data = {"firms": params.firms, "irf": irf, "report": report.to_dict(), **extra}
    if other_irf is not None:
        data["comparison"] = {other_name: other_irf}
    figure = _grid_figure(series, FIGURE_VARIABLES,
                          f"Responses to a {4 * params.sigma_r * 100:.2g}% (annualized) interest-rate shock, "
                          "percent deviations")
    rows = [[name, *[float(np.asarray(s[name])[t]) for s in series.values() for t in (0, 4)]]
            for name in FIGURE_VARIABLES]
    columns = ["variable", *[f"{label} q{t}" for label in series for t in (0, 4)]]
    return Result(data=data, tables={"irf": Table(columns=columns, rows=rows,
                                                  caption="Impact and fourth-quarter responses (percent)")},
                  figures={"irf": figure}, notes=notes, comparisons=_figure_1_8_comparisons(series))


def _figure_1_8_comparisons(series) -> list:
    """The numbers section 1.5.3 prints about Figure 1.8, beside ours (0.01 percentage point unless stated)."""
    out = []
    calvo, ri = series.get("calvo"), series.get("rational_inattention")
    if calvo is not None:
        out += [_source_value("Calvo: output on impact", "%", calvo["output"][0], -0.12, "section 1.5.3", abs_tol=0.02),
                _source_value("Calvo: inflation on impact", "%", calvo["inflation"][0], -0.14, "section 1.5.3",
                              abs_tol=0.01),
                _source_value("Calvo: real wage on impact ('more than 0.25%')", "%", calvo["real_wage"][0], -0.25,
                              "section 1.5.3", abs_tol=0.02)]
    if ri is not None:
        out += [_source_value("RI: output on impact", "%", ri["output"][0], -0.18, "section 1.5.3", abs_tol=0.02,
                              reason="zero attention at Table 1.1's μ: goods for sale do not move on impact"),
                _source_value("RI: inventory-sales ratio, peak", "%", float(np.max(ri["inventory_sales_ratio"][:16])),
                              None, "Figure 1.8 (rises; no number printed)")]
    if calvo is not None and ri is not None:
        out.append(_source_value("real marginal cost on impact, Calvo / RI", "ratio",
                                 calvo["real_marginal_cost"][0] / ri["real_marginal_cost"][0], 6.0, "section 1.5.3",
                                 rel_tol=0.2, reason="RI real wage moves with the zero-attention equilibrium"))
    return out


# --------------------------------------------------------------------------- steady_state
def run_steady_state(params: InventoryParameters, options) -> Result:
    """Item 2: the steady state beside the text's figures, and H_x,0 beside the text's matrix."""
    from .profit import hessians
    from .steady_state import steady_state

    ss = steady_state(params)
    H = hessians(params, ss)
    table = steady_state_table(params, ss)
    text_h = TEXT_FIGURES["hessian_x0"]
    hess = Table(columns=["entry", "model", "text"],
                 rows=[[f"H_x,0[{i},{j}]", H.H0_text[i, j], text_h[i][j]] for i in range(2) for j in range(2)],
                 caption="H_x,0 on the text's scale (rows and columns: price, stock)")
    return Result(data={"steady_state": ss.to_dict(), "hessian_x0": H.H0_text.tolist(),
                        "text": TEXT_FIGURES}, tables={"steady_state": table, "hessian": hess},
                  comparisons=_steady_state_comparisons(params, ss, H),
                  notes=["The text's 16.3% stock-out frequency is the share of demand that falls in stock-out "
                         "states, 1 - F(log v* - σ²/2); the probability of a stock-out (the LHS of 1.18) is "
                         f"{ss.stockout_probability:.4f}."])


def _steady_state_comparisons(params, ss, H) -> list:
    """Section 1.5.2's steady-state figures and section 1.5.3's H_x,0 beside ours, to the printed precision."""
    from equilibria.comparison import SourceValue, docs_link, printed_tolerance

    link = docs_link("yu2019_inventories")
    where = "section 1.5.2"
    values = [
        SourceValue(quantity="stock-out frequency (share of demand in stock-out states)", unit="fraction",
                    ours=ss.stockout_demand_share, source=0.163, where=where, abs_tol=printed_tolerance("16.3%"),
                    reason="definition read differently", link=link),
        SourceValue(quantity="stock-out probability Pr(v > v*) (1.18)", unit="fraction",
                    ours=ss.stockout_probability, source=0.163, where=where, abs_tol=printed_tolerance("16.3%"),
                    reason="the text's 16.3% is the demand share, not this probability", link=link),
        SourceValue(quantity="inventory-sales ratio v*/Ψ(v*) - 1 (1.17)", unit="quarters of sales",
                    ours=ss.inventory_sales_ratio, source=0.498, where=where, abs_tol=printed_tolerance("0.498"),
                    reason="A.3 reads S as sales (gives 0.4983); we follow (1.17)", link=link),
        SourceValue(quantity="inventory investment / output", unit="fraction", ours=ss.inventory_investment_share,
                    source=0.009, where=where, abs_tol=printed_tolerance("0.9%"), link=link),
        SourceValue(quantity="markup as a margin over price, (P - MC)/P = 1/θ without stock-outs", unit="fraction",
                    ours=1.0 / params.theta, source=0.20, where=where, abs_tol=printed_tolerance("20%"), link=link),
        SourceValue(quantity="markup over marginal cost, θ/(θ-1) - 1 without stock-outs", unit="fraction",
                    ours=1.0 / (params.theta - 1.0), source=0.20, where=where, abs_tol=printed_tolerance("20%"),
                    reason=f"the text's 20% is the margin over price, 1/θ, at θ = {params.theta:g}", link=link),
    ]
    text_h = TEXT_FIGURES["hessian_x0"]
    for i, row in enumerate(text_h):
        for j, printed in enumerate(row):
            values.append(SourceValue(quantity=f"H_x,0[{i},{j}] (rows, columns: price, stock)",
                                      unit="text's scale", ours=float(H.H0_text[i, j]), source=printed,
                                      where="section 1.5.3", abs_tol=printed_tolerance(f"{printed:g}"),
                                      reason="rounding of the calibrated steady state", link=link))
    return values


def _estimation_parameters():
    from .estimation import EstimationParameters

    return EstimationParameters


def _ri_params(params: InventoryParameters) -> InventoryParameters:
    return params if params.firms == "rational_inattention" else for_firms(params, "rational_inattention")


# --------------------------------------------------------------------------- first_best
def run_first_best(params: InventoryParameters, options) -> Result:
    """Actual versus first-best responses of Z_j and p_j under RI (Figures 1.10-1.11)."""
    from .ri_equilibrium import solve_ri

    ri = _ri_params(params)
    eq = solve_ri(ri)
    actual = eq.actions
    series = {"actual": actual, "first best": eq.first_best}
    figure = _grid_figure(series, ("Z", "p"), "RI: actual and first-best responses to the interest-rate shock",
                          ncols=2)
    h = min(12, len(actual["p"]))
    rows = [[t, actual["Z"][t], eq.first_best["Z"][t], actual["p"][t], eq.first_best["p"][t]] for t in range(h)]
    return Result(data={"actual": actual, "first_best": eq.first_best,
                        "information_flow_bits": {"price": eq.attention.information_by_action[0],
                                                  "stock": eq.attention.information_by_action[1]},
                        "report": eq.report.to_dict()},
                  tables={"first_best": Table(columns=["quarter", "Z actual", "Z first best", "p actual",
                                                       "p first best"], rows=rows,
                                              caption="Percent deviations (Figures 1.10-1.11); p is the "
                                                      + ("nominal price log P_j" if ri.price_action == "nominal"
                                                         else "relative price P_j/P"))},
                  figures={"first_best": figure},
                  comparisons=[_source_value("first-best Z on impact", "%", eq.first_best["Z"][0], -1.0,
                                             "section 1.5.3, Figure 1.10", abs_tol=0.15),
                               _source_value("first-best price, trough", "%", float(np.min(eq.first_best["p"][:30])),
                                             -0.07, "Figure 1.11 (read off the plot)", abs_tol=0.015)])


# --------------------------------------------------------------------------- sensitivity
MU_GRID = (0.000525, 0.000263, 0.000132, 0.00004, 0.00002, 0.00001)
SIGMA_R_GRID = (0.0015, 0.0020, 0.0022, 0.0025)


def sensitivity_rows(params: InventoryParameters, name: str, values):
    """Profit loss, information flows and the interaction share for each value of ``name``."""
    from .ri_equilibrium import _Economy, solve_ri

    base = _ri_params(params)
    economy = _Economy(base, base.ma_lags)
    rows, paths = [], {}
    for value in values:
        eq = solve_ri(base.replace(**{name: value}), economy=economy)
        revenue = economy.ss.marginal_utility * economy.ss.relative_price * economy.ss.sales
        rows.append([value, eq.attention.loss / revenue * 100.0, *eq.attention.information_by_action,
                     eq.attention.information, eq.attention.interaction_share * 100.0])
        paths[f"{name}={value:g}"] = {"Z": eq.paths["Z"], "inventory_sales_ratio": eq.paths["isr"]}
    return rows, paths


#: Tables 1.4-1.5 as printed: profit deviation, information flow to P_j and to Z_j (bits), interaction share (%).
TEXT_TABLE_1_4 = {0.000525: (0.0025, 0.0768, 0.0596), 0.000263: (0.0014, 0.2264, 0.1038),
                  0.000132: (0.0013, 0.1779, 0.1310)}
TEXT_TABLE_1_5 = {0.0015: (0.0025, 0.0768, 0.0596, -15.5), 0.0020: (0.0047, 0.1009, 0.0878, -17.2),
                  0.0022: (0.0052, 0.1055, 0.1009, -18.8), 0.0025: (0.0072, 0.1164, 0.1039, -19.1)}


def run_sensitivity(params: InventoryParameters, options) -> Result:
    """Tables 1.4-1.5: profit loss and information flows as μ and σ_r vary."""
    columns = ["value", "profit loss (% of revenue)", "info to p (bits)", "info to Z (bits)", "info total (bits)",
               "interaction share (%)"]
    mu_rows, mu_paths = sensitivity_rows(params, "mu", MU_GRID)
    sr_rows, sr_paths = sensitivity_rows(params, "sigma_r", SIGMA_R_GRID)
    figure = _grid_figure({**mu_paths, **sr_paths}, ("Z", "inventory_sales_ratio"),
                          "RI: sensitivity to μ and σ_r (Figures 1.12-1.14)", ncols=2)
    text_mu = Table(columns=["μ", "profit deviation", "info to Pj", "info to Zj"],
                    rows=[[mu, *values] for mu, values in TEXT_TABLE_1_4.items()], caption="Table 1.4 as printed")
    comparisons = []
    for rows, text, where in ((mu_rows, TEXT_TABLE_1_4, "Table 1.4"), (sr_rows, TEXT_TABLE_1_5, "Table 1.5")):
        for row in rows:
            printed = text.get(row[0])
            if printed is None:
                continue
            reason = "zero attention at these μ in this reading (reading 10)"
            comparisons += [_source_value(f"profit deviation at {row[0]:g} (% of revenue)", "%", row[1], printed[0],
                                          where, rel_tol=0.3, reason=reason),
                            _source_value(f"information flow to P_j at {row[0]:g}", "bits", row[2], printed[1], where,
                                          abs_tol=0.05, reason=reason),
                            _source_value(f"information flow to Z_j at {row[0]:g}", "bits", row[3], printed[2], where,
                                          abs_tol=0.05, reason=reason)]
            if len(printed) > 3:
                comparisons.append(_source_value(f"interaction share of the loss at {row[0]:g}", "%", row[5],
                                                 printed[3], where, abs_tol=5.0, reason=reason))
    return Result(comparisons=comparisons, data={"mu": mu_rows, "sigma_r": sr_rows, "columns": columns},
                  tables={"mu": Table(columns=columns, rows=mu_rows, caption="Sensitivity to μ (Table 1.4)"),
                          "sigma_r": Table(columns=columns, rows=sr_rows, caption="Sensitivity to σ_r (Table 1.5)"),
                          "text_table_1_4": text_mu},
                  figures={"sensitivity": figure})


# --------------------------------------------------------------------------- money
def money_parameters(params: InventoryParameters) -> InventoryParameters:
    """Section 1.6.3: no government, no habit, ξ_w = 0.90, other parameters from Table 1.1's RI column."""
    return _ri_params(params).replace(g_share=0.0, habit=0.0, xi_w=0.90)


def run_money(params: InventoryParameters, options) -> Result:
    """A 0.6% fall in the money supply under cash in advance (section 1.6.3, Figures 1.15-1.16)."""
    from .model import linearize
    from .ri_equilibrium import MONEY_SHOCK, _report_units, solve_ri
    from .sequence import StackedSystem

    ri_params = money_parameters(params)
    calvo_params = for_firms(params, "calvo").replace(g_share=0.0, habit=0.0)
    model, _, system = linearize(calvo_params, money=True)
    T = ri_params.ma_lags
    stacked = StackedSystem(system, T)
    everything = stacked.partition(np.arange(model.n), np.arange(model.n))
    calvo = _report_units(model, everything.solve(np.zeros(model.n * T), stacked.impulse(2, MONEY_SHOCK)), T)
    series, rows, data = {}, [], {}
    try:
        eq = solve_ri(ri_params, shock="eps_m")
        series["rational_inattention"] = eq.paths
    except ConvergenceError as exc:
        eq = None
        data["rational_inattention_error"] = str(exc)
    series["calvo"] = calvo
    names = ("C", "mc", "PI", "sales", "inv", "isr", "Y", "rr", "Z")
    for label, paths in series.items():
        c, mc = np.asarray(paths["C"][:8]), np.asarray(paths["mc"][:8])
        share = float(np.sum(np.abs(mc)) / np.sum(np.abs(c))) if np.any(c) else float("nan")
        rows.append([label, float(c[0]), float(mc[0]), share * 100.0,
                     float(np.asarray(paths["inv"])[1] - np.asarray(paths["sales"])[1])])
        data[label] = {k: np.asarray(paths[k])[:ri_params.horizon] for k in names}
        data[label]["markup_share_percent"] = share * 100.0
    figure = _grid_figure(series, names, "Responses to a 0.6% fall in the money supply (percent deviations)")
    table = Table(columns=["firms", "consumption q0", "real marginal cost q0", "markup term share, 8 quarters (%)",
                           "inventories - sales q1"], rows=rows,
                  caption="Kryvtsov-Midrigan decomposition: Δln C = [Δln M - Δln Λ] + [Δln Λ - Δln P]; the markup "
                          "term is the real marginal cost; the text reports a 24% markup share under RI")
    moments = {label: money_moments(paths) for label, paths in series.items()}
    text_ri, text_data = TEXT_TABLE_1_6["RI"], TEXT_TABLE_1_6["data"]
    moment_rows = [[name, moments.get("rational_inattention", [float("nan")] * 7)[i], text_ri[i],
                    moments["calvo"][i], text_data[i]] for i, name in enumerate(MONEY_MOMENT_NAMES)]
    data["table_1_6"] = {label: dict(zip(MONEY_MOMENT_NAMES, values)) for label, values in moments.items()}
    comparisons = []
    if "rational_inattention" in moments:
        ri_share = data["rational_inattention"]["markup_share_percent"]
        comparisons.append(_source_value("markup term share of the consumption response, RI (8 quarters)", "%",
                                         ri_share, 24.0, "section 1.6.3", abs_tol=5.0,
                                         reason="interior-attention equilibrium; see reading 14"))
        comparisons += [_source_value(f"{name}, RI, money shock", "", moments["rational_inattention"][i], text_ri[i],
                                      "Table 1.6", **MOMENT_TOLERANCE[i in MONEY_RATIO_ROWS],
                                      reason="interior-attention equilibrium: inventories fall more than sales")
                        for i, name in enumerate(MONEY_MOMENT_NAMES)]
    return Result(data=data, tables={"money": table,
                                     "table_1_6": Table(columns=["moment", "RI (model)", "RI (text)", "Calvo (model)",
                                                                 "data (text, Kryvtsov-Midrigan)"],
                                                        rows=moment_rows,
                                                        caption="Moments conditional on money-supply shocks "
                                                                "(Table 1.6), from 80 quarters of responses")},
                  figures={"money": figure}, comparisons=comparisons)


#: Table 1.6 as printed: the RI model and the data (Kryvtsov and Midrigan 2013, Table 3).
TEXT_TABLE_1_6 = {"data": [-0.710, 0.880, 0.630, 0.93, 1.110, -0.660, 0.340],
                  "RI": [-0.8255, 0.876, 0.246, 1.018, 1.022, -0.842, 0.158]}
MONEY_MOMENT_NAMES = ["ρ(IS, S)", "ρ(IS, IS-1)", "ρ(Y, ΔI)", "σ(IS)/σ(S)", "σ(Y)/σ(S)", "elasticity of IS to S",
                      "elasticity of I to S"]
MONEY_RATIO_ROWS = (3, 4, 5, 6)
#: Declared agreement for simulated moments: 0.1 on a correlation, 20% on a ratio or elasticity.
MOMENT_TOLERANCE = {False: {"abs_tol": 0.1}, True: {"rel_tol": 0.2}}


def money_moments(paths: dict) -> list:
    """Table 1.6's moments conditional on one money-supply shock, from its moving-average coefficients."""
    ma = {k: np.asarray(v, float) for k, v in paths.items()}
    d_inv = ma["inv"] - np.concatenate([[0.0], ma["inv"][:-1]])

    def cov(a, b):
        return float(np.dot(a, b))

    def corr(a, b):
        return cov(a, b) / np.sqrt(cov(a, a) * cov(b, b))

    isr, sales = ma["isr"], ma["sales"]
    return [corr(isr, sales), cov(isr[1:], isr[:-1]) / cov(isr, isr), corr(ma["Y"], d_inv),
            np.sqrt(cov(isr, isr) / cov(sales, sales)), np.sqrt(cov(ma["Y"], ma["Y"]) / cov(sales, sales)),
            cov(isr, sales) / cov(sales, sales), cov(ma["inv"], sales) / cov(sales, sales)]


def _source_value(quantity, unit, ours, source, where, abs_tol=0.0, rel_tol=0.0, reason=""):
    from equilibria.comparison import SourceValue, docs_link

    return SourceValue(quantity=quantity, unit=unit, ours=float(ours), source=source, where=where, abs_tol=abs_tol,
                       rel_tol=rel_tol, reason=reason, link=docs_link("yu2019_inventories"))


# --------------------------------------------------------------------------- moments
TEXT_TABLE_1_3 = {"VAR": [-0.898, -0.942, 0.812, 0.963, 0.374, -0.220, 0.095, 0.527, 0.285],
                  "RI": [-0.881, -0.787, 0.120, 0.970, -0.291, -0.491, 0.012, 0.981, 0.622],
                  "Calvo": [-0.653, -0.381, 0.415, 0.860, 0.888, -0.232, 1.098, 1.656, 2.095]}
MOMENT_NAMES = ["ρ(IS, S)", "ρ(IS, Y)", "ρ(Y, ΔI)", "ρ(Y, S)", "ρ(Y, π)", "ρ(Δπ, Δπ-1)", "σ(π)/σ(y)",
                "σ(IS)/σ(S)", "σ(w)/σ(y)"]


def moments_from_responses(paths: dict) -> list:
    """Table 1.3's moments conditional on one shock, from its moving-average coefficients (the responses)."""
    ma = {k: np.asarray(v, float) for k, v in paths.items()}
    lagged = {k: np.concatenate([[0.0], v[:-1]]) for k, v in ma.items()}
    d_inv = ma["inv"] - lagged["inv"]
    d_pi = ma["PI"] - lagged["PI"]
    d_pi_lag = np.concatenate([[0.0], d_pi[:-1]])

    def cov(a, b):
        return float(np.dot(a, b))

    def corr(a, b):
        return cov(a, b) / np.sqrt(cov(a, a) * cov(b, b))

    def ratio(a, b):
        return np.sqrt(cov(a, a) / cov(b, b))

    return [corr(ma["isr"], ma["sales"]), corr(ma["isr"], ma["Y"]), corr(ma["Y"], d_inv), corr(ma["Y"], ma["sales"]),
            corr(ma["Y"], ma["PI"]), corr(d_pi, d_pi_lag), ratio(ma["PI"], ma["Y"]), ratio(ma["isr"], ma["sales"]),
            ratio(ma["w"], ma["Y"])]


def run_moments(params: InventoryParameters, options) -> Result:
    """Table 1.3: moments conditional on interest-rate shocks, RI and Calvo, beside the text's."""
    from .model import solve_linear
    from .ri_equilibrium import solve_ri

    calvo = for_firms(params, "calvo") if params.firms != "calvo" else params
    calvo_paths = solve_linear(calvo).irf("eps_r", periods=400)
    columns = {"Calvo": moments_from_responses(calvo_paths)}
    columns["RI"] = moments_from_responses(solve_ri(_ri_params(params)).paths)   # a failure is raised, not a NaN
    rows = [[name, columns["RI"][i], TEXT_TABLE_1_3["RI"][i], columns["Calvo"][i], TEXT_TABLE_1_3["Calvo"][i],
             TEXT_TABLE_1_3["VAR"][i]] for i, name in enumerate(MOMENT_NAMES)]
    table = Table(columns=["moment", "RI (model)", "RI (text)", "Calvo (model)", "Calvo (text)", "VAR (text)"],
                  rows=rows, caption="Moments conditional on interest-rate shocks (Table 1.3); IS inventory-sales "
                                     "ratio, S sales, ΔI inventory investment, w real wage; RI truncated at 80 quarters")
    comparisons = [_source_value(f"{name}, {label}, interest-rate shock", "", columns[label][i], TEXT_TABLE_1_3[label][i],
                                 "Table 1.3", **MOMENT_TOLERANCE[i >= 6],
                                 reason="reconstructed model; see 'Results' on the docs page")
                   for label in ("RI", "Calvo") for i, name in enumerate(MOMENT_NAMES)]
    return Result(data={"moments": {k: dict(zip(MOMENT_NAMES, v)) for k, v in columns.items()}},
                  tables={"table_1_3": table}, comparisons=comparisons)


# --------------------------------------------------------------------------- estimate
#: Cap on RI solutions in the RI estimation (Nelder-Mead; each solution takes 0.1-1 s).
RI_ESTIMATION_EVALUATIONS = 1000


def run_estimate(params, options) -> Result:
    """Item 4: VAR and local projections on the data, Monte Carlo V, estimation of the Calvo model,
    the criterion decomposition of Table 1.2 (RI at Table 1.1's parameters beside the estimated Calvo)."""
    from equilibria.econometrics import criterion_decomposition, irf_bands, weighted_block_covariance

    from . import estimation as est

    synthetic = params.data == "synthetic"
    data = est.read_dataset(est.SYNTHETIC_FILE if synthetic else params.data)
    order = params.policy_order or ("first" if synthetic else "last")
    irf, draws, lp = est.data_responses(data, lags=params.var_lags, policy_order=order, draws=params.draws,
                                        seed=params.seed, executor=options.get("executor"))
    blocks = weighted_block_covariance(draws[:, 1:, :])
    lower, upper = irf_bands(draws)
    calvo = for_firms(params, "calvo") if params.firms != "calvo" else params
    fit = est.estimate(calvo, irf, blocks)
    truth = est.EstimationParameters(firms="calvo")
    rows = [[name, fit.values[name], getattr(truth, name) if synthetic else float("nan"), est.BOUNDS[name][0],
             est.BOUNDS[name][1]] for name in est.ESTIMATED]
    decomposition = {"calvo (estimated)": fit.decomposition}
    notes = [f"{len(data)} quarters; VAR({params.var_lags}) with the funds rate ordered {order}; {params.draws} "
             f"Monte Carlo draws; J = {fit.criterion:.4g} after {fit.evaluations} model solves "
             f"({fit.seconds:.3g} s)."]
    ri_params = _ri_params(params)
    try:
        ri_irf = est.ri_model_responses(ri_params)
        decomposition["rational inattention (Table 1.1)"] = criterion_decomposition(irf[1:], ri_irf[1:], blocks)
    except ConvergenceError as exc:
        notes.append(f"RI model not solved: {exc}")
    if params.estimate_ri:
        ri_start = {k: getattr(ri_params, k) for k in est.RI_ESTIMATED}
        ri_fit = est.estimate(ri_params, irf, blocks, start=ri_start, names=est.RI_ESTIMATED,
                              responses=est.ri_model_responses, max_evaluations=RI_ESTIMATION_EVALUATIONS,
                              method="Nelder-Mead")
        decomposition["rational inattention (estimated)"] = ri_fit.decomposition
        rows += [[f"RI: {name}", ri_fit.values[name], float("nan"), *est.BOUNDS[name]] for name in est.RI_ESTIMATED]
        notes.append(f"RI estimation: J = {ri_fit.criterion:.4g} after {ri_fit.evaluations} RI solutions "
                     f"({ri_fit.seconds:.3g} s); " + ("converged (Nelder-Mead's simplex tolerances)." if ri_fit.converged
                                                      else f"not converged: {ri_fit.message}"))
    columns = ["model", *est.MATCHED, "sum"]
    table_12 = Table(columns=columns, rows=[[k, *v, float(np.sum(v))] for k, v in decomposition.items()],
                     caption="Decomposition of the estimation criterion by matched series (Table 1.2)")
    figure = _grid_figure({"VAR": dict(zip(est.MATCHED, irf.T)), "local projection": dict(zip(est.MATCHED, lp.T)),
                           "VAR 2.5%": dict(zip(est.MATCHED, lower.T)), "VAR 97.5%": dict(zip(est.MATCHED, upper.T)),
                           "Calvo (estimated)": dict(zip(est.MATCHED, fit.model_irf.T))}, est.MATCHED,
                          "Responses to a 0.60% (annualized) funds-rate shock", ncols=3)
    return Result(data={"estimates": fit.values, "criterion": fit.criterion,
                        "ri_estimates": ri_fit.values if params.estimate_ri else None,
                        "decomposition": {k: dict(zip(est.MATCHED, v)) for k, v in decomposition.items()},
                        "var_irf": dict(zip(est.MATCHED, irf.T)), "local_projection_irf": dict(zip(est.MATCHED, lp.T)),
                        "bands": {"lower": dict(zip(est.MATCHED, lower.T)), "upper": dict(zip(est.MATCHED, upper.T))},
                        "policy_order": order},
                  tables={"estimates": Table(columns=["parameter", "estimate", "generating value", "lower bound",
                                                      "upper bound"], rows=rows,
                                             caption="Impulse-response matching estimates of the Calvo model"),
                          "table_1_2": table_12},
                  figures={"estimate": figure}, notes=notes)


EXPERIMENTS = [
    Experiment(name="irf", description="responses to a 0.60% (annualized) interest-rate shock, RI and Calvo "
                                       "(Figure 1.8)", run=run_irf, headline=True),
    Experiment(name="steady_state", description="steady state (A.3) and H_x,0 beside the text's figures",
               run=run_steady_state, headline=True),
    Experiment(name="first_best", description="RI: actual versus first-best Z and p (Figures 1.10-1.11)",
               run=run_first_best),
    Experiment(name="moments", description="moments conditional on interest-rate shocks, RI and Calvo (Table 1.3)",
               run=run_moments),
    Experiment(name="money", description="a 0.6% fall in the money supply under cash in advance (section 1.6.3)",
               run=run_money),
    Experiment(name="estimate", description="VAR, local projections, Monte Carlo V and impulse-response matching "
                                            "of the Calvo model on the shipped or a user's CSV (eq. 1.43, Table 1.2)",
               run=run_estimate, parameters=_estimation_parameters()),
    Experiment(name="sensitivity", description="RI: profit loss and information flows as μ and σ_r vary "
                                               "(Tables 1.4-1.5)", run=run_sensitivity),
]
