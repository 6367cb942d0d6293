"""Experiments: ``car`` (the slides' four-sector example), ``statics`` (Proposition 3 and friends),
``scale`` (random economies with 10 to 500 sectors)."""
from __future__ import annotations

import functools
import time

import numpy as np

from equilibria import Experiment
from equilibria.parallel import executor_of
from equilibria.results import Result, Table

from . import statics as st
from .car import SECTOR_NAMES, car_maker_expression
from .equilibrium import NetworkEconomy
from .model import Model
from .planner import DomarPlanner
from .quantities import DOMAR, LOG_POINTS, SCALE, SHARE, car_quantities, statics_quantities
from .random_economy import random_arrays
from .technology import QuadraticTechnology

__all__ = ["EXPERIMENTS", "run_car", "run_statics", "run_scale"]


# --------------------------------------------------------------------------- car
def _sweep(model, name, values, make):
    """Solve planner and decentralized equilibrium along a path of beliefs (warm starts)."""
    rows = []
    omega = None
    gap = 0.0
    for v in values:
        mm = make(model, v)
        plan = DomarPlanner(mm).solve(omega)
        omega = plan.allocation["domar_weights"]
        eq = NetworkEconomy(mm).solve()
        gap = max(gap, float(np.abs(eq.aggregates["network"] - plan.allocation["network"]).max()))
        fm = mm.fixed_network(plan.allocation["network"])
        rows.append({"value": float(v), "expected_p1": float(fm.expected_log_prices[0]),
                     "var_p1": float(fm.var_log_prices[0, 0]), "R1": float(plan.allocation["risk_adjusted_prices"][0]),
                     "shares": plan.allocation["network"][3].tolist(), "domar_weights": omega.tolist()})
    return rows, gap


