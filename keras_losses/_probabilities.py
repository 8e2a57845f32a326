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


def sigmoid_parts(y_pred, from_logits):
    """Return `(log_s, log_1ms)`: `log s` and `log(1 - s)`, `s = σ(y_pred)`."""
    if from_logits:
        return ops.log_sigmoid(y_pred), ops.log_sigmoid(-y_pred)
    return _safe_log(y_pred), _safe_log(1.0 - y_pred)


def masked_logsumexp(x, mask):
    """`log Σ_{mask} exp(x)` over the last axis; entries off the mask count 0.

    Uses `where` on both the input and the result so that neither the value
    nor the gradient sees `log 0`.
    """
    x = ops.where(mask, x, ops.full_like(x, -float("inf")))
    return ops.logsumexp(x, axis=-1)


def masked_softmax(x, mask):
    """Softmax over the entries of the last axis where `mask` holds."""
    x = ops.where(mask, x, ops.full_like(x, -float("inf")))
    return ops.softmax(x, axis=-1)
