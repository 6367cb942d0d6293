"""Perfect-foresight transition paths in sequence space: linear and nonlinear.

A model in sequence space (:class:`SequenceModel`) has *unknown* paths U (say capital or the
interest rate), *exogenous* paths Z (say productivity) and *target* paths H(U, Z) that are zero
in equilibrium (market-clearing residuals, one per market and period), all over t = 0..T-1 and
equal to their steady-state values after T. An unanticipated shock at t = 0 is a path of Z.

* :func:`linear_transition` — the first-order solution dU = -H_U^{-1} H_Z dZ from the
  sequence-space Jacobians (Auclert, Bardóczy, Rognlie and Straub 2021, section 4), and the
  linear responses of every other output o: dO = J_{O,U} dU + J_{O,Z} dZ.
* :func:`solve_transition` — the nonlinear perfect-foresight path: quasi-Newton on the stacked
  residuals, U <- U - H_U^{-1} H(U, Z) with H_U the Jacobian at the steady state (factored
  once); raises ``ConvergenceError`` with the residual history when it fails.
* :func:`finite_difference_jacobian` — two-sided differences of whole paths, for models that
  provide no sequence-space derivatives (and the reference for those that do).
* :class:`EconomyTransition` — the sequence-space model of a core :class:`~equilibria.Economy`:
  its non-numeraire prices are the unknowns, its markets' excess demands in every period the
  targets; agents respond to whole price paths (``respond_path``) or period by period.
"""
from __future__ import annotations

import abc
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy import linalg

from equilibria.equilibrium import SolveReport
from equilibria.errors import ConvergenceError, ParameterError
from equilibria.numerics.roots import solve_report

__all__ = ["SequenceModel", "TransitionResult", "linear_transition", "solve_transition",
           "finite_difference_jacobian", "stack_jacobian", "general_equilibrium_jacobian", "EconomyTransition"]


class SequenceModel(abc.ABC):
    """A model in sequence space (override :meth:`evaluate`; :meth:`jacobian` optionally).

    Attributes
    ----------
    unknowns, targets, exogenous : tuple of str
        Names of the unknown, target and exogenous paths (as many targets as unknowns).
    steady_state : mapping of str to float
        Steady-state value of every unknown and exogenous variable (and of any output).
    """

    unknowns: tuple = ()
    targets: tuple = ()
    exogenous: tuple = ()
    steady_state: Mapping[str, float] = {}

    @abc.abstractmethod
    def evaluate(self, paths: Mapping[str, np.ndarray], T: int) -> dict:
        """Outputs along ``paths`` (every unknown and exogenous variable, arrays of length T).

        Returns a dict with every target (residual paths, zero in equilibrium) and any other
        outputs (aggregates, and e.g. distributions or policies for experiments).
        """

    def jacobian(self, T: int, outputs: Sequence[str] | None = None) -> Mapping[tuple, np.ndarray] | None:
        """Sequence-space Jacobians {(output, input): (T, T)} at the steady state, or ``None``
        (then :func:`finite_difference_jacobian` is used). Missing pairs count as zero."""
        return None

    def steady_paths(self, T: int) -> dict:
        """Constant paths of every unknown and exogenous variable at the steady state."""
        return {name: np.full(T, float(self.steady_state[name])) for name in (*self.unknowns, *self.exogenous)}


@dataclass
class TransitionResult:
    """A transition path: inputs, outputs and the solver's report.

    ``paths`` holds the levels of every unknown and exogenous variable; ``outputs`` the model's
    outputs along the path (residuals, aggregates, distributions, policies); ``report`` is a
    :class:`~equilibria.equilibrium.SolveReport`: the method, iterations, the residual history
    (max-norm of the stacked targets per evaluation), the tolerance and timing.
    """

    T: int
    paths: dict
    outputs: dict
    report: SolveReport | None = None

    def deviations(self, steady_state: Mapping[str, float], names: Sequence[str]) -> dict:
        """Paths minus their steady-state values, for the given names."""
        merged = {**self.outputs, **self.paths}
        return {n: np.asarray(merged[n], float) - float(steady_state[n]) for n in names}


# ---------------------------------------------------------------------------------------------
# Jacobians
# ---------------------------------------------------------------------------------------------

def _check_T(T):
    if not (isinstance(T, (int, np.integer)) and T >= 1):
        raise ParameterError("T", "must be a positive integer", T)
    return int(T)


