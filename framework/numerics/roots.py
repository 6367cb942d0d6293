"""One root finder for the whole project: :func:`find_root`, its :class:`RootResult` and helpers.

Every solve of ``f(x) = 0`` in the core and in the plugins goes through :func:`find_root`, so every
one of them

* accepts the same methods (:data:`ROOT_METHODS`, or ``"auto"`` chosen by :func:`choose_method`);
* decides convergence the same way: the max-norm of the residual *at the returned point* against
  ``tol``, never the underlying library's success flag;
* reports the same way: a :class:`~equilibria.equilibrium.SolveReport` built by
  :func:`solve_report`, whose message never contradicts its verdict;
* fails the same way: :class:`~equilibria.errors.ConvergenceError` naming what was being solved,
  the method, the residual reached and the residual history.
"""
from __future__ import annotations

import time
import warnings
from typing import Any, Callable, Mapping

import attrs
import numpy as np

from ..equilibrium import SolveReport, honest_message
from ..errors import ConvergenceError, ParameterError

__all__ = ["ROOT_METHODS", "SCIPY_ROOT_METHODS", "RootResult", "choose_method", "find_root",
           "finite_difference_jacobian", "honest_message", "solve_report"]

#: The methods of :func:`scipy.optimize.root` that :func:`find_root` hands over to SciPy.
SCIPY_ROOT_METHODS = ("hybr", "lm", "broyden1", "broyden2", "anderson", "krylov", "df-sane")

#: Every method :func:`find_root` accepts besides ``"auto"``: SciPy's, ``"brentq"`` (one unknown in a
#: bracket), ``"newton"`` (Newton's method with a backtracking line search) and ``"newton-broyden"``
#: (one Jacobian, then Broyden's rank-one updates: for residuals that are expensive and a little noisy).
ROOT_METHODS = SCIPY_ROOT_METHODS + ("brentq", "newton", "newton-broyden")

#: Default cap on Newton iterations and on Brent's method's iterations.
NEWTON_MAXITER = 100
BRENTQ_MAXITER = 200

#: Options of ``"newton-broyden"``: the finite-difference ``step`` of its Jacobians (default
#: sqrt(eps) max(1, |x_j|)), the largest change of any unknown in one step ``max_step`` (default
#: none) and how often a step that does not lower the residual is halved, ``halvings`` (default 3).
NEWTON_BROYDEN_OPTIONS = ("step", "max_step", "halvings")

_EPS = float(np.finfo(float).eps)


@attrs.frozen(kw_only=True)
class RootResult:
    """What :func:`find_root` returns.

    Attributes
    ----------
    x : float or numpy.ndarray
        The returned point: a float when ``x0`` was a scalar, a 1-D array otherwise.
    residual : numpy.ndarray
        ``f(x)`` as a 1-D array.
    report : SolveReport
        Method, verdict (``converged``), iterations, evaluations, residual max-norm, tolerance,
        seconds, residual history and an honest message.
    """

    x: Any = attrs.field(eq=False)
    residual: np.ndarray = attrs.field(eq=False)
    report: SolveReport

    @property
    def converged(self) -> bool:
        """Whether the residual max-norm at :attr:`x` met the tolerance."""
        return self.report.converged


def choose_method(n: int, bracket=None) -> str:
    """The method ``method="auto"`` picks: ``"brentq"`` for one unknown with a bracket, else ``"hybr"``."""
    return "brentq" if int(n) == 1 and bracket is not None else "hybr"


def _max_norm(values: np.ndarray) -> float:
    return float(np.max(np.abs(values))) if values.size else 0.0


