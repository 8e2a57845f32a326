"""Losses designed to be robust to label noise: GCE, SCE and NCE + RCE.

(The other active-passive pairs of NCE + RCE's paper are in `active_passive`.)

Each bounds or symmetrises log loss so that a wrong label pulls less.
`p = softmax(o)` (or the given probabilities), `t` the target class, `y`
one-hot or soft.
"""

from keras import ops

from keras_losses._probabilities import cross_entropy, softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.active_passive import pair_function, reverse_cross_entropy
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register


def gce(y_true, y_pred, from_logits=False, q=0.7):
    """Per-example values of `GeneralizedCrossEntropy`."""
    y, o = targets_and_outputs(y_true, y_pred)
    _, log_p = softmax_parts(o, from_logits)
    return (1.0 - ops.sum(y * ops.exp(q * log_p), axis=-1)) / q


def sce(y_true, y_pred, from_logits=False, alpha=0.1, beta=1.0):
    """Per-example values of `SymmetricCrossEntropy`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return alpha * cross_entropy(y, log_p) + beta * reverse_cross_entropy(y, p)


# One of the active-passive pairs (keras_losses.active_passive), registered here under its old place.
nce_rce = pair_function("nce", "rce", module=__name__)


@register(
    "gce",
    formula="(1 − p_t^q) / q",
    acts_on=SOFTMAX,
    value_range="[0, 1/q]",
    paper="Zhang & Sabuncu (2018)",
    tunable={"q": Tunable(0.1, 1.0)},
)
class GeneralizedCrossEntropy(ClassificationLoss):
    """Generalised cross-entropy: between log loss and the expectation loss.

    For soft `y`, `p_t^q` reads `Σ y·p^q`. Tends to log loss as `q → 0` and
    is `1 − p_t` (half the expectation loss) at `q = 1`.

    Args:
        q: the exponent, in (0, 1]; larger is more robust to label noise.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.GeneralizedCrossEntropy(from_logits=True, q=0.7)
    >>> round(float(loss(y_true, logits)), 4)
    0.2834
    """

    function = staticmethod(gce)


@register(
    "sce",
    formula="α·(−Σ y·log p) + β·(−Σ p·log clip(y, 1e−4, 1))",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper="Wang et al. (2019)",
    tunable={"alpha": Tunable(0.01, 1.0, "log"), "beta": Tunable(0.1, 2.0, "log")},
)
class SymmetricCrossEntropy(ClassificationLoss):
    """Symmetric cross-entropy: log loss plus the reverse cross-entropy (RCE).

    For one-hot `y`, `RCE = −log(1e−4)·(1 − p_t)`.

    Args:
        alpha: α ≥ 0, the weight of log loss.
        beta: β ≥ 0, the weight of the reverse cross-entropy.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.SymmetricCrossEntropy(from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    2.5209
    """

    function = staticmethod(sce)


@register(
    "nce_rce",
    formula="α·(−log p_t)/Σ_j(−log p_j) + β·(−Σ p·log clip(y, 1e−4, 1))",
    acts_on=SOFTMAX,
    value_range="[0, α + 9.22·β]",
    paper="Ma et al. (2020)",
    tunable={"alpha": Tunable(0.1, 10.0, "log"), "beta": Tunable(0.1, 10.0, "log")},
)
class NCEPlusRCE(ClassificationLoss):
    """Active–passive loss NCE + RCE: normalised cross-entropy plus reverse cross-entropy.

    For soft `y`, `−log p_t` reads `−Σ_k y_k·log p_k`. One of the pairs of
    `keras_losses.active_passive` (see `keras_losses.active_passive` for the others).

    Args:
        alpha: α ≥ 0, the weight of the normalised cross-entropy (the active part).
        beta: β ≥ 0, the weight of the reverse cross-entropy (the passive part).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NCEPlusRCE(from_logits=True)(y_true, logits)), 4)
    2.5605
    """

    function = staticmethod(nce_rce)
