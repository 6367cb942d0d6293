"""The planner over Domar weights: Lemma 3, eqs. (14)-(15), Corollary 2 and Lemma 4.

Inner problem, eq. (14): for Domar weights ``omega``,

    a_bar(omega) = max_{alpha in A} sum_i omega_i a_i(alpha_i)   s.t.  omega' = beta' L(alpha),

i.e. ``alpha' omega = omega - beta``. Its Lagrangian dual separates by sector: with multipliers
``lam`` on the n constraints, ``alpha_i(lam) = argmax_{A_i} a_i(alpha_i) - lam' alpha_i`` -- the firm's
problem (12) at prices ``lam`` -- and ``lam`` minimises the convex dual
``g(lam) = sum_i omega_i [a_i(alpha_i(lam)) - lam' alpha_i(lam)] + lam'(omega - beta)``.
For quadratic shifters at an interior solution this gives the slides' closed form
``lam = (sum_j omega_j H_j^{-1})^{-1} (omega - beta - sum_j omega_j alpha°_j)``,
``alpha_i = alpha°_i + H_i^{-1} lam`` (:func:`closed_form_inner`); otherwise Newton's method on the
dual with the firms' corner solutions (:func:`solve_inner`).

Envelope results used by the outer Newton method:

* ``grad a_bar(omega) = a(alpha) + (I - alpha) lam``;
* ``hess a_bar(omega) = (I - alpha) J^{-1} (I - alpha)'`` with ``J = sum_i omega_i d alpha_i / d lam``.

Outer problem, eq. (15) (Corollary 2): maximise
``f(omega) = omega' mu + a_bar(omega) - (rho - 1) omega' Sigma omega / 2`` over
``O = {omega >= beta, omega'(1 - alpha_bar) <= 1}``; strictly concave (Lemma 4), solved by Newton
steps whose quadratic subproblem over ``O`` is the active-set QP of :mod:`.qp`, with a backtracking
line search. At the optimum the multipliers ``lam`` equal the risk-adjusted prices ``R`` (Lemma 2).
"""
from __future__ import annotations

import time

import numpy as np

from equilibria import ConvergenceError, Planner, PlannerSolution
from equilibria.numerics.roots import solve_report

from .qp import maximize_quadratic
from .technology import Choice, QuadraticTechnology

__all__ = ["InnerSolution", "closed_form_inner", "solve_inner", "DomarPlanner", "planner_objective"]


class InnerSolution:
    """The solution of eq. (14) at ``omega``.

    Attributes
    ----------
    omega, alpha, multipliers (lam), choice (:class:`~.technology.Choice`),
    value (``a_bar(omega)``), jacobian (``J``), method ("closed form" or "dual newton"), iterations.
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def gradient(self, log_shifters) -> np.ndarray:
        """``grad a_bar = a(alpha) + (I - alpha) lam`` (envelope theorem)."""
        lam = self.multipliers
        return log_shifters + lam - self.alpha @ lam

    def hessian(self) -> np.ndarray:
        """``hess a_bar = (I - alpha) J^{-1} (I - alpha)'``."""
        n = self.alpha.shape[0]
        C = np.eye(n) - self.alpha
        X = _solve_negative(self.jacobian, C.T)
        out = C @ X
        return 0.5 * (out + out.T)


def _solve_negative(J, rhs):
    """Solve ``J x = rhs`` for a negative semi-definite ``J``, regularising a singular one."""
    try:
        np.linalg.cholesky(-J)
    except np.linalg.LinAlgError:
        J = J - 1e-10 * (1.0 + np.abs(J).max()) * np.eye(J.shape[0])
    return np.linalg.solve(J, rhs)


