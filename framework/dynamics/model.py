"""A DSGE model compiled once from its equations: steady state and first-order perturbation.

:class:`Model` turns a :class:`~equilibria.dynamics.modelfile.ModelDefinition` into compiled
numeric functions exactly once — the equations' residuals and one fused function returning every
non-zero entry of their Jacobian with respect to ``(x(+1), x, x(-1), innovations)`` — so that
re-solving at new parameter values (the inner loop of an estimation) is numeric work only::

    from equilibria.dynamics import Model

    model = Model.from_file("rbc.toml")          # or Model.from_toml(text), Model.from_dict(...)
    solution = model.solve()                     # steady state, linearization, QZ
    solution = model.solve(params={"beta": 0.98})
    responses = solution.irf("eps_a", periods=40)   # {variable: array}, period 0 = impact

Linearization (first-order perturbation around the deterministic steady state): with
``f(x(+1), x, x(-1), e) = 0`` in expectation and hats denoting deviations — log deviations for
variables declared ``log = true``, level deviations otherwise —

    A E_t x̂(t+1) + B x̂(t) + C x̂(t-1) + D e(t) = 0,

where ``A, B, C, D`` are the Jacobian blocks (columns of log variables multiplied by their
steady-state level). :func:`~equilibria.dynamics.qz.solve_linear` solves it.
"""
from __future__ import annotations

import math
import time
import warnings
from typing import Mapping

import attrs
import numpy as np

from ..blas import single_threaded_blas
from ..equilibrium import SolveReport
from ..numerics.roots import find_root, solve_report
from ..errors import ConvergenceError, ParameterError
from .codegen import compile_jacobian, compile_sequence, compile_vector
from .modelfile import ModelDefinition, definition_from_mapping, parse_model_text, read_model_file

__all__ = ["Model", "SteadyState", "LinearSystem"]


@attrs.frozen(kw_only=True)
class SteadyState:
    """The deterministic steady state: levels by variable, residuals by equation, a report."""

    values: dict = attrs.field(eq=False)
    residuals: np.ndarray = attrs.field(eq=False)
    report: SolveReport

    def __getitem__(self, name):
        return self.values[name]

    def to_dict(self):
        return {"values": dict(self.values), "residuals": self.residuals.tolist(), "report": self.report.to_dict()}


@attrs.frozen(kw_only=True)
class LinearSystem:
    """``A E x̂(t+1) + B x̂(t) + C x̂(t-1) + D e(t) = 0`` in model units (log or level deviations)."""

    A: np.ndarray = attrs.field(eq=False)
    B: np.ndarray = attrs.field(eq=False)
    C: np.ndarray = attrs.field(eq=False)
    D: np.ndarray = attrs.field(eq=False)


