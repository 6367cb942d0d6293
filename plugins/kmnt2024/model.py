"""The economy: beliefs (mu, Sigma), preferences (beta, rho), technique sets and shifters."""
from __future__ import annotations

import numpy as np

from .network import moments
from .technology import GeneralTechnology, QuadraticTechnology

__all__ = ["Model"]


class Model:
    """An n-sector KMNT (2024) economy.

    Parameters
    ----------
    mu : (n,) array
        Mean of the log TFP shocks ``eps ~ N(mu, Sigma)``.
    sigma : (n, n) array
        Their covariance.
    beta : (n,) array
        Consumption shares (positive, summing to one).
    rho : float
        Relative risk aversion.
    alpha_bar : (n,) array
        Caps ``sum_j alpha_ij <= alpha_bar_i`` of the technique sets ``A_i``.
    technology : QuadraticTechnology or GeneralTechnology
        The shifters ``a_i``.
    """

    def __init__(self, mu, sigma, beta, rho, alpha_bar, technology):
        self.mu = np.asarray(mu, dtype=float)
        self.sigma = np.asarray(sigma, dtype=float)
        self.beta = np.asarray(beta, dtype=float)
        self.rho = float(rho)
        self.alpha_bar = np.asarray(alpha_bar, dtype=float)
        self.technology = technology
        self.n = self.mu.size

    @classmethod
    def from_parameters(cls, params) -> "Model":
        """Quadratic shifters (eq. 2) from a :class:`~.params.KmntParameters`."""
        tech = QuadraticTechnology(params.hessians, params.ideal_shares)
        return cls(params.mu, params.sigma, params.beta, params.rho, params.alpha_bar, tech)

    @classmethod
    def with_shifters(cls, shifters, ideal, mu, sigma, beta, rho, alpha_bar) -> "Model":
        """Any smooth strictly concave shifters (objects with value/gradient/hessian)."""
        return cls(mu, sigma, beta, rho, alpha_bar, GeneralTechnology(shifters, ideal))

    @classmethod
    def from_expressions(cls, expressions, mu, sigma, beta, rho, alpha_bar, ideal=None) -> "Model":
        """Shifters given as sympy expressions in ``x1..xn`` (``x_j = alpha_ij``); sympy derives the
        gradients and Hessians (:func:`~.symbolic.differentiate`).

        ``ideal`` (the maximisers ``alpha_i°``, used as starting points) defaults to the maximiser of
        each ``a_i`` over ``A_i``, computed by the firms' own SQP at zero prices.
        """
        from equilibria.symbolic import differentiate

        n = len(expressions)
        variables = [f"x{j + 1}" for j in range(n)]
        shifters = [differentiate(e, variables) for e in expressions]
        alpha_bar = np.asarray(alpha_bar, dtype=float)
        if ideal is None:
            tech = GeneralTechnology(shifters, np.full((n, n), 0.5 / n) * alpha_bar[:, None])
            ideal = tech.best_response(np.zeros(n), alpha_bar).alpha
        return cls.with_shifters(shifters, ideal, mu, sigma, beta, rho, alpha_bar)

    @property
    def is_quadratic(self) -> bool:
        return isinstance(self.technology, QuadraticTechnology)

    def replace(self, **changes) -> "Model":
        """A copy with some of mu, sigma, beta, rho, alpha_bar, technology changed."""
        values = dict(mu=self.mu, sigma=self.sigma, beta=self.beta, rho=self.rho,
                      alpha_bar=self.alpha_bar, technology=self.technology)
        values.update(changes)
        return type(self)(**values)

    def fixed_network(self, alpha):
        """Lemma 1 and eqs. (9), (10), (13) at the network ``alpha``."""
        a = self.technology.log_productivity(alpha)
        return moments(alpha, a, self.mu, self.sigma, self.beta, self.rho)

    def welfare(self, alpha) -> float:
        """``W(alpha, mu, Sigma) = E[y] - (rho - 1) V[y] / 2``, eq. (13)."""
        return self.fixed_network(alpha).welfare
