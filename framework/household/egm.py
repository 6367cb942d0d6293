"""The savings problem by the endogenous grid method, with an optional logit choice among options.

A household holds assets ``a >= grid[0]`` (the borrowing limit is the first point of the asset
grid), has income ``income[z]`` in an exogenous Markov state ``z``, receives type-1
extreme-value taste shocks with dispersion ``sigma`` over M options, picks one option ``j``
at unit price ``p_j`` and next period's assets subject to::

    a' + p_j c = R a + income[z],      u(c) = c^(1-gamma) / (1-gamma)  (log c if gamma = 1).

With one option at price 1 this is the standard income-fluctuation (Aiyagari, Huggett,
Krusell-Smith) problem. It is solved by the discrete-choice EGM of Waugh (2022), Appendix B
(eq. 64-73 there); the equation numbers below refer to that appendix and to eq. (4)-(11) of the
paper. A non-monotone endogenous grid (a non-concave continuation value) is resolved by an
upper envelope over the EGM segments.

``solve_household`` wraps the Cython kernel ``equilibria.ext.dcegm``; ``egm_step_numpy`` is its
NumPy twin (the specification, compared with the kernel in tests) and ``solve_household_vfi``
a brute-force value-function iteration used as an independent reference. ``backward_step``
performs one step at given prices (a period of a transition path).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from equilibria.errors import ConvergenceError

__all__ = [
    "HouseholdSolution",
    "solve_household",
    "solve_household_numpy",
    "egm_step_numpy",
    "solve_household_vfi",
    "initial_guess",
    "utility",
    "euler_errors",
    "natural_borrowing_limit",
    "backward_step",
    "StepResult",
    "value_parts",
    "consumption_equivalent",
]


def utility(c, gamma):
    """CRRA utility c^(1-gamma)/(1-gamma), log c when gamma == 1 (eq. 5 without the shock).

    Consumption so small that c^(1-gamma) overflows (gamma > 1) has utility -inf, its limit.
    """
    c = np.asarray(c, dtype=float)
    if gamma == 1.0:
        return np.log(c)
    with np.errstate(over="ignore"):
        return c ** (1.0 - gamma) / (1.0 - gamma)


def natural_borrowing_limit(income, R):
    """The largest debt repayable for sure, min(income) / (R - 1) (infinite when R <= 1)."""
    return np.inf if R <= 1.0 else float(np.min(income)) / (R - 1.0)


@dataclass
class HouseholdSolution:
    """Policies on the grid; arrays indexed [variety j, state z, asset point k].

    ``value`` is the expected value before taste shocks (eq. 11) and ``choice_value`` the
    choice-specific values v_j (eq. 9), both in utils (levels restored, see ``dcegm``).
    """

    grid: np.ndarray
    prices: np.ndarray
    savings: np.ndarray
    spending: np.ndarray
    choice_value: np.ndarray | None
    probabilities: np.ndarray
    value: np.ndarray | None
    marginal: np.ndarray
    iterations: int
    distance: float

    @property
    def consumption(self):
        """Units of the chosen variety, c_j = spending_j / p_j."""
        return self.spending / self.prices[:, None, None]


def initial_guess(grid, income, prices, R, gamma):
    """Marginal value R (0.1 x)^(-gamma) with x the cash above the borrowing limit; value 0."""
    cash = R * grid[None, :] + income[:, None] - grid[0]
    marginal = R * (0.1 * cash + 1e-3) ** (-gamma)
    return np.ascontiguousarray(marginal), np.zeros_like(marginal)


def _check_inputs(grid, income, transition, prices, R, beta, gamma, sigma):
    grid = np.ascontiguousarray(grid, dtype=float)
    income = np.ascontiguousarray(income, dtype=float)
    transition = np.ascontiguousarray(transition, dtype=float)
    prices = np.ascontiguousarray(np.atleast_1d(prices), dtype=float)
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0):
        raise ValueError("grid must be strictly increasing with at least two points")
    if np.any(income <= 0) or np.any(prices <= 0):
        raise ValueError("income and prices must be positive")
    if transition.shape != (income.size, income.size):
        raise ValueError("transition must be square with one row per income state")
    if not (0 < beta < 1 and gamma > 0 and sigma > 0 and R > 0):
        raise ValueError("need 0 < beta < 1, gamma > 0, sigma > 0, R > 0")
    if -grid[0] >= natural_borrowing_limit(income, R):
        raise ValueError("the borrowing limit -grid[0] is not below the natural borrowing limit")
    return grid, income, transition, prices


def solve_household(grid, income, transition, prices, R, beta, gamma, sigma, *, values=True,
                    tol=1e-10, maxiter=20_000, guess=None, threads=1, extrapolate=5):
    """Solve the household problem (eq. 8-11) by DC-EGM with the Cython kernel.

    Parameters
    ----------
    grid : (n_a,) increasing asset grid; ``grid[0]`` is the borrowing limit -phi (eq. 6).
    income : (n_z,) non-asset income w z + T in each efficiency state.
    transition : (n_z, n_z) Markov matrix P(z, z').
    prices : (M,) unit prices p_ij of the M varieties (eq. 3).
    R, beta, gamma, sigma : gross return, discount factor, CRRA, taste-shock dispersion.
    values : also iterate the values (needed for M > 1 and for welfare).
    guess : optional (marginal, value) warm start, e.g. ``solution.marginal, solution.value``.
    extrapolate : without values, every ``extrapolate`` steps the slowest mode of the marginal
        value is extrapolated (0 = plain iteration); the stopping rule is applied to plain
        consecutive steps only, so the result meets the same criterion (see ``dcegm``).

    A non-monotone endogenous grid (a non-concave continuation value, possible with several
    varieties) is resolved by an upper envelope over the EGM segments. Raises
    ``ConvergenceError`` when ``maxiter`` is reached or when a non-monotone grid occurs without
    values (``values=False`` with one variety, where the problem is concave).
    """
    from equilibria.ext import dcegm

    grid, income, transition, prices = _check_inputs(grid, income, transition, prices, R, beta,
                                                     gamma, sigma)
    m, nz, n = prices.size, income.size, grid.size
    values = bool(values or m > 1)
    if guess is None:
        marginal, value = initial_guess(grid, income, prices, R, gamma)
    else:
        marginal = np.array(guess[0], dtype=float, order="C")
        value = np.zeros((nz, n)) if guess[1] is None else np.array(guess[1], dtype=float, order="C")
    savings = np.zeros((m, nz, n))
    spending = np.empty((m, nz, n))
    choice_value = np.zeros((m, nz, n))
    probabilities = np.empty((m, nz, n))
    it, dist, shift, bad = dcegm.egm_iterate(grid, income, transition, prices, float(R), float(beta),
                                             float(gamma), float(sigma), values, marginal, value,
                                             savings, spending, choice_value, probabilities,
                                             float(tol), int(maxiter), int(threads),
                                             int(extrapolate))
    if bad:
        raise ConvergenceError(
            f"DC-EGM: endogenous grid not monotone at {bad} points without values to choose the "
            "upper envelope (solve with values=True)", history=[dist])
    if not dist < tol:
        raise ConvergenceError(f"DC-EGM did not converge in {it} iterations (distance {dist:.3e})",
                               history=[dist])
    if not (np.all(np.isfinite(spending)) and np.all(np.isfinite(marginal))):
        raise ConvergenceError("DC-EGM produced non-finite policies", history=[dist])
    level = shift / (1.0 - beta)
    return HouseholdSolution(
        grid=grid, prices=prices, savings=savings, spending=spending,
        choice_value=(choice_value + beta * level) if values else None,
        probabilities=probabilities, value=(value + level) if values else None,
        marginal=marginal, iterations=int(it), distance=float(dist))


@dataclass
class StepResult:
    """One period's policies from one backward step; arrays indexed [option j, state z, asset k].

    ``marginal`` is this period's dV/da = R sum_j pi_j u'(c_j) / p_j (eq. 69), the input of the
    step one period earlier; ``value`` (when values are iterated) is the expected value before
    taste shocks (eq. 11).
    """

    savings: np.ndarray
    spending: np.ndarray
    probabilities: np.ndarray
    marginal: np.ndarray
    value: np.ndarray | None


def backward_step(grid, income, transition, R, beta, gamma, marginal_next, *, prices=None,
                  sigma=1.0, value_next=None):
    """One EGM step at this period's gross return ``R`` and ``income`` (one period of a path).

    ``marginal_next`` (n_z, n_a) is next period's dV/da on the grid (and ``value_next`` its
    value, needed with several options). Inputs are not validated (the caller checked the
    grid and chain once); the step is the kernel's (``equilibria.ext.dcegm``) with
    ``maxiter = 1``. Raises ``ConvergenceError`` if the endogenous grid folds and no values
    are available to take the upper envelope.
    """
    from equilibria.ext import dcegm

    prices = np.ones(1) if prices is None else np.ascontiguousarray(np.atleast_1d(prices), dtype=float)
    m = prices.size
    nz, n = len(income), len(grid)
    values = value_next is not None or m > 1
    marginal = np.array(marginal_next, dtype=float, order="C")
    if values:
        value = np.zeros((nz, n)) if value_next is None else np.array(value_next, dtype=float, order="C")
    else:
        value = np.zeros((1, 1))
    savings = np.zeros((m, nz, n))
    spending = np.empty((m, nz, n))
    choice_value = np.zeros((m, nz, n)) if values else np.zeros((m, nz, n))
    probabilities = np.empty((m, nz, n))
    _, _, shift, bad = dcegm.egm_iterate(grid, np.ascontiguousarray(income, dtype=float), transition,
                                         prices, float(R), float(beta), float(gamma), float(sigma),
                                         values, marginal, value, savings, spending, choice_value,
                                         probabilities, 0.0, 1, 1, 0)
    if bad:
        raise ConvergenceError(f"EGM step: endogenous grid not monotone at {bad} points without values "
                               "to choose the upper envelope", history=[])
    return StepResult(savings=savings, spending=spending, probabilities=probabilities,
                      marginal=marginal, value=(value + shift) if values else None)


# ----------------------------------------------------------------------------------------------
# NumPy twin: the specification of one kernel step
# ----------------------------------------------------------------------------------------------

def egm_step_numpy(grid, income, transition, prices, R, beta, gamma, sigma, marginal, value,
                   values=True):
    """One DC-EGM step (App. B, steps 1-5; eq. 72, 73, 10, 11, 69) in NumPy.

    Returns ``savings, spending, choice_value, probabilities, marginal_new, value_new`` where
    ``value_new`` is the log-sum (eq. 11) of the new choice values (not shifted) and the
    choice values use the continuation ``beta E[value]`` of the given (relative) ``value``.
    """
    grid = np.asarray(grid, float)
    prices = np.atleast_1d(np.asarray(prices, float))
    n, m, nz = grid.size, prices.size, len(income)
    wa = beta * transition @ marginal                      # beta E[dV/da'(a', z') | z]
    w = beta * transition @ value if values else np.zeros((nz, n))
    base = wa ** (-1.0 / gamma)
    cash = R * grid[None, :] + np.asarray(income, float)[:, None]
    savings = np.empty((m, nz, n))
    spending = np.empty((m, nz, n))
    choice_value = np.zeros((m, nz, n))
    for j, p in enumerate(prices):
        e_endog = p ** (1.0 - 1.0 / gamma) * base          # eq. (72): p u'^(-1)(p W_a)
        x_endog = e_endog + grid[None, :]
        v_endog = utility(e_endog / p, gamma) + w
        for z in range(nz):
            x = cash[z]
            if values and np.any(np.diff(x_endog[z]) <= 0):
                savings[j, z], choice_value[j, z] = _upper_envelope_numpy(
                    grid, x_endog[z], v_endog[z], w[z, 0], x, p, gamma)
                spending[j, z] = x - savings[j, z]
                continue
            idx = np.clip(np.searchsorted(x_endog[z], x, side="left") - 1, 0, n - 2)
            t = (x - x_endog[z, idx]) / (x_endog[z, idx + 1] - x_endog[z, idx])
            a_next = np.maximum(grid[idx] + t * (grid[idx + 1] - grid[idx]), grid[0])
            v = v_endog[z, idx] + t * (v_endog[z, idx + 1] - v_endog[z, idx])
            constrained = x <= x_endog[z, 0]                # eq. (71)
            a_next = np.where(constrained, grid[0], a_next)
            v = np.where(constrained, utility(np.maximum(x - grid[0], 1e-300) / p, gamma) + w[z, 0], v)
            savings[j, z] = a_next
            spending[j, z] = x - a_next
            choice_value[j, z] = v
    if m == 1:
        probabilities = np.ones((1, nz, n))
        value_new = choice_value[0].copy()
    else:
        vmax = choice_value.max(axis=0)
        expo = np.exp((choice_value - vmax) / sigma)
        total = expo.sum(axis=0)
        value_new = vmax + sigma * np.log(total)           # eq. (11)
        probabilities = expo / total                       # eq. (10)
    marginal_new = R * np.sum(probabilities * prices[:, None, None] ** (gamma - 1.0)
                              * spending ** (-gamma), axis=0)   # eq. (69)
    return savings, spending, choice_value, probabilities, marginal_new, value_new


def _upper_envelope_numpy(grid, x_endog, v_endog, cont0, x, price, gamma):
    """Upper envelope over all segments of a non-monotone endogenous grid (twin of the kernel):
    candidates are the constrained choice, every segment covering x and the extrapolated last
    segment above the grid; the first candidate with the highest value wins."""
    n = grid.size
    lo = np.minimum(x_endog[:-1], x_endog[1:])
    hi = np.maximum(x_endog[:-1], x_endog[1:])
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (x[:, None] - x_endog[None, :-1]) / (x_endog[None, 1:] - x_endog[None, :-1])
    covers = (x[:, None] >= lo[None, :]) & (x[:, None] <= hi[None, :]) & (hi > lo)[None, :]
    v_seg = np.where(covers, v_endog[None, :-1] + t * (v_endog[None, 1:] - v_endog[None, :-1]), -np.inf)
    a_seg = grid[None, :-1] + t * (grid[None, 1:] - grid[None, :-1])
    v_con = utility(np.maximum(x - grid[0], 1e-300) / price, gamma) + cont0
    t_top = (x - x_endog[n - 2]) / (x_endog[n - 1] - x_endog[n - 2])
    extrapolate = (x > x_endog.max()) & (np.argmax(x_endog) == n - 1)
    v_top = np.where(extrapolate, v_endog[n - 2] + t_top * (v_endog[n - 1] - v_endog[n - 2]), -np.inf)
    a_top = grid[n - 2] + t_top * (grid[n - 1] - grid[n - 2])
    values = np.column_stack([v_con, v_seg, v_top])
    choices = np.column_stack([np.full(x.size, grid[0]), a_seg, a_top])
    best = np.argmax(values, axis=1)
    rows = np.arange(x.size)
    return np.maximum(choices[rows, best], grid[0]), values[rows, best]


def solve_household_numpy(grid, income, transition, prices, R, beta, gamma, sigma, *,
                          values=True, tol=1e-10, maxiter=20_000):
    """Iterate ``egm_step_numpy`` with the kernel's convergence rule (slow; for tests)."""
    grid, income, transition, prices = _check_inputs(grid, income, transition, prices, R, beta,
                                                     gamma, sigma)
    values = bool(values or prices.size > 1)
    marginal, value = initial_guess(grid, income, prices, R, gamma)
    savings_old = np.zeros((prices.size, income.size, grid.size))
    shift = 0.0
    for it in range(1, maxiter + 1):
        savings, spending, cv, prob, marginal, value_new = egm_step_numpy(
            grid, income, transition, prices, R, beta, gamma, sigma, marginal, value, values)
        dist = np.max(np.abs(savings - savings_old))
        savings_old = savings
        if values:
            shift = value_new[0, -1]
            scale = max(1.0, np.max(np.abs(value_new)))
            dist = max(dist, np.max(np.abs(value_new - shift - value)) / scale)
            value = value_new - shift
        if dist < tol:
            break
    else:
        raise ConvergenceError("NumPy DC-EGM did not converge", history=[dist])
    level = shift / (1.0 - beta)
    return HouseholdSolution(grid=grid, prices=prices, savings=savings, spending=spending,
                             choice_value=(cv + beta * level) if values else None,
                             probabilities=prob, value=(value + level) if values else None,
                             marginal=marginal, iterations=it, distance=float(dist))


