"""Tests of zoo.models and zoo.common.registry: shapes, names, outputs, errors."""

import keras
import numpy as np
import pytest

import zoo
from zoo import models
from zoo.common.registry import Registry


def _layer_names(model):
    return [layer.name for layer in model.layers]


def _forward(model, input_shape, batch=2):
    return keras.ops.convert_to_numpy(model(np.random.rand(batch, *input_shape).astype("float32")))


@pytest.mark.parametrize("depth", range(1, 9))
def test_mlp_depths(depth):
    model = zoo.build("mlp", depth=depth, input_shape=(8, 8, 1), num_classes=10, width=16)
    assert model.name == f"mlp_d{depth}"
    assert _forward(model, (8, 8, 1)).shape == (2, 10)
    dense = [n for n in _layer_names(model) if n.startswith("dense_")]
    assert dense == [f"dense_{i}" for i in range(1, depth + 1)]
    assert model.get_layer("dense_1").units == 16


def test_mlp_layer_names_with_options():
    model = zoo.build(
        "mlp", depth=2, input_shape=(2,), num_classes=3, dropout=0.1, batch_norm=True, output="probabilities"
    )
    assert _layer_names(model) == [
        "inputs",
        "flatten",
        "dense_1",
        "bn_1",
        "act_1",
        "dropout_1",
        "dense_2",
        "bn_2",
        "act_2",
        "dropout_2",
        "logits",
        "probabilities",
    ]


@pytest.mark.parametrize("input_shape", [(8, 8, 1), (32, 32, 3)])
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_cnn_depths(depth, input_shape):
    model = zoo.build("cnn", depth=depth, input_shape=input_shape, num_classes=10, filters=4)
    assert model.name == f"cnn_d{depth}"
    assert _forward(model, input_shape).shape == (2, 10)
    convs = [n for n in _layer_names(model) if n.endswith("_conv")]
    assert len(convs) == 2 * depth
    assert model.get_layer(f"block{depth}_conv2_conv").filters == 4 * 2 ** (depth - 1)


def test_cnn_pooling_stops_at_one_pixel():
    model = zoo.build("cnn", depth=4, input_shape=(8, 8, 1), num_classes=10, filters=4)
    pools = [n for n in _layer_names(model) if n.endswith("_pool")]
    assert pools == ["block1_pool", "block2_pool", "block3_pool"]  # 8 -> 4 -> 2 -> 1.
    assert model.get_layer("gap").input.shape[1:3] == (1, 1)


def test_cnn_reshapes_flat_square_inputs():
    model = zoo.build("cnn", depth=2, input_shape=(64,), num_classes=10, filters=4)
    assert model.get_layer("to_image").output.shape[1:] == (8, 8, 1)
    assert _forward(model, (64,)).shape == (2, 10)
    with pytest.raises(ValueError, match="flat square inputs"):
        zoo.build("cnn", input_shape=(10,), num_classes=10)


@pytest.mark.parametrize("depth", [8, 14, 20])
def test_resnet_depths(depth):
    model = zoo.build("resnet", depth=depth, input_shape=(32, 32, 3), num_classes=10)
    assert model.name == f"resnet_d{depth}"
    blocks = (depth - 2) // 6
    adds = [n for n in _layer_names(model) if n.endswith("_add")]
    assert len(adds) == 3 * blocks
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D) and layer.kernel_size == (3, 3)]
    assert len(convs) + 1 == depth  # 6n + 1 conv layers and the logits layer.
    assert model.get_layer("gap").input.shape[1:] == (8, 8, 64)
    assert _forward(model, (32, 32, 3)).shape == (2, 10)


def test_resnet20_padding_shortcut_matches_paper_size():
    model = zoo.build("resnet", depth=20, input_shape=(32, 32, 3), num_classes=10, shortcut="padding")
    assert 0.26e6 < model.count_params() < 0.28e6  # "0.27M" in He et al. 2016, Table 6.
    assert _forward(model, (32, 32, 3)).shape == (2, 10)


def test_resnet_width():
    model = zoo.build("resnet", depth=8, input_shape=(16, 16, 3), num_classes=5, width=8)
    assert model.get_layer("gap").input.shape[-1] == 32


