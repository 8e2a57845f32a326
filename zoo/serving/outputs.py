"""What a classifier outputs and how it is served: the output kind, probabilities, the serving function.

What the model outputs is detected from its last layer: a softmax is taken as
probabilities, a sigmoid (one-vs-all losses such as `logistic`) as per-class
scores that are normalised to sum to 1, anything else as logits that get a
softmax. `logits=True/False` overrides the detection. A single output unit
(the usual binary classifier, `Dense(1, activation="sigmoid")`, or one logit)
is read as the probability `p` of class 1 and served as `[1 − p, p]`. The
predicted class is the argmax of the model's outputs (of `[1 − p, p]` for one unit).
A row with a NaN or Inf input (or a non-finite output) gets NaN probabilities and class −1.

Which task a model serves (`served_task`) is read off what it outputs: an exported
SavedModel's signature says it (a `labels` output: multi-label; a `class` per position,
of rank >= 2: dense; else single-label); a Keras model, or a foreign SavedModel's single
output, is dense when its output has positions, `(N, d1, ..., K)`, and single-label when it
is `(N, K)` — a sigmoid or logits head cannot tell a tagger from a one-vs-all single-label
classifier (`logistic`), so a multi-label tagger is named (`task="multi_label"`,
`zoo.predict --task=multi_label`) unless it was exported as one.
"""

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from zoo.common.tasks import check_task

SIGNATURE = "serving_default"
CLASS_NAMES = "class_names"  # The signature (and its output) holding the class names stored at export.
NO_CLASS = -1  # The class served for a row whose input (or output) is not finite.
OUTPUT_KINDS = ("logits", "probabilities", "sigmoid")


def output_kind(model: keras.Model, logits: bool | None = None) -> str:
    """ "logits", "probabilities" (softmax) or "sigmoid", from `logits` or the last layer."""
    if logits is not None:
        return "logits" if logits else "probabilities"
    layer = model.layers[-1] if model.layers else None
    if isinstance(layer, keras.layers.Softmax):
        return "probabilities"
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", str(activation or ""))
    if name == "softmax":
        return "probabilities"
    if name == "sigmoid":
        return "sigmoid"
    return "logits"