# ----------------------------------------------------------------------------------------------
# Independent reference: value-function iteration with a' on a fine grid
# ----------------------------------------------------------------------------------------------

def solve_household_vfi(grid, income, transition, prices, R, beta, gamma, sigma, *,
                        choice_points=2000, tol=1e-9, maxiter=5000):
    """Brute-force VFI of eq. (8)-(11): a' searched on a fine grid, V interpolated linearly.

    Returns (value (n_z, n_a), choice_value (M, n_z, n_a), savings (M, n_z, n_a)). Accuracy is
    limited by the spacing of the choice grid (policies) and is second order for values.
    """
    grid = np.asarray(grid, float)
    prices = np.atleast_1d(np.asarray(prices, float))
    income = np.asarray(income, float)
    fine = np.linspace(grid[0], grid[-1], choice_points)
    cash = R * grid[None, :] + income[:, None]
    m, nz, n = prices.size, income.size, grid.size
    value = np.zeros((nz, n))
    shift = 0.0
    for it in range(maxiter):
        cont = beta * transition @ value                        # (nz, n)
        cont_fine = np.array([np.interp(fine, grid, cont[z]) for z in range(nz)])
        cv = np.empty((m, nz, n))
        pol = np.empty((m, nz, n))
        for j, p in enumerate(prices):
            for z in range(nz):
                spend = cash[z][:, None] - fine[None, :]
                with np.errstate(divide="ignore", invalid="ignore"):
                    obj = np.where(spend > 0, utility(np.maximum(spend, 1e-300) / p, gamma), -np.inf)
                obj = obj + cont_fine[z][None, :]
                best = np.argmax(obj, axis=1)
                cv[j, z] = obj[np.arange(n), best]
                pol[j, z] = fine[best]
        vmax = cv.max(axis=0)
        new = vmax + sigma * np.log(np.exp((cv - vmax) / sigma).sum(axis=0)) if m > 1 else cv[0]
        shift = new[0, -1]
        dist = np.max(np.abs(new - shift - value))
        value = new - shift
        if dist < tol:
            break
    level = shift / (1.0 - beta)
    return value + level, cv + beta * level, pol


