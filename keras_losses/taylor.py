"""Taylor cross-entropy of Feng et al. (IJCAI 2020).

Feng, Shu, Lin, Lv, Li & An, "Can Cross Entropy Loss Be Robust to Label
Noise?". Cross-entropy `−log p_t = Σ_{i ≥ 1} (1 − p_t)^i / i` truncated after
`order` terms: order 1 is `1 − p_t` (half the MAE), more terms fit the labels
harder and approach log loss. `p = softmax(o)` (or the given probabilities);
for soft `y`, `p_t` reads `Σ y·p`.
"""

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register


def taylor_ce(y_true, y_pred, from_logits=False, order=2):
    """Per-example values of `TaylorCrossEntropy`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    miss = 1.0 - ops.sum(y * p, axis=-1)
    total, power = ops.zeros_like(miss), ops.ones_like(miss)
    for i in range(1, order + 1):
        power = power * miss
        total = total + power / i
    return total


@register(
    "taylor_ce",
    formula="Σ_{i=1}^{order} (1 − p_t)^i / i",
    acts_on=SOFTMAX,
    value_range="[0, Σ_{i=1}^{order} 1/i]",
    paper="Feng et al. (2020)",
    tunable={"order": Tunable.integer(2, 8, step=2)},
)
class TaylorCrossEntropy(ClassificationLoss):
    """Taylor cross-entropy: log loss's Taylor series in `1 − p_t`, truncated.

    `order` is searched over the even orders 2, 4, 6, 8 (an integer hyperparameter): low orders
    fit noisy labels less, high ones approach cross-entropy's fit of clean labels.

    Args:
        order: the number of terms, an integer ≥ 1 (1: `1 − p_t`; large: log loss).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.TaylorCrossEntropy(from_logits=True)(y_true, logits)), 4)
    0.3083
    """

    function = staticmethod(taylor_ce)
