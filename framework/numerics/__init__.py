"""Shared numerics: Markov chains, grids, interpolation."""
from .grids import double_exponential_grid, exponential_grid
from .interpolation import interp_linear, locate
from .logit import logit, logit_numpy
from .markov import check_transition_matrix, rouwenhorst, stationary_distribution, tauchen

__all__ = ["tauchen", "rouwenhorst", "stationary_distribution", "check_transition_matrix",
           "exponential_grid", "double_exponential_grid", "interp_linear", "locate", "logit", "logit_numpy"]
