"""A sweep through keras-tuner's distributed mode: a chief and two workers on 127.0.0.1."""

import collections
import os
import subprocess
import sys
import time

import pytest

from tests.paths import REPO as ROOT
from zoo import report
from zoo.common import keras_tuner_compat, results
from zoo.sweeps import distributed, experiment, sweep

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


def _start(out, port, tuner_id, log_dir, flags=SWEEP):
    """`python -m zoo.compare FLAGS` as `tuner_id` of the sweep on `port`; one process alone for tuner_id None."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    for name in (distributed.TUNER_ID, distributed.ORACLE_IP, distributed.ORACLE_PORT):
        env.pop(name, None)  # The flags must set them.
    log = open(os.path.join(log_dir, f"{tuner_id or 'single'}.log"), "wb")
    command = [sys.executable, "-m", "zoo.compare", *flags, f"--out={out}"]
    if tuner_id is not None:
        command += [f"--tuner_id={tuner_id}", "--oracle_ip=127.0.0.1", f"--oracle_port={port}"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait(process, deadline, log):
    try:
        return process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        pytest.fail(f"timed out; log:\n{open(log, encoding='utf-8', errors='replace').read()[-3000:]}")


def _finish(named_processes, log_dir, timeout=TIMEOUT):
    """Waits for `{name: process}` (each logging to `log_dir/NAME.log`); fails unless each exits 0."""
    deadline = time.monotonic() + timeout
    for name, process in named_processes.items():
        log = os.path.join(log_dir, f"{name}.log")
        assert _wait(process, deadline, log) == 0, open(log, encoding="utf-8", errors="replace").read()[-3000:]


def _start_distributed(out, log_dir, processes, flags=SWEEP) -> dict:
    """Starts a chief and two workers of the sweep `flags` into `out`; returns `{name: process}`."""
    port = distributed.free_port()
    started = {name: _start(out, port, name, log_dir, flags) for name in ("chief", "worker0", "worker1")}
    processes.extend(started.values())
    return started


def _worker_records(out, expected_keys) -> dict:
    """`{key: record}` of the two workers' results files, checking that each run is there exactly once."""
    per_file = {os.path.basename(p): results.read(p) for p in results.files(out)}
    assert set(per_file) == {"results-worker0.jsonl", "results-worker1.jsonl"}
    for name, records in per_file.items():
        assert records, f"{name}: this worker completed no setting"
        assert {r["worker"] for r in records} == {name[len("results-") : -len(".jsonl")]}
    counts = collections.Counter(r["key"] for records in per_file.values() for r in records)
    assert set(counts) == expected_keys
    assert set(counts.values()) == {1}, "a run was done twice"
    return {r["key"]: r for records in per_file.values() for r in records}


def test_chief_and_two_workers_run_every_setting_once(tmp_path, processes):
    out = str(tmp_path / "out")
    _finish(_start_distributed(out, tmp_path, processes), tmp_path)

    config = _config()
    _worker_records(out, {sweep.run_key(s, loss) for s in sweep.grid(config) for loss in config.losses})
    # The chief rendered the merged report.
    assert os.path.exists(os.path.join(out, report.REPORT_FILE))


# The newer sweep axes on digits: imbalance x class weighting x a class-dependent noise kind, noisy validation.
AXES = [
    "--dataset=digits",
    "--losses=log_loss,logit_adjusted",
    "--models=mlp",
    "--depths=1",
    "--seeds=0",
    "--epochs=1",
    "--batch_size=64",
    "--imbalance_profile=step",
    "--noisy_validation",
    "--noprogress",
]
# The full cross with asymmetric noise; the matrix (whose file every worker reads) in fewer settings, for time.
NOISE = {
    "asymmetric": [
        "--imbalance=1,10",
        "--class_weighting=none,effective",
        "--label_noise=0,0.3",
        "--noise_type=asymmetric",
    ],
    "matrix": ["--imbalance=10", "--class_weighting=effective"],
}
# Fields that depend only on the data and its noise (not on float rounding in training): equal to the last bit.
DATA_FIELDS = (
    *sweep.SETTING_FIELDS,
    "sizes",
    "train_class_counts",
    "realised_flip_fraction",
    "realised_transition_counts",
    "noise_matrix",
    "val_realised_flip_fraction",
)
TRAINED_FIELDS = ("train_loss", "val_accuracy", "test_accuracy", "balanced_accuracy", "per_class_recall")


def _axes_config(noise, matrix_path):
    return sweep.SweepConfig(
        dataset="digits",
        losses=("log_loss", "logit_adjusted"),
        depths=(1,),
        seeds=(0,),
        label_noise=(0.0, 0.3) if noise == "asymmetric" else (0.0,),
        noise_type="symmetric" if noise == "matrix" else noise,
        noise_matrix=matrix_path if noise == "matrix" else None,
        epochs=1,
        batch_size=64,
        imbalance=(1.0, 10.0) if noise == "asymmetric" else (10.0,),
        imbalance_profile="step",
        class_weighting=("none", "effective") if noise == "asymmetric" else ("effective",),
        noisy_validation=True,
    )


