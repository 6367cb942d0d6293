"""Estimation by impulse-response matching (section 1.5.2, eq. 1.43).

Data: a CSV of quarterly series with the columns of :data:`DATA_COLUMNS` (an optional ``quarter``
column is ignored), each in percent: 100 × log of real output, real consumption, the
inventory-sales ratio, real inventories and the real wage (unit labor cost); inflation as
100 × the quarterly log change of the price index; the federal funds rate in percent per quarter.
Detrending is the user's choice (the text uses Hamilton's 2-year-ahead projection errors).

Steps: a VAR(3) with the federal funds rate ordered last (``policy_order = "last"``, the text's
recursive identification) or first; its responses to a policy shock scaled to move the funds rate
by 0.15 (0.60% annualized) on impact; Monte Carlo draws from the fitted VAR for the weighted
block-diagonal ``V``; and the Calvo model's responses, scaled the same way, matched over periods
2..16 (the first period cannot be matched under the recursive identification, footnote 19) by
minimizing ``J`` over ``ϑ = (ξ_p, ι_p, ξ_w, ι_w, σ_c, σ_l, α)`` (L-BFGS-B on the box
:data:`BOUNDS`, finite-difference gradients; one model solve per evaluation).

The shipped synthetic dataset (:data:`SYNTHETIC_FILE`) is a sample from the Calvo model with
Table 1.1's estimates, driven by interest-rate shocks only, with small measurement error. In the
model the policy shock moves every variable on impact, so the text's ordering (funds rate last)
does not identify it on model data; the synthetic demonstration orders the funds rate first,
which does (the funds-rate innovation is the policy shock up to measurement error).
"""
from __future__ import annotations

import csv
from pathlib import Path

import attrs
import numpy as np

from equilibria import ConvergenceError, ParameterError
from equilibria import param as _param
from equilibria.params import as_int as _as_int, as_str as _as_str

from .model import solve_linear
from .params import InventoryParameters

__all__ = ["DATA_COLUMNS", "MATCHED", "ESTIMATED", "read_dataset", "write_dataset", "synthetic_dataset",
           "SYNTHETIC_FILE", "data_responses", "model_responses", "ri_model_responses", "estimate", "Estimate", "BOUNDS",
           "RI_ESTIMATED",
           "EstimationParameters"]

DATA_COLUMNS = ("output", "inflation", "consumption", "inventory_sales_ratio", "inventories", "real_wage",
                "fed_funds")
MATCHED = DATA_COLUMNS[:6]
MODEL_NAMES = {"output": "Y", "inflation": "PI", "consumption": "C", "inventory_sales_ratio": "isr",
               "inventories": "inv", "real_wage": "w", "fed_funds": "R"}
ESTIMATED = ("xi_p", "iota_p", "xi_w", "iota_w", "sigma_c", "sigma_l", "alpha")
BOUNDS = {"xi_p": (0.05, 0.95), "iota_p": (0.0, 1.0), "xi_w": (0.05, 0.95), "iota_w": (0.0, 1.0),
          "sigma_c": (0.3, 4.0), "sigma_l": (0.05, 3.0), "alpha": (0.6, 1.0)}
#: Starting values: the Smets-Wouters (2007) values of Table 1.1's RI column, ξ_p = 0.75, ι_p = 0.5, α = 0.95.
START = {"xi_p": 0.75, "iota_p": 0.5, "xi_w": 0.82, "iota_w": 0.69, "sigma_c": 1.3981, "sigma_l": 0.40, "alpha": 0.95}
SYNTHETIC_FILE = Path(__file__).with_name("data") / "synthetic_calvo.csv"
POLICY_IMPACT = 0.15        # percent per quarter: a 0.60% (annualized) federal funds shock
HORIZON = 16                # periods of responses; periods 2..16 are matched


def read_dataset(path) -> np.ndarray:
    """(T, 7) array of :data:`DATA_COLUMNS` from a CSV file with a header row."""
    path = Path(path)
    if not path.is_file():
        raise ParameterError("data", "file does not exist", str(path))
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in DATA_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ParameterError("data", f"CSV lacks column(s) {', '.join(missing)} (needs {', '.join(DATA_COLUMNS)})")
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                rows.append([float(row[c]) for c in DATA_COLUMNS])
            except (TypeError, ValueError):
                raise ParameterError("data", f"line {number} has a missing or non-numeric value") from None
    data = np.array(rows)
    if data.shape[0] < 40:
        raise ParameterError("data", f"has {data.shape[0]} quarters; at least 40 are needed")
    return data


