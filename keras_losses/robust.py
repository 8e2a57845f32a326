"""Losses users of a modern zoo expect: focal, PolyLoss and noise-robust ones.

Notation: `p = softmax(o)`, `t` the target class, `y` one-hot or soft.
"""

from keras import ops

from keras_losses._probabilities import EPSILON, softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import ClassificationLoss, register

RCE_LOG_FLOOR = 1e-4  # clip(y, 1e-4, 1) of Wang et al.'s reverse cross-entropy


def _cross_entropy(y, log_p):
    return -ops.sum(y * log_p, axis=-1)


def _reverse_cross_entropy(y, p):
    return -ops.sum(p * ops.log(ops.clip(y, RCE_LOG_FLOOR, 1.0)), axis=-1)


def _power(x, exponent):
    """`x ** exponent`, by multiplication for small integer exponents (the
    default γ = 2), which is cheaper than the general exp(γ·log x)."""
    if float(exponent).is_integer() and 1 <= exponent <= 4:
        result = x
        for _ in range(int(exponent) - 1):
            result = result * x
        return result
    return ops.power(x, exponent)


def focal(y_true, y_pred, from_logits=False, gamma=2.0):
    """Per-example `−Σ y·(1 − p)^γ·log p`; see `Focal`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    # The floor keeps the gradient of (1 − p)^γ finite at p = 1 for γ < 1.
    modulation = _power(ops.clip(1.0 - p, EPSILON, 1.0), gamma)
    return -ops.sum(y * modulation * log_p, axis=-1)


def poly1(y_true, y_pred, from_logits=False, epsilon=1.0):
    """Per-example `−Σ y·log p + ε·(1 − Σ y·p)`; see `Poly1`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return _cross_entropy(y, log_p) + epsilon * (1.0 - ops.sum(y * p, axis=-1))


def gce(y_true, y_pred, from_logits=False, q=0.7):
    """Per-example `(1 − Σ y·p^q) / q`; see `GeneralizedCrossEntropy`."""
    y, o = targets_and_outputs(y_true, y_pred)
    _, log_p = softmax_parts(o, from_logits)
    return (1.0 - ops.sum(y * ops.exp(q * log_p), axis=-1)) / q


def sce(y_true, y_pred, from_logits=False, alpha=0.1, beta=1.0):
    """Per-example `α·CE + β·RCE`; see `SymmetricCrossEntropy`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return alpha * _cross_entropy(y, log_p) + beta * _reverse_cross_entropy(y, p)


def nce_rce(y_true, y_pred, from_logits=False, alpha=1.0, beta=1.0):
    """Per-example `α·NCE + β·RCE`; see `NCEPlusRCE`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    normalized = _cross_entropy(y, log_p) / -ops.sum(log_p, axis=-1)
    return alpha * normalized + beta * _reverse_cross_entropy(y, p)


@register
class Focal(ClassificationLoss):
    """Softmax focal loss (Lin et al., 2017).

    `loss = −Σ_k y_k·(1 − p_k)^γ·log p_k`, `γ ≥ 0` (default 2); `γ = 0` is log
    loss. Down-weights easy examples. Acts on probabilities, or logits with
    `from_logits=True`. Range `[0, ∞)`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Focal(from_logits=True, gamma=2.0)(y_true, logits)), 4)
    0.0265
    """

    function = staticmethod(focal)
    canonical_name = "focal"


@register
class Poly1(ClassificationLoss):
    """Poly-1 loss (PolyLoss, Leng et al., 2022).

    `loss = −Σ y·log p + ε·(1 − p_t)` (for soft `y`, `1 − Σ y·p`), default
    `ε = 1`. Acts on probabilities, or logits with `from_logits=True`.
    Range `[0, ∞)` for `ε ≥ −1`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.Poly1(from_logits=True)(y_true, logits)), 4)
    0.5882
    """

    function = staticmethod(poly1)
    canonical_name = "poly1"


@register
class GeneralizedCrossEntropy(ClassificationLoss):
    """Generalised cross-entropy (Zhang & Sabuncu, 2018).

    `loss = (1 − p_t^q) / q` (for soft `y`, `(1 − Σ y·p^q) / q`), `q ∈ (0, 1]`,
    default 0.7. Tends to log loss as `q → 0` and to `1 − p_t` (half the
    expectation loss) at `q = 1`: robust to label noise. Acts on
    probabilities, or logits with `from_logits=True`. Range `[0, 1/q]`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.GeneralizedCrossEntropy(from_logits=True, q=0.7)
    >>> round(float(loss(y_true, logits)), 4)
    0.2834
    """

    function = staticmethod(gce)
    canonical_name = "gce"


@register
class SymmetricCrossEntropy(ClassificationLoss):
    """Symmetric cross-entropy (Wang et al., 2019).

    `loss = α·(−Σ y·log p) + β·RCE`, `RCE = −Σ p·log(clip(y, 1e−4, 1))`,
    defaults `α = 0.1, β = 1`. For one-hot `y`, `RCE = −log(1e−4)·(1 − p_t)`.
    Acts on probabilities, or logits with `from_logits=True`. Range `[0, ∞)`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.SymmetricCrossEntropy(from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    2.5209
    """

    function = staticmethod(sce)
    canonical_name = "sce"


@register
class NCEPlusRCE(ClassificationLoss):
    """Active–passive loss NCE + RCE (Ma et al., 2020).

    `loss = α·NCE + β·RCE` with the normalised cross-entropy
    `NCE = (−Σ y·log p) / Σ_j (−log p_j)` and
    `RCE = −Σ p·log(clip(y, 1e−4, 1))`; defaults `α = β = 1`. Robust to
    label noise. Acts on probabilities, or logits with `from_logits=True`.
    Range `[0, α + β·9.22]`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NCEPlusRCE(from_logits=True)(y_true, logits)), 4)
    2.5605
    """

    function = staticmethod(nce_rce)
    canonical_name = "nce_rce"