def _contents(out):
    return {path: open(path).read() for path in results.files(out)}


@pytest.mark.parametrize("noise", sorted(NOISE))
def test_new_axes_distributed_equal_one_process_and_resume(tmp_path, processes, noise):
    import numpy as np

    from zoo.data import noise as noise_module

    matrix_path = str(tmp_path / "t.npy")
    matrix = np.eye(10) * 0.7 + np.roll(np.eye(10), 1, axis=1) * 0.3  # k -> k+1 (mod 10) with rate 0.3.
    np.save(matrix_path, matrix)
    flags = [*AXES, *NOISE[noise]] + ([f"--noise_matrix={matrix_path}"] if noise == "matrix" else [])
    out, alone = str(tmp_path / "distributed"), str(tmp_path / "alone")
    started = _start_distributed(out, tmp_path, processes, flags)
    config = _axes_config(noise, matrix_path)
    settings = sweep.grid(config)
    assert len(settings) == (8 if noise == "asymmetric" else 2)  # (2 ratios x 2 weightings) x (clean, noisy)
    experiment.Runner(config, alone).run(settings, progress=False)  # The same grid in one process, meanwhile.
    _finish(started, tmp_path)

    records = _worker_records(out, {sweep.run_key(s, loss) for s in settings for loss in config.losses})
    assert os.path.exists(os.path.join(out, report.REPORT_FILE))
    reference = {r["key"]: r for r in results.read_all(alone)}
    assert set(reference) == set(records)
    noisy_types = {r["noise_type"] for r in records.values() if r["label_noise"]}
    assert noisy_types == ({"asymmetric"} if noise == "asymmetric" else {sweep.label_conditions(config)[1][1]})
    # The flips the noise allows (clean class, noisy class): MNIST's published map for digits, or the matrix's.
    allowed = noise_module.asymmetric_map("digits").items() if noise == "asymmetric" else zip(*np.nonzero(matrix))
    allowed = {(int(i), int(j)) for i, j in allowed if i != j}
    for key, record in records.items():
        twin = reference[key]
        for field in DATA_FIELDS:
            assert record.get(field) == twin.get(field), (key, field)
        for field in TRAINED_FIELDS:
            assert record[field] == pytest.approx(twin[field], abs=1e-6), (key, field)  # Vectorized in both.
        assert record["noisy_validation"] is True and record["class_weighting"] in (None, "effective")
        assert record["imbalance"] in (None, 10.0) and record["balanced_accuracy"] is not None
        counts = np.array(record["train_class_counts"])
        assert counts.sum() == record["sizes"]["train"]
        if record["imbalance"]:
            assert record["imbalance_profile"] == "step" and counts.max() > 3 * counts.min()
        if record["label_noise"]:  # Clean class i -> noisy class j counts: the columns sum to the noisy counts.
            transitions = np.array(record["realised_transition_counts"])
            np.testing.assert_array_equal(transitions.sum(axis=0), counts)
            off_diagonal = transitions.sum() - np.trace(transitions)
            assert off_diagonal == round(record["realised_flip_fraction"] * counts.sum())
            assert record["val_realised_flip_fraction"] > 0
            flips = {(int(i), int(j)) for i, j in zip(*np.nonzero(transitions)) if i != j}
            assert flips and flips <= allowed, (key, flips - allowed)
            if noise == "matrix":
                np.testing.assert_allclose(record["noise_matrix"], matrix)

    if noise == "asymmetric":  # The weights reached the workers' losses.
        by_weighting = collections.defaultdict(list)
        for r in records.values():
            if r["loss"] == "log_loss":
                by_weighting[r["class_weighting"]].append(r["train_loss"])
        assert by_weighting["effective"] != by_weighting[None]

    before = _contents(out)
    assert experiment.Runner(config, out).run(settings, progress=False) == 0  # Resume: nothing left to train.
    assert _contents(out) == before


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


def test_unfinished_runs_count_what_has_no_record(tmp_path):
    config = _config()
    settings, out = sweep.grid(config), str(tmp_path)
    assert distributed.unfinished_runs(config, out) == len(settings) * 2
    done = [{"key": sweep.run_key(settings[0], loss)} for loss in config.losses] + [
        {"key": sweep.run_key(settings[3], "l2")}
    ]
    results.append(results.path_in(out, results.worker_file("worker0")), done)
    assert distributed.unfinished_runs(config, out) == len(settings) * 2 - 3
    assert distributed.pending_settings(config, out) == [i for i in range(len(settings)) if i != 0]


def test_fingerprint_depends_on_grid_and_losses():
    settings = sweep.grid(_config())
    assert distributed.fingerprint(settings, ["l2"]) == distributed.fingerprint(settings, ["l2"])
    assert distributed.fingerprint(settings, ["l2"]) != distributed.fingerprint(settings[1:], ["l2"])
    assert distributed.fingerprint(settings, ["l2"]) != distributed.fingerprint(settings, ["l1"])
