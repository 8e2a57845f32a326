"""What a classifier outputs and how it is served: the output kind, probabilities, the serving function.

What the model outputs is detected from its last layer: a softmax is taken as
probabilities, a sigmoid (one-vs-all losses such as `logistic`) as per-class
scores that are normalised to sum to 1, anything else as logits that get a
softmax. `logits=True/False` overrides the detection. A single output unit
(the usual binary classifier, `Dense(1, activation="sigmoid")`, or one logit)
is read as the probability `p` of class 1 and served as `[1 − p, p]`. The
predicted class is the argmax of the model's outputs (of `[1 − p, p]` for one unit).
A row with a NaN or Inf input (or a non-finite output) gets NaN probabilities and class −1.
"""

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

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


def serving_function(model: keras.Model, logits: bool | None = None) -> Callable:
    """`fn(x) -> {"probabilities", "class"}` for `model` (the body of the signature).

    A batch whose non-batch shape is not the model's raises `InvalidArgumentError`;
    rows with a non-finite input or output get NaN probabilities and class `NO_CLASS`.
    """
    kind = output_kind(model, logits)
    spec = input_spec(model)

    def serve(x):
        x = tf.ensure_shape(x, spec.shape)  # Checked before any layer runs: no answer, no kernel abort.
        outputs = model(x, training=False)
        probabilities = to_probabilities(outputs, kind)
        finite = tf.reduce_all(tf.math.is_finite(probabilities), axis=-1)
        if x.dtype.is_floating:
            finite &= tf.reduce_all(tf.math.is_finite(tf.reshape(x, (tf.shape(x)[0], -1))), axis=-1)
        # The argmax of the outputs themselves (a float32 softmax can tie distinct logits); of [1 − p, p] for one unit.
        scores = probabilities if outputs.shape[-1] == 1 else outputs
        classes = tf.cast(tf.argmax(scores, axis=-1), tf.int32)
        return {
            "probabilities": tf.where(finite[:, None], probabilities, tf.constant(np.nan, probabilities.dtype)),
            "class": tf.where(finite, classes, NO_CLASS),
        }

    return serve


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
