"""Random economies of any size (benchmarks, property tests): WIOD-like shares and costs."""
from __future__ import annotations

import numpy as np

from .params import TechParameters

__all__ = ["random_parameters"]


def random_parameters(regions: int, sectors: int, *, seed: int = 0, tech_points: int = 41, **overrides) -> TechParameters:
    """A valid random economy: input shares summing to 0.3-0.6, trade costs 1.2-2.5, endowment means in
    [-0.5, 0.5] and sds in [0.15, 0.3] (so the appendix's conditions hold at the default t_bar)."""
    rng = np.random.default_rng(seed)
    n, s = int(regions), int(sectors)
    raw = rng.gamma(0.7, size=(s, s)) + 0.05 * np.eye(s)
    totals = rng.uniform(0.3, 0.6, s)
    gamma = raw / raw.sum(axis=1, keepdims=True) * totals[:, None]
    gamma = np.minimum(gamma, 0.6)
    consumption = rng.gamma(1.0, size=(n, s)) + 0.02
    consumption /= consumption.sum(axis=1, keepdims=True)
    position = rng.uniform(0, 1, size=(n, 2))
    distance = np.linalg.norm(position[:, None] - position[None], axis=-1)
    tau = 1.2 + distance[:, :, None] * rng.uniform(0.5, 1.5, size=(1, 1, s))
    tau = np.minimum(tau, 2.5)
    tau[np.arange(n), np.arange(n), :] = 1.0
    values = dict(
        regions=[f"r{d}" for d in range(n)], sectors=[f"s{i}" for i in range(s)],
        labor=rng.uniform(0.5, 2.0, n).tolist(), productivity=rng.uniform(0.8, 1.2, (n, s)).tolist(),
        input_shares=gamma.tolist(), labor_shares=(1 - gamma.sum(axis=1)).tolist(),
        consumption_shares=consumption.tolist(), trade_costs=tau.tolist(),
        tech_mean=rng.uniform(-0.5, 0.5, (n, s)).tolist(), tech_sd=rng.uniform(0.15, 0.3, (n, s)).tolist(),
        tech_points=tech_points,
    )
    values.update(overrides)
    return TechParameters(**values)
