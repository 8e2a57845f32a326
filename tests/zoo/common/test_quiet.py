"""Quiet command lines: the first line a user sees is ours, TensorFlow's start-up lines are gone."""

import os
import subprocess
import sys

from tests.paths import REPO as ROOT
from tests.zoo import tiny_sweep


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return {**env, **extra}


def _compare(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "zoo.compare", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env or _env(),
    )


def test_offline_dataset_error_is_the_first_and_only_line(tmp_path):
    completed = _compare("--dataset=mnist", f"--data_dir={tmp_path / 'tfds'}", f"--out={tmp_path / 'out'}")
    assert completed.returncode == 2
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, completed.stderr[-3000:]
    assert lines[0].startswith("error: Dataset 'mnist' is not available offline")
    assert completed.stdout == ""


def test_a_sweep_prints_no_tensorflow_start_up_lines(tmp_path):
    completed = _compare(*tiny_sweep.FLAGS, f"--out={tmp_path}")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stderr.splitlines()[0].startswith("1 settings x 1 losses")
    assert "I0000" not in completed.stderr and "cuda" not in completed.stderr.lower()


def test_verbose_brings_the_messages_back(tmp_path):
    completed = _compare("--dataset=mnist", f"--data_dir={tmp_path / 'tfds'}", f"--out={tmp_path / 'out'}", "--verbose")
    assert completed.returncode == 2
    lines = completed.stderr.splitlines()
    assert len(lines) > 1 and "Retrying" in completed.stderr  # TFDS's own retry messages are back.
    assert any(line.startswith("error: Dataset 'mnist' is not available offline") for line in lines)


def test_tuning_search_offline_dataset_error_is_one_line(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "tuning.search", "--dataset=mnist", f"--out={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(HOME=str(tmp_path)),
    )  # No prepared TFDS data under this home.
    assert completed.returncode == 2
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: Dataset 'mnist' is not available offline"), completed.stderr[
        -3000:
    ]
