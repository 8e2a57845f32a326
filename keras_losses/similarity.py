"""Losses that reward overlap between target and probabilities: Tanimoto and Cauchy–Schwarz.

`p = softmax(o)` (or the given probabilities), `y` the one-hot or soft
target; sums run over the K classes. Janocha & Czarnecki (2017).
"""

from keras import ops

from keras_losses._probabilities import log_scores, masked_logsumexp, softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, register
from keras_losses.distance import JANOCHA


def tanimoto(y_true, y_pred, from_logits=False, *, per_image=False):
    """Per-example values of `Tanimoto` (per image with `per_image=True`: shape `(B,)`)."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    axes = tuple(range(1, len(o.shape))) if per_image else -1
    if per_image:  # a position without a label (all-zero row: ignore_class) is left out of the image's sums
        p = p * ops.cast(ops.sum(y, axis=-1, keepdims=True) > 0, p.dtype)
    overlap = ops.sum(p * y, axis=axes)
    union = ops.sum(ops.square(p), axis=axes) + ops.sum(ops.square(y), axis=axes) - overlap
    return -overlap / union


def cauchy_schwarz(y_true, y_pred, from_logits=False):
    """Per-example values of `CauchySchwarz`."""
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


@register("tanimoto", formula="−Σ p·y / (Σ p² + Σ y² − Σ p·y)", acts_on=SOFTMAX, value_range="[−1, 0]", paper=JANOCHA)
class Tanimoto(ClassificationLoss):
    """Negative Tanimoto coefficient between target and probabilities.

    −1 exactly when `p = y`. Robust under noise.

    Two readings for dense outputs `(B, …, K)` (segmentation). Janocha & Czarnecki
    define it per example, the sums over the K classes: by default each position
    (pixel) is an example and the loss is the mean over positions. ResUNet-a
    (Diakogiannis et al. 2020, "ResUNet-a: a deep learning framework for semantic
    segmentation of remotely sensed data") defines it per image, the sums running
    over all pixels and classes of an image: `per_image=True` gives that value, one
    per image, so large regions weigh more than in the per-pixel mean. (ResUNet-a
    also weighs classes by inverse squared volume and averages with the complement
    `T(1 − p, 1 − y)`; neither is applied here.) With `ignore_class`, ignored pixels
    are left out of an image's sums; `per_image` on `(B, K)` outputs is the default.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Tanimoto(from_logits=True)(y_true, logits)), 4)
    -0.8575
    >>> masks = [[[0, 1], [1, 1]]]                       # one 2×2 image, 2 classes
    >>> pixel_logits = [[[[2.0, -1.0], [0.5, 0.0]], [[-1.0, 1.0], [0.0, 3.0]]]]
    >>> round(float(keras_losses.Tanimoto(from_logits=True, per_image=True)(masks, pixel_logits)), 4)
    -0.7957

    Args:
        per_image: if True, with dense outputs `(B, …, K)` one value per image, the sums running over all its
            positions and classes (ResUNet-a's Tanimoto); if False (the default) one per position.
    """

    function = staticmethod(tanimoto)


@register("cauchy_schwarz", formula="−log( Σ p·y / (‖p‖₂·‖y‖₂) )", acts_on=SOFTMAX, value_range="[0, ∞)", paper=JANOCHA)
class CauchySchwarz(ClassificationLoss):
    """Cauchy–Schwarz divergence between target and probabilities (the paper's "D_CS").

    0 only when `p ∝ y`; computed in log-space with `from_logits=True`.
    Competitive with log loss on clean data.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.CauchySchwarz(from_logits=True)(y_true, logits)), 4)
    0.042
    """

    function = staticmethod(cauchy_schwarz)
