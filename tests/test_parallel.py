"""framework/parallel.py: executors and deterministic chunking give identical results; the
framework hands the executor chosen by --executor/--workers/--scheduler to experiments."""
import functools
import json
import time

import numpy as np
import pytest

from equilibria.errors import ParameterError
from equilibria.parallel import (DaskExecutor, ProcessExecutor, SerialExecutor, bootstrap, chunk_ranges, draw_rng,
                                 executor_of, executor_scope, get_executor, make_executor, map_chunks, map_draws,
                                 uniform_rows)


@pytest.fixture(scope="module")
def processes():
    """Two local worker processes shared by this module's tests (spawning them is the slow part)."""
    with ProcessExecutor(2) as ex:
        yield ex


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


def test_serial_and_process_executors_agree(processes):
    fn = functools.partial(_row_sums, seed=3)
    serial = np.concatenate(map_chunks(SerialExecutor(), fn, 2500, 1000))
    procs = np.concatenate(map_chunks(processes, fn, 2500, 333))
    np.testing.assert_array_equal(serial, procs)


def test_population_is_identical_across_executors_and_chunks(processes):
    from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem
    from equilibria.plugins.tyazhelnikov2016.population import CostDistribution, simulate

    problem = FirmProblem.create(6, [[0, 1, 2], [1, 0, 1], [2, 1, 0]], 0.3)
    dist = CostDistribution("lognormal", 0.8, 1.0)
    base = simulate(problem, dist, [1.0, 1.2, 0.9], 9000, seed=11, chunk_size=9000)
    other = simulate(problem, dist, [1.0, 1.2, 0.9], 9000, seed=11, chunk_size=1234)
    for name in ("mc", "path", "ntmc", "tq", "trade_cost", "crossings"):
        np.testing.assert_array_equal(getattr(base.solution, name), getattr(other.solution, name))
    np.testing.assert_array_equal(base.labor, other.labor)
    procs = simulate(problem, dist, [1.0, 1.2, 0.9], 9000, seed=11, executor=processes, chunk_size=4000)
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


# ----------------------------------------------------------------------------- Monte Carlo and bootstrap
def _noisy_mean(index, seed):
    return float(draw_rng(seed, index).standard_normal(50).mean())


def _mean_and_sd(sample):
    return [sample.mean(), sample.std()]


def test_map_draws_in_draw_order_whatever_the_task_size(processes):
    fn = functools.partial(_noisy_mean, seed=5)
    expected = [fn(i) for i in range(37)]
    assert map_draws(None, fn, 37, 1) == expected
    assert map_draws(SerialExecutor(), fn, 37, 100) == expected
    assert map_draws(processes, fn, 37, 4) == expected
    assert map_draws(processes, fn, 0, 4) == []


def test_bootstrap_resamples_rows_with_each_draws_own_generator(processes):
    data = np.arange(40.0).reshape(20, 2) ** 1.5
    draws = bootstrap(SerialExecutor(), _mean_and_sd, data[:, 0], 25, seed=3, draws_per_task=7)
    brute = []
    for b in range(25):  # the definition, written out
        rows = np.random.default_rng(np.random.SeedSequence([3, b])).integers(0, 20, 20)
        brute.append(_mean_and_sd(data[rows, 0]))
    np.testing.assert_array_equal(draws, np.array(brute))
    np.testing.assert_array_equal(bootstrap(processes, _mean_and_sd, data[:, 0], 25, seed=3, draws_per_task=2), draws)
    two_d = bootstrap(None, functools.partial(np.mean, axis=0), data, 10, seed=1)
    assert two_d.shape == (10, 2) and np.all(two_d[:, 1] > two_d[:, 0])
    # the bootstrap distribution of the mean is centred at the sample mean with spread sd/sqrt(n)
    wide = bootstrap(None, np.mean, data[:, 0], 2000, seed=9, draws_per_task=500)
    assert abs(wide.mean() - data[:, 0].mean()) < 4 * data[:, 0].std() / np.sqrt(20) / np.sqrt(2000) * 3
    assert wide.std() == pytest.approx(data[:, 0].std() / np.sqrt(20), rel=0.1)
    with pytest.raises(ParameterError, match="data"):
        bootstrap(None, np.mean, np.array(1.0), 3, seed=0)


