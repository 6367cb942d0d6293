"""Impulse responses of the linearized model in sequence space, with some variables given.

The linearized model ``A x(t+1) + B x(t) + C x(t-1) + D e(t) = 0`` (from
:meth:`equilibria.dynamics.Model.linearize`) is stacked over ``T`` periods after a one-time
innovation at ``t = 0``, starting from and returning to the steady state (``x(-1) = x(T) = 0``).
Perfect foresight after the impulse gives the rational-expectations impulse response
(certainty equivalence). A :class:`StackedSystem` solves a subset of the rows for a subset of
the variables, the others given as paths: the aggregate economy for given firm decisions, or a
firm's first-best decisions for given aggregate paths. Each partition is factorized once.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

__all__ = ["StackedSystem"]


class StackedSystem:
    """The stacked ``nT × nT`` system of a linearized model (row/column ``t*n + i``)."""

    def __init__(self, system, T: int):
        A, B, C = (np.asarray(m, float) for m in (system.A, system.B, system.C))
        self.n = A.shape[0]
        self.T = T
        self.D = np.asarray(system.D, float)
        blocks = [[None] * T for _ in range(T)]
        for t in range(T):
            blocks[t][t] = sp.csr_matrix(B)
            if t + 1 < T:
                blocks[t][t + 1] = sp.csr_matrix(A)
            if t > 0:
                blocks[t][t - 1] = sp.csr_matrix(C)
        self.matrix = sp.bmat(blocks, format="csc")

    def index(self, variables, T=None):
        """Stacked indices of ``variables`` (positions in the model) for every period, variable-major."""
        T = self.T if T is None else T
        variables = np.atleast_1d(np.asarray(variables, dtype=int))
        return (np.arange(T)[None, :] * self.n + variables[:, None]).ravel()

    def impulse(self, shock: int, size: float) -> np.ndarray:
        """The stacked right-hand side of a one-time innovation at t = 0 (``-D e``)."""
        rhs = np.zeros(self.n * self.T)
        rhs[:self.n] = -self.D[:, shock] * size
        return rhs

    def partition(self, rows, unknowns):
        """A solver for ``unknowns`` (model positions) from ``rows`` given every other variable's path."""
        return _Partition(self, rows, unknowns)


class _Partition:
    def __init__(self, stacked: StackedSystem, rows, unknowns):
        n = stacked.n
        rows = np.asarray(rows, dtype=int)
        unknowns = np.asarray(unknowns, dtype=int)
        if len(rows) != len(unknowns):
            raise ValueError("a partition needs as many rows as unknowns")
        known = np.setdiff1d(np.arange(n), unknowns)
        self.stacked, self.known = stacked, known
        self.r_idx = stacked.index(rows)
        self.u_idx = stacked.index(unknowns)
        self.k_idx = stacked.index(known)
        M = stacked.matrix
        self.lu = splu(M[self.r_idx][:, self.u_idx].tocsc())
        self.coupling = M[self.r_idx][:, self.k_idx].tocsr()
        self.unknowns = unknowns

    def solve(self, full: np.ndarray, rhs: np.ndarray | None = None) -> np.ndarray:
        """Fill the unknowns of the stacked vector ``full`` (others given); returns a new vector."""
        b = -(self.coupling @ full[self.k_idx])
        if rhs is not None:
            b = b + rhs[self.r_idx]
        out = full.copy()
        out[self.u_idx] = self.lu.solve(b)
        return out

    def jacobian_rows(self, outputs) -> np.ndarray:
        """``d unknowns[outputs] / d known`` for stacked positions ``outputs`` of the unknowns, through the
        transposed factorization (as many solves as outputs, not as known variables)."""
        position = np.full(self.stacked.n * self.stacked.T, -1)
        position[self.u_idx] = np.arange(len(self.u_idx))
        selector = np.zeros((len(self.u_idx), len(outputs)))
        selector[position[np.asarray(outputs)], np.arange(len(outputs))] = 1.0
        adjoint = self.lu.solve(selector, trans="T")
        return -np.asarray((self.coupling.T @ adjoint).T)

    def jacobian(self, given) -> np.ndarray:
        """``d unknowns / d given`` (stacked, variable-major) for model positions ``given``."""
        cols = self.stacked.index(given)
        position = np.full(self.stacked.n * self.stacked.T, -1)
        position[self.k_idx] = np.arange(len(self.k_idx))
        k_pos = position[cols]
        return -self.lu.solve(self.coupling[:, k_pos].toarray())
