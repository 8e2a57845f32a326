"""The loss as a hyperparameter, in any `build(hp)`: `choose_loss`.

>>> import keras_tuner
>>> hp = keras_tuner.HyperParameters()
>>> loss = choose_loss(hp, ["log_loss", "focal", "gce"])
>>> type(loss).__name__, hp.get("loss")
('LogLoss', 'log_loss')
>>> [p.name for p in hp.space]
['loss', 'log_loss_label_smoothing', 'focal_gamma', 'gce_q']

`loss` is a choice among the losses, and each loss's own parameters
(focal's gamma, gce's q, ...; taylor_ce's integer order an `hp.Int`) are conditional hyperparameters named
"<loss>_<argument>", active only in the trials that pick that loss. Their
ranges live on the loss classes (`keras_losses.describe(name)["tunable"]`).
`tuning.LossHyperModel` chooses its loss with this same function.
"""

from collections.abc import Sequence
from typing import NamedTuple

import keras_losses


class LossParameter(NamedTuple):
    """One searchable loss argument: its range and kind as its class declares them, and the loss's default."""

    low: float
    high: float
    sampling: str
    default: float
    kind: str = "float"  # "int": an integer hyperparameter (`hp.Int`)
    step: int | None = None  # for "int": the spacing of the values searched


def loss_parameters() -> dict[str, dict[str, LossParameter]]:
    """`{loss: {argument: LossParameter(low, high, sampling, default, kind, step)}}`, as each loss class declares it.

    Each becomes the hyperparameter "<loss>_<argument>" (`hp.Float`, or `hp.Int` for an integer
    argument such as taylor_ce's `order`), active only when that loss is chosen; the ranges live
    on the classes (`keras_losses.describe(name)["tunable"]`), the defaults are the loss's.
    """
    parameters = {}
    for name in keras_losses.names():
        info = keras_losses.describe(name)
        if info["tunable"]:
            parameters[name] = {
                arg: LossParameter(r["low"], r["high"], r["sampling"], info["defaults"][arg], r["kind"], r["step"])
                for arg, r in info["tunable"].items()
            }
    return parameters


def searched(hp, hp_name: str, parameter: LossParameter):
    """The hyperparameter of one loss argument: `hp.Int` for an integer range, `hp.Float` otherwise."""
    low, high, sampling, default, kind, step = parameter
    if kind == "int":
        return hp.Int(hp_name, low, high, step=step, sampling=sampling, default=default)
    return hp.Float(hp_name, low, high, sampling=sampling, default=default)


LOSS_PARAMETERS = loss_parameters()


def needs_counts(name: str) -> bool:
    """Whether loss `name` cannot be built without `class_counts` (the prior-aware losses)."""
    return "class_counts" in keras_losses.describe(name)["needs"]


def needs_transition_matrix(name: str) -> bool:
    """Whether loss `name` cannot be built without `transition_matrix` (the loss corrections)."""
    return "transition_matrix" in keras_losses.describe(name)["needs"]


