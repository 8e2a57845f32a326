"""The metrics users judge multi-label taggers and dense (segmentation) models by, from final test outputs.

Plain float64 NumPy, vectorized over examples, classes and positions; computed once per run
from its final test outputs (logits by default, the zoo's models' output) and stored in its record.

Multi-label (`multi_label_metrics`; `y` multi-hot `(N, K)`, scores `(N, K)`, predicted
positive where `σ(z) >= threshold`, i.e. `z >= log(t / (1 − t))`, `z >= 0` at 0.5):

- `mean_average_precision`: the mean over labels of `AP_k = Σ_n (R_n − R_{n−1})·P_n`, precision
  `P_n` and recall `R_n` at the n-th distinct score threshold (tied scores form one threshold),
  as scikit-learn's `average_precision_score`;
- `micro_f1`: `2·TP / (2·TP + FP + FN)` over all labels pooled; `macro_f1`: the mean over
  labels of the same per label;
- `subset_accuracy`: the fraction of examples whose predicted label set is exactly right;
- `hamming_loss`: the fraction of wrong label bits (lower is better).

Dense (`dense_metrics`; `y` class masks `(N, ...)`, scores `(N, ..., K)` or predicted class
masks): from the confusion matrix `C[t, p]` of all non-ignored positions of the test set
(positions where `y == ignore_class` count nowhere):

- `pixel_accuracy`: `trace(C) / ΣC`;
- `per_class_iou[c]`: `C[c, c] / (Σ_p C[c, p] + Σ_t C[t, c] − C[c, c])`, `mean_iou` their mean
  (scikit-learn's `jaccard_score` on the flattened positions);
- `mean_dice`: the mean of `2·C[c, c] / (Σ_p C[c, p] + Σ_t C[t, c])` (the per-class F1).

Zero division (the convention of scikit-learn's `zero_division` argument): a score whose
denominator is 0 — F1, IoU or Dice of a class absent from both truth and prediction, AP of a
label with no positive in the truth — is `zero_division`; the default `nan` leaves it out of
the means (scikit-learn's `zero_division=np.nan`), `0.0` counts it as 0 (scikit-learn's default
for F1 and IoU, and what its `average_precision_score` does for a label without positives).
A mean over no class at all is nan. `record_fields` writes nan as None (JSON null).

`HEADLINE_METRIC` is the record field a report leads with for each task. `validation_fields` gives the
same scalar metrics on the validation split's final outputs as `val_<metric>` record fields (e.g.
`val_mean_iou`), on which a report's "chosen on validation" ranks losses.

>>> import numpy as np
>>> y = np.array([[1, 0], [0, 1], [1, 1]])
>>> z = np.array([[2.0, -1.0], [-0.5, 0.3], [0.1, -2.0]])
>>> m = multi_label_metrics(y, z)
>>> m["mean_average_precision"], m["subset_accuracy"], round(m["hamming_loss"], 4)
(0.9167, 0.6667, 0.1667)
>>> d = dense_metrics(np.array([[[0, 1], [2, 255]]]), np.array([[[0, 1], [1, 2]]]), 3, ignore_class=255)
>>> d["pixel_accuracy"], d["per_class_iou"]
(0.6667, [1.0, 0.5, 0.0])
"""

import math

import numpy as np

from zoo.common.tasks import check_task

