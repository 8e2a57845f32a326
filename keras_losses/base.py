"""The base class every loss of this package derives from.

A loss here is a plain per-example function `fn(y_true, y_pred, **args)`
plus a thin `keras.losses.Loss` subclass that wraps it, the way Keras pairs
`CategoricalCrossentropy` with `categorical_crossentropy`. The class's
accepted arguments and their defaults are read off the function's signature,
so the two can never disagree, `get_config()` always holds every argument,
and a misspelt argument fails at construction.
"""

import inspect
import re

import keras

from keras_losses import arguments

PACKAGE = "keras_losses"


def function_parameters(function):
    """Keyword parameters of a loss function after `(y_true, y_pred)`."""
    params = list(inspect.signature(function).parameters.values())[2:]
    return {p.name: p.default for p in params}


def _snake_case(class_name):
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", class_name).lower()


class ClassificationLoss(keras.losses.Loss):
    """Base class: a `keras.losses.Loss` wrapping a per-example function.

    Subclasses set `function` (a staticmethod) and `canonical_name`.
    `call()` returns one value per example; the Keras base class applies
    `sample_weight` and `reduction`. The loss computes in float32 whatever
    the model's dtype policy.
    """

    function = None
    canonical_name = None

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name=None,
        dtype=None,
        **kwargs,
    ):
        accepted = function_parameters(self.function)
        unknown = sorted(set(kwargs) - set(accepted))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unexpected argument(s) "
                f"{', '.join(unknown)}; it accepts: "
                f"{', '.join(list(accepted) + ['reduction', 'name', 'dtype'])}."
            )
        self.arguments = {**accepted, **kwargs}
        for key, value in self.arguments.items():
            self.arguments[key] = arguments.validate(key, value)
        super().__init__(
            name=name or self.canonical_name or _snake_case(type(self).__name__),
            reduction=reduction,
            dtype=dtype or "float32",
        )

    def call(self, y_true, y_pred):
        return type(self).function(y_true, y_pred, **self.arguments)

    def get_config(self):
        return {**super().get_config(), **self.arguments}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.arguments.items())
        return f"{type(self).__name__}({args})"


def register(cls):
    """Register `cls` for Keras serialization under the `keras_losses` package."""
    return keras.saving.register_keras_serializable(package=PACKAGE)(cls)
