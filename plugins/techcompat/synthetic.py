"""The synthetic 3-region x 4-sector economy: the plugin's default parameters.

Region 0 ("west") and region 1 ("east") are large and technologically apart; region 2
("south") is small and sits in between. Sector 2 ("electronics") is input-intensive and its
endowment technologies are the most dispersed across regions, as in the slides' embargo on
computers and electronics. ``data/`` holds the input-output table, trade shares and citation
shares this economy generates (``python -m equilibria.plugins.techcompat.synthetic`` rewrites them).
"""
from __future__ import annotations

import numpy as np

__all__ = ["SYNTHETIC", "synthetic_trade_costs"]


def synthetic_trade_costs() -> list:
    """tau^j_{do}: distance-like costs, lower for services' inputs...; tau_dd = 1."""
    base = np.array([[1.0, 1.8, 1.5],
                     [1.8, 1.0, 1.4],
                     [1.5, 1.4, 1.0]])
    sector_scale = np.array([1.0, 0.9, 0.8, 1.4])    # electronics trade cheaply, services poorly
    tau = 1.0 + (base[:, :, None] - 1.0) * sector_scale[None, None, :]
    return tau.tolist()


SYNTHETIC = {
    "regions": ["west", "east", "south"],
    "sectors": ["agriculture", "materials", "electronics", "services"],
    "labor": [1.0, 1.6, 0.6],
    "productivity": [[1.0, 1.1, 1.3, 1.2],
                     [1.1, 1.0, 1.0, 0.9],
                     [1.2, 0.9, 0.8, 0.9]],
    "input_shares": [[0.20, 0.10, 0.05, 0.10],
                     [0.05, 0.30, 0.05, 0.15],
                     [0.02, 0.20, 0.30, 0.10],
                     [0.03, 0.07, 0.10, 0.25]],
    "labor_shares": [0.55, 0.45, 0.38, 0.55],
    "consumption_shares": [[0.15, 0.20, 0.25, 0.40],
                           [0.20, 0.25, 0.20, 0.35],
                           [0.30, 0.25, 0.15, 0.30]],
    "trade_costs": synthetic_trade_costs(),
    "tech_mean": [[-0.30, -0.20, -0.50, -0.20],
                  [0.30, 0.20, 0.50, 0.20],
                  [0.00, 0.05, 0.10, -0.05]],
    "tech_sd": [[0.25, 0.25, 0.20, 0.30],
                [0.25, 0.25, 0.20, 0.30],
                [0.25, 0.25, 0.20, 0.30]],
}
