"""Dynamics: linear rational-expectations models from equations.

Models from equations (Dynare-style time shifts, TOML model files or Python), steady state,
first-order perturbation, generalized-Schur (QZ) solution, impulse responses, simulation and
theoretical moments::

    from equilibria.dynamics import Model

    model = Model.from_file("rbc.toml")
    solution = model.solve(params={"beta": 0.98})
    solution.irf("eps_a", periods=40)      # {variable: array}, report units
    solution.moments().std                 # {variable: standard deviation}

Names are imported on first use (PEP 562), so importing ``equilibria.dynamics`` is cheap.
"""
from ..lazy import lazy_exports

_EXPORTS = {
    "Model": "model", "SteadyState": "model", "LinearSystem": "model",
    "ModelDefinition": "modelfile", "ModelError": "modelfile", "read_model_file": "modelfile",
    "parse_model_text": "modelfile", "definition_from_mapping": "modelfile",
    "solve_linear": "qz",
    "LinearSolution": "solution", "Moments": "solution",
    "irf_figure": "figures",
    "SequenceModel": "transition", "TransitionResult": "transition", "linear_transition": "transition", "solve_transition": "transition", "general_equilibrium_jacobian": "transition", "finite_difference_jacobian": "transition", "EconomyTransition": "transition", "fake_news_jacobian": "fake_news",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
