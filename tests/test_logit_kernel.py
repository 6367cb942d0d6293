"""The compiled logit kernel against its NumPy twin."""
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from equilibria.numerics import logit, logit_numpy


def test_kernel_is_compiled():
    module = importlib.import_module("equilibria.ext.logit")
    assert module.__file__.endswith((".so", ".pyd")), "the logit kernel must be the compiled extension"


@given(arrays(np.float64, st.tuples(st.integers(1, 50), st.integers(1, 12)),
              elements=st.floats(-1e3, 1e3, allow_nan=False)),
       st.floats(1e-3, 1e2))
@settings(max_examples=200, deadline=None)
def test_kernel_matches_numpy_twin(values, scale):
    p, s = logit(values, scale)
    q, t = logit_numpy(values, scale)
    assert np.allclose(p, q, rtol=1e-12, atol=1e-300)
    assert np.allclose(s, t, rtol=1e-12, atol=1e-12)
    assert np.allclose(p.sum(axis=1), 1.0)


def test_large_batch_threads_and_stability():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(1_000_003, 4)) * 50
    p1, s1 = logit(values, 0.05, threads=1)
    p2, s2 = logit(values, 0.05, threads=2)
    q, t = logit_numpy(values, 0.05)
    assert np.array_equal(p1, p2) and np.array_equal(s1, s2)
    assert np.allclose(p1, q, atol=1e-14) and np.allclose(s1, t, rtol=1e-14)
    assert np.all(np.isfinite(s1))  # exp(1000) would overflow without the max shift


def test_logsum_closed_form_and_shapes():
    values = np.log(np.array([[1.0, 2.0, 3.0]]))
    p, s = logit(values, 1.0)
    assert np.allclose(p, [[1 / 6, 2 / 6, 3 / 6]]) and np.allclose(s, np.log(6.0))
    batch = np.zeros((2, 3, 4))
    p, s = logit(batch, 0.5)
    assert p.shape == (2, 3, 4) and s.shape == (2, 3) and np.allclose(s, 0.5 * np.log(4))


def test_bad_input():
    with pytest.raises(ValueError, match="scale"):
        logit(np.zeros((2, 2)), 0.0)
    with pytest.raises(FloatingPointError, match="NaN"):
        logit(np.array([[np.nan, 1.0]]), 1.0)


def test_unavailable_choices_with_minus_infinity():
    values = np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, -np.inf]])
    p, s = logit(values, 0.5)
    q, t = logit_numpy(values, 0.5)
    assert np.allclose(p, q) and np.allclose(s, t)
    assert p[0, 1] == 0.0 and p[1, 1] == 1.0 and s[1] == 2.0
