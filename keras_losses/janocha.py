"""The twelve losses compared by Janocha & Czarnecki (2017).

"On Loss Functions for Deep Neural Networks in Classification",
arXiv:1702.05659. Notation: `o` raw outputs, `p = softmax(o)`, `y` one-hot
or soft target, `ŷ = 2y − 1`; sums run over the K classes.
"""

from keras import ops

from keras_losses._probabilities import log_scores, masked_logsumexp, softmax_parts
from keras_losses._targets import (
    apply_class_weights,
    smooth_labels,
    targets_and_outputs,
)
from keras_losses.base import ClassificationLoss, register

# ---------------------------------------------------------------- functions


def l1(y_true, y_pred):
    """Per-example `Σ |y − o|` on raw outputs; see `L1`."""
    y, o = targets_and_outputs(y_true, y_pred)
    return ops.sum(ops.abs(y - o), axis=-1)


def l2(y_true, y_pred):
    """Per-example `Σ (y − o)²` on raw outputs; see `L2`."""
    y, o = targets_and_outputs(y_true, y_pred)
    return ops.sum(ops.square(y - o), axis=-1)


def expectation(y_true, y_pred, from_logits=False):
    """Per-example `Σ |y − p|`; see `Expectation`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.sum(ops.abs(y - p), axis=-1)


def regularized_expectation(y_true, y_pred, from_logits=False):
    """Per-example `Σ (y − p)²`; see `RegularizedExpectation`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.sum(ops.square(y - p), axis=-1)


def chebyshev(y_true, y_pred, from_logits=False):
    """Per-example `max_j |y_j − p_j|`; see `Chebyshev`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.max(ops.abs(y - p), axis=-1)


def _ovr_hinge_power(y_true, y_pred, power):
    y, o = targets_and_outputs(y_true, y_pred)
    violation = ops.relu(0.5 - (2.0 * y - 1.0) * o)
    return ops.sum(violation if power == 1 else ops.power(violation, power), axis=-1)


def ovr_hinge(y_true, y_pred):
    """Per-example `Σ max(0, ½ − ŷ·o)`; see `OvrHinge`."""
    return _ovr_hinge_power(y_true, y_pred, 1)


def ovr_squared_hinge(y_true, y_pred):
    """Per-example `Σ max(0, ½ − ŷ·o)²`; see `OvrSquaredHinge`."""
    return _ovr_hinge_power(y_true, y_pred, 2)


def ovr_cubed_hinge(y_true, y_pred):
    """Per-example `Σ max(0, ½ − ŷ·o)³`; see `OvrCubedHinge`."""
    return _ovr_hinge_power(y_true, y_pred, 3)


def log_loss(y_true, y_pred, from_logits=False, label_smoothing=0.0, class_weights=None):
    """Per-example `−Σ y·log p` (cross-entropy); see `LogLoss`."""
    y, o = targets_and_outputs(y_true, y_pred)
    target = smooth_labels(y, label_smoothing)
    if from_logits:
        # One fused, stable kernel on TensorFlow (softmax_cross_entropy_with_logits).
        per_example = ops.categorical_crossentropy(target, o, from_logits=True)
    else:
        per_example = -ops.sum(target * softmax_parts(o, from_logits)[1], axis=-1)
    return apply_class_weights(per_example, y, class_weights)


def squared_log(y_true, y_pred, from_logits=False):
    """Per-example `Σ (y·log p)²`; see `SquaredLog`."""
    y, o = targets_and_outputs(y_true, y_pred)
    _, log_p = softmax_parts(o, from_logits)
    return ops.sum(ops.square(y * log_p), axis=-1)


def tanimoto(y_true, y_pred, from_logits=False):
    """Per-example `−Σ p·y / (Σ p² + Σ y² − Σ p·y)`; see `Tanimoto`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    overlap = ops.sum(p * y, axis=-1)
    union = ops.sum(ops.square(p), axis=-1) + ops.sum(ops.square(y), axis=-1) - overlap
    return -overlap / union


def cauchy_schwarz(y_true, y_pred, from_logits=False):
    """Per-example `−log(Σ p·y / (‖p‖₂·‖y‖₂))`; see `CauchySchwarz`."""
    y, o = targets_and_outputs(y_true, y_pred)
    # With p = softmax(z) = exp(z − lse(z)) the normaliser lse(z) cancels:
    #   −log(Σ p·y) + log‖p‖ = −lse_{y>0}(z + log y) + ½·lse(2z),
    # all in log-space, so a target probability that underflows to 0 in
    # float32 still has a finite log.
    z = log_scores(o, from_logits)
    support = y > 0
    log_y = ops.log(ops.where(support, y, 1.0))
    log_overlap = masked_logsumexp(z + log_y, support)
    log_norm_p = 0.5 * ops.logsumexp(2.0 * z, axis=-1)
    log_norm_y = 0.5 * ops.log(ops.sum(ops.square(y), axis=-1))
    return log_norm_p + log_norm_y - log_overlap


# ------------------------------------------------------------------ classes



@register
class L1(ClassificationLoss):
    """L1 distance between one-hot target and raw outputs.

    `loss = Σ_k |y_k − o_k|`, on the raw outputs `o` (no softmax; there is
    no `from_logits` argument). Range `[0, ∞)`. For a one-hot target the
    minimum 0 is reached at `o = y`. Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]                                  # sparse labels
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.L1()(y_true, logits)), 4)
    1.75
    """

    function = staticmethod(l1)
    canonical_name = "l1"


@register
class L2(ClassificationLoss):
    """Squared L2 distance between one-hot target and raw outputs.

    `loss = Σ_k (y_k − o_k)²`, on the raw outputs `o` (no `from_logits`).
    Range `[0, ∞)`, minimum at `o = y`. Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.L2()(y_true, logits)), 4)
    1.315
    """

    function = staticmethod(l2)
    canonical_name = "l2"