def solve_report(method: str, *, residual_norm: float, tolerance: float, iterations: int | None = None,
                 evaluations: int | None = None, history=(), seconds: float | None = None,
                 started: float | None = None, message: str = "") -> SolveReport:
    """A :class:`~equilibria.equilibrium.SolveReport` whose verdict comes from the residual.

    ``converged`` is ``residual_norm <= tolerance`` (and finite); the message goes through
    :func:`honest_message` (on one line), so a stalled solver's message never sits unexplained
    beside ``converged=True`` and a failed solve's message never claims success.

    Parameters
    ----------
    method : str
        Name of the method (free text for solvers outside :func:`find_root`, e.g. ``"QZ"``).
    residual_norm, tolerance : float
        Max-norm of the residual at the answer, and the tolerance it is held to.
    iterations, evaluations : int, optional
        ``evaluations`` defaults to ``len(history)`` (else ``iterations``), ``iterations`` to
        ``evaluations``.
    history : sequence of float
        Residual max-norm at every evaluation.
    seconds : float, optional
        Wall-clock time; or give ``started`` (a :func:`time.perf_counter` reading) instead.
    message : str
        The solver's own message.
    """
    norm = float(residual_norm)
    tol = float(tolerance)
    converged = bool(np.isfinite(norm) and norm <= tol)
    history = tuple(float(h) for h in history)
    evaluations = int(evaluations if evaluations is not None else (len(history) or iterations or 0))
    iterations = int(iterations if iterations is not None else evaluations)
    if seconds is None:
        seconds = time.perf_counter() - started if started is not None else 0.0
    return SolveReport(method=str(method), converged=converged, iterations=iterations, evaluations=evaluations,
                       residual_norm=norm, tolerance=tol, seconds=float(seconds), history=history,
                       message=honest_message(converged, norm, tol, " ".join(str(message).split())))


def finite_difference_jacobian(f: Callable[[np.ndarray], Any], x, *, step=None, central: bool = True,
                               f0=None) -> np.ndarray:
    """The Jacobian ``J[i, j] = d f_i / d x_j`` by finite differences.

    Step rule: coordinate ``j`` moves by ``h_j = s · max(1, |x_j|)`` with ``s = ε^(1/3) ≈ 6.1e-6``
    for central differences (error ``O(h²)``) and ``s = ε^(1/2) ≈ 1.5e-8`` for forward differences
    (error ``O(h)``), ``ε`` the double-precision machine epsilon; ``h_j`` is then rounded so that
    ``x_j + h_j`` is exactly representable. ``step`` (a scalar or one entry per coordinate) replaces
    ``h_j`` with an absolute step.

    Parameters
    ----------
    f : callable
        Maps a 1-D array of length ``n`` to ``m`` residuals.
    x : array_like
        Point of evaluation.
    central : bool
        Central differences (``2n`` evaluations) or forward differences (``n``, plus one for
        ``f(x)`` unless ``f0`` is given).
    f0 : array_like, optional
        ``f(x)``, reused by forward differences.
    """
    x = np.atleast_1d(np.asarray(x, dtype=float)).ravel()
    if step is None:
        scale = _EPS ** (1.0 / 3.0) if central else _EPS ** 0.5
        h = scale * np.maximum(1.0, np.abs(x))
    else:
        h = np.broadcast_to(np.asarray(step, dtype=float), x.shape).copy()
        if not np.all(h > 0):
            raise ParameterError("step", "must be positive", step)
    h = (x + h) - x
    value = lambda point: np.atleast_1d(np.asarray(f(point), dtype=float)).ravel()  # noqa: E731
    if not central:
        f0 = value(x) if f0 is None else np.atleast_1d(np.asarray(f0, dtype=float)).ravel()
    columns = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h[j]
        if central:
            columns.append((value(x + e) - value(x - e)) / (2.0 * h[j]))
        else:
            columns.append((value(x + e) - f0) / h[j])
    return np.column_stack(columns) if columns else np.zeros((0, 0))


class _Counted:
    """``f`` on 1-D arrays with the residual history and the best point kept.

    During a solve every evaluated point is remembered, so a method asking twice for one point
    (Brent's method for the ends of its bracket) does not call ``f`` again. The residual at the
    returned point is taken with ``final=True``: fresh unless that point was the last one evaluated,
    so that it describes the state ``f`` leaves behind (an economy's responses at the answer, even
    when agents warm-start from their previous call).
    """

    def __init__(self, f, scalar: bool):
        self.f, self.scalar = f, scalar
        self.history: list[float] = []
        self.seen: dict[bytes, np.ndarray] = {}
        self.last_key: bytes | None = None
        self.best: tuple[float, np.ndarray] | None = None
        self.raised: BaseException | None = None

    def __call__(self, x, final: bool = False) -> np.ndarray:
        x = np.atleast_1d(np.asarray(x, dtype=float)).ravel()
        key = x.tobytes()
        if key in self.seen and (not final or key == self.last_key):
            return self.seen[key]
        try:
            value = self.f(float(x[0]) if self.scalar else x.copy())
        except BaseException as exc:   # re-raised as it is, not taken for a failure of the method
            self.raised = exc
            raise
        value = np.atleast_1d(np.asarray(value, dtype=float)).ravel()
        norm = _max_norm(value)
        self.history.append(norm)
        self.seen[key] = value
        self.last_key = key
        if np.isfinite(norm) and (self.best is None or norm < self.best[0]):
            self.best = (norm, x.copy())
        return value


