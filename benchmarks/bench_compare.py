"""`zoo.compare_losses` against `python -m zoo.compare` on the demo's settings: same records, same time.

    python benchmarks/bench_compare.py            # the demo: digits, 20 losses, MLP depths 1-3, 3 seeds
    python benchmarks/bench_compare.py --depths=2 --seeds=0

Both run in a fresh Python process each (imports included), one after the other in this
run, into temporary folders, in the order command, function, function, command, ... over
`--rounds` rounds (so a drift in machine load weighs on both alike); the seconds are the
sums over rounds. Their records are compared field by field (all but timing).
Both render the report (report.md and its plots) after training, as the command does.
The last line is `compare_time_ratio: X` = compare_losses seconds / command seconds.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from absl import app, flags  # noqa: E402

flags.DEFINE_string("depths", "1,2,3", "Depths (the demo's).")
flags.DEFINE_string("seeds", "0,1,2", "Seeds (the demo's).")
flags.DEFINE_integer("epochs", 25, "Epochs per run (the demo's).")
flags.DEFINE_integer("rounds", 2, "Rounds; each runs both ways once (alternating which goes first).")
FLAGS = flags.FLAGS
TIMING = ("setting_wall_seconds", "wall_seconds", "finished_at", "fused_with")

SCRIPT = """
import zoo
result = zoo.compare_losses("mlp", "digits", losses="default", depths={depths}, seeds={seeds}, label_noise=(0.0, 0.4),
                   epochs={epochs}, out={out!r}, progress=False)
print(result.summary()); result.report({out!r})  # What the command does after training.
"""


def _timed(command, out):
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=ROOT,
        check=True,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    with open(os.path.join(out, "results.jsonl")) as handle:
        return seconds, [json.loads(line) for line in handle if line.strip()]


def main(argv):
    del argv
    depths = tuple(int(d) for d in FLAGS.depths.split(","))
    seeds = tuple(int(s) for s in FLAGS.seeds.split(","))
    seconds, records = {"cli": 0.0, "api": 0.0}, {}
    for round_index in range(FLAGS.rounds):
        order = ("cli", "api") if round_index % 2 == 0 else ("api", "cli")
        for way in order:
            with tempfile.TemporaryDirectory() as out:
                if way == "cli":
                    command = [
                        sys.executable,
                        "-m",
                        "zoo.compare",
                        f"--depths={FLAGS.depths}",
                        f"--seeds={FLAGS.seeds}",
                        f"--epochs={FLAGS.epochs}",
                        "--noprogress",
                        f"--out={out}",
                    ]
                else:
                    script = SCRIPT.format(depths=depths, seeds=seeds, epochs=FLAGS.epochs, out=out)
                    command = [sys.executable, "-c", script]
                took, records[way] = _timed(command, out)
                seconds[way] += took
    cli, api = (seconds["cli"], records["cli"]), (seconds["api"], records["api"])
    by_key = {r["key"]: r for r in cli[1]}
    same = len(api[1]) == len(cli[1]) and all(
        r["key"] in by_key and all(r[f] == by_key[r["key"]][f] for f in r if f not in TIMING) for r in api[1]
    )
    print("| way | runs | seconds |\n|---|---:|---:|")
    print(f"| python -m zoo.compare | {len(cli[1])} | {cli[0]:.1f} |")
    print(f"| zoo.compare_losses | {len(api[1])} | {api[0]:.1f} |")
    print(f"same records (all fields but timing): {same}")
    print(f"compare_time_ratio: {api[0] / cli[0]:.3f}")


if __name__ == "__main__":
    app.run(main)
