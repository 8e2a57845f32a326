"""Users' own models: a builder or a `keras.Model` instance made into a zoo builder that outputs logits.

The builder contract: `build(input_shape, num_classes[, depth=..., width=...]) -> keras.Model`,
uncompiled, one output of width `num_classes` per example `(N, K)`, or per position `(N, ..., K)` for a
dense task, e.g. a U-Net's `(N, H, W, K)` (functional, Sequential or subclassed; any
layers, BatchNorm, Dropout and registered custom layers included). A `keras.Model`
instance is rebuilt with `keras.models.clone_model` for every call (fresh weights from
the seeded generators, never the instance's own, never trained in place).

Every loss is computed from logits (`keras_losses.for_logits`): the losses defined on
probabilities get `from_logits=True` and apply the softmax themselves, the losses on raw
outputs (`l1`, `l2`, the hinges) take the logits as they are, exactly as for the zoo's
families. So a model that ends in softmax is cut before it: when its output layer is a
`Softmax` or `Activation("softmax")` layer, the model becomes input -> that layer's
input; when the output layer has `activation="softmax"` (e.g. `Dense(K,
activation="softmax")`), that layer's activation is set to linear (same weights, its
pre-softmax values out). A model whose outputs still look like probabilities (rows >= 0
summing to 1, e.g. a subclassed model with a softmax inside `call`) is refused, as is a
model with several outputs or an output width other than the class count.

A binary model with one output unit (the usual `Dense(1, activation="sigmoid")`) is cut
before its sigmoid the same way and widened to the two logits `[0, z]` (`TwoClassLogits`):
their softmax is `[1 − σ(z), σ(z)]`, the model's own reading, so every loss and every
accuracy sees two classes.

>>> import keras
>>> def tiny(input_shape, num_classes):
...     inputs = keras.Input(input_shape)
...     return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(inputs))
>>> builder = UserModel(tiny)
>>> builder.label, builder.takes("depth")
('tiny', False)
>>> builder(input_shape=(4,), num_classes=3).layers[-1].activation.__name__
'linear'
"""

import inspect
from collections.abc import Callable

import keras
import numpy as np

SOFTMAX_LAYERS = (keras.layers.Softmax,)


@keras.saving.register_keras_serializable(package="zoo")
class TwoClassLogits(keras.layers.Layer):
    """One binary logit `z` `(B, 1)` as the two logits `[0, z]` `(B, 2)` (softmax = `[1 − σ(z), σ(z)]`)."""

    def call(self, z):
        return keras.ops.concatenate([keras.ops.zeros_like(z), z], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2)


class UserModel:
    """A zoo builder `(input_shape, num_classes, **options) -> logits keras.Model` from a user's model.

    Args:
        model: a builder `build(input_shape, num_classes[, depth=, width=])` or a `keras.Model`.
        label: the name in records and reports (default: the builder's `__name__`, the model's `name`).
    """

    def __init__(self, model, label: str | None = None):
        if isinstance(model, keras.Model):
            self.instance, self.builder = model, None
            self.label = label or model.name
        elif callable(model):
            self.instance, self.builder = None, model
            self.label = label or getattr(model, "__name__", type(model).__name__)
        else:
            raise ValueError(
                f"model must be a zoo model name, a builder build(input_shape, num_classes) or a keras.Model, "
                f"got {type(model).__name__}."
            )
        self.__name__ = self.label

    def takes(self, argument: str) -> bool:
        """Whether the builder accepts keyword `argument` (`depth`, `width`); a model instance takes none."""
        if self.builder is None:
            return False
        try:
            parameters = inspect.signature(self.builder).parameters.values()
        except (TypeError, ValueError):
            return False
        return any(p.name == argument or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)

    def check_options(self, depth=None, width=None, given=("depths", "width")) -> None:
        """One-line ValueError when `depth` / `width` are given to a model that cannot take them."""
        for argument, value, name in (("depth", depth, given[0]), ("width", width, given[1])):
            if value is not None and not self.takes(argument):
                what = "a keras.Model instance" if self.builder is None else f"builder {self.label!r}"
                raise ValueError(f"{name} given, but {what} takes no {argument}= keyword argument.")

    def __call__(self, *, input_shape, num_classes: int, **options) -> keras.Model:
        if self.builder is None:
            if options:
                raise ValueError(f"A keras.Model instance takes no options, got {sorted(options)}.")
            model = keras.models.clone_model(self.instance)
        else:
            model = self.builder(tuple(input_shape), int(num_classes), **options)
        return logits_model(model, input_shape, num_classes, self.label)


