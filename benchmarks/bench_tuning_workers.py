"""Distributed loss search: 1 worker vs 2 workers on this machine, measured in one run.

    python benchmarks/bench_tuning_workers.py            # ~3 minutes on 2 cores

Runs the same random search (same seed, so the same trials) twice with
keras-tuner's chief/worker mode on 127.0.0.1: a chief plus 1 worker, then a
chief plus 2 workers, each worker limited to 1 TensorFlow thread
(`--threads 1`, intra- and inter-op), so 2 workers can use 2 cores. Wall
time runs from launching the processes to the chief's exit (start-up
included); the trial phase runs from the first trial's start to the last
trial's end (from `trials.jsonl`). Prints a table; the last line is
`two_worker_time_ratio: X` (2-worker wall time / 1-worker wall time;
target <= 0.65).
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from absl import app, flags

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tuning import distributed  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("trials", 12, "Trials per search.")
flags.DEFINE_integer("epochs", 30, "Epochs per trial.")
flags.DEFINE_string("losses", "log_loss,focal,ovr_squared_hinge,tanimoto,sce,gce", "Losses searched.")
flags.DEFINE_string("depths", "2,3", "Depths searched.")
flags.DEFINE_integer("width", 512, "MLP width.")
flags.DEFINE_integer("timeout", 900, "Seconds after which a search is abandoned (the run fails).")
flags.DEFINE_string(
    "work_dir",
    None,
    "Where the searches write (default: a temporary directory in /dev/shm "
    "where it exists, so keras-tuner's per-epoch checkpoints do not measure the disk).",
)


def _search(workers: int, work_dir: str) -> dict:
    """Runs one distributed search with `workers` workers; returns its timings."""
    out = os.path.join(work_dir, f"workers{workers}")
    port = distributed.free_port()
    common = [
        sys.executable,
        "-m",
        "tuning.search",
        "--losses",
        FLAGS.losses,
        "--depths",
        FLAGS.depths,
        "--widths",
        str(FLAGS.width),
        "--epochs",
        str(FLAGS.epochs),
        "--max_trials",
        str(FLAGS.trials),
        "--out",
        out,
        "--noretrain",
        "--noprogress",
        "--threads",
        "1",
        "--seed",
        "0",
        "--oracle_ip",
        "127.0.0.1",
        "--oracle_port",
        str(port),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERASTUNER_")}
    env.update(TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    ids = ["chief"] + [f"tuner{i}" for i in range(workers)]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    processes = [
        subprocess.Popen(
            common + ["--tuner_id", tuner_id],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tuner_id in ids
    ]
    try:
        for process, tuner_id in zip(processes, ids):
            _, stderr = process.communicate(timeout=max(1.0, FLAGS.timeout - (time.perf_counter() - start)))
            if process.returncode:
                raise RuntimeError(f"{tuner_id} failed: {stderr.strip().splitlines()[-1:]}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    with open(os.path.join(out, "trials.jsonl")) as f:
        records = [json.loads(line) for line in f]
    first_start = min(r["time"] - r["elapsed_s"] for r in records)
    return {
        "workers": workers,
        "wall_s": wall,
        "cpu_s": cpu,
        "trial_phase_s": max(r["time"] for r in records) - first_start,
        "trials": len(records),
        "completed": sum(r["status"] == "COMPLETED" for r in records),
        "per_worker": {t: sum(r["tuner_id"] == t for r in records) for t in ids[1:]},
        "mean_trial_s": sum(r["elapsed_s"] for r in records) / len(records),
    }


def main(argv):
    del argv
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work_dir = FLAGS.work_dir or tempfile.mkdtemp(prefix="bench_tuning_", dir=shm)
    print(
        f"cores: {os.cpu_count()}; {FLAGS.trials} trials x {FLAGS.epochs} epochs on digits, "
        f"1 TF thread per worker; searches in {work_dir}",
        flush=True,
    )
    results = [_search(workers, work_dir) for workers in (1, 2)]
    print()
    print(
        "| workers | wall (s) | trial phase (s) | mean trial (s) | CPU (s) | cores busy | trials completed "
        "| trials per worker |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['workers']} | {r['wall_s']:.1f} | {r['trial_phase_s']:.1f} | {r['mean_trial_s']:.2f} | "
            f"{r['cpu_s']:.0f} | {r['cpu_s'] / r['wall_s']:.2f} | {r['completed']}/{r['trials']} | {r['per_worker']} |"
        )
    one, two = results
    shutil.rmtree(work_dir, ignore_errors=True) if not FLAGS.work_dir else None
    print(f"trial_phase_ratio: {two['trial_phase_s'] / one['trial_phase_s']:.3f}")
    print(f"two_worker_time_ratio: {two['wall_s'] / one['wall_s']:.3f}")


if __name__ == "__main__":
    app.run(main)
