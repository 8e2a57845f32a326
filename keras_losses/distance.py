"""Distances between the target and the outputs or the probabilities.

L1 and L2 act on the raw outputs `o`; the expectation losses and Chebyshev on
`p = softmax(o)`. `y` is the one-hot (or soft) target; sums run over the K
classes. Janocha & Czarnecki (2017), "On Loss Functions for Deep Neural
Networks in Classification", arXiv:1702.05659.
"""

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import RAW, SOFTMAX, ClassificationLoss, register

JANOCHA = "Janocha & Czarnecki (2017)"


def l1(y_true, y_pred):
    """Per-example values of `L1`."""
    y, o = targets_and_outputs(y_true, y_pred)
    return ops.sum(ops.abs(y - o), axis=-1)


def l2(y_true, y_pred):
    """Per-example values of `L2`."""
    y, o = targets_and_outputs(y_true, y_pred)
    return ops.sum(ops.square(y - o), axis=-1)


def expectation(y_true, y_pred, from_logits=False):
    """Per-example values of `Expectation`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.sum(ops.abs(y - p), axis=-1)


def regularized_expectation(y_true, y_pred, from_logits=False):
    """Per-example values of `RegularizedExpectation`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.sum(ops.square(y - p), axis=-1)


def chebyshev(y_true, y_pred, from_logits=False):
    """Per-example values of `Chebyshev`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.max(ops.abs(y - p), axis=-1)


@register("l1", multi_label=True, formula="Σ |y − o|", acts_on=RAW, value_range="[0, ∞)", paper=JANOCHA)
class L1(ClassificationLoss):
    """L1 distance between one-hot target and raw outputs.

    No softmax, so there is no `from_logits` argument. For a one-hot target
    the minimum 0 is reached at `o = y`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]                                  # sparse labels
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.L1()(y_true, logits)), 4)
    1.75
    """

    function = staticmethod(l1)


@register("l2", multi_label=True, formula="Σ (y − o)²", acts_on=RAW, value_range="[0, ∞)", paper=JANOCHA)
class L2(ClassificationLoss):
    """Squared L2 distance between one-hot target and raw outputs.

    No softmax (no `from_logits`); minimum 0 at `o = y`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.L2()(y_true, logits)), 4)
    1.315
    """

    function = staticmethod(l2)


@register("expectation", formula="Σ |y − p|", acts_on=SOFTMAX, value_range="[0, 2]", paper=JANOCHA)
class Expectation(ClassificationLoss):
    """Expectation loss: L1 distance between target and softmax probabilities.

    For one-hot `y` it equals `2·(1 − p_t)`: twice the probability of a
    wrong class when the label is drawn from `p`. Robust to label noise.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Expectation(from_logits=True)(y_true, logits)), 4)
    0.5405
    """

    function = staticmethod(expectation)


@register("regularized_expectation", formula="Σ (y − p)²", acts_on=SOFTMAX, value_range="[0, 2]", paper=JANOCHA)
class RegularizedExpectation(ClassificationLoss):
    """Regularised expectation loss: squared L2 distance on probabilities.

    The paper's "L2∘σ" (the Brier score).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.RegularizedExpectation(from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.1205
    """

    function = staticmethod(regularized_expectation)


@register("chebyshev", formula="max_j |y_j − p_j|", acts_on=SOFTMAX, value_range="[0, 1]", paper=JANOCHA)
class Chebyshev(ClassificationLoss):
    """Chebyshev (L∞) distance between target and probabilities.

    The paper's "L∞∘σ": only the worst class counts.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Chebyshev(from_logits=True)(y_true, logits)), 4)
    0.2702
    """

    function = staticmethod(chebyshev)
