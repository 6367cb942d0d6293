"""krusell_smith: what the report shows -- closed-form comparisons, labels and units, an honest
steady-state report from the core's root finder."""
import numpy as np
import pytest

from equilibria.comparison import NOT_IN_SOURCE, REPRODUCED
from equilibria.errors import ConvergenceError
from equilibria.quantities import unlabelled
from equilibria.plugins.krusell_smith.experiments import impulse_responses, solve_baseline
from equilibria.plugins.krusell_smith.model import ASSET_MARKET_RTOL, solve_steady_state
from equilibria.plugins.krusell_smith.params import ImpulseParameters, KrusellSmithParameters

SMALL = dict(income_points=3, asset_points=120, asset_max=150.0)


def test_baseline_compares_the_markets_with_closed_forms_and_labels_everything():
    result = solve_baseline(KrusellSmithParameters(**SMALL))
    verdicts = {c.quantity: c.verdict for c in result.comparisons}
    assert verdicts["β, calibrated discount factor"] == NOT_IN_SOURCE
    assert [v for q, v in verdicts.items() if not q.startswith("β")] == [REPRODUCED, REPRODUCED]
    assert unlabelled(result.data, result.quantities) == []
    assert result.data["report"]["method"] == "brentq" and result.data["report"]["converged"]


def test_steady_state_report_is_the_asset_market_residual():
    steady = solve_steady_state(KrusellSmithParameters(**SMALL))
    assert steady.report.tolerance == ASSET_MARKET_RTOL * max(steady.values["K"], 1.0)
    assert steady.report.residual_norm == abs(steady.residuals["asset_market"]) <= steady.report.tolerance
    assert abs(steady.residuals["goods_market"]) < 1e-8


def test_a_search_for_beta_stopped_early_is_a_convergence_error_not_a_converged_report():
    with pytest.raises(ConvergenceError, match="asset market") as caught:
        solve_steady_state(KrusellSmithParameters(**SMALL), xtol=1e-3)
    assert caught.value.history and abs(caught.value.history[-1]) > ASSET_MARKET_RTOL


def test_impulse_responses_compare_the_impact_with_closed_forms():
    params = ImpulseParameters(**SMALL, periods=80, shock=0.02, persistence=0.7)
    result = impulse_responses(params)
    reproduced = [c for c in result.comparisons if c.verdict == REPRODUCED]
    assert len(reproduced) == 4
    r_impact = [c for c in reproduced if c.quantity.startswith("r on impact")]
    assert np.isclose(r_impact[0].source, 100 * (params.target_r + params.depreciation) * params.shock)
    assert unlabelled(result.data, result.quantities) == []