# The record field that heads a task's report (and `--metric`'s default).
HEADLINE_METRIC = {"single_label": "final_test_accuracy", "multi_label": "mean_average_precision", "dense": "mean_iou"}
# The scalar record fields of each new task, in report order (single-label's are `zoo.sweeps.class_metrics`').
METRICS = {
    "multi_label": ("mean_average_precision", "micro_f1", "macro_f1", "subset_accuracy", "hamming_loss"),
    "dense": ("mean_iou", "pixel_accuracy", "mean_dice"),
}
LOWER_IS_BETTER = frozenset({"hamming_loss"})
# The record fields a report may lead with (`--metric`), per task.
REPORTABLE = {
    "single_label": ("final_test_accuracy", "balanced_accuracy", "macro_f1"),
    "multi_label": ("final_test_accuracy", *METRICS["multi_label"]),
    "dense": ("final_test_accuracy", *METRICS["dense"]),
}
TITLES = {
    "final_test_accuracy": "Test accuracy",
    "mean_average_precision": "Mean average precision (macro over labels)",
    "micro_f1": "Micro-F1 at 0.5",
    "macro_f1": "Macro-F1 at 0.5",
    "subset_accuracy": "Subset accuracy (every label right)",
    "hamming_loss": "Hamming loss (fraction of wrong label bits, lower is better)",
    "mean_iou": "Mean IoU",
    "pixel_accuracy": "Pixel accuracy",
    "mean_dice": "Mean Dice",
}
DIGITS = 4  # Rounding of the stored values.


def _ratio(numerator, denominator, zero_division: float) -> np.ndarray:
    """`numerator / denominator` element-wise, `zero_division` where the denominator is 0."""
    numerator, denominator = np.asarray(numerator, np.float64), np.asarray(denominator, np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, zero_division, numerator / safe)


def _mean(values: np.ndarray) -> float:
    """The mean of the non-nan values; nan when there are none (no warning)."""
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if kept.size else math.nan


def _round(value: float) -> float:
    return value if math.isnan(value) else round(float(value), DIGITS)


def _check_zero_division(zero_division) -> float:
    if not (zero_division in (0.0, 1.0) or (isinstance(zero_division, float) and math.isnan(zero_division))):
        raise ValueError(f"zero_division must be 0.0, 1.0 or nan, got {zero_division!r}.")
    return float(zero_division)


# ---------------------------------------------------------------- multi-label


def average_precision(y_true, scores, zero_division: float = math.nan) -> np.ndarray:
    """Per-label average precision `(K,)` of multi-hot `y_true` `(N, K)` ranked by `scores` `(N, K)`.

    Each positive adds, divided by the label's positive count, the precision at the end of
    its group of tied scores (sorted by decreasing score): `Σ_n (R_n − R_{n−1})·P_n`.
    A label without positives gets `zero_division`.
    """
    y_true, scores = np.asarray(y_true, np.float64), np.asarray(scores, np.float64)
    order = np.argsort(-scores, axis=0, kind="stable")
    ranked = np.take_along_axis(scores, order, axis=0)
    hits = np.take_along_axis(y_true, order, axis=0)
    true_positives = np.cumsum(hits, axis=0)
    precision = true_positives / np.arange(1, len(scores) + 1)[:, None]
    # The end of each tie group: the last row, or a row whose next score differs.
    group_end = np.ones(ranked.shape, bool)
    group_end[:-1] = ranked[:-1] != ranked[1:]
    rows = np.where(group_end, np.arange(len(scores))[:, None], len(scores))
    end_row = np.minimum.accumulate(rows[::-1], axis=0)[::-1]
    precision_at_end = np.take_along_axis(precision, end_row, axis=0)
    return _ratio((hits * precision_at_end).sum(axis=0), hits.sum(axis=0), zero_division)


def _check_pair(y_true, outputs, what: str) -> tuple[np.ndarray, np.ndarray]:
    y_true, outputs = np.asarray(y_true), np.asarray(outputs, np.float64)
    if y_true.ndim != 2 or outputs.shape != y_true.shape:
        raise ValueError(
            f"{what} needs labels (N, K) and outputs of the same shape, got {y_true.shape} and {outputs.shape}."
        )
    if not np.all((y_true == 0) | (y_true == 1)):
        raise ValueError(f"{what} needs multi-hot labels of 0 and 1.")
    return y_true.astype(np.float64), outputs