@pytest.mark.parametrize("name", ["mlp", "cnn", "resnet"])
def test_logits_and_probabilities(name):
    shape = (16, 16, 3)
    logits_model = zoo.build(name, input_shape=shape, num_classes=4)
    probs_model = zoo.build(name, input_shape=shape, num_classes=4, output="probabilities")
    assert logits_model.layers[-1].name == "logits"
    assert probs_model.layers[-1].name == "probabilities"
    probs = _forward(probs_model, shape, batch=3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(probs >= 0)


SMALL = {"mlp": {"depth": 1, "width": 8}, "cnn": {"depth": 1, "filters": 4}, "resnet": {"depth": 8, "width": 4}}


@pytest.mark.parametrize("name", ["mlp", "cnn", "resnet"])
def test_cosine_head(name):
    from tests.zoo.models.test_layers import cosine_logits_reference
    from zoo.models.layers import CosineLogits

    shape, x = (8, 8, 1), np.random.default_rng(0).normal(size=(3, 8, 8, 1)).astype(np.float32)
    linear = zoo.build(name, input_shape=shape, num_classes=4, **SMALL[name])
    cosine = zoo.build(name, input_shape=shape, num_classes=4, head="cosine", **SMALL[name])
    assert _layer_names(cosine) == _layer_names(linear)  # The same layers, "logits" last.
    head = cosine.get_layer("logits")
    assert type(head) is CosineLogits and head.scale == 1.0 and head.compute_dtype == "float32"
    assert [w.shape for w in head.weights] == [linear.get_layer("logits").kernel.shape]  # No bias.
    features = keras.Model(cosine.inputs[0], head.input)(x)
    expected = cosine_logits_reference(features, head.kernel.numpy(), 1.0)
    np.testing.assert_allclose(_forward_on(cosine, x), expected, rtol=1e-5, atol=1e-6)
    probabilities = zoo.build(
        name, input_shape=shape, num_classes=4, head="cosine", output="probabilities", **SMALL[name]
    )
    assert _layer_names(probabilities)[-2:] == ["logits", "probabilities"]
    probabilities.set_weights(cosine.get_weights())
    z = _forward_on(cosine, x)
    np.testing.assert_allclose(_forward_on(probabilities, x), np.exp(z) / np.exp(z).sum(-1, keepdims=True), rtol=1e-5)


def _forward_on(model, x):
    return keras.ops.convert_to_numpy(model(x, training=False))


@pytest.mark.parametrize("name", ["mlp", "cnn", "resnet"])
@pytest.mark.parametrize("head", ["Cosine", "dense", None])
def test_bad_head_is_a_one_line_error(name, head):
    with pytest.raises(ValueError) as error:
        zoo.build(name, input_shape=(8, 8, 1), num_classes=3, head=head, **SMALL[name])
    assert str(error.value) == f"head must be one of 'linear', 'cosine', got {head!r}."


def test_head_is_float32_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = zoo.build("mlp", depth=1, input_shape=(4,), num_classes=3, output="probabilities")
        assert model.get_layer("dense_1").compute_dtype == "float16"
        assert model.get_layer("logits").compute_dtype == "float32"
        assert model.output.dtype == "float32"
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize(
    "name, depth, message",
    [
        ("mlp", 0, "mlp depth must be an integer >= 1, got 0"),
        ("cnn", -1, "cnn depth must be an integer >= 1, got -1"),
        ("resnet", 10, r"resnet depth must be 6n\+2 .*8, 14, 20, 26, 32.*got 10"),
        ("resnet", 2, "got 2"),
    ],
)
def test_bad_depth(name, depth, message):
    with pytest.raises(ValueError, match=message):
        zoo.build(name, depth=depth, input_shape=(32, 32, 3), num_classes=10)


def test_bad_output_and_shortcut():
    with pytest.raises(ValueError, match="output must be one of .*'logits', 'probabilities'.*got 'softmax'"):
        zoo.build("mlp", input_shape=(4,), num_classes=3, output="softmax")
    with pytest.raises(ValueError, match="shortcut must be"):
        zoo.build("resnet", input_shape=(8, 8, 3), num_classes=3, depth=8, shortcut="identity")


def test_default_depth_and_names():
    assert zoo.build("mlp", input_shape=(4,), num_classes=3).name == "mlp_d3"
    assert zoo.build("cnn", input_shape=(8, 8, 1), num_classes=3).name == "cnn_d2"
    assert zoo.names() == models.names() == ["cnn", "mlp", "resnet", "unet"]


def test_unknown_model_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown model 'mpl'\. Did you mean: 'mlp'\? Known: cnn, mlp, resnet"):
        zoo.build("mpl", input_shape=(4,), num_classes=3)


def test_registry():
    things = Registry("thing")

    @things.register("square")
    def square(x=2):
        return x * x

    assert things.get("square", x=3) == 9
    assert things.get("square") == 4
    assert things.names() == ["square"] and "square" in things
    with pytest.raises(ValueError, match=r"Unknown thing 'sqare'\. Did you mean: 'square'\?"):
        things.get("sqare")
    with pytest.raises(ValueError, match="Unknown thing 'zzz'. Known: square$"):
        things.get("zzz")
    with pytest.raises(ValueError, match="already registered"):
        things.register("square")(square)
