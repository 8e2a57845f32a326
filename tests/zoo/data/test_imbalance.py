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
