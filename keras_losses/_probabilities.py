"""Probabilities and their logarithms, from logits or from probabilities.

With logits everything is computed in log-space (`log_softmax`,
`log_sigmoid`), so outputs anywhere in [-1e4, 1e4] give finite values and
gradients. With probabilities, logarithms are taken of values clipped to
[EPSILON, 1] (Keras's own convention), so exact 0 and 1 are safe.
"""

from keras import ops

EPSILON = 1e-7


def _safe_log(p):
    return ops.log(ops.clip(p, EPSILON, 1.0))


def softmax_parts(y_pred, from_logits):
    """Return `(p, log_p)` with `p = softmax(y_pred)` when `from_logits`."""
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=-1)
        return ops.exp(log_p), log_p
    return y_pred, _safe_log(y_pred)


def log_scores(y_pred, from_logits):
    """`z` with `softmax(z) = p`: the logits, or `log p` for probabilities."""
    return y_pred if from_logits else _safe_log(y_pred)


def sigmoid_parts(y_pred, from_logits):
    """Return `(log_s, log_1ms)`: `log s` and `log(1 - s)`, `s = σ(y_pred)`."""
    if from_logits:
        # log(1 − σ(o)) = −softplus(o) and log σ(o) = log(1 − σ(o)) + o:
        # one stable softplus serves both.
        log_1ms = -ops.softplus(y_pred)
        return log_1ms + y_pred, log_1ms
    return _safe_log(y_pred), _safe_log(1.0 - y_pred)


def power(x, exponent):
    """`x ** exponent` for `x ≥ 0` and a Python number `exponent ≥ 0`, with a finite gradient at `x = 0`.

    Small integer exponents (the usual γ = 2) multiply, which is cheaper than exp(γ·log x); `x⁰ = 1`;
    otherwise `x` is kept off 0 inside the power, whose gradient there would be infinite (0·∞ = NaN).
    """
    if exponent == 0:
        return ops.ones_like(x)
    if float(exponent).is_integer() and 1 <= exponent <= 4:
        result = x
        for _ in range(int(exponent) - 1):
            result = result * x
        return result
    positive = x > 0
    return ops.where(positive, ops.power(ops.where(positive, x, 1.0), exponent), 0.0)


# Stands for −∞ off a mask: exp() of it is exactly 0, and unlike −∞ it keeps
# max-subtraction and gradients free of inf − inf.
_MASKED = -1e30


def masked_logsumexp(x, mask):
    """`log Σ_{mask} exp(x)` over the last axis; entries off the mask count 0."""
    return ops.logsumexp(ops.where(mask, x, _MASKED), axis=-1)


def masked_shift(x, mask, axis=-1):
    """`x − max_{mask} x` along `axis` on the mask, −1e30 off it (exp() ≤ 1, or 0)."""
    x = ops.where(mask, x, _MASKED)
    return x - ops.stop_gradient(ops.max(x, axis=axis, keepdims=True))


def masked_softmax(x, mask, axis=-1):
    """Softmax of `x` along `axis` over the entries of `mask`; 0 off it.

    A slice with no entry on the mask gets all zeros (not NaN).
    """
    unnormalized = ops.where(mask, ops.exp(masked_shift(x, mask, axis)), 0.0)
    total = ops.sum(unnormalized, axis=axis, keepdims=True)
    return unnormalized / ops.where(total > 0, total, 1.0)


def cross_entropy(y, log_p):
    """Per-example cross-entropy of target `y` and probabilities `exp(log_p)`."""
    return -ops.sum(y * log_p, axis=-1)
