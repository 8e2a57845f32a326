"""Bootstrapping losses of Reed et al. (2014): soft and hard.

Reed, Lee, Anguelov, Szegedy, Erhan & Rabinovich, "Training Deep Neural Networks
on Noisy Labels with Bootstrapping". The target is a convex combination of the
given label and the model's own belief, `β·y + (1 − β)·b`, with `b = p` (soft)
or `b` the one-hot of `argmax p` (hard); `β` is the weight of the given label.
`p = softmax(o)` (or the given probabilities). The gradient flows through `p`
in the soft target as well (the paper's objective; Patrini et al.'s Keras code
`boot_soft` computes the same).
"""

from keras import ops

from keras_losses._probabilities import cross_entropy, softmax_parts
from keras_losses._targets import FLOAT, targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register

REED = (
    'Reed et al. (2014), "Training Deep Neural Networks on Noisy Labels with Bootstrapping", ICLR workshop, '
    "https://arxiv.org/abs/1412.6596"
)


def _bootstrapped(y_true, y_pred, from_logits, beta, belief_of):
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return cross_entropy(beta * y + (1.0 - beta) * belief_of(p), log_p)


def _argmax_one_hot(p):
    return ops.one_hot(ops.argmax(p, axis=-1), ops.shape(p)[-1], dtype=FLOAT)


def bootstrap_soft(y_true, y_pred, from_logits=False, beta=0.95):
    """Per-example values of `BootstrapSoft`."""
    return _bootstrapped(y_true, y_pred, from_logits, beta, lambda p: p)


def bootstrap_hard(y_true, y_pred, from_logits=False, beta=0.8):
    """Per-example values of `BootstrapHard`."""
    return _bootstrapped(y_true, y_pred, from_logits, beta, _argmax_one_hot)


@register(
    "bootstrap_soft",
    formula="−Σ (β·y + (1 − β)·p)·log p",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper=REED,
    tunable={"beta": Tunable(0.5, 1.0)},
)
class BootstrapSoft(ClassificationLoss):
    """Soft bootstrapping: cross-entropy to a mix of the label and the prediction.

    `(1 − β)·(−Σ p·log p)` is an entropy penalty: the loss favours confident
    predictions. `β = 1` is log loss; the authors use β = 0.95.

    Args:
        beta: β in [0, 1], the weight of the given label.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.BootstrapSoft(from_logits=True)(y_true, logits)), 4)
    0.3388
    """

    function = staticmethod(bootstrap_soft)


@register(
    "bootstrap_hard",
    formula="−Σ (β·y + (1 − β)·e_{argmax p})·log p",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper=REED,
    tunable={"beta": Tunable(0.5, 1.0)},
)
class BootstrapHard(ClassificationLoss):
    """Hard bootstrapping: cross-entropy to a mix of the label and the predicted class.

    `β = 1` is log loss; the authors use β = 0.8. No gradient flows through the
    argmax.

    Args:
        beta: β in [0, 1], the weight of the given label.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.BootstrapHard(from_logits=True)(y_true, logits)), 4)
    0.318
    """

    function = staticmethod(bootstrap_hard)
