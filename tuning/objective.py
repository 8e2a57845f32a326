"""The fixed metrics every trial is compiled with, and the objective chosen among them.

Trials of a loss search train with different losses, so their loss values
have different scales (a hinge loss, a bounded Tanimoto loss and the
cross-entropy are not comparable numbers). Trials are therefore ranked on a
fixed metric that is compiled into every trial, whatever its loss:

>>> resolve("val_accuracy", num_classes=10).direction
'max'
>>> resolve("val_loss", num_classes=10)  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
tuning.objective.ObjectiveError: Objective 'val_loss' ranks trials by their own loss ...

`tracked(num_classes)` lists the names a search can be ranked on: accuracy,
top-3 accuracy (more than 3 classes), the NLL, balanced accuracy (mean
per-class recall) and macro-F1 (`zoo.engines.metrics`), each as `val_<name>`.
`metrics(num_classes)` compiles them into a model (`tuning.metrics`), and
`tuner_objective(name, num_classes=...)` is the matching keras-tuner objective.

Multi-label and dense searches (`task=`) are ranked on the metrics users judge those tasks by,
`zoo.engines.task_metrics`' (one implementation, the comparison's): multi-label
`val_mean_average_precision` (the default: macro AP, scikit-learn's `average_precision_score`
per label), `val_macro_f1` / `val_micro_f1` at 0.5, `val_subset_accuracy`, `val_hamming_loss`
(min); dense `val_mean_iou` (the default), `val_pixel_accuracy`, `val_mean_dice`, over the
positions not labelled `ignore_class`. They are exact, not streamed approximations: at the end
of every epoch `TaskMetrics` (a callback every trial gets, `callbacks(...)`) runs the model over
the whole validation split and computes them from its outputs, adding `val_<name>` to the
epoch's logs before keras-tuner and early stopping read them:

>>> [name for name in tracked(6, task="multi_label")][:2]
['val_mean_average_precision', 'val_micro_f1']
>>> default_objective("dense")
'val_mean_iou'
"""

from collections.abc import Callable

import keras
import keras_tuner
import numpy as np

from zoo.common.close_matches import did_you_mean
from zoo.common.tasks import check_task
from zoo.engines import task_metrics

DEFAULT = "val_accuracy"
VALIDATION_PREFIX = "val_"
SINGLE_LABEL = "single_label"


class ObjectiveError(ValueError):
    """An objective that is not a fixed metric tracked in every trial."""


def _accuracy(num_classes: int, from_logits: bool):
    from zoo.engines import metrics

    return metrics.ClassAccuracy(num_classes, from_logits=from_logits)


def _top3_accuracy(num_classes: int, from_logits: bool):
    from zoo.engines import metrics

    return metrics.TopKAccuracy(num_classes, k=3, name="top3_accuracy")


def _nll(num_classes: int, from_logits: bool):
    from zoo.engines import metrics

    # The cross-entropy of softmax (or sigmoid) outputs as a *metric*: the same yardstick in
    # every trial, unlike the trial's own training loss.
    return metrics.NegativeLogLikelihood(num_classes, from_logits=from_logits)


def _balanced_accuracy(num_classes: int, from_logits: bool):
    from zoo.engines import metrics

    return metrics.BalancedAccuracy(num_classes, from_logits=from_logits)


def _macro_f1(num_classes: int, from_logits: bool):
    from zoo.engines import metrics

    return metrics.MacroF1(num_classes, from_logits=from_logits)


# name -> (direction, factory(num_classes, from_logits), available(num_classes)).
FIXED_METRICS: dict[str, tuple[str, Callable, Callable[[int], bool]]] = {
    "accuracy": ("max", _accuracy, lambda k: True),
    "top3_accuracy": ("max", _top3_accuracy, lambda k: k > 3),
    "nll": ("min", _nll, lambda k: True),
    "balanced_accuracy": ("max", _balanced_accuracy, lambda k: True),
    "macro_f1": ("max", _macro_f1, lambda k: True),
}


