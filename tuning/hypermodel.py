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
"""

import contextlib
from collections.abc import Sequence
from typing import Any

import keras
import keras_tuner

import keras_losses
import zoo
from tuning import objective as objective_module

Value = Any | Sequence[Any]


def buildable_losses() -> list[str]:
    """`keras_losses.all_names()` without the losses that need configuration trials cannot give yet.

    (The prior-aware losses need `class_counts`; a trial does not pass them yet.)
    """
    return [name for name in keras_losses.all_names() if not keras_losses.describe(name)["needs"]]


def loss_parameters() -> dict[str, dict[str, tuple[float, float, str, float]]]:
    """`{loss: {argument: (low, high, sampling, default)}}`, as each loss class declares it.

    Each becomes the float hyperparameter "<loss>_<argument>", active only
    when that loss is chosen; the ranges live on the classes
    (`keras_losses.describe(name)["tunable"]`), the defaults are the loss's.
    """
    parameters = {}
    for name in buildable_losses():
        info = keras_losses.describe(name)
        if info["tunable"]:
            parameters[name] = {
                arg: (r["low"], r["high"], r["sampling"], info["defaults"][arg]) for arg, r in info["tunable"].items()
            }
    return parameters


LOSS_PARAMETERS = loss_parameters()

WIDTH_ARGUMENT = zoo.models.WIDTH_ARGUMENT  # The zoo builder argument that `width` maps to, per family.
DROPOUT_FAMILIES = ("mlp", "cnn")


def validate_losses(losses: Sequence[str] | None) -> tuple[str, ...]:
    """Returns `losses` (None: every loss of `buildable_losses()`) as a tuple of known names.

    Names and group words are resolved as the sweep resolves them
    (`zoo.sweep.resolve_losses`); raises ValueError naming the close
    matches of the first unknown name, and for an empty list or duplicates.
    """
    from zoo import sweep

    if losses is None:
        return tuple(buildable_losses())
    losses = [losses] if isinstance(losses, str) else list(losses)
    if not losses:
        raise ValueError("losses must name at least one loss.")
    if len(set(losses)) != len(losses):
        raise ValueError(f"losses has duplicates: {losses}.")
    return sweep.resolve_losses(losses)


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


class LossHyperModel(keras_tuner.HyperModel):
    """Builds a zoo model compiled with a searched loss.

    Args:
        input_shape, num_classes: the data's shape and class count, or give
            `data` (a `zoo.datasets.Data`) instead.
        losses: names of `keras_losses.all_names()` to choose among (None: all).
        models: a zoo family of `zoo.names()` or a list of them.
        depth: hidden layers / blocks (a value or a list).
        width: units (mlp), filters (cnn) or base width (resnet); None keeps
            each family's default.
        dropout: dropout rate of mlp and cnn (a value or a list).
        learning_rate: Adam learning rate (a value or a list).
        objective_metric: the fixed metric trials are ranked on, e.g.
            "accuracy" (ranked on its validation value) or "val_nll".
        tune_loss_parameters: False fixes every loss parameter at its default.
    """

    def __init__(
        self,
        input_shape=None,
        num_classes=None,
        *,
        data=None,
        losses=None,
        models="mlp",
        depth=2,
        width=None,
        dropout=0.0,
        learning_rate=1e-3,
        objective_metric="accuracy",
        tune_loss_parameters=True,
        name=None,
        tunable=True,
    ):
        super().__init__(name=name, tunable=tunable)
        if data is not None:
            input_shape, num_classes = data.input_shape, data.num_classes
        if input_shape is None or num_classes is None:
            raise ValueError("Give input_shape and num_classes, or data.")
        self.input_shape = tuple(input_shape)
        self.num_classes = int(num_classes)
        self.losses = validate_losses(losses)
        self.models = _as_choices("models", models)
        for family in self.models:
            if family not in zoo.names():
                raise keras_losses.registry.unknown_name_error(family, zoo.names(), kind="model")
        self.depths = _as_choices("depth", depth)
        self.widths = None if width is None else _as_choices("width", width)
        self.dropouts = _as_choices("dropout", dropout)
        self.learning_rates = _as_choices("learning_rate", learning_rate)
        self.tune_loss_parameters = tune_loss_parameters
        if not objective_metric.startswith(objective_module.VALIDATION_PREFIX):
            objective_metric = objective_module.VALIDATION_PREFIX + objective_metric
        self.objective = objective_module.resolve(objective_metric, self.num_classes)
        self._check_architectures()

    def _check_architectures(self) -> None:
        """Builds each (family, depth) once, so a bad depth fails now, not mid-search."""
        for family in self.models:
            for depth in self.depths:
                try:
                    zoo.build(family, depth=depth, input_shape=self.input_shape, num_classes=self.num_classes)
                except ValueError as error:
                    raise ValueError(f"Model {family!r} at depth {depth!r}: {error}") from None
        keras.backend.clear_session()

    def loss(self, hp) -> keras.losses.Loss:
        """Chooses the loss and, within its conditional scope, its parameters."""
        name = hp.Choice("loss", list(self.losses)) if len(self.losses) > 1 else hp.Fixed("loss", self.losses[0])
        config = {}
        for loss_name, parameters in LOSS_PARAMETERS.items():
            if loss_name not in self.losses:
                continue
            with hp.conditional_scope("loss", [loss_name]):
                for parameter, (low, high, sampling, default) in parameters.items():
                    hp_name = f"{loss_name}_{parameter}"
                    if self.tune_loss_parameters:
                        value = hp.Float(hp_name, low, high, sampling=sampling, default=default)
                    else:
                        value = hp.Fixed(hp_name, default)
                    if loss_name == name:
                        config[parameter] = value
        return keras_losses.for_logits(name, **config)

    def model(self, hp) -> keras.Model:
        """Builds the (logits) zoo model of the chosen family, depth, width and dropout."""
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
            metrics=objective_module.metrics(self.num_classes),
        )
        return model
