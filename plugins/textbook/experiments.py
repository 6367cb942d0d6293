"""Experiments ``irf`` and ``moments`` for any of the three models (``--set model=nk``), and
``closed_forms``: the Brock–Mirman, New Keynesian and RBC models beside their closed forms."""
from __future__ import annotations

from equilibria import Experiment, Result, Table
from equilibria.dynamics.report import dsge_result

from .comparisons import closed_form_comparisons
from .models import load_model
from .quantities import CLOSED_FORMS

__all__ = ["EXPERIMENTS", "run_irf", "run_moments", "run_closed_forms", "model_result"]

#: the models with closed forms, in the order of the report
CLOSED_FORM_MODELS = ("brock_mirman", "nk", "rbc")


def run_irf(params, options=None):
    """Impulse responses to every innovation (one standard deviation), with a figure per innovation."""
    return model_result(params, "irf", periods=params.periods)


def run_moments(params, options=None):
    """Theoretical standard deviations, autocorrelations, correlations and variance decomposition."""
    return model_result(params, "moments", lags=params.lags)


def model_result(params, action: str, **settings):
    """The core's report of ``action`` for the chosen model (its quantities declared), with its closed forms."""
    model = load_model(params.model)
    result = dsge_result(model, action, params=params.values, **settings)
    result.comparisons = closed_form_comparisons(params.model, params.values)
    return result


def run_closed_forms(params, options=None):
    """Every model with a closed form, at its model file's parameters, beside that closed form
    (``params.values`` applies to ``params.model`` only)."""
    comparisons, rows = [], []
    for name in CLOSED_FORM_MODELS:
        values = closed_form_comparisons(name, params.values if name == params.model else None)
        comparisons += values
        worst = max(abs(v.ours - v.source) for v in values)
        rows.append([name, len(values), worst, all(v.verdict == "reproduced" for v in values)])
    table = Table(columns=["model", "quantities compared", "largest absolute difference", "all reproduced"],
                  units=["", "count", "units of the compared quantity", "true/false"], rows=rows,
                  caption="First-order solutions and steady states against closed forms (tolerance 1e-9).")
    return Result(data={"models": {r[0]: {"compared": r[1], "largest_difference": r[2], "reproduced": r[3]}
                                   for r in rows}},
                  tables={"closed forms": table}, comparisons=comparisons, quantities=CLOSED_FORMS)


EXPERIMENTS = [
    Experiment(name="irf", description="impulse responses of the chosen model (--set model=brock_mirman|rbc|nk)",
               run=run_irf, headline=True),
    Experiment(name="moments", description="theoretical moments of the chosen model (discrete Lyapunov equation)",
               run=run_moments, headline=True),
    Experiment(name="closed_forms", description="Brock–Mirman policy and steady state, New Keynesian impact "
                                                "responses and RBC steady-state ratios against their closed forms",
               run=run_closed_forms, headline=True),
]