def _figure(rows, x_key, xlabel, title):
    from equilibria.plotting import new_figure

    fig, ax = new_figure(6.0, 4.0)
    x = [r[x_key] for r in rows]
    for j, label in enumerate(SECTOR_NAMES):
        ax.plot(x, [r["shares"][j] for r in rows], label=f"α_4{j + 1} ({label})")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("car maker's input share α_4j (fraction of its costs)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def run_car(params, options=None) -> Result:
    """Input shares of the car maker against E[p_1] (through mu_1) and V[p_1] (through Sigma_11)."""
    from equilibria.symbolic import differentiate
    from .technology import GeneralTechnology

    model = Model.from_parameters(params)
    if model.n != 4:
        raise ValueError("the car experiment needs the four-sector economy (the default parameters)")
    mean_grid = np.linspace(0.0, -0.4, 21)  # mu_1: E[p_1] = -mu_1 while steel uses labour only
    var_grid = np.linspace(0.0, 0.2, 21)    # Sigma_11: V[p_1] = Sigma_11 likewise

    def set_mu(m, v):
        mu = m.mu.copy()
        mu[0] = v
        return m.replace(mu=mu)

    def set_var(m, v):
        sigma = m.sigma.copy()
        sigma[0, 0] = v
        return m.replace(sigma=sigma)

    mean_rows, gap1 = _sweep(model, "mu_1", mean_grid, set_mu)
    var_rows, gap2 = _sweep(model, "Sigma_11", var_grid, set_var)

    # The same economy with the car maker's a_4 given as the slides' expression, differentiated by sympy.
    expr, symbols = car_maker_expression()
    tech = model.technology
    shifters = [_QuadraticSector(tech, i) for i in range(3)] + [differentiate(expr, symbols)]
    symbolic = model.replace(technology=GeneralTechnology(shifters, tech.ideal))
    sym_hessian_gap = float(np.abs(shifters[3].hessian(tech.ideal[3]) - params.hessians[3]).max())
    base = DomarPlanner(model).solve()
    sym = DomarPlanner(symbolic).solve()
    sym_gap = float(np.abs(sym.allocation["network"] - base.allocation["network"]).max())

    def slope(rows, key, j):
        x = np.array([r[key] for r in rows])
        y = np.array([r["shares"][j] for r in rows])
        return float(np.polyfit(x, y, 1)[0])

    signs = {f"d alpha_4{j + 1} / d E[p_1]": slope(mean_rows, "expected_p1", j) for j in range(4)}
    signs.update({f"d alpha_4{j + 1} / d V[p_1]": slope(var_rows, "var_p1", j) for j in range(4)})
    share_columns = [f"α_4{j + 1}, {SECTOR_NAMES[j]} share" for j in range(4)]
    table_rows = [[r["expected_p1"], *r["shares"]] for r in mean_rows[::4]]
    table_rows_v = [[r["var_p1"], *r["shares"]] for r in var_rows[::4]]
    figures = {
        "car_shares_vs_expected_price": _figure(mean_rows, "expected_p1",
                                                "E[p_1], expected log price of steel (log points, wage = 1)",
                                                "Input shares and E[p_1]"),
        "car_shares_vs_price_variance": _figure(var_rows, "var_p1",
                                                "V[p_1], variance of the log price of steel (log points squared)",
                                                "Input shares and V[p_1]"),
    }
    notes = [
        "Steel (1) and equipment (2) are complements (psi_1), steel and carbon fiber (3) substitutes (psi_2): "
        "when steel becomes expensive or risky the car maker uses less steel and equipment and more carbon fiber.",
        f"Average slopes: {', '.join(f'{k} = {v:+.3f}' for k, v in signs.items())}.",
        f"Decentralized equilibrium vs planner along both sweeps: max |alpha gap| = {max(gap1, gap2):.2e}.",
        f"sympy-derived a_4 (slides' expression): Hessian differs from the quadratic H_4 by {sym_hessian_gap:.1e}; "
        f"planner network with the symbolic shifter differs by {sym_gap:.1e}.",
    ]
    return Result(
        data={"expected_price_sweep": mean_rows, "variance_sweep": var_rows, "slopes": signs,
              "efficiency_gap": max(gap1, gap2), "symbolic_shifter_gap": sym_gap},
        tables={"shares_vs_expected_price": Table(
                    columns=["E[p_1], expected log price of steel", *share_columns], units=[LOG_POINTS, *[SHARE] * 4],
                    rows=table_rows,
                    caption="Car maker's input shares as E[p_1] rises (through mu_1)"),
                "shares_vs_price_variance": Table(
                    columns=["V[p_1], variance of the log price of steel", *share_columns],
                    units=["log points squared", *[SHARE] * 4],
                    rows=table_rows_v, caption="Car maker's input shares as V[p_1] rises (through Sigma_11)")},
        figures=figures, notes=notes,
        comparisons=_car_comparisons(signs, max(gap1, gap2), model.technology.inverse_hessians[3]),
        quantities=car_quantities(SECTOR_NAMES))


def _car_comparisons(slopes, gap, car_inverse_hessian) -> list:
    """The slides draw the car maker's shares against E[p_1] and V[p_1] without numbers: our slopes are
    ours only. The slides say which inputs are complements and substitutes for the car maker; the
    signs of ``[H_4^{-1}]_{j1} = d alpha_4j / d R_1`` are compared with that. Proposition 1 along both
    sweeps is compared with its zero gap."""
    from equilibria.comparison import SourceValue, docs_link

    link = docs_link("kmnt2024")
    values = []
    for moment, unit, figure in (("E[p_1]", "per log point", "Input shares and E[p_1]"),
                                 ("V[p_1]", "per log point squared", "Input shares and V[p_1]")):
        for j in range(4):
            values.append(SourceValue(
                quantity=f"average slope of α_4{j + 1} ({SECTOR_NAMES[j]} share) in {moment}",
                unit=f"input share {unit}", ours=slopes[f"d alpha_4{j + 1} / d {moment}"],
                where=f"slides, figure '{figure}' (drawn without numbers)", link=link))
    for j, relation, sign in ((1, "complements", -1.0), (2, "substitutes", 1.0)):
        values.append(SourceValue(
            quantity=f"sign of [H_4^-1]_{j + 1}1: {SECTOR_NAMES[j]} and {SECTOR_NAMES[0]} are {relation} "
                     "(-1 complements, +1 substitutes)",
            unit="sign", ours=float(np.sign(car_inverse_hessian[j, 0])), source=sign,
            where="slides, 'Example: 4 sectors in partial equilibrium' and 'Complements vs substitutes'",
            reason="our κ, ψ_1, ψ_2 do not give the slides' pattern", link=link))
    values.append(SourceValue(quantity="largest difference of α_ij, planner vs equilibrium, along both sweeps",
                              unit="input share (fraction)", ours=gap, source=0.0, where="slides, Proposition 1",
                              abs_tol=1e-8, reason="the two solvers stopped apart", link=link))
    return values


class _QuadraticSector:
    """One sector of a :class:`QuadraticTechnology` with the value/gradient/hessian interface."""

    def __init__(self, tech: QuadraticTechnology, i: int):
        self.H = tech.hessians[i]
        self.ideal = tech.ideal[i]

    def value(self, x):
        d = np.asarray(x) - self.ideal
        return 0.5 * float(d @ self.H @ d)

    def gradient(self, x):
        return self.H @ (np.asarray(x) - self.ideal)

    def hessian(self, x):
        return self.H


# --------------------------------------------------------------------------- statics
def _finite_differences(gamma, model, omega, h):
    """Central differences of the re-solved planner along ``gamma`` (from ``omega``): the Domar
    weights' response and welfare's, sharing the two solves of ``statics.finite_difference_response``
    and ``statics.welfare_derivative``."""
    up = DomarPlanner(st.perturb(model, gamma, h)).solve(omega)
    down = DomarPlanner(st.perturb(model, gamma, -h)).solve(omega)
    d_omega = (up.allocation["domar_weights"] - down.allocation["domar_weights"]) / (2.0 * h)
    return d_omega, (up.objective - down.objective) / (2.0 * h)


def _proposition2_row(i, model, omega):
    """Sector ``i``'s Domar weight after mu_i + 0.1 and after Sigma_ii + 0.05 (Proposition 2)."""
    up = DomarPlanner(st.perturb(model, ("mu", i), 0.1)).solve(omega).allocation["domar_weights"][i]
    vol = DomarPlanner(st.perturb(model, ("sigma", i, i), 0.05)).solve(omega).allocation["domar_weights"][i]
    return [f"{i + 1}", f"{omega[i]:.5f}", f"{up:.5f}", f"{vol:.5f}"]


def run_statics(params, options=None) -> Result:
    """Proposition 3's propagation matrix at the baseline, checked against re-solved finite differences.

    The re-solves (two per direction, two per sector for Proposition 2) go through the executor.
    """
    executor = executor_of(options)
    model = Model.from_parameters(params)
    names = params.sector_labels()
    sol = DomarPlanner(model).solve()
    omega = sol.allocation["domar_weights"]
    n = model.n
    P = st.propagation_matrix(model, sol)
    H = st.curvature(model, sol)
    rows, worst = [], 0.0
    welfare_rows, worst_w = [], 0.0
    comparisons = []
    gammas = [("mu", i) for i in range(n)] + [("sigma", i, i) for i in range(n)] + \
             [("sigma", i, j) for i in range(n) for j in range(i + 1, n)]
    differences = executor.map(functools.partial(_finite_differences, model=model, omega=omega, h=1e-5), gammas)
    for gamma, (fd, w_fd) in zip(gammas, differences):
        pred = st.predicted_response(model, sol, gamma)
        err = float(np.abs(pred - fd).max())
        worst = max(worst, err)
        label = f"mu_{gamma[1] + 1}" if gamma[0] == "mu" else f"Sigma_{gamma[1] + 1}{gamma[2] + 1}"
        rows.append([label, *[f"{v:+.5f}" for v in pred], f"{err:.1e}"])
        w_pred = st.predicted_welfare_derivative(model, omega, gamma)
        worst_w = max(worst_w, abs(w_fd - w_pred))
        welfare_rows.append([label, f"{w_pred:+.6f}", f"{w_fd:+.6f}", f"{abs(w_fd - w_pred):.1e}"])
        comparisons += _statics_comparisons(gamma, label, names, fd, pred, w_fd, w_pred)
    # Proposition 2 (finite changes) and the non-infinitesimal inequality.
    prop2 = executor.map(functools.partial(_proposition2_row, model=model, omega=omega), range(n))
    rng = np.random.default_rng(0)
    F = 0.3 * rng.standard_normal((n, n))
    new = model.replace(mu=model.mu + 0.2 * rng.standard_normal(n), sigma=model.sigma + F @ F.T / n)
    bound = st.finite_change_bound(model, new, sol)
    table_cols = ["gamma", *[f"d omega_{k + 1} ({names[k]}) / d gamma" for k in range(n)],
                  "largest error of Prop. 3 vs finite differences"]
    notes = [
        f"H = hess a_bar - (rho - 1) Sigma has eigenvalues {np.round(np.linalg.eigvalsh(H), 5).tolist()} (negative definite).",
        f"Proposition 3 vs central differences of the re-solved planner (h = 1e-5): max error {worst:.1e}.",
        f"Corollary 4 vs finite differences of welfare: max error {worst_w:.1e}.",
        f"Finite change of beliefs: welfare gain {bound['flexible']:+.6f} with a flexible network >= "
        f"{bound['fixed']:+.6f} with the network fixed.",
        "Off-diagonal Sigma_ij moves Sigma along (E_ij + E_ji)/2, the convention under which the slides' "
        "dE/dSigma_ij = -(rho-1)(omega_j 1_i + omega_i 1_j)/2 holds.",
        "Units: Domar weights are fractions of GDP; mu_i in log points, Sigma_ij in log points squared; "
        "welfare W in log points of certainty-equivalent GDP.",
    ]
    return Result(
        data={"domar_weights": omega.tolist(), "propagation_matrix": P.tolist(), "curvature": H.tolist(),
              "max_error_prop3": worst, "max_error_cor4": worst_w,
              "finite_change": {"flexible": bound["flexible"], "fixed": bound["fixed"]}},
        tables={"propagation": Table(columns=["response of", *[f"E_{k + 1} ({names[k]})" for k in range(n)]],
                                     units=["", *["fraction of GDP per log point"] * n],
                                     rows=[[f"omega_{i + 1} ({names[i]})", *[f"{v:+.5f}" for v in P[i]]]
                                           for i in range(n)],
                                     caption="Propagation matrix -H^{-1} (column k: response of omega, a fraction of "
                                             "GDP, to a unit impulse in E_k, log points)"),
                "responses": Table(columns=table_cols, rows=rows,
                                   units=["", *["fraction of GDP per unit of gamma"] * (n + 1)],
                                   caption="Proposition 3: d omega / d gamma (fractions of GDP per log point for mu, "
                                           "per log point squared for Sigma), and its distance to finite differences"),
                "welfare": Table(columns=["gamma", "Corollary 4", "finite difference", "error"],
                                 units=["", *["log points per unit of gamma"] * 3],
                                 rows=welfare_rows,
                                 caption="Welfare responds as if the network were fixed (Proposition 5)"),
                "proposition2": Table(columns=["sector", "omega_i", "omega_i after mu_i + 0.1",
                                               "omega_i after Sigma_ii + 0.05"], units=["", DOMAR, DOMAR, DOMAR],
                                      rows=[[names[int(r[0]) - 1], *r[1:]] for r in prop2],
                                      caption="Proposition 2 (rho >= 1)")},
        notes=notes, comparisons=comparisons, quantities=statics_quantities(names))


def _statics_comparisons(gamma, label, names, fd, predicted, welfare_fd, welfare_predicted) -> list:
    """Corollary 4's formula, and Proposition 3's for the sector's own Domar weight (mu_i, Sigma_ii),
    evaluated at our Domar weights, beside central differences of the re-solved planner."""
    from equilibria.comparison import SourceValue, docs_link

    link = docs_link("kmnt2024")
    per = "log point" if gamma[0] == "mu" else "log point squared"
    values = [SourceValue(quantity=f"dW/d{label}, welfare response (finite difference)", unit=f"log points per {per}",
                          ours=welfare_fd, source=welfare_predicted,
                          where="slides, Corollary 4 (formula at our Domar weights)", abs_tol=1e-7,
                          reason="central-difference error above 1e-7", link=link)]
    i = gamma[1]
    if gamma[0] == "mu" or gamma[1] == gamma[2]:
        values.append(SourceValue(quantity=f"d omega_{i + 1} ({names[i]}) / d{label} (finite difference)",
                                  unit=f"fraction of GDP per {per}", ours=float(fd[i]), source=float(predicted[i]),
                                  where="slides, Proposition 3 (formula at our solution)", abs_tol=1e-7,
                                  reason="central-difference error above 1e-7, or a corner (Proposition 3 needs "
                                         "omega in int O)", link=link))
    return values


# --------------------------------------------------------------------------- scale
SCALE_SIZES = (10, 50, 200, 500)
CORNER_SIZES = (10, 50, 200)


def _scale_rows(sizes, executor, **draw):
    """One task per economy size; rows and records in the order of ``sizes``."""
    pairs = executor.map(functools.partial(_scale_row, draw=draw), sizes)
    return [row for row, _ in pairs], [record for _, record in pairs]


def _scale_row(n, draw):
    """Draw, solve and time one random economy of ``n`` sectors: (table row, record)."""
    a = random_arrays(0, n, **draw)
    t0 = time.perf_counter()
    tech = QuadraticTechnology(a["hessians"], a["ideal_shares"])
    t_setup = time.perf_counter() - t0
    model = Model(a["mu"], a["sigma"], a["beta"], a["rho"], a["alpha_bar"], tech)
    plan = DomarPlanner(model).solve()
    eq = NetworkEconomy(model).solve()
    alpha = plan.allocation["network"]
    gap = float(np.abs(alpha - eq.aggregates["network"]).max())
    corners = int((alpha <= 0).sum())
    record = {"n": n, "setup_seconds": t_setup, "planner_seconds": plan.report.seconds,
              "planner_iterations": plan.report.iterations, "equilibrium_seconds": eq.report.seconds,
              "equilibrium_iterations": eq.report.iterations, "equilibrium_evaluations": eq.report.evaluations,
              "efficiency_gap": gap, "zero_shares": corners, "inner": plan.report.message}
    row = [n, f"{t_setup:.3f}", f"{plan.report.seconds:.3f}", plan.report.iterations,
           f"{eq.report.seconds:.3f}", eq.report.iterations, f"{gap:.1e}", corners]
    return row, record


def run_scale(params, options=None) -> Result:
    """Random economies of 10-500 sectors: solve times, iterations and the efficiency gap.

    The economies are drawn, not read from ``params``: interior ones
    (``random_arrays(seed=0, n, curvature=10, share_floor=0.5)``) for n = 10, 50, 200, 500, and
    corner-heavy ones (``curvature=2``, ideal shares near zero, so many ``alpha_ij = 0``) for
    n = 10, 50, 200. ``options["sizes"]`` / ``options["corner_sizes"]`` override the sizes.
    """
    options = options or {}
    executor = executor_of(options)
    sizes = tuple(options.get("sizes") or SCALE_SIZES)
    corner_sizes = tuple(options.get("corner_sizes") if options.get("corner_sizes") is not None else CORNER_SIZES)
    rows, data = _scale_rows(sizes, executor, curvature=10.0, share_floor=0.5)
    crows, cdata = _scale_rows(corner_sizes, executor, curvature=2.0)
    columns = ["n", "factorise H_i", "planner", "planner Newton steps", "equilibrium",
               "equilibrium Newton steps", "efficiency gap", "alpha_ij = 0"]
    units = ["count", "s", "s", "count", "s", "count", SHARE, "count"]
    return Result(
        data={"economies": data, "corner_economies": cdata}, quantities=SCALE,
        tables={"scale": Table(columns=columns, rows=rows, units=units,
                               caption="Interior random economies: planner over Domar weights vs decentralized fixed point"),
                "scale_corners": Table(columns=columns, rows=crows, units=units,
                                       caption="Corner-heavy random economies (many firms at alpha_ij = 0)")},
        notes=[f"Times are wall-clock on the machine that ran the experiment ({executor.describe()}: one task "
               "per economy, so with parallel workers economies are solved side by side); the one-time inversion "
               "of the H_i (Cholesky) is reported separately from the planner's Newton iterations.",
               "Interior economies use the closed form of eq. (14); corner-heavy ones the dual Newton method "
               "with one active-set QP per firm at a corner, which dominates their time."])


EXPERIMENTS = [
    Experiment(name="car", description="Slides' car example: the car maker's input shares against E[p_1] and V[p_1] (PNG figures)",
               run=run_car, headline=True),
    Experiment(name="statics", description="Proposition 3's propagation matrix at the baseline, with Propositions 2, 5 and Corollary 4",
               run=run_statics, headline=True),
    Experiment(name="scale", description="Random economies with n = 10, 50, 200, 500: solve times and efficiency gap",
               run=run_scale),
]
