"""equilibria: equilibria of economic models from agents, markets and planners.

Public API::

    from equilibria import Agent, Market, Economy, Equilibrium, SolveReport
    from equilibria import Parameters, param, ParameterError, ConvergenceError
    from equilibria import Plugin, Experiment, Theorem, Result, Table, Planner
"""
from .agent import Agent
from .economy import Economy
from .equilibrium import Equilibrium, SolveReport
from .errors import ConvergenceError, EquilibriaError, ParameterError
from .market import Market
from .params import Parameters, param
from .planner import Planner, PlannerSolution, efficiency_gap
from .registry import Experiment, Plugin, discover, get_plugin
from .results import Result, Table
from .validation import Theorem, TheoremOutcome, check_theorem

__version__ = "0.1.0"

__all__ = [
    "Agent", "Market", "Economy", "Equilibrium", "SolveReport",
    "ParameterError", "ConvergenceError", "EquilibriaError",
    "Parameters", "param", "Planner", "PlannerSolution", "efficiency_gap",
    "Plugin", "Experiment", "discover", "get_plugin",
    "Result", "Table", "Theorem", "TheoremOutcome", "check_theorem",
]