class Model:
    """A DSGE model compiled from equations (see the module docstring).

    Attributes
    ----------
    definition : ModelDefinition
    variables, shocks, parameters : list of str
    log_variables : ndarray of bool
        Which variables are approximated in logs.
    predetermined, forward, static, mixed : list of str
        Classification: appears with ``(-1)`` (predetermined); with ``(+1)`` (forward-looking);
        at t only (static); with both shifts (mixed: in both of the first two lists).
    state_variables : list of str
        The predetermined variables, whose values at t-1 are the state of the solution.
    """

    def __init__(self, definition: ModelDefinition):
        import sympy as sp

        started = time.perf_counter()
        self.definition = definition
        self.name = definition.name
        self.variables = definition.variable_names
        self.shocks = list(definition.shocks)
        self.parameters = list(definition.parameters)
        self.shock_std = np.array(definition.shock_std, dtype=float)
        self.log_variables = np.array([v.log for v in definition.variables], dtype=bool)
        self.guess = np.array([v.guess for v in definition.variables], dtype=float)
        self.equation_texts = list(definition.equation_texts)
        n, ne = len(self.variables), len(self.shocks)
        self.n, self.n_shocks = n, ne

        lead = [sp.Symbol(f"{v}(+1)") for v in self.variables]
        cur = [sp.Symbol(v) for v in self.variables]
        lag = [sp.Symbol(f"{v}(-1)") for v in self.variables]
        shocks = [sp.Symbol(e) for e in self.shocks]
        params = [sp.Symbol(p) for p in self.parameters]
        z = lead + cur + lag + shocks
        used = set().union(*(e.free_symbols for e in definition.equations))
        self.predetermined = [v for v, s in zip(self.variables, lag) if s in used]
        self.forward = [v for v, s in zip(self.variables, lead) if s in used]
        self.mixed = [v for v in self.predetermined if v in self.forward]
        self.static = [v for v in self.variables if v not in self.predetermined and v not in self.forward]
        self.state_variables = list(self.predetermined)
        self.state_index = np.array([self.variables.index(v) for v in self.state_variables], dtype=int)
        self._variable_position = {v: i for i, v in enumerate(self.variables)}
        self.lead_index = np.array([self.variables.index(v) for v in self.forward], dtype=int)

        self._residual = compile_vector([z, params], definition.equations, "residuals")
        self._jacobian_entries, rows, cols = compile_jacobian([z, params], definition.equations, z)
        self._jac_rows = np.array(rows, dtype=int)
        self._jac_cols = np.array(cols, dtype=int)
        self._jac_width = 3 * n + ne

        self._derived_index = [self.parameters.index(p) for p in definition.derived]
        self._derived = compile_sequence(params, [(sp.Symbol(p), e) for p, e in definition.derived.items()],
                                         "derived_parameters") if definition.derived else None
        self._defaults = np.array([definition.parameter_values.get(p, np.nan) for p in self.parameters])
        self._closed_names = [key for key, _ in definition.steady_state]
        if all(isinstance(value, sp.Expr) for _, value in definition.steady_state):
            self._closed_all = compile_sequence(params, [(sp.Symbol(k), v) for k, v in definition.steady_state],
                                                "closed_forms")
            self._closed = []
        else:
            self._closed_all = None
            self._closed = []
            earlier = []
            for key, value in definition.steady_state:
                if isinstance(value, sp.Expr):
                    self._closed.append((key, compile_vector([params, earlier[:]], [value], "closed_form"), False))
                else:
                    self._closed.append((key, value, True))
                earlier.append(sp.Symbol(key))
        self.setup_seconds = time.perf_counter() - started

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_file(cls, path) -> "Model":
        """Read a TOML model file (format: :mod:`equilibria.dynamics.modelfile`)."""
        return cls(read_model_file(path))

    @classmethod
    def from_toml(cls, text: str, name: str = "model") -> "Model":
        """Parse the text of a TOML model file."""
        return cls(parse_model_text(text, name=name))

    @classmethod
    def from_dict(cls, *, parameters, variables, shocks, equations, steady_state=None, name="model",
                  steady_state_function=None) -> "Model":
        """Build from Python objects; see :func:`~equilibria.dynamics.modelfile.definition_from_mapping`."""
        return cls(definition_from_mapping(parameters=parameters, variables=variables, shocks=shocks,
                                           equations=equations, steady_state=steady_state, name=name,
                                           steady_state_function=steady_state_function))

    def __repr__(self):
        return (f"Model({self.name!r}: {self.n} variables, {self.n_shocks} innovations, "
                f"{len(self.state_variables)} states, {len(self.forward)} forward-looking)")

    # ------------------------------------------------------------------ parameters
    def parameter_vector(self, params: Mapping[str, float] | None = None) -> np.ndarray:
        """Parameter values in declaration order: defaults, overridden by ``params``, derived ones computed."""
        p = self._defaults.copy()
        given = set()
        for key, value in (params or {}).items():
            try:
                index = self.parameters.index(key)
            except ValueError:
                raise ParameterError(key, f"is not a parameter of the model (known: {', '.join(self.parameters)})") \
                    from None
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                    or not math.isfinite(float(value)):
                raise ParameterError(key, "must be a finite real number", value)
            p[index] = float(value)
            given.add(index)
        if self._derived is not None:
            try:
                p[self._derived_index] = self._derived(p.tolist(), given)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
                raise ParameterError(", ".join(self.parameters[i] for i in self._derived_index),
                                     f"cannot be computed ({exc})") from None
        missing = [self.parameters[i] for i in np.flatnonzero(~np.isfinite(p))]
        if missing:
            raise ParameterError(missing[0], "has no (finite) value")
        return p

    def parameter_values(self, params=None) -> dict[str, float]:
        """Parameter values by name (derived ones included)."""
        return dict(zip(self.parameters, self.parameter_vector(params).tolist()))

    # ------------------------------------------------------------------ evaluation
    def residuals(self, lead, current, lag, shocks, p) -> np.ndarray:
        """Residuals of the equations at levels ``lead``, ``current``, ``lag`` and innovations ``shocks``."""
        z = [*np.asarray(lead, float).tolist(), *np.asarray(current, float).tolist(),
             *np.asarray(lag, float).tolist(), *np.asarray(shocks, float).tolist()]
        return np.array(self._residual(z, list(p)), dtype=float)

    def jacobian(self, levels, p) -> np.ndarray:
        """``(n, 3n + n_shocks)`` Jacobian at the steady state ``levels`` (columns: lead, current, lag, innovations)."""
        y = np.asarray(levels, float).tolist()
        z = y + y + y + [0.0] * self.n_shocks
        values = np.array(self._jacobian_entries(z, list(p)), dtype=float)
        J = np.zeros((self.n, self._jac_width))
        J[self._jac_rows, self._jac_cols] = values
        return J

    def _static_residuals(self, y, p):
        try:
            return self.residuals(y, y, y, np.zeros(self.n_shocks), p)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):  # TypeError: a complex power
            return np.full(self.n, np.nan)

    def _static_jacobian(self, y, p):
        J = self.jacobian(y, p)
        n = self.n
        return J[:, :n] + J[:, n:2 * n] + J[:, 2 * n:3 * n]

    # ------------------------------------------------------------------ steady state
    def _closed_forms(self, p, y):
        """Apply the steady-state function and closed forms to ``y`` in place; return names set."""
        fixed = set()
        if self.definition.steady_state_function is not None:
            named = dict(zip(self.parameters, p.tolist()))
            out = self.definition.steady_state_function(dict(named))
            for key, value in out.items():
                if key not in self.variables:
                    raise ParameterError(key, "returned by the steady-state function is not a variable")
                y[self.variables.index(key)] = float(value)
                fixed.add(key)
        if self._closed_all is not None:
            if not self._closed_names:
                return fixed
            try:
                values = self._closed_all(p.tolist())
            except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
                raise ConvergenceError(f"steady state: the closed forms cannot be evaluated ({exc})") from None
            for key, value in zip(self._closed_names, values):
                if isinstance(value, complex):
                    raise ConvergenceError(f"steady state: the closed form for '{key}' is not a real number "
                                           f"({value:.6g}) at these parameter values")
                if key in self._variable_position:
                    y[self._variable_position[key]] = value
                    fixed.add(key)
            return fixed
        named = dict(zip(self.parameters, p.tolist()))
        earlier = []
        for key, function, is_python in self._closed:
            try:
                if is_python:
                    value = float(function({**named, **dict(zip([k for k, *_ in self._closed], earlier))}))
                else:
                    value = float(function(p.tolist(), earlier)[0])
            except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
                raise ConvergenceError(f"steady state: closed form for '{key}' cannot be evaluated ({exc})") \
                    from None
            earlier.append(value)
            if key in self.variables:
                y[self.variables.index(key)] = value
                fixed.add(key)
        return fixed

    def steady_state(self, params: Mapping[str, float] | None = None, tol: float = 1e-10,
                     guess: Mapping[str, float] | None = None, p=None) -> SteadyState:
        """The deterministic steady state: closed forms where given, else Newton from the guesses.

        Raises
        ------
        ConvergenceError
            When the equations are not solved to ``tol``; the message lists the largest residuals
            by equation.
        """
        with np.errstate(all="ignore"):  # overflow or a bad domain shows as a residual, checked below
            return self._steady_state(params, tol, guess, p)

    def _steady_state(self, params, tol, guess, p) -> SteadyState:
        started = time.perf_counter()
        p = self.parameter_vector(params) if p is None else p
        y = self.guess.copy()
        for key, value in (guess or {}).items():
            if key not in self.variables:
                raise ParameterError(key, "is not a variable of the model")
            y[self.variables.index(key)] = float(value)
        fixed = self._closed_forms(p, y)
        residual = self._static_residuals(y, p)
        norm = float(np.max(np.abs(residual))) if np.all(np.isfinite(residual)) else math.inf
        history = [norm]
        method, iterations, message = "closed form", 0, "closed forms solve every equation"
        if not norm <= tol:
            method = "closed form + newton" if fixed else "newton"
            y, iterations, message = self._find(y, p, tol, history, "newton")
            residual = self._static_residuals(y, p)
            norm = float(np.max(np.abs(residual))) if np.all(np.isfinite(residual)) else math.inf
            if not norm <= tol:
                method += " + hybr"
                y, more, message = self._find(y, p, tol, history, "hybr")
                iterations += more
                residual = self._static_residuals(y, p)
                norm = float(np.max(np.abs(residual))) if np.all(np.isfinite(residual)) else math.inf
        report = solve_report(method, residual_norm=norm, tolerance=tol, iterations=iterations,
                              history=history, started=started, message=message)
        if not norm <= tol:
            raise ConvergenceError(f"steady state of {self.name} not found; largest residuals: "
                                   f"{self._residual_listing(residual)}", history=history)
        return SteadyState(values=dict(zip(self.variables, y.tolist())), residuals=residual, report=report)

    def _residual_listing(self, residual, count=3):
        order = np.argsort(-np.nan_to_num(np.abs(residual), nan=np.inf))[:count]
        return "; ".join(f"equation {i + 1} `{self.equation_texts[i]}`: {residual[i]:.3g}" for i in order)

    def _to_unknown(self, y):
        x = y.copy()
        logs = self.log_variables
        with np.errstate(invalid="ignore", divide="ignore"):
            x[logs] = np.log(y[logs])
        return x

    def _from_unknown(self, x):
        y = x.copy()
        y[self.log_variables] = np.exp(x[self.log_variables])
        return y

    def _find(self, y, p, tol, history, method):
        """One root-finding pass (:func:`~equilibria.numerics.roots.find_root`) in the unknowns
        (logs of the log variables) from ``y``; newton uses the exact Jacobian. Returns the
        levels, the iterations and the solver's message; the residual norms go to ``history``."""
        x0 = self._to_unknown(y)
        if not np.all(np.isfinite(x0)):
            x0 = self._to_unknown(self.guess)

        def objective(x):
            r = self._static_residuals(self._from_unknown(x), p)
            history.append(float(np.max(np.abs(r))) if np.all(np.isfinite(r)) else math.inf)
            return np.where(np.isfinite(r), r, 1e10)

        def jacobian(x):
            yy = self._from_unknown(x)
            try:
                return self._static_jacobian(yy, p) * np.where(self.log_variables, yy, 1.0)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
                raise ConvergenceError(f"the derivatives cannot be evaluated ({exc})") from None

        options = {"xtol": 1e-14} if method == "hybr" else None
        try:
            result = find_root(objective, x0, method=method, tol=tol, jacobian=jacobian if method == "newton" else None,
                               options=options, what=f"steady state of {self.name}", raise_on_failure=False)
        except ConvergenceError as exc:   # e.g. a singular Jacobian: the next pass or the caller reports it
            return self._from_unknown(x0), 0, str(exc)
        return self._from_unknown(np.asarray(result.x, float)), result.report.iterations, result.report.message

    # ------------------------------------------------------------------ linearization and solution
    def linearize(self, params=None, steady: SteadyState | None = None, p=None) -> LinearSystem:
        """The first-order system ``A E x̂(t+1) + B x̂(t) + C x̂(t-1) + D e(t) = 0`` at the steady state."""
        p = self.parameter_vector(params) if p is None else p
        steady = steady or self.steady_state(p=p)
        y = np.fromiter(steady.values.values(), dtype=float, count=self.n)
        try:
            J = self.jacobian(y, p)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as exc:
            raise ConvergenceError(f"the derivatives cannot be evaluated at the steady state ({exc})") from None
        n = self.n
        scale = np.where(self.log_variables, y, 1.0)
        J[:, :3 * n] *= np.tile(scale, 3)
        if not np.all(np.isfinite(J)):
            bad = int(np.flatnonzero(~np.all(np.isfinite(J), axis=1))[0])
            raise ConvergenceError(f"the derivatives of equation {bad + 1} `{self.equation_texts[bad]}` are not finite "
                                   "at the steady state")
        return LinearSystem(A=J[:, :n], B=J[:, n:2 * n], C=J[:, 2 * n:3 * n], D=J[:, 3 * n:])

    def solve(self, params: Mapping[str, float] | None = None, shock_std: Mapping[str, float] | None = None,
              steady: SteadyState | None = None):
        """Steady state, linearization and QZ solution at ``params`` (defaults for the others).

        Returns
        -------
        LinearSolution
            Raises :class:`~equilibria.errors.DeterminacyError` without a unique stable solution.
        """
        from .qz import solve_linear
        from .solution import LinearSolution

        started = time.perf_counter()
        p = self.parameter_vector(params)
        std = self.shock_std.copy()
        for key, value in (shock_std or {}).items():
            if key not in self.shocks:
                raise ParameterError(key, f"is not an innovation of the model (known: {', '.join(self.shocks)})")
            if not float(value) >= 0:
                raise ParameterError(key, "standard deviation must be non-negative", value)
            std[self.shocks.index(key)] = float(value)
        # overflow, division by zero and singular-matrix warnings end in a checked error or are harmless;
        # results are checked finite, so they are not printed
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            steady = steady or self.steady_state(p=p)
            system = self.linearize(steady=steady, p=p)
            with single_threaded_blas():  # small dense problems: threads only contend
                policy, impact, eigenvalues = solve_linear(system.A, system.B, system.C, system.D,
                                                           self.state_index, self.lead_index)
        return LinearSolution(model=self, parameters=dict(zip(self.parameters, p.tolist())), steady_state=steady,
                              system=system, policy=policy, impact=impact, eigenvalues=eigenvalues,
                              shock_std=std, seconds=time.perf_counter() - started)