def closed_form_inner(technology: QuadraticTechnology, omega, beta):
    """The slides' closed form of eq. (14) for quadratic shifters (valid at interior solutions).

    Returns ``(alpha, lam, a_bar)`` with
    ``lam = (sum_j omega_j H_j^{-1})^{-1} (omega - beta - sum_j omega_j alpha°_j)``,
    ``alpha_i - alpha°_i = H_i^{-1} lam`` and
    ``a_bar = sum_i omega_i (alpha_i - alpha°_i)' H_i (alpha_i - alpha°_i) / 2``.
    Interior-ness (``alpha in int A``) is not checked here.
    """
    omega = np.asarray(omega, dtype=float)
    M = np.tensordot(omega, technology.inverse_hessians, axes=1)
    lam = np.linalg.solve(M, omega - beta - technology.ideal.T @ omega)
    alpha = technology.unconstrained_choice(lam)
    a_bar = float(omega @ technology.log_productivity(alpha))
    return alpha, lam, a_bar


def _interior(alpha, alpha_bar) -> bool:
    return bool(np.all(alpha > 0) and np.all(alpha.sum(axis=1) < alpha_bar))


def solve_inner(model, omega, start=None, *, tol=1e-12, maxiter=100) -> InnerSolution:
    """Solve eq. (14) at ``omega`` (closed form when it applies, else Newton on the dual).

    Parameters
    ----------
    start : (n,) array, optional
        Initial multipliers for the dual Newton method (a warm start).
    """
    tech = model.technology
    beta = model.beta
    omega = np.asarray(omega, dtype=float)
    n = model.n
    lam = None
    if isinstance(tech, QuadraticTechnology):
        alpha, lam, a_bar = closed_form_inner(tech, omega, beta)
        if _interior(alpha, model.alpha_bar):
            choice = Choice(alpha, np.zeros((n, n), bool), np.zeros(n, bool))
            J = np.tensordot(omega, tech.inverse_hessians, axes=1)
            return InnerSolution(omega=omega, alpha=alpha, multipliers=lam, choice=choice, value=a_bar,
                                 jacobian=J, method="closed form", iterations=0)
    if start is not None:
        lam = np.asarray(start, dtype=float).copy()
    elif lam is None:
        lam = np.zeros(n)
    target = omega - beta
    scale = 1.0 + np.abs(omega).max()
    # On the boundary omega_j = beta_j of O nobody may use good j: fix those inputs at zero and
    # drop their constraints (their multipliers are set afterwards, see _threshold_prices).
    unused = target <= 1e-14 * scale
    allowed = None if not unused.any() else ~unused
    keep = ~unused

    def dual(lam):
        choice = tech.best_response(lam, model.alpha_bar, allowed) if allowed is not None else \
            tech.best_response(lam, model.alpha_bar)
        a = tech.log_productivity(choice.alpha)
        value = float(omega @ (a - choice.alpha @ lam) + lam @ target)
        residual = choice.alpha.T @ omega - target  # = -grad g
        residual[unused] = 0.0
        return choice, a, value, residual

    choice, a, value, residual = dual(lam)

    def search(step):
        """Backtracking: Armijo on g, or a decrease of the residual (g's decrease can be below rounding)."""
        slope = -residual @ step
        t = 1.0
        norm = np.abs(residual).max()
        while t >= 1e-12:
            trial = dual(lam + t * step)
            if trial[2] <= value + 1e-4 * t * slope or np.abs(trial[3]).max() <= (1.0 - 1e-4 * t) * norm:
                return t, trial
            t *= 0.5
        return None, None

    for iteration in range(1, maxiter + 1):
        if np.abs(residual).max() <= tol * scale:
            break
        J = tech.response_jacobian(choice, omega)[np.ix_(keep, keep)]
        # Levenberg-Marquardt damping proportional to the residual: Newton near the solution,
        # bounded steps where J is (nearly) singular, e.g. when every budget binds.
        damping = min(1.0, float(np.abs(residual).max())) * (1e-3 + float(np.abs(J).max()))
        step = np.zeros(n)
        step[keep] = -_solve_negative(J - damping * np.eye(J.shape[0]), residual[keep])
        t, trial = search(step)
        if t is None:
            # J is singular when every budget binds (uniform price changes do nothing): take the
            # minimum-norm Newton step instead of the regularised one.
            step[keep] = -np.linalg.lstsq(J, residual[keep], rcond=1e-12)[0]
            t, trial = search(step)
        if t is None:
            if np.abs(residual).max() <= 1e-9 * scale:
                break  # the constraints hold to rounding; no more progress in floating point
            raise ConvergenceError("inner problem (14): line search failed, residual "
                                   f"{np.abs(residual).max():.3g}", history=[float(np.abs(residual).max())])
        lam = lam + t * step
        choice, a, value, residual = trial
    else:
        if np.abs(residual).max() > 1e-9 * scale:
            raise ConvergenceError(f"inner problem (14) did not converge: residual {np.abs(residual).max():.3g}",
                                   history=[float(np.abs(residual).max())])
    a_bar = float(omega @ a)
    if choice.budget_binds.all() or unused.any():
        lam, choice = _threshold_prices(tech, choice, lam, unused)
    J = tech.response_jacobian(choice, omega)
    return InnerSolution(omega=omega, alpha=choice.alpha, multipliers=lam, choice=choice, value=a_bar,
                         jacobian=J, method="dual newton", iterations=iteration)


