"""Scale-out on a real dask cluster: a scheduler and workers started as separate processes on
loopback (the ``dask scheduler`` / ``dask worker`` commands), used through ``--scheduler``.

Checked: a calibration run through the cluster equals the serial run bit for bit; a worker
killed while it holds a task changes nothing; Ctrl-C cancels the submitted tasks; an
unreachable scheduler is one line and exit status 2.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

DASK = shutil.which("dask") or str(Path(sys.executable).with_name("dask"))
EQUILIBRIA = shutil.which("equilibria") or str(Path(sys.executable).with_name("equilibria"))
pytestmark = pytest.mark.skipif(not Path(DASK).exists(), reason="the 'dask' command is not installed")

# A small calibration (KS distance): 4 starts, ~700 evaluations of 2 tasks of 500 firms, about a
# second serially; through dask each evaluation waits for a round trip to the workers.
SMALL = ["--set", "n_firms=1000", "--set", "firms_per_task=500", "--set", "measure=ks"]
# The default KL calibration with 4,000 firms in 2 tasks: ~1,600 evaluations (slow through dask).
LARGER = ["--set", "n_firms=4000", "--set", "firms_per_task=2000"]
COMPARED = ("estimate", "distance", "evaluations", "starts", "converged", "message")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env():
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    return env


class _Processes:
    """Child processes killed (and reaped) when the test or module ends."""

    def __init__(self):
        self.procs = []

    def start(self, args, **kwargs):
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
                                start_new_session=True, **kwargs)
        self.procs.append(proc)
        return proc

    def stop(self):
        for proc in self.procs:  # a throw-away cluster: no graceful shutdown needed
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs:
            proc.wait(timeout=30)


def _start_worker(procs, address, name):
    return procs.start([DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                        "--host", "127.0.0.1", "--name", name, "--death-timeout", "60", "--memory-limit", "0"])


def _wait_for_workers(client, names, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = client.scheduler_info(n_workers=-1)["workers"]
        joined = {info.get("name"): address for address, info in workers.items()}
        if all(name in joined for name in names):
            return joined
        time.sleep(0.1)
    raise TimeoutError(f"workers {names} did not join within {timeout} s")


@pytest.fixture(scope="module")
def cluster():
    """(address, client, processes): a scheduler and two workers on 127.0.0.1."""
    procs = _Processes()
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    try:
        procs.start([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
                     "--idle-timeout", "600s"])
        client = distributed.Client(address, timeout=60, set_as_default=False)
        try:
            for k in range(2):
                _start_worker(procs, address, f"w{k}")
            _wait_for_workers(client, ["w0", "w1"])
            yield address, client, procs
        finally:
            client.close()
    finally:
        procs.stop()


def _run(args, timeout=120):
    return subprocess.run([EQUILIBRIA, *args], capture_output=True, text=True, timeout=timeout, env=_env())


def _serial_calibration(settings):
    """The calibration run serially in this process through the Python API (JSON round trip)."""
    from equilibria.plugins.tyazhelnikov2016.experiments_ge import CalibrationParameters
    from equilibria.registry import get_plugin

    experiment = get_plugin("tyazhelnikov2016").experiment("calibrate")
    params = CalibrationParameters.load(None, [a for a in settings if a != "--set"])
    return json.loads(json.dumps(experiment(params, executor="serial").data))


@pytest.mark.slow
def test_default_calibration_through_scheduler_is_bitwise_serial(cluster):
    address, client, _ = cluster
    out = _run(["run", "tyazhelnikov2016", "calibrate", *LARGER, "--scheduler", address, "--json"], timeout=900)
    assert out.returncode == 0, out.stderr
    assert f"dask scheduler at {address}" in out.stderr
    data, serial = json.loads(out.stdout), _serial_calibration(LARGER)
    for key in COMPARED:
        assert data[key] == serial[key], key


def test_calibration_through_scheduler_is_bitwise_serial_though_a_worker_dies(cluster):
    """The run through --scheduler equals the serial run bit for bit, although one of its three
    workers is killed (SIGKILL) while it holds a task."""
    address, client, procs = cluster
    executed_before = client.run(lambda dask_worker: dask_worker.state.executed_count)
    victim = _start_worker(procs, address, "victim")
    joined = _wait_for_workers(client, ["w0", "w1", "victim"])
    victim_address = joined["victim"]
    run = subprocess.Popen([EQUILIBRIA, "run", "tyazhelnikov2016", "calibrate", *SMALL, "--scheduler", address,
                            "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        deadline = time.monotonic() + 60
        while not client.processing(workers=[victim_address]).get(victim_address):
            assert run.poll() is None, "the run ended before the victim worker held a task"
            assert time.monotonic() < deadline, "the victim worker never received a task"
            time.sleep(0.005)
        victim.kill()  # SIGKILL while it holds a task
        victim.wait(timeout=10)
        stdout, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=10)
    assert run.returncode == 0, stderr
    assert f"dask scheduler at {address} (3 workers)" in stderr
    data, serial = json.loads(stdout), _serial_calibration(SMALL)
    for key in COMPARED:
        assert data[key] == serial[key], key
    # the surviving workers ran tasks of this run
    executed_after = client.run(lambda dask_worker: dask_worker.state.executed_count)
    for name in ("w0", "w1"):
        assert executed_after[joined[name]] > executed_before.get(joined[name], 0), name
    deadline = time.monotonic() + 30
    while victim_address in client.scheduler_info(n_workers=-1)["workers"]:  # the scheduler noticed the death
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_ctrl_c_cancels_the_submitted_tasks(cluster):
    address, client, _ = cluster
    run = subprocess.Popen([EQUILIBRIA, "run", "tyazhelnikov2016", "calibrate", "--set", "n_firms=200000",
                            "--set", "firms_per_task=2000", "--scheduler", address, "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        deadline = time.monotonic() + 60
        while not any(client.processing().values()):
            assert run.poll() is None, run.stderr.read() if run.stderr else "the run ended early"
            assert time.monotonic() < deadline, "no task reached the workers"
            time.sleep(0.01)
        run.send_signal(signal.SIGINT)
        run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=10)
    assert run.returncode != 0
    deadline = time.monotonic() + 20
    while True:  # the scheduler forgets every task of the interrupted run
        left = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))
        if left == 0:
            break
        assert time.monotonic() < deadline, f"{left} tasks still on the scheduler after Ctrl-C"
        time.sleep(0.1)


def test_dask_executor_cancels_its_futures_when_interrupted(cluster, monkeypatch):
    import functools

    from equilibria.parallel import DaskExecutor

    address, client, _ = cluster
    submitted = []
    with DaskExecutor(address=address, workers=2, timeout=30) as ex:
        original_map = ex.client.map

        def recording_map(*args, **kwargs):
            futures = original_map(*args, **kwargs)
            submitted.extend(futures)
            return futures

        def interrupted_gather(futures, *args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(ex.client, "map", recording_map)
        monkeypatch.setattr(ex.client, "gather", interrupted_gather)
        with pytest.raises(KeyboardInterrupt):
            ex.map(functools.partial(time.sleep), [0.5] * 8)
        assert len(submitted) == 8
        deadline = time.monotonic() + 10
        while not all(f.status == "cancelled" for f in submitted):
            assert time.monotonic() < deadline, [f.status for f in submitted]
            time.sleep(0.05)


def test_unreachable_scheduler_is_one_line_and_exit_2():
    import dask
    from click.testing import CliRunner

    from equilibria.cli import main

    port = _free_port()  # nothing listens there
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, ["run", "tyazhelnikov2016", "calibrate", "--scheduler",
                                           f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--scheduler" in lines[0] and f"127.0.0.1:{port}" in lines[0], result.stderr
    assert result.stdout == ""


def test_scheduler_address_from_dask_configuration(cluster, monkeypatch):
    """DASK_SCHEDULER_ADDRESS alone selects the cluster, as dask users expect."""
    import dask
    from click.testing import CliRunner

    from equilibria.cli import main

    address, _, _ = cluster
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    try:
        result = CliRunner().invoke(main, ["check", "kmnt2024", "--examples", "2", "--theorem", "hulten"])
    finally:
        monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
        dask.config.refresh()
    assert result.exit_code == 0, result.output
    assert f"dask scheduler at {address}" in result.stderr
    assert result.stdout.startswith("held    hulten")
