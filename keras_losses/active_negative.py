"""Active negative losses (ANL) of Ye et al. (NeurIPS 2023): ANL-CE and ANL-FL.

Ye, Li, Dai, Liu, Sun & Tong, "Active Negative Loss Functions for Learning with
Noisy Labels". A normalised negative loss (NNLF) replaces MAE as the passive
part of an active-passive loss: the active loss of the *complementary*
probabilities, flipped and normalised, so that well-fitted (mostly clean)
examples pull more than MAE lets them.

Notation: `p = softmax(o)` (or the given probabilities) clipped to
`[p_min, 1]`, `t` the target class, `y` one-hot or soft, K the number of
classes, `A = −log p_min` (the largest value `−log p` can take):

- NNCE = `1 − (A + log p_t) / Σ_j (A + log p_j)`;
- NNFL = `1 − (A' − FL_t) / (K·A' − Σ_j FL_j)`, `FL_j = −(1 − p_j)^γ·log p_j`,
  `A' = −(1 − p_min)^γ·log p_min`.

ANL-CE = `α·NCE + β·NNCE` and ANL-FL = `α·NFL + β·NNFL` (NCE and NFL as in
`active_passive`). The paper's third term, `δ·‖θ‖₁`, is an L1 penalty on the
model's weights, not part of the loss: add it as a weight regulariser, e.g.
`keras.regularizers.L1(δ)` on each layer (the authors use δ = 1e−6 on MNIST,
5e−5 on CIFAR-10, 5e−7 on CIFAR-100).

Values follow the authors' code (Virusdoll/Active-Negative-Loss, `loss.py`):
the focal weights `(1 − p_j)^γ` of NFL and NNFL are detached, as there (the
gradient flows through the `log p_j` terms only).
"""

import math

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.active_passive import normalized_cross_entropy, normalized_focal
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register

YE = (
    'Ye et al. (2023), "Active Negative Loss Functions for Learning with Noisy Labels", NeurIPS, '
    "https://papers.neurips.cc/paper_files/paper/2023/hash/15f4cefb0e143c7ad9d40e879b0a9d0c-Abstract-Conference.html"
)
TUNABLE = {"alpha": Tunable(0.1, 10.0, "log"), "beta": Tunable(0.1, 10.0, "log")}


def _clipped_log(log_p, min_prob):
    return ops.maximum(log_p, math.log(min_prob))


def normalized_negative_cross_entropy(y, log_p, min_prob):
    """`1 − (A + log p_t) / Σ_j (A + log p_j)`, `A = −log p_min`, `p` clipped to `[p_min, 1]`."""
    shifted = _clipped_log(log_p, min_prob) - math.log(min_prob)
    return 1.0 - ops.sum(y * shifted, axis=-1) / ops.sum(shifted, axis=-1)


def normalized_negative_focal(y, log_p, gamma, min_prob):
    """`1 − (A' − FL_t) / (K·A' − Σ_j FL_j)`; the focal weights detached (authors' code)."""
    log_p = _clipped_log(log_p, min_prob)
    weight = ops.stop_gradient(ops.power(ops.clip(1.0 - ops.exp(log_p), 0.0, 1.0), gamma))
    focal = -weight * log_p
    bound = -((1.0 - min_prob) ** gamma) * math.log(min_prob)
    num_classes = ops.cast(ops.shape(y)[-1], y.dtype)
    total = ops.sum(focal, axis=-1)
    return 1.0 - (bound - ops.sum(y * focal, axis=-1)) / (num_classes * bound - total)


def anl_ce(y_true, y_pred, from_logits=False, alpha=1.0, beta=1.0, min_prob=1e-7):
    """Per-example values of `ANLCE`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return alpha * normalized_cross_entropy(y, p, log_p) + beta * normalized_negative_cross_entropy(y, log_p, min_prob)


def anl_fl(y_true, y_pred, from_logits=False, alpha=1.0, beta=1.0, gamma=0.5, min_prob=1e-7):
    """Per-example values of `ANLFL`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return alpha * normalized_focal(y, p, log_p, gamma) + beta * normalized_negative_focal(y, log_p, gamma, min_prob)


@register(
    "anl_ce",
    formula="α·(−log p_t)/Σ_j(−log p_j) + β·(1 − (A + log p_t)/Σ_j (A + log p_j)), A = −log p_min",
    acts_on=SOFTMAX,
    value_range="[0, α + β]",
    paper=YE,
    tunable=TUNABLE,
)
class ANLCE(ClassificationLoss):
    """Active negative loss ANL-CE: normalised cross-entropy plus normalised negative cross-entropy.

    `p` is clipped to `[p_min, 1]` in the negative part (authors' code). The paper's
    `δ·‖θ‖₁` is a weight regulariser, not part of this loss (see the module docstring).
    The authors use α = β = 1 on MNIST, 5 and 5 on CIFAR-10, 10 and 1 on CIFAR-100.
    For soft `y`, the `_t` terms read `Σ_k y_k·(…)_k`.

    Args:
        alpha: α ≥ 0, the weight of the normalised cross-entropy (the active part).
        beta: β ≥ 0, the weight of the normalised negative cross-entropy (the negative part).
        min_prob: p_min in (0, 1), the floor of the probabilities; `A = −log p_min`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.ANLCE(from_logits=True)(y_true, logits)), 4)
    0.7098
    """

    function = staticmethod(anl_ce)


@register(
    "anl_fl",
    formula="α·NFL + β·(1 − (A' − FL_t)/(K·A' − Σ_j FL_j)), FL_j = −(1 − p_j)^γ·log p_j, A' = −(1 − p_min)^γ·log p_min",
    acts_on=SOFTMAX,
    value_range="[0, α + β]",
    paper=YE,
    tunable={**TUNABLE, "gamma": Tunable(0.0, 2.0)},
)
class ANLFL(ClassificationLoss):
    """Active negative loss ANL-FL: normalised focal loss plus normalised negative focal loss.

    NFL is `active_passive`'s (`FL_t / Σ_j FL_j`). As in the authors' code, `p` is
    clipped to `[p_min, 1]` in the negative part, and the focal weights `(1 − p)^γ`
    are detached. The paper's `δ·‖θ‖₁` is a weight regulariser, not part
    of this loss (see the module docstring).

    Args:
        alpha: α ≥ 0, the weight of the normalised focal loss (the active part).
        beta: β ≥ 0, the weight of the normalised negative focal loss (the negative part).
        gamma: the focusing exponent γ ≥ 0 (the authors use 0.5).
        min_prob: p_min in (0, 1), the floor of the probabilities.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.ANLFL(from_logits=True)(y_true, logits)), 4)
    0.681
    """

    function = staticmethod(anl_fl)
