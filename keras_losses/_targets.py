"""Label handling shared by every loss: one-hot/soft and sparse labels.

`targets_and_outputs(y_true, y_pred)` returns `(y, o)`: a float32 one-hot (or
soft) target of the same shape as `y_pred`, and `y_pred` cast to float32.
Sparse integer labels of shape `(B,)` or `(B, 1)` are converted with the
number of classes K taken from `y_pred`.

Dense outputs `(B, …, K)` take sparse labels `(B, …)` / `(B, …, 1)` or targets `(B, …, K)`:
`flatten_positions` makes one row per position, and the rest is as for `(B, K)`.

A sparse label outside `[0, K)` (or not an integer), and for a single-label loss a one-hot /
soft row that does not sum to 1 (multi-hot or empty: `check_single_label`), is an error with a
message that names the problem and the bad values, wherever the labels have values: eagerly on
TensorFlow, JAX and PyTorch (raised here, so the message is the error's last line), in a
TensorFlow graph (`tf.function` without XLA, `fit` with `jit_compile=False`: a failed
`tf.debugging.Assert` whose op name, on the last line, says what failed), and under `jax.jit`
(JAX's default `fit`: a host callback raises it when the step runs; JAX reports it as a
`JaxRuntimeError` whose last line is the `ValueError` and its message). On TensorFlow the error
is `tf.errors.InvalidArgumentError`, elsewhere `ValueError`; the message is the same. Under XLA
on TensorFlow (`tf.function(jit_compile=True)`), which drops assertions, the row of the target
becomes NaN instead, so the loss is NaN rather than a silently wrong number (the NaN rows are
made on every backend; they only show where no error was raised).

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

import functools

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


def _check_one_hot_shape(y_true, y_pred, sparse=False):
    """Raise ValueError naming both shapes when they cannot match (all but the class axis if `sparse`)."""
    axes = slice(None, -1 if sparse else None)
    mismatch = _rank(y_true) != _rank(y_pred) or any(
        a is not None and b is not None and a != b for a, b in zip(y_true.shape[axes], y_pred.shape[axes])
    )
    if mismatch:
        raise ValueError(
            "keras_losses: y_true and y_pred shapes do not match: "
            f"y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}. Expected one-hot/soft "
            "labels of the same shape as y_pred, or sparse integer labels "
            "of y_pred's shape without its class axis, (batch, …) or (batch, …, 1)."
        )


def _label_message(num_classes):
    return (
        f"keras_losses: sparse labels must be integers in [0, {num_classes}) "
        f"for {num_classes} classes; got out-of-range label(s) (a void label such as 255 is left out "
        "with ignore_class=255):"
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


def _tensorflow_error(message):
    """TensorFlow's label error, raised eagerly with `message` alone (no op name after it)."""
    import tensorflow as tf

    return tf.errors.InvalidArgumentError(None, None, message)


def in_xla(tf):
    """Whether TensorFlow is tracing for XLA (`jit_compile=True`), which drops assertions and callbacks."""
    try:
        from tensorflow.python.ops import control_flow_util

        return control_flow_util.GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())
    except Exception:  # private API gone: assume XLA, whose compile a Python callback would break
        return True


def _assert_valid(valid, message, shown, check_name):
    """Fail loudly where `valid` (booleans) is not all True, whenever it has values (see module).

    `message` names the problem; `shown` holds the values to list after it (the bad ones).
    Eagerly the error is raised here, so the message is its last line; in a TensorFlow graph
    a failed `tf.debugging.Assert` raises it, its op named `check_name` (the last line of
    TensorFlow's message names that op, so the name says what failed); under `jax.jit` a host
    callback raises it. Returns whether the caller must also turn the bad rows NaN: where no
    error can be raised (XLA on TensorFlow, an unknown tracer), and, to be safe, under `jax.jit`.
    """
    valid_values = _concrete(valid)
    if valid_values is not None:
        _raise_if_invalid(message, valid_values, _concrete(shown))
        return False
    if backend.backend() == "jax":  # traced by jax.jit: checked when the step runs, by a host callback
        import jax

        def report(valid, shown):
            jax.debug.callback(functools.partial(_raise_if_invalid, message), valid, shown)

        # Only a failing step calls back to the host: a valid batch costs one reduction, no transfer.
        jax.lax.cond(ops.all(valid), lambda *_: None, report, valid, shown)
        return True
    if backend.backend() == "tensorflow":
        import tensorflow as tf

        if not tf.executing_eagerly() and not in_xla(tf):
            bad = tf.boolean_mask(shown, tf.logical_not(valid))
            tf.debugging.Assert(tf.reduce_all(valid), [message, bad], summarize=10, name=check_name)
            return False
    return True


