"""The warning a loss on probabilities gives when its `y_pred` cannot be probabilities.

A loss with `from_logits=False` (the default) reads `y_pred` as
probabilities; given a model's logits it trains silently wrong. So each such
loss instance looks at its `y_pred` and, if a value lies outside [0, 1] or
(for the softmax losses) a row does not sum to 1, warns once, naming the fix
(`keras_losses.for_logits(name)` or `from_logits=True`). The tolerance is
`TOLERANCE` = 1e-2, loose enough for softmax outputs rounded to float16 or
bfloat16.

Where the values can be seen, per backend:

- Eagerly (TensorFlow eager or `run_eagerly=True`, JAX outside `jax.jit`,
  PyTorch, whose `fit` is eager): the first call's values are checked in
  NumPy, later calls are not checked at all (no per-step cost, no further
  device-to-host copy).
- TensorFlow graph (`tf.function`, `fit` with `jit_compile=False`, Keras's
  default on a CPU-only machine): while the instance has not warned, each
  trace adds three reductions of `y_pred` (min, max, worst row sum) and a
  `tf.cond` that calls back to Python only when they are out of range.
- JAX under `jax.jit` (Keras's default `fit` on JAX): the same reductions
  and a `lax.cond` around `jax.debug.callback`.
- TensorFlow with XLA (`jit_compile=True`, Keras's default `fit` on a GPU):
  nothing is checked, XLA cannot call back to Python.
"""

import warnings

import numpy as np
from keras import backend, ops

from keras_losses import _targets

TOLERANCE = 1e-2


def _message(name, low, high, row_error):
    if low < -TOLERANCE or high > 1.0 + TOLERANCE:
        found = f"values in [{low:.3g}, {high:.3g}], outside [0, 1]"
    else:
        found = f"rows that do not sum to 1 (off by up to {row_error:.3g})"
    return (
        f"keras_losses: loss {name!r} has from_logits=False but y_pred holds {found}: if the model outputs "
        f"logits, use keras_losses.for_logits({name!r}) or from_logits=True."
    )


def _is_bad(low, high, row_error):
    return low < -TOLERANCE or high > 1.0 + TOLERANCE or row_error > TOLERANCE


def _warn(loss, low, high, row_error):
    """Warn (once per instance) when the three summaries are out of range."""
    low, high, row_error = float(low), float(high), float(row_error)
    if getattr(loss, "_probabilities_warned", False) or not _is_bad(low, high, row_error):
        return
    loss._probabilities_warned = True
    warnings.warn(_message(loss.name, low, high, row_error), UserWarning, stacklevel=2)


def _summaries(y_pred, rows_sum_to_one):
    """`(min, max, max |row sum − 1|)` of `y_pred` as tensors (the last one 0 unless `rows_sum_to_one`)."""
    y_pred = ops.stop_gradient(y_pred)
    row_error = ops.max(ops.abs(ops.sum(y_pred, axis=-1) - 1.0)) if rows_sum_to_one else ops.zeros(())
    return ops.min(y_pred), ops.max(y_pred), row_error


def _check_tensorflow_graph(loss, low, high, row_error):
    import tensorflow as tf

    if _targets.in_xla(tf):
        return

    def report(low, high, row_error):
        _warn(loss, low, high, row_error)
        return np.bool_(True)

    bad = tf.logical_or(tf.logical_or(low < -TOLERANCE, high > 1.0 + TOLERANCE), row_error > TOLERANCE)
    tf.cond(
        bad,
        lambda: tf.numpy_function(report, [low, high, row_error], tf.bool, name="probability_check"),
        lambda: tf.constant(True),
    )


def _check_jax_traced(loss, low, high, row_error):
    import jax

    bad = (low < -TOLERANCE) | (high > 1.0 + TOLERANCE) | (row_error > TOLERANCE)
    jax.lax.cond(
        bad,
        lambda: jax.debug.callback(lambda *values: _warn(loss, *values), low, high, row_error),
        lambda: None,
    )


def _in_symbolic_scope():
    """Whether Keras is inferring shapes (`compute_output_spec`: PyTorch runs it on placeholder ones)."""
    try:
        from keras.src.backend import in_symbolic_scope
    except ImportError:  # private API gone: values are real or checked by the callers below
        return False
    return in_symbolic_scope()


def check_probabilities(loss, y_pred, rows_sum_to_one):
    """Warn once if `loss` (a loss with `from_logits=False`) gets `y_pred` that are not probabilities.

    See the module docstring for where and how often the values are looked at.
    """
    if getattr(loss, "_probabilities_warned", False) or getattr(loss, "_probabilities_checked", False):
        return
    if _in_symbolic_scope():
        return
    values = _targets._concrete(y_pred)
    if values is not None:
        loss._probabilities_checked = True
        values = values.astype("float64")
        row_error = np.max(np.abs(values.sum(axis=-1) - 1.0)) if rows_sum_to_one and values.size else 0.0
        if values.size:
            _warn(loss, np.min(values), np.max(values), row_error)
        return
    if backend.backend() == "tensorflow":
        _check_tensorflow_graph(loss, *_summaries(y_pred, rows_sum_to_one))
    elif backend.backend() == "jax":
        _check_jax_traced(loss, *_summaries(y_pred, rows_sum_to_one))
