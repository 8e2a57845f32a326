"""`LossHyperModel`: a keras-tuner HyperModel in which the loss is a hyperparameter.

>>> import keras_tuner, tuning
>>> hypermodel = tuning.LossHyperModel(input_shape=(8, 8, 1), num_classes=10,
...                                    losses=["log_loss", "focal"], depth=[1, 2])
>>> model = hypermodel.build(keras_tuner.HyperParameters())  # doctest: +SKIP

The search space reads off `build()`: `loss` is a choice among `losses`,
and each loss's own parameters (focal's gamma, ...) are conditional
hyperparameters, active only in the trials that pick that loss. Model
hyperparameters (family, depth, width, dropout) and the learning rate are
either fixed (a single value) or searched (a list of values, `hp.Choice`).
Every trial compiles the same fixed metrics (`tuning.objective`), so trials
are ranked on a metric whose meaning does not change with the loss.

`task` (`zoo.common.tasks`; taken from `data` when given) makes it a search for a
multi-label tagger (the zoo's families with K logits, one sigmoid per label as the
comparison trains them; the multi-label losses) or a dense model (`unet` by default,
outputs `(N, ..., K)`; `ignore_class` positions count nowhere), ranked on the task's
metrics (`tuning.objective.callbacks`: mean AP, mean IoU, ...).
"""

import contextlib
from collections.abc import Sequence
from typing import Any

import keras
import keras_tuner
import numpy as np

import keras_losses
import zoo
from tuning import loss_choice
from tuning import objective as objective_module
from zoo.common import tasks

Value = Any | Sequence[Any]


WIDTH_ARGUMENT = zoo.models.WIDTH_ARGUMENT  # The zoo builder argument that `width` maps to, per family.
DROPOUT_FAMILIES = ("mlp", "cnn", "unet")
ZOO_MODEL_DEFAULTS = {"models": None, "depth": 2, "width": None, "dropout": 0.0}  # models None: `default_family`.


def default_family(task: str) -> str:
    """The zoo family searched when none is named: `unet` (fully convolutional) for a dense task, else `mlp`."""
    return "unet" if task == "dense" else "mlp"


def _as_choices(name: str, value: Value) -> tuple[Any, ...]:
    """A fixed value becomes a 1-tuple, a list/tuple of values stays a tuple."""
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    if not values:
        raise ValueError(f"{name} must be a value or a non-empty list of values.")
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has duplicates: {list(values)}.")
    return values


def _hp_value(hp, name: str, values: tuple[Any, ...]):
    """`hp.Fixed` for one value, `hp.Choice` for several."""
    if len(values) == 1:
        return hp.Fixed(name, values[0])
    return hp.Choice(name, list(values))


