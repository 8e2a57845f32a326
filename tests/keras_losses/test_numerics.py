"""No NaN/Inf at extreme logits or exact 0/1 probabilities; XLA agrees."""

import numpy as np
import pytest
import tensorflow as tf

import keras_losses

ALL = keras_losses.all_names()


def value_and_gradient(loss, y_true, y_pred, jit_compile=False):
    @tf.function(jit_compile=jit_compile)
    def run(y_pred):
        with tf.GradientTape() as tape:
            tape.watch(y_pred)
            value = loss(y_true, y_pred)
        return value, tape.gradient(value, y_pred)

    value, gradient = run(tf.constant(y_pred))
    return value.numpy(), gradient.numpy()


def extreme_logits():
    rng = np.random.default_rng(0)
    logits = rng.choice([-1e4, 1e4, 0.0], size=(12, 6)).astype("float32")
    logits[0] = 1e4  # all equal and huge
    logits[1] = -1e4
    labels = rng.integers(0, 6, size=12)
    labels[2] = int(np.argmin(logits[2]))  # target at -1e4 while others at +1e4
    logits[2, labels[2]] = -1e4
    logits[2, (labels[2] + 1) % 6] = 1e4
    return labels, logits


@pytest.mark.parametrize("name", ALL)
def test_finite_value_and_gradient_at_extreme_logits(name):
    labels, logits = extreme_logits()
    value, gradient = value_and_gradient(keras_losses.for_logits(name), labels, logits)
    assert np.isfinite(value)
    assert np.all(np.isfinite(gradient))


@pytest.mark.parametrize("name", ALL)
def test_finite_value_and_gradient_with_exact_zero_and_one_probabilities(name):
    # Correct, wrong, and uniform-with-zeros predictions.
    labels = np.array([0, 1, 2])
    probabilities = np.array(
        [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], dtype="float32"
    )
    value, gradient = value_and_gradient(keras_losses.get(name), labels, probabilities)
    assert np.isfinite(value)
    assert np.all(np.isfinite(gradient))


@pytest.mark.parametrize("name", ALL)
def test_xla_and_graph_mode_agree(name):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 7, size=32)
    logits = rng.normal(0, 4, size=(32, 7)).astype("float32")
    loss = keras_losses.for_logits(name)
    graph = value_and_gradient(loss, labels, logits, jit_compile=False)
    xla = value_and_gradient(loss, labels, logits, jit_compile=True)
    np.testing.assert_allclose(xla[0], graph[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xla[1], graph[1], rtol=1e-4, atol=1e-6)
