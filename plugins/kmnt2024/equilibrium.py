"""The decentralized equilibrium (Definition 1, Lemma 2) as a core :class:`~equilibria.Economy`.

Unknowns: the risk-adjusted prices ``R = E[p] + Cov[p, lambda]`` (one price block of n entries).

* Agent: :class:`SectorFirms`, the representative firms of all sectors. At prices ``R`` firm i
  solves eq. (12), ``max_{alpha_i in A_i} a_i(alpha_i) - R' alpha_i``; the response is one
  :class:`~.technology.Choice` (the network ``alpha`` and the binding constraints).
* Market: :class:`RiskAdjustedPricing` -- risk-adjusted unit-cost pricing. Taking expectations
  and covariances with ``lambda = -(rho - 1) y`` of the pricing condition (8),
  ``p = alpha p - eps - a`` (Lemma 1), gives for the network the firms chose
  ``R = alpha R - mu - a(alpha) + (rho - 1) Sigma omega(alpha)``, ``omega = L(alpha)' beta``.
  Its residual ``G(R) = (I - alpha) R + mu + a - (rho - 1) Sigma omega`` is zero exactly when
  ``R = -L (mu + a) + (rho - 1) L Sigma L' beta = E[p] + Cov[p, lambda]`` (Lemma 2).

Nothing here calls the planner. Besides the core's SciPy root finders the economy offers
``method="newton"``, Newton's method with the exact Jacobian
``dG/dR = (I - alpha) - (rho - 1) Sigma L' J``, ``J = sum_i omega_i d alpha_i / d R`` (the terms in
``d alpha`` cancel by the firms' first-order conditions), with a backtracking line search on ``|G|``.
"""
from __future__ import annotations

import numpy as np

from equilibria import Agent, Economy, Equilibrium, Market

from .network import domar_weights, moments
from .technology import Choice

__all__ = ["SectorFirms", "RiskAdjustedPricing", "NetworkEconomy", "PRICE", "FIRMS"]

PRICE = "risk_adjusted_prices"


FIRMS = "firms"


class SectorFirms(Agent):
    """The representative firms of all sectors: technique choice (12) at risk-adjusted prices.

    Each firm solves its own problem (:meth:`best_response_sector`); the response gathers them
    in one :class:`~.technology.Choice`.
    """

    name = FIRMS

    def __init__(self, model):
        self.model = model

    def reset(self) -> None:
        """Forget the corner QPs' warm starts (``NetworkEconomy.solve(fresh=True)``)."""
        self.model.technology.forget_warm_starts()

    def respond(self, prices) -> Choice:
        R = prices[PRICE]
        m = self.model
        solutions = [m.technology.best_response_sector(i, R, m.alpha_bar[i]) for i in range(m.n)]
        return Choice(np.array([s.x for s in solutions]), np.array([s.at_lower for s in solutions]),
                      np.array([s.budget_binds for s in solutions]), sum(s.iterations for s in solutions))


class RiskAdjustedPricing(Market):
    """Risk-adjusted unit-cost pricing: ``G(R) = (I - alpha) R + mu + a(alpha) - (rho - 1) Sigma omega``."""

    name = "risk-adjusted unit-cost pricing"
    price = PRICE

    def __init__(self, model):
        self.model = model

    def network(self, responses) -> np.ndarray:
        return responses[FIRMS].alpha

    def excess_demand(self, responses, prices):
        m = self.model
        alpha = self.network(responses)
        R = prices[PRICE]
        omega = domar_weights(alpha, m.beta)
        a = m.technology.log_productivity(alpha)
        return R - alpha @ R + m.mu + a - (m.rho - 1.0) * m.sigma @ omega


class NetworkEconomy(Economy):
    """Firms choosing techniques, cleared by risk-adjusted pricing (no numeraire: the wage is 1)."""

    def __init__(self, model, guess=None):
        self.model = model
        self.pricing = RiskAdjustedPricing(model)
        if guess is None:
            guess = self.ideal_network_prices()
        super().__init__([SectorFirms(model)], [self.pricing], {PRICE: guess})

    def ideal_network_prices(self) -> np.ndarray:
        """``R`` of the ideal network ``alpha°`` (Lemma 2 at a fixed network): the starting guess."""
        m = self.model
        alpha = m.technology.ideal
        return moments(alpha, m.technology.log_productivity(alpha), m.mu, m.sigma, m.beta, m.rho).risk_adjusted_prices

    def aggregates(self, responses, prices):
        m = self.model
        alpha = self.pricing.network(responses)
        fm = m.fixed_network(alpha)
        return {"network": alpha, "domar_weights": fm.domar_weights, "moments": fm}

    def jacobian(self, prices, responses) -> np.ndarray:
        """``dG/dR = (I - alpha) - (rho - 1) Sigma L' J``."""
        m = self.model
        choice = responses[FIRMS]
        alpha = choice.alpha
        omega = domar_weights(alpha, m.beta)
        J = m.technology.response_jacobian(choice, omega)
        LtJ = np.linalg.solve((np.eye(m.n) - alpha).T, J)
        return np.eye(m.n) - alpha - (m.rho - 1.0) * m.sigma @ LtJ

    def solve(self, method="newton", tol=1e-11, maxiter=None, guess=None, **kw) -> Equilibrium:
        """``method="newton"`` (the core's Newton with the exact Jacobian above, default) or any other
        method of :meth:`Economy.solve`; BLAS runs single-threaded for the many small products."""
        from equilibria.blas import single_threaded_blas

        with single_threaded_blas():
            return super().solve(method=method, tol=tol, maxiter=maxiter, guess=guess, **kw)
