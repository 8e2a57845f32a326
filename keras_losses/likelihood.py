"""The log-likelihood losses: log loss (cross-entropy) and squared log loss.

`p = softmax(o)` (or the given probabilities), `y` the one-hot or soft
target; sums run over the K classes. Janocha & Czarnecki (2017).
"""

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import smooth_labels, targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register
from keras_losses.distance import JANOCHA


def log_loss(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """Per-example values of `LogLoss`."""
    y, o = targets_and_outputs(y_true, y_pred)
    target = smooth_labels(y, label_smoothing)
    if from_logits:
        # One fused, stable kernel on TensorFlow (softmax_cross_entropy_with_logits).
        return ops.categorical_crossentropy(target, o, from_logits=True)
    return -ops.sum(target * softmax_parts(o, from_logits)[1], axis=-1)


def squared_log(y_true, y_pred, from_logits=False):
    """Per-example values of `SquaredLog`."""
    y, o = targets_and_outputs(y_true, y_pred)
    _, log_p = softmax_parts(o, from_logits)
    return ops.sum(ops.square(y * log_p), axis=-1)


@register(
    "log_loss",
    formula="−Σ y·log p",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper=JANOCHA,
    tunable={"label_smoothing": Tunable(0.0, 0.3)},
)
class LogLoss(ClassificationLoss):
    """Log loss (categorical cross-entropy), the habitual default.

    With `from_logits=True` it is computed as `log_softmax`.

    Args:
        label_smoothing: ε in [0, 1): `y` is replaced by `y·(1 − ε) + ε/K`, as Keras does.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.LogLoss(from_logits=True)(y_true, logits)), 4)
    0.318
    """

    function = staticmethod(log_loss)


@register("squared_log", formula="Σ (y·log p)²", acts_on=SOFTMAX, value_range="[0, ∞)", paper=JANOCHA)
class SquaredLog(ClassificationLoss):
    """Squared log loss (the paper's "log²").

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.SquaredLog(from_logits=True)(y_true, logits)), 4)
    0.107
    """

    function = staticmethod(squared_log)
