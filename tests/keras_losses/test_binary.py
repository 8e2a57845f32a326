"""Single-unit (binary) outputs: every loss equals itself on the equivalent two-column output.

A logit `z` of a softmax loss is the two-column logits `[0, z]`; a logit of
a sigmoid loss and a raw score are `[−z, z]`; a probability `p` is
`[1 − p, p]` (the float64 reference gets the logits `[0, z]` or `[−z, z]`
with `p = σ(z)`, whose softmax or sigmoids are `[1 − p, p]`).
"""

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses.backends import LABEL_ERROR
from tests.keras_losses.helpers import case_id, cases, needed_config, reference, reference_values

CASES = cases()
LABEL_FORMATS = {
    "int": lambda t: t.astype("int32"),
    "int_column": lambda t: t.astype("int32")[:, None],
    "float": lambda t: t.astype("float32"),
    "float_column": lambda t: t.astype("float32")[:, None],
}


def two_columns(name, z):
    """The two-column logits a single output `z` (B,) stands for, for loss `name`."""
    acts_on = keras_losses.describe(name)["acts_on"]
    first = np.zeros_like(z) if acts_on == "softmax probabilities" else -z
    return np.stack([first, z], axis=-1)


def binary_config(name, config):
    """`config` for two classes: class weights and counts cut to two, the needed counts added."""
    config = {**needed_config(name, 2), **config}
    config = {k: v[:2] if k in ("class_weights", "class_counts") else v for k, v in config.items()}
    if "transition_matrix" in config:
        config["transition_matrix"] = needed_config(name, 2)["transition_matrix"]
    return config


def binary_batch(seed=5, batch_size=12):
    rng = np.random.default_rng(seed)
    labels = np.arange(batch_size) % 2  # both classes present (logistic_inr is batch-level)
    rng.shuffle(labels)
    return labels, np.eye(2)[labels], rng.normal(0.0, 2.0, size=batch_size)


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
@pytest.mark.parametrize("label_format", list(LABEL_FORMATS))
def test_single_logit_matches_two_column_reference(case, label_format):
    name, config = case
    config = binary_config(name, config)
    labels, one_hot, z = binary_batch()
    loss = keras_losses.for_logits(name, reduction=None, **config)
    got = np.asarray(loss(LABEL_FORMATS[label_format](labels), z[:, None].astype("float32")))
    want = reference_values(name, one_hot, two_columns(name, z), config)
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


PROBABILITY_CASES = [c for c in CASES if keras_losses.takes_from_logits(c[0])]


@pytest.mark.parametrize("case", PROBABILITY_CASES, ids=[case_id(c) for c in PROBABILITY_CASES])
@pytest.mark.parametrize("label_format", ["int", "float_column"])
def test_single_probability_matches_two_column_reference(case, label_format):
    name, config = case
    config = binary_config(name, config)
    labels, one_hot, z = binary_batch(seed=6)
    loss = keras_losses.get(name, reduction=None, **config)
    p = reference.sigmoid(z)[:, None].astype("float32")
    got = np.asarray(loss(LABEL_FORMATS[label_format](labels), p))
    want = reference_values(name, one_hot, two_columns(name, z), config)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_one_hot_two_column_labels_are_accepted():
    labels, one_hot, z = binary_batch(seed=7)
    got = np.asarray(keras_losses.get("focal", reduction=None)(one_hot, reference.sigmoid(z)[:, None]))
    want = reference.focal(one_hot, two_columns("focal", z))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("bad", [2, -1, 0.5])
def test_labels_outside_0_1_for_a_single_unit_are_the_label_error(bad):
    labels = np.array([0, 1, bad], dtype="float32")[:, None]
    with pytest.raises(LABEL_ERROR, match=r"integers in \[0, 2\) for 2 classes"):
        keras_losses.get("focal")(labels, np.full((3, 1), 0.5, "float32"))


def test_plain_function_on_a_single_unit_says_what_to_do():
    with pytest.raises(ValueError, match=r"^keras_losses: y_pred has one unit .* need two columns\.$"):
        keras_losses.focal(np.array([0, 1]), np.full((2, 1), 0.5, "float32"))


def sigmoid_classifier():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])


def binary_data(labels_shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int32")
    return x, labels.reshape(labels_shape)


@pytest.mark.parametrize(("name", "dtype", "shape"), [("focal", "int32", (-1,)), ("focal", "float32", (-1, 1))])
def test_dense_sigmoid_model_trains_and_evaluates_to_the_two_column_value(name, dtype, shape):
    x, labels = binary_data(shape)
    labels = labels.astype(dtype)
    model = sigmoid_classifier()
    model.compile(optimizer="sgd", loss=name)
    history = model.fit(x, labels, epochs=2, batch_size=16, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    p = np.asarray(model.predict(x, verbose=0), dtype="float64")[:, 0]
    z = np.log(p) - np.log1p(-p)
    want = reference.focal(np.eye(2)[labels.reshape(-1).astype(int)], two_columns(name, z)).mean()
    got = model.evaluate(x, labels, batch_size=64, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-4)