def find_root(f: Callable[[Any], Any], x0, *, method: str = "auto", tol: float = 1e-10,
              maxiter: int | None = None, bracket: tuple[float, float] | None = None,
              jacobian: Callable[[Any], Any] | None = None, options: Mapping[str, Any] | None = None,
              what: str = "equation", raise_on_failure: bool = True) -> RootResult:
    """Solve ``f(x) = 0``.

    Parameters
    ----------
    f : callable
        Maps a 1-D array (a float when ``x0`` is a scalar) to the residuals (same length as ``x``,
        except for ``"lm"``, which accepts more residuals than unknowns).
    x0 : float or array_like
        Starting point (ignored by ``"brentq"`` except for telling a scalar from an array).
    method : str
        ``"auto"`` (:func:`choose_method`: ``"brentq"`` for one unknown with a bracket, else
        ``"hybr"``) or one of :data:`ROOT_METHODS`.
    tol : float
        Required max-norm of the residual at the returned point. This alone decides convergence.
    maxiter : int, optional
        Cap on iterations: residual evaluations (``maxfev``) for ``"hybr"`` and ``"df-sane"``,
        iterations otherwise; ``"newton"`` defaults to 100 and ``"brentq"`` to 200.
    bracket : (float, float), optional
        ``"brentq"``'s interval; ``f`` must change sign over it.
    jacobian : callable, optional
        ``jacobian(x)`` returns ``d f / d x`` (shape ``(m, n)``); used by ``"newton"`` (which
        otherwise takes :func:`finite_difference_jacobian`) and passed to SciPy by ``"hybr"`` and
        ``"lm"``. Other methods do not use derivatives.
    options : mapping, optional
        Extra options for :func:`scipy.optimize.root` (SciPy methods) or ``xtol``/``rtol`` for
        :func:`scipy.optimize.brentq`.
    what : str
        What is being solved, for error messages (``"market clearing"``, ``"the cutoff (eq. 12)"``).
    raise_on_failure : bool
        Raise :class:`~equilibria.errors.ConvergenceError` when the tolerance is not met (default),
        or return the result with ``report.converged`` false.

    Returns
    -------
    RootResult

    Raises
    ------
    ParameterError
        For an unknown method, a non-positive ``tol``, ``"brentq"`` without a bracket or with more
        than one unknown, or a ``jacobian`` given to a method that does not use one.
    ConvergenceError
        If the residual max-norm at the returned point exceeds ``tol`` (and ``raise_on_failure``);
        ``error.history`` holds the residual history and ``error.result`` the :class:`RootResult`.
    """
    scalar = np.ndim(x0) == 0
    x0 = np.atleast_1d(np.asarray(x0, dtype=float)).ravel()
    n = x0.size
    if method == "auto":
        method = choose_method(n, bracket)
    if method not in ROOT_METHODS:
        raise ParameterError("method", f"must be 'auto' or one of {', '.join(ROOT_METHODS)}", method)
    if not tol > 0:
        raise ParameterError("tol", "must be positive", tol)
    if maxiter is not None and not int(maxiter) >= 1:
        raise ParameterError("maxiter", "must be a positive integer", maxiter)
    if jacobian is not None and method not in ("newton", "newton-broyden", "hybr", "lm"):
        raise ParameterError("jacobian", f"{method} does not use a Jacobian; use newton, newton-broyden, hybr or lm",
                             method)
    if method == "brentq":
        if n != 1:
            raise ParameterError("method", "brentq needs exactly one unknown", n)
        if bracket is None:
            raise ParameterError("bracket", "brentq needs a bracket (low, high)")
    if method == "newton" and options:
        raise ParameterError("options", "newton takes no options", dict(options))
    if method == "newton-broyden":
        unknown = sorted(set(options or {}) - set(NEWTON_BROYDEN_OPTIONS))
        if unknown:
            raise ParameterError("options", f"newton-broyden takes {', '.join(NEWTON_BROYDEN_OPTIONS)}", unknown)

    g = _Counted(f, scalar)
    start = time.perf_counter()
    iterations, message = None, "nothing to solve"
    if n == 0:
        x = x0
    elif method == "brentq":
        x, iterations, message = _brentq(g, bracket, maxiter, options)
    elif method == "newton":
        x, iterations, message = _newton(g, x0, tol, maxiter, jacobian, scalar)
    elif method == "newton-broyden":
        x, iterations, message = _newton_broyden(g, x0, tol, maxiter, jacobian, scalar, **dict(options or {}))
    else:
        x, iterations, message = _scipy_root(g, x0, method, tol, maxiter, jacobian, options, scalar)
    residual = g(x, final=True)
    norm = _max_norm(residual)
    report = solve_report(method, residual_norm=norm, tolerance=tol, iterations=iterations,
                          evaluations=len(g.history), history=g.history, started=start, message=message)
    result = RootResult(x=float(x[0]) if scalar else np.array(x, dtype=float), residual=residual, report=report)
    if not report.converged and raise_on_failure:
        error = ConvergenceError(f"{what}: {method} did not converge to tol {tol:g}, residual max-norm "
                                 f"{norm:.3g} ({report.message})", history=g.history)
        error.result = result
        raise error
    return result


