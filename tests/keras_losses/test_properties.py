"""Property tests (hypothesis): finiteness, minimum at the target, label
formats, sample weights and reductions."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import keras_losses
from tests.keras_losses.helpers import for_logits, get, reference

ALL = keras_losses.all_names()
PROPERTY_SETTINGS = settings(max_examples=25, deadline=None)


@st.composite
def labelled_logits(draw, max_classes=6, max_batch=6, bound=50.0):
    k = draw(st.integers(2, max_classes))
    b = draw(st.integers(1, max_batch))
    logits = draw(arrays("float32", (b, k), elements=st.floats(-bound, bound, width=32)))
    labels = draw(arrays("int64", (b,), elements=st.integers(0, k - 1)))
    return labels, logits


@pytest.mark.parametrize("name", ALL)
@PROPERTY_SETTINGS
@given(data=labelled_logits())
def test_value_is_finite(name, data):
    labels, logits = data
    value = np.asarray(for_logits(name, logits.shape[1], reduction=None)(labels, logits))
    assert np.all(np.isfinite(value))


@pytest.mark.parametrize("name", ALL)
@PROPERTY_SETTINGS
@given(data=labelled_logits())
def test_sparse_equals_one_hot(name, data):
    labels, logits = data
    loss = for_logits(name, logits.shape[1], reduction=None)
    one_hot = np.eye(logits.shape[1], dtype="float32")[labels]
    np.testing.assert_allclose(
        np.asarray(loss(labels, logits)), np.asarray(loss(one_hot, logits)), rtol=1e-6, atol=1e-6
    )


def _at_target(name, one_hot):
    """The model output that represents the target for loss `name`."""
    acts_on = keras_losses.describe(name)["acts_on"]
    if acts_on == "raw outputs":
        # L1/L2 are minimised at o = y; the margin-½ hinges at o = ±½ or beyond.
        return one_hot if name in ("l1", "l2") else (2 * one_hot - 1) * 1.0
    return one_hot  # probabilities (softmax or sigmoid) equal to the target


# categorical_hinge (Keras) has margin 1 on raw outputs; poisson's minimum on
# the simplex is not at one-hot targets; vs is a cross-entropy of the raw logits,
# with no minimum at finite outputs (larger margins always lower it): none is in this property.
class _PlainKerasLoss(keras.losses.Loss):
    def __init__(self, function):
        super().__init__(reduction="sum_over_batch_size")
        self.function = function

    def call(self, y_true, y_pred):
        return self.function(y_true, y_pred)


MINIMUM_AT_TARGET = [n for n in ALL if n not in ("categorical_hinge", "poisson", "vs")]


@pytest.mark.parametrize("name", MINIMUM_AT_TARGET)
@PROPERTY_SETTINGS
@given(data=labelled_logits(bound=5.0))
def test_minimum_at_the_target(name, data):
    labels, logits = data
    one_hot = np.eye(logits.shape[1], dtype="float32")[labels]
    loss = get(name, logits.shape[1], reduction=None)
    acts_on = keras_losses.describe(name)["acts_on"]
    if acts_on.startswith("softmax"):
        other = reference.softmax(logits.astype("float64")).astype("float32")
    elif acts_on.startswith("sigmoid"):
        other = reference.sigmoid(logits.astype("float64")).astype("float32")
    else:
        other = logits
    best = np.asarray(loss(labels, _at_target(name, one_hot)))
    assert np.all(best <= np.asarray(loss(labels, other)) + 1e-5)


@pytest.mark.parametrize("name", ALL)
@PROPERTY_SETTINGS
@given(data=labelled_logits(), seed=st.integers(0, 2**16))
def test_sample_weights_and_reductions_behave_as_keras(name, data, seed):
    labels, logits = data
    weights = np.random.default_rng(seed).uniform(0, 2, size=len(labels)).astype("float32")
    k = logits.shape[1]
    per_example = np.asarray(for_logits(name, k, reduction=None)(labels, logits), "float64")
    weighted = per_example * weights
    expected = {
        "sum": weighted.sum(),
        "sum_over_batch_size": weighted.sum() / len(labels),
        "mean_with_sample_weight": weighted.sum() / weights.sum() if weights.sum() else 0.0,
    }
    for reduction, want in expected.items():
        got = for_logits(name, k, reduction=reduction)(labels, logits, sample_weight=weights)
        np.testing.assert_allclose(float(got), want, rtol=1e-4, atol=1e-4, err_msg=reduction)
    # The Keras base class is what applies them: same numbers as a plain
    # Keras loss whose call() is our per-example function.
    wrapped = _PlainKerasLoss(for_logits(name, k, reduction=None).call)
    np.testing.assert_allclose(
        float(for_logits(name, k)(labels, logits, sample_weight=weights)),
        float(wrapped(labels, logits, sample_weight=weights)),
        rtol=1e-5,
        atol=1e-6,
    )
