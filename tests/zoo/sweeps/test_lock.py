"""One writer per output directory: lock contention between two real processes, stale locks."""

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.paths import REPO as ROOT
from tests.zoo import tiny_sweep
from zoo.sweeps import lock

# Holds the lock until the test kills it (the `processes` fixture): it must not go stale while the
# second sweep starts, which can take a minute on a loaded 2-core machine.
HOLD = (
    "import sys, time; from zoo.sweeps import lock; lock.acquire(sys.argv[1]); "
    "print('held', flush=True); time.sleep(900)"
)


def test_second_sweep_on_the_same_out_is_refused_naming_the_holder(tmp_path, processes):
    out = str(tmp_path / "out")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, out], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    processes.append(holder)
    assert holder.stdout.readline().strip() == "held"
    second = subprocess.run(
        [
            sys.executable,
            "-m",
            "zoo.compare",
            *tiny_sweep.FLAGS,
            f"--out={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
    )
    assert second.returncode == 2
    errors = [line for line in second.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"in use by process {holder.pid} on {socket.gethostname()}" in errors[0]
    assert "Traceback" not in second.stderr and not os.path.exists(os.path.join(out, "results.jsonl"))


def test_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / lock.LOCK_FILE).write_text(
        json.dumps({"host": socket.gethostname(), "pid": int(dead.stdout), "started": "2026-01-01T00:00:00+00:00"})
    )
    with lock.exclusive(str(tmp_path)):
        assert lock.holder(str(tmp_path))["pid"] == os.getpid()
    assert not (tmp_path / lock.LOCK_FILE).exists()


def test_live_lock_is_refused_in_process(tmp_path):
    with lock.exclusive(str(tmp_path)):
        with pytest.raises(lock.LockedError, match=f"in use by process {os.getpid()}"):
            lock.acquire(str(tmp_path))
        assert lock.holder(str(tmp_path))["pid"] == os.getpid()  # The holder keeps it.
