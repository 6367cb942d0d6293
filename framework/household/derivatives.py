"""The exact derivative of one EGM step of the income-fluctuation problem at the steady state.

One step maps next period's marginal value V_a' and this period's inputs (R, y) to this
period's policies (eq. 70-73 of Waugh 2022, Appendix B, with one option at price 1)::

    W_k   = beta sum_z' P(z, z') V_a'(z', a_k)           expected marginal value at a' = a_k
    X_k   = W_k^(-1/gamma) + a_k                          endogenous cash on hand
    a'(x) = a_m + (x - X_m) (a_{m+1} - a_m) / (X_{m+1} - X_m),   X_m < x <= X_{m+1}
            (a'(x) = a_0 when x <= X_0: the borrowing limit binds)
    x_i   = R a_i + y(z),   c_i = x_i - a'(x_i),   V_a(z, a_i) = R c_i^(-gamma).

Everything here is differentiable except at the finitely many points where x_i equals an
endogenous node, so the derivative below (bracket m fixed) is the derivative of the
discretized step itself, not an approximation of it::

    da'_i = s_i (dx_i - (1 - t_i) dX_m - t_i dX_{m+1}),   s_i = (a_{m+1} - a_m)/(X_{m+1} - X_m),
    dX_k  = -(1/gamma) W_k^(-1/gamma) dW_k / W_k,   dW = beta P dV_a',   dx_i = dR a_i + dy(z),
    dV_a  = dR c^(-gamma) - gamma R c^(-gamma-1) (dx - da').

:class:`EGMDerivative` applies this linear map for a batch of shocks over T horizons (the
backward part of the fake-news algorithm).
"""
from __future__ import annotations

import numpy as np

from equilibria.errors import ConvergenceError

__all__ = ["EGMDerivative", "positions"]


def positions(columns, nz, n):
    """Map of grid point (z, k) to its column among the flat indices ``columns`` (-1 if absent)
    and the number of columns; all points in order when ``columns`` is None."""
    if columns is None:
        return np.arange(nz * n, dtype=np.int64).reshape(nz, n), nz * n
    position = np.full(nz * n, -1, dtype=np.int64)
    position[np.asarray(columns, dtype=np.int64)] = np.arange(len(columns))
    return position.reshape(nz, n), len(columns)


