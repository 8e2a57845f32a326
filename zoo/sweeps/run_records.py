"""The result record of a run: made from a finished training's histories, one dict per loss.

`make_records` turns the per-epoch histories of a setting's losses into
records (the setting's fields, the run key, the curves cut at divergence,
the final and best accuracies, timing, library versions); `epochs_to_fraction`
measures learning speed from a record's curve. This module decides what a
record holds; `zoo.common.results` stores records (appends them to and reads them
from the `results*.jsonl` files) without looking inside them.

>>> epochs_to_fraction([0.5, 0.8, 0.97, 1.0], 0.95)
3
>>> cut_at_divergence([0.9, 0.5, 0.4], diverged_at_epoch([0.9, 0.5, float("inf")]))
[0.9, 0.5, None]
"""

import datetime
import platform
from collections.abc import Mapping, Sequence

import numpy as np

from zoo.engines import task_metrics
from zoo.sweeps import class_metrics
from zoo.sweeps.sweep import Setting, run_key

SPEED_FRACTION = 0.95  # Learning speed: epochs to reach this fraction of the run's best val accuracy.


def epochs_to_fraction(curve: Sequence[float], fraction: float = SPEED_FRACTION) -> int | None:
    """The first epoch (1-based) whose value reaches `fraction` of the curve's best; None if empty."""
    values = np.asarray(curve, dtype=float)
    if values.size == 0 or np.all(np.isnan(values)):
        return None
    return int(np.argmax(values >= fraction * np.nanmax(values))) + 1


def versions() -> dict[str, str]:
    """Versions of the libraries that a result depends on."""
    import keras
    import tensorflow as tf

    import keras_losses

    return {
        "keras_losses": keras_losses.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "python": platform.python_version(),
    }


def make_records(
    setting: Setting,
    histories: dict[str, dict[str, list[float]]],
    data_info: dict,
    wall_seconds: float,
    worker: str,
    engine: str = "fused",
    trained_together: int | None = None,
    test_logits: Mapping[str, np.ndarray] | None = None,
    y_test: np.ndarray | None = None,
    train_counts: Sequence[int] | None = None,
    val_logits: Mapping[str, np.ndarray] | None = None,
    y_val: np.ndarray | None = None,
) -> list[dict]:
    """One result record per loss of a finished training of `setting`.

    `wall_seconds` is the setting's share of the training time; each record
    also carries its own share, `wall_seconds / number of losses`.
    `trained_together` is how many runs trained in one network (`fused_with`).
    With each loss's final `test_logits`, the test labels and the training class
    counts, a record also holds its per-class metrics (`zoo.sweeps.class_metrics`:
    balanced accuracy, macro-F1, per-class recall, many/medium/few-shot accuracy, and
    the same after post-hoc logit adjustment), None for a diverged run; for a multi-label or dense
    setting the task's metrics instead (`zoo.engines.task_metrics.record_fields`: mAP, F1, subset
    accuracy, Hamming loss; mean and per-class IoU, pixel accuracy, mean Dice), and with each loss's
    final `val_logits` and the validation labels the same scalar metrics on the validation split
    (`task_metrics.validation_fields`: `val_mean_average_precision`, `val_mean_iou`, ...), on which a
    report chooses a loss "on validation".
    """
    finished = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    common = {
        **setting.fields(),
        "realised_flip_fraction": data_info["label_noise"]["realised_fraction"],
        **noise_details(data_info["label_noise"]),
        "sizes": data_info["sizes"],
        "engine": engine,
        "fused_with": trained_together or len(histories),
        "setting_wall_seconds": round(wall_seconds, 3),
        "wall_seconds": round(wall_seconds / max(len(histories), 1), 3),
        "finished_at": finished,
        "worker": worker,
        "versions": versions(),
        **({"class_names": data_info["class_names"]} if data_info.get("class_names") else {}),
    }
    records = []
    for loss, history in histories.items():
        diverged = diverged_at_epoch(history["loss"])
        curves = {
            name: cut_at_divergence(history.get(key, []), diverged)
            for name, key in (
                ("train_loss", "loss"),
                ("train_accuracy", "accuracy"),
                ("val_accuracy", "val_accuracy"),
                ("test_accuracy", "test_accuracy"),
            )
        }
        val = [v for v in curves["val_accuracy"] if v is not None]
        test = curves["test_accuracy"]
        records.append(
            {
                "key": run_key(setting, loss),
                "loss": loss,
                **common,
                **curves,
                "diverged_at_epoch": diverged,
                "final_test_accuracy": test[-1] if test and diverged is None else None,
                "best_val_accuracy": max(val) if val else None,
                **_class_fields(test_logits, loss, diverged, y_test, train_counts, setting),
                **_validation_fields(val_logits, loss, diverged, y_val, setting),
                **_transition_fields(loss, data_info),
            }
        )
    return records


