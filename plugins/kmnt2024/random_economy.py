"""Random KMNT economies for property tests (Hypothesis) and the ``scale`` experiment.

:func:`random_model` draws, from a seed:

* ``beta`` positive, summing to one; ``alpha_bar_i ~ U(0.3, 0.8)``;
* ideal techniques ``alpha°_i`` with row sums ``s_i alpha_bar_i``, ``s_i ~ U(0.3, 0.9)``, entries
  proportional to ``share_floor + U(0, 1)`` (a positive floor keeps large economies interior); with
  ``zero_share > 0`` that fraction of entries is exactly 0 (so firms can hit ``alpha_ij = 0``);
* dense negative definite Hessians ``H_i = -curvature * n * (diag(d_i) + G_i G_i' / 3)`` with
  ``d_i ~ U(0.5, 1.5)`` and ``G_i`` an ``n x 3`` standard normal matrix. The factor ``n`` keeps the
  response of a share to prices, ``H_i^{-1} R``, of the order of a typical share (``1/n``): larger
  ``curvature`` means interior solutions, smaller means corners;
* ``mu ~ N(0, mu_scale^2)``; ``Sigma = sigma_scale^2 (F F'/n + diag(e))``, ``F`` standard normal
  ``n x n``, ``e ~ U(0.5, 1.5)`` (positive definite).
"""
from __future__ import annotations

import numpy as np

from .model import Model
from .technology import QuadraticTechnology

__all__ = ["random_arrays", "random_model", "economies"]


def random_arrays(seed, n, *, rho=3.0, curvature=2.0, zero_share=0.0, mu_scale=0.1, sigma_scale=0.2,
                  share_floor=0.0) -> dict:
    """Parameter arrays of a random economy (the keys of the ``--params`` contract)."""
    rng = np.random.default_rng(seed)
    beta = 0.5 + rng.random(n)
    beta /= beta.sum()
    alpha_bar = rng.uniform(0.3, 0.8, n)
    raw = share_floor + rng.random((n, n))
    if zero_share > 0:
        raw[rng.random((n, n)) < zero_share] = 0.0
        empty = raw.sum(axis=1) == 0
        raw[empty, 0] = 1.0
    ideal = raw / raw.sum(axis=1, keepdims=True) * (rng.uniform(0.3, 0.9, n) * alpha_bar)[:, None]
    d = rng.uniform(0.5, 1.5, (n, n))
    G = rng.standard_normal((n, n, 3))
    hessians = np.einsum("ijk,ilk->ijl", G, G) / 3.0
    idx = np.arange(n)
    hessians[:, idx, idx] += d
    hessians *= -curvature * n
    F = rng.standard_normal((n, n))
    sigma = sigma_scale ** 2 * (F @ F.T / n + np.diag(rng.uniform(0.5, 1.5, n)))
    mu = mu_scale * rng.standard_normal(n)
    return {"mu": mu, "sigma": sigma, "beta": beta, "rho": float(rho), "alpha_bar": alpha_bar,
            "ideal_shares": ideal, "hessians": hessians}


def random_model(seed, n, **kw) -> Model:
    """A :class:`~.model.Model` with quadratic shifters from :func:`random_arrays`."""
    a = random_arrays(seed, n, **kw)
    return Model(a["mu"], a["sigma"], a["beta"], a["rho"], a["alpha_bar"],
                 QuadraticTechnology(a["hessians"], a["ideal_shares"]))


def economies(min_n=2, max_n=5, rho=(1.0, 6.0), curvature=(0.3, 5.0), corners=True):
    """Hypothesis strategy of specs ``{"seed", "n", "rho", "curvature", "zero_share"}``.

    Build the economy with ``random_model(**spec)``; a counterexample is then reproducible
    from its (small, JSON-able) spec.
    """
    from hypothesis import strategies as st

    return st.fixed_dictionaries({
        "seed": st.integers(0, 2**32 - 1),
        "n": st.integers(min_n, max_n),
        "rho": st.floats(*rho),
        "curvature": st.floats(*curvature),
        "zero_share": st.sampled_from([0.0, 0.3]) if corners else st.just(0.0),
    })
