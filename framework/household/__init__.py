"""Heterogeneous households: the savings problem, the distribution, aggregation and blocks.

The pieces, each usable alone:

* :mod:`~equilibria.household.egm` — the savings problem with CRRA utility, a Markov income
  chain and a borrowing limit, optionally a logit choice among J options (with the upper
  envelope where the endogenous grid folds), by the endogenous grid method:
  :func:`solve_household` (stationary policies), :func:`backward_step` (one period).
* :mod:`~equilibria.household.envelope` — one period of a non-concave savings problem (a
  discrete choice makes the continuation value non-concave) by the EGM with an upper envelope
  over the folded endogenous grid (Fella 2014): :func:`envelope_values`.
* :mod:`~equilibria.household.distribution` — Young's lottery: :func:`forward_step`, its
  transpose :func:`expectation_step`, :func:`stationary_distribution`, :func:`aggregate`.
* :mod:`~equilibria.household.block` — :class:`IncomeFluctuationBlock`, a household block built
  from these pieces: steady state, transition paths and sequence-space Jacobians of its
  aggregates with respect to its inputs (fake-news algorithm, exact derivatives).

"""
from .block import HouseholdPath, IncomeFluctuationBlock, SteadyState, income_chain
from .distribution import (aggregate, expectation_step, exogenous_stationary, forward_numpy, forward_step,
                           lottery, lottery_numpy, stationary_distribution, stationary_numpy)
from .envelope import endogenous_points, envelope_values, envelope_values_numpy, folds
from .egm import (HouseholdSolution, StepResult, backward_step, consumption_equivalent, egm_step_numpy,
                  euler_errors, initial_guess, natural_borrowing_limit, solve_household, solve_household_numpy,
                  solve_household_vfi, utility, value_parts)

__all__ = ["HouseholdSolution", "StepResult", "solve_household", "solve_household_numpy", "egm_step_numpy",
           "solve_household_vfi", "backward_step", "initial_guess", "utility", "euler_errors",
           "natural_borrowing_limit", "value_parts", "consumption_equivalent", "lottery", "lottery_numpy",
           "forward_numpy", "forward_step", "expectation_step", "stationary_distribution", "stationary_numpy",
           "aggregate", "exogenous_stationary", "IncomeFluctuationBlock", "SteadyState", "HouseholdPath",
           "income_chain", "envelope_values", "envelope_values_numpy", "endogenous_points", "folds"]
