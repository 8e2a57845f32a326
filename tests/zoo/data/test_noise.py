"""Tests of zoo.data.noise: label flips and Gaussian input noise."""

import numpy as np
import pytest

from zoo.data import noise

K = 10
Y = np.arange(10_000) % K


@pytest.mark.parametrize("kind", ["symmetric", "pair"])
@pytest.mark.parametrize("rate", [0.1, 0.4])
def test_realised_fraction_close_to_rate(kind, rate):
    noisy, fraction = noise.flip_labels(Y, K, rate, kind=kind, seed=0)
    assert fraction == pytest.approx(np.mean(noisy != Y))
    assert abs(fraction - rate) < 0.02
    assert noisy.dtype == np.int32 and noisy.shape == Y.shape


def test_symmetric_flips_to_uniform_other_class():
    noisy, _ = noise.flip_labels(Y, K, 0.5, kind="symmetric", seed=1)
    flipped = noisy != Y
    offsets = (noisy[flipped] - Y[flipped]) % K
    counts = np.bincount(offsets, minlength=K)
    assert counts[0] == 0  # Never "flipped" onto the same class.
    expected = flipped.sum() / (K - 1)
    assert np.all(np.abs(counts[1:] - expected) < 0.2 * expected)


def test_pair_maps_k_to_k_plus_one():
    noisy, fraction = noise.flip_labels(Y, K, 0.3, kind="pair", seed=0)
    flipped = noisy != Y
    np.testing.assert_array_equal(noisy[flipped], (Y[flipped] + 1) % K)
    assert fraction > 0.25
    assert np.any(noisy[Y == K - 1] == 0)  # Wraps around.


def test_seeded_reproducibility():
    a, _ = noise.flip_labels(Y, K, 0.3, seed=5)
    b, _ = noise.flip_labels(Y, K, 0.3, seed=5)
    c, _ = noise.flip_labels(Y, K, 0.3, seed=6)
    np.testing.assert_array_equal(a, b)
    assert np.any(a != c)


def test_rate_zero_is_identity():
    noisy, fraction = noise.flip_labels(Y, K, 0.0, seed=0)
    np.testing.assert_array_equal(noisy, Y)
    assert fraction == 0.0


def test_input_is_not_modified():
    y = Y.copy()
    noise.flip_labels(y, K, 0.5, seed=0)
    np.testing.assert_array_equal(y, Y)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_bad_rate(rate):
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        noise.flip_labels(Y, K, rate)


def test_bad_kind():
    with pytest.raises(ValueError, match="Unknown label noise kind 'asym'.*symmetric.*pair"):
        noise.flip_labels(Y, K, 0.1, kind="asym")


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        noise.flip_labels(np.array([0, 1, 3]), 3, 0.1)


def test_symmetric_rate_above_limit_warns():
    with pytest.warns(UserWarning, match=r"\(K-1\)/K"):
        noise.flip_labels(np.array([0, 1] * 50), 2, 0.6)


def test_gaussian_noise_statistics_and_seed():
    x = np.zeros((200, 50), dtype=np.float32)
    noisy = noise.add_gaussian_noise(x, 0.5, seed=0)
    assert noisy.dtype == np.float32 and noisy.shape == x.shape
    assert abs(noisy.mean()) < 0.02
    assert noisy.std() == pytest.approx(0.5, rel=0.03)
    np.testing.assert_array_equal(noisy, noise.add_gaussian_noise(x, 0.5, seed=0))
    assert np.any(noisy != noise.add_gaussian_noise(x, 0.5, seed=1))
    np.testing.assert_array_equal(x, 0.0)  # Input untouched.


def test_gaussian_noise_zero_sigma_and_errors():
    x = np.ones((3, 2), dtype=np.float32)
    out = noise.add_gaussian_noise(x, 0.0)
    np.testing.assert_array_equal(out, x)
    assert out is not x
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        noise.add_gaussian_noise(x, -1.0)