def _scipy_root(g, x0, method, tol, maxiter, jacobian, options, scalar):
    """:func:`scipy.optimize.root` with the project's defaults (``xtol=1e-13``; ``fatol=tol``)."""
    from scipy import optimize
    from scipy.linalg import LinAlgWarning

    opts = dict(options or {})
    if maxiter is not None:
        opts.setdefault({"hybr": "maxfev", "df-sane": "maxfev"}.get(method, "maxiter"), int(maxiter))
    if method in ("hybr", "lm"):
        opts.setdefault("xtol", 1e-13)
    else:
        opts.setdefault("fatol", tol)
    if method == "df-sane":
        opts.setdefault("ftol", 0.0)   # only the absolute criterion: SciPy's relative one ignores tol
    jac = None
    if jacobian is not None:
        jac = lambda x: np.atleast_2d(np.asarray(jacobian(float(x[0]) if scalar else x), dtype=float))  # noqa: E731
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # ill-conditioned updates near the root are SciPy's business: the residual decides
        warnings.simplefilter("ignore", LinAlgWarning)
        try:
            sol = optimize.root(g, x0, method=method, jac=jac, options=opts)
        except (ValueError, FloatingPointError, ArithmeticError, np.linalg.LinAlgError) as exc:
            if exc is g.raised:
                raise
            x = g.best[1] if g.best is not None else x0
            return x, 0, f"{method} stopped with an error: {exc}"
    # SciPy's iteration count where it keeps one; else (hybr, lm) the report counts evaluations,
    # not SciPy's nfev, which includes the calls answered from memory
    nit = getattr(sol, "nit", None)
    iterations = int(nit) if nit else None      # hybr and lm keep none: the evaluations count instead
    return np.atleast_1d(sol.x), iterations, str(sol.message)


def _newton(g, x0, tol, maxiter, jacobian, scalar):
    """Newton's method with a backtracking (Armijo) line search on the residual max-norm."""
    x = np.array(x0, dtype=float)
    residual = g(x)
    norm = _max_norm(residual)
    iterations, limit = 0, NEWTON_MAXITER if maxiter is None else int(maxiter)
    while norm > tol and iterations < limit:
        iterations += 1
        if jacobian is not None:
            J = np.atleast_2d(np.asarray(jacobian(float(x[0]) if scalar else x.copy()), dtype=float))
        else:
            J = finite_difference_jacobian(g, x)
        try:
            step = np.linalg.solve(J, -residual)
        except np.linalg.LinAlgError as exc:
            return x, iterations, f"singular Jacobian ({exc})"
        size = 1.0
        while True:
            trial = g(x + size * step)
            trial_norm = _max_norm(trial)
            if trial_norm <= (1.0 - 1e-4 * size) * norm or size < 1e-8:
                break
            size *= 0.5
        if not trial_norm < norm:
            return x, iterations, "line search made no progress"
        x, residual, norm = x + size * step, trial, trial_norm
    return x, iterations, "converged" if norm <= tol else "iteration limit reached"