def finite_difference_jacobian(model: SequenceModel, T: int, inputs: Sequence[str] | None = None,
                               outputs: Sequence[str] | None = None, step: float = 1e-6,
                               relative: bool = True) -> dict:
    """Jacobians {(output, input): (T, T)} by two-sided differences of whole paths.

    Each period s of each input moves by ±h (h = ``step`` times max(1, |steady value|) when
    ``relative``), so this costs 2 T evaluations per input: a reference and a fallback.
    """
    T = _check_T(T)
    inputs = tuple(model.unknowns if inputs is None else inputs)
    outputs = tuple(model.targets if outputs is None else outputs)
    base = model.steady_paths(T)
    out = {(o, x): np.zeros((T, T)) for o in outputs for x in inputs}
    for x in inputs:
        h = step * (max(1.0, abs(float(model.steady_state[x]))) if relative else 1.0)
        for s in range(T):
            up = dict(base)
            up[x] = base[x].copy()
            up[x][s] += h
            down = dict(base)
            down[x] = base[x].copy()
            down[x][s] -= h
            hi, lo = model.evaluate(up, T), model.evaluate(down, T)
            for o in outputs:
                out[(o, x)][:, s] = (np.asarray(hi[o], float) - np.asarray(lo[o], float)) / (2 * h)
    return out


def _jacobians(model, T, outputs, inputs):
    J = model.jacobian(T, outputs=outputs)
    if J is None:
        J = finite_difference_jacobian(model, T, inputs=inputs, outputs=outputs)
    return J


def stack_jacobian(J: Mapping[tuple, np.ndarray], rows: Sequence[str], cols: Sequence[str], T: int) -> np.ndarray:
    """The block matrix [J[(row, col)]] of shape (len(rows) T, len(cols) T); missing pairs are 0."""
    out = np.zeros((len(rows) * T, len(cols) * T))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            block = J.get((r, c))
            if block is not None:
                out[i * T:(i + 1) * T, j * T:(j + 1) * T] = block
    return out


def _shock_paths(model, shocks, T):
    dZ = {}
    for name, path in (shocks or {}).items():
        if name not in model.exogenous:
            raise ParameterError("shocks", f"{name!r} is not an exogenous variable ({model.exogenous})")
        path = np.asarray(path, float)
        if path.shape != (T,) or not np.all(np.isfinite(path)):
            raise ParameterError("shocks", f"the path of {name!r} must be {T} finite numbers", path.shape)
        dZ[name] = path
    return dZ


# ---------------------------------------------------------------------------------------------
# Solutions
# ---------------------------------------------------------------------------------------------

def general_equilibrium_jacobian(model: SequenceModel, T: int, outputs: Sequence[str] = (),
                                 jacobian: Mapping[tuple, np.ndarray] | None = None) -> dict:
    """General-equilibrium Jacobians {(output, exogenous): (T, T)}: dO = G dZ with
    G_U = -H_U^{-1} H_Z for the unknowns and G_O = J_{O,U} G_U + J_{O,Z} for other outputs."""
    T = _check_T(T)
    names = tuple(dict.fromkeys((*model.targets, *outputs)))
    J = jacobian if jacobian is not None else _jacobians(model, T, names, (*model.unknowns, *model.exogenous))
    H_U = stack_jacobian(J, model.targets, model.unknowns, T)
    H_Z = stack_jacobian(J, model.targets, model.exogenous, T)
    try:
        G_all = -linalg.solve(H_U, H_Z)
    except linalg.LinAlgError as err:
        raise ConvergenceError(f"the Jacobian of the targets with respect to the unknowns is singular: {err}",
                               history=[]) from err
    except ValueError as err:  # scipy's check_finite
        raise ConvergenceError(f"the Jacobians are not finite: {err}", history=[]) from err
    G = {}
    for i, u in enumerate(model.unknowns):
        for k, z in enumerate(model.exogenous):
            G[(u, z)] = G_all[i * T:(i + 1) * T, k * T:(k + 1) * T]
    for o in outputs:
        if o in model.unknowns:
            continue
        for z in model.exogenous:
            total = np.array(J[(o, z)], float) if (o, z) in J else np.zeros((T, T))
            for u in model.unknowns:
                if (o, u) in J:
                    total = total + J[(o, u)] @ G[(u, z)]
            G[(o, z)] = total
    return G