def default_objective(task: str = SINGLE_LABEL) -> str:
    """The objective a search of `task` is ranked on by default: `val_accuracy`, or the task's headline metric
    (`zoo.engines.task_metrics.HEADLINE_METRIC`: `val_mean_average_precision`, `val_mean_iou`)."""
    if check_task(task) == SINGLE_LABEL:
        return DEFAULT
    return VALIDATION_PREFIX + task_metrics.HEADLINE_METRIC[task]


def metric_names(num_classes: int, task: str = SINGLE_LABEL) -> list[str]:
    """Names of the fixed metrics every trial of `task` tracks for `num_classes` classes (labels)."""
    if check_task(task) != SINGLE_LABEL:
        return list(task_metrics.METRICS[task])
    return [name for name, (_, _, available) in FIXED_METRICS.items() if available(num_classes)]


def metrics(num_classes: int, from_logits: bool = True, task: str = SINGLE_LABEL) -> list:
    """Fresh Keras metric instances for `model.compile(metrics=...)`: every fixed metric.

    `from_logits` says whether a single output unit (binary, `num_classes=2`)
    is a logit or a sigmoid's probability; K output units are read either way.
    The classes live in `zoo.engines.metrics`: a model saved with them loads
    after `import zoo.engines.metrics` (or with `compile=False`). A multi-label or dense
    task compiles none: its metrics are `callbacks(...)`'s, computed on the whole validation split.
    """
    if check_task(task) != SINGLE_LABEL:
        return []
    return [FIXED_METRICS[name][1](num_classes, from_logits) for name in metric_names(num_classes)]


def tracked(num_classes: int, task: str = SINGLE_LABEL) -> list[str]:
    """Every objective name a search of `task` can be ranked on (validation names first; a multi-label or
    dense task's metrics exist on the validation split only)."""
    names = metric_names(num_classes, task)
    validation = [VALIDATION_PREFIX + name for name in names]
    return validation + names if task == SINGLE_LABEL else validation


def _is_loss_value(name: str) -> bool:
    base = name[len(VALIDATION_PREFIX) :] if name.startswith(VALIDATION_PREFIX) else name
    return base == "loss" or base.endswith("_loss")


def _direction(base: str, task: str) -> str:
    if task == SINGLE_LABEL:
        return FIXED_METRICS[base][0]
    return "min" if base in task_metrics.LOWER_IS_BETTER else "max"


def resolve(objective: str, num_classes: int, task: str = SINGLE_LABEL) -> keras_tuner.Objective:
    """Validates `objective` and returns it as a `keras_tuner.Objective`.

    Accepts `val_<metric>` or `<metric>` for the metrics of `metric_names()` (a multi-label or
    dense task: `val_<metric>` only). Raises `ObjectiveError` (one line) for the trial's own loss
    value, which is not comparable across losses, and for names that are not tracked.
    """
    if not isinstance(objective, str) or not objective:
        raise ObjectiveError(f"Objective must be a metric name such as {default_objective(task)!r}, got {objective!r}.")
    known = tracked(num_classes, task)
    if objective not in known:
        if _is_loss_value(objective) and objective[len(VALIDATION_PREFIX) :] != "hamming_loss":
            raise ObjectiveError(
                f"Objective {objective!r} ranks trials by their own loss, whose scale differs from loss "
                f"to loss; rank on a fixed metric instead: {', '.join(known)}."
            )
        hint = did_you_mean(objective, known)
        what = "" if task == SINGLE_LABEL else f" of a {task} search"
        raise ObjectiveError(
            f"Objective {objective!r} is not a metric tracked in every trial{what}.{hint} Tracked: {', '.join(known)}."
        )
    base = objective[len(VALIDATION_PREFIX) :] if objective.startswith(VALIDATION_PREFIX) else objective
    return keras_tuner.Objective(objective, direction=_direction(base, task))


