"""Prior-aware losses and class weights: identities, hand-computed weights, counts as configuration.

Values against the reference for every configuration are in test_values.py (the
prior-aware losses and class weights on every loss are among its cases).
"""

import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import batch, class_counts, reference


def per_example(name, y_true, logits, **config):
    loss = keras_losses.for_logits(name, reduction=None, **config)
    return np.asarray(loss(y_true, np.asarray(logits, "float32")), dtype="float64")


COUNTS = class_counts(5)


def test_balanced_softmax_is_logit_adjustment_at_tau_one():
    labels, _, logits = batch(seed=40)
    np.testing.assert_allclose(
        per_example("balanced_softmax", labels, logits, class_counts=COUNTS),
        per_example("logit_adjusted", labels, logits, class_counts=COUNTS, tau=1.0),
        rtol=1e-5,
    )


@pytest.mark.parametrize("name", ["logit_adjusted", "balanced_softmax", "ldam"])
def test_counts_or_priors_give_the_same_loss(name):
    labels, _, logits = batch(seed=41)
    priors = list(np.asarray(COUNTS) / np.sum(COUNTS))
    np.testing.assert_allclose(
        per_example(name, labels, logits, class_counts=COUNTS),
        per_example(name, labels, logits, class_counts=priors),
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    "name, neutral", [("logit_adjusted", {"tau": 0.0}), ("ldam", {"max_margin": 0.0, "scale": 1.0})]
)
def test_without_adjustment_it_is_log_loss(name, neutral):
    labels, _, logits = batch(seed=42)
    np.testing.assert_allclose(
        per_example(name, labels, logits, class_counts=COUNTS, **neutral),
        per_example("log_loss", labels, logits),
        rtol=1e-5,
    )


def test_ldam_margins_by_hand():
    # n^(−1/4) for 10000, 625, 16, 1: 0.1, 0.2, 0.5, 1; the rarest class gets C = 0.5.
    np.testing.assert_allclose(keras_losses.ldam_margins([10000, 625, 16, 1]), [0.05, 0.1, 0.25, 0.5])
    np.testing.assert_allclose(keras_losses.ldam_margins([16, 1], max_margin=1.0), [0.5, 1.0])


def test_class_balanced_weights_by_hand():
    # β = 0.5, n = 1, 2, 3: (1 − β)/(1 − β^n) = 1, 2/3, 4/7; sum 47/21, scaled to sum 3.
    np.testing.assert_allclose(
        keras_losses.class_balanced_weights([1, 2, 3], beta=0.5), [63 / 47, 42 / 47, 36 / 47], rtol=1e-12
    )
    # β = 0: every class counts as one example.
    assert keras_losses.class_balanced_weights([1000, 10, 1], beta=0.0) == [1.0, 1.0, 1.0]
    # The default β = 0.9999 on CIFAR-10-LT's ρ = 100 counts, against the reference.
    cifar = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]
    weights = keras_losses.class_balanced_weights(cifar)
    np.testing.assert_allclose(weights, reference.class_balanced_weights(cifar), rtol=1e-9)
    assert sum(weights) == pytest.approx(10) and all(isinstance(w, float) for w in weights)


def test_inverse_frequency_weights_by_hand():
    # 1/n for 1, 2, 4: 1, 1/2, 1/4 (sum 7/4), scaled to sum 3.
    np.testing.assert_allclose(keras_losses.inverse_frequency_weights([1, 2, 4]), [12 / 7, 6 / 7, 3 / 7])
    # Priors or counts: the same weights.
    np.testing.assert_allclose(
        keras_losses.inverse_frequency_weights([0.5, 0.25, 0.25]), keras_losses.inverse_frequency_weights([2, 1, 1])
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: keras_losses.class_balanced_weights([10, -1]), "`class_counts` must be K positive finite numbers"),
        (lambda: keras_losses.class_balanced_weights([10, 1], beta=1.0), r"`beta` must be in \[0, 1\)"),
        (lambda: keras_losses.inverse_frequency_weights("abc"), "`class_counts` must be a sequence of K positive"),
    ],
)
def test_bad_counts_for_weights(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_focal_per_class_alpha_is_class_weights():
    labels, one_hot, logits = batch(seed=43)
    alpha = keras_losses.class_balanced_weights(COUNTS, beta=0.99)
    want = reference.focal(one_hot, logits) * np.asarray(alpha)[labels]
    np.testing.assert_allclose(per_example("focal", labels, logits, class_weights=alpha), want, rtol=1e-5, atol=1e-7)


def test_class_weights_are_applied_once_for_batch_level_and_keras_losses():
    labels, one_hot, logits = batch(seed=44)
    weights = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    for name in ("logistic_inr", "kl_divergence", "log_loss"):
        plain = per_example(name, labels, logits)
        weighted = per_example(name, labels, logits, class_weights=list(weights))
        np.testing.assert_allclose(weighted, plain * weights[labels], rtol=1e-5, err_msg=name)


def test_logit_adjustment_by_hand():
    """At equal logits an example of the rare class costs log(1 + n_0/n_1), one of the common class log(1 + n_1/n_0)."""
    counts = [1000.0, 10.0]
    y = np.array([1, 0])
    logits = np.zeros((2, 2))
    adjusted = per_example("logit_adjusted", y, logits, class_counts=counts)
    # z + log π: the rare class (index 1) starts log 100 behind, so its example costs more.
    np.testing.assert_allclose(adjusted, [np.log1p(100.0), np.log1p(0.01)], rtol=1e-5)