def linear_transition(model: SequenceModel, shocks: Mapping[str, Sequence[float]], T: int,
                      outputs: Sequence[str] = (), jacobian: Mapping[tuple, np.ndarray] | None = None
                      ) -> TransitionResult:
    """First-order transition: dU = -H_U^{-1} H_Z dZ; outputs dO = J_{O,U} dU + J_{O,Z} dZ.

    ``shocks`` maps exogenous names to deviations from the steady state (length T). Returns
    levels (steady state plus deviations) of the unknowns, exogenous variables and ``outputs``.
    """
    T = _check_T(T)
    start = time.perf_counter()
    dZ = _shock_paths(model, shocks, T)
    names = tuple(dict.fromkeys((*model.targets, *outputs)))
    J = jacobian if jacobian is not None else _jacobians(model, T, names, (*model.unknowns, *model.exogenous))
    H_U = stack_jacobian(J, model.targets, model.unknowns, T)
    exog = tuple(dZ)
    z = np.concatenate([dZ[n] for n in exog]) if exog else np.zeros(0)
    rhs = stack_jacobian(J, model.targets, exog, T) @ z if exog else np.zeros(len(model.targets) * T)
    try:
        dU = -linalg.solve(H_U, rhs)
    except linalg.LinAlgError as err:
        raise ConvergenceError(f"the Jacobian of the targets with respect to the unknowns is singular: {err}",
                               history=[]) from err
    except ValueError as err:  # scipy's check_finite
        raise ConvergenceError(f"the Jacobians are not finite: {err}", history=[]) from err
    paths = {u: model.steady_state[u] + dU[i * T:(i + 1) * T] for i, u in enumerate(model.unknowns)}
    paths.update({n: model.steady_state[n] + (dZ[n] if n in dZ else 0.0) for n in model.exogenous})
    result = {}
    for o in outputs:
        d = np.zeros(T)
        for i, u in enumerate(model.unknowns):
            if (o, u) in J:
                d += J[(o, u)] @ dU[i * T:(i + 1) * T]
        for n in exog:
            if (o, n) in J:
                d += J[(o, n)] @ dZ[n]
        result[o] = model.steady_state[o] + d
    # the stacked linear system's own residual: how exactly dU solves H_U dU = -H_Z dZ
    residual = float(np.max(np.abs(H_U @ dU + rhs))) if rhs.size else 0.0
    scale = max(float(np.max(np.abs(rhs))) if rhs.size else 0.0, 1.0)
    report = solve_report("linear (sequence-space Jacobian)", residual_norm=residual, tolerance=1e-9 * scale,
                          iterations=1, evaluations=0, started=start,
                          message="first-order solution of the stacked linear system")
    return TransitionResult(T=T, paths=paths, outputs=result, report=report)


def solve_transition(model: SequenceModel, shocks: Mapping[str, Sequence[float]], T: int, *,
                     tol: float = 1e-10, maxiter: int = 50, jacobian: Mapping[tuple, np.ndarray] | None = None,
                     guess: Mapping[str, np.ndarray] | None = None,
                     progress: Callable[[int, float], Any] | None = None) -> TransitionResult:
    """Nonlinear perfect-foresight transition by quasi-Newton on the stacked residuals.

    Starting from the steady state (or ``guess``, levels of the unknowns), iterate
    U <- U - H_U^{-1} H(U, Z) with H_U the steady-state Jacobian of the targets with respect to
    the unknowns (from ``jacobian``, the model's, or finite differences), factored once.
    Stops when the max-norm of every target is below ``tol``; raises ``ConvergenceError``
    (with the residual history) after ``maxiter`` iterations or on non-finite residuals.
    ``progress(iteration, residual)`` is called after every evaluation.
    """
    T = _check_T(T)
    if not tol > 0:
        raise ParameterError("tol", "must be positive", tol)
    start = time.perf_counter()
    dZ = _shock_paths(model, shocks, T)
    J = jacobian if jacobian is not None else _jacobians(model, T, model.targets, model.unknowns)
    H_U = stack_jacobian(J, model.targets, model.unknowns, T)
    try:
        lu = linalg.lu_factor(H_U, check_finite=True)
    except (ValueError, linalg.LinAlgError) as err:
        raise ConvergenceError(f"cannot factor the steady-state Jacobian: {err}", history=[]) from err
    if np.any(np.abs(np.diag(lu[0])) < 1e-14 * max(1.0, np.max(np.abs(H_U)))):
        raise ConvergenceError("the Jacobian of the targets with respect to the unknowns is singular", history=[])
    paths = model.steady_paths(T)
    for n, d in dZ.items():
        paths[n] = paths[n] + d
    if guess:
        for u in model.unknowns:
            if u in guess:
                paths[u] = np.asarray(guess[u], float).copy()
    history = []
    for it in range(maxiter + 1):
        outputs = model.evaluate(paths, T)
        H = np.concatenate([np.asarray(outputs[t], float) for t in model.targets])
        norm = float(np.max(np.abs(H))) if np.all(np.isfinite(H)) else float("inf")
        history.append(norm)
        if progress is not None:
            progress(it, norm)
        if not np.isfinite(norm):
            raise ConvergenceError("non-finite residuals along the transition path", history=history)
        if norm < tol:
            report = solve_report("quasi-newton (steady-state Jacobian)", residual_norm=norm, tolerance=tol,
                                  iterations=it, evaluations=len(history), history=history, started=start)
            return TransitionResult(T=T, paths=paths, outputs=outputs, report=report)
        if it == maxiter:
            break
        step = linalg.lu_solve(lu, H)
        for i, u in enumerate(model.unknowns):
            paths[u] = paths[u] - step[i * T:(i + 1) * T]
    raise ConvergenceError(f"the transition did not converge in {maxiter} quasi-Newton iterations "
                           f"(residual {history[-1]:.3e}, tol {tol:.1e})", history=history)


