"""Solving ``A E x(t+1) + B x(t) + C x(t-1) + D e(t) = 0`` by the generalized Schur (QZ) decomposition.

Klein (2000), "Using the generalized Schur form to solve a multivariate linear rational
expectations model", JEDC 24; Sims (2002), "Solving linear rational expectations models",
Computational Economics 20. Blanchard and Kahn (1980) give the counting condition.

With ``k(t) = S x(t-1)`` the lagged values of the ``ns`` predetermined variables (``S`` selects
them), the system is first order in ``w(t) = (k(t), x(t))``::

    [0  A] E w(t+1) = [-C_s  -B] w(t)        (the model's n equations; C_s = C S')
    [I  0]            [ 0     S]            (k(t+1) = S x(t))

QZ gives ``G = Q T Z'``, ``F = Q U Z'`` with the stable generalized eigenvalues ``T_ii / U_ii``
(modulus below one) ordered first. A unique stable solution needs exactly ``ns`` of them
(Blanchard–Kahn), that is as many unstable ones (infinite ones included) as variables with a
lead: then ``x(t) = Z21 Z11^{-1} k(t) = P k(t)`` for the deterministic part, and the
innovations' impact follows from ``(A P S + B) x(t) = -C_s k(t) - D e(t)``:
``Q = -(A P S + B)^{-1} D``. Infinite eigenvalues (``U_ii = 0``) count as unstable, as in
Dynare's count. The code uses a smaller pencil than the one above: static variables are
eliminated first (QR), and ``w(t) = (k(t), x_f(t))`` holds only the variables with a lead
besides the states (a state without a lead is ``k(t+1)``).
"""
from __future__ import annotations

import numpy as np

from ..errors import ConvergenceError, DeterminacyError

__all__ = ["solve_linear", "STABILITY_THRESHOLD"]

STABILITY_THRESHOLD = 1.0 + 1e-6
"""Generalized eigenvalues with modulus below this count as stable (as Dynare's ``qz_criterium``)."""


def solve_linear(A, B, C, D, state_index, lead_index=None, threshold: float = STABILITY_THRESHOLD):
    """Policy ``P`` (n × ns), impact ``Q`` (n × n_shocks) and generalized eigenvalues of the system.

    The solution is ``x(t) = P x_s(t-1) + Q e(t)`` with ``x_s`` the variables at ``state_index``
    (those that appear with a lag). ``lead_index`` lists the variables that appear with a lead
    (by default the non-zero columns of ``A``); the classification is structural, so a
    coefficient that happens to be zero at some parameter values changes nothing.
    Static variables (no lead, no lag) are first eliminated by a QR decomposition of their
    columns, so the QZ works on the dynamic variables only; they are recovered afterwards.

    Raises
    ------
    DeterminacyError
        When the number of stable eigenvalues differs from the number of states.
    ConvergenceError
        When the stable block does not pin down the states (Klein's rank condition fails).
    """
    n = A.shape[0]
    state_index = np.asarray(state_index, dtype=int)
    lead_index = np.flatnonzero(A.any(axis=0)) if lead_index is None else np.asarray(lead_index, dtype=int)
    is_dynamic = np.zeros(n, dtype=bool)
    is_dynamic[state_index] = True
    is_dynamic[lead_index] = True
    static = np.flatnonzero(~is_dynamic)
    if static.size == 0:
        return _solve_dynamic(A, B, C, D, state_index, lead_index, threshold)
    dynamic = np.flatnonzero(is_dynamic)
    ns_static = static.size
    Qr, R = np.linalg.qr(B[:, static], mode="complete")
    R1 = R[:ns_static]
    diagonal = np.abs(np.diag(R1))
    if diagonal.min() <= 1e-12 * max(1.0, diagonal.max()):
        raise ConvergenceError("the static variables are not determined by their equations "
                               "(their columns of the current-period Jacobian are rank deficient)")
    QA, QB, QC, QD = Qr.T @ A, Qr.T @ B, Qr.T @ C, Qr.T @ D
    position = np.full(n, -1)
    position[dynamic] = np.arange(dynamic.size)
    states_in_dynamic = position[state_index]
    lower = slice(ns_static, n)
    Pd, Qd, eigenvalues = _solve_dynamic(QA[lower][:, dynamic], QB[lower][:, dynamic], QC[lower][:, dynamic],
                                         QD[lower], states_in_dynamic, position[lead_index], threshold)
    T, Rs = Pd[states_in_dynamic], Qd[states_in_dynamic]
    upper = slice(0, ns_static)
    Bsd, Asd = QB[upper][:, dynamic], QA[upper][:, dynamic]
    lead_policy = Asd @ Pd
    P_static = -np.linalg.solve(R1, Bsd @ Pd + lead_policy @ T + QC[upper][:, state_index])
    Q_static = -np.linalg.solve(R1, Bsd @ Qd + lead_policy @ Rs + QD[upper])
    P = np.empty((n, state_index.size))
    Q = np.empty((n, D.shape[1]))
    P[dynamic], P[static] = Pd, P_static
    Q[dynamic], Q[static] = Qd, Q_static
    if not (np.all(np.isfinite(P)) and np.all(np.isfinite(Q))):
        raise ConvergenceError("the linear solution is not finite")
    return P, Q, eigenvalues


