"""Label handling shared by every loss: one-hot/soft and sparse labels.

`targets_and_outputs(y_true, y_pred)` returns `(y, o)`: a float32 one-hot (or
soft) target of the same shape as `y_pred`, and `y_pred` cast to float32.
Sparse integer labels of shape `(B,)` or `(B, 1)` are converted with the
number of classes K taken from `y_pred`.

A sparse label outside `[0, K)` (or not an integer) is an error with a
message that names the bad labels, on every backend, wherever the labels
are concrete values: eagerly on TensorFlow, JAX and PyTorch, and in a
TensorFlow graph (`tf.function` without XLA, `fit` with `jit_compile=False`).
On TensorFlow a failed assertion raises `tf.errors.InvalidArgumentError`;
on JAX and PyTorch a `ValueError` is raised; the message is the same.
Inside a compiled function where the values are not known while tracing
(XLA through `tf.function(jit_compile=True)`, which drops assertions, or
`jax.jit`, including JAX's default `fit`), the row of the target becomes NaN
instead, so the loss is NaN rather than a silently wrong number.
"""

import numpy as np
from keras import backend, ops

FLOAT = "float32"


def _rank(x):
    return len(x.shape)


def _is_sparse(y_true, y_pred):
    if _rank(y_true) == _rank(y_pred) - 1:
        return True
    return _rank(y_true) == _rank(y_pred) and y_true.shape[-1] == 1 and y_pred.shape[-1] not in (1, None)


def _check_one_hot_shape(y_true, y_pred):
    """Raise ValueError naming both shapes when they cannot match."""
    mismatch = _rank(y_true) != _rank(y_pred) or any(
        a is not None and b is not None and a != b for a, b in zip(y_true.shape, y_pred.shape)
    )
    if mismatch:
        raise ValueError(
            "keras_losses: y_true and y_pred shapes do not match: "
            f"y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}. Expected one-hot/soft "
            "labels of the same shape as y_pred, or sparse integer labels "
            "of shape (batch,) or (batch, 1)."
        )


def _label_message(num_classes):
    return (
        f"keras_losses: sparse labels must be integers in [0, {num_classes}) "
        f"for {num_classes} classes; got out-of-range label(s):"
    )


def _concrete(x):
    """`x` as a NumPy array, or None while it is being traced (no values yet)."""
    try:
        return ops.convert_to_numpy(x)
    except Exception:  # a tracer (jax.jit), a symbolic tensor: nothing to check
        return None


def _assert_labels_valid(labels, valid, num_classes):
    """Fail loudly on bad labels whenever they have values (see module)."""
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        bad = tf.boolean_mask(labels, tf.logical_not(valid))
        tf.debugging.Assert(
            tf.reduce_all(valid),
            [_label_message(num_classes), bad],
            summarize=10,
            name="sparse_label_range_check",
        )
        return
    valid_values = _concrete(valid)
    if valid_values is None or np.all(valid_values):
        return
    bad = _concrete(labels)[np.logical_not(valid_values)]
    shown = ", ".join(str(label) for label in bad[:10].tolist())  # as TensorFlow prints them
    raise ValueError(f"{_label_message(num_classes)} {shown}")


def sparse_to_one_hot(labels, num_classes):
    """One-hot encode float/int sparse labels, NaN rows for invalid ones."""
    labels = ops.cast(labels, FLOAT)
    valid = ops.logical_and(
        ops.logical_and(labels >= 0, labels < num_classes),
        ops.equal(labels, ops.floor(labels)),
    )
    _assert_labels_valid(labels, valid, num_classes)
    index = ops.cast(ops.where(valid, labels, ops.zeros_like(labels)), "int32")
    one_hot = ops.one_hot(index, num_classes, dtype=FLOAT)
    nan = ops.full_like(one_hot, float("nan"))
    return ops.where(ops.expand_dims(valid, -1), one_hot, nan)


def targets_and_outputs(y_true, y_pred):
    """Return `(y, o)`: float32 one-hot/soft targets and float32 outputs."""
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), FLOAT)
    y_true = ops.convert_to_tensor(y_true)
    if _rank(y_pred) < 1:
        raise ValueError(f"keras_losses: y_pred must have a class axis, got shape {tuple(y_pred.shape)}.")
    if _is_sparse(y_true, y_pred):
        num_classes = y_pred.shape[-1]
        if num_classes is None:
            raise ValueError(
                "keras_losses: sparse labels need a known number of classes "
                f"(last axis of y_pred), got y_pred.shape={tuple(y_pred.shape)}."
            )
        if _rank(y_true) == _rank(y_pred):
            y_true = ops.squeeze(y_true, axis=-1)
        return sparse_to_one_hot(y_true, num_classes), y_pred
    _check_one_hot_shape(y_true, y_pred)
    return ops.cast(y_true, FLOAT), y_pred


def smooth_labels(y, label_smoothing):
    """Keras's label smoothing: `y·(1 − ε) + ε / K`."""
    if not label_smoothing:
        return y
    num_classes = ops.cast(ops.shape(y)[-1], FLOAT)
    return y * (1.0 - label_smoothing) + label_smoothing / num_classes


def per_class(name, values, num_classes):
    """`values` (one number per class) as a float32 tensor; one line if K differs from y_pred's."""
    if num_classes is not None and len(values) != num_classes:
        raise ValueError(f"keras_losses: {name} has {len(values)} entries but y_pred has {num_classes} classes.")
    return ops.convert_to_tensor(values, dtype=FLOAT)


def apply_class_weights(per_example, y, class_weights):
    """Scale each example's loss by the weight of its class, `Σ_k w_k·y_k`."""
    if class_weights is None:
        return per_example
    weights = per_class("class_weights", class_weights, y.shape[-1])
    return per_example * ops.sum(y * weights, axis=-1)
