"""Multi-label and dense comparisons (issue 28): the task in configs, keys and records; engines; errors."""

import json
import pathlib

import numpy as np
import pytest

from tests.paths import REPO
from zoo.common import results
from zoo.data import task_datasets
from zoo.engines import task_metrics
from zoo.report import statistics
from zoo.sweeps import experiment, plan, sweep
from zoo.sweeps.condition import Condition


def _sweep(tmp_path, name, data=None, **overrides):
    config = sweep.SweepConfig(**{"depths": (1,), "seeds": (0,), "epochs": 2, "batch_size": 64, **overrides})
    out = str(tmp_path / name)
    experiment.Runner(config, out, data=data).run(sweep.grid(config), progress=False)
    return {r["key"]: r for r in results.read(results.path_in(out))}


def _with_validation(task):
    """The task's test metrics and their validation twins (`val_mean_iou`, ...): every engine writes both."""
    fields = task_metrics.METRICS[task]
    return (*fields, *(task_metrics.validation_field(field) for field in fields))


def _assert_same_records(by_engine, metric_fields):
    reference = by_engine["separate"]
    for engine, records in by_engine.items():
        assert set(records) == set(reference), engine  # Same run keys: a sweep resumes across engines.
        for key, record in records.items():
            for field in ("val_accuracy", "test_accuracy", "train_accuracy"):
                assert record[field] == pytest.approx(reference[key][field], abs=1e-6), (engine, key, field)
            for field in metric_fields:
                assert record[field] == pytest.approx(reference[key][field], abs=2e-3), (engine, key, field)
        assert {r["engine"] for r in records.values()} == {engine}


def test_multi_label_engines_write_the_same_records(tmp_path):
    settings = dict(
        dataset="multi_label_digits",
        task="multi_label",
        losses=("logistic", "asymmetric", "ovr_hinge"),
        label_noise=(0.0, 0.3),
        noise_type="missing",
        width=16,
    )
    by_engine = {
        engine: _sweep(tmp_path, engine, engine=engine, **settings) for engine in ("vectorized", "fused", "separate")
    }
    _assert_same_records(by_engine, _with_validation("multi_label"))
    for record in by_engine["vectorized"].values():
        assert record["task"] == "multi_label" and "/task=multi_label/" in record["key"]
        # The curve's accuracy is the fraction of right label bits: 1 − Hamming loss (both at probability 0.5),
        # on the test split and, from the validation split's final logits, on the validation split.
        assert record["final_test_accuracy"] == pytest.approx(1 - record["hamming_loss"], abs=1e-4)
        assert record["val_accuracy"][-1] == pytest.approx(1 - record["val_hamming_loss"], abs=1e-4)
        assert 0 < record["val_mean_average_precision"] <= 1
        assert record["train_class_counts"] and len(record["train_class_counts"]) == 6  # Positives per label.
        if record["label_noise"]:
            assert record["noise_type"] == "missing" and 0.25 < record["realised_flip_fraction"] < 0.35


@pytest.fixture(scope="module")
def small_shapes():
    found = task_datasets.shapes(n_train=40, n_test=12, size=16, void_border=True, seed=0)
    return (found.x_train, found.y_train), (found.x_test, found.y_test)