def multi_label_metrics(
    y_true, outputs, *, from_logits: bool = True, threshold: float = 0.5, zero_division: float = math.nan
) -> dict:
    """mAP, micro/macro-F1 at `threshold`, subset accuracy and Hamming loss (see the module docstring).

    Args:
        y_true: multi-hot labels `(N, K)`.
        outputs: the model's `(N, K)` logits (`from_logits=True`) or sigmoid probabilities.
        threshold: the probability from which a label is predicted, in (0, 1).
        zero_division: the score of a label whose score has a zero denominator (see above).
    """
    zero_division = _check_zero_division(zero_division)
    y_true, outputs = _check_pair(y_true, outputs, "multi_label_metrics")
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}.")
    cut = math.log(threshold / (1.0 - threshold)) if from_logits else threshold
    predicted = (outputs >= cut).astype(np.float64)
    tp = (predicted * y_true).sum(axis=0)
    fp = (predicted * (1 - y_true)).sum(axis=0)
    fn = ((1 - predicted) * y_true).sum(axis=0)
    return {
        "mean_average_precision": _round(_mean(average_precision(y_true, outputs, zero_division))),
        "micro_f1": _round(float(_ratio(2 * tp.sum(), 2 * tp.sum() + fp.sum() + fn.sum(), zero_division))),
        "macro_f1": _round(_mean(_ratio(2 * tp, 2 * tp + fp + fn, zero_division))),
        "subset_accuracy": _round(float(np.mean(np.all(predicted == y_true, axis=1)))),
        "hamming_loss": _round(float(np.mean(predicted != y_true))),
    }


# ---------------------------------------------------------------- dense


def dense_confusion(y_true, outputs, num_classes: int | None = None, ignore_class: int | None = None) -> np.ndarray:
    """`C[t, p]` (int64, K×K): non-ignored positions of true class t predicted as p.

    `outputs` are per-position scores `(N, ..., K)` (argmax taken) or predicted class masks of
    `y_true`'s shape (then `num_classes` is needed).
    """
    y_true, outputs = np.asarray(y_true), np.asarray(outputs)
    if outputs.shape == y_true.shape:
        if num_classes is None:
            raise ValueError("dense metrics of predicted class masks need num_classes.")
        predicted = outputs.astype(np.int64)
    elif outputs.shape[:-1] == y_true.shape:
        num_classes = outputs.shape[-1] if num_classes is None else num_classes
        if outputs.shape[-1] != num_classes:
            raise ValueError(f"dense metrics: outputs have {outputs.shape[-1]} scores per position, not {num_classes}.")
        predicted = np.argmax(outputs, axis=-1)
    else:
        raise ValueError(
            f"dense metrics need outputs (N, ..., K) or class masks for labels of shape {y_true.shape}, "
            f"got outputs of shape {outputs.shape}."
        )
    kept = np.ones(y_true.shape, bool) if ignore_class is None else y_true != ignore_class
    truth, predicted = y_true[kept].astype(np.int64), predicted[kept]
    bad = (truth < 0) | (truth >= num_classes)
    if bad.any():
        void = "" if ignore_class is None else f" (other than ignore_class={ignore_class})"
        raise ValueError(f"dense metrics: mask value {truth[bad][0]} is not a class in [0, {num_classes}){void}.")
    return np.bincount(truth * num_classes + predicted, minlength=num_classes**2).reshape(num_classes, num_classes)


def dense_metrics(
    y_true, outputs, num_classes: int | None = None, *, ignore_class: int | None = None, zero_division=math.nan
) -> dict:
    """Pixel accuracy, per-class and mean IoU, and mean Dice over the non-ignored positions."""
    zero_division = _check_zero_division(zero_division)
    confusion = dense_confusion(y_true, outputs, num_classes, ignore_class).astype(np.float64)
    hits, truth, predicted = np.diag(confusion), confusion.sum(axis=1), confusion.sum(axis=0)
    iou = _ratio(hits, truth + predicted - hits, zero_division)
    return {
        "pixel_accuracy": _round(float(_ratio(hits.sum(), confusion.sum(), math.nan))),
        "mean_iou": _round(_mean(iou)),
        "per_class_iou": [_round(v) for v in iou],
        "mean_dice": _round(_mean(_ratio(2 * hits, truth + predicted, zero_division))),
    }


