"""Asymmetric loss functions of Zhou et al. (ICML 2021): AGCE, AUL and AEL.

Zhou, Liu, Jiang, Gao & Ji, "Asymmetric Loss Functions for Learning with Noisy
Labels". Each is a function of `p_t` alone whose shape (set by `a` and `q`)
makes it "asymmetric", hence tolerant to clean-majority label noise while
still fitting well. `p = softmax(o)` (or the given probabilities), `t` the
target class; for soft `y`, `p_t` reads `Σ y·p`. Values as the authors' code
computes them (hitcszx/ALFs, `lnl/losses.py`: `AGCELoss`, `AUELoss`,
`AExpLoss`), which follows the paper's formulas without clipping.
"""

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register

ZHOU = (
    'Zhou et al. (2021), "Asymmetric Loss Functions for Learning with Noisy Labels", ICML, '
    "https://arxiv.org/abs/2106.03110"
)


def _target_probability(y_true, y_pred, from_logits):
    y, o = targets_and_outputs(y_true, y_pred)
    p, _ = softmax_parts(o, from_logits)
    return ops.sum(y * p, axis=-1)


def agce(y_true, y_pred, from_logits=False, a=0.6, q=0.6):
    """Per-example values of `AGCE`."""
    p_t = _target_probability(y_true, y_pred, from_logits)
    return ((a + 1.0) ** q - ops.power(a + p_t, q)) / q


def aul(y_true, y_pred, from_logits=False, a=1.5, q=0.9):
    """Per-example values of `AUL`."""
    p_t = _target_probability(y_true, y_pred, from_logits)
    return (ops.power(a - p_t, q) - (a - 1.0) ** q) / q


def ael(y_true, y_pred, from_logits=False, a=3.0):
    """Per-example values of `AEL`."""
    return ops.exp(-_target_probability(y_true, y_pred, from_logits) / a)


@register(
    "agce",
    formula="((a + 1)^q − (a + p_t)^q) / q",
    acts_on=SOFTMAX,
    value_range="[0, ((a + 1)^q − a^q)/q]",
    paper=ZHOU,
    tunable={"a": Tunable(0.1, 6.0), "q": Tunable(0.1, 3.0)},
)
class AGCE(ClassificationLoss):
    """Asymmetric generalized cross-entropy (AGCE).

    The defaults are the authors' CIFAR-10 and CIFAR-100 configuration (their
    `AGCELoss` class defaults to a = 1, q = 2); they use a = 4, q = 0.2 on MNIST
    and a = 6, q = 1.5 beside NCE on CIFAR-10; the tuning range spans them.

    Args:
        a: a > 0.
        q: q > 0 (unlike GCE's, it may exceed 1).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.AGCE(from_logits=True)(y_true, logits)), 4)
    0.2326
    """

    function = staticmethod(agce)


@register(
    "aul",
    formula="((a − p_t)^q − (a − 1)^q) / q",
    acts_on=SOFTMAX,
    value_range="[0, (a^q − (a − 1)^q)/q]",
    paper=ZHOU,
    tunable={"a": Tunable(1.1, 7.0), "q": Tunable(0.1, 3.0)},
)
class AUL(ClassificationLoss):
    """Asymmetric unhinged loss (AUL; the authors' code calls it `AUELoss`).

    The defaults are those of the authors' `AUELoss`; their configurations use
    a = 3, q = 0.1 (MNIST), a = 5.5, q = 3 (CIFAR-10 and -100), and a = 6.3,
    q = 1.5 beside NCE on CIFAR-10; the tuning range spans them.

    Args:
        a: a > 1.
        q: q > 0.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.AUL(from_logits=True)(y_true, logits)), 4)
    0.2828
    """

    function = staticmethod(aul)


@register(
    "ael",
    formula="exp(−p_t / a)",
    acts_on=SOFTMAX,
    value_range="[exp(−1/a), 1]",
    paper=ZHOU,
    tunable={"a": Tunable(1.0, 6.0)},
)
class AEL(ClassificationLoss):
    """Asymmetric exponential loss (AEL).

    The default is that of the authors' `AExpLoss`; their configurations use
    a = 3.5 (MNIST), 2.5 (CIFAR-10 and -100) and 5 beside NCE on CIFAR-10.

    Args:
        a: a > 0; larger is flatter (more robust, slower to fit).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.AEL(from_logits=True)(y_true, logits)), 4)
    0.7842
    """

    function = staticmethod(ael)
