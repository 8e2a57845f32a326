"""Bad input gets a clear error naming the problem."""

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses.backends import BACKEND, COMPILED, COMPILED_LABEL_ERROR, LABEL_ERROR, value_and_gradient


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match=r"Unknown loss 'cauchy_schwartz'.*Did you mean: 'cauchy_schwarz'"):
        keras_losses.get("cauchy_schwartz")
    with pytest.raises(ValueError, match=r"Did you mean: .*'ovr_squared_hinge'"):
        keras_losses.describe("ovr_sqared_hinge")


@pytest.mark.parametrize("bad_label", [5, -1, 1.5])
def test_sparse_label_out_of_range_is_an_error_eagerly(bad_label):
    labels = np.array([0, bad_label, 2], dtype="float32")
    logits = np.zeros((3, 5), "float32")
    message = r"sparse labels must be integers in \[0, 5\) for 5 classes; got out-of-range label"
    with pytest.raises(LABEL_ERROR, match=message) as error:
        keras_losses.for_logits("log_loss")(labels, logits)
    assert str(bad_label) in str(error.value)  # the message names the bad label


def _tiny_model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    return model


def test_sparse_label_out_of_range_fails_fit():
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = np.array([0, 1, 2, 3, 0, 1, 2, 0])
    model = _tiny_model()
    model.compile(loss=keras_losses.for_logits("cauchy_schwarz"), jit_compile=False)
    with pytest.raises(LABEL_ERROR, match="sparse label"):
        model.fit(x, y, epochs=1, verbose=0)


@pytest.mark.skipif(not COMPILED, reason=f"no compiled mode tested on {BACKEND}")
@pytest.mark.parametrize("name", ["log_loss", "tanimoto", "logistic_inr"])
def test_sparse_label_out_of_range_compiled_is_an_error_or_nan_never_a_wrong_number(name):
    # Under jax.jit a host callback raises the error when the step runs; XLA on TensorFlow drops
    # assertions, and the loss then turns NaN instead.
    labels = np.array([0, 7, 2])
    logits = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    loss = keras_losses.for_logits(name)
    if COMPILED_LABEL_ERROR is not None:
        with pytest.raises(COMPILED_LABEL_ERROR) as error:
            value_and_gradient(loss, labels, logits, compiled=True)
        assert str(error.value).strip().splitlines()[-1].startswith("ValueError: keras_losses: sparse labels must be")
        return
    value, gradient = value_and_gradient(loss, labels, logits, compiled=True)
    assert np.isnan(value)
    assert np.isnan(gradient).any()


@pytest.mark.skipif(not COMPILED, reason=f"no compiled mode tested on {BACKEND}")
def test_sparse_label_out_of_range_under_xla_fit_is_an_error_or_nan():
    # `jit_compile=True`: XLA on TensorFlow, jax.jit on JAX (JAX's default).
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = np.array([0, 1, 2, 3, 0, 1, 2, 0])
    model = _tiny_model()
    model.compile(loss=keras_losses.for_logits("tanimoto"), jit_compile=True)
    if COMPILED_LABEL_ERROR is not None:
        with pytest.raises(COMPILED_LABEL_ERROR, match="out-of-range label"):
            model.fit(x, y, epochs=1, batch_size=8, verbose=0)
        return
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isnan(history.history["loss"][0])


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\).*y_pred.shape=\(4, 5\)"):
        keras_losses.get("expectation")(np.zeros((4, 3)), np.zeros((4, 5), "float32"))


def test_unknown_constructor_argument_is_an_error():
    with pytest.raises(TypeError, match="unexpected argument.*gama.*accepts: from_logits, gamma"):
        keras_losses.Focal(gama=1.0)
    with pytest.raises(TypeError, match="unexpected argument.*from_logits"):
        keras_losses.get("ovr_hinge", from_logits=True)


@pytest.mark.parametrize(
    "name, config, message",
    [
        ("focal", {"gamma": -1}, r"`gamma` must be >= 0"),
        ("gce", {"q": 0.0}, r"`q` must be in \(0, 1\]"),
        ("log_loss", {"label_smoothing": 1.0}, r"`label_smoothing` must be in \[0, 1\)"),
        ("log_loss", {"from_logits": "yes"}, r"`from_logits` must be True or False"),
        ("logistic", {"class_weights": [1.0, -2.0]}, r"`class_weights` must be non-empty and >= 0"),
        ("focal", {"class_weights": "ab"}, r"`class_weights` must be a sequence of K numbers"),
        ("logit_adjusted", {"class_counts": [10, 0, 3]}, r"`class_counts` must be K positive finite numbers"),
        ("ldam", {"class_counts": [10, float("inf")]}, r"`class_counts` must be K positive finite numbers"),
        ("balanced_softmax", {"class_counts": []}, r"`class_counts` must be K positive finite numbers"),
        ("balanced_softmax", {"class_counts": 5}, r"`class_counts` must be a sequence of K positive numbers"),
        ("ldam", {"class_counts": [1, 2], "scale": 0.0}, r"`scale` must be > 0"),
        ("ldam", {"class_counts": [1, 2], "max_margin": -1.0}, r"`max_margin` must be >= 0"),
        ("categorical_hinge", {"from_logits": True}, r"acts on the raw outputs"),
    ],
)
def test_bad_argument_values(name, config, message):
    with pytest.raises(ValueError, match=message):
        keras_losses.get(name, **config)


@pytest.mark.parametrize("name", ["log_loss", "tanimoto", "ovr_hinge", "logistic_inr", "kl_divergence"])
def test_class_weights_of_wrong_length(name):
    loss = keras_losses.get(name, class_weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="^keras_losses: class_weights has 2 entries but y_pred has 3 classes.$"):
        loss(np.array([0, 1]), np.full((2, 3), 1 / 3, "float32"))


@pytest.mark.parametrize("name", ["logit_adjusted", "balanced_softmax", "ldam"])
def test_class_counts_of_wrong_length_is_one_line(name):
    loss = keras_losses.get(name, class_counts=[10, 1])
    with pytest.raises(ValueError, match="^keras_losses: class_counts has 2 entries but y_pred has 3 classes.$"):
        loss(np.array([0, 1]), np.full((2, 3), 1 / 3, "float32"))
    with pytest.raises(ValueError, match="^keras_losses: class_counts has 2 entries but y_pred has 3 classes.$"):
        getattr(keras_losses, name)(np.array([0, 1]), np.full((2, 3), 1 / 3, "float32"), class_counts=[10, 1])


@pytest.mark.parametrize("name", ["logit_adjusted", "balanced_softmax", "ldam"])
def test_missing_class_counts_is_one_line_saying_what_to_pass(name):
    for build in (lambda: keras_losses.get(name), lambda: keras_losses.registry.LOSSES[name].cls(from_logits=True)):
        with pytest.raises(ValueError) as error:
            build()
        assert "\n" not in str(error.value)
        assert f'pass keras_losses.get("{name}", class_counts=[...]) as the loss.' in str(error.value)
    with pytest.raises(ValueError, match=f'needs `class_counts`.*keras_losses.get\\("{name}"'):
        getattr(keras_losses, name)(np.array([0]), np.zeros((1, 3), "float32"))
