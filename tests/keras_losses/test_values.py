"""Loss values against the independent float64 NumPy reference."""

import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import (
    batch,
    case_id,
    cases,
    for_logits,
    get,
    needed_config,
    reference,
    reference_values,
)

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
@pytest.mark.parametrize("label_format", ["one_hot", "sparse", "sparse_column"])
def test_per_example_values_match_reference_on_logits(case, label_format):
    name, config = case
    labels, one_hot, logits = batch(seed=1)
    y_true = {
        "one_hot": one_hot,
        "sparse": labels,
        "sparse_column": labels[:, None],
    }[label_format]
    loss = keras_losses.for_logits(name, reduction=None, **config)
    got = np.asarray(loss(y_true, logits.astype("float32")))
    want = reference_values(name, one_hot, logits, config)
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


PROBABILITY_LOSSES = [n for n in keras_losses.all_names() if keras_losses.takes_from_logits(n)]


@pytest.mark.parametrize("name", PROBABILITY_LOSSES)
def test_probability_input_matches_logit_input(name):
    labels, one_hot, logits = batch(seed=2, scale=1.5)
    probabilities = reference.softmax(logits)
    if keras_losses.describe(name)["acts_on"].startswith("sigmoid"):
        probabilities = reference.sigmoid(logits)
    on_probabilities = get(name, reduction=None)
    got = np.asarray(on_probabilities(labels, probabilities.astype("float32")))
    want = reference_values(name, one_hot, logits, needed_config(name))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_soft_labels_match_reference():
    rng = np.random.default_rng(3)
    soft = rng.dirichlet(np.ones(5), size=8)
    logits = rng.normal(size=(8, 5))
    for name in [
        "l1",
        "l2",
        "expectation",
        "regularized_expectation",
        "chebyshev",
        "log_loss",
        "squared_log",
        "tanimoto",
        "cauchy_schwarz",
        "logistic",
        "poly1",
        "sce",
        "nce_rce",
        "focal",
        "gce",
        "logit_adjusted",
        "balanced_softmax",
        "ldam",
    ]:
        got = np.asarray(for_logits(name, reduction=None)(soft, logits.astype("float32")))
        want = reference_values(name, soft, logits, needed_config(name))
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, err_msg=name)


def test_default_reduction_is_batch_mean():
    labels, one_hot, logits = batch(seed=4)
    for name in keras_losses.names():
        value = float(for_logits(name)(labels, logits.astype("float32")))
        want = reference_values(name, one_hot, logits, needed_config(name)).mean()
        np.testing.assert_allclose(value, want, rtol=2e-5, atol=2e-5, err_msg=name)