def check_metric(task: str, metric: str | None) -> str:
    """The headline field of a `task` report: `metric` when it is one of `REPORTABLE[task]`, else
    `HEADLINE_METRIC[task]` for None; a one-line ValueError with the choices otherwise."""
    if metric is None:
        return HEADLINE_METRIC[check_task(task)]
    if metric not in REPORTABLE[check_task(task)]:
        raise ValueError(f"metric {metric!r} is not a {task} metric; choose one of {', '.join(REPORTABLE[task])}.")
    return metric


# ---------------------------------------------------------------- per-epoch accuracy


def accuracy(task: str, y_true, logits, ignore_class: int | None = None) -> float:
    """The accuracy of a task's per-epoch curves, from logits: the fraction of right classes
    (single-label), of right label bits at 0.5, i.e. logit > 0 as Keras's `BinaryAccuracy(threshold=0)`
    (multi-label), of right classes over the non-ignored positions (dense); nan without labels."""
    y_true, logits = np.asarray(y_true), np.asarray(logits)
    if task == "multi_label":
        hits = (logits > 0) == (y_true == 1)
    else:
        hits = np.argmax(logits, axis=-1) == y_true
        if task == "dense" and ignore_class is not None:
            hits = hits[y_true != ignore_class]
    return float(np.mean(hits)) if hits.size else float("nan")


# ---------------------------------------------------------------- records


def metrics_of(
    task: str, y_true, outputs, *, from_logits: bool = True, ignore_class: int | None = None, zero_division=math.nan
) -> dict:
    """The metrics of a multi-label (`multi_label_metrics`) or dense (`dense_metrics`) task's outputs;
    a ValueError for single-label (its metrics are `zoo.sweeps.class_metrics`')."""
    if check_task(task) == "multi_label":
        return multi_label_metrics(y_true, outputs, from_logits=from_logits, zero_division=zero_division)
    if task == "dense":
        return dense_metrics(y_true, outputs, ignore_class=ignore_class, zero_division=zero_division)
    raise ValueError(f"task metrics are those of multi_label and dense tasks, not {task!r}.")


def record_fields(task: str, y_test, outputs, *, ignore_class: int | None = None, zero_division=math.nan) -> dict:
    """The task's metric fields of a run's record from its final test logits (nan as None, JSON null).

    Single-label runs get theirs from `zoo.sweeps.class_metrics`, so this returns `{}` for them.
    """
    if check_task(task) == "single_label":
        return {}
    fields = metrics_of(task, y_test, outputs, ignore_class=ignore_class, zero_division=zero_division)

    def clean(value):
        if isinstance(value, list):
            return [clean(v) for v in value]
        return None if isinstance(value, float) and math.isnan(value) else value

    return {name: clean(value) for name, value in fields.items()}


def validation_field(field: str) -> str:
    """The record field of metric `field` measured on the validation split: `val_<field>` (e.g. `val_mean_iou`)."""
    return f"val_{field}"


def validation_fields(task: str, y_val, outputs, *, ignore_class: int | None = None) -> dict:
    """The task's scalar metrics (`METRICS[task]`) on the validation split's final outputs, named by
    `validation_field` and computed as `record_fields` computes the test ones; `{}` for single-label runs
    (their choice on validation reads the `val_accuracy` curve) and for an empty validation split."""
    if check_task(task) == "single_label" or len(y_val) == 0:
        return {}
    fields = record_fields(task, y_val, outputs, ignore_class=ignore_class)
    return {validation_field(name): fields[name] for name in METRICS[task]}
