"""The state-space solution of a linearized model and what follows from it.

``x̂(t) = P s(t) + Q e(t)``, ``s(t+1) = T s(t) + R e(t)``, with ``s(t) = x̂_states(t-1)``,
``T = P[states]`` and ``R = Q[states]``; ``e(t)`` independent innovations with standard
deviations ``shock_std``. Everything reported is in the model's units: 100 × log deviation
(percent) for variables declared ``log = true``, level deviation otherwise.
"""
from __future__ import annotations

from typing import Any, Mapping

import attrs
import numpy as np

from ..errors import ConvergenceError, ParameterError

__all__ = ["LinearSolution", "Moments"]


@attrs.frozen(kw_only=True)
class Moments:
    """Theoretical moments in report units.

    ``std`` and ``autocorrelation`` (lags 1..K) by variable; ``correlation`` as a nested dict;
    ``variance_decomposition`` {variable: {innovation: share}}; ``constant`` lists the variables
    without first-order variance, which have no autocorrelation, correlation or shares.
    """

    std: dict
    autocorrelation: dict
    correlation: dict
    variance_decomposition: dict
    constant: list = attrs.field(factory=list)
    covariance: np.ndarray = attrs.field(eq=False, repr=False, default=None)

    def to_dict(self) -> dict[str, Any]:
        return {"std": self.std, "autocorrelation": self.autocorrelation, "correlation": self.correlation,
                "variance_decomposition": self.variance_decomposition, "constant": self.constant}


