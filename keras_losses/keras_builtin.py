"""Keras's own classification losses, under their Keras names, logits handled.

Comparisons and searches put these beside this package's losses
(Dräger & Dunkelau, 2022). `KerasLoss(loss=NAME, from_logits=...)` accepts
sparse labels like every loss here and applies `softmax` for the Keras
losses that have no `from_logits` argument of their own.
"""

import keras
from keras import ops

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


def _check_keras_loss(loss, from_logits):
    if loss not in KERAS_CLASSIFICATION_LOSSES:
        raise ValueError(
            f"keras_losses: {loss!r} is not one of Keras's classification "
            f"losses supported here: {', '.join(KERAS_CLASSIFICATION_LOSSES)}."
        )
    if from_logits and KERAS_CLASSIFICATION_LOSSES[loss][0] == RAW:
        raise ValueError(f"keras_losses: {loss!r} acts on the raw outputs and takes no from_logits argument.")


def keras_loss(y_true, y_pred, loss="categorical_crossentropy", from_logits=False):
    """Per-example value of Keras's loss `loss`, sparse labels accepted."""
    _check_keras_loss(loss, from_logits)
    y, o = targets_and_outputs(y_true, y_pred)
    function = getattr(keras.losses, loss)
    if KERAS_CLASSIFICATION_LOSSES[loss][1]:
        return function(y, o, from_logits=from_logits)
    return function(y, ops.softmax(o, axis=-1) if from_logits else o)


@serializable
class KerasLoss(ClassificationLoss):
    """One of Keras's classification losses, by its Keras name.

    `loss` is one of `categorical_crossentropy`, `kl_divergence`, `poisson`,
    `categorical_hinge`, `categorical_focal_crossentropy`; the formula is
    Keras's. With `from_logits=True` the outputs are turned into
    probabilities (natively where Keras supports it, by `softmax`
    otherwise); `categorical_hinge` acts on raw outputs.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.KerasLoss("kl_divergence", from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.318
    """

    function = staticmethod(keras_loss)

    def __init__(self, loss="categorical_crossentropy", from_logits=False, **kwargs):
        _check_keras_loss(loss, from_logits)
        kwargs.setdefault("name", loss)
        super().__init__(loss=loss, from_logits=from_logits, **kwargs)

    @property
    def acts_on(self):
        return KERAS_CLASSIFICATION_LOSSES[self.arguments["loss"]][0]
