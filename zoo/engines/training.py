"""What every training engine of the zoo shares: the spec, the optimizer, initial weights, label checks.

`zoo.engines.fused`, `zoo.engines.vectorized` and the plain one-model-at-a-time baseline all
train from these (and read their batches from `zoo.data.batches`), so a given seed
means the same initial weights and the same batches whatever the engine.

>>> type(make_optimizer("sgd", 0.1)).__name__
'SGD'
"""

import dataclasses
import random
from collections.abc import Mapping

import keras
import numpy as np


@dataclasses.dataclass(frozen=True)
class TrainSpec:
    """How to train: epochs, batch size, optimizer and its learning rate, seed.

    `seed` fixes the initial weights (shared by every loss) and the order of
    the batches. `jit_compile` is passed to `compile` (keep it equal when
    comparing runs: XLA may reorder float operations, and its random ops draw
    other dropout masks than TensorFlow's kernels).
    """

    epochs: int = 20
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    seed: int = 0
    jit_compile: bool = False


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """A fresh Keras optimizer `name` (e.g. "adam", "sgd") at `learning_rate`.

    Raises ValueError with the known names for an unknown optimizer.
    """
    try:
        return keras.optimizers.get({"class_name": name, "config": {"learning_rate": learning_rate}})
    except (ValueError, TypeError):
        known = "adam, adamw, sgd, rmsprop, adagrad, adadelta, adamax, nadam, ftrl, lion"
        raise ValueError(f"Unknown optimizer {name!r}. Known: {known}") from None


def seed_initializers(seed: int) -> None:
    """Seeds Python's and NumPy's global generators, which Keras's unseeded initializers draw from.

    Not `keras.utils.set_random_seed`: it also calls `tf.random.set_seed`,
    which makes TensorFlow retrace every function (tens of seconds per
    fused model).
    """
    random.seed(seed)
    np.random.seed(seed)


def seeded_model(model: str, model_options: Mapping, input_shape, num_classes: int, seed: int):
    """`zoo.build(model, ...)` with `seed`'s initial weights: every engine starts a seed's runs from it."""
    from zoo import models

    seed_initializers(seed)
    return models.build(model, input_shape=tuple(input_shape), num_classes=num_classes, **model_options)


def initial_state(model: str, model_options: Mapping, input_shape, num_classes: int, seed: int):
    """`(trainable, non_trainable)` numpy values of `seed`'s initial model (`seeded_model`).

    The non-trainable values include BatchNorm's moving statistics and each
    Dropout layer's random state (its `keras.random.SeedGenerator`, which
    `get_weights` leaves out): with them every engine starts a seed's runs
    from the same weights *and* the same dropout masks, whatever the loss.
    """
    template = seeded_model(model, model_options, input_shape, num_classes, seed)
    return ([v.numpy() for v in template.trainable_variables], [v.numpy() for v in template.non_trainable_variables])


def set_state(net, state) -> None:
    """Assigns `initial_state`'s `(trainable, non_trainable)` values to a model built alike."""
    trainable, non_trainable = state
    for variable, value in zip(net.trainable_variables + net.non_trainable_variables, trainable + non_trainable):
        variable.assign(value)


def check_labels(y: np.ndarray, num_classes: int) -> None:
    """Raises ValueError unless every training label is in `[0, num_classes)`."""
    if len(y) and (np.min(y) < 0 or np.max(y) >= num_classes):
        raise ValueError(f"Training labels must be in [0, {num_classes}), got [{np.min(y)}, {np.max(y)}].")
