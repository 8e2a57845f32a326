"""zoo.data.task_noise: realised rates within binomial tolerance, seeded, ignored positions untouched."""

import doctest

import numpy as np
import pytest

from zoo.data import noise, task_noise


def _within_binomial(fraction, rate, n, sigmas=4.0):
    return abs(fraction - rate) <= sigmas * np.sqrt(rate * (1 - rate) / n)


def _multi_hot(seed=0, n=3000, k=6):
    return (np.random.default_rng(seed).random((n, k)) < 0.3).astype(np.int64)


def _masks(seed=0, k=5, ignore_class=255):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=(40, 24, 24)).astype(np.uint8)
    y[rng.random(y.shape) < 0.2] = ignore_class
    return y


def test_docstring_examples_run():
    result = doctest.testmod(task_noise)
    assert result.attempted > 0 and result.failed == 0


def test_symmetric_bit_flips_both_ways_at_the_rate():
    y = _multi_hot()
    noisy, info = task_noise.corrupt_task_labels(y, "multi_label", 0.1, "symmetric", seed=3)
    assert _within_binomial(np.mean(noisy != y), 0.1, y.size)
    assert _within_binomial(np.mean(noisy[y == 1] == 0), 0.1, int((y == 1).sum()))
    assert _within_binomial(np.mean(noisy[y == 0] == 1), 0.1, int((y == 0).sum()))
    assert info == {
        "task": "multi_label",
        "noise_type": "symmetric",
        "rate": 0.1,
        "realised_fraction": round(float(np.mean(noisy != y)), 6),
        "positions": y.size,
    }
    assert noisy.dtype == y.dtype


def test_missing_labels_drop_positives_only():
    y = _multi_hot(1)
    noisy, info = task_noise.corrupt_task_labels(y, "multi_label", 0.3, "missing", seed=4)
    assert np.all(noisy[y == 0] == 0)
    dropped = np.mean(noisy[y == 1] == 0)
    assert _within_binomial(dropped, 0.3, int((y == 1).sum()))
    assert info["realised_fraction"] == round(float(dropped), 6) and info["positions"] == int(y.sum())


@pytest.mark.parametrize(
    "task, y, noise_type", [("multi_label", _multi_hot(), "symmetric"), ("dense", _masks(), "symmetric")]
)
def test_the_seed_decides_the_noise(task, y, noise_type):
    kwargs = {"ignore_class": 255} if task == "dense" else {}
    first, _ = task_noise.corrupt_task_labels(y, task, 0.2, noise_type, seed=7, **kwargs)
    again, _ = task_noise.corrupt_task_labels(y, task, 0.2, noise_type, seed=7, **kwargs)
    other, _ = task_noise.corrupt_task_labels(y, task, 0.2, noise_type, seed=8, **kwargs)
    np.testing.assert_array_equal(first, again)
    assert np.any(first != other)


def test_dense_symmetric_noise_changes_non_ignored_positions_at_the_rate():
    y = _masks()
    kept = y != 255
    noisy, info = task_noise.corrupt_task_labels(y, "dense", 0.25, "symmetric", seed=0, ignore_class=255)
    np.testing.assert_array_equal(noisy[~kept], y[~kept])
    assert np.all(noisy[kept] < 5)
    changed = np.mean(noisy[kept] != y[kept])
    assert _within_binomial(changed, 0.25, int(kept.sum()))
    assert info["realised_fraction"] == pytest.approx(changed)
    assert (info["positions"], info["ignore_class"], noisy.shape, noisy.dtype) == (
        int(kept.sum()),
        255,
        y.shape,
        y.dtype,
    )
    # Each class's positions move to the other classes alike.
    moved = noisy[kept & (y == 2) & (noisy != y)]
    assert set(np.unique(moved)) == {0, 1, 3, 4}


