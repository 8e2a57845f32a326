"""The bi-tempered logistic loss of Amid et al. (NeurIPS 2019).

Amid, Warmuth, Anil & Koren, "Robust Bi-Tempered Logistic Loss Based on Bregman
Divergences". Two temperatures replace the logarithm and the exponential of
log loss by their tempered versions, `log_t(x) = (x^(1−t) − 1)/(1 − t)` and
`exp_t(x) = [1 + (1 − t)·x]₊^(1/(1−t))` (log and exp at t = 1):

- `t1 < 1` bounds the loss (outliers far on the wrong side pull at most so much);
- `t2 > 1` gives the tempered softmax `p = exp_t2(z − λ(z))` heavier tails
  (mislabelled examples near the boundary pull less).

    loss = Σ_k [ y_k·(log_t1(y_k) − log_t1(p_k)) − (y_k^(2−t1) − p_k^(2−t1))/(2 − t1) ]

`z` are the logits (`log p` when given probabilities: the tempered softmax is
shift-invariant too). As in the authors' code (google/bi-tempered-loss,
`tensorflow/loss.py`, `bi_tempered_logistic_loss`):

- the normaliser λ is computed with `num_iters` steps: the fixed-point iteration
  for `t2 > 1`, bisection for `t2 < 1`, the exact log-sum-exp for `t2 = 1`;
- the gradient is their closed form, `(p − y)·p^(t2−t1) − e·Σ_k (p_k − y_k)·p_k^(t2−t1)`
  with the escort `e = p^t2 / Σ p^t2` (exact for the exact λ), not the derivative
  of the finite iteration (0 outside the support of `p`, where their `p^(t2−t1)` is
  infinite for `t2 < t1`);
- `label_smoothing` ε moves the labels to `(1 − K·ε/(K − 1))·y + ε/(K − 1)` (the target
  keeps `1 − ε`, unlike Keras's `(1 − ε)·y + ε/K`);
- `log_t1(y)` is taken of `y + 1e−10`; `t1 = t2 = 1` is plain softmax cross-entropy.
"""

from keras import ops

from keras_losses._probabilities import log_scores
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register


def log_t(u, t):
    """The tempered logarithm `(u^(1−t) − 1)/(1 − t)` (log at t = 1)."""
    if t == 1.0:
        return ops.log(u)
    return (ops.power(u, 1.0 - t) - 1.0) / (1.0 - t)


def exp_t(u, t):
    """The tempered exponential `[1 + (1 − t)·u]₊^(1/(1−t))` (exp at t = 1)."""
    if t == 1.0:
        return ops.exp(u)
    return ops.power(ops.relu(1.0 + (1.0 - t) * u), 1.0 / (1.0 - t))


def _normalizer_fixed_point(z, t, num_iters):
    """λ with `Σ exp_t(z − λ) = 1` for t > 1, by the authors' fixed-point iteration."""
    top = ops.max(z, axis=-1, keepdims=True)
    start = z - top
    shifted = start
    for _ in range(num_iters):
        partition = ops.sum(exp_t(shifted, t), axis=-1, keepdims=True)
        shifted = start * ops.power(partition, 1.0 - t)
    partition = ops.sum(exp_t(shifted, t), axis=-1, keepdims=True)
    return -log_t(1.0 / partition, t) + top


def _normalizer_bisection(z, t, num_iters):
    """λ with `Σ exp_t(z − λ) = 1` for t < 1, by the authors' bisection."""
    top = ops.max(z, axis=-1, keepdims=True)
    shifted = z - top
    support = ops.sum(ops.cast(shifted > -1.0 / (1.0 - t), shifted.dtype), axis=-1, keepdims=True)
    lower = ops.zeros_like(support)
    upper = -log_t(1.0 / support, t)
    for _ in range(num_iters):
        middle = (upper + lower) / 2.0
        below = ops.cast(ops.sum(exp_t(shifted - middle, t), axis=-1, keepdims=True) < 1.0, shifted.dtype)
        lower = lower * below + (1.0 - below) * middle
        upper = upper * (1.0 - below) + below * middle
    return (upper + lower) / 2.0 + top


