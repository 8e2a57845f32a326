"""Quiet training: no TensorFlow runtime line reaches a command's terminal while it trains, unless --verbose."""

import os
import re
import subprocess
import sys

import pytest

from tests.paths import REPO as ROOT
from tests.zoo import tiny_sweep
from zoo.common import runtime_log_filter

# Any C++ log record of TensorFlow/absl (info, warning, error), written independently of the module's pattern;
# not anchored: without the filter the record lands in the middle of the progress bar's line, e.g.
# `... vectorized (group 1)]E0000 00:00:1796601422.382840   31601 util.cc:131] oneDNN supports DT_INT32 ...`.
RUNTIME = re.compile(r"[IWE]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\]|oneDNN|cuInit|cuda_|All log messages before absl")


def _env(level):
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")}
    return env if level is None else {**env, "TF_CPP_MIN_LOG_LEVEL": level}


def _python(args, level):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=_env(level)
    )


@pytest.mark.parametrize("level", [None, "0", "1"])
def test_training_prints_no_runtime_line_whatever_the_log_level(tmp_path, level):
    flags = [flag for flag in tiny_sweep.FLAGS if flag != "--noprogress"] + ["--progress"]  # the bar on stderr too
    completed = _python(["-m", "zoo.compare", *flags, f"--out={tmp_path}"], level)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert not RUNTIME.search(completed.stderr), completed.stderr[-3000:]
    assert completed.stderr.splitlines()[0].startswith("1 settings x 1 losses")  # our own lines still come through


# A process that writes, from C (descriptor 2), a runtime record of each level and a plain line, after configure().
C_LEVEL_WRITES = """
import os, sys
from zoo.common import quiet
quiet.configure(sys.argv)
print("python line", file=sys.stderr)
os.write(2, b"I0000 00:00:1796599142.350687    8330 port.cc:153] oneDNN custom operations are on.\\n"
            b"E0000 00:00:1796599142.350687    8330 util.cc:131] oneDNN supports DT_INT32 only on AVX-512\\n"
            b"I0000 00:00:1796599142.867159    8330 cpu_feature_guard.cc:227] This TensorFlow binary is optimized.\\n"
            b"To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the "
            b"appropriate compiler flags.\\n")
os.write(2, b"a C line of a crash\\n")
"""


def test_runtime_records_are_dropped_and_other_lines_pass():
    completed = _python(["-c", C_LEVEL_WRITES], "0")
    assert completed.returncode == 0
    assert completed.stderr.splitlines() == ["python line", "a C line of a crash"]


def test_verbose_keeps_the_runtime_records():
    completed = _python(["-c", C_LEVEL_WRITES, "--verbose"], "0")
    assert "oneDNN supports DT_INT32" in completed.stderr and "To enable the following" in completed.stderr


def test_only_records_and_their_known_continuation_are_dropped():
    lines = [
        b"I0000 00:00:01.5    8 cpu_feature_guard.cc:227] optimized",
        b"To enable the following instructions: AVX2, in other operations, rebuild TensorFlow with the appropriate "
        b"compiler flags.",
        b"F0000 00:00:01.5    8 check.cc:1] Check failed",
        b"Traceback (most recent call last):",
    ]
    assert runtime_log_filter.drop_runtime_lines(lines) == lines[2:]
    assert runtime_log_filter.drop_runtime_lines([b"2024-01-01 00:00:00.000001: W tensorflow/x.cc:1] old format"]) == []
    assert runtime_log_filter.drop_runtime_lines([b"plain"]) == [b"plain"]