class EGMDerivative:
    """Linearization of the EGM step of an :class:`IncomeFluctuationBlock` at its steady state."""

    def __init__(self, block, ss):
        grid, P = block.grid, block.transition
        gamma, beta = block.gamma, ss.beta
        R = 1.0 + ss.inputs[block.rate_input]
        y = block.income(ss.inputs)
        nz, n = block.shape
        W = beta * P @ ss.marginal
        c_endog = W ** (-1.0 / gamma)
        X = c_endog + grid[None, :]
        cash = R * grid[None, :] + y[:, None]
        bracket = np.empty((nz, n), dtype=np.int64)
        for z in range(nz):
            if np.any(np.diff(X[z]) <= 0):
                raise ConvergenceError("the endogenous grid folds at the steady state: the exact "
                                       "derivative needs a monotone grid", history=[])
            bracket[z] = np.clip(np.searchsorted(X[z], cash[z], side="left") - 1, 0, n - 2)
        rows = np.arange(nz)[:, None]
        lo, hi = X[rows, bracket], X[rows, bracket + 1]
        self.t = (cash - lo) / (hi - lo)
        self.slope = (grid[bracket + 1] - grid[bracket]) / (hi - lo)
        self.free = cash > X[:, :1]                        # the borrowing limit does not bind
        savings = np.where(self.free, grid[bracket] + self.t * (grid[bracket + 1] - grid[bracket]), grid[0])
        gap = np.max(np.abs(savings - ss.savings))
        if gap > 1e-6 * max(1.0, grid[-1] - grid[0]):
            raise ConvergenceError(f"steady-state policies are not a fixed point of the EGM step "
                                   f"(gap {gap:.2e}); solve the steady state more tightly", history=[gap])
        consumption = cash - savings
        self.bracket = bracket
        self.flat_lo = (bracket + rows * n).ravel()        # flat (z, m) positions of the brackets
        self.dX_dW = -(1.0 / gamma) * c_endog / W
        self.beta, self.R, self.gamma = beta, R, gamma
        self.marginal_c = consumption ** (-gamma)          # u'(c)
        self.curvature = gamma * R * consumption ** (-gamma - 1.0)
        self.grid = grid
        self.P = P
        self.block = block
        self.shape = (nz, n)

    def input_shock(self, name):
        """(dR, dy) of a unit change in input ``name``."""
        block = self.block
        if name == block.rate_input:
            return 1.0, np.zeros(self.shape[0])
        return 0.0, block.loadings[name]

    def step(self, dVa_next, dR, dy):
        """Derivatives (da', dc, dV_a) for a batch: dVa_next (b, nz, n) or None, dR (b,), dy (b, nz)."""
        nz, n = self.shape
        b = len(dR)
        dR = np.asarray(dR, float)
        dx = dR[:, None, None] * self.grid[None, None, :] + np.asarray(dy, float)[:, :, None]
        if dVa_next is None:
            da = self.slope * dx
        else:
            dW = self.beta * np.einsum("zy,byk->bzk", self.P, dVa_next)
            dX = (self.dX_dW * dW).reshape(b, nz * n)
            node = dX[:, self.flat_lo].reshape(b, nz, n)
            node_up = dX[:, self.flat_lo + 1].reshape(b, nz, n)
            da = self.slope * (dx - (1.0 - self.t) * node - self.t * node_up)
        da = np.where(self.free, da, 0.0)
        dc = dx - da
        dVa = dR[:, None, None] * self.marginal_c - self.curvature * dc
        return da, dc, dVa

    def _shocks(self, shocks):
        b, nz = len(shocks), self.shape[0]
        dR = np.array([s[0] for s in shocks], float)
        dy = np.ascontiguousarray(np.array([s[1] for s in shocks], float).reshape(b, nz))
        return dR, dy

    def policy_responses(self, shocks, T, columns=None, consumption=True):
        """Policy derivatives by horizon: shock at s periods ahead -> {savings, consumption}.

        Horizon 0 is the direct effect of the inputs; horizon s feeds the marginal value of
        horizon s - 1 through the expectation (the shock is then s periods in the future).
        Arrays are (b, T, n_z, n_a), or (b, T, len(columns)) holding only the flat grid points
        ``columns``. Cython kernel ``equilibria.ext.egm_jacobian``; :meth:`policy_responses_numpy`
        is its twin.
        """
        from equilibria.ext import egm_jacobian

        nz, n = self.shape
        b = len(shocks)
        dR, dy = self._shocks(shocks)
        position, width = positions(columns, nz, n)
        savings = np.empty((b, T, width))
        spending = np.empty((b, T, width if consumption else 0))
        c = np.ascontiguousarray
        egm_jacobian.policy_responses(c(self.P), float(self.beta), c(self.dX_dW), c(self.t), c(self.slope),
                                      c(self.free, dtype=np.uint8), c(self.bracket, dtype=np.int64),
                                      c(self.marginal_c), c(self.curvature), c(self.grid), dR, dy,
                                      position, savings, spending)
        shape = (b, T, nz, n) if columns is None else (b, T, width)
        return {"savings": savings.reshape(shape),
                "consumption": spending.reshape(shape) if consumption else None}

    def policy_responses_numpy(self, shocks, T):
        """NumPy twin of :meth:`policy_responses`: :meth:`step` applied horizon by horizon."""
        nz, n = self.shape
        b = len(shocks)
        dR, dy = self._shocks(shocks)
        savings = np.empty((b, T, nz, n))
        consumption = np.empty((b, T, nz, n))
        zero_R, zero_y = np.zeros(b), np.zeros((b, nz))
        da, dc, dVa = self.step(None, dR, dy)
        savings[:, 0], consumption[:, 0] = da, dc
        for s in range(1, T):
            da, dc, dVa = self.step(dVa, zero_R, zero_y)
            savings[:, s], consumption[:, s] = da, dc
        return {"savings": savings, "consumption": consumption}