# ----------------------------------------------------------------------------- choosing the executor
def test_make_executor_resolves_the_three_settings(monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    assert isinstance(make_executor(), SerialExecutor)
    assert isinstance(make_executor("serial", 1), SerialExecutor)
    given = SerialExecutor()
    assert make_executor(given) is given
    names = {"kind": "--executor", "workers": "--workers", "scheduler": "--scheduler"}
    for kwargs, named in [(dict(kind="gpu"), "--executor"), (dict(workers=0), "--workers"),
                          (dict(kind="processes", workers=2.5), "--workers"), (dict(kind="serial", workers=2), "--workers"),
                          (dict(kind="processes", scheduler="tcp://127.0.0.1:9"), "--scheduler"),
                          (dict(kind="dask", scheduler="  "), "--scheduler")]:
        with pytest.raises(ParameterError) as info:
            make_executor(names=names, **kwargs)
        assert info.value.parameter == named, kwargs
    assert isinstance(get_executor(None), SerialExecutor)


def test_dask_scheduler_from_dask_configuration_and_unreachable(monkeypatch):
    pytest.importorskip("distributed")
    import dask

    import socket
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", f"tcp://127.0.0.1:{port}")
    try:
        with pytest.raises(ParameterError) as info:  # no --executor: the configured scheduler means dask
            make_executor(timeout=0.5)
        assert info.value.parameter == "scheduler" and info.value.value == f"tcp://127.0.0.1:{port}"
        assert isinstance(make_executor("processes", 1), ProcessExecutor)  # an explicit choice wins
    finally:
        monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
        dask.config.refresh()


def test_scheduler_file_is_read_for_its_address(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import socket
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    good = tmp_path / "scheduler.json"
    good.write_text(json.dumps({"type": "Scheduler", "address": f"tcp://127.0.0.1:{port}"}))
    with pytest.raises(ParameterError) as info:  # the address was read from the file, and is unreachable
        make_executor("dask", scheduler=str(good), timeout=0.5, names={"scheduler": "--scheduler"})
    assert info.value.parameter == "--scheduler" and info.value.value == f"tcp://127.0.0.1:{port}"
    bad = tmp_path / "notes.txt"
    bad.write_text("not json")
    with pytest.raises(ParameterError, match="scheduler file"):
        make_executor("dask", scheduler=str(bad))


def test_executor_of_and_executor_scope():
    assert isinstance(executor_of(None), SerialExecutor)
    assert isinstance(executor_of({"out": None}), SerialExecutor)
    given = SerialExecutor()
    assert executor_of({"executor": given}) is given
    with pytest.raises(TypeError):
        executor_of({"executor": "dask"})
    closed = []

    class Tracking(SerialExecutor):
        def close(self):
            closed.append(True)

    with executor_scope(Tracking()) as ex:  # passed in: left open
        assert isinstance(ex, Tracking)
    assert closed == []


def _interrupt_or_wait(x):
    if x == 0:
        raise KeyboardInterrupt
    time.sleep(0.5)
    return x


def test_process_executor_cancels_queued_tasks_when_interrupted():
    with ProcessExecutor(1) as ex:
        submitted = []
        original = ex._pool.submit

        def recording_submit(*args, **kwargs):
            submitted.append(original(*args, **kwargs))
            return submitted[-1]

        ex._pool.submit = recording_submit
        with pytest.raises(KeyboardInterrupt):
            ex.map(_interrupt_or_wait, range(16))
        # one worker finishing at most two tasks a second: most were still queued and are dropped
        assert len(submitted) == 16 and sum(f.cancelled() for f in submitted) >= 8


# ----------------------------------------------------------------------------- experiments receive it
def _recording_plugin(seen):
    from equilibria import Experiment, Plugin
    from equilibria.params import Parameters
    from equilibria.results import Result

    def run(params, options):
        seen.append(options.get("executor"))
        return Result(data={"x": 1})

    return Plugin(name="recording", paper="-", description="-", parameters=Parameters,
                  solve=lambda p: Result(data={}), experiments=[Experiment(name="e", description="-", run=run,
                                                                           headline=True, parameters=Parameters)])


def test_experiment_call_and_replicate_hand_over_one_executor(tmp_path, monkeypatch):
    from equilibria import replication

    seen = []
    plugin = _recording_plugin(seen)
    plugin.experiment("e")()
    assert isinstance(seen[-1], SerialExecutor)
    mine = SerialExecutor()
    plugin.experiment("e")(executor=mine)
    assert seen[-1] is mine
    monkeypatch.setattr(replication, "get_plugin", lambda name: plugin)
    summary = replication.replicate(["recording"], tmp_path / "report", examples=0, progress=False, executor=mine)
    assert summary["failed"] == 0 and seen[-1] is mine


def test_cli_executor_errors_are_one_line_exit_2():
    from click.testing import CliRunner

    from equilibria.cli import main

    for args, named in [(["--executor", "gpu"], "--executor"), (["--workers", "0", "--executor", "processes"], "--workers"),
                        (["--executor", "processes", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler")]:
        for command in (["run", "kmnt2024", "statics"], ["check", "kmnt2024"], ["replicate", "kmnt2024"]):
            result = CliRunner().invoke(main, [*command, *args])
            assert result.exit_code == 2, (command, args, result.output)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and named in lines[0], (command, args, result.stderr)


def test_statics_through_processes_equal_serial(processes):
    from equilibria.plugins.kmnt2024.params import KmntParameters as cls  # noqa: N813
    from equilibria.registry import get_plugin

    experiment = get_plugin("kmnt2024").experiment("statics")
    serial = experiment(cls(), executor="serial")
    parallel = experiment(cls(), executor=processes)
    assert json.dumps(serial.data, default=str) == json.dumps(parallel.data, default=str)
    assert [t.rows for t in serial.tables.values()] == [t.rows for t in parallel.tables.values()]


def test_theorem_checks_through_processes_equal_serial(processes):
    from equilibria.registry import get_plugin

    plugin = get_plugin("kmnt2024")
    serial = plugin.check_theorems(["hulten", "finite-change"], examples=2, derandomize=True)
    parallel = plugin.check_theorems(["hulten", "finite-change"], examples=2, derandomize=True, executor=processes)
    assert [o.name for o in parallel] == ["hulten", "finite-change"]
    assert [(o.held, o.examples) for o in parallel] == [(o.held, o.examples) for o in serial]


def test_calibration_same_for_any_task_size_and_executor(processes):
    """The calibrate experiment: firms per task and the executor (concurrent starts) change nothing."""
    from equilibria.plugins.tyazhelnikov2016.experiments_ge import CalibrationParameters
    from equilibria.registry import get_plugin

    experiment = get_plugin("tyazhelnikov2016").experiment("calibrate")
    params = CalibrationParameters(n_firms=1000, firms_per_task=1000, measure="ks")
    base = experiment(params).data
    keys = ("estimate", "distance", "evaluations", "starts", "converged")
    other = experiment(params.replace(firms_per_task=300), executor=processes).data
    assert {k: other[k] for k in keys} == {k: base[k] for k in keys}


def test_calibrate_executor_parameter_is_deprecated_but_works(processes):
    from equilibria.plugins.tyazhelnikov2016.experiments_ge import CalibrationParameters, _legacy_executor

    with pytest.warns(FutureWarning, match="--executor"):
        legacy = _legacy_executor(CalibrationParameters(executor="processes", workers=1), SerialExecutor())
    try:
        assert isinstance(legacy, ProcessExecutor) and legacy.workers == 1
    finally:
        legacy.close()
    with pytest.warns(FutureWarning):  # the global option wins
        assert _legacy_executor(CalibrationParameters(executor="dask"), processes) is None
    assert _legacy_executor(CalibrationParameters(), SerialExecutor()) is None
