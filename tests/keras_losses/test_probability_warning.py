"""A loss on probabilities given values that cannot be probabilities warns once per instance."""

import re
import warnings

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import batch, reference

FIX = r"keras_losses\.for_logits\('focal'\) or from_logits=True"


def probability_warnings(run):
    """The keras_losses warnings `run()` emits (every one, no de-duplication)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [str(w.message) for w in caught if str(w.message).startswith("keras_losses: loss ")]


def test_logits_to_a_probability_loss_warn_once_with_the_fix():
    labels, _, logits = batch(seed=1)
    loss = keras_losses.get("focal")
    found = probability_warnings(lambda: [loss(labels, logits.astype("float32")) for _ in range(3)])
    assert len(found) == 1
    assert "from_logits=False" in found[0] and "outside [0, 1]" in found[0]
    assert re.search(FIX, found[0])
    assert "\n" not in found[0]


def test_each_instance_warns_for_itself():
    labels, _, logits = batch(seed=1)
    found = probability_warnings(lambda: [keras_losses.get("log_loss")(labels, logits) for _ in range(2)])
    assert len(found) == 2


def test_rows_not_summing_to_one_warn_for_softmax_losses_only():
    labels, _, logits = batch(seed=2)
    halves = 0.5 * reference.softmax(logits)  # in [0, 1], rows sum to 0.5
    assert len(probability_warnings(lambda: keras_losses.get("expectation")(labels, halves))) == 1
    assert "do not sum to 1" in probability_warnings(lambda: keras_losses.get("expectation")(labels, halves))[0]
    assert probability_warnings(lambda: keras_losses.get("logistic")(labels, halves)) == []


@pytest.mark.parametrize(
    ("name", "config", "outputs"),
    [
        ("focal", {}, "softmax"),
        ("log_loss", {}, "softmax"),
        ("kl_divergence", {}, "softmax"),
        ("logistic", {}, "sigmoid"),
        ("logistic_inr", {}, "sigmoid"),
        ("focal", {}, "binary_sigmoid"),
        ("focal", {"from_logits": True}, "logits"),
        ("logistic", {"from_logits": True}, "logits"),
        ("l2", {}, "logits"),
        ("ovr_hinge", {}, "logits"),
        ("categorical_hinge", {}, "logits"),
    ],
)
def test_no_warning_for_probabilities_raw_output_losses_or_logits(name, config, outputs):
    labels, _, logits = batch(seed=3, scale=6.0)
    y_pred = {
        "softmax": reference.softmax(logits),
        "sigmoid": reference.sigmoid(logits),
        "binary_sigmoid": reference.sigmoid(logits[:, :1]),
        "logits": logits,
    }[outputs].astype("float32")
    if outputs == "binary_sigmoid":
        labels = labels % 2
    loss = keras_losses.get(name, **config)
    assert probability_warnings(lambda: loss(labels, y_pred)) == []


def classifier(activation):
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation=activation)])


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 6)).astype("float32")
    return x, np.argmax(x[:, :3], axis=-1)


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_fit_with_a_probability_loss_on_a_logit_model_warns_once(run_eagerly):
    x, labels = data()
    model = classifier(None)  # outputs logits
    model.compile(optimizer="sgd", loss="focal", run_eagerly=run_eagerly)
    found = probability_warnings(lambda: model.fit(x, labels, epochs=2, batch_size=16, verbose=0))
    assert len(found) == 1, found
    assert re.search(FIX, found[0])


@pytest.mark.parametrize("activation", ["softmax", "sigmoid"])
def test_fit_on_probabilities_does_not_warn(activation):
    x, labels = data()
    model = classifier(activation)
    model.compile(optimizer="sgd", loss="focal" if activation == "softmax" else "logistic")
    assert probability_warnings(lambda: model.fit(x, labels, epochs=2, batch_size=16, verbose=0)) == []


@pytest.mark.backends("tensorflow")
@pytest.mark.parametrize("jit_compile", [False, True])
def test_tf_function_warns_once_without_xla_and_compiles_with_it(jit_compile):
    import tensorflow as tf

    labels, _, logits = batch(seed=4)
    loss = keras_losses.get("focal")
    step = tf.function(lambda z: loss(labels, z), jit_compile=jit_compile)
    found = probability_warnings(lambda: [step(tf.constant(logits, tf.float32)) for _ in range(3)])
    # XLA cannot call back to Python: nothing is checked there (see keras_losses._probability_check).
    assert len(found) == (0 if jit_compile else 1)
