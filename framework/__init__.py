"""equilibria: equilibria of economic models from agents, markets and planners.

Public API::

    from equilibria import Agent, Market, Economy, Equilibrium, SolveReport
    from equilibria import Parameters, param, ParameterError, ConvergenceError
    from equilibria import Plugin, Experiment, Theorem, Result, Table, Planner

Names are imported on first use (PEP 562), so ``equilibria --help`` does not pay for NumPy.
"""
from .lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "Agent": "agent", "Market": "market", "Economy": "economy",
    "Equilibrium": "equilibrium", "SolveReport": "equilibrium",
    "ParameterError": "errors", "ConvergenceError": "errors", "EquilibriaError": "errors",
    "DeterminacyError": "errors",
    "Parameters": "params", "param": "params",
    "Planner": "planner", "PlannerSolution": "planner", "efficiency_gap": "planner",
    "Plugin": "registry", "Experiment": "registry", "discover": "registry", "get_plugin": "registry",
    "Result": "results", "Table": "results",
    "Theorem": "validation", "TheoremOutcome": "validation", "check_theorem": "validation",
    "SerialExecutor": "parallel", "ProcessExecutor": "parallel", "DaskExecutor": "parallel",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
