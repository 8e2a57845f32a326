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

A single-unit output `(B, 1)` (a binary classifier's `Dense(1)`) is two
classes: `binary_as_two_classes` widens it to `(B, 2)` once, in
`ClassificationLoss.call`, so every loss sees the equivalent two-column
output and labels 0/1 (integers or floats, `(B,)` or `(B, 1)`) are sparse
labels of 2 classes. How one value is widened depends on what it is:

- a probability `p` (`from_logits=False`) → `[1 − p, p]`;
- a logit `z` of a softmax loss → `[0, z]` (its softmax is `[1 − σ(z), σ(z)]`);
- a logit `z` of a sigmoid loss → `[−z, z]` (its sigmoids are `[1 − σ(z), σ(z)]`);
- a raw score `o` (L1, L2, the hinges) → `[−o, o]`: class 1 scores `o`, class 0
  `−o`, so the sign decides as for a logit and the hinges are the usual binary
  hinge on `o` with ±1 labels (twice it).

In every reading the predicted class is the argmax of the two columns, i.e.
`z > 0`, `o > 0` or `p > ½`.
"""

import numpy as np
from keras import backend, ops

FLOAT = "float32"

# How `binary_as_two_classes` widens a single-unit output (see the module docstring).
PROBABILITY = "probability"  # p -> [1 - p, p]
SOFTMAX_LOGIT = "softmax logit"  # z -> [0, z]
SIGNED = "signed"  # z or o -> [-z, z]


def _rank(x):
    return len(x.shape)


def is_sparse(y_true, y_pred):
    """Whether `y_true` holds sparse labels (one class index per example) for `y_pred`, by shape."""
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
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        if not tf.executing_eagerly():  # tracing a tf.function (asking would warn, then fail)
            return None
    try:
        return ops.convert_to_numpy(x)
    except Exception:  # a tracer (jax.jit), a PyTorch meta tensor, a symbolic tensor: no values
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


def is_single_unit(y_pred):
    """Whether `y_pred` is one output per example, shape `(..., 1)`: a binary classifier's."""
    return _rank(y_pred) >= 1 and y_pred.shape[-1] == 1


def binary_as_two_classes(y_true, y_pred, reading):
    """`(y_true, y_pred)` with a single-unit `y_pred` widened to two classes by `reading`.

    Other outputs are returned unchanged. The labels stay as they are: 0/1
    labels of shape `(B,)` or `(B, 1)` are then sparse labels of 2 classes,
    `(B, 2)` one-hot ones match, anything else fails the usual label checks.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    if not is_single_unit(y_pred):
        return y_true, y_pred
    y_pred = ops.cast(y_pred, FLOAT)
    if reading == PROBABILITY:
        first = 1.0 - y_pred
    elif reading == SOFTMAX_LOGIT:
        first = ops.zeros_like(y_pred)
    else:
        first = -y_pred
    return y_true, ops.concatenate([first, y_pred], axis=-1)


def targets_and_outputs(y_true, y_pred):
    """Return `(y, o)`: float32 one-hot/soft targets and float32 outputs."""
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), FLOAT)
    y_true = ops.convert_to_tensor(y_true)
    if _rank(y_pred) < 1:
        raise ValueError(f"keras_losses: y_pred must have a class axis, got shape {tuple(y_pred.shape)}.")
    if is_single_unit(y_pred):
        raise ValueError(
            f"keras_losses: y_pred has one unit (shape {tuple(y_pred.shape)}); the loss classes read it as two "
            "classes (e.g. keras_losses.get(name)(y_true, y_pred)), the per-example functions need two columns."
        )
    if is_sparse(y_true, y_pred):
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
