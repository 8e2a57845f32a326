"""Loss correction for a known label-noise transition matrix (Patrini et al., CVPR 2017).

Patrini, Rozza, Menon, Nock & Qu, "Making Deep Neural Networks Robust to Label
Noise: a Loss Correction Approach". `T` is the K×K transition matrix,
`T[i][j] = P(observed label j | true class i)` (rows = true class, each
summing to 1), given as configuration (`transition_matrix`, nested lists),
stored in `get_config()` and so in a saved `.keras` model:

- forward: the model's clean-class probabilities are pushed through the noise,
  the log loss of `Tᵀp` (i.e. `−log (p·T)_ỹ` for the observed label ỹ);
- backward: the losses of every label are mixed by `T⁻¹`,
  `−Σ_j (y·T⁻¹)_j · log p_j` — unbiased, but negative values are possible and
  `T` must be invertible.

As in the authors' Keras code (giorgiop/loss-correction, `loss.py`, `robust`),
`p` is renormalised and clipped to `[1e−7, 1 − 1e−7]` first; with
`from_logits=True`, `p = softmax(o)`.

Without `transition_matrix` these losses cannot be built (`compile(loss="forward_corrected")`
fails and says what to pass). `zoo` builds T for its asymmetric noise (`--noise_matrix`).
"""

import numpy as np
from keras import ops

from keras_losses import arguments
from keras_losses._probabilities import EPSILON
from keras_losses._targets import FLOAT, targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, register

PATRINI = (
    'Patrini et al. (2017), "Making Deep Neural Networks Robust to Label Noise: a Loss Correction Approach", '
    "CVPR, https://arxiv.org/abs/1609.03683"
)


def _matrix(loss, transition_matrix, num_classes):
    """The validated T as float64 NumPy, its size checked against y_pred's classes."""
    if transition_matrix is None:
        raise ValueError(arguments.missing_message(loss, "transition_matrix"))
    matrix = np.asarray(arguments.validate("transition_matrix", transition_matrix, loss), dtype="float64")
    if num_classes is not None and len(matrix) != num_classes:
        raise ValueError(
            f"keras_losses: transition_matrix is {len(matrix)}×{len(matrix)} but y_pred has {num_classes} classes."
        )
    return matrix


def _clipped_probabilities(o, from_logits):
    p = ops.softmax(o, axis=-1) if from_logits else o / ops.sum(o, axis=-1, keepdims=True)
    return ops.clip(p, EPSILON, 1.0 - EPSILON)


def forward_corrected(y_true, y_pred, transition_matrix=None, from_logits=False):
    """Per-example values of `ForwardCorrected`."""
    y, o = targets_and_outputs(y_true, y_pred)
    matrix = ops.convert_to_tensor(_matrix("forward_corrected", transition_matrix, y.shape[-1]), dtype=FLOAT)
    noisy = ops.matmul(_clipped_probabilities(o, from_logits), matrix)
    return -ops.sum(y * ops.log(ops.maximum(noisy, EPSILON)), axis=-1)


def backward_corrected(y_true, y_pred, transition_matrix=None, from_logits=False):
    """Per-example values of `BackwardCorrected`."""
    y, o = targets_and_outputs(y_true, y_pred)
    inverse = np.linalg.inv(_matrix("backward_corrected", transition_matrix, y.shape[-1]))
    mixed = ops.matmul(y, ops.convert_to_tensor(inverse, dtype=FLOAT))
    return -ops.sum(mixed * ops.log(_clipped_probabilities(o, from_logits)), axis=-1)


@register(
    "forward_corrected",
    formula="−Σ y·log(Tᵀp)",
    acts_on=SOFTMAX,
    value_range="[0, 16.2]",
    paper=PATRINI,
)
class ForwardCorrected(ClassificationLoss):
    """Forward-corrected cross-entropy: log loss of the noisy-label probabilities `Tᵀp`.

    The model keeps predicting clean classes: at test time use `argmax p` as usual.

    Args:
        transition_matrix: T, K×K nested lists, `T[i][j] = P(observed j | true i)`; rows sum to 1.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> T = [[0.8, 0.2, 0.0], [0.0, 1.0, 0.0], [0.1, 0.1, 0.8]]
    >>> loss = keras_losses.ForwardCorrected(transition_matrix=T, from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.4137
    """

    function = staticmethod(forward_corrected)


@register(
    "backward_corrected",
    formula="−Σ_j (y·T⁻¹)_j·log p_j",
    acts_on=SOFTMAX,
    value_range="(−∞, ∞): T⁻¹ has negative entries",
    paper=PATRINI,
)
class BackwardCorrected(ClassificationLoss):
    """Backward-corrected cross-entropy: the per-label log losses mixed by `T⁻¹`.

    Unbiased for the clean loss in expectation over the noise, but it can be
    negative and is unbounded below as `p` approaches the clip; `T` must be
    invertible (checked when the loss is built).

    Args:
        transition_matrix: T, K×K nested lists, `T[i][j] = P(observed j | true i)`; rows sum
            to 1; invertible.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> T = [[0.8, 0.2, 0.0], [0.0, 1.0, 0.0], [0.1, 0.1, 0.8]]
    >>> loss = keras_losses.BackwardCorrected(transition_matrix=T, from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.1445
    """

    function = staticmethod(backward_corrected)
