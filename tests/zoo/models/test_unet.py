"""zoo.models.unet: per-pixel output shapes, the families' conventions, and a few training steps on shapes."""

import doctest

import keras
import numpy as np
import pytest

from zoo.data.task_datasets import VOID, shapes
from zoo.engines.task_metrics import dense_metrics
from zoo.models import unet as unet_module
from zoo.models.unet import unet


def test_docstring_examples_run():
    result = doctest.testmod(unet_module)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    "input_shape, depth, expected",
    [((32, 32, 1), 1, (32, 32, 4)), ((16, 24, 3), 3, (16, 24, 4)), ((16, 16), 2, (16, 16, 4)), ((64,), 2, (8, 8, 4))],
)
def test_outputs_one_score_per_class_at_every_pixel(input_shape, depth, expected):
    model = unet(input_shape, 4, depth=depth, width=4)
    assert model.name == f"unet_d{depth}" and model.output_shape == (None, *expected)
    x = np.random.default_rng(0).random((2, *input_shape)).astype(np.float32)
    assert model(x, training=False).shape == (2, *expected)
    assert len([layer for layer in model.layers if layer.name.endswith("_pool")]) == depth
    assert len([layer for layer in model.layers if layer.name.endswith("_concat")]) == depth


def test_width_doubles_per_stage_and_outputs_follow_the_families():
    model = unet((16, 16, 1), 3, depth=2, width=8, dropout=0.5)
    filters = {
        name: model.get_layer(f"{name}_conv1_conv").filters for name in ("down1", "down2", "bottom", "up2", "up1")
    }
    assert filters == {"down1": 8, "down2": 16, "bottom": 32, "up2": 16, "up1": 8}
    assert model.get_layer("logits").dtype_policy.compute_dtype == "float32"
    assert model.get_layer("bottom_dropout").rate == 0.5
    probabilities = unet((16, 16, 1), 3, depth=1, width=4, output="probabilities")
    values = np.asarray(probabilities(np.ones((2, 16, 16, 1), np.float32)))
    np.testing.assert_allclose(values.sum(-1), 1.0, rtol=1e-5)
    cosine = unet((16, 16, 1), 3, depth=1, width=4, head="cosine")
    assert np.abs(np.asarray(cosine(np.ones((1, 16, 16, 1), np.float32)))).max() <= 1.0 + 1e-6


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"input_shape": (30, 32, 1), "depth": 2}, r"unet depth 2 needs height and width divisible by 4, got 30x32"),
        ({"input_shape": (32, 32, 1), "depth": 0}, "unet depth must be an integer >= 1"),
        ({"input_shape": (32, 32, 1), "output": "softmax"}, "output must be one of"),
        ({"input_shape": (32, 32, 1), "head": "arcface"}, "head must be one of"),
        ({"input_shape": (10,)}, "Convolutional models need"),
    ],
)
def test_bad_options_are_one_line_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        unet(num_classes=3, **kwargs)


def test_a_few_steps_on_shapes_reduce_the_loss_with_void_ignored():
    keras.utils.set_random_seed(0)
    data = shapes(n_train=64, n_test=4, size=16, max_shapes=2, void_border=True, seed=0)
    model = unet(data.x_train.shape[1:], data.num_classes, depth=2, width=8)
    model.compile(
        optimizer=keras.optimizers.Adam(0.005),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID),
    )
    x, y = data.x_train, data.y_train.astype("int32")
    before = float(model.evaluate(x, y, verbose=0))
    model.fit(x, y, batch_size=16, epochs=15, verbose=0, shuffle=False)
    after = float(model.evaluate(x, y, verbose=0))
    assert np.isfinite(after) and after < 0.5 * before
    found = dense_metrics(y, model.predict(x, verbose=0), ignore_class=VOID)
    kept = y != VOID
    assert found["pixel_accuracy"] > np.mean(y[kept] == 0)  # beats "all background"
    assert found["mean_iou"] > 0.3 and min(found["per_class_iou"][1:]) > 0.0  # finds shapes of every class
