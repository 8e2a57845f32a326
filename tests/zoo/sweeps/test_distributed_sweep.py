"""A sweep through keras-tuner's distributed mode: a chief and two workers on 127.0.0.1."""

import collections
import os
import subprocess
import sys
import time

import pytest

from tests.paths import REPO as ROOT
from zoo import report
from zoo.common import keras_tuner_compat
from zoo.sweeps import distributed, results, sweep

TIMEOUT = 240  # Seconds for the whole sweep (typically ~40 s on 2 cores).
SWEEP = [
    "--dataset=blobs",
    "--losses=log_loss,l2",
    "--models=mlp",
    "--depths=1,2,3",
    "--seeds=0,1",
    "--label_noise=0",
    "--epochs=1",
    "--batch_size=32",
    "--noprogress",
]


def _config():
    return sweep.SweepConfig(
        dataset="blobs",
        losses=("log_loss", "l2"),
        depths=(1, 2, 3),
        seeds=(0, 1),
        label_noise=(0.0,),
        epochs=1,
        batch_size=32,
    )


def _start(out, port, tuner_id, log_dir):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    for name in (distributed.TUNER_ID, distributed.ORACLE_IP, distributed.ORACLE_PORT):
        env.pop(name, None)  # The flags must set them.
    log = open(os.path.join(log_dir, f"{tuner_id}.log"), "wb")
    command = [
        sys.executable,
        "-m",
        "zoo.compare",
        *SWEEP,
        f"--out={out}",
        f"--tuner_id={tuner_id}",
        "--oracle_ip=127.0.0.1",
        f"--oracle_port={port}",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait(process, deadline, log):
    try:
        return process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out; log:\n{open(log, encoding='utf-8', errors='replace').read()[-3000:]}")


def test_chief_and_two_workers_run_every_setting_once(tmp_path, processes):
    out, port = str(tmp_path / "out"), distributed.free_port()
    processes.append(_start(out, port, "chief", tmp_path))
    processes.extend(_start(out, port, worker, tmp_path) for worker in ("worker0", "worker1"))
    deadline = time.monotonic() + TIMEOUT
    for process, name in zip(processes, ("chief", "worker0", "worker1")):
        assert _wait(process, deadline, tmp_path / f"{name}.log") == 0, (tmp_path / f"{name}.log").read_text()

    config = _config()
    expected = {sweep.run_key(s, loss) for s in sweep.grid(config) for loss in config.losses}
    per_file = {os.path.basename(p): results.read(p) for p in results.files(out)}
    assert set(per_file) == {"results-worker0.jsonl", "results-worker1.jsonl"}
    for name, records in per_file.items():
        assert records, f"{name}: this worker completed no setting"
        assert {r["worker"] for r in records} == {name[len("results-") : -len(".jsonl")]}
    counts = collections.Counter(r["key"] for records in per_file.values() for r in records)
    assert set(counts) == expected
    assert set(counts.values()) == {1}, "a run was done twice"
    # The chief rendered the merged report.
    assert os.path.exists(os.path.join(out, report.REPORT_FILE))


def test_configure_sets_environment_and_validates(monkeypatch):
    for name in (distributed.TUNER_ID, distributed.ORACLE_IP, distributed.ORACLE_PORT):
        monkeypatch.setenv(name, "")  # Recorded, so the values configure() sets are undone afterwards.
    assert distributed.configure() == "single"
    with pytest.raises(ValueError, match="missing --oracle_ip, --oracle_port"):
        distributed.configure(tuner_id="worker0")
    with pytest.raises(ValueError, match="--oracle_port must be an integer"):
        distributed.configure("worker0", "127.0.0.1", 70000)
    assert distributed.configure("worker0", "127.0.0.1", 8470) == "worker"
    assert os.environ[distributed.ORACLE_PORT] == "8470"
    monkeypatch.setenv(distributed.TUNER_ID, "chief")
    assert distributed.role() == "chief"


def test_oracle_hands_out_pending_settings_once(tmp_path):
    settings = sweep.grid(_config())
    hp = distributed.search_space(settings, "abc")
    oracle = distributed.SettingsOracle([1, 4], hp)
    keras_tuner_compat.set_project_dir(oracle, str(tmp_path), "sweep")
    first = oracle.create_trial("w0")
    second = oracle.create_trial("w1")
    assert (first.hyperparameters.get("setting"), second.hyperparameters.get("setting")) == (1, 4)
    assert first.hyperparameters.get("grid") == "abc"
    assert oracle.create_trial("w2").status == "STOPPED"


def test_fingerprint_depends_on_grid_and_losses():
    settings = sweep.grid(_config())
    assert distributed.fingerprint(settings, ["l2"]) == distributed.fingerprint(settings, ["l2"])
    assert distributed.fingerprint(settings, ["l2"]) != distributed.fingerprint(settings[1:], ["l2"])
    assert distributed.fingerprint(settings, ["l2"]) != distributed.fingerprint(settings, ["l1"])
