"""Heterogeneous households: the savings problem, the distribution, aggregation and blocks.

The pieces, each usable alone:

* :mod:`~equilibria.household.egm` — the savings problem with CRRA utility, a Markov income
  chain and a borrowing limit, optionally a logit choice among J options (with the upper
  envelope where the endogenous grid folds), by the endogenous grid method:
  :func:`solve_household` (stationary policies), :func:`backward_step` (one period).
* :mod:`~equilibria.household.distribution` — Young's lottery: :func:`forward_step`, its
  transpose :func:`expectation_step`, :func:`stationary_distribution`, :func:`aggregate`.
* :mod:`~equilibria.household.block` — :class:`IncomeFluctuationBlock`, a household block built
  from these pieces: steady state, transition paths and sequence-space Jacobians of its
  aggregates with respect to its inputs (fake-news algorithm, exact derivatives).

Names are imported on first use.
"""
from importlib import import_module

_EXPORTS = {
    "HouseholdSolution": "egm", "StepResult": "egm", "solve_household": "egm",
    "solve_household_numpy": "egm", "egm_step_numpy": "egm", "solve_household_vfi": "egm",
    "backward_step": "egm", "initial_guess": "egm", "utility": "egm", "euler_errors": "egm",
    "natural_borrowing_limit": "egm", "value_parts": "egm", "consumption_equivalent": "egm",
    "lottery": "distribution", "lottery_numpy": "distribution", "forward_numpy": "distribution",
    "forward_step": "distribution", "expectation_step": "distribution",
    "stationary_distribution": "distribution", "stationary_numpy": "distribution",
    "aggregate": "distribution", "exogenous_stationary": "distribution",
    "IncomeFluctuationBlock": "block", "SteadyState": "block", "HouseholdPath": "block",
    "income_chain": "block",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'equilibria.household' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
