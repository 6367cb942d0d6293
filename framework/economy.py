"""The :class:`Economy`: agents and markets; equilibrium as a root of excess demands.

``Economy.residuals(prices)`` stacks the markets' excess demands, leaving out the market of the
numeraire (Walras' law implies it), and ``Economy.solve`` finds the non-numeraire prices that zero
them with :func:`equilibria.numerics.roots.find_root`. Price blocks declared ``positive`` are solved in logs, so a root finder can never
propose a negative wage.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .agent import Agent
from .equilibrium import Equilibrium
from .errors import ParameterError
from .market import Market
from .numerics.roots import ROOT_METHODS, choose_method, find_root

__all__ = ["Economy", "ROOT_METHODS"]


class Economy:
    """Agents plus markets plus a numeraire.

    Parameters
    ----------
    agents : sequence of Agent
    markets : sequence of Market
        Exactly one market per price block.
    prices : mapping of str to array_like
        Price blocks and their initial guesses (the numeraire's entry keeps its value).
    numeraire : (str, int) or None
        Block and index of the price fixed at its guess; that entry's market is dropped from
        the residuals (Walras' law).
    positive : iterable of str
        Price blocks solved in logs (they must stay positive).
    bounds : mapping of str to (float, float), optional
        Price blocks that must stay strictly inside ``(low, high)`` (say a gross return below
        ``1/β``); they are solved through the logistic map ``low + (high - low) / (1 + exp(-x))``.
    """

    def __init__(self, agents: Sequence[Agent], markets: Sequence[Market],
                 prices: Mapping[str, Any], numeraire: tuple[str, int] | None = None,
                 positive: Iterable[str] = (), bounds: Mapping[str, tuple[float, float]] | None = None):
        self.agents = list(agents)
        self.markets = list(markets)
        self.price_guess = {name: np.atleast_1d(np.asarray(value, dtype=float)).copy()
                            for name, value in prices.items()}
        self.numeraire = numeraire
        self.positive = set(positive)
        self.bounds = {name: (float(lo), float(hi)) for name, (lo, hi) in (bounds or {}).items()}
        names = [a.name for a in self.agents]
        if len(set(names)) != len(names):
            raise ValueError(f"agent names must be unique, got {names}")
        cleared = [m.price for m in self.markets]
        if sorted(cleared) != sorted(self.price_guess):
            raise ValueError(f"each price block needs exactly one market: blocks {sorted(self.price_guess)}, "
                             f"markets clear {sorted(cleared)}")
        if numeraire is not None:
            block, index = numeraire
            if block not in self.price_guess or not 0 <= index < self.price_guess[block].size:
                raise ValueError(f"numeraire {numeraire} is not a price entry")
        for name in self.positive:
            if np.any(self.price_guess[name] <= 0):
                raise ParameterError(name, "initial guess must be positive for a positive price block")
        for name, (low, high) in self.bounds.items():
            if name in self.positive or name not in self.price_guess or not low < high:
                raise ValueError(f"bounds for {name!r} need a price block that is not also positive, and low < high")
            if np.any(self.price_guess[name] <= low) or np.any(self.price_guess[name] >= high):
                raise ParameterError(name, f"initial guess must lie inside the bounds ({low:g}, {high:g})")
        self._market_of = {m.price: m for m in self.markets}
        self._mask = {name: np.ones(v.size, bool) for name, v in self.price_guess.items()}
        if numeraire is not None:
            self._mask[numeraire[0]][numeraire[1]] = False

    # ------------------------------------------------------------------ evaluation
    def respond(self, prices: Mapping[str, np.ndarray]) -> dict[str, Any]:
        """Every agent's response at ``prices``, keyed by agent name."""
        return {agent.name: agent.respond(prices) for agent in self.agents}

    def excess_demands(self, prices: Mapping[str, np.ndarray], responses=None) -> dict[str, np.ndarray]:
        """Excess demand of every market (numeraire's included), keyed by price block."""
        responses = self.respond(prices) if responses is None else responses
        out = {}
        for name in self.price_guess:
            value = np.atleast_1d(np.asarray(self._market_of[name].excess_demand(responses, prices), dtype=float))
            if value.shape != self.price_guess[name].shape:
                raise ValueError(f"market {self._market_of[name].name!r} returned shape {value.shape}, "
                                 f"expected {self.price_guess[name].shape}")
            out[name] = value
        return out

    def residuals(self, prices: Mapping[str, np.ndarray]) -> np.ndarray:
        """Stacked excess demands without the numeraire's market: zero in equilibrium."""
        excess = self.excess_demands(self._complete(prices))
        return np.concatenate([excess[name][self._mask[name]] for name in self.price_guess])

    def aggregates(self, responses: Mapping[str, Any], prices: Mapping[str, np.ndarray]) -> dict[str, Any]:
        """Derived quantities reported with an equilibrium. Override in subclasses."""
        return {}

    def jacobian(self, prices: Mapping[str, np.ndarray], responses: Mapping[str, Any]) -> np.ndarray | None:
        """Analytic derivative of all excess demands with respect to all prices, or ``None``.

        Rows and columns follow the price blocks in declaration order, every entry included (the
        numeraire's too); ``method="newton"`` needs it. The default has none.
        """
        return None

    def _unknowns_jacobian(self, prices, responses) -> np.ndarray:
        """d residuals / d unknowns from :meth:`jacobian` (numeraire dropped, chain rule for logs)."""
        full = self.jacobian(prices, responses)
        if full is None:
            raise ParameterError("method", f"newton needs {type(self).__name__}.jacobian(prices, responses)")
        mask = np.concatenate([self._mask[n] for n in self.price_guess])
        scale = self._dprice_dunknown(prices)
        full = np.asarray(full, dtype=float)
        if full.shape != (mask.size, mask.size):
            raise ValueError(f"jacobian has shape {full.shape}, expected {(mask.size, mask.size)}")
        return full[np.ix_(mask, mask)] * scale[mask][None, :]

    # ------------------------------------------------------------------ packing
    def _complete(self, prices: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        full = {name: np.atleast_1d(np.asarray(prices.get(name, guess), dtype=float))
                for name, guess in self.price_guess.items()}
        unknown = set(prices) - set(full)
        if unknown:
            raise ValueError(f"unknown price blocks {sorted(unknown)}")
        return full

    def _to_unknown(self, name: str, value: np.ndarray) -> np.ndarray:
        if name in self.positive:
            return np.log(value)
        if name in self.bounds:
            low, high = self.bounds[name]
            return np.log((value - low) / (high - value))
        return value

    def _from_unknown(self, name: str, x: np.ndarray) -> np.ndarray:
        if name in self.positive:
            return np.exp(x)
        if name in self.bounds:
            low, high = self.bounds[name]
            return low + (high - low) / (1.0 + np.exp(-x))
        return x

    def pack(self, prices: Mapping[str, np.ndarray]) -> np.ndarray:
        """The solver's unknowns (non-numeraire entries; logs for positive blocks, logits for bounded)."""
        parts = []
        for name in self.price_guess:
            value = np.atleast_1d(np.asarray(prices[name], dtype=float))[self._mask[name]]
            parts.append(self._to_unknown(name, value))
        return np.concatenate(parts)

    def unpack(self, x: np.ndarray, base: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
        """Prices from the solver's unknowns; fixed entries come from ``base`` (default: guesses)."""
        base = self.price_guess if base is None else base
        out, start = {}, 0
        for name, guess in self.price_guess.items():
            value = np.array(base[name], dtype=float, copy=True).reshape(guess.shape)
            n = int(self._mask[name].sum())
            value[self._mask[name]] = self._from_unknown(name, x[start:start + n])
            out[name] = value
            start += n
        return out

    def _dprice_dunknown(self, prices) -> np.ndarray:
        """d price / d unknown for every entry (chain rule of the log and logistic maps)."""
        parts = []
        for name in self.price_guess:
            p = prices[name].ravel()
            if name in self.positive:
                parts.append(p)
            elif name in self.bounds:
                low, high = self.bounds[name]
                parts.append((p - low) * (high - p) / (high - low))
            else:
                parts.append(np.ones(p.size))
        return np.concatenate(parts)

    # ------------------------------------------------------------------ solving
    def solve(self, method: str = "hybr", tol: float = 1e-10, maxiter: int | None = None,
              guess: Mapping[str, Any] | None = None, bracket: tuple[float, float] | None = None,
              options: Mapping[str, Any] | None = None, fresh: bool = False) -> Equilibrium:
        """Find prices that clear every market (through :func:`equilibria.numerics.roots.find_root`).

        Parameters
        ----------
        method : str
            ``"auto"`` or one of :data:`ROOT_METHODS`; ``"brentq"`` needs a single unknown and a
            ``bracket`` (in price units, not logs); ``"newton"`` needs :meth:`jacobian`.
        tol : float
            Required max-norm of the residuals.
        maxiter : int, optional
            Cap on iterations (residual evaluations for ``hybr``).
        guess : mapping, optional
            Initial prices overriding the economy's guesses (the numeraire's entry included).
        bracket : (float, float), optional
            Interval of the one unknown price for ``"brentq"``.
        options : mapping, optional
            Extra options passed to :func:`scipy.optimize.root`.
        fresh : bool
            Call :meth:`reset` first, so that no agent starts from what an earlier solve left.

        Raises
        ------
        ConvergenceError
            If the residual norm does not reach ``tol``; carries the residual history.
        """
        if method != "auto" and method not in ROOT_METHODS:
            raise ParameterError("method", f"must be 'auto' or one of {', '.join(ROOT_METHODS)}", method)
        if fresh:
            self.reset()
        base = self._complete(guess or {})
        cache: dict[bytes, tuple] = {}

        def evaluate(x):
            """Residuals at unknowns ``x`` with the prices and responses behind them (last one cached)."""
            x = np.asarray(x, dtype=float)
            key = x.tobytes()
            if key not in cache:
                prices = self.unpack(x, base)
                responses = self.respond(prices)
                excess = self.excess_demands(prices, responses)
                value = np.concatenate([excess[n][self._mask[n]] for n in self.price_guess])
                cache.clear()
                cache[key] = (value, prices, responses)
            return cache[key]

        x0 = self.pack(base)
        if method == "auto":
            method = choose_method(x0.size, bracket)
        if method == "brentq" and bracket is not None and x0.size == 1:
            name = next(n for n in self.price_guess if self._mask[n].any())
            bracket = tuple(float(self._to_unknown(name, np.float64(b))) for b in bracket)
        jacobian = None
        if method == "newton":
            jacobian = lambda x: self._unknowns_jacobian(*evaluate(x)[1:])  # noqa: E731
        result = find_root(lambda x: evaluate(x)[0], x0, method=method, tol=tol, maxiter=maxiter,
                           bracket=bracket, jacobian=jacobian, options=options,
                           what=f"{type(self).__name__} market clearing")
        _, prices, responses = evaluate(result.x)   # cached: find_root evaluates its answer last
        excess = self.excess_demands(prices, responses)
        return Equilibrium(prices=prices, responses=responses, aggregates=self.aggregates(responses, prices),
                           excess_demands=excess, report=result.report)

    def reset(self) -> None:
        """Reset every agent (:meth:`Agent.reset`): the next solve does not depend on earlier ones."""
        for agent in self.agents:
            agent.reset()
