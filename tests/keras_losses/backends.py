"""What differs between Keras backends in the loss tests, in one place.

The tests run on the backend named by `KERAS_BACKEND` (see tests/conftest.py).
Everything a test needs from the backend itself (gradients, a compiled
function, the error type of a failed label check) comes from here, so the
test files stay backend-neutral.

- `value_and_gradient(loss, y_true, y_pred, compiled=...)`: the loss value
  and its gradient with respect to `y_pred`, as NumPy arrays. Eager/graph
  when `compiled` is False; compiled with XLA when True: `tf.function(
  jit_compile=True)` on TensorFlow, `jax.jit` on JAX. PyTorch has no compiled
  mode here (`torch.compile` needs a C++ toolchain and keeps Python-side
  checks), so `COMPILED` tells whether the compiled case can be tested.
- `COMPILED_LABEL_ERROR`: what it raises inside one (None: NaN instead).
- `LABEL_ERROR`: what an out-of-range sparse label raises outside a compiled
  function: TensorFlow's failed assertion (`InvalidArgumentError`, also in a
  graph-mode `fit`) on TensorFlow, `ValueError` on JAX and PyTorch. The
  message is the same on all three.
"""

import keras
import numpy as np

BACKEND = keras.backend.backend()
COMPILED = BACKEND in ("tensorflow", "jax")


def _tensorflow(loss, y_true, y_pred, compiled):
    import tensorflow as tf

    @tf.function(jit_compile=compiled)
    def run(y_pred):
        with tf.GradientTape() as tape:
            tape.watch(y_pred)
            value = loss(y_true, y_pred)
        return value, tape.gradient(value, y_pred)

    value, gradient = run(tf.constant(y_pred))
    return value.numpy(), gradient.numpy()


def _jax(loss, y_true, y_pred, compiled):
    import jax

    run = jax.value_and_grad(lambda y_pred: loss(y_true, y_pred))
    if compiled:
        run = jax.jit(run)
    value, gradient = run(jax.numpy.asarray(y_pred))
    return np.asarray(value), np.asarray(gradient)


def _torch(loss, y_true, y_pred, compiled):
    import torch

    if compiled:
        raise NotImplementedError("no compiled mode is tested on the torch backend")
    y_pred = torch.tensor(y_pred, requires_grad=True)
    value = loss(y_true, y_pred)
    (gradient,) = torch.autograd.grad(value, y_pred)
    return value.detach().cpu().numpy(), gradient.detach().cpu().numpy()


_VALUE_AND_GRADIENT = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}


def value_and_gradient(loss, y_true, y_pred, compiled=False):
    """`(value, d value / d y_pred)` as NumPy arrays; see the module docstring."""
    y_pred = np.asarray(y_pred, dtype="float32")
    return _VALUE_AND_GRADIENT[BACKEND](loss, y_true, y_pred, compiled)


def _label_error():
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.errors.InvalidArgumentError
    return ValueError


LABEL_ERROR = _label_error()


def _compiled_label_error():
    if BACKEND == "jax":
        import jax

        return jax.errors.JaxRuntimeError
    return None


# What a bad label raises inside a compiled step: under jax.jit a host callback raises the label error,
# which JAX reports as a `JaxRuntimeError` ending in the message; XLA on TensorFlow drops assertions (None:
# the loss is NaN instead).
COMPILED_LABEL_ERROR = _compiled_label_error()