def _threshold_prices(tech, choice, lam, unused):
    """One-sided multipliers on the boundary of O, and the matching active sets.

    * Every budget binds (``omega'(1 - alpha_bar) = 1``): a uniform shift ``c 1`` of the multipliers
      changes no firm's choice (its budget multiplier ``nu_i`` absorbs it), so the multipliers are
      determined up to ``c``. We take the largest shift that keeps every budget binding,
      ``c = min_i nu_i``; the firm attaining it is the first to leave its budget when omega moves
      into O, so it is treated as non-binding for the (one-sided) Hessian.
    * A good j nobody uses (``omega_j = beta_j``): firm i stays out of j as long as
      ``lam_j >= d a_i / d alpha_ij - nu_i``; we take the smallest such price,
      ``max_i (d a_i / d alpha_ij - nu_i)``, and treat the firm attaining it as free in j.
    """
    alpha = choice.alpha
    grads = tech.gradients(alpha)
    lam = lam.copy()
    n = alpha.shape[0]
    keep = ~unused

    def budget_multipliers():
        nu = np.zeros(n)
        for i in range(n):
            if budget[i]:
                free = ~at_zero[i] & keep
                nu[i] = float(np.mean(grads[i, free] - lam[free])) if free.any() else 0.0
        return nu

    at_zero = choice.at_zero.copy()
    budget = choice.budget_binds.copy()
    if budget.all():
        nu = budget_multipliers()
        i_star = int(np.argmin(nu))
        lam[keep] += nu[i_star]
        budget[i_star] = False
    if unused.any():
        nu = budget_multipliers()
        for j in np.flatnonzero(unused):
            entry = grads[:, j] - nu
            i_star = int(np.argmax(entry))
            lam[j] = float(entry[i_star])
            at_zero[i_star, j] = False
    return lam, Choice(alpha, at_zero, budget, choice.iterations)


def planner_objective(model, omega, inner=None):
    """``f(omega) = omega' mu + a_bar(omega) - (rho - 1) omega' Sigma omega / 2`` (eq. 15)."""
    inner = solve_inner(model, omega) if inner is None else inner
    return float(omega @ model.mu + inner.value - 0.5 * (model.rho - 1.0) * omega @ model.sigma @ omega)


