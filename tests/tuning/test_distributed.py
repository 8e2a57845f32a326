"""Distributed search on 127.0.0.1: chief + two workers, and a worker killed mid-trial."""

import json
import os
import signal
import subprocess
import sys
import time

import keras_tuner
import pytest
from keras_tuner.oracles import RandomSearchOracle

from tuning import distributed, search, tuners
from zoo.common import keras_tuner_compat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _oracle(tmp_path, max_trials=3, timeout=10.0):
    oracle = distributed.expiring(RandomSearchOracle, trial_timeout=timeout, idle_wait=0.0)(
        objective=keras_tuner.Objective("val_accuracy", "max"), max_trials=max_trials, seed=1
    )
    oracle.clock = _Clock()
    oracle.verbose = 0
    keras_tuner_compat.set_project_dir(oracle, str(tmp_path), "p")
    hp = keras_tuner.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    oracle.update_space(hp)
    return oracle


def _finish(oracle, trial, value=0.5):
    oracle.update_trial(trial.trial_id, {"val_accuracy": value})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)


def test_dead_workers_trial_expires_and_is_rerun_by_a_living_worker(tmp_path):
    oracle = _oracle(tmp_path)
    a, b = oracle.create_trial("a"), oracle.create_trial("b")
    _finish(oracle, a)
    oracle.clock.now = 5.0
    c = oracle.create_trial("a")
    assert oracle.expire_stale_trials() == []  # b is quiet for 5 s only.
    _finish(oracle, c)
    assert oracle.create_trial("a").status == "IDLE"  # All handed out, b still running: wait, do not stop.
    oracle.clock.now = 11.0
    rerun = oracle.create_trial("a")  # b expired: its trial goes to the living worker.
    assert rerun.trial_id == b.trial_id and rerun.status == "RUNNING"
    assert "b" not in oracle.tuner_ids and "b" not in oracle.ongoing_trials
    _finish(oracle, rerun, 0.9)
    b.status = "COMPLETED"
    oracle.end_trial(b)  # The dead worker's late report changes nothing.
    assert oracle.create_trial("a").status == "STOPPED"
    assert [t.status for t in oracle.trials.values()] == ["COMPLETED"] * 3
    assert oracle.trials[b.trial_id].score == pytest.approx(0.9)
    assert not oracle.ongoing_trials and not oracle.tuner_ids  # The chief may exit.


def test_trial_that_keeps_expiring_fails_instead_of_looping(tmp_path):
    oracle = _oracle(tmp_path, max_trials=1)
    trial = oracle.create_trial("a")
    for step, worker in enumerate(("a", "b"), 1):
        oracle.clock.now = 11.0 * step
        oracle.expire_stale_trials()
        if worker == "a":
            assert oracle.create_trial("b").trial_id == trial.trial_id
    assert oracle.trials[trial.trial_id].status == "FAILED"
    assert not oracle.ongoing_trials and not keras_tuner_compat.retry_queue(oracle)


def test_late_result_of_an_expired_trial_not_yet_rerun_is_kept(tmp_path):
    oracle = _oracle(tmp_path, max_trials=1)
    trial = oracle.create_trial("a")
    oracle.clock.now = 11.0
    oracle.expire_stale_trials()
    _finish(oracle, trial, 0.7)
    assert oracle.trials[trial.trial_id].status == "COMPLETED" and not keras_tuner_compat.retry_queue(oracle)


def _wait(condition, timeout, what, processes=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes:
            assert process.poll() is None, f"{what}: a process exited early ({process.args[-1]})"
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _records(out):
    path = os.path.join(out, search.TRIALS_FILE)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def _ongoing(out):
    try:
        with open(os.path.join(out, tuners.PROJECT, "oracle.json")) as f:
            return json.load(f)["ongoing_trials"]
    except (OSError, ValueError, KeyError):
        return {}


# A `tuning.search` worker with a fault injected by the test: it completes one trial, then stalls
# (sleeps for an hour) in its second one, so that it can be killed mid-trial.
STALLING_WORKER = """
import time
from tuning import search, tuners

original, calls = tuners._TrialHooks.run_trial, []

def run_trial(self, trial, *args, **kwargs):
    calls.append(trial.trial_id)
    if len(calls) > 1:
        time.sleep(3600)
    return original(self, trial, *args, **kwargs)

tuners._TrialHooks.run_trial = run_trial
search.cli.run(search.main, search.FLAGS, "tuning.search")
"""


def test_chief_and_two_workers_survive_a_worker_killed_mid_trial(tmp_path, processes):
    out, port, max_trials = str(tmp_path / "search"), distributed.free_port(), 6
    flags = [
        "--losses",
        "log_loss,focal,ovr_hinge,l2",
        "--depths",
        "1",
        "--widths",
        "8",
        "--epochs",
        "1",
        "--max_trials",
        str(max_trials),
        "--batch_size",
        "256",
        "--out",
        out,
        "--retrain_epochs",
        "1",
        "--noprogress",
        "--threads",
        "1",
        "--oracle_ip",
        "127.0.0.1",
        "--oracle_port",
        str(port),
        "--trial_timeout",
        "15",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERASTUNER_")}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")

    def start(tuner_id, stall=False):
        program = ["-c", STALLING_WORKER] if stall else ["-m", "tuning.search"]
        command = [sys.executable, *program, *flags, "--tuner_id", tuner_id]
        log = open(tmp_path / f"{tuner_id}.log", "w")
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))
        return processes[-1]

    chief = start("chief")
    start("tuner0")
    doomed = start("tuner1", stall=True)  # Completes one trial, then stalls in its second one.

    def doomed_is_mid_trial():
        done = any(r["tuner_id"] == "tuner1" for r in _records(out))
        return done and "tuner1" in _ongoing(out)

    _wait(doomed_is_mid_trial, 180, "tuner1 to finish a trial and start another", processes)
    stalled_trial = _ongoing(out)["tuner1"]
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)

    assert chief.wait(timeout=240) == 0, (tmp_path / "chief.log").read_text()[-2000:]
    assert processes[1].wait(timeout=60) == 0
    records = _records(out)
    by_worker = {r["tuner_id"] for r in records if r["status"] == "COMPLETED"}
    assert by_worker == {"tuner0", "tuner1"}  # Both workers completed trials.
    assert any(r["trial_id"] == stalled_trial and r["tuner_id"] == "tuner0" for r in records)  # Rerun.
    with open(os.path.join(out, "leaderboard.json")) as f:
        board = json.load(f)
    assert board["completed"] == max_trials  # Nothing lost.
    assert {r["trial_id"] for r in records} == {r["trial_id"] for r in board["trials"]}
    assert os.path.exists(os.path.join(out, "best.keras"))