def _solve_dynamic(A, B, C, D, state_index, leads, threshold):
    """Klein's QZ solution of a system without static variables (see the module docstring)."""
    from scipy.linalg import lu_factor, lu_solve, ordqz, solve_triangular

    n = A.shape[0]
    ns = len(state_index)
    leads = np.sort(np.asarray(leads, dtype=int))
    nf = leads.size
    in_leads = np.zeros(n, dtype=bool)
    in_leads[leads] = True
    mixed = [s for s, v in enumerate(state_index) if in_leads[v]]          # states that also have a lead
    only_lagged = [s for s, v in enumerate(state_index) if not in_leads[v]]
    m = ns + nf
    F = np.zeros((m, m))
    G = np.zeros((m, m))
    F[:n, ns:] = A[:, leads]
    lagged_columns = state_index[only_lagged]
    F[:n, only_lagged] = B[:, lagged_columns]                 # x_p(t) = k_p(t+1)
    G[:n, :ns] = -C[:, state_index]
    G[:n, ns:] = -B[:, leads]
    position = np.full(n, -1)
    position[leads] = np.arange(nf)
    for r, s in enumerate(mixed):                             # k_m(t+1) = x_m(t)
        F[n + r, s] = 1.0
        G[n + r, ns + position[state_index[s]]] = 1.0
    limit = threshold * threshold

    def stable(alpha, beta):
        return (alpha.real ** 2 + alpha.imag ** 2) < limit * beta * beta

    try:
        AA, BB, alpha, beta, _, Z = ordqz(G, F, sort=stable, output="real", check_finite=False)
    except (ValueError, np.linalg.LinAlgError) as exc:
        raise ConvergenceError(f"QZ decomposition failed: {exc}") from None
    absalpha = np.abs(alpha)
    absbeta = np.abs(beta)
    scale = max(1.0, float(np.max(np.abs(F))), float(np.max(np.abs(G))))
    infinite = absbeta <= 1e-13 * np.maximum(absalpha, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        eigenvalues = np.where(infinite, np.inf, alpha / np.where(infinite, 1.0, beta))
    is_stable = ~infinite & (np.abs(eigenvalues) < threshold)
    n_stable = int(is_stable.sum())
    if n_stable != ns:  # m - ns = nf: as many unstable eigenvalues (infinite ones included) as leads
        raise DeterminacyError(m - n_stable, nf)
    order = np.argsort(np.abs(eigenvalues))
    eigenvalues = eigenvalues[order]
    P = np.zeros((n, ns))
    if ns:
        Z11 = Z[:ns, :ns]
        lu = lu_factor(Z11.T, check_finite=False)
        pivots = np.abs(np.diag(lu[0]))
        if not pivots.min() > 1e-12 * max(1.0, pivots.max()):
            raise ConvergenceError("the stable block does not determine the predetermined variables "
                                   "(Klein's rank condition fails)")
        P[leads] = lu_solve(lu, Z[ns:, :ns].T, check_finite=False).T          # x_f(t) = Z21 Z11^-1 k(t)
        if only_lagged:
            # k(t+1) = Z11 BB11^-1 AA11 Z11^-1 k(t); its rows for the states without a lead
            theta = solve_triangular(BB[:ns, :ns], AA[:ns, :ns], check_finite=False)   # BB is triangular
            P[lagged_columns] = lu_solve(lu, (Z11[only_lagged] @ theta).T, check_finite=False).T
    M = B.copy()
    if ns:
        M[:, state_index] += A @ P
    try:
        Q = -lu_solve(lu_factor(M, check_finite=False), D, check_finite=False)
    except (ValueError, np.linalg.LinAlgError) as exc:
        raise ConvergenceError(f"the impact of the innovations is not determined ({exc})") from None
    if not (np.all(np.isfinite(P)) and np.all(np.isfinite(Q))):
        raise ConvergenceError("the linear solution is not finite")
    return P, Q, eigenvalues