def _raise_if_invalid(message, valid, shown):
    """Raise the label error (TensorFlow's type on TensorFlow) if any of `valid` (NumPy) is False."""
    valid = np.asarray(valid)
    if np.all(valid):
        return
    bad = np.asarray(shown)[np.logical_not(valid)]
    text = f"{message} {', '.join(_shown(v) for v in bad[:10].tolist())}"
    raise _tensorflow_error(text) if backend.backend() == "tensorflow" else ValueError(text)


def _shown(value):
    """One label or row sum as TensorFlow prints it (`3`, `2.5`)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _assert_labels_valid(labels, valid, num_classes):
    return _assert_valid(valid, _label_message(num_classes), labels, "keras_losses_sparse_label_out_of_range")


def sparse_to_one_hot(labels, num_classes):
    """One-hot encode float/int sparse labels; an invalid one is an error, or a NaN row where none can be raised."""
    labels = ops.cast(labels, FLOAT)
    valid = ops.logical_and(
        ops.logical_and(labels >= 0, labels < num_classes),
        ops.equal(labels, ops.floor(labels)),
    )
    needs_nan = _assert_labels_valid(labels, valid, num_classes)
    index = ops.cast(ops.where(valid, labels, ops.zeros_like(labels)), "int32")
    one_hot = ops.one_hot(index, num_classes, dtype=FLOAT)
    return ops.where(ops.expand_dims(valid, -1), one_hot, float("nan")) if needs_nan else one_hot


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


# A row of single-label targets sums to 1 (one-hot or soft); multi-hot rows sum to 2 or more, empty
# rows to 0. The tolerance leaves room for soft labels stored in bfloat16 or float16.
ROW_SUM_TOLERANCE = 1e-2


def single_label_message(loss_name, multi_label_names):
    return (
        f"keras_losses: {loss_name} is a single-label loss: each target row must be one-hot or a soft label "
        "summing to 1, but a row is multi-hot (a multi-label target) or all zero (no label). For multi-label "
        f"targets use a multi-label loss ({', '.join(multi_label_names)}); to leave positions out, give sparse "
        "labels with ignore_class. Row sums:"
    )


def check_single_label(y, message):
    """`y` (float targets) with each row checked to sum to 1: an error naming the bad row sums (see
    `_assert_valid`), and those rows turned NaN where no error can be raised (XLA on TensorFlow)."""
    sums = ops.sum(y, axis=-1)
    valid = ops.abs(sums - 1.0) <= ROW_SUM_TOLERANCE
    needs_nan = _assert_valid(valid, message, sums, "keras_losses_target_row_not_single_label")
    return ops.where(ops.expand_dims(valid, -1), y, float("nan")) if needs_nan else y


def squeeze_sparse(y_true, y_pred):
    """Sparse labels `(…, 1)` as `(…)`; other labels unchanged."""
    if _rank(y_true) == _rank(y_pred) and is_sparse(y_true, y_pred):
        return ops.squeeze(y_true, axis=-1)
    return y_true


def flatten_positions(y_true, y_pred):
    """`(y_true, y_pred, restore)` with dense outputs `(B, …, K)` as `(N, K)`, one row per position.

    Sparse labels `(B, …)` / `(B, …, 1)` become `(N,)`, one-hot or soft ones `(N, K)`; `restore(values)`
    gives per-position values (or a mask) back the shape `(B, …)`. Outputs `(B, K)` pass unchanged.
    """
    if _rank(y_pred) <= 2:
        return y_true, y_pred, lambda values: values
    num_classes = y_pred.shape[-1]
    if num_classes is None:
        raise ValueError(f"keras_losses: dense outputs need a known number of classes, got {tuple(y_pred.shape)}.")
    positions = ops.shape(y_pred)[:-1]
    sparse = is_sparse(y_true, y_pred)
    y_true = squeeze_sparse(y_true, y_pred)
    # Raises, naming both shapes, if they cannot match (sparse labels: the positions' shape).
    _check_one_hot_shape(ops.expand_dims(y_true, -1) if sparse else y_true, y_pred, sparse)
    y_true = ops.reshape(y_true, (-1,) if sparse else (-1, num_classes))
    return y_true, ops.reshape(y_pred, (-1, num_classes)), lambda values: ops.reshape(values, positions)


def kept_and_substituted(labels, ignore_class):
    """`(kept, labels)`: where sparse `labels` differ from `ignore_class`, and the labels with the ignored ones
    replaced by class 0 (a valid label, so every loss stays finite there; its value is masked out)."""
    labels = ops.cast(labels, FLOAT)
    kept = ops.not_equal(labels, float(ignore_class))
    return kept, ops.where(kept, labels, 0.0)