@attrs.frozen(kw_only=True)
class LinearSolution:
    """First-order solution of a :class:`~equilibria.dynamics.model.Model` at given parameter values.

    Attributes
    ----------
    policy : ndarray (n, ns)
        ``P``: response of every variable at t to the states ``x̂_states(t-1)`` (model units).
    impact : ndarray (n, n_shocks)
        ``Q``: response at t to a unit innovation.
    eigenvalues : ndarray of complex
        Generalized eigenvalues by ascending modulus (``inf`` for infinite ones).
    steady_state : SteadyState
    parameters : dict
    shock_std : ndarray
    """

    model: Any = attrs.field(repr=False)
    parameters: dict
    steady_state: Any = attrs.field(repr=False)
    system: Any = attrs.field(repr=False)
    policy: np.ndarray = attrs.field(eq=False, repr=False)
    impact: np.ndarray = attrs.field(eq=False, repr=False)
    eigenvalues: np.ndarray = attrs.field(eq=False, repr=False)
    shock_std: np.ndarray = attrs.field(eq=False, repr=False)
    seconds: float = 0.0

    # ------------------------------------------------------------------ state space
    @property
    def variables(self) -> list[str]:
        return self.model.variables

    @property
    def units(self) -> np.ndarray:
        """Factor from model units to report units: 100 for log variables, 1 otherwise."""
        return np.where(self.model.log_variables, 100.0, 1.0)

    @property
    def transition(self) -> np.ndarray:
        """``T``: ``s(t+1) = T s(t) + R e(t)``."""
        return self.policy[self.model.state_index]

    @property
    def shock_loading(self) -> np.ndarray:
        """``R``: innovations' impact on the next states."""
        return self.impact[self.model.state_index]

    def state_space(self) -> dict[str, Any]:
        """Matrices and labels of the solution (model units)."""
        return {"states": [f"{v}(-1)" for v in self.model.state_variables], "variables": self.variables,
                "innovations": self.model.shocks, "policy": self.policy, "impact": self.impact,
                "transition": self.transition, "shock_loading": self.shock_loading}

    def eigenvalue_moduli(self, finite: bool = True) -> np.ndarray:
        """Moduli of the generalized eigenvalues, ascending (the infinite ones left out unless ``finite=False``)."""
        moduli = np.abs(self.eigenvalues)
        return moduli[np.isfinite(moduli)] if finite else moduli

    # ------------------------------------------------------------------ responses
    def _shock_index(self, shock: str) -> int:
        try:
            return self.model.shocks.index(shock)
        except ValueError:
            raise ParameterError(shock, f"is not an innovation of the model (known: {', '.join(self.model.shocks)})") \
                from None

    def irf_array(self, shock: str, size: float | None = None, periods: int = 40) -> np.ndarray:
        """``(periods, n)`` responses to one innovation of ``size`` (default: one standard deviation) at
        period 0, in report units."""
        j = self._shock_index(shock)
        size = float(self.shock_std[j] if size is None else size)
        return self.responses(self.impact[:, [j]] * size, periods)[:, :, 0]

    def responses(self, impact: np.ndarray, periods: int = 40) -> np.ndarray:
        """``(periods, n, k)`` paths from impact vectors (columns of ``impact``, model units) at period 0,
        in report units; the innovations' impacts are ``impact @ Q``-shaped columns."""
        periods = int(periods)
        if periods < 1:
            raise ParameterError("periods", "must be at least 1", periods)
        P, states = self.policy, self.model.state_index
        impact = np.asarray(impact, dtype=float)
        out = np.empty((periods, self.model.n, impact.shape[1]))
        x = impact
        out[0] = x
        for t in range(1, periods):
            x = P @ x[states]
            out[t] = x
        return out * self.units[None, :, None]

    def irf(self, shock: str, size: float | None = None, periods: int = 40) -> dict[str, np.ndarray]:
        """Responses ``{variable: array}`` to one innovation (period 0 = impact), report units."""
        paths = self.irf_array(shock, size, periods)
        return {v: paths[:, i] for i, v in enumerate(self.variables)}

    def irfs(self, periods: int = 40, sizes: Mapping[str, float] | None = None) -> dict[str, dict[str, np.ndarray]]:
        """``{innovation: {variable: array}}`` for every innovation (one standard deviation unless ``sizes``)."""
        sizes = sizes or {}
        for key in sizes:
            self._shock_index(key)
        scale = np.array([sizes.get(e, s) for e, s in zip(self.model.shocks, self.shock_std)], dtype=float)
        paths = self.responses(self.impact * scale, periods)
        return {e: {v: paths[:, i, j] for i, v in enumerate(self.variables)} for j, e in enumerate(self.model.shocks)}

    # ------------------------------------------------------------------ simulation
    def simulate(self, periods: int, seed: int | None = None, burn: int = 0,
                 innovations: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """A simulated path ``{variable: array}`` of deviations from the steady state (report units),
        starting at the steady state ``burn`` periods before the first returned one."""
        periods, burn = int(periods), int(burn)
        if periods < 1:
            raise ParameterError("periods", "must be at least 1", periods)
        if innovations is None:
            rng = np.random.default_rng(seed)
            innovations = rng.standard_normal((periods + burn, self.model.n_shocks)) * self.shock_std
        else:
            innovations = np.asarray(innovations, dtype=float)
            burn = innovations.shape[0] - periods
        from ..blas import single_threaded_blas

        with single_threaded_blas():
            paths = self._simulate(innovations)[burn:]
        return {v: paths[:, i] * self.units[i] for i, v in enumerate(self.variables)}

    def _simulate(self, innovations) -> np.ndarray:
        """Deviations (model units) driven by the rows of ``innovations``.

        The states follow ``s(t+1) = T s(t) + R e(t)`` from ``s(0) = 0``. When ``T`` has a
        well-conditioned eigenbasis the recursion runs as scalar first-order filters in that basis
        (``scipy.signal.lfilter``, compiled loops); otherwise period by period.
        """
        length = innovations.shape[0]
        T, R = self.transition, self.shock_loading
        ns = T.shape[0]
        pushes = innovations @ R.T
        states = None
        if ns:
            roots, basis = np.linalg.eig(T)
            if np.linalg.cond(basis) < 1e6:
                from scipy.signal import lfilter

                inverse = np.linalg.inv(basis)
                coordinates = pushes @ inverse.T
                filtered = np.empty((length, ns), dtype=complex)
                for j in range(ns):
                    filtered[:, j] = lfilter([0.0, 1.0], [1.0, -roots[j]], coordinates[:, j])
                states = (filtered @ basis.T).real
        if states is None:
            states = np.zeros((length, ns))
            s = np.zeros(ns)
            for t in range(length):
                states[t] = s
                s = T @ s + pushes[t]
        return states @ self.policy.T + innovations @ self.impact.T

    # ------------------------------------------------------------------ moments
    def state_covariance(self, shock_variance=None) -> np.ndarray:
        """Stationary covariance of ``s(t)`` by the discrete Lyapunov equation ``Σ = T Σ T' + R Ω R'``."""
        from scipy.linalg import solve_discrete_lyapunov

        T, R = self.transition, self.shock_loading
        omega = np.diag(self.shock_std ** 2) if shock_variance is None else shock_variance
        if T.size == 0:
            return np.zeros((0, 0))
        radius = float(np.max(np.abs(np.linalg.eigvals(T))))
        if radius >= 1.0 - 1e-12:
            raise ConvergenceError(f"no stationary distribution: the transition has an eigenvalue of modulus "
                                   f"{radius:.6g} >= 1")
        sigma = solve_discrete_lyapunov(T, R @ omega @ R.T)
        return 0.5 * (sigma + sigma.T)

    def covariance(self, lag: int = 0, shock_variance=None) -> np.ndarray:
        """``Cov(x̂(t), x̂(t-lag))`` in model units."""
        omega = np.diag(self.shock_std ** 2) if shock_variance is None else shock_variance
        S = self.state_covariance(omega)
        P, Q = self.policy, self.impact
        gamma0 = P @ S @ P.T + Q @ omega @ Q.T
        if lag == 0:
            return gamma0
        T = self.transition
        # x̂(t+j) = P T^(j-1) s(t+1) + (terms independent of x̂(t)), s(t+1) = x̂_states(t)
        M = np.linalg.matrix_power(T, lag - 1) if T.size else T
        return P @ M @ gamma0[self.model.state_index]

    def autocovariances(self, lags: int) -> list[np.ndarray]:
        """``[Cov(x̂(t), x̂(t-j)) for j in 0..lags]`` in model units."""
        gamma0 = self.covariance(0)
        out = [gamma0]
        if lags < 1:
            return out
        T, P = self.transition, self.policy
        lagged = gamma0[self.model.state_index]  # Cov(s(t+1), x̂(t))
        for _ in range(lags):
            out.append(P @ lagged)
            lagged = T @ lagged
        return out

    def moments(self, lags: int = 5) -> Moments:
        """Standard deviations, autocorrelations (lags 1..``lags``), correlations, variance decomposition."""
        covs = self.autocovariances(lags)
        units = self.units
        variance = np.diag(covs[0])
        std = np.sqrt(np.maximum(variance, 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            auto = np.array([np.diag(c) / variance for c in covs[1:]]).reshape(lags, -1)
            corr = covs[0] / np.outer(std, std)
        names = self.variables
        # a variable without first-order variance (up to rounding) has no autocorrelation, correlation
        # or variance shares: it is listed in ``constant`` and left out of those
        scale = float(np.max(variance)) if variance.size else 0.0
        varying = [i for i in range(len(names)) if variance[i] > 1e-20 * scale and variance[i] > 0.0]
        decomposition = self.variance_decomposition()
        return Moments(
            std={v: float(std[i] * units[i]) for i, v in enumerate(names)},
            autocorrelation={names[i]: auto[:, i].tolist() for i in varying},
            correlation={names[i]: {names[k]: float(corr[i, k]) for k in varying} for i in varying},
            variance_decomposition={names[i]: decomposition[names[i]] for i in varying},
            constant=[v for i, v in enumerate(names) if i not in varying],
            covariance=covs[0] * np.outer(units, units),
        )

    def variance_decomposition(self) -> dict[str, dict[str, float]]:
        """Share of each innovation in the unconditional variance of each variable."""
        parts = []
        for j in range(self.model.n_shocks):
            omega = np.zeros((self.model.n_shocks, self.model.n_shocks))
            omega[j, j] = self.shock_std[j] ** 2
            parts.append(np.diag(self.covariance(0, omega)))
        parts = np.array(parts).reshape(self.model.n_shocks, self.model.n)
        total = parts.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.where(total > 0, parts / np.where(total > 0, total, 1.0), np.nan)
        return {v: {e: float(shares[j, i]) for j, e in enumerate(self.model.shocks)}
                for i, v in enumerate(self.variables)}