def test_dense_class_map_moves_only_mapped_classes_to_their_targets():
    y = _masks(1)
    kept = y != 255
    noisy, info = task_noise.corrupt_task_labels(
        y, "dense", 0.4, "asymmetric", seed=2, ignore_class=255, class_map={1: 2, 3: 0}
    )
    np.testing.assert_array_equal(noisy[~kept], y[~kept])
    for source, target in ((1, 2), (3, 0)):
        members = kept & (y == source)
        assert set(np.unique(noisy[members])) == {source, target}
        assert _within_binomial(np.mean(noisy[members] == target), 0.4, int(members.sum()))
    for unmapped in (0, 2, 4):
        np.testing.assert_array_equal(noisy[y == unmapped], unmapped)
    assert info["noise_type"] == "asymmetric" and info["matrix"][1][2] == pytest.approx(0.4)


def test_dense_transition_matrix_is_drawn_per_position():
    y = _masks(2, k=3)
    matrix = np.array([[0.7, 0.2, 0.1], [0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    noise_type = noise.matrix_condition(matrix)[1]
    noisy, info = task_noise.corrupt_task_labels(y, "dense", 0.0, noise_type, seed=1, ignore_class=255, matrix=matrix)
    kept = y != 255
    np.testing.assert_array_equal(noisy[~kept], 255)
    counts = np.array(info["realised_counts"])
    np.testing.assert_array_equal(counts, noise.transition_counts(y[kept], noisy[kept], 3))
    rows = counts / counts.sum(axis=1, keepdims=True)
    assert np.all(
        np.abs(rows - matrix) <= 4 * np.sqrt(matrix * (1 - matrix) / counts.sum(axis=1, keepdims=True)) + 1e-12
    )


def test_dense_without_ignore_class_touches_every_position():
    y = _masks(3) % 5
    noisy, info = task_noise.corrupt_task_labels(y, "dense", 0.5, "pair", seed=0)
    assert np.all((noisy == y) | (noisy == (y + 1) % 5))
    assert info["positions"] == y.size and info["ignore_class"] is None


def test_single_label_keeps_the_existing_noise():
    y = np.arange(200) % 4
    noisy, info = task_noise.corrupt_task_labels(y, "single_label", 0.3, "pair", seed=5)
    expected, fraction = noise.flip_labels(y, 4, 0.3, "pair", seed=5)
    np.testing.assert_array_equal(noisy, expected)
    assert info["realised_fraction"] == fraction and info["task"] == "single_label"


@pytest.mark.parametrize(
    "task, y, noise_type, kwargs, message",
    [
        (
            "dense",
            _masks(),
            "missing",
            {"ignore_class": 255},
            "Label noise 'missing' is not meaningful for dense labels",
        ),
        (
            "multi_label",
            _multi_hot(),
            "pair",
            {},
            r"'pair' is not meaningful for multi_label labels; use one of symmetric, missing\.",
        ),
        ("multi_label", _multi_hot(), "asymmetric", {}, "not meaningful for multi_label"),
        ("dense", _masks(), "human:worst", {"ignore_class": 255}, "not meaningful for dense"),
        ("single_label", np.arange(4), "missing", {}, "not meaningful for single_label"),
        ("multi_label", _multi_hot(), "symmetric", {"rate": 1.0}, r"rate must be in \[0, 1\), got 1\.0"),
        ("multi_label", np.array([[0, 2]]), "symmetric", {}, "must be 0 or 1"),
        ("dense", _masks(), "symmetric", {"num_classes": 5}, r"Mask values must be in \[0, 5\), found 255"),
        ("dense", _masks() % 5, "symmetric", {"num_classes": 3}, r"Mask values must be in \[0, 3\)"),
        ("dense", _masks() % 5, "asymmetric", {}, "No published asymmetric noise map"),
        ("segmentation", _masks(), "symmetric", {}, "Unknown task 'segmentation'"),
    ],
)
def test_noise_not_meaningful_for_the_task_is_a_one_line_error(task, y, noise_type, kwargs, message):
    rate = kwargs.pop("rate", 0.1)
    with pytest.raises(ValueError, match=message) as caught:
        task_noise.corrupt_task_labels(y, task, rate, noise_type, **kwargs)
    assert "\n" not in str(caught.value)