def euler_errors(solution, income, transition, R, beta, gamma, sigma, points, skip_kink=True):
    """Relative Euler-equation errors (eq. 70-71) at arbitrary asset levels ``points``.

    For variety j, state z and asset level a (off the grid) the savings policy is interpolated
    linearly, spending is the budget residual, the right-hand side
    ``RHS = beta R E[sum_j' pi_j'(a', z') u'(c_j'(a', z')) / p_j']`` is evaluated with the
    policies interpolated at a', and the error is ``|1 - e_implied / e|`` with the implied
    spending ``e_implied = p_j^(1 - 1/gamma) RHS^(-1/gamma)``. Where the policy is at the
    borrowing limit only the inequality ``u'(c)/p_j >= RHS`` is required (error
    ``max(0, e / e_implied - 1)``). With ``skip_kink`` the one grid interval per (j, z) where
    the constraint stops binding is excluded (linear interpolation cannot represent the kink;
    its error shrinks only with the grid spacing), and so are points whose a' falls in such an
    interval of tomorrow's policies. Returns an array (M, n_z, len(points)), NaN where skipped.
    """
    grid, prices = solution.grid, solution.prices
    m, nz = prices.size, len(income)
    points = np.asarray(points, float)
    errors = np.zeros((m, nz, points.size))
    cell = np.clip(np.searchsorted(grid, points, side="right") - 1, 0, grid.size - 2)
    bound_all = solution.savings <= grid[0] + 1e-12
    kink_all = bound_all[:, :, :-1] != bound_all[:, :, 1:]            # (M, n_z, n_a - 1)
    for j in range(m):
        for z in range(nz):
            pol = solution.savings[j, z]
            a_next = np.interp(points, grid, pol)
            spend = R * points + income[z] - a_next
            rhs = np.zeros_like(points)
            for zp in range(nz):
                if transition[z, zp] == 0:
                    continue
                mu = np.zeros_like(points)
                for jp in range(m):
                    prob = np.interp(a_next, grid, solution.probabilities[jp, zp])
                    sp = np.interp(a_next, grid, solution.spending[jp, zp])
                    mu += prob * prices[jp] ** (gamma - 1.0) * sp ** (-gamma)
                rhs += transition[z, zp] * mu
            rhs *= beta * R
            implied = prices[j] ** (1.0 - 1.0 / gamma) * rhs ** (-1.0 / gamma)
            err = np.abs(1.0 - implied / spend)
            bound = pol <= grid[0] + 1e-12
            at_limit = bound[cell] & bound[cell + 1]
            err = np.where(at_limit, np.maximum(0.0, spend / implied - 1.0), err)
            if skip_kink:
                kink = bound[cell] != bound[cell + 1]
                # ... and points whose a' falls in a kink interval of tomorrow's policies
                next_cell = np.clip(np.searchsorted(grid, a_next, side="right") - 1, 0, grid.size - 2)
                reachable = transition[z] > 0
                kink |= np.any(kink_all[:, reachable][:, :, next_cell], axis=(0, 1))
                err = np.where(kink, np.nan, err)
            errors[j, z] = err
    return errors