def _check_user_model(model, num_classes: int, task: str = "single_label") -> keras.Model:
    """`model` as `build_model(hp)` must return it: an uncompiled keras.Model with one output of K units
    (or one sigmoid unit for two classes; per position `(N, ..., K)` for a dense task); a one-line
    ValueError otherwise."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"build_model(hp) must return a keras.Model, got {type(model).__name__}.")
    if getattr(model, "compiled", False):
        raise ValueError(
            "build_model(hp) must return an uncompiled keras.Model; LossHyperModel compiles it with the searched loss."
        )
    outputs = getattr(model, "outputs", None) or []  # Unknown for a subclassed model until it is called.
    if len(outputs) > 1:
        raise ValueError(f"build_model(hp) returned a model with {len(outputs)} outputs; give it one.")
    width = outputs[0].shape[-1] if outputs else None
    if outputs and task == "dense" and len(outputs[0].shape) < 4:
        raise ValueError(
            f"build_model(hp) returned outputs of shape {tuple(outputs[0].shape)}; a dense task needs one "
            "score per class at every position, (N, ..., K)."
        )
    if width is not None and width != num_classes and not (width == 1 and num_classes == 2):
        raise ValueError(
            f"build_model(hp) returned a model with {width} outputs per example for {num_classes} classes."
        )
    return model


class LossHyperModel(keras_tuner.HyperModel):
    """Builds a model compiled with a searched loss: a zoo model, or the user's own.

    Args:
        input_shape, num_classes: the data's shape and class count, or give
            `data` (a `zoo.datasets.Data`) instead; with `build_model` only
            `num_classes` is needed.
        losses: names of `keras_losses.all_names()` to choose among (None: all).
        build_model: the user's `fn(hp) -> keras.Model` (uncompiled, one output
            of `num_classes` units, or a single unit for 2 classes); it may
            define its own hyperparameters. Then `models`, `depth`, `width`
            and `dropout` do not apply.
        models: a zoo family of `zoo.names()` or a list of them; None: `default_family(task)` (mlp, unet for dense).
        depth: hidden layers / blocks (a value or a list).
        width: units (mlp), filters (cnn) or base width (resnet); None keeps
            each family's default.
        dropout: dropout rate of mlp and cnn (a value or a list).
        learning_rate: Adam learning rate (a value or a list).
        objective_metric: the fixed metric trials are ranked on, e.g.
            "accuracy" (ranked on its validation value) or "val_nll"; None: the
            task's default (`tuning.objective.default_objective`).
        tune_loss_parameters: False fixes every loss parameter at its default.
        from_logits: whether the model outputs logits (the zoo's do); False
            for a `build_model` whose model ends in softmax / sigmoid.
        class_counts: the training count of each class, for the prior-aware losses
            (`logit_adjusted`, `balanced_softmax`, `ldam`); taken from `data` when given.
        task: "single_label", "multi_label" or "dense" (`zoo.common.tasks`); None: `data`'s task,
            or single-label. A multi-label search builds the families with K logits (a sigmoid
            per label in the losses), a dense one `unet` unless `models` says otherwise; the losses
            offered are the task's, a loss outside it is a one-line ValueError.
        ignore_class: dense masks' void label (taken from `data` when given).
    """

    def __init__(
        self,
        input_shape=None,
        num_classes=None,
        *,
        data=None,
        losses=None,
        build_model=None,
        models=ZOO_MODEL_DEFAULTS["models"],
        depth=ZOO_MODEL_DEFAULTS["depth"],
        width=ZOO_MODEL_DEFAULTS["width"],
        dropout=ZOO_MODEL_DEFAULTS["dropout"],
        learning_rate=1e-3,
        objective_metric=None,
        tune_loss_parameters=True,
        from_logits=True,
        class_counts=None,
        task=None,
        ignore_class=None,
        name=None,
        tunable=True,
    ):
        super().__init__(name=name, tunable=tunable)
        if data is not None:
            input_shape, num_classes = data.input_shape, data.num_classes
            if task is not None and task != data.task:
                raise ValueError(f"task={task!r} but the data hold {data.task} labels.")
            task, ignore_class = data.task, data.ignore_class if ignore_class is None else ignore_class
            if class_counts is None:
                class_counts = (
                    data.info.get("train_class_counts")
                    or np.bincount(data.y_train, minlength=data.num_classes).tolist()
                )
        self.task = tasks.check_task(task or "single_label")
        if ignore_class is not None and self.task != "dense":
            raise ValueError(f"ignore_class applies to dense tasks only, not to task {self.task!r}.")
        self.ignore_class = None if ignore_class is None else int(ignore_class)
        if num_classes is None or (input_shape is None and build_model is None):
            raise ValueError(
                "Give input_shape and num_classes, or data." if build_model is None else "Give num_classes, or data."
            )
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.num_classes = int(num_classes)
        self.class_counts = class_counts
        self.losses = loss_choice.validate_losses(losses, with_counts=class_counts is not None, task=self.task)
        self.build_model = build_model
        if build_model is not None:
            if not callable(build_model):
                raise ValueError(f"build_model must be a function fn(hp) -> keras.Model, got {build_model!r}.")
            given = dict(models=models, depth=depth, width=width, dropout=dropout)
            fixed = [key for key, value in given.items() if value != ZOO_MODEL_DEFAULTS[key]]
            if fixed:
                raise ValueError(f"build_model builds the model: {', '.join(fixed)} do not apply.")
        self.models = _as_choices("models", default_family(self.task) if models is None else models)
        for family in self.models:
            if family not in zoo.names():
                raise keras_losses.registry.unknown_name_error(family, zoo.names(), kind="model")
        self.depths = _as_choices("depth", depth)
        self.widths = None if width is None else _as_choices("width", width)
        self.dropouts = _as_choices("dropout", dropout)
        self.learning_rates = _as_choices("learning_rate", learning_rate)
        self.tune_loss_parameters = tune_loss_parameters
        self.from_logits = bool(from_logits)
        if objective_metric is None:
            objective_metric = objective_module.default_objective(self.task)
        if not objective_metric.startswith(objective_module.VALIDATION_PREFIX):
            objective_metric = objective_module.VALIDATION_PREFIX + objective_metric
        self.objective = objective_module.resolve(objective_metric, self.num_classes, self.task)
        if build_model is None:
            self._check_architectures()

    def _check_architectures(self) -> None:
        """Builds each (family, depth) once, so a bad depth (or, for a dense task, a family without
        per-position outputs) fails now, not mid-search."""
        for family in self.models:
            for depth in self.depths:
                try:
                    model = zoo.build(family, depth=depth, input_shape=self.input_shape, num_classes=self.num_classes)
                except ValueError as error:
                    raise ValueError(f"Model {family!r} at depth {depth!r}: {error}") from None
                if self.task == "dense" and len(model.output_shape) < 4:
                    raise ValueError(
                        f"Model {family!r} outputs {model.output_shape}, one score per class per example; a dense "
                        f"task needs one per position: use {default_family('dense')!r} or your own build_model."
                    )
        keras.backend.clear_session()

    def loss(self, hp) -> keras.losses.Loss:
        """Chooses the loss and, within its conditional scope, its parameters (`tuning.choose_loss`)."""
        return loss_choice.choose_loss(
            hp,
            self.losses,
            tune_parameters=self.tune_loss_parameters,
            from_logits=self.from_logits,
            class_counts=self.class_counts,
            task=self.task,
            ignore_class=self.ignore_class,
        )

    def model(self, hp) -> keras.Model:
        """The user's `build_model(hp)`, or the (logits) zoo model of the chosen family, depth, width and dropout."""
        if self.build_model is not None:
            return _check_user_model(self.build_model(hp), self.num_classes, self.task)
        family = _hp_value(hp, "model", self.models)
        options = {"depth": _hp_value(hp, "depth", self.depths)}
        if self.widths is not None:
            options[WIDTH_ARGUMENT[family]] = _hp_value(hp, "width", self.widths)
        dropout_families = [f for f in self.models if f in DROPOUT_FAMILIES]
        if dropout_families:
            # Active only for the chosen families that have dropout.
            scope = (
                hp.conditional_scope("model", dropout_families)
                if len(dropout_families) < len(self.models)
                else contextlib.nullcontext()
            )
            with scope:
                dropout = _hp_value(hp, "dropout", self.dropouts)
            if family in DROPOUT_FAMILIES and dropout:
                options["dropout"] = dropout
        return zoo.build(family, input_shape=self.input_shape, num_classes=self.num_classes, **options)

    def build(self, hp) -> keras.Model:
        """Model of `hp`, compiled with the chosen loss and the fixed metrics."""
        model = self.model(hp)
        learning_rate = _hp_value(hp, "learning_rate", self.learning_rates)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
            loss=self.loss(hp),
            metrics=objective_module.metrics(self.num_classes, self.from_logits, self.task),
        )
        return model

    def fit(self, hp, model, *args, **kwargs):
        """`model.fit(...)`; a multi-label or dense task's metrics (`tuning.objective.callbacks`) are put first
        among the callbacks, so keras-tuner and early stopping read them on the validation data."""
        tracking = objective_module.callbacks(
            self.task, kwargs.get("validation_data"), from_logits=self.from_logits, ignore_class=self.ignore_class
        )
        kwargs["callbacks"] = tracking + list(kwargs.get("callbacks") or [])
        return model.fit(*args, **kwargs)