@register
class Expectation(ClassificationLoss):
    """Expectation loss: L1 distance between target and softmax probabilities.

    `loss = Σ_k |y_k − p_k|`. Acts on probabilities `p`, or on logits with
    `from_logits=True` (`p = softmax(o)`). Range `[0, 2]`. For one-hot `y`
    it equals `2·(1 − p_t)`: twice the probability of a wrong class when the
    label is drawn from `p`. Robust to label noise. Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Expectation(from_logits=True)(y_true, logits)), 4)
    0.5405
    """

    function = staticmethod(expectation)
    canonical_name = "expectation"


@register
class RegularizedExpectation(ClassificationLoss):
    """Regularised expectation loss: squared L2 distance on probabilities.

    `loss = Σ_k (y_k − p_k)²` with `p` probabilities (or `softmax(o)` with
    `from_logits=True`). Range `[0, 2]`. Janocha & Czarnecki (2017), "L2∘σ".

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.RegularizedExpectation(from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.1205
    """

    function = staticmethod(regularized_expectation)
    canonical_name = "regularized_expectation"


@register
class Chebyshev(ClassificationLoss):
    """Chebyshev (L∞) distance between target and probabilities.

    `loss = max_k |y_k − p_k|`, `p` probabilities (or `softmax(o)` with
    `from_logits=True`). Range `[0, 1]`. Janocha & Czarnecki (2017), "L∞∘σ".

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Chebyshev(from_logits=True)(y_true, logits)), 4)
    0.2702
    """

    function = staticmethod(chebyshev)
    canonical_name = "chebyshev"


@register
class OvrHinge(ClassificationLoss):
    """One-vs-rest hinge loss with margin ½ on raw outputs.

    `loss = Σ_k max(0, ½ − ŷ_k·o_k)` with `ŷ = 2y − 1` (±1 labels), on raw
    outputs `o` (no `from_logits`). Range `[0, ∞)`; 0 once every output is on
    the right side of ±½. Not Keras's `"hinge"`, which keeps its meaning.
    Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.OvrHinge()(y_true, logits)), 4)
    1.05
    """

    function = staticmethod(ovr_hinge)
    canonical_name = "ovr_hinge"


@register
class OvrSquaredHinge(ClassificationLoss):
    """One-vs-rest squared hinge loss with margin ½ on raw outputs.

    `loss = Σ_k max(0, ½ − ŷ_k·o_k)²`, `ŷ = 2y − 1`, raw outputs `o`.
    Range `[0, ∞)`. The paper's fastest learner. Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.OvrSquaredHinge()(y_true, logits)), 4)
    0.865
    """

    function = staticmethod(ovr_squared_hinge)
    canonical_name = "ovr_squared_hinge"


@register
class OvrCubedHinge(ClassificationLoss):
    """One-vs-rest cubed hinge loss with margin ½ on raw outputs.

    `loss = Σ_k max(0, ½ − ŷ_k·o_k)³`, `ŷ = 2y − 1`, raw outputs `o`.
    Range `[0, ∞)`. Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.OvrCubedHinge()(y_true, logits)), 4)
    0.7695
    """

    function = staticmethod(ovr_cubed_hinge)
    canonical_name = "ovr_cubed_hinge"


@register
class LogLoss(ClassificationLoss):
    """Log loss (categorical cross-entropy).

    `loss = −Σ_k y_k·log p_k`, `p` probabilities (or `softmax(o)` with
    `from_logits=True`, computed as `log_softmax`). Range `[0, ∞)`.
    `label_smoothing=ε` replaces `y` by `y·(1 − ε) + ε/K` as Keras does;
    `class_weights` (length K) scales each example by `Σ_k w_k·y_k`, the
    weight of its class. Janocha & Czarnecki (2017); the habitual default.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.LogLoss(from_logits=True)(y_true, logits)), 4)
    0.318
    """

    function = staticmethod(log_loss)
    canonical_name = "log_loss"


@register
class SquaredLog(ClassificationLoss):
    """Squared log loss.

    `loss = Σ_k (y_k·log p_k)²`, `p` probabilities (or `softmax(o)` with
    `from_logits=True`). Range `[0, ∞)`. Janocha & Czarnecki (2017), "log²".

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.SquaredLog(from_logits=True)(y_true, logits)), 4)
    0.107
    """

    function = staticmethod(squared_log)
    canonical_name = "squared_log"


@register
class Tanimoto(ClassificationLoss):
    """Negative Tanimoto coefficient between target and probabilities.

    `loss = −Σ p·y / (Σ p² + Σ y² − Σ p·y)`, `p` probabilities (or
    `softmax(o)` with `from_logits=True`). Bounded in `[−1, 0]`; −1 exactly
    when `p = y`. Robust under noise. Janocha & Czarnecki (2017).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Tanimoto(from_logits=True)(y_true, logits)), 4)
    -0.8575
    """

    function = staticmethod(tanimoto)
    canonical_name = "tanimoto"


@register
class CauchySchwarz(ClassificationLoss):
    """Cauchy–Schwarz divergence between target and probabilities.

    `loss = −log( Σ p·y / (‖p‖₂·‖y‖₂) )`, `p` probabilities (or `softmax(o)`
    with `from_logits=True`, computed in log-space). Range `[0, ∞)`; 0 only
    when `p ∝ y`. Competitive with log loss on clean data.
    Janocha & Czarnecki (2017), "D_CS".

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.CauchySchwarz(from_logits=True)(y_true, logits)), 4)
    0.042
    """

    function = staticmethod(cauchy_schwarz)
    canonical_name = "cauchy_schwarz"