def value_parts(solution, transition, beta, gamma, sigma, tol=1e-11, maxiter=10_000):
    """Split the value into consumption utility U and taste-shock part S by policy evaluation.

    With logit choice, E[max_j v_j + eps_j] = sum_j pi_j v_j - sigma sum_j pi_j log pi_j, so
    following the solution's policies
    U(a, z) = sum_j pi_j [u(c_j) + beta E U(a'_j, z')] and
    S(a, z) = -sigma sum_j pi_j log pi_j + sum_j pi_j beta E S(a'_j, z'),
    with U and S interpolated linearly at a'. U + S is the value under this one discretization
    (it differs from the DC-EGM value by the interpolation error, O(h^2)); welfare comparisons
    use U + S on both sides so that the two schemes are never mixed.
    """
    grid = solution.grid
    prob = solution.probabilities
    flow_u = np.sum(prob * utility(solution.consumption, gamma), axis=0)
    flow_s = -sigma * np.sum(np.where(prob > 0, prob * np.log(np.clip(prob, 1e-300, None)), 0.0), axis=0)
    m, nz, n = solution.savings.shape
    index = np.clip(np.searchsorted(grid, solution.savings, side="right") - 1, 0, n - 2)
    weight = np.clip((grid[index + 1] - solution.savings) / (grid[index + 1] - grid[index]), 0.0, 1.0)
    rows = np.arange(nz)[None, :, None]
    flows = np.stack([flow_u, flow_s])
    parts = flows / (1.0 - beta)
    for _ in range(maxiter):
        cont = beta * np.einsum("zy,pyk->pzk", transition, parts)
        at = weight[None] * cont[:, rows[0], index] + (1.0 - weight[None]) * cont[:, rows[0], index + 1]
        new = flows + np.sum(prob[None] * at, axis=1)
        if np.max(np.abs(new - parts)) < tol * max(1.0, np.max(np.abs(new))):
            return new[0], new[1]
        parts = new
    raise ConvergenceError("policy evaluation of the value parts did not converge", history=[])


def consumption_equivalent(value_to, consumption_to, value_from, gamma, beta):
    """g with (1+g)^(1-gamma) U_to + (V_to - U_to) = V_from: the permanent proportional change in
    consumption (taste shocks and behaviour unchanged) that makes economy ``to`` as good as
    ``from`` at the same state; log utility: g = exp((1-beta)(V_from - V_to)) - 1."""
    if gamma == 1.0:
        return np.exp((1.0 - beta) * (value_from - value_to)) - 1.0
    taste = value_to - consumption_to
    ratio = (value_from - taste) / consumption_to
    with np.errstate(invalid="ignore"):
        return np.where(ratio > 0, ratio ** (1.0 / (1.0 - gamma)) - 1.0, np.nan)
