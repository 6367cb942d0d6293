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
from importlib import import_module

_EXPORTS = {
    "Model": "model", "SteadyState": "model", "LinearSystem": "model",
    "ModelDefinition": "modelfile", "ModelError": "modelfile", "read_model_file": "modelfile",
    "parse_model_text": "modelfile", "definition_from_mapping": "modelfile",
    "solve_linear": "qz",
    "LinearSolution": "solution", "Moments": "solution",
    "irf_figure": "figures",
    "SequenceModel": "transition", "TransitionResult": "transition", "linear_transition": "transition", "solve_transition": "transition", "general_equilibrium_jacobian": "transition", "finite_difference_jacobian": "transition", "EconomyTransition": "transition", "fake_news_jacobian": "fake_news",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'equilibria.dynamics' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
