"""tyazhelnikov2016: production clusters and offshoring (Tyazhelnikov 2016).

Firms choose where to produce each node of a sequential (snake) or tree technology, trading
off production-cost differences against trade costs; the problem is solved by the reversed
Bellman recursion of section 2 in a batched Cython kernel (:mod:`equilibria.ext.tyaz_dp`).
Populations of firms with random costs give the general equilibrium of section 4, the
liberalisation decomposition and the calibration of section 5.

Modules: :mod:`.technology` (trees), :mod:`.firm` (the firm's problem), :mod:`.reference`
(NumPy twin, brute force), :mod:`.examples` (Propositions 4 and 7), :mod:`.population`
(cost draws, chunked simulation), :mod:`.ge` (section 4), :mod:`.wages` (section 3.5),
:mod:`.solve` (the baseline), :mod:`.experiments`, :mod:`.quantities` (labels and units),
:mod:`.theorems`.
"""
from equilibria import Plugin

from .firm import FirmProblem, FirmSolution, solve_firms
from .params import EconomyParameters, FirmParameters
from .solve import solve

__all__ = ["plugin", "solve", "solve_firms", "FirmProblem", "FirmSolution", "FirmParameters", "EconomyParameters"]


def _experiments():
    from .experiments import EXPERIMENTS

    return EXPERIMENTS


def _theorems():
    from .theorems import THEOREMS

    return THEOREMS


plugin = Plugin(
    name="tyazhelnikov2016",
    paper="Tyazhelnikov (2016), Production Clusters and Offshoring, working paper (UC Davis)",
    description="Sequential (snake) and tree offshoring solved by reversed Bellman induction for batches of firms; "
                "unit and ad-valorem trade costs; general equilibrium with quasilinear CES and free entry; "
                "liberalisation decomposition and simulated calibration.",
    parameters=EconomyParameters,
    solve=solve,
    experiments=_experiments(),
    theorems=_theorems(),
    doc="docs/plugins/tyazhelnikov2016.md",
)
