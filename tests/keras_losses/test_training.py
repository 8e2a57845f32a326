"""Training a small model with each loss reduces its error on separable data."""

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import for_logits


def separable_data(seed=0, per_class=60, num_classes=4):
    rng = np.random.default_rng(seed)
    centres = 4.0 * np.stack([np.cos(np.arange(num_classes)), np.sin(np.arange(num_classes))], 1)
    x = np.concatenate([c + rng.normal(0, 0.5, (per_class, 2)) for c in centres])
    y = np.repeat(np.arange(num_classes), per_class)
    return x.astype("float32"), y


@pytest.mark.parametrize("name", keras_losses.all_names())
def test_training_reduces_error(name):
    x, y = separable_data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(4)])
    model.compile(
        optimizer=keras.optimizers.Adam(0.03),
        loss=for_logits(name, 4),
        metrics=["accuracy"],
    )
    error_before = 1 - model.evaluate(x, y, verbose=0)[1]
    model.fit(x, y, epochs=25, batch_size=48, verbose=0)
    error_after = 1 - model.evaluate(x, y, verbose=0)[1]
    assert error_after < error_before
    assert error_after <= 0.1, f"{name}: error {error_after:.3f} after training"
