"""Keras's own classification losses, under their Keras names, logits handled.

Comparisons and searches put these beside this package's losses
(Dräger & Dunkelau, 2022). `KerasLoss(loss=NAME, from_logits=...)` accepts
sparse labels like every loss here and applies `softmax` for the Keras
losses that have no `from_logits` argument of their own.
"""

import inspect

import keras
from keras import ops

from keras_losses import arguments
from keras_losses._targets import targets_and_outputs
from keras_losses.base import RAW, SOFTMAX, ClassificationLoss, serializable

# name -> (what it acts on, whether the Keras function takes from_logits)
KERAS_CLASSIFICATION_LOSSES = {
    "categorical_crossentropy": (SOFTMAX, True),
    "kl_divergence": (SOFTMAX, False),
    "poisson": (SOFTMAX, False),
    "categorical_hinge": (RAW, False),
    "categorical_focal_crossentropy": (SOFTMAX, True),
}


def keras_options(loss):
    """The arguments of Keras's loss `loss` besides the labels, outputs and `from_logits`, with their defaults.

    Read from Keras's function, whose arguments are its class's but for reduction, name and dtype:
    `label_smoothing` of `categorical_crossentropy`, also `alpha` and `gamma` of
    `categorical_focal_crossentropy`; none for the others. Keras's `axis` is accepted too, as -1 only
    (the class axis is the last in every label layout here), so it is not listed.
    """
    parameters = list(inspect.signature(getattr(keras.losses, loss)).parameters.values())[2:]
    return {p.name: p.default for p in parameters if p.name not in ("from_logits", "axis")}


def _check_keras_loss(loss, from_logits, options=None):
    if loss not in KERAS_CLASSIFICATION_LOSSES:
        raise ValueError(
            f"keras_losses: {loss!r} is not one of Keras's classification "
            f"losses supported here: {', '.join(KERAS_CLASSIFICATION_LOSSES)}."
        )
    if from_logits and KERAS_CLASSIFICATION_LOSSES[loss][0] == RAW:
        raise ValueError(f"keras_losses: {loss!r} acts on the raw outputs and takes no from_logits argument.")
    accepted = keras_options(loss)
    takes_axis = "axis" in inspect.signature(getattr(keras.losses, loss)).parameters
    unknown = sorted(set(options or {}) - set(accepted) - ({"axis"} if takes_axis else set()))
    if unknown:
        own = ["from_logits"] * KERAS_CLASSIFICATION_LOSSES[loss][1] + list(accepted)
        raise TypeError(
            f"keras_losses: Keras's {loss!r} takes no argument(s) {', '.join(unknown)}; it accepts: "
            f"{', '.join(own) or 'none'} (and class_weights, ignore_class, reduction, name, dtype)."
        )
    if (options or {}).get("axis", -1) != -1:
        raise ValueError("keras_losses: the class axis must be the last (axis=-1), as every label layout here has it.")


def keras_loss(y_true, y_pred, loss="categorical_crossentropy", from_logits=False, options=None):
    """Per-example value of Keras's loss `loss`, sparse labels accepted; `options` go to Keras's function."""
    _check_keras_loss(loss, from_logits, options)
    y, o = targets_and_outputs(y_true, y_pred)
    function = getattr(keras.losses, loss)
    options = dict(options or {})
    if KERAS_CLASSIFICATION_LOSSES[loss][1]:
        return function(y, o, from_logits=from_logits, **options)
    return function(y, ops.softmax(o, axis=-1) if from_logits else o, **options)


@serializable
class KerasLoss(ClassificationLoss):
    """One of Keras's classification losses, by its Keras name.

    `loss` is one of `categorical_crossentropy`, `kl_divergence`, `poisson`,
    `categorical_hinge`, `categorical_focal_crossentropy`; the formula is
    Keras's. With `from_logits=True` the outputs are turned into
    probabilities (natively where Keras supports it, by `softmax`
    otherwise); `categorical_hinge` acts on raw outputs. Every other argument
    Keras's class takes is passed on to it by name (`label_smoothing` of
    `categorical_crossentropy`; `alpha`, `gamma`, `label_smoothing` of
    `categorical_focal_crossentropy`), kept in `options`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.KerasLoss("kl_divergence", from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.318
    >>> smoothed = keras_losses.get("categorical_crossentropy", from_logits=True, label_smoothing=0.1)
    >>> round(float(smoothed(y_true, logits)), 4)
    0.4413
    """

    function = staticmethod(keras_loss)

    def __init__(self, loss="categorical_crossentropy", from_logits=False, options=None, **kwargs):
        # Keras's own arguments (label_smoothing, alpha, gamma, axis) may come by name, as to Keras's class.
        options = {**(options or {}), **{k: kwargs.pop(k) for k in list(kwargs) if k not in _BASE}}
        _check_keras_loss(loss, from_logits, options)
        options = {key: arguments.validate(key, value) for key, value in options.items()}
        kwargs.setdefault("name", loss)
        super().__init__(loss=loss, from_logits=from_logits, options=options or None, **kwargs)

    @property
    def acts_on(self):
        return KERAS_CLASSIFICATION_LOSSES[self.arguments["loss"]][0]

    @property
    def single_label(self):
        return True  # Keras's categorical losses: one class per example


# What KerasLoss's base class takes itself; any other keyword goes to Keras's loss.
_BASE = ("class_weights", "ignore_class", "reduction", "name", "dtype")
