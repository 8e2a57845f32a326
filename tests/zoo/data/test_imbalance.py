"""zoo.data.imbalance: the long-tail profiles, exact counts for a seed, and bad input."""

import math

import numpy as np
import pytest

from zoo.data import imbalance

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_exponential_profile_is_the_literatures_formula():
    counts = imbalance.long_tail_counts(MNIST_TRAIN_COUNTS, 100)
    n_max = max(MNIST_TRAIN_COUNTS)
    expected = [min(have, math.floor(n_max * 100 ** (-i / 9))) for i, have in enumerate(MNIST_TRAIN_COUNTS)]
    assert counts == expected
    assert counts[0] == 5923 and counts[-1] == 67  # The plain-Keras probe: 5923 ... 67.
    assert counts == sorted(counts, reverse=True)


def test_step_profile_halves_the_classes():
    assert imbalance.long_tail_counts([100] * 5, 10, "step") == [100, 100, 100, 10, 10]


def test_subsample_is_exact_and_seeded():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=2000)
    kept = imbalance.subsample(y, 4, 10.0, seed=3)
    counts = np.bincount(y[kept], minlength=4).tolist()
    assert counts == imbalance.long_tail_counts(np.bincount(y, minlength=4), 10.0)
    np.testing.assert_array_equal(kept, imbalance.subsample(y, 4, 10.0, seed=3))
    assert not np.array_equal(kept, imbalance.subsample(y, 4, 10.0, seed=4))
    assert (np.diff(kept) > 0).all()


def test_ratio_one_keeps_everything():
    y = np.array([0, 1, 1, 2])
    np.testing.assert_array_equal(imbalance.subsample(y, 3, 1), np.arange(4))


@pytest.mark.parametrize("ratio, profile, message", [(0.5, "exponential", ">= 1"), (10, "linear", "one of")])
def test_bad_values_are_one_line_errors(ratio, profile, message):
    with pytest.raises(ValueError, match=message):
        imbalance.long_tail_counts([10, 10], ratio, profile)


def test_load_subsamples_training_and_validation_and_leaves_test_untouched():
    from zoo.data import datasets

    balanced = datasets.load("digits", seed=1)
    data = datasets.load("digits", seed=1, imbalance_ratio=10)

    def raw(d, x):  # Undo the standardisation (each load uses its own training statistics).
        norm = d.info["normalisation"]
        return x * np.asarray(norm["std"]) + np.asarray(norm["mean"])

    np.testing.assert_allclose(raw(data, data.x_test), raw(balanced, balanced.x_test), atol=1e-4)
    np.testing.assert_array_equal(data.y_test, balanced.y_test)
    pool = np.concatenate([balanced.y_train, balanced.y_val])
    expected = imbalance.long_tail_counts(np.bincount(pool, minlength=10), 10)
    counts = np.bincount(np.concatenate([data.y_train, data.y_val]), minlength=10)
    assert counts.tolist() == expected
    val_counts = np.bincount(data.y_val, minlength=10)
    assert val_counts[0] > 3 * val_counts[9]  # Validation is as long-tailed as training.
    assert data.info["imbalance"] == {"ratio": 10, "profile": "exponential", "splits": ["train", "val"]}
    assert data.info["train_class_counts"] == np.bincount(data.y_train, minlength=10).tolist()
    again = datasets.load("digits", seed=1, imbalance_ratio=10)
    np.testing.assert_array_equal(again.y_train, data.y_train)
