"""textbook: three textbook DSGE models shipped as model files and solved by :mod:`equilibria.dynamics`.

* ``brock_mirman`` — stochastic growth with log utility and full depreciation (Brock and Mirman
  1972); the exact policy ``k_t = alpha beta a_t k_{t-1}^alpha`` is log-linear.
* ``rbc`` — a real business-cycle model with variable labor.
* ``nk`` — the three-equation New Keynesian model of Galí (2015), chapter 3, with an AR(1)
  monetary-policy shock.

The plugin uses the dynamics layer exactly as a user would: model files in ``data/`` read by
:class:`equilibria.dynamics.Model`. Modules: :mod:`.params`, :mod:`.models` (files, caches and
the closed forms the theorems compare with), :mod:`.comparisons` (results beside the closed forms),
:mod:`.quantities` (labels and units), :mod:`.experiments`, :mod:`.theorems`.
"""
from equilibria import Plugin

from .params import TextbookParameters
from .solve import solve

__all__ = ["plugin", "TextbookParameters", "solve"]


def _experiments():
    from .experiments import EXPERIMENTS

    return EXPERIMENTS


def _theorems():
    from .theorems import THEOREMS

    return THEOREMS


plugin = Plugin(
    name="textbook",
    paper="Brock and Mirman (1972), J. Econ. Theory 4(3); a textbook RBC model with variable labor; "
          "Galí (2015), Monetary Policy, Inflation, and the Business Cycle, 2nd ed., ch. 3",
    description="Three textbook DSGE models as model files: steady state, first-order perturbation, QZ "
                "solution, impulse responses and moments.",
    parameters=TextbookParameters,
    solve=solve,
    experiments=_experiments(),
    theorems=_theorems(),
    doc="docs/plugins/textbook.md",
)
