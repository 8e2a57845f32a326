"""zoo.models.layers: CosineLogits against a float64 NumPy reference, its config, its .keras round trip."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_losses
from tests.paths import REPO
from zoo.models.layers import CosineLogits


def cosine_logits_reference(x, kernel, scale):
    """scale · (x/‖x‖)·(w_j/‖w_j‖) in float64, w_j the kernel's columns."""
    x, kernel = np.asarray(x, np.float64), np.asarray(kernel, np.float64)
    rows = x / np.linalg.norm(x, axis=-1, keepdims=True)
    columns = kernel / np.linalg.norm(kernel, axis=0, keepdims=True)
    return scale * rows @ columns


def _layer(units, input_dim, scale, seed=0):
    layer = CosineLogits(units, scale=scale)
    layer.build((None, input_dim))
    layer.set_weights([np.random.default_rng(seed).normal(size=(input_dim, units))])
    return layer


@pytest.mark.parametrize("scale", [1.0, 30.0, 0.5])
def test_values_match_the_reference(scale):
    layer = _layer(units=5, input_dim=7, scale=scale)
    x = np.random.default_rng(1).normal(size=(9, 7)) * np.array([[1e-3], [1], [10], [1e3], [1], [1], [2], [3], [4]])
    z = keras.ops.convert_to_numpy(layer(x))
    assert z.dtype == np.float32
    np.testing.assert_allclose(
        z, cosine_logits_reference(x, layer.get_weights()[0], scale), rtol=1e-5, atol=1e-6 * scale
    )
    assert np.all(np.abs(z) <= scale * (1 + 1e-6))  # Cosines times the scale.


def test_invariant_to_the_norms_of_inputs_and_class_weights():
    layer = _layer(units=3, input_dim=4, scale=2.0)
    x = np.random.default_rng(2).normal(size=(6, 4)).astype(np.float32)
    before = keras.ops.convert_to_numpy(layer(x))
    layer.set_weights([layer.get_weights()[0] * np.array([[10.0, 0.1, 3.0]])])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x * 7.0)), before, rtol=1e-5, atol=1e-6)


def test_zero_input_gives_zero_logits_and_finite_gradients():
    import tensorflow as tf

    layer = _layer(units=3, input_dim=4, scale=30.0)
    x = tf.zeros((2, 4))
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = layer(x)
    gradient = tape.gradient(z, [x, layer.kernel])
    np.testing.assert_array_equal(z.numpy(), 0.0)
    assert all(np.all(np.isfinite(g.numpy())) for g in gradient)


def test_float32_under_a_mixed_precision_policy():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        layer = CosineLogits(3)
        z = layer(np.ones((2, 4), np.float16))
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert layer.dtype_policy.name == "float32" and z.dtype.name == "float32"


def test_config_round_trip():
    layer = CosineLogits(4, scale=16.0, name="logits")
    config = layer.get_config()
    assert (config["units"], config["scale"], config["name"]) == (4, 16.0, "logits")
    again = CosineLogits.from_config(config)
    assert (again.units, again.scale, again.name) == (4, 16.0, "logits")
    assert keras.saving.get_registered_object("zoo>CosineLogits") is CosineLogits


@pytest.mark.parametrize(
    "arguments,message",
    [
        ((0,), "CosineLogits units must be a positive integer, got 0."),
        ((3.0,), "CosineLogits units must be a positive integer, got 3.0."),
        ((3, 0.0), "CosineLogits scale must be > 0, got 0.0."),
    ],
)
def test_bad_arguments_are_one_line_errors(arguments, message):
    with pytest.raises(ValueError) as error:
        CosineLogits(*arguments)
    assert str(error.value) == message


# A fresh interpreter: loads the file the way a user would, and prints the logits it computes.
LOADER = textwrap.dedent("""
    import sys
    import numpy as np
    import {imports}
    model = {load}(sys.argv[1])
    np.save(sys.argv[3], np.asarray(model(np.load(sys.argv[2]), training=False)))
    print(type(model.get_layer("logits")).__name__, type(model.loss).__name__)
""")


@pytest.mark.parametrize(
    "imports,load",
    [("zoo, zoo.serving", "zoo.serving.load"), ("keras, keras_losses, zoo.models", "keras.saving.load_model")],
    ids=["zoo.serving.load", "keras.saving.load_model"],
)
def test_cosine_head_model_round_trips_through_a_keras_file_in_a_fresh_process(tmp_path, imports, load):
    import zoo

    keras.utils.set_random_seed(0)
    model = zoo.build("mlp", depth=1, width=8, input_shape=(6,), num_classes=3, head="cosine")
    model.compile(optimizer="adam", loss=keras_losses.for_logits("ldam", class_counts=[50, 20, 5]))
    x = np.random.default_rng(3).normal(size=(32, 6)).astype(np.float32)
    model.fit(x, np.arange(32) % 3, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "cosine.keras")
    np.save(tmp_path / "x.npy", x)
    result = subprocess.run(
        [sys.executable, "-c", LOADER.format(imports=imports, load=load), "cosine.keras", "x.npy", "z.npy"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": REPO, "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["CosineLogits", "LDAM"]
    np.testing.assert_allclose(np.load(tmp_path / "z.npy"), np.asarray(model(x)), rtol=1e-6, atol=1e-7)
