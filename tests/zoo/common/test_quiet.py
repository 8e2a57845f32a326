"""Quiet command lines: the first line a user sees is ours, TensorFlow's start-up lines are gone."""

import os
import subprocess
import sys

import pytest

from tests.paths import REPO as ROOT
from tests.zoo import tiny_sweep


def _level(level):
    return {} if level is None else {"TF_CPP_MIN_LOG_LEVEL": level}


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


@pytest.mark.parametrize("level", [None, "1"])  # Unset, and set by the user (a common habit): both quiet.
def test_a_sweep_prints_no_tensorflow_start_up_lines(tmp_path, level):
    completed = _compare(*tiny_sweep.FLAGS, f"--out={tmp_path}", env=_env(**_level(level)))
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stderr.splitlines()[0].startswith("1 settings x 1 losses")
    assert "I0000" not in completed.stderr and "cuda" not in completed.stderr.lower()


def test_verbose_brings_the_messages_back(tmp_path):
    completed = _compare("--dataset=mnist", f"--data_dir={tmp_path / 'tfds'}", f"--out={tmp_path / 'out'}", "--verbose")
    assert completed.returncode == 2
    lines = completed.stderr.splitlines()
    assert len(lines) > 1 and "Retrying" in completed.stderr  # TFDS's own retry messages are back.
    assert any(line.startswith("error: Dataset 'mnist' is not available offline") for line in lines)


def _python(*args, env):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.parametrize("level", ["1", "3"])
def test_a_user_set_log_level_is_kept_and_start_up_is_still_silent(level):
    code = "from zoo.common import quiet; quiet.configure([]); import os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    completed = _python("-c", code, env=_env(TF_CPP_MIN_LOG_LEVEL=level))
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == level  # Honoured as the user set it, not replaced by ours.
    assert completed.stderr == ""  # ... and TensorFlow's start-up lines are gone all the same.


@pytest.mark.parametrize("level", [None, "2"])
def test_predict_error_is_the_only_line_with_or_without_the_variable(tmp_path, level):
    completed = _python(
        "-m", "zoo.predict", f"--model={tmp_path / 'missing.keras'}", "--input=x.npy", env=_env(**_level(level))
    )
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [
        f"zoo.predict: error: --model={tmp_path / 'missing.keras'}: no such file or directory."
    ]


def test_verbose_shows_the_start_up_lines_even_with_the_variable_set(tmp_path):
    junk = tmp_path / "junk.keras"
    junk.write_text("not a model")  # Loading it imports TensorFlow, whose start-up lines --verbose shows.
    completed = _python(
        "-m", "zoo.predict", f"--model={junk}", "--input=x.npy", "--verbose", env=_env(TF_CPP_MIN_LOG_LEVEL="0")
    )
    assert completed.returncode == 1
    assert "I0000" in completed.stderr and completed.stderr.splitlines()[-1].startswith("zoo.predict: error:")


def test_tuning_search_offline_dataset_error_is_one_line(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "tuning.search", "--dataset=mnist", f"--out={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(HOME=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="1"),
    )  # No prepared TFDS data under this home; the user's log level set as well.
    assert completed.returncode == 2
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: Dataset 'mnist' is not available offline"), completed.stderr[
        -3000:
    ]