CONFUSION_MAX_CLASSES = 20  # Records keep the test confusion matrix up to this many classes (it has K² cells).


def _class_fields(test_logits, loss, diverged, y_test, train_counts, setting) -> dict:
    if test_logits is None or loss not in test_logits or y_test is None or train_counts is None:
        return {}
    logits = np.asarray(test_logits[loss])
    if diverged is not None or not np.isfinite(logits).all():
        return {"train_class_counts": [int(n) for n in train_counts]}
    task = getattr(setting, "task", "single_label")
    if task != "single_label":  # The task's metrics (`zoo.engines.task_metrics`), e.g. mAP or mean IoU.
        fields = task_metrics.record_fields(task, y_test, logits, ignore_class=setting.ignore_class)
        return {"train_class_counts": [int(n) for n in train_counts], **fields}
    fields = class_metrics.record_fields(logits, y_test, train_counts)
    if len(train_counts) > CONFUSION_MAX_CLASSES:
        del fields["test_confusion"]
    return fields


def _validation_fields(val_logits, loss, diverged, y_val, setting) -> dict:
    """The task's `val_<metric>` fields of a finished multi-label or dense run; {} otherwise."""
    task = getattr(setting, "task", "single_label")
    if task == "single_label" or val_logits is None or loss not in val_logits or y_val is None:
        return {}
    logits = np.asarray(val_logits[loss])
    if diverged is not None or not np.isfinite(logits).all():
        return {}
    return task_metrics.validation_fields(task, y_val, logits, ignore_class=setting.ignore_class)


def _transition_fields(loss: str, data_info: dict) -> dict:
    """A loss correction's record: the `transition_matrix` it used and, estimated (the setting's `correction`),
    the `clean_subset_size` it was counted on (`zoo.sweeps.loss_config.transition`)."""
    from zoo.sweeps import loss_config

    if "loss_transition" not in data_info or "transition_matrix" not in loss_config.needs(loss):
        return {}
    return dict(data_info["loss_transition"])


def noise_details(label_noise: dict) -> dict:
    """The record fields of class-dependent and validation label noise (absent for the other kinds).

    `realised_transition_counts[i][j]`: training examples of clean class `i`
    with noisy label `j`; `noise_matrix`: the asked-for transition matrix.
    """
    names = {
        "realised_counts": "realised_transition_counts",
        "matrix": "noise_matrix",
        "val_realised_fraction": "val_realised_flip_fraction",
    }
    return {field: label_noise[key] for key, field in names.items() if key in label_noise}


def diverged_at_epoch(train_loss: Sequence[float]) -> int | None:
    """The first epoch (1-based) whose train loss is NaN or infinite; None if the run never diverged.

    >>> diverged_at_epoch([0.9, 0.5, float("nan"), float("nan")]), diverged_at_epoch([0.9, 0.5])
    (3, None)
    """
    for epoch, value in enumerate(train_loss, start=1):
        if value is None or not np.isfinite(value):
            return epoch
    return None


def cut_at_divergence(curve: Sequence[float], diverged: int | None) -> list[float | None]:
    """`curve` with every value from epoch `diverged` on replaced by None (JSON null, never NaN)."""
    return [
        None if diverged is not None and epoch >= diverged else float(value)
        for epoch, value in enumerate(curve, start=1)
    ]
