"""The core's EGM with an upper envelope for non-concave problems: kernel against its NumPy twin, one
step against a brute-force search with a known non-concave continuation, and a retirement problem
(a discrete choice that makes the continuation non-concave) against value-function iteration."""
import numpy as np
import pytest

from equilibria import ParameterError
from equilibria.household import envelope_values, envelope_values_numpy, folds
from equilibria.household.envelope import endogenous_points


def _random_inputs(seed, branches=7, na=15, nm=60):
    rng = np.random.default_rng(seed)
    assets = np.concatenate([[0.0], np.cumsum(rng.uniform(0.05, 0.6, na - 1))])
    cont = np.log1p(assets)[None, :] + 0.3 * np.sin(5 * assets)[None, :] * rng.uniform(0.5, 1.5, (branches, 1))
    marginal = np.exp(rng.normal(-0.5, 1.0, (branches, na)))            # not the slope: grids fold anywhere
    resources = rng.uniform(-0.5, 1.3 * assets[-1], (branches, nm))
    return assets, cont, marginal, resources


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("price, gamma", [(1.0, 1.0), (1 / 1.04, 1.0), (0.9, 2.5), (1.0, 0.5)])
def test_kernel_matches_numpy_twin(seed, price, gamma):
    assets, cont, marginal, resources = _random_inputs(seed)
    assert folds(assets, marginal, price, gamma).any(), "the test needs folded endogenous grids"
    v_np, a_np = envelope_values_numpy(assets, cont, marginal, resources, price, gamma)
    v_k, a_k = envelope_values(assets, cont, marginal, resources, price, gamma)
    finite = np.isfinite(v_np)
    assert np.array_equal(finite, np.isfinite(v_k))
    assert not finite.all(), "the test needs infeasible cash on hand too"
    assert np.max(np.abs(v_np[finite] - v_k[finite])) < 1e-12
    assert np.max(np.abs(a_np - a_k)) < 1e-12
    assert np.all(a_k[~finite] == assets[0])


def test_monotone_grid_is_the_plain_egm():
    """Without folds the answer is the interpolated EGM policy, or saving nothing where that is better
    (below the first endogenous point, and on the first segment where the chord of W is below W(0)
    plus the interpolated gain)."""
    assets = np.linspace(0.0, 5.0, 30)
    cont = 2.0 * np.log(1.0 + assets)
    marginal = 2.0 / (1.0 + assets)
    m = np.linspace(0.01, 8.0, 200)[None, :]
    assert not folds(assets, marginal).any()
    values, savings = envelope_values(assets, cont[None], marginal[None], m)
    m_endog = endogenous_points(assets, marginal)
    plain = np.where(m[0] > m_endog[0], np.interp(m[0], m_endog, assets), 0.0)
    plain_value = np.log(m[0] - plain) + np.interp(plain, assets, cont)
    assert np.all(values[0] >= plain_value - 1e-12)
    same = np.abs(values[0] - plain_value) < 1e-12
    assert same.mean() > 0.9 and np.max(np.abs(savings[0][same] - plain[same])) < 1e-12
    assert np.all(savings[0][~same] == 0.0) and np.all(m[0][~same] < m_endog[1])   # only on the first segment


def test_one_step_with_a_non_concave_continuation_matches_a_fine_search():
    """W(a') = max(log(1 + a'), 1.6 log(a' - 1) + 0.5 for a' > 1): a kink where a durable becomes
    affordable. The EGM with envelope (W, W' exact on a fine grid) equals the best a' found by
    searching a very fine grid of a' with the exact W."""
    def w(a):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.maximum(np.log1p(a), np.where(a > 1, 1.6 * np.log(np.maximum(a - 1, 1e-300)) + 0.5, -np.inf))

    def w_prime(a):
        with np.errstate(divide="ignore", invalid="ignore"):
            second = np.where(a > 1, 1.6 * np.log(np.maximum(a - 1, 1e-300)) + 0.5, -np.inf)
            return np.where(second > np.log1p(a), 1.6 / np.maximum(a - 1, 1e-300), 1 / (1 + a))

    price, beta = 1 / 1.03, 0.9
    assets = np.linspace(0.0, 12.0, 2401)
    cont, marginal = beta * w(assets), beta * w_prime(assets)
    assert folds(assets, marginal, price).all(), "the continuation must make the endogenous grid fold"
    m = np.linspace(0.05, 9.0, 400)
    values, savings = envelope_values(assets, cont[None], marginal[None], m[None], price)
    fine = np.linspace(0.0, 12.0, 600001)
    w_fine = beta * w(fine)
    for i in range(0, m.size, 7):
        c = m[i] - price * fine
        with np.errstate(divide="ignore", invalid="ignore"):
            objective = np.where(c > 0, np.log(np.maximum(c, 1e-300)) + w_fine, -np.inf)
        best = int(np.argmax(objective))
        assert values[0, i] == pytest.approx(objective[best], abs=2e-5), m[i]
        assert savings[0, i] == pytest.approx(fine[best], abs=0.02), m[i]


