"""No NaN/Inf at extreme logits or exact 0/1 probabilities; compiled (XLA) agrees.

On every backend; "compiled" is `tf.function(jit_compile=True)` on TensorFlow
(against graph mode) and `jax.jit` on JAX (against eager).
"""

import numpy as np
import pytest

import keras_losses
from tests.keras_losses.backends import BACKEND, COMPILED, value_and_gradient
from tests.keras_losses.helpers import for_logits, get

ALL = keras_losses.all_names()


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
    value, gradient = value_and_gradient(for_logits(name, 6), labels, logits)
    assert np.isfinite(value)
    assert np.all(np.isfinite(gradient))


@pytest.mark.parametrize("name", ALL)
def test_finite_value_and_gradient_with_exact_zero_and_one_probabilities(name):
    # Correct, wrong, and uniform-with-zeros predictions.
    labels = np.array([0, 1, 2])
    probabilities = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]], dtype="float32")
    value, gradient = value_and_gradient(get(name, 3), labels, probabilities)
    assert np.isfinite(value)
    assert np.all(np.isfinite(gradient))


@pytest.mark.skipif(not COMPILED, reason=f"no compiled mode tested on {BACKEND}")
@pytest.mark.parametrize("name", ALL)
def test_compiled_and_uncompiled_agree(name):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 7, size=32)
    logits = rng.normal(0, 4, size=(32, 7)).astype("float32")
    loss = for_logits(name, 7)
    graph = value_and_gradient(loss, labels, logits, compiled=False)
    xla = value_and_gradient(loss, labels, logits, compiled=True)
    np.testing.assert_allclose(xla[0], graph[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xla[1], graph[1], rtol=1e-4, atol=1e-6)
