"""Users' models as zoo builders: a final softmax cut to logits, one-line errors, register."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models import user_models

X = np.random.default_rng(0).normal(size=(5, 6)).astype(np.float32)


def _dense_softmax(input_shape, num_classes):
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(inputs))


def _softmax_layer(input_shape, num_classes):
    inputs = keras.Input(input_shape)
    return keras.Model(inputs, keras.layers.Softmax()(keras.layers.Dense(num_classes)(inputs)))


def _activation_layer(input_shape, num_classes):
    return keras.Sequential(
        [keras.Input(input_shape), keras.layers.Dense(num_classes), keras.layers.Activation("softmax")]
    )


@pytest.mark.parametrize("builder", [_dense_softmax, _softmax_layer, _activation_layer])
def test_final_softmax_is_cut_to_the_logits(builder):
    keras.utils.set_random_seed(1)
    original = builder((6,), 3)
    keras.utils.set_random_seed(1)
    logits = user_models.UserModel(builder)(input_shape=(6,), num_classes=3)
    probabilities = np.asarray(original(X))
    got = np.asarray(logits(X))
    assert not np.allclose(got.sum(-1), 1.0)  # Logits, not probabilities ...
    np.testing.assert_allclose(np.asarray(keras.ops.softmax(got)), probabilities, rtol=1e-5, atol=1e-6)  # ... of it.


def test_a_model_instance_is_cloned_never_trained_in_place():
    instance = _dense_softmax((6,), 3)
    before = [w.copy() for w in instance.get_weights()]
    clone = user_models.UserModel(instance)(input_shape=(6,), num_classes=3)
    assert clone is not instance and instance.layers[-1].activation is keras.activations.softmax
    assert all(np.array_equal(a, b) for a, b in zip(before, instance.get_weights()))
    with pytest.raises(ValueError, match=r"^A keras.Model instance takes no options, got \['depth'\].$"):
        user_models.UserModel(instance)(input_shape=(6,), num_classes=3, depth=2)


class _HiddenSoftmax(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(3)

    def call(self, x):
        return keras.ops.softmax(self.dense(x))


@pytest.mark.parametrize(
    "model,message",
    [
        (lambda s, k: _HiddenSoftmax(), "seems to output probabilities (a softmax inside call?); return the logits"),
        (lambda s, k: "not a model", "the builder returned a str, not a keras.Model."),
        (lambda s, k: _dense_softmax(s, k + 2), "outputs shape (5,) per example; it needs (3,), one score per class."),
    ],
    ids=["hidden-softmax", "not-a-model", "width"],
)
def test_bad_models_are_one_line_errors(model, message):
    with pytest.raises(ValueError) as error:
        user_models.UserModel(model, label="mine")(input_shape=(6,), num_classes=3)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_registered_builder_works_in_tuning():
    import keras_tuner

    import tuning

    def net(input_shape, num_classes, depth=1):
        layers = [keras.Input(input_shape)] + [keras.layers.Dense(8, activation="relu") for _ in range(depth)]
        return keras.Sequential(layers + [keras.layers.Dense(num_classes, activation="softmax")])

    zoo.models.register("own_tuned_net")(net)
    try:
        assert "own_tuned_net" in zoo.names()
        hypermodel = tuning.LossHyperModel((6,), 3, losses=["log_loss", "l2"], models="own_tuned_net", depth=[1, 2])
        model = hypermodel.build(keras_tuner.HyperParameters())
        assert model.layers[-1].activation is keras.activations.linear  # Logits for every loss.
        with pytest.raises(ValueError, match="already registered"):
            zoo.models.register("own_tuned_net")(net)
    finally:
        zoo.models.unregister("own_tuned_net")
    assert "own_tuned_net" not in zoo.names()


def test_a_single_sigmoid_unit_becomes_two_logits_with_the_same_probabilities():
    import keras
    import numpy as np

    from zoo.models.user_models import logits_model

    inputs = keras.Input((5,))
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(8)(inputs)))
    x = np.random.default_rng(0).normal(size=(16, 5)).astype("float32")
    probabilities = np.asarray(model(x)).ravel()
    logits = np.asarray(logits_model(model, (5,), 2)(x))
    assert logits.shape == (16, 2)
    np.testing.assert_allclose(np.asarray(keras.ops.softmax(logits))[:, 1], probabilities, rtol=1e-5, atol=1e-6)


def test_compare_losses_on_binary_data_with_a_sigmoid_model():
    import keras
    from sklearn.datasets import load_breast_cancer

    import zoo

    def binary(input_shape, num_classes):
        inputs = keras.Input(input_shape)
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(keras.layers.Dense(8)(inputs)))

    data = load_breast_cancer()
    comparison = zoo.compare_losses(
        binary, (data.data[:200], data.target[:200]), losses="log_loss,focal", seeds=(0,), epochs=2, progress=False
    )
    assert len(comparison.records) == 2 and all(r["final_test_accuracy"] is not None for r in comparison.records)