def _retirement_problem():
    return dict(periods=8, beta=0.96, R=1.03, wage=1.0, pension=0.3, effort=0.45,
                assets=np.linspace(0.0, 10.0, 241))


def _retirement_egm(periods, beta, R, wage, pension, effort, assets):
    """Worker or retired (absorbing); log utility; work pays ``wage`` at utility cost ``effort``; cash on
    hand m = R a + income, c = m - a'. The worker's next value is a maximum of two concave functions."""
    v_work_next = v_retired_next = None
    folded = False
    for t in range(periods - 1, -1, -1):
        m_work, m_retired = R * assets + wage, R * assets + pension
        if v_work_next is None:          # last period: consume everything
            v_w, c_w = np.log(m_work) - effort, m_work
            v_r, c_r = np.log(m_retired), m_retired
        else:
            cont = beta * np.stack([v_work_next[0], v_retired_next[0]])
            marginal = beta * np.stack([v_work_next[1], v_retired_next[1]])
            folded |= bool(folds(assets, marginal).any())
            values, savings = envelope_values(assets, cont, marginal, np.stack([m_work, m_retired]), 1.0)
            v_w, c_w = values[0] - effort, m_work - savings[0]
            v_r, c_r = values[1], m_retired - savings[1]
        work = v_w >= v_r
        v_worker = np.where(work, v_w, v_r)
        marginal_worker = R / np.where(work, c_w, c_r)
        v_work_next, v_retired_next = (v_worker, marginal_worker), (v_r, R / c_r)
    return v_work_next[0], v_retired_next[0], work, folded


def _retirement_vfi(periods, beta, R, wage, pension, effort, assets, fine_points=6001):
    """The same problem by brute force: a' on a fine grid, next values interpolated on the asset grid."""
    fine = np.linspace(assets[0], assets[-1], fine_points)
    v_worker = v_retired = None
    for t in range(periods - 1, -1, -1):
        m_work, m_retired = R * assets + wage, R * assets + pension
        if v_worker is None:
            v_w, v_r = np.log(m_work) - effort, np.log(m_retired)
        else:
            w_work, w_ret = beta * np.interp(fine, assets, v_worker), beta * np.interp(fine, assets, v_retired)
            c_w, c_r = m_work[:, None] - fine[None], m_retired[:, None] - fine[None]
            with np.errstate(divide="ignore", invalid="ignore"):
                v_w = np.where(c_w > 0, np.log(np.maximum(c_w, 1e-300)) + w_work, -np.inf).max(1) - effort
                v_r = np.where(c_r > 0, np.log(np.maximum(c_r, 1e-300)) + w_ret, -np.inf).max(1)
        work = v_w >= v_r
        v_worker, v_retired = np.maximum(v_w, v_r), v_r
    return v_worker, v_retired, work


def test_retirement_choice_matches_value_function_iteration():
    """A finite-horizon retirement problem (Iskhakov, Jørgensen, Rust and Schjerning 2017, without taste
    shocks): the worker's continuation is the maximum of working and retiring, the EGM's grid folds, and
    the EGM with the upper envelope agrees with brute-force value-function iteration."""
    problem = _retirement_problem()
    v_worker, v_retired, work, folded = _retirement_egm(**problem)
    assert folded, "the problem must make the endogenous grid fold"
    ref_worker, ref_retired, ref_work = _retirement_vfi(**problem)
    # both are discretizations (the EGM's W' by the envelope condition, the VFI's W linear): they agree to
    # the grid's accuracy, which is worst near the borrowing limit where consumption is small
    for ours, reference in ((v_retired, ref_retired), (v_worker, ref_worker)):
        assert np.max(np.abs(ours - reference)) < 3e-3 and np.median(np.abs(ours - reference)) < 1e-4
    assert np.max(np.abs(v_worker - ref_worker)) < 5e-4
    assert np.array_equal(work, ref_work)
    assert work.any() and not work.all(), "both choices must occur at t = 0"


def test_bad_inputs_name_the_parameter():
    assets, cont, marginal, resources = _random_inputs(0)
    with pytest.raises(ParameterError, match="assets"):
        envelope_values(assets[::-1], cont, marginal, resources)
    with pytest.raises(ParameterError, match="cont"):
        envelope_values(assets, cont[:, :-1], marginal, resources)
    with pytest.raises(ParameterError, match="price"):
        envelope_values(assets, cont, marginal, resources, price=0.0)
    with pytest.raises(ParameterError, match="gamma"):
        envelope_values_numpy(assets, cont, marginal, resources, gamma=-1.0)
