"""Reshaped cross-entropies: focal loss and PolyLoss (Poly-1).

Both keep log loss's minimum and change how hard examples weigh: focal
multiplies each term by `(1 − p)^γ`, Poly-1 adds `ε·(1 − p_t)`.
`p = softmax(o)` (or the given probabilities), `t` the target class, `y`
one-hot or soft.
"""

from keras import ops

from keras_losses._probabilities import EPSILON, cross_entropy, power, softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register


def focal(y_true, y_pred, from_logits=False, gamma=2.0):
    """Per-example values of `Focal`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    # The floor keeps the gradient of (1 − p)^γ finite at p = 1 for γ < 1.
    modulation = power(ops.clip(1.0 - p, EPSILON, 1.0), gamma)
    return -ops.sum(y * modulation * log_p, axis=-1)


def poly1(y_true, y_pred, from_logits=False, epsilon=1.0):
    """Per-example values of `Poly1`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return cross_entropy(y, log_p) + epsilon * (1.0 - ops.sum(y * p, axis=-1))


@register(
    "focal",
    formula="−Σ y·(1 − p)^γ·log p",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper="Lin et al. (2017)",
    tunable={"gamma": Tunable(0.0, 5.0)},
)
class Focal(ClassificationLoss):
    """Softmax focal loss: log loss that down-weights easy examples.

    Args:
        gamma: the focusing exponent γ ≥ 0; `γ = 0` is log loss.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Focal(from_logits=True, gamma=2.0)(y_true, logits)), 4)
    0.0265
    """

    function = staticmethod(focal)


@register(
    "poly1",
    formula="−Σ y·log p + ε·(1 − p_t)",
    acts_on=SOFTMAX,
    value_range="[0, ∞) for ε ≥ −1",
    paper="Leng et al. (2022)",
    # A cross-entropy with one more term: label smoothing, the usual companion of cross-entropy, is searched too.
    tunable={"epsilon": Tunable(-1.0, 3.0), "label_smoothing": Tunable(0.0, 0.3)},
)
class Poly1(ClassificationLoss):
    """Poly-1 loss (PolyLoss): log loss plus ε times the first polynomial term.

    For soft `y`, `1 − p_t` reads `1 − Σ y·p`.

    Args:
        epsilon: the coefficient ε of `1 − p_t`; `ε = 0` is log loss.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Poly1(from_logits=True)(y_true, logits)), 4)
    0.5882
    """

    function = staticmethod(poly1)