def write_dataset(path, data: np.ndarray) -> None:
    """Write a dataset in the documented format (atomically)."""
    from equilibria.results import atomic_write_text

    lines = [",".join(("quarter",) + DATA_COLUMNS)]
    lines += [",".join([str(t)] + [f"{v:.8f}" for v in row]) for t, row in enumerate(data)]
    atomic_write_text(path, "\n".join(lines) + "\n")


def synthetic_dataset(params: InventoryParameters, periods: int = 240, seed: int = 20190,
                      measurement_error: float = 0.02) -> np.ndarray:
    """A sample from the Calvo model driven by interest-rate shocks, in the data's units.

    Each series gets i.i.d. normal measurement error (``measurement_error`` percent), which keeps
    the VAR's innovation covariance non-singular.
    """
    solution = solve_linear(params)
    rng = np.random.default_rng(seed)
    burn = 100
    innovations = np.zeros((periods + burn, len(solution.model.shocks)))
    innovations[:, 0] = rng.standard_normal(periods + burn) * params.sigma_r
    paths = solution.simulate(periods + burn, innovations=innovations)
    data = np.column_stack([np.asarray(paths[MODEL_NAMES[c]])[burn:] for c in DATA_COLUMNS])
    return data + measurement_error * rng.standard_normal(data.shape)


def _ordering(policy_order: str):
    if policy_order == "last":
        return list(range(7)), 6
    if policy_order == "first":
        return [6, 0, 1, 2, 3, 4, 5], 0
    raise ParameterError("policy_order", "must be 'last' or 'first'", policy_order)


def data_responses(data: np.ndarray, lags: int = 3, policy_order: str = "last", draws: int = 500, seed: int = 1,
                   executor=None):
    """``(responses (H, 6), draws (draws, H, 6), local projections (H, 6))`` in :data:`MATCHED` order."""
    from equilibria.econometrics import bootstrap_irfs, fit_var, local_projections

    order, shock = _ordering(policy_order)
    ordered = data[:, order]
    back = [order.index(i) for i in range(6)]
    var = fit_var(ordered, lags)
    irf = var.recursive_irf(shock, HORIZON, impact=POLICY_IMPACT)[:, back]
    mc = bootstrap_irfs(var, shock, HORIZON, draws=draws, seed=seed, impact=POLICY_IMPACT, method="gaussian",
                        executor=executor)[:, :, back]
    lp = local_projections(ordered, shock, HORIZON, lags, impact=POLICY_IMPACT)[:, back]
    return irf, mc, lp


def model_responses(params: InventoryParameters, horizon: int = HORIZON) -> np.ndarray:
    """(H, 6) Calvo responses in :data:`MATCHED` order, scaled to a 0.15 funds-rate impact."""
    solution = solve_linear(params)
    paths = solution.irf("eps_r", periods=horizon)
    scale = POLICY_IMPACT / float(paths["R"][0])
    return np.column_stack([np.asarray(paths[MODEL_NAMES[c]]) * scale for c in MATCHED])


@attrs.frozen(kw_only=True)
class Estimate:
    values: dict
    criterion: float
    decomposition: np.ndarray = attrs.field(eq=False)
    model_irf: np.ndarray = attrs.field(eq=False)
    evaluations: int
    seconds: float
    converged: bool = True
    message: str = ""


def ri_model_responses(params: InventoryParameters, horizon: int = HORIZON) -> np.ndarray:
    """(H, 6) RI responses in :data:`MATCHED` order, scaled to a 0.15 funds-rate impact."""
    from .ri_equilibrium import solve_ri

    paths = solve_ri(params).paths
    scale = POLICY_IMPACT / float(paths["R"][0])
    return np.column_stack([np.asarray(paths[MODEL_NAMES[c]])[:horizon] * scale for c in MATCHED])


#: The RI model has flexible prices: its estimated block is the wage, preference and technology part.
RI_ESTIMATED = ("xi_w", "iota_w", "sigma_c", "sigma_l", "alpha")


