"""Identities between losses stated by the papers and the loss catalogue (docs/losses/)."""

import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import batch, reference


def per_example(name, y_true, logits, **config):
    loss = keras_losses.for_logits(name, reduction=None, **config)
    return np.asarray(loss(y_true, np.asarray(logits, "float32")), dtype="float64")


def test_expectation_is_twice_the_misclassification_probability():
    labels, _, logits = batch(seed=10)
    p_t = reference.softmax(logits)[np.arange(len(labels)), labels]
    np.testing.assert_allclose(per_example("expectation", labels, logits), 2 * (1 - p_t), rtol=1e-5)


@pytest.mark.parametrize("q", [1e-2, 1e-3, 1e-4])
def test_gce_tends_to_log_loss_as_q_goes_to_zero(q):
    labels, _, logits = batch(seed=11, scale=1.0)
    gap = np.abs(per_example("gce", labels, logits, q=q) - per_example("log_loss", labels, logits))
    # (1 − p^q)/q = −log p − q·log²p/2 + O(q²): the gap shrinks linearly in q.
    log_p_t = np.log(reference.softmax(logits)[np.arange(len(labels)), labels])
    assert np.all(gap <= q * log_p_t**2 + 1e-3)


def test_gce_with_q_one_is_one_minus_target_probability():
    labels, _, logits = batch(seed=12)
    p_t = reference.softmax(logits)[np.arange(len(labels)), labels]
    np.testing.assert_allclose(per_example("gce", labels, logits, q=1.0), 1 - p_t, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, config", [("focal", {"gamma": 0.0}), ("poly1", {"epsilon": 0.0})])
def test_reduces_to_log_loss(name, config):
    labels, _, logits = batch(seed=13)
    np.testing.assert_allclose(
        per_example(name, labels, logits, **config),
        per_example("log_loss", labels, logits),
        rtol=1e-6,
    )


def test_kl_divergence_equals_log_loss_for_one_hot_labels():
    labels, _, logits = batch(seed=16, scale=1.0)
    np.testing.assert_allclose(
        per_example("kl_divergence", labels, logits),
        per_example("log_loss", labels, logits),
        rtol=1e-4,
    )


def test_bounds_of_tanimoto_and_cauchy_schwarz():
    labels, one_hot, logits = batch(seed=17, batch_size=64, scale=5.0)
    tanimoto = per_example("tanimoto", labels, logits)
    assert np.all((tanimoto >= -1) & (tanimoto <= 0))
    assert np.all(per_example("cauchy_schwarz", labels, logits) >= -1e-6)
    # Both reach their minimum exactly when p = y (for probabilities).
    at_target = keras_losses.get("cauchy_schwarz", reduction=None)(labels, one_hot.astype("float32"))
    np.testing.assert_allclose(np.asarray(at_target), 0.0, atol=1e-6)
    at_target = keras_losses.get("tanimoto", reduction=None)(labels, one_hot.astype("float32"))
    np.testing.assert_allclose(np.asarray(at_target), -1.0, atol=1e-6)


def test_sce_reverse_term_for_one_hot_labels():
    labels, _, logits = batch(seed=18)
    p_t = reference.softmax(logits)[np.arange(len(labels)), labels]
    want = -np.log(1e-4) * (1 - p_t)
    got = per_example("sce", labels, logits, alpha=0.0, beta=1.0)
    np.testing.assert_allclose(got, want, rtol=1e-5)