def tempered_softmax(z, t, num_iters=5):
    """`exp_t(z − λ(z))`, the tempered softmax of the logits `z` (softmax at t = 1)."""
    if t == 1.0:
        return ops.softmax(z, axis=-1)
    normalizer = _normalizer_fixed_point if t > 1.0 else _normalizer_bisection
    return exp_t(z - normalizer(z, t, num_iters), t)


def _with_gradient(value, z, gradient):
    """`value` whose gradient with respect to `z` is `gradient` (both per example), on every backend.

    `x − stop_gradient(x)` is exactly 0 but has the gradient of `x = Σ z·gradient`.
    """
    carrier = ops.sum(z * ops.stop_gradient(gradient), axis=-1)
    return ops.stop_gradient(value) + (carrier - ops.stop_gradient(carrier))


def bi_tempered(y_true, y_pred, from_logits=False, t1=0.8, t2=1.2, label_smoothing=0.0, num_iters=5):
    """Per-example values of `BiTempered`."""
    y, o = targets_and_outputs(y_true, y_pred)
    z = log_scores(o, from_logits)
    if label_smoothing:
        num_classes = ops.cast(ops.shape(y)[-1], y.dtype)
        y = (1.0 - num_classes / (num_classes - 1.0) * label_smoothing) * y + label_smoothing / (num_classes - 1.0)
    if t1 == 1.0 and t2 == 1.0:
        return ops.categorical_crossentropy(y, z, from_logits=True)
    p = ops.stop_gradient(tempered_softmax(z, t2, num_iters))
    if t1 < 1.0:  # p^(2 − t1) = p·p^(1 − t1), the power log_t(p) takes: one power of p fewer
        p_1mt1 = ops.power(p, 1.0 - t1)
        log_t_p, p_2mt1 = (p_1mt1 - 1.0) / (1.0 - t1), p * p_1mt1
    else:
        log_t_p, p_2mt1 = log_t(p, t1), ops.power(p, 2.0 - t1)
    value = ops.sum(y * (log_t(y + 1e-10, t1) - log_t_p) - (ops.power(y, 2.0 - t1) - p_2mt1) / (2.0 - t1), axis=-1)
    # Outside the support of p (t2 < 1) the loss does not move with z: gradient 0 there (not 0·∞ when t2 < t1).
    forget = ops.where(p > 0, (p - y) * ops.power(ops.where(p > 0, p, 1.0), t2 - t1), 0.0)
    escort = ops.power(p, t2)
    escort = escort / ops.sum(escort, axis=-1, keepdims=True)
    gradient = forget - escort * ops.sum(forget, axis=-1, keepdims=True)
    return _with_gradient(value, z, gradient)


@register(
    "bi_tempered",
    formula="Σ y·(log_t1 y − log_t1 p) − Σ (y^(2−t1) − p^(2−t1))/(2 − t1), p = exp_t2(z − λ(z))",
    acts_on=SOFTMAX,
    value_range="[0, 1/(1 − t1)] for t1 < 1 and one-hot y; [0, ∞) otherwise",
    paper="Amid et al. (2019)",
    tunable={"t1": Tunable(0.5, 1.0), "t2": Tunable(1.0, 4.0)},
)
class BiTempered(ClassificationLoss):
    """Bi-tempered logistic loss: a bounded (t1 < 1), heavy-tailed (t2 > 1) log loss.

    `t1 = t2 = 1` is log loss. The paper's experiments use t1 in [0.5, 1) and t2
    in (1, 4] (e.g. t1 = 0.8, t2 = 1.2, the defaults here, for moderate noise).
    The gradient is the authors' closed form (see the module docstring).

    Args:
        t1: the temperature of the logarithm, t1 > 0 (< 1 bounds the loss).
        t2: the temperature of the softmax, t2 > 0 (> 1: heavy tails; < 1: finite support).
        label_smoothing: ε in [0, 1), the authors' smoothing: the target keeps `1 − ε`, every
            other class gets `ε/(K − 1)`.
        num_iters: the number of steps of the normaliser's iteration (the authors' default 5).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.BiTempered(from_logits=True)(y_true, logits)), 4)
    0.272
    """

    smooths_labels_itself = True  # the authors' ε (the target keeps 1 − ε), not Keras's (1 − ε)·y + ε/K
    function = staticmethod(bi_tempered)
