"""The documented baseline calibration of the heterogeneous-agent model.

The source (an April 2022 draft) has no calibration section, so every number below is a
choice stated with its origin; nothing is taken from the paper's (absent) tables.

* Countries, productivity A_i, labor L_i and trade costs d_ij: the static model's default
  three-country example (``params.py``): trade costs 1.4-1.8, in the range of Eaton-Kortum
  and Simonovska-Waugh estimates for rich-country pairs.
* σ_ε = 0.25, so θ = 1/σ_ε = 4 in the static/planner benchmark (Simonovska and Waugh 2014
  estimate a trade elasticity of about 4).
* γ = 2: the usual coefficient of relative risk aversion of incomplete-markets models
  (γ ≠ 1 is what makes the decentralized trade elasticity non-constant; with γ = 1 the
  choice probabilities are the gravity shares of eq. 43 at every state).
* β = 0.92 (annual), low enough that the Huggett-style bond market clears at R well below 1/β.
* Income: log z an AR(1) with ρ = 0.9 and innovation s.d. 0.2 on 5 Rouwenhorst states,
  E[z] = 1 — close to Floden and Lindé's (2001) annual estimates (0.91, 0.21).
* Borrowing limit φ_i = 1 mean labor income in every country (ad hoc; well inside the
  natural limit z_min β/(1-β) ≈ 4.1).
* Asset grid: 150 points on [-φ_i, 40] mean incomes, exponential with curvature 4.
* Financial globalization (one world bond market).
"""
from __future__ import annotations

import attrs

from equilibria import param
from equilibria.params import as_str, one_of

from .params import WaughParameters

__all__ = ["HeterogeneousParameters"]


@attrs.frozen(kw_only=True)
class HeterogeneousParameters(WaughParameters):
    """The plugin's parameters with the heterogeneous-agent baseline as default (model switch on)."""

    model = param("incomplete_markets", description="'static', 'hand_to_mouth' or 'incomplete_markets' "
                                                    "(see WaughParameters); default: incomplete markets",
                  converter=as_str, validator=one_of("static", "hand_to_mouth", "incomplete_markets"))