def test_dense_fused_and_separate_write_the_same_records_and_vectorized_names_them(tmp_path, small_shapes):
    settings = dict(
        dataset="data", task="dense", ignore_class=255, models=("unet",), losses=("log_loss", "tanimoto"),
        label_noise=(0.0, 0.2), width=4,
    )  # fmt: skip
    by_engine = {
        engine: _sweep(tmp_path, engine, data=small_shapes, engine=engine, **settings)
        for engine in ("fused", "separate")
    }
    _assert_same_records(by_engine, _with_validation("dense"))
    for record in by_engine["fused"].values():
        assert "/task=dense/ignore_class=255/" in record["key"] and record["ignore_class"] == 255
        # Position accuracy over the non-ignored positions, from the curve and from the confusion matrix.
        assert record["final_test_accuracy"] == pytest.approx(record["pixel_accuracy"], abs=1e-4)
        assert record["val_accuracy"][-1] == pytest.approx(record["val_pixel_accuracy"], abs=1e-4)
        assert 0 <= record["val_mean_iou"] <= 1 and "val_per_class_iou" not in record
        assert len(record["per_class_iou"]) == 4 and 0 <= record["mean_iou"] <= 1
    with pytest.raises(ValueError, match=r"^The vectorized engine does not train dense tasks; use engine='fused'"):
        _sweep(tmp_path, "vectorized", data=small_shapes, engine="vectorized", **settings)
    assert experiment.engine_for("auto", "unet", "dense") == "fused"
    assert experiment.engine_for("auto", "mlp", "multi_label") == "vectorized"


def test_losses_for_a_task_and_one_line_errors_before_training(small_shapes, tmp_path):
    import keras_losses

    np.save(tmp_path / "t.npy", np.full((6, 6), 1 / 6))

    assert sweep.resolve_losses(["default"], "multi_label") == tuple(keras_losses.names(task="multi_label"))
    assert sweep.resolve_losses(["default"], "dense") == sweep.DENSE_DEFAULT
    bad = [
        (dict(losses=["log_loss", "asymmetric"]), "Loss(es) log_loss do not serve the multi_label task"),
        (dict(noise_type="pair", label_noise=0.2), "Label noise 'pair' is not meaningful for multi_label labels"),
        (dict(metric="mean_iou"), "metric 'mean_iou' is not a multi_label metric"),
        (dict(noise_matrix=str(tmp_path / "t.npy")), "Label noise 'matrix' is not meaningful for multi_label"),
        (dict(task="dense"), "Dataset 'multi_label_digits' holds multi_label labels, not dense ones."),
    ]
    for options, message in bad:
        with pytest.raises(ValueError) as error:
            plan.prepare("mlp", "multi_label_digits", **{"epochs": 1, **options})
        assert message in str(error.value) and "\n" not in str(error.value), options
    with pytest.raises(ValueError, match="ignore_class applies to dense labels"):
        plan.prepare("mlp", "digits", ignore_class=255)
    with pytest.raises(ValueError, match="^The vectorized engine does not train dense tasks"):
        plan.prepare("unet", small_shapes, engine="vectorized", ignore_class=255)


def test_the_task_is_inferred_from_arrays_with_a_one_line_message(capsys, small_shapes):
    prepared = plan.prepare("unet", small_shapes, ignore_class=255, losses="default", width=4, depths=[1])
    assert prepared.config.task == "dense" and prepared.config.losses == sweep.DENSE_DEFAULT
    assert (
        "Task inferred: dense (labels of shape (40, 16, 16): a class per position, 4 classes, ignore_class=255)."
        in (capsys.readouterr().err)
    )
    x = np.random.default_rng(0).normal(size=(40, 5)).astype("float32")
    tags = (x[:, :3] > 0).astype(int)
    prepared = plan.prepare("mlp", (x, tags), losses="default", depths=[1])
    assert prepared.config.task == "multi_label" and prepared.reference == "logistic"
    assert "Task inferred: multi_label" in capsys.readouterr().err


def test_committed_records_keep_their_keys_and_state_their_task():
    """Records from before issue 28 carry no task and read as single-label; records of a multi-label or
    dense study state their task, and its headline metric leads. Every key recomputes."""
    files = sorted(pathlib.Path(REPO, "results").glob("*/results.jsonl"))
    assert files
    tasks_seen = set()
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines()[:50]:
            record = json.loads(line)
            assert sweep.run_key(record, record["loss"]) == record["key"], path
            task = record.get("task")
            tasks_seen.add(task)
            assert Condition.of(record).task == task, path
            assert statistics.headline_field(record) == task_metrics.HEADLINE_METRIC[task or "single_label"], path
    assert tasks_seen == {None, "multi_label", "dense"}