def estimate(params: InventoryParameters, data_irf: np.ndarray, blocks, start: dict | None = None,
             max_evaluations: int = 1500, names=ESTIMATED, responses=None, method: str = "L-BFGS-B") -> Estimate:
    """Minimize ``J`` (1.43) over ``names`` (default: :data:`ESTIMATED` for the Calvo model), periods 2..16.

    ``responses(params)`` gives the model's (H, 6) responses; the default is the Calvo model's
    (:func:`model_responses`), with ``firms`` set to ``"calvo"``. For the RI model pass
    :func:`ri_model_responses`, ``names = RI_ESTIMATED``, RI parameters and ``method="Nelder-Mead"``: the RI
    criterion jumps where the equilibrium switches between zero and positive attention.
    """
    import time

    from scipy.optimize import minimize

    from equilibria.econometrics import criterion_decomposition

    started = time.perf_counter()
    if responses is None:
        responses = model_responses
        base = params if params.firms == "calvo" else params.replace(firms="calvo")
    else:
        base = params
    names = tuple(names)
    start = dict(START) | (start or {})
    lo = np.array([BOUNDS[k][0] for k in names])
    hi = np.array([BOUNDS[k][1] for k in names])
    x0 = np.clip(np.array([start[k] for k in names]), lo, hi)
    target = np.asarray(data_irf)[1:]
    count = [0]

    def criterion(u):
        count[0] += 1
        x = lo + np.clip(u, 0.0, 1.0) * (hi - lo)
        try:
            model = responses(base.replace(**dict(zip(names, map(float, x)))))[1:]
        except (ConvergenceError, ParameterError):
            return 1e10
        value = float(criterion_decomposition(target, model, blocks).sum())
        return value if np.isfinite(value) else 1e10

    if method == "L-BFGS-B":
        # central differences: the criterion is steep along some directions, and a one-sided
        # difference's O(step) error stalls the search short of the minimum
        options = {"maxfun": max_evaluations, "finite_diff_rel_step": 1e-5}
        gradient = "3-point"
    else:
        options = {"maxfev": max_evaluations, "xatol": 1e-3, "fatol": 1e-6, "initial_simplex": None}
        u0 = (x0 - lo) / (hi - lo)
        simplex = [u0] + [np.clip(u0 + 0.1 * np.eye(len(u0))[k] * (1 if u0[k] < 0.9 else -1), 0, 1)
                          for k in range(len(u0))]
        options["initial_simplex"] = np.array(simplex)
        gradient = None
    result = minimize(criterion, (x0 - lo) / (hi - lo), method=method, bounds=[(0.0, 1.0)] * len(names),
                      jac=gradient, options=options)
    x = lo + np.clip(result.x, 0.0, 1.0) * (hi - lo)
    values = dict(zip(names, map(float, x)))
    model = responses(base.replace(**values))
    parts = criterion_decomposition(target, model[1:], blocks)
    return Estimate(values=values, criterion=float(parts.sum()), decomposition=parts, model_irf=model,
                    evaluations=count[0], seconds=time.perf_counter() - started, converged=bool(result.success),
                    message=str(result.message))


@attrs.frozen(kw_only=True)
class EstimationParameters(InventoryParameters):
    """The model's parameters plus the data and the Monte Carlo settings of the ``estimate`` experiment."""

    data = _param("synthetic", description="CSV of quarterly series with the columns "
                                           "output, inflation, consumption, inventory_sales_ratio, inventories, "
                                           "real_wage, fed_funds (percent; see the docs), or 'synthetic' for the "
                                           "shipped sample from the Calvo model", converter=_as_str)
    policy_order = _param("", description="where the funds rate enters the recursive VAR: 'last' (the text) or "
                                          "'first'; default 'first' for the synthetic sample, 'last' otherwise",
                          converter=_as_str)
    draws = _param(500, description="Monte Carlo draws for V and the bands (the text uses 5,000)",
                   converter=_as_int)
    var_lags = _param(3, description="lags of the VAR (the text: 3, by the corrected AIC)", converter=_as_int)
    seed = _param(1, description="seed of the Monte Carlo draws", converter=_as_int)
    estimate_ri = _param(0, description="1: also estimate the RI model (ξ_w, ι_w, σ_c, σ_l, α; a few minutes)",
                         converter=_as_int)

    def check(self) -> None:
        super().check()
        if self.policy_order not in ("", "first", "last"):
            raise ParameterError("policy_order", "must be 'first' or 'last'", self.policy_order)
        if self.draws < 50:
            raise ParameterError("draws", "must be at least 50", self.draws)
        if not 1 <= self.var_lags <= 8:
            raise ParameterError("var_lags", "must lie in [1, 8]", self.var_lags)
