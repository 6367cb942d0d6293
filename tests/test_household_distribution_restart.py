"""The stationary distribution settles even where the kernel's mode extrapolation would not.

With a start at the fixed point and a tolerance near machine precision, the two successive changes
the extrapolation estimates the slowest mode from are round-off, and its kicks kept the
accelerated iteration from settling (a Krusell–Smith steady state failed with "Young's lottery did
not converge in 200000 steps"). ``stationary_distribution`` then iterates plainly from the same start.
"""
import numpy as np

from equilibria.household import distribution
from equilibria.plugins.krusell_smith.model import KrusellSmithModel
from equilibria.plugins.krusell_smith.params import KrusellSmithParameters

ECONOMY = {"alpha": 0.3463679818233768, "depreciation": 0.05186684408785883,
           "income_persistence": 0.632334362075728, "income_sd": 0.3108483557747831, "income_points": 4,
           "asset_points": 71, "asset_max": 207.6907643116262, "target_r": 0.01291730117168716}


def _last_call(monkeypatch):
    calls = []
    original = distribution.stationary_distribution

    def spy(*args, **kwargs):
        calls.append((args, dict(kwargs)))
        return original(*args, **kwargs)

    monkeypatch.setattr(distribution, "stationary_distribution", spy)
    import equilibria.household.block as block
    if hasattr(block, "stationary_distribution"):
        monkeypatch.setattr(block, "stationary_distribution", spy)
    return calls, original


def test_steady_state_of_the_economy_that_stalled(monkeypatch):
    calls, original = _last_call(monkeypatch)
    model = KrusellSmithModel(KrusellSmithParameters(**ECONOMY))
    ss = model.ss
    assert calls, "the steady state did not compute a stationary distribution"
    (grid, savings, probabilities, transition), kwargs = calls[-1]
    # the distribution returned is a fixed point of one plain step of the law of motion
    index, weight = distribution.lottery(grid, savings)
    step = distribution.forward_numpy(index, weight, probabilities, transition, ss.distribution)
    assert np.max(np.abs(step - ss.distribution)) < 1e-13
    # and the same as plain power iteration from the same start
    plain = original(grid, savings, probabilities, transition, **{**kwargs, "extrapolate": 0})
    assert np.max(np.abs(plain - ss.distribution)) < 1e-12
