"""Computation in float32 whatever the dtype policy."""

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import for_logits

POLICIES = ["float32", "mixed_float16", "mixed_bfloat16"]
INPUT_DTYPES = {"float32": "float32", "mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


@pytest.fixture
def policy(request):
    keras.config.set_dtype_policy(request.param)
    yield request.param
    keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
@pytest.mark.parametrize("name", keras_losses.all_names())
def test_value_is_float32_and_close_to_float32_reference(policy, name):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, size=16)
    logits = rng.normal(0, 2, size=(16, 4)).astype("float32")
    low = keras.ops.cast(logits, INPUT_DTYPES[policy])
    reference = float(for_logits(name, 4)(labels, keras.ops.cast(low, "float32")))
    value = for_logits(name, 4)(labels, low)
    assert keras.backend.standardize_dtype(value.dtype) == "float32"
    # Same inputs (after rounding to the low precision): same float32 value.
    np.testing.assert_allclose(float(value), reference, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("policy", POLICIES, indirect=True)
def test_training_step_under_policy_is_finite(policy):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 6)).astype("float32")
    y = rng.integers(0, 3, size=32)
    for name in ["cauchy_schwarz", "logistic_inr", "ovr_cubed_hinge", "focal"]:
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(3)])
        assert model.layers[-1].compute_dtype == INPUT_DTYPES[policy]
        model.compile(optimizer="sgd", loss=keras_losses.for_logits(name))
        loss = model.train_on_batch(x, y)
        assert np.isfinite(loss), name