class DomarPlanner(Planner):
    """Maximise eq. (15) over Domar weights by a projected Newton method.

    Parameters
    ----------
    model : Model
    tol : float
        Stop when the Newton step over ``O`` is below ``tol`` in max-norm.
    """

    def __init__(self, model, tol=1e-11, maxiter=100):
        self.model = model
        self.tol = tol
        self.maxiter = maxiter

    def starting_point(self) -> np.ndarray:
        """Domar weights of the ideal network ``alpha°`` (in ``O`` because ``alpha° in A``)."""
        from .network import domar_weights

        return domar_weights(self.model.technology.ideal, self.model.beta)

    def _evaluate(self, omega, start=None):
        inner = solve_inner(self.model, omega, start=start)
        a = self.model.technology.log_productivity(inner.alpha)
        value = planner_objective(self.model, omega, inner)
        return inner, a, value

    def solve(self, omega0=None) -> PlannerSolution:
        """Maximise eq. (15); ``omega0`` is an optional starting point in ``O`` (warm start)."""
        from equilibria.blas import single_threaded_blas

        with single_threaded_blas():
            return self._solve(omega0)

    def _solve(self, omega0=None) -> PlannerSolution:
        m = self.model
        t0 = time.perf_counter()
        omega = self.starting_point() if omega0 is None else np.asarray(omega0, dtype=float)
        slack_w = 1.0 - m.alpha_bar
        inner, a, value = self._evaluate(omega)
        history = []
        noise_steps = 0
        inner_iterations = inner.iterations
        damping = 0.0
        for iteration in range(1, self.maxiter + 1):
            grad = m.mu + inner.gradient(a) - (m.rho - 1.0) * m.sigma @ omega
            hess = inner.hessian() - (m.rho - 1.0) * m.sigma
            try:
                np.linalg.cholesky(-hess)
            except np.linalg.LinAlgError:
                raise ConvergenceError(
                    "planner: the Hessian of eq. (15) is not negative definite at the current Domar weights "
                    f"(rho = {m.rho:g} < 1 can break the strict concavity of Lemma 4)", history=history) from None
            # Newton step over O; a Levenberg-Marquardt damping of the Hessian is raised when a step
            # fails (the Hessian of a_bar jumps where a firm's active set changes) and relaxed after
            # full steps.
            model_hess = hess - damping * np.eye(m.n) if damping else hess
            qp = maximize_quadratic(model_hess, grad, m.beta - omega, slack_w, max(0.0, 1.0 - omega @ slack_w))
            step = qp.x
            size = float(np.abs(step).max())
            history.append(size)
            if size <= self.tol:
                break
            slope = float(grad @ step)
            gain = slope + 0.5 * float(step @ hess @ step)
            if gain <= 1e-13 * (1 + abs(value)):
                # The predicted gain is below the rounding of f, so a line search cannot judge the
                # step: take the full Newton step, and stop once the steps no longer shrink
                # (the noise floor of the gradient; the last step size is reported).
                noise_steps += 1
                if noise_steps > 5:
                    break
                omega = omega + step
                inner, a, value = self._evaluate(omega, start=inner.multipliers)
                inner_iterations += inner.iterations
                continue
            t = 1.0
            while True:
                trial_omega = omega + t * step
                trial = self._evaluate(trial_omega, start=inner.multipliers)
                inner_iterations += trial[0].iterations
                if trial[2] >= value + 1e-4 * t * slope:
                    break
                if t < 1e-3:
                    trial = None
                    break
                t *= 0.5
            scale_h = float(np.abs(hess).max())
            if trial is None:
                damping = max(10.0 * damping, 1e-6 * scale_h)
                if damping > 1e8 * scale_h:
                    raise ConvergenceError(f"planner: line search failed (step {size:.3g})", history=history)
                continue
            damping = 0.0 if t == 1.0 and damping < 1e-6 * scale_h else (damping / 10.0 if t == 1.0 else damping)
            omega = trial_omega
            inner, a, value = trial
        else:
            raise ConvergenceError(f"planner: no convergence in {self.maxiter} Newton steps", history=history)
        # The residual is the last Newton step over O (zero exactly at the optimum, Lemma 4); the
        # verdict comes from it, so a stop at the gradient's noise floor above tol is not "converged".
        stopped = "stopped at the gradient's noise floor; " if noise_steps > 5 else ""
        report = solve_report("projected newton over Domar weights (eq. 15)", residual_norm=history[-1],
                              tolerance=self.tol, iterations=iteration, evaluations=inner_iterations,
                              history=history, started=t0, message=f"{stopped}inner: {inner.method}")
        allocation = {
            "domar_weights": omega,
            "network": inner.alpha,
            "risk_adjusted_prices": inner.multipliers,
            "inner": inner,
        }
        return PlannerSolution(allocation=allocation, objective=value, report=report)
