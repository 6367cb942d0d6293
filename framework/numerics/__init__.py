"""Shared numerics: Markov chains, grids, interpolation, root finding."""
from .grids import double_exponential_grid, exponential_grid
from .interpolation import interp_linear, locate
from .logit import logit, logit_numpy
from .markov import check_transition_matrix, rouwenhorst, stationary_distribution, tauchen
from .roots import (ROOT_METHODS, RootResult, choose_method, find_root, finite_difference_jacobian,
                    solve_report)

__all__ = ["tauchen", "rouwenhorst", "stationary_distribution", "check_transition_matrix",
           "exponential_grid", "double_exponential_grid", "interp_linear", "locate", "logit", "logit_numpy",
           "find_root", "RootResult", "ROOT_METHODS", "choose_method", "finite_difference_jacobian",
           "solve_report"]