# ---------------------------------------------------------------------------------------------
# A core Economy in sequence space
# ---------------------------------------------------------------------------------------------

class EconomyTransition(SequenceModel):
    """The sequence-space model of a core :class:`~equilibria.Economy`.

    Unknowns are the non-numeraire price entries (named ``block`` for one-entry blocks, else
    ``block[i]``), targets the excess demands of their markets (``excess:<unknown>``) in every
    period, exogenous variables extra entries of the price mapping that agents read (e.g. a
    productivity ``"Z"``). An agent with a method ``respond_path(price_paths, T)`` returning one
    response per period sees whole paths (a forward-looking household); any other agent responds
    period by period with ``respond``. ``steady_prices`` are the equilibrium prices.
    """

    def __init__(self, economy, steady_prices: Mapping[str, Any], exogenous: Mapping[str, float] | None = None):
        self.economy = economy
        self.prices = {k: np.atleast_1d(np.asarray(v, float)) for k, v in economy._complete(steady_prices).items()}
        self._entries = []
        for name, value in self.prices.items():
            mask = economy._mask[name]
            for i in range(value.size):
                if mask[i]:
                    label = name if value.size == 1 else f"{name}[{i}]"
                    self._entries.append((label, name, i))
        self.unknowns = tuple(e[0] for e in self._entries)
        self.targets = tuple(f"excess:{label}" for label in self.unknowns)
        self.exogenous = tuple(exogenous or {})
        self.steady_state = {label: float(self.prices[name][i]) for label, name, i in self._entries}
        self.steady_state.update({k: float(v) for k, v in (exogenous or {}).items()})
        self.steady_state.update({t: 0.0 for t in self.targets})

    def price_paths(self, paths, T):
        """(T, size) arrays of every price block (fixed entries at their steady values) and exogenous paths."""
        out = {name: np.tile(v, (T, 1)) for name, v in self.prices.items()}
        for label, name, i in self._entries:
            out[name][:, i] = paths[label]
        for name in self.exogenous:
            out[name] = np.asarray(paths[name], float).reshape(T, 1)
        return out

    def evaluate(self, paths, T):
        blocks = self.price_paths(paths, T)
        at = [{name: v[t] for name, v in blocks.items()} for t in range(T)]
        responses = [dict() for _ in range(T)]
        for agent in self.economy.agents:
            if hasattr(agent, "respond_path"):
                rows = agent.respond_path(blocks, T)
            else:
                rows = [agent.respond(at[t]) for t in range(T)]
            for t in range(T):
                responses[t][agent.name] = rows[t]
        out = {t: np.empty(T) for t in self.targets}
        for t in range(T):
            excess = self.economy.excess_demands(at[t], responses[t])
            for (label, name, i), target in zip(self._entries, self.targets):
                out[target][t] = excess[name][i]
        out["responses"] = responses
        return out