def to_probabilities(outputs, kind: str):
    """Class probabilities (rows sum to 1) from model outputs of `kind`; one unit `p` becomes `[1 − p, p]`."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"Unknown output kind {kind!r}; known: {', '.join(OUTPUT_KINDS)}.")
    outputs = keras.ops.cast(outputs, "float32")
    if outputs.shape[-1] == 1:  # Binary: the probability (or logit) of class 1.
        p = keras.ops.sigmoid(outputs) if kind == "logits" else outputs
        return keras.ops.concatenate([1.0 - p, p], axis=-1)
    if kind == "logits":
        return keras.ops.softmax(outputs, axis=-1)
    if kind == "sigmoid":
        total = keras.ops.sum(outputs, axis=-1, keepdims=True)
        return outputs / keras.ops.maximum(total, keras.backend.epsilon())
    return outputs


def serving_function(model: keras.Model, logits: bool | None = None, task: str = "single_label") -> Callable:
    """`fn(x) -> {"probabilities", "class"}` for `model` (the body of the signature).

    A batch whose non-batch shape is not the model's raises `InvalidArgumentError`;
    rows with a non-finite input or output get NaN probabilities and class `NO_CLASS`.
    `task="multi_label"`: per-label probabilities `(N, K)` (the sigmoid of logits, sigmoid outputs
    as they are; not normalised) and `"labels"` `(N, K)`, 1 where a label's probability is >= 0.5
    (`NO_CLASS` in a non-finite row); `task="dense"`: probabilities `(N, ..., K)` and a class per
    position `(N, ...)`.
    """
    kind = output_kind(model, logits)
    spec = input_spec(model)

    def serve(x):
        x = tf.ensure_shape(x, spec.shape)  # Checked before any layer runs: no answer, no kernel abort.
        outputs = model(x, training=False)
        if task == "multi_label":
            probabilities = (
                tf.sigmoid(tf.cast(outputs, tf.float32)) if kind == "logits" else tf.cast(outputs, tf.float32)
            )
            classes, key = tf.cast(probabilities >= 0.5, tf.int32), "labels"
        else:
            probabilities = to_probabilities(outputs, kind)
            # The argmax of the outputs themselves (a float32 softmax can tie distinct logits); of [1 − p, p]
            # for one unit.
            scores = probabilities if outputs.shape[-1] == 1 else outputs
            classes, key = tf.cast(tf.argmax(scores, axis=-1), tf.int32), "class"
        rows = tf.shape(x)[0]
        finite = tf.reduce_all(tf.math.is_finite(tf.reshape(probabilities, (rows, -1))), axis=-1)
        if x.dtype.is_floating:
            finite &= tf.reduce_all(tf.math.is_finite(tf.reshape(x, (rows, -1))), axis=-1)

        def per_row(values):  # `finite` broadcast over a row's other axes.
            return tf.reshape(finite, [-1] + [1] * (len(values.shape) - 1))

        return {
            "probabilities": tf.where(per_row(probabilities), probabilities, tf.constant(np.nan, probabilities.dtype)),
            key: tf.where(per_row(classes), classes, NO_CLASS),
        }

    return serve


def served_task(output_shapes: dict, task: str | None = None, where: str = "the model") -> str:
    """The task a model serves, from its `{output name: shape}` (see the module docstring), or `task`
    when given and the outputs fit it; a one-line ValueError when they do not."""
    shapes = {name: tuple(shape) for name, shape in output_shapes.items()}
    if "labels" in shapes:
        found = "multi_label"
    elif "class" in shapes:
        found = "dense" if len(shapes["class"]) >= 2 else "single_label"
    else:
        shape = shapes["probabilities"] if "probabilities" in shapes else next(iter(shapes.values()))
        found = "dense" if len(shape) >= 3 else "single_label"
        if task == "multi_label" and found == "single_label":
            return task  # (N, K) sigmoid or logits: a tagger when it is said to be one.
    if task is None or check_task(task) == found:
        return found
    served = ", ".join(f"{name} {_shape_text(shape)}" for name, shape in shapes.items())
    if "class" in shapes or "labels" in shapes:
        raise ValueError(
            f"{where} was exported for the {found} task (it serves {served}), not for {task}; "
            f"export the model with task={task!r}."
        )
    wanted = "(N, K)" if task != "dense" else "(N, d1, ..., K), a class per position"
    raise ValueError(f"a {task} model outputs {wanted}; {where} outputs {served}.")


def _shape_text(shape) -> str:
    return "(" + ", ".join("N" if d is None and i == 0 else str(d) for i, d in enumerate(shape)) + ")"


def input_spec(model: keras.Model) -> tf.TensorSpec:
    """The batch input signature of a single-input `model`."""
    if len(model.inputs or []) != 1:
        raise ValueError(f"serving needs a built model with exactly one input, got {len(model.inputs or [])} inputs.")
    tensor = model.inputs[0]
    return tf.TensorSpec((None,) + tuple(tensor.shape[1:]), tensor.dtype, name="inputs")


def num_classes(model: keras.Model) -> int:
    """The number of classes `model` serves: its output units, 2 for a single unit."""
    units = model.outputs[0].shape[-1] if model.outputs else None
    if units is None:
        raise ValueError("serving needs a model whose last dimension (the classes) is known.")
    return 2 if units == 1 else int(units)


def check_class_names(class_names, classes: int) -> tuple[str, ...]:
    """`class_names` as a tuple of strings, one per class; ValueError (one line) otherwise."""
    if isinstance(class_names, str):
        raise TypeError("class_names must be a sequence of names, e.g. ['cat', 'dog'], not one string.")
    names = tuple(str(name) for name in class_names)
    if len(names) != classes:
        raise ValueError(f"{len(names)} class names for a model with {classes} classes; give one name per class.")
    if not all(name.strip() for name in names):
        raise ValueError("class names must not be empty.")
    return names
