"""Entrepreneurs' technology in the full model (Yu 2019, eqs. 2.11, 2.13-2.14) and measured TFP (2.4.5).

``y = z Z k^α n^γ`` with α + γ ≤ 1 (2.11). Labor is chosen statically:
``n = (γ z Z k^α / w)^(1/(1-γ))`` (2.13), and output net of the wage bill is
``π(w) (z Z k^α)^(1/(1-γ))`` with ``π(w) = (1-γ) (γ/w)^(γ/(1-γ))`` (2.14).
"""
from __future__ import annotations

import numpy as np

__all__ = ["labor_demand", "operating_profit", "output", "profit_factor", "measured_tfp",
           "two_type_measured_tfp"]


def profit_factor(wage, labor_share: float):
    """π(w) of eq. (2.14)."""
    g = labor_share
    return (1 - g) * (g / np.asarray(wage, dtype=float)) ** (g / (1 - g))


def labor_demand(z, tfp, capital, wage, *, capital_share: float, labor_share: float):
    """n(k, z), eq. (2.13)."""
    g = labor_share
    return (g * z * tfp * np.asarray(capital, dtype=float) ** capital_share / wage) ** (1 / (1 - g))


def output(z, tfp, capital, wage, *, capital_share: float, labor_share: float):
    """y = z Z k^α n^γ at the optimal labor (2.11, 2.13)."""
    n = labor_demand(z, tfp, capital, wage, capital_share=capital_share, labor_share=labor_share)
    return z * tfp * np.asarray(capital, dtype=float) ** capital_share * n ** labor_share


def operating_profit(z, tfp, capital, wage, *, capital_share: float, labor_share: float):
    """y - w n = π(w) (z Z k^α)^(1/(1-γ)), eq. (2.14)."""
    return profit_factor(wage, labor_share) * (z * tfp * np.asarray(capital, dtype=float) ** capital_share) ** (
        1 / (1 - labor_share))


def measured_tfp(total_output, total_capital, total_labor, *, capital_share: float, labor_share: float):
    """Z_A = Y / (K^α N^γ), the residual an econometrician measures (section 2.4.5)."""
    return total_output / (total_capital ** capital_share * total_labor ** labor_share)


def two_type_measured_tfp(ratio, z_high: float, z_low: float, capital_share: float):
    """Corollary 3's closed form with α + γ = 1, Z = 1 and equal masses:
    ``Z_A = [(z_h^(1/α) x + z_l^(1/α)) / (x + 1)]^α`` with x = k_h / k_l."""
    a = capital_share
    x = np.asarray(ratio, dtype=float)
    return ((z_high ** (1 / a) * x + z_low ** (1 / a)) / (x + 1)) ** a