def validate_losses(
    losses: Sequence[str] | str | None,
    *,
    with_counts: bool = False,
    with_transition_matrix: bool = False,
    task: str | None = None,
) -> tuple[str, ...]:
    """Returns `losses` as a tuple of known names; None: all of `keras_losses.all_names()`
    (without the prior-aware losses unless the class counts will be given: `with_counts`, and without
    the loss corrections unless the noise's transition matrix will be: `with_transition_matrix`; a group
    word such as "all" then leaves the loss corrections out, naming one is an error),
    or, for a `task` other than single-label, its losses (`keras_losses.names(task=task)`).

    Names and group words are resolved as the sweep resolves them
    (`zoo.sweeps.sweep.resolve_losses`, for `task`); raises ValueError naming the close
    matches of the first unknown name, for an empty list or duplicates, for a loss that
    does not serve `task`, and for a prior-aware loss without the counts.
    """
    from zoo.sweeps import sweep

    if losses is None:
        found = keras_losses.all_names() if task in (None, "single_label") else keras_losses.names(task=task)
        return tuple(
            n
            for n in found
            if (with_counts or not needs_counts(n)) and (with_transition_matrix or not needs_transition_matrix(n))
        )
    losses = [losses] if isinstance(losses, str) else list(losses)
    if not losses:
        raise ValueError("losses must name at least one loss.")
    if len(set(losses)) != len(losses):
        raise ValueError(f"losses has duplicates: {losses}.")
    named = [item for item in losses if item not in sweep.loss_groups(task)]
    losses = sweep.resolve_losses(losses, task)
    if not with_counts and (prior_aware := [n for n in losses if needs_counts(n)]):
        raise ValueError(
            f"{', '.join(prior_aware)} need the training class counts: pass class_counts=[n_0, ..., n_K-1] "
            "(e.g. numpy.bincount(y_train))."
        )
    if not with_transition_matrix:
        # Named, a loss correction without T is an error; in a group word ("all") it is left out.
        if corrected := [n for n in named if needs_transition_matrix(n)]:
            raise ValueError(
                f"{', '.join(corrected)} need the label noise's transition matrix: pass transition_matrix=T "
                "(K×K nested lists, T[i][j] = P(observed label j | true class i))."
            )
        losses = tuple(n for n in losses if not needs_transition_matrix(n))
    return losses


def choose_loss(
    hp,
    losses: Sequence[str] | str | None = None,
    *,
    tune_parameters: bool = True,
    from_logits: bool = True,
    class_counts=None,
    transition_matrix=None,
    task: str | None = None,
    ignore_class: int | None = None,
):
    """The loss of this trial, configured with its (conditional) parameters.

    Args:
        hp: the trial's `keras_tuner.HyperParameters`.
        losses: names (or group words such as "all") of `keras_losses.all_names()`
            to choose among; None: all. One name is fixed, not searched.
        tune_parameters: False fixes every loss parameter at its default.
        from_logits: True for a model that outputs logits (the losses defined
            on probabilities get `from_logits=True`, see `keras_losses.for_logits`);
            False for one that ends in softmax / sigmoid.
        class_counts: the training count of each class; the prior-aware losses
            (`logit_adjusted`, `balanced_softmax`, `ldam`, `vs`, `seesaw`) need it and get it.
        transition_matrix: the label noise's K×K transition matrix T (rows = true class); the loss
            corrections (`forward_corrected`, `backward_corrected`) need it and get it.
        task: "multi_label" or "dense" (`zoo.common.tasks`): the losses offered are the task's
            (`validate_losses`), a loss outside it is a one-line ValueError.
        ignore_class: dense masks' void label, given to the chosen loss.

    Returns:
        The chosen `keras.losses.Loss`, e.g. `FocalLoss(gamma=hp["focal_gamma"])`.
    """
    losses = validate_losses(
        losses,
        with_counts=class_counts is not None,
        with_transition_matrix=transition_matrix is not None,
        task=task,
    )
    name = hp.Choice("loss", list(losses)) if len(losses) > 1 else hp.Fixed("loss", losses[0])
    config = {}
    for loss_name, parameters in LOSS_PARAMETERS.items():
        if loss_name not in losses:
            continue
        with hp.conditional_scope("loss", [loss_name]):
            for parameter, declared in parameters.items():
                hp_name = f"{loss_name}_{parameter}"
                value = searched(hp, hp_name, declared) if tune_parameters else hp.Fixed(hp_name, declared.default)
                if loss_name == name:
                    config[parameter] = value
    if needs_counts(name):
        config["class_counts"] = [max(float(n), 1.0) for n in class_counts]
    if needs_transition_matrix(name):
        config["transition_matrix"] = [[float(v) for v in row] for row in transition_matrix]
    if ignore_class is not None:
        config["ignore_class"] = ignore_class
    return keras_losses.for_logits(name, **config) if from_logits else keras_losses.get(name, **config)
