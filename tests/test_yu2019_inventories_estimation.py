"""yu2019_inventories: data format, the shipped synthetic sample, IRF-matching estimation."""
import numpy as np
import pytest

from equilibria import ParameterError
from equilibria.econometrics import weighted_block_covariance
from equilibria.plugins.yu2019_inventories import estimation as est
from equilibria.plugins.yu2019_inventories.params import InventoryParameters

CALVO = InventoryParameters(firms="calvo")


def test_shipped_sample_is_the_documented_simulation():
    shipped = est.read_dataset(est.SYNTHETIC_FILE)
    assert shipped.shape == (240, 7)
    assert np.allclose(shipped, est.synthetic_dataset(CALVO), atol=1e-7)


def test_bad_csv_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("quarter,output\n0,1\n")
    with pytest.raises(ParameterError, match="lacks column"):
        est.read_dataset(path)
    with pytest.raises(ParameterError, match="does not exist"):
        est.read_dataset(tmp_path / "missing.csv")
    rows = ["quarter," + ",".join(est.DATA_COLUMNS)] + [f"{t}," + ",".join(["0.1"] * 7) for t in range(50)]
    rows[10] = "9," + ",".join(["x"] * 7)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ParameterError, match="line 11"):
        est.read_dataset(path)


def test_estimation_recovers_parameters_from_population_responses():
    truth = est.model_responses(CALVO)
    rng = np.random.default_rng(0)
    draws = truth[None] + 0.02 * rng.standard_normal((300, *truth.shape))
    blocks = weighted_block_covariance(draws[:, 1:, :])
    start = {k: getattr(CALVO, k) * 1.1 for k in est.ESTIMATED}
    start["alpha"] = 0.9
    fit = est.estimate(CALVO, truth, blocks, start=start, max_evaluations=600)
    assert fit.criterion < 1e-3
    for name in ("xi_p", "xi_w", "sigma_c", "alpha"):
        assert fit.values[name] == pytest.approx(getattr(CALVO, name), abs=0.03), name
    assert fit.decomposition.sum() == pytest.approx(fit.criterion)


def test_var_on_the_synthetic_sample_is_close_to_the_model():
    data = est.read_dataset(est.SYNTHETIC_FILE)
    irf, draws, lp = est.data_responses(data, policy_order="first", draws=60)
    model = est.model_responses(CALVO)
    lower, upper = np.percentile(draws, 2.5, axis=0), np.percentile(draws, 97.5, axis=0)
    inside = (model[1:] >= lower[1:]) & (model[1:] <= upper[1:])
    assert inside.mean() > 0.8
    assert lp.shape == irf.shape and np.all(np.isfinite(lp))
