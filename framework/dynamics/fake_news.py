"""Sequence-space Jacobians of a heterogeneous-agent block by the fake-news algorithm.

Auclert, Bardóczy, Rognlie and Straub (2021, "Using the Sequence-Space Jacobian to Solve and
Estimate Heterogeneous-Agent Models", Econometrica), section 3: an aggregate output
Y_t = <D_t, y_t> of a block whose distribution D_t moves by Young's lottery on one endogenous
state responds to an input change at date s through

* the policies: dy_0^s, the change of today's policy when the input moves s periods ahead
  (the backward part, one derivative of the backward step per horizon), and
* the distribution: dD_1^s, tomorrow's distribution change caused by today's savings change.

The "fake-news matrix" F[0, s] = <D, dy_0^s>, F[t, s] = <E_{t-1}, dD_1^s> (t >= 1) with the
expectation vectors E_0 = y, E_k = Λ E_{k-1} (Λ the expectation operator, the transpose of the
forward step) gives the Jacobian by J[t, s] = F[t, s] + J[t-1, s-1]. The expectation vectors
of all outputs are stacked so that F is one matrix product; the derivative of the lottery is
folded into them (:func:`lottery_expectations`), so dD_1^s is never formed.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["fake_news_jacobian", "lottery_expectations", "jacobian_from_fake_news"]


def lottery_factor(distribution, index, grid, savings):
    """-D / (a_{i+1} - a_i) where the savings policy lies inside the grid, zero where it is clipped."""
    inside = (savings > grid[0]) & (savings < grid[-1])
    return np.where(inside, -distribution / (grid[index + 1] - grid[index]), 0.0)


def lottery_expectations(outcome, transition, index, weight, grid, savings, distribution, T):
    """Expectation vectors of one outcome, pre-multiplied by the derivative of the lottery.

    E_0 = y and E_k = Λ E_{k-1}. Today's savings change da' moves the lower lottery weight by
    -da' / (a_{i+1} - a_i) inside the grid (not at all where the policy is clipped to an end),
    so with v = P E_{k-1}:  <E_{k-1}, dD_1> = sum_{z,k} D(z,k) (v(z, i_k) - v(z, i_k + 1)) dw(z,k)
    = <G_{k-1}, da'> with G_{k-1} = -D (v(z, i) - v(z, i + 1)) / (a_{i+1} - a_i) (zero outside).
    Returns G_0..G_{T-2} as (T - 1, n_z, n_a) (the fake news of t = 1..T-1, without forming dD_1).
    NumPy twin of the kernel ``equilibria.ext.egm_jacobian.lottery_expectations``.
    """
    nz, n = distribution.shape
    rows = np.arange(nz)[:, None]
    factor = lottery_factor(distribution, index, grid, savings)
    out = np.empty((max(T - 1, 0), nz, n))
    current = np.asarray(outcome, float)
    for k in range(T - 1):
        ahead = transition @ current
        low, high = ahead[rows, index], ahead[rows, index + 1]
        out[k] = factor * (low - high)
        current = high + weight * (low - high)
    return out


def jacobian_from_fake_news(F):
    """J[t, s] = F[t, s] + J[t-1, s-1] (accumulate along diagonals); F is (..., T, T)."""
    J = np.array(F, dtype=float, copy=True)
    T = J.shape[-1]
    for t in range(1, T):
        J[..., t, 1:] += J[..., t - 1, :-1]
    return J


def fake_news_jacobian(*, distribution, transition, index, weight, grid, savings,
                       outcomes: Mapping[str, np.ndarray], outcome_responses: Mapping[str, np.ndarray],
                       savings_response, T: int, inputs: Sequence[str], outputs: Sequence[str],
                       columns=None) -> dict:
    """Jacobians {(output, input): (T, T)} of outputs Y = <D, y> by the fake-news algorithm.

    Parameters
    ----------
    distribution : (n_z, n_a) steady-state distribution; ``index``/``weight`` its lottery of
        the steady-state ``savings`` on ``grid``; ``transition`` the Markov matrix.
    outcomes : output name -> steady-state policy y (n_z, n_a) whose aggregate is the output.
    outcome_responses : output name -> (n_inputs, T, n_z, n_a) derivative of that policy today
        when the input moves s periods ahead (s = 0..T-1).
    savings_response : (n_inputs, T, n_z, n_a), the same for the savings policy (moves D).
    columns : optional flat indices of the grid points kept in the responses, which are then
        (n_inputs, T, len(columns)); every point with mass must be among them (points without
        mass contribute nothing).
    """
    from equilibria.ext import egm_jacobian
    from equilibria.household.derivatives import positions

    n_in, nz, n = len(inputs), *distribution.shape
    position, width = positions(columns, nz, n)
    mass = distribution.ravel() if columns is None else distribution.ravel()[columns]
    da = np.ascontiguousarray(savings_response).reshape(n_in * T, width)
    cross = None
    if T > 1:
        factor = lottery_factor(distribution, index, grid, savings)
        G = np.empty((len(outputs), T - 1, width))
        for a, o in enumerate(outputs):
            egm_jacobian.lottery_expectations(np.ascontiguousarray(outcomes[o], dtype=float), transition,
                                              np.ascontiguousarray(index, dtype=np.int64), weight, factor,
                                              position, G[a])
        cross = G.reshape(len(outputs) * (T - 1), width) @ da.T                # (n_out (T-1), n_in T)
    result = {}
    for a, o in enumerate(outputs):
        direct = (np.ascontiguousarray(outcome_responses[o]).reshape(n_in * T, width) @ mass).reshape(n_in, T)
        for b, x in enumerate(inputs):
            F = np.empty((T, T))
            F[0] = direct[b]
            if T > 1:
                F[1:] = cross[a * (T - 1):(a + 1) * (T - 1), b * T:(b + 1) * T]
            result[(o, x)] = jacobian_from_fake_news(F)
    return result