def tuner_objective(
    objective: str | None = None, *, num_classes: int, task: str = SINGLE_LABEL
) -> keras_tuner.Objective:
    """`objective=` for any keras-tuner tuner over a `build(hp)` compiled with `metrics(num_classes)`
    (and, for a multi-label or dense task, fitted with `callbacks(...)`); None: `default_objective(task)`.

    >>> tuner_objective("val_macro_f1", num_classes=3).direction
    'max'

    Refuses the trial's own loss value as `resolve` does (keras-tuner itself
    would accept `"val_loss"` and compare losses of different scales).
    """
    return resolve(default_objective(task) if objective is None else objective, num_classes, task)


# ---------------------------------------------------------------- multi-label and dense tasks


def _labels_and_outputs(model, data) -> tuple[np.ndarray, np.ndarray]:
    """The labels of `data` (a `tf.data.Dataset` of `(x, y)` batches, or a pair `(x, y)` of arrays) and the
    model's outputs on its inputs, in the same order."""
    if isinstance(data, (tuple, list)):
        return np.asarray(data[1]), np.asarray(model.predict(data[0], verbose=0))
    labels, outputs = [], []
    for batch in data:
        x, y = batch[0], batch[1]
        outputs.append(np.asarray(model.predict_on_batch(x)))
        labels.append(np.asarray(y))
    if not labels:
        raise ValueError("The validation data are empty: a multi-label or dense search ranks trials on them.")
    return np.concatenate(labels), np.concatenate(outputs)


def task_scores(task: str, model, data, *, from_logits: bool = True, ignore_class: int | None = None) -> dict:
    """The task's metrics (`zoo.engines.task_metrics`, unrounded names of `metric_names(task=task)`) of
    `model` on all of `data` (see `_labels_and_outputs`); nan where a metric has no defined value
    (e.g. mean AP when no label has a positive)."""
    labels, outputs = _labels_and_outputs(model, data)
    found = task_metrics.metrics_of(task, labels, outputs, from_logits=from_logits, ignore_class=ignore_class)
    return {name: float(found[name]) for name in metric_names(outputs.shape[-1], task)}


class TaskMetrics(keras.callbacks.Callback):
    """Adds `val_<metric>` of a multi-label or dense task to each epoch's logs (`task_scores` on the whole
    validation split), before the callbacks after it (keras-tuner's, early stopping, History) read them."""

    def __init__(self, task: str, validation_data, *, from_logits: bool = True, ignore_class: int | None = None):
        super().__init__()
        self.task, self.validation_data = check_task(task), validation_data
        self.from_logits, self.ignore_class = from_logits, ignore_class

    def __deepcopy__(self, memo):
        """A fresh callback over the same validation data (keras-tuner deep-copies a search's callbacks per
        trial, and a `tf.data.Dataset` cannot be deep-copied)."""
        return TaskMetrics(
            self.task, self.validation_data, from_logits=self.from_logits, ignore_class=self.ignore_class
        )

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        scores = task_scores(
            self.task, self.model, self.validation_data, from_logits=self.from_logits, ignore_class=self.ignore_class
        )
        logs.update({VALIDATION_PREFIX + name: value for name, value in scores.items()})


def callbacks(task: str, validation_data, *, from_logits: bool = True, ignore_class: int | None = None) -> list:
    """The callbacks that track a task's metrics in `model.fit(..., callbacks=...)`, first in the list:
    `[TaskMetrics(...)]` for a multi-label or dense task, `[]` for single-label (its metrics are compiled)."""
    if check_task(task) == SINGLE_LABEL:
        return []
    if validation_data is None:
        raise ValueError(f"A {task} search ranks trials on validation metrics: give validation_data.")
    return [TaskMetrics(task, validation_data, from_logits=from_logits, ignore_class=ignore_class)]
