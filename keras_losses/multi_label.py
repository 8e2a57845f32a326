"""Multi-label losses: per-class sigmoid losses for multi-hot targets (tagging, attributes).

`s = sigmoid(o)` element-wise (or the given probabilities), `y` a multi-hot (or soft, per class)
target: each class is its own binary problem, and the per-example value is the sum over the K
classes (as `logistic`, and as `tfa.losses.SigmoidFocalCrossEntropy` reduces them).
"""

from keras import ops

from keras_losses import arguments
from keras_losses._probabilities import power, sigmoid_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SIGMOID, ClassificationLoss, Tunable, register


def _sigmoid_and_complement(o, from_logits):
    """`(s, 1 − s)`, the complement from `sigmoid(−o)` with logits (exact where s rounds to 1)."""
    if from_logits:
        return ops.sigmoid(o), ops.sigmoid(-o)
    s = ops.clip(o, 0.0, 1.0)
    return s, 1.0 - s


def sigmoid_focal(y_true, y_pred, from_logits=False, alpha=0.25, gamma=2.0):
    """Per-example values of `SigmoidFocal`."""
    alpha = arguments.unit_interval("alpha", alpha)
    y, o = targets_and_outputs(y_true, y_pred)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    s, one_minus_s = _sigmoid_and_complement(o, from_logits)
    cross_entropy = -(y * log_s + (1.0 - y) * log_1ms)
    miss = y * one_minus_s + (1.0 - y) * s  # 1 − p_t
    balance = y * alpha + (1.0 - y) * (1.0 - alpha)
    return ops.sum(balance * power(miss, gamma) * cross_entropy, axis=-1)


def asymmetric(y_true, y_pred, from_logits=False, gamma_pos=0.0, gamma_neg=4.0, clip=0.05):
    """Per-example values of `Asymmetric`."""
    y, o = targets_and_outputs(y_true, y_pred)
    log_s, log_1ms = sigmoid_parts(o, from_logits)
    s, one_minus_s = _sigmoid_and_complement(o, from_logits)
    if clip > 0:  # probability shifting: a negative's 1 − s_m = min(1 − s + m, 1) ≥ m, its log finite
        shifted = ops.minimum(one_minus_s + clip, 1.0)
        log_negative, negative_miss = ops.log(shifted), 1.0 - shifted  # 1 − shifted = max(s − m, 0)
    else:
        log_negative, negative_miss = log_1ms, s
    positive = power(one_minus_s, gamma_pos) * log_s
    negative = power(negative_miss, gamma_neg) * log_negative
    return -ops.sum(y * positive + (1.0 - y) * negative, axis=-1)


@register(
    "sigmoid_focal",
    formula="−Σ_k α_t·(1 − p_t)^γ·log p_t, p_t = y_k·s_k + (1 − y_k)·(1 − s_k), α_t = y_k·α + (1 − y_k)·(1 − α)",
    acts_on=SIGMOID,
    value_range="[0, ∞)",
    paper="Lin et al. (2017), as tfa.losses.SigmoidFocalCrossEntropy and optax.sigmoid_focal_loss",
    tunable={"gamma": Tunable(0.0, 5.0), "alpha": Tunable(0.1, 0.9)},
    multi_label=True,
)
class SigmoidFocal(ClassificationLoss):
    """Sigmoid focal loss: per-class binary cross-entropy that down-weights easy classes.

    RetinaNet's loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"),
    for multi-label targets: each class's binary cross-entropy is scaled by
    `(1 − p_t)^γ` and by `α` for positives, `1 − α` for negatives. `γ = 0`,
    `α = 0.5` is half of `logistic`. Equal to `tfa.losses.SigmoidFocalCrossEntropy`
    (which sums over the classes too) and to the sum over classes of
    `optax.sigmoid_focal_loss`; Keras's `BinaryFocalCrossentropy` averages
    over the classes instead (K times smaller).

    Args:
        alpha: α in [0, 1], the weight of the positive labels (`1 − α` for the negatives).
        gamma: the focusing exponent γ ≥ 0.

    Example:

    >>> import keras_losses
    >>> tags = [[1, 0, 1], [0, 0, 1]]                    # multi-hot: any number of classes per example
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.SigmoidFocal(from_logits=True)(tags, logits)), 4)
    0.867
    """

    function = staticmethod(sigmoid_focal)


@register(
    "asymmetric",
    formula="−Σ_k [y_k·(1 − s_k)^γ⁺·log s_k + (1 − y_k)·s_m^γ⁻·log(1 − s_m)], s_m = max(s_k − m, 0)",
    acts_on=SIGMOID,
    value_range="[0, ∞)",
    paper="Ridnik et al. (2021), Asymmetric Loss For Multi-Label Classification (ASL)",
    tunable={"gamma_neg": Tunable(0.0, 6.0), "gamma_pos": Tunable(0.0, 2.0), "clip": Tunable(0.0, 0.2)},
    multi_label=True,
)
class Asymmetric(ClassificationLoss):
    """Asymmetric loss (ASL) for multi-label classification.

    Ridnik et al. (ICCV 2021): positives and negatives are focused
    separately (`γ⁺`, `γ⁻`), and a negative's probability is shifted down by
    the margin `m` (`clip`), so easy negatives (`s ≤ m`) cost nothing and
    mislabelled negatives weigh less. As the authors' `AsymmetricLoss`
    (Alibaba-MIIL/ASL, src/loss_functions/losses.py), with gradients through
    the focusing weights as there, summed over the classes per example (they
    also sum over the batch; Keras takes the batch mean). The defaults are
    the paper's and their training script's (`γ⁻ = 4`, `γ⁺ = 0`, `m = 0.05`);
    `γ⁺ = γ⁻ = m = 0` is `logistic`.

    Args:
        gamma_pos: γ⁺ ≥ 0, the focusing exponent of the positive labels.
        gamma_neg: γ⁻ ≥ 0, the focusing exponent of the negative labels.
        clip: the probability margin m in [0, 1) by which negatives' probabilities are shifted.

    Example:

    >>> import keras_losses
    >>> tags = [[1, 0, 1], [0, 0, 1]]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Asymmetric(from_logits=True)(tags, logits)), 4)
    1.4522
    """

    function = staticmethod(asymmetric)