# Convolutions of every kind; a stacked (vectorized) convolution with per-member filters runs slower
# than one model at a time on CPU (zoo.sweeps.experiment.VECTORIZED_BY_DEFAULT says by how much).
CONVOLUTIONS = (
    keras.layers.Conv1D,
    keras.layers.Conv2D,
    keras.layers.Conv3D,
    keras.layers.Conv1DTranspose,
    keras.layers.Conv2DTranspose,
    keras.layers.Conv3DTranspose,
    keras.layers.DepthwiseConv1D,
    keras.layers.DepthwiseConv2D,
    keras.layers.SeparableConv1D,
    keras.layers.SeparableConv2D,
)


def has_convolution(model: keras.Model) -> bool:
    """Whether `model` or a model nested in it has a convolution layer (`CONVOLUTIONS`).

    >>> has_convolution(keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3)]))
    True
    >>> has_convolution(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
    False
    """
    pending = list(getattr(model, "layers", []))
    while pending:
        layer = pending.pop()
        if isinstance(layer, CONVOLUTIONS):
            return True
        pending.extend(getattr(layer, "layers", []))  # a nested model's own layers
    return False


def _output_layer(model: keras.Model):
    """The layer that makes the model's output; None for a subclassed model (its graph is hidden)."""
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        return None
    history = getattr(outputs[0], "_keras_history", None) if outputs else None
    return history[0] if history else None


def _is_softmax(function) -> bool:
    return function is keras.activations.softmax or getattr(function, "__name__", "") == "softmax"


def _is_squashing(function) -> bool:
    """A softmax, or a sigmoid (a binary model's single unit)."""
    return (
        _is_softmax(function) or function is keras.activations.sigmoid or getattr(function, "__name__", "") == "sigmoid"
    )


def logits_model(model, input_shape, num_classes: int, label: str = "model") -> keras.Model:
    """`model` checked (one output of width `num_classes`, logits) and cut before a final softmax."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"Model {label!r}: the builder returned a {type(model).__name__}, not a keras.Model.")
    probe = np.zeros((2, *input_shape), np.float32) + np.linspace(-1, 1, 2, dtype=np.float32).reshape(
        (2,) + (1,) * len(input_shape)
    )
    if not model.built:
        model(probe[:1])
    outputs = getattr(model, "outputs", None)
    if outputs is not None and len(outputs) > 1:
        raise ValueError(f"Model {label!r} has {len(outputs)} outputs; the comparison needs one (the class scores).")
    layer = _output_layer(model)
    if isinstance(layer, SOFTMAX_LAYERS) or (
        isinstance(layer, keras.layers.Activation) and _is_squashing(layer.activation)
    ):
        inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # The structure it was built with.
        model = keras.Model(inputs, layer.input, name=model.name)
    elif layer is not None and _is_squashing(getattr(layer, "activation", None)):
        layer.activation = keras.activations.linear
    values = model(probe, training=False)
    if num_classes == 2 and not isinstance(values, (list, tuple, dict)) and tuple(values.shape[1:]) == (1,):
        inputs = keras.Input(tuple(input_shape), name="inputs")
        model = keras.Model(inputs, TwoClassLogits(name="two_class_logits")(model(inputs)), name=model.name)
        values = model(probe, training=False)
    if isinstance(values, (list, tuple, dict)):
        raise ValueError(f"Model {label!r} has {len(values)} outputs; the comparison needs one (the class scores).")
    values = np.asarray(values)
    if values.ndim < 2 or values.shape[-1] != num_classes:
        raise ValueError(
            f"Model {label!r} outputs shape {tuple(values.shape[1:])} per example; it needs ({num_classes},), "
            f"one score per class. (A dense task's model outputs (..., {num_classes}), one per position.)"
        )
    if num_classes > 1 and np.all(values >= 0) and np.allclose(values.sum(-1), 1.0, atol=1e-5):
        raise ValueError(
            f"Model {label!r} seems to output probabilities (a softmax inside call?); return the logits instead."
        )
    return model


def as_builder(model, label: str | None = None) -> Callable:
    """`UserModel(model, label)`, or `model` itself when it already is one."""
    return model if isinstance(model, UserModel) else UserModel(model, label)
