"""Per-country aggregates of the heterogeneous-agent trade model (eq. 13-21).

The distribution itself (eq. 12, Young's lottery) and the household problem are the core's
:mod:`equilibria.household`.
"""
from __future__ import annotations

import numpy as np

from equilibria.household import aggregate

__all__ = ["household_aggregates"]


def household_aggregates(solution, dist, states, mass=1.0):
    """Per-country aggregates of section 1.4 for one country's households.

    Parameters: a :class:`HouseholdSolution` (arrays [j, z, k]), the stationary distribution
    ``dist[z, k]``, the efficiency units ``states[z]`` and the mass of households ``mass`` (L_i).
    Returns a dict with ``efficiency_units`` (eq. 13), ``assets`` (A'_i, eq. 14; equal to the
    holdings of the stationary distribution), ``expenditure`` (eq. 17), ``imports`` (M_ij of eq. 19,
    one entry per variety j), ``choice_shares`` (share of households choosing j) and
    ``trade_shares`` (imports / expenditure, eq. 17-19).
    """
    weights = solution.probabilities * dist[None, :, :]
    imports = mass * np.einsum("jzk,jzk->j", weights, solution.spending)
    expenditure = imports.sum()
    return {
        "efficiency_units": mass * float(np.sum(dist * np.asarray(states)[:, None])),
        "assets": mass * aggregate(solution.savings, dist, solution.probabilities),
        "asset_holdings": mass * aggregate(np.broadcast_to(solution.grid, dist.shape), dist),
        "expenditure": float(expenditure),
        "imports": imports,
        "choice_shares": weights.sum(axis=(1, 2)),
        "trade_shares": imports / expenditure,
    }