def _newton_broyden(g, x0, tol, maxiter, jacobian, scalar, step=None, max_step=None, halvings=3):
    """Newton's method with one Jacobian and Broyden's ("good") rank-one updates after each step.

    The Jacobian is ``jacobian(x)`` or one-sided finite differences (``step``); it is computed
    at the start and again wherever a step, halved up to ``halvings`` times, fails to lower the
    residual max-norm; a fresh Jacobian whose step fails ends the search. No unknown moves by more
    than ``max_step`` in one step. A trial point where ``f`` raises
    :class:`~equilibria.errors.ConvergenceError` (a response that cannot be computed there) counts
    as no improvement. ``maxiter`` caps the residual evaluations (default 100).
    """
    limit = NEWTON_MAXITER if maxiter is None else int(maxiter)

    def trial(x):
        try:
            return g(x)
        except ConvergenceError as exc:
            if exc is not g.raised:
                raise
            g.raised = None
            g.history.append(float("inf"))
            return np.full(x.size, np.inf)

    def fresh_jacobian(x, f):
        if jacobian is not None:
            return np.atleast_2d(np.asarray(jacobian(float(x[0]) if scalar else x.copy()), dtype=float))
        if step is None:
            return finite_difference_jacobian(g, x, central=False, f0=f)
        columns = []
        for i in range(x.size):
            shifted = x.copy()
            shifted[i] += step
            columns.append((g(shifted) - f) / step)
        return np.column_stack(columns)

    x = np.array(x0, dtype=float)
    f = g(x)
    norm = _max_norm(f)
    J, fresh, jacobians, iterations = None, False, 0, 0
    while norm > tol and len(g.history) < limit:
        if J is None:
            J, fresh, jacobians = fresh_jacobian(x, f), True, jacobians + 1
        try:
            dx = -np.linalg.solve(J, f)
        except np.linalg.LinAlgError as exc:
            return x, iterations, f"singular Jacobian ({exc}) after {jacobians} Jacobian(s)"
        if max_step is not None and np.max(np.abs(dx)) > max_step:
            dx = dx * (max_step / np.max(np.abs(dx)))
        for _ in range(int(halvings) + 1):
            value = trial(x + dx)
            value_norm = _max_norm(value) if np.all(np.isfinite(value)) else float("inf")
            if value_norm < norm:
                break
            dx = dx / 2
        if value_norm < norm:
            iterations += 1
            J = J + np.outer(value - f - J @ dx, dx) / (dx @ dx)
            x, f, norm, fresh = x + dx, value, value_norm, False
        elif fresh:
            return x, iterations, (f"no step lowers the residual, even with a fresh Jacobian "
                                   f"({jacobians} Jacobian(s)); the residual may be noisy at this scale")
        else:
            J = None
    if norm <= tol:
        return x, iterations, f"{jacobians} Jacobian(s), Broyden updates"
    return x, iterations, f"evaluation limit {limit} reached ({jacobians} Jacobian(s))"


def _brentq(g, bracket, maxiter, options):
    """Brent's method on ``[low, high]``; a bracket without a sign change is a failure."""
    from scipy import optimize

    low, high = (float(b) for b in bracket)
    f = lambda s: float(g(np.array([s]))[0])  # noqa: E731
    f_low, f_high = f(low), f(high)
    if not (np.isfinite(f_low) and np.isfinite(f_high)):
        x = low if np.isfinite(f_low) else high
        return np.array([x]), 0, f"the residual is not finite at an end of the bracket ({f_low:.3g}, {f_high:.3g})"
    if not np.sign(f_low) * np.sign(f_high) <= 0:
        x = low if abs(f_low) <= abs(f_high) else high
        return (np.array([x]), 0, f"the residual has the same sign at both ends of the bracket "
                                  f"({low:.6g}, {high:.6g}): ({f_low:.3g}, {f_high:.3g})")
    opts = {"xtol": 1e-14, "rtol": 4 * _EPS, **dict(options or {})}
    # SciPy evaluates the ends again: the remembered values are returned, f is not called twice
    root, info = optimize.brentq(f, low, high, maxiter=maxiter or BRENTQ_MAXITER, full_output=True, disp=False,
                                 **opts)
    return np.array([root]), info.iterations, info.flag
