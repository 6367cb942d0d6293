"""Impulse-response matching (Christiano, Eichenbaum and Evans 2005; Yu 2019, eq. 1.43).

``J(ϑ) = (Ψ̂ - Ψ(ϑ))' V^{-1} (Ψ̂ - Ψ(ϑ))`` with ``Ψ`` stacked variable by variable and ``V`` block
diagonal: one block per variable, the covariance of that variable's responses across periods
(from bootstrap or Monte Carlo draws), each entry ``(j, k)`` multiplied by ``√(j k)`` (periods
counted from one): the variance of period ``j`` is inflated ``j`` times so that early periods weigh
more, and the block stays positive definite (a ``max(j, k)`` weighting would not).
"""
from __future__ import annotations

import numpy as np

__all__ = ["weighted_block_covariance", "matching_criterion", "criterion_decomposition"]


def weighted_block_covariance(draws: np.ndarray, weighted: bool = True) -> list[np.ndarray]:
    """One (m, m) block per variable from ``draws`` (draws, m, n); entries times ``√(j k)`` if ``weighted``."""
    draws = np.asarray(draws, dtype=float)
    m = draws.shape[1]
    root = np.sqrt(np.arange(1, m + 1))
    weights = np.outer(root, root) if weighted else np.ones((m, m))
    return [np.cov(draws[:, :, i], rowvar=False) * weights for i in range(draws.shape[2])]


def criterion_decomposition(data_irf: np.ndarray, model_irf: np.ndarray, blocks) -> np.ndarray:
    """Each variable's contribution ``d_i' Σ_i^{-1} d_i`` (Table 1.2); they sum to ``J``."""
    data_irf = np.asarray(data_irf, float)
    model_irf = np.asarray(model_irf, float)
    out = np.empty(data_irf.shape[1])
    for i, block in enumerate(blocks):
        d = data_irf[:, i] - model_irf[:, i]
        out[i] = float(d @ np.linalg.solve(block, d))
    return out


def matching_criterion(data_irf, model_irf, blocks) -> float:
    """``J`` of eq. (1.43) with the block-diagonal ``V``."""
    return float(criterion_decomposition(data_irf, model_irf, blocks).sum())
