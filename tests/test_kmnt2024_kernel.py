"""kmnt2024: the Cython batched inverse against its NumPy twin (numpy.linalg.inv)."""
import numpy as np
import pytest

from equilibria.plugins.kmnt2024.random_economy import random_arrays

kernel = pytest.importorskip("equilibria.ext.kmnt_inverse")


@pytest.mark.parametrize("seed,n", [(0, 1), (1, 3), (2, 17), (3, 64)])
@pytest.mark.parametrize("threads", [1, 2])
def test_kernel_matches_numpy(seed, n, threads):
    H = random_arrays(seed, n)["hessians"]
    out = np.empty_like(H)
    status = np.ones(n, dtype=np.intc)
    kernel.invert_negative_definite(H, out, status, threads)
    assert np.all(status == 0)
    np.testing.assert_allclose(out, np.linalg.inv(H), rtol=1e-9, atol=1e-13 * np.abs(np.linalg.inv(H)).max())
    np.testing.assert_array_equal(out, np.transpose(out, (0, 2, 1)))


def test_kernel_flags_matrices_that_are_not_negative_definite():
    H = random_arrays(4, 5)["hessians"]
    H[2] = -H[2]
    out = np.empty_like(H)
    status = np.zeros(5, dtype=np.intc)
    kernel.invert_negative_definite(H, out, status, 2)
    assert status[2] > 0 and np.all(np.delete(status, 2) == 0)


def test_blas_thread_settings_are_restored():
    from equilibria.blas import _global_controls, single_threaded_blas_global

    controls = _global_controls()
    before = [get() for get, _ in controls]
    with single_threaded_blas_global():
        assert all(get() == 1 for get, _ in controls)
    assert [get() for get, _ in controls] == before
