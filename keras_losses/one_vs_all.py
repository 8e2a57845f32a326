"""One-vs-all logistic losses of Li, Li, Pan & Zhu (AAAI 2020).

"On the Learning Property of Logistic and Softmax Losses for Deep Neural
Networks". Notation: `s = sigmoid(o)` element-wise, `t` the target class.
"""

from keras import ops

from keras_losses._probabilities import masked_shift, sigmoid_parts
from keras_losses._targets import apply_class_weights, targets_and_outputs
from keras_losses.base import ClassificationLoss, register


def logistic(y_true, y_pred, from_logits=False, class_weights=None):
    """Per-example `−log s_t − Σ_{k≠t} log(1 − s_k)`; see `Logistic`."""
    y, o = targets_and_outputs(y_true, y_pred)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    # y·log s + (1 − y)·log(1 − s) = log(1 − s) + y·(log s − log(1 − s))
    per_example = -ops.sum(log_1ms + y * (log_s - log_1ms), axis=-1)
    return apply_class_weights(per_example, y, class_weights)


def inr_weights(y, log_1ms, gamma):
    """In-negative-class weights `w_k ∝ (1 − y_k)·(1 − s_k)^(−γ)`, `Σ w = 1`."""
    negative = 1.0 - y
    in_negative_class = negative > 0
    # Softmax of −γ·log(1 − s) over the negative class, scaled by (1 − y):
    # the max is taken over the negative class only, so exp() never overflows.
    score = -gamma * log_1ms
    unnormalized = negative * ops.exp(masked_shift(score, in_negative_class))
    return unnormalized / ops.sum(unnormalized, axis=-1, keepdims=True)


def logistic_inr(y_true, y_pred, from_logits=False, gamma=1.0, class_weights=None):
    """Per-example reweighted logistic loss (LGL-INR); see `LogisticINR`."""
    y, o = targets_and_outputs(y_true, y_pred)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    weights = inr_weights(y, log_1ms, gamma)
    per_example = -ops.sum(y * log_s, axis=-1) - ops.sum(weights * log_1ms, axis=-1)
    return apply_class_weights(per_example, y, class_weights)


@register
class Logistic(ClassificationLoss):
    """One-vs-all logistic loss (LGL): K independent sigmoid classifiers.

    `loss = −log s_t − Σ_{k≠t} log(1 − s_k)`, `s = sigmoid(o)`; for soft
    targets `−Σ_k [y_k·log s_k + (1 − y_k)·log(1 − s_k)]`. Acts on sigmoid
    probabilities, or on logits with `from_logits=True` (computed with
    `log_sigmoid`). Range `[0, ∞)`. `class_weights` (length K) scales each
    example by the weight of its class. Li et al. (AAAI 2020).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Logistic(from_logits=True)(y_true, logits)), 4)
    1.5341
    """

    function = staticmethod(logistic)
    canonical_name = "logistic"


@register
class LogisticINR(ClassificationLoss):
    """Logistic loss with in-negative-class reweighting (LGL-INR).

    `loss = −log s_t − Σ_{k≠t} w_k·log(1 − s_k)` with
    `w_k = (1 − s_k)^(−γ) / Σ_{j≠t} (1 − s_j)^(−γ)`, `γ ≥ 0` (default 1).
    The non-target classes are weighed as one negative class (weights sum to
    1); within it hard non-targets (large `s_k`) weigh more; `γ = 0` gives
    equal weights `1/(K − 1)`. Soft targets weigh class k's negative part by
    `(1 − y_k)`. The weights are part of the loss (gradients flow through
    them). Acts on sigmoid probabilities, or logits with `from_logits=True`.
    Range `[0, ∞)`. Reconstructed from the description in Li et al. (AAAI
    2020).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.LogisticINR(from_logits=True, gamma=1.0)
    >>> round(float(loss(y_true, logits)), 4)
    0.91
    """

    function = staticmethod(logistic_inr)
    canonical_name = "logistic_inr"
