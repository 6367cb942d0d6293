"""Distributions F of idiosyncratic productivity z for the one-period model (section 2.3).

The one-period model needs, for a threshold ``c`` and a power ``a``, the probability ``F(c)`` and
the partial moments ``E[z^a; z < c]`` and ``E[z^a; z > c]``; demand (2.7), supply (2.8) and the
market lemon share (2.9) are built from them. The log-normal and log-uniform laws have them in
closed form; a discrete law (point masses) serves brute-force checks.
"""
from __future__ import annotations

import math

import attrs
import numpy as np
from scipy.special import ndtr

__all__ = ["LogNormal", "LogUniform", "Discrete", "make_distribution"]

_LOG_FLOAT_MAX = math.log(np.finfo(float).max)


@attrs.frozen
class LogNormal:
    """log z ~ N(μ, s²) with E[z] = ``mean`` (so μ = log(mean) - s²/2) and s = ``log_sd``."""

    mean: float
    log_sd: float

    @property
    def mu(self) -> float:
        return math.log(self.mean) - 0.5 * self.log_sd ** 2

    def _standardized(self, a, c):
        with np.errstate(divide="ignore"):
            return (np.log(np.asarray(c, dtype=float)) - self.mu - a * self.log_sd ** 2) / self.log_sd

    def _raw(self, a):
        """E[z^a]; FloatingPointError naming the moment when it exceeds the float range."""
        exponent = a * self.mu + 0.5 * (a * self.log_sd) ** 2
        if exponent > _LOG_FLOAT_MAX:
            raise FloatingPointError(f"the moment E[z^{a:.4g}] of the productivity law (mean {self.mean:.4g}, "
                                     f"s.d. of log z {self.log_sd:.4g}) exceeds the floating-point range")
        return math.exp(exponent)

    def cdf(self, c):
        return ndtr(self._standardized(0.0, c))

    def moment_below(self, a, c):
        """E[z^a 1{z < c}]."""
        return self._raw(a) * ndtr(self._standardized(a, c))

    def moment_above(self, a, c):
        """E[z^a 1{z > c}]."""
        return self._raw(a) * ndtr(-self._standardized(a, c))


@attrs.frozen
class LogUniform:
    """log z uniform on [μ - h, μ + h], h = √3 ``log_sd`` (so s.d. of log z = ``log_sd``), E[z] = ``mean``."""

    mean: float
    log_sd: float

    @property
    def half_width(self) -> float:
        return math.sqrt(3.0) * self.log_sd

    @property
    def mu(self) -> float:
        h = self.half_width
        return math.log(self.mean) - math.log(math.sinh(h) / h)

    def _clipped_log(self, c):
        with np.errstate(divide="ignore"):
            x = np.log(np.asarray(c, dtype=float))
        return np.clip(x, self.mu - self.half_width, self.mu + self.half_width)

    def cdf(self, c):
        return (self._clipped_log(c) - (self.mu - self.half_width)) / (2 * self.half_width)

    def moment_below(self, a, c):
        lo = self.mu - self.half_width
        x = self._clipped_log(c)
        if a == 0:
            return self.cdf(c)
        # expm1 keeps the mass just above the lower end exact (no difference of nearly equal numbers)
        value = math.exp(a * lo) * np.expm1(a * (x - lo)) / (2 * self.half_width * a)
        return np.where(x <= lo, 0.0, value)

    def moment_above(self, a, c):
        hi = self.mu + self.half_width
        if a == 0:
            return 1.0 - self.cdf(c)
        x = self._clipped_log(c)
        value = -math.exp(a * hi) * np.expm1(a * (x - hi)) / (2 * self.half_width * a)
        return np.where(x >= hi, 0.0, value)


@attrs.frozen
class Discrete:
    """Point masses ``probabilities`` at ``values`` (for brute-force checks)."""

    values: np.ndarray = attrs.field(converter=lambda v: np.asarray(v, dtype=float))
    probabilities: np.ndarray = attrs.field(converter=lambda v: np.asarray(v, dtype=float))

    def _below(self, c):
        return self.values[None, :] < np.asarray(c, dtype=float).reshape(-1, 1)

    def cdf(self, c):
        shape = np.shape(c)
        return (self._below(c) @ self.probabilities).reshape(shape)

    def moment_below(self, a, c):
        shape = np.shape(c)
        return (self._below(c) @ (self.probabilities * self.values ** a)).reshape(shape)

    def moment_above(self, a, c):
        shape = np.shape(c)
        above = self.values[None, :] > np.asarray(c, dtype=float).reshape(-1, 1)
        return (above @ (self.probabilities * self.values ** a)).reshape(shape)


def make_distribution(kind: str, mean: float, log_sd: float):
    """The productivity law named ``kind`` ('lognormal' or 'loguniform')."""
    return {"lognormal": LogNormal, "loguniform": LogUniform}[kind](mean, log_sd)
