"""Experiments ``irf`` and ``moments`` for any of the three models (``--set model=nk``)."""
from __future__ import annotations

from equilibria import Experiment
from equilibria.dynamics.report import dsge_result

from .models import load_model

__all__ = ["EXPERIMENTS", "run_irf", "run_moments"]


def run_irf(params, options=None):
    """Impulse responses to every innovation (one standard deviation), with a figure per innovation."""
    return dsge_result(load_model(params.model), "irf", params=params.values, periods=params.periods)


def run_moments(params, options=None):
    """Theoretical standard deviations, autocorrelations, correlations and variance decomposition."""
    return dsge_result(load_model(params.model), "moments", params=params.values, lags=params.lags)


EXPERIMENTS = [
    Experiment(name="irf", description="impulse responses of the chosen model (--set model=brock_mirman|rbc|nk)",
               run=run_irf, headline=True),
    Experiment(name="moments", description="theoretical moments of the chosen model (discrete Lyapunov equation)",
               run=run_moments, headline=True),
]
