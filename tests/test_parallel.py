"""framework/parallel.py: executors and deterministic chunking give identical results."""
import functools

import numpy as np
import pytest

from equilibria.parallel import (DaskExecutor, ProcessExecutor, SerialExecutor, chunk_ranges, get_executor,
                                 map_chunks, uniform_rows)


def _row_sums(bounds, seed):
    start, stop = bounds
    return uniform_rows(seed, start, stop, (3, 2), block_size=100).sum(axis=(1, 2))


def test_chunk_ranges_cover_exactly():
    assert chunk_ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert chunk_ranges(0, 3) == []
    with pytest.raises(ValueError):
        chunk_ranges(5, 0)


def test_uniform_rows_do_not_depend_on_chunking():
    whole = uniform_rows(7, 0, 1000, (4,), block_size=128)
    pieces = np.concatenate([uniform_rows(7, a, b, (4,), block_size=128) for a, b in chunk_ranges(1000, 77)])
    np.testing.assert_array_equal(whole, pieces)
    assert not np.array_equal(whole, uniform_rows(8, 0, 1000, (4,), block_size=128))
    assert whole.min() >= 0 and whole.max() < 1


def test_serial_and_process_executors_agree():
    fn = functools.partial(_row_sums, seed=3)
    serial = np.concatenate(map_chunks(SerialExecutor(), fn, 2500, 1000))
    with ProcessExecutor(2) as ex:
        procs = np.concatenate(map_chunks(ex, fn, 2500, 333))
    np.testing.assert_array_equal(serial, procs)


def test_population_is_identical_across_executors_and_chunks():
    from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem
    from equilibria.plugins.tyazhelnikov2016.population import CostDistribution, simulate

    problem = FirmProblem.create(6, [[0, 1, 2], [1, 0, 1], [2, 1, 0]], 0.3)
    dist = CostDistribution("lognormal", 0.8, 1.0)
    base = simulate(problem, dist, [1.0, 1.2, 0.9], 9000, seed=11, chunk_size=9000)
    other = simulate(problem, dist, [1.0, 1.2, 0.9], 9000, seed=11, chunk_size=1234)
    for name in ("mc", "path", "ntmc", "tq", "trade_cost", "crossings"):
        np.testing.assert_array_equal(getattr(base.solution, name), getattr(other.solution, name))
    np.testing.assert_array_equal(base.labor, other.labor)
    with ProcessExecutor(2) as ex:
        procs = simulate(problem, dist, [1.0, 1.2, 0.9], 9000, seed=11, executor=ex, chunk_size=4000)
    np.testing.assert_array_equal(base.mc, procs.mc)
    np.testing.assert_array_equal(base.labor, procs.labor)


def test_dask_local_cluster_two_workers_on_loopback():
    pytest.importorskip("distributed")
    from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem
    from equilibria.plugins.tyazhelnikov2016.population import CostDistribution, simulate

    problem = FirmProblem.create(5, [[0, 1], [1, 0]], 0.5, tariff="ad_valorem")
    dist = CostDistribution("pareto", 1.5, 0.2)
    base = simulate(problem, dist, [1.0, 1.1], 6000, seed=5, chunk_size=6000)
    with DaskExecutor(workers=2) as ex:
        assert ex.workers == 2
        address = ex.client.scheduler.address
        assert "127.0.0.1" in address
        dask = simulate(problem, dist, [1.0, 1.1], 6000, seed=5, executor=ex, chunk_size=1000)
    np.testing.assert_array_equal(base.mc, dask.mc)
    np.testing.assert_array_equal(base.solution.path, dask.solution.path)


def test_get_executor_names():
    assert isinstance(get_executor("serial"), SerialExecutor)
    from equilibria.errors import ParameterError

    with pytest.raises(ParameterError):
        get_executor("gpu")
