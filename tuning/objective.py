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
"""

from collections.abc import Callable

import keras_tuner

from zoo.common.close_matches import did_you_mean

DEFAULT = "val_accuracy"
VALIDATION_PREFIX = "val_"


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


def metric_names(num_classes: int) -> list[str]:
    """Names of the fixed metrics compiled into every trial for `num_classes` classes."""
    return [name for name, (_, _, available) in FIXED_METRICS.items() if available(num_classes)]


def metrics(num_classes: int, from_logits: bool = True) -> list:
    """Fresh Keras metric instances for `model.compile(metrics=...)`: every fixed metric.

    `from_logits` says whether a single output unit (binary, `num_classes=2`)
    is a logit or a sigmoid's probability; K output units are read either way.
    The classes live in `zoo.engines.metrics`: a model saved with them loads
    after `import zoo.engines.metrics` (or with `compile=False`).
    """
    return [FIXED_METRICS[name][1](num_classes, from_logits) for name in metric_names(num_classes)]


def tracked(num_classes: int) -> list[str]:
    """Every objective name a search can be ranked on (validation names first)."""
    names = metric_names(num_classes)
    return [VALIDATION_PREFIX + name for name in names] + names


def _is_loss_value(name: str) -> bool:
    base = name[len(VALIDATION_PREFIX) :] if name.startswith(VALIDATION_PREFIX) else name
    return base == "loss" or base.endswith("_loss")


def resolve(objective: str, num_classes: int) -> keras_tuner.Objective:
    """Validates `objective` and returns it as a `keras_tuner.Objective`.

    Accepts `val_<metric>` or `<metric>` for the metrics of `metric_names()`.
    Raises `ObjectiveError` (one line) for the trial's own loss value, which
    is not comparable across losses, and for names that are not tracked.
    """
    if not isinstance(objective, str) or not objective:
        raise ObjectiveError(f"Objective must be a metric name such as {DEFAULT!r}, got {objective!r}.")
    known = tracked(num_classes)
    if _is_loss_value(objective):
        raise ObjectiveError(
            f"Objective {objective!r} ranks trials by their own loss, whose scale differs from loss "
            f"to loss; rank on a fixed metric instead: {', '.join(known)}."
        )
    if objective not in known:
        hint = did_you_mean(objective, known)
        raise ObjectiveError(
            f"Objective {objective!r} is not a metric tracked in every trial.{hint} Tracked: {', '.join(known)}."
        )
    base = objective[len(VALIDATION_PREFIX) :] if objective.startswith(VALIDATION_PREFIX) else objective
    return keras_tuner.Objective(objective, direction=FIXED_METRICS[base][0])


def tuner_objective(objective: str = DEFAULT, *, num_classes: int) -> keras_tuner.Objective:
    """`objective=` for any keras-tuner tuner over a `build(hp)` compiled with `metrics(num_classes)`.

    >>> tuner_objective("val_macro_f1", num_classes=3).direction
    'max'

    Refuses the trial's own loss value as `resolve` does (keras-tuner itself
    would accept `"val_loss"` and compare losses of different scales).
    """
    return resolve(objective, num_classes)
