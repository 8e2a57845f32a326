"""`python -m zoo.compare --task=multi_label` / `--task=dense` on their embedded defaults, with tiny flags:
the records, the report on the task's metric, and its plots."""

import json
import os
import subprocess
import sys

import pytest

from tests.paths import REPO as ROOT

TINY = ("--depths=1", "--seeds=0,1", "--epochs=1", "--label_noise=0,0.2", "--progress=false")


def _cli(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    return subprocess.run(
        [sys.executable, "-m", "zoo.compare", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    "flags,task,dataset,model,headline",
    [
        (("--task=multi_label", "--losses=logistic,asymmetric", "--noise_type=missing"), "multi_label",
         "multi_label_digits", "mlp", "mean average precision"),
        (("--task=dense", "--ignore_class=255", "--losses=log_loss,tanimoto", "--width=4"), "dense", "shapes",
         "unet", "mean IoU"),
    ],
    ids=["multi_label", "dense"],
)  # fmt: skip
def test_a_task_comparison_runs_on_its_embedded_default(tmp_path, flags, task, dataset, model, headline):
    out = str(tmp_path / task)
    done = _cli(*flags, *TINY, f"--out={out}")
    assert done.returncode == 0, done.stderr[-2000:]
    with open(os.path.join(out, "results.jsonl"), encoding="utf-8") as file:
        records = [json.loads(line) for line in file]
    assert len(records) == 2 * 2 * 2  # losses x seeds x noise conditions
    assert {(r["task"], r["dataset"], r["model"]) for r in records} == {(task, dataset, model)}
    field = {"multi_label": "mean_average_precision", "dense": "mean_iou"}[task]
    assert all(0 <= r[field] <= 1 for r in records)
    assert done.stdout.startswith(f"{headline} (over models")
    with open(os.path.join(out, "report.md"), encoding="utf-8") as file:
        report = file.read()
    assert f"Task: {task}" in report and f"Headline metric: {headline}" in report
    assert f"### Final {headline} (test)" in report
    assert f"![M{headline[1:]} per loss and condition (losses by mean rank)](accuracy_heatmap.png)" in report
    if task == "dense":
        assert (
            "positions labelled 255 ignored" in report
            and "| loss | background | circle | square | triangle |" in report
        )
    for name in ("accuracy_heatmap.png", "paired_differences.png", "learning_curves.png"):
        assert os.path.getsize(os.path.join(out, name)) > 1000


def test_bad_task_flags_are_one_line_errors():
    done = _cli("--task=multi_label", "--losses=log_loss", "--out=/nonexistent/never")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: Loss(es) log_loss do not serve the multi_label task")
