"""Tests of zoo.datasets: splits, normalisation, noise, toy sets, npz and TFDS."""

import socket

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
import urllib3
from sklearn.datasets import load_digits

from zoo.data import datasets


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits", seed=0)


def _raw(data, x):
    """Undoes the standardisation of `x` (inputs as scaled by the source)."""
    norm = data.info["normalisation"]
    return x * np.array(norm["std"], np.float32) + np.array(norm["mean"], np.float32)


def _sorted_rows(x):
    rows = np.round(x.reshape(len(x), -1), 4)
    return rows[np.lexsort(rows.T[::-1])]


def test_digits_shapes_and_types(digits):
    assert digits.name == "digits" and digits.num_classes == 10 and digits.input_shape == (8, 8, 1)
    sizes = digits.info["sizes"]
    assert sizes == {"train": len(digits.y_train), "val": len(digits.y_val), "test": len(digits.y_test)}
    assert sum(sizes.values()) == 1797
    assert sizes["test"] == 450  # 25%.
    assert sizes["val"] == pytest.approx(0.2 * (1797 - 450), abs=1)
    for x in (digits.x_train, digits.x_val, digits.x_test):
        assert x.dtype == np.float32 and x.shape[1:] == (8, 8, 1)
    for y in (digits.y_train, digits.y_val, digits.y_test):
        assert y.dtype == np.int32 and set(np.unique(y)) == set(range(10))


def test_digits_standardised_with_train_statistics(digits):
    assert abs(digits.x_train.mean()) < 1e-5
    assert digits.x_train.std() == pytest.approx(1.0, abs=1e-4)
    raw = _raw(digits, digits.x_train)
    assert raw.min() == pytest.approx(0.0, abs=1e-5) and raw.max() == pytest.approx(1.0, abs=1e-5)  # /16.
    assert abs(digits.x_test.mean()) < 0.1  # Same statistics, not the test split's own.
    assert digits.x_test.mean() != pytest.approx(0.0, abs=1e-5)


def test_digits_splits_partition_the_dataset(digits):
    parts = np.concatenate([_raw(digits, x) for x in (digits.x_train, digits.x_val, digits.x_test)])
    original = load_digits().images[..., None] / 16.0
    np.testing.assert_allclose(_sorted_rows(parts), _sorted_rows(original), atol=1e-3)


def test_digits_test_split_fixed_and_val_split_seeded(digits):
    other = datasets.load("digits", seed=1)
    np.testing.assert_array_equal(other.y_test, digits.y_test)
    np.testing.assert_allclose(_raw(other, other.x_test), _raw(digits, digits.x_test), atol=1e-5)
    assert not np.allclose(_raw(other, other.x_val), _raw(digits, digits.x_val))
    again = datasets.load("digits", seed=0)
    np.testing.assert_array_equal(again.x_val, digits.x_val)


def test_pipelines(digits):
    x, y = next(iter(digits.train))
    assert x.shape == (128, 8, 8, 1) and x.dtype == tf.float32 and y.dtype == tf.int32
    epoch_1 = np.concatenate([y for _, y in digits.train.as_numpy_iterator()])
    epoch_2 = np.concatenate([y for _, y in digits.train.as_numpy_iterator()])
    assert len(epoch_1) == len(digits.y_train)
    np.testing.assert_array_equal(np.sort(epoch_1), np.sort(digits.y_train))
    assert np.any(epoch_1 != epoch_2)  # Reshuffled each epoch.
    val = np.concatenate([y for _, y in digits.val.as_numpy_iterator()])
    np.testing.assert_array_equal(val, digits.y_val)  # Not shuffled.
    test_x = np.concatenate([x for x, _ in digits.test.as_numpy_iterator()])
    np.testing.assert_array_equal(test_x, digits.x_test)
    small = datasets.load("digits", batch_size=32)
    assert next(iter(small.val))[0].shape[0] == 32


def test_label_noise_only_on_train(digits):
    noisy = datasets.load("digits", seed=0, label_noise=0.4, noise_type="pair")
    np.testing.assert_array_equal(noisy.y_val, digits.y_val)
    np.testing.assert_array_equal(noisy.y_test, digits.y_test)
    np.testing.assert_array_equal(noisy.y_train_clean, digits.y_train)
    changed = noisy.y_train != digits.y_train
    fraction = noisy.info["label_noise"]["realised_fraction"]
    assert fraction == pytest.approx(changed.mean()) and abs(fraction - 0.4) < 0.05
    np.testing.assert_array_equal(noisy.y_train[changed], (digits.y_train[changed] + 1) % 10)
    assert noisy.info["label_noise"] == {
        "rate": 0.4,
        "type": "pair",
        "realised_fraction": fraction,
        "splits": ["train"],
    }
    train_labels = np.concatenate([y for _, y in noisy.train.as_numpy_iterator()])
    np.testing.assert_array_equal(np.sort(train_labels), np.sort(noisy.y_train))


def test_input_noise_only_on_train(digits):
    noisy = datasets.load("digits", seed=0, input_noise=0.5)
    np.testing.assert_array_equal(noisy.x_val, digits.x_val)
    np.testing.assert_array_equal(noisy.x_test, digits.x_test)
    assert (noisy.x_train - digits.x_train).std() == pytest.approx(0.5, rel=0.05)
    assert noisy.info["input_noise"]["sigma"] == 0.5


@pytest.mark.parametrize(
    "name, classes", [("moons", 2), ("circles", 2), ("blobs", 3), ("spirals", 2), ("spirals:3", 3), ("blobs:5", 5)]
)
def test_toy_sets(name, classes):
    data = datasets.load(name)
    assert data.input_shape == (2,) and data.num_classes == classes
    assert sum(data.info["sizes"].values()) == 1000
    assert set(np.unique(data.y_train)) == set(range(classes))
    assert np.abs(data.x_train.mean(axis=0)).max() < 1e-5


def test_toy_options():
    a = datasets.load("spirals:3")
    b = datasets.load("spirals", num_classes=3)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    small = datasets.load("moons", n_samples=200, noise=0.0)
    assert sum(small.info["sizes"].values()) == 200
    with pytest.raises(ValueError, match="moons has \\(2,\\) classes, got 3"):
        datasets.load("moons:3")
    with pytest.raises(ValueError, match="conflicts with num_classes=4"):
        datasets.load("spirals:3", num_classes=4)
    with pytest.raises(ValueError, match="class count after 'blobs:'"):
        datasets.load("blobs:x")


def test_unknown_names():
    with pytest.raises(ValueError, match=r"Unknown dataset 'digit'\. Did you mean: 'digits'\?.*tfds:NAME, npz:PATH"):
        datasets.load("digit")
    with pytest.raises(ValueError, match="takes no ':' argument"):
        datasets.load("digits:3")
    assert "digits" in datasets.names() and "mnist" in datasets.names() and "npz" not in datasets.names()


def test_validation_split_bounds():
    with pytest.raises(ValueError, match="validation_split"):
        datasets.load("moons", validation_split=1.0)
    data = datasets.load("moons", validation_split=0.0)
    assert len(data.y_val) == 0 and len(data.y_train) == 750


def _write_npz(path, **arrays):
    np.savez(path, **arrays)
    return f"npz:{path}"


def test_npz(tmp_path):
    rng = np.random.default_rng(0)
    name = _write_npz(
        tmp_path / "d.npz",
        x_train=rng.integers(0, 256, (40, 6, 6), dtype=np.uint8),
        y_train=(np.arange(40) % 4).reshape(-1, 1),
        x_test=rng.integers(0, 256, (12, 6, 6), dtype=np.uint8),
        y_test=np.arange(12) % 4,
    )
    data = datasets.load(name, validation_split=0.25)
    assert data.input_shape == (6, 6, 1) and data.num_classes == 4
    assert data.info["sizes"] == {"train": 30, "val": 10, "test": 12}
    assert 0.0 <= _raw(data, data.x_train).min() and _raw(data, data.x_train).max() <= 1.0
    assert datasets.load("npz:d.npz", data_dir=str(tmp_path)).num_classes == 4
    assert datasets.load(name, num_classes=7).num_classes == 7


def test_npz_errors(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        datasets.load(f"npz:{missing}")
    x = np.zeros((8, 3), np.float32)
    name = _write_npz(tmp_path / "partial.npz", x_train=x, x_test=x, y_test=np.arange(8) % 2)
    with pytest.raises(ValueError, match=r"must hold the arrays x, y or x_train, y_train\[, x_test, y_test\]"):
        datasets.load(name)
    name = _write_npz(tmp_path / "half.npz", x_train=x, y_train=np.arange(8) % 2, x_test=x)
    with pytest.raises(ValueError, match="has x_test but no y_test: give both, or neither"):
        datasets.load(name)
    name = _write_npz(tmp_path / "big.npz", x_train=x, y_train=np.arange(8) % 2, x_test=x, y_test=np.arange(8))
    with pytest.raises(ValueError, match=r"test labels must be in \[0, 2\)"):
        datasets.load(name, num_classes=2)
    name = _write_npz(tmp_path / "float.npz", x_train=x, y_train=np.full(8, 0.5), x_test=x, y_test=np.zeros(8))
    with pytest.raises(ValueError, match="non-integral float labels"):
        datasets.load(name)
    with pytest.raises(ValueError, match="npz:PATH"):
        datasets.load("npz")


@pytest.mark.parametrize("name, shape, classes", [("mnist", (28, 28, 1), 10), ("tfds:cifar10", (32, 32, 3), 10)])
def test_tfds_with_mock_data(tmp_path, name, shape, classes):
    with tfds.testing.mock_data(num_examples=40, policy=tfds.testing.MockPolicy.USE_CODE):
        data = datasets.load(name, data_dir=str(tmp_path), batch_size=8)
    assert data.input_shape == shape and data.num_classes == classes
    assert data.info["sizes"] == {"train": 32, "val": 8, "test": 40}
    assert abs(data.x_train.mean()) < 1e-4
    raw = _raw(data, data.x_train)
    assert raw.min() >= -1e-5 and raw.max() <= 1 + 1e-5 and raw.max() > 0.5  # Scaled by 1/255.
    assert next(iter(data.train))[0].shape == (8, *shape)


def test_tfds_unknown_name():
    with pytest.raises(ValueError, match="Unknown TFDS dataset 'no_such_set'"):
        datasets.load("tfds:no_such_set")


@pytest.fixture
def no_network(monkeypatch):
    """Makes every socket connection and name lookup fail at once, without retry back-off."""

    def refuse(*args, **kwargs):
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # TFDS downloads through requests with urllib3 retries: several minutes of back-off.
    monkeypatch.setattr(urllib3.util.retry.Retry, "sleep", lambda self, response=None: None)


def _assert_unavailable(error, name, data_dir):
    message = str(error.value)
    assert isinstance(error.value, RuntimeError)
    assert f"Dataset '{name}' is not available offline" in message
    assert f"tfds.load('{name}', data_dir='{data_dir}')" in message
    assert "--data_dir" in message


def test_tfds_offline_error(tmp_path, no_network):
    with pytest.raises(datasets.DatasetUnavailableError) as error:
        datasets.load("fashion_mnist", data_dir=str(tmp_path))
    _assert_unavailable(error, "fashion_mnist", tmp_path)


def test_tfds_offline_error_on_connection_failure(tmp_path, monkeypatch):
    def fail_download(self, *args, **kwargs):
        raise ConnectionError(f"Failed to reach {self.name} download server")

    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", fail_download)
    with pytest.raises(datasets.DatasetUnavailableError, match="ConnectionError: Failed to reach mnist") as error:
        datasets.load("mnist", data_dir=str(tmp_path))
    _assert_unavailable(error, "mnist", tmp_path)
    assert isinstance(error.value.__cause__, ConnectionError)


# ---------------------------------------------------------------- class-dependent, matrix, human and validation noise


def test_asymmetric_noise_follows_the_map_on_train_only(digits):
    from zoo.data import noise

    noisy = datasets.load("digits", seed=0, label_noise=0.4, noise_type="asymmetric")
    np.testing.assert_array_equal(noisy.y_train_clean, digits.y_train)
    np.testing.assert_array_equal(noisy.y_val, digits.y_val)
    mapping = noise.asymmetric_map("mnist")
    changed = noisy.y_train != digits.y_train
    assert changed.any() and set(digits.y_train[changed]) <= set(mapping)
    assert all(noisy.y_train[i] == mapping[digits.y_train[i]] for i in np.flatnonzero(changed))
    info = noisy.info["label_noise"]
    counts = np.asarray(info["realised_counts"])
    np.testing.assert_array_equal(counts, noise.transition_counts(digits.y_train, noisy.y_train, 10))
    assert info["realised_fraction"] == pytest.approx(changed.mean()) and info["splits"] == ["train"]
    with pytest.raises(ValueError, match=r"No published asymmetric noise map for dataset 'moons'.*--noise_matrix"):
        datasets.load("moons", label_noise=0.2, noise_type="asymmetric")


def test_matrix_noise_is_seeded_and_checked_against_the_data(digits):
    from zoo.data import noise

    matrix = np.full((10, 10), 0.05) + np.eye(10) * 0.5
    _, kind = noise.matrix_condition(matrix)
    first = datasets.load("digits", seed=0, label_noise=0.45, noise_type=kind, noise_matrix=matrix)
    again = datasets.load("digits", seed=0, label_noise=0.45, noise_type=kind, noise_matrix=matrix)
    np.testing.assert_array_equal(first.y_train, again.y_train)
    reference, _ = noise.flip_by_matrix(digits.y_train, matrix, seed=[0, 1])
    np.testing.assert_array_equal(first.y_train, reference)
    assert first.info["label_noise"]["matrix"] == matrix.tolist()
    with pytest.raises(ValueError, match=r"is 3×3 but the data has 10 classes"):
        small = np.eye(3)
        datasets.load("digits", noise_type=noise.matrix_condition(small)[1], noise_matrix=small)


@pytest.mark.parametrize("noise_type", ["symmetric", "asymmetric"])
def test_noisy_validation_gets_the_training_noise(digits, noise_type):
    noisy = datasets.load("digits", seed=0, label_noise=0.4, noise_type=noise_type, noisy_validation=True)
    clean_val = datasets.load("digits", seed=0, label_noise=0.4, noise_type=noise_type)
    np.testing.assert_array_equal(noisy.y_train, clean_val.y_train)  # Training is unchanged.
    np.testing.assert_array_equal(noisy.y_test, digits.y_test)  # The test split stays clean.
    np.testing.assert_array_equal(noisy.x_val, digits.x_val)
    changed = noisy.y_val != digits.y_val
    info = noisy.info["label_noise"]
    assert info["splits"] == ["train", "val"] and info["val_realised_fraction"] == pytest.approx(changed.mean())
    assert 0.15 < changed.mean() < 0.6 if noise_type == "symmetric" else changed.any()
    val_labels = np.concatenate([y for _, y in noisy.val.as_numpy_iterator()])
    np.testing.assert_array_equal(val_labels, noisy.y_val)


@pytest.mark.parametrize("name, label_set, classes", [("cifar10_n", "worst", 10), ("cifar100_n", "noisy", 100)])
def test_human_labels_with_mock_data(tmp_path, name, label_set, classes):
    with tfds.testing.mock_data(num_examples=60, policy=tfds.testing.MockPolicy.USE_CODE):
        clean = datasets.load(name, data_dir=str(tmp_path), batch_size=8)
        human = datasets.load(
            name, data_dir=str(tmp_path), batch_size=8, noise_type=f"human:{label_set}", noisy_validation=True
        )
        source = datasets.DATASETS.get(name, data_dir=str(tmp_path))
    assert clean.num_classes == human.num_classes == classes and clean.input_shape == (32, 32, 3)
    assert clean.info["sizes"] == {"train": 48, "val": 12, "test": 60}
    np.testing.assert_array_equal(human.y_train_clean, clean.y_train)  # Clean labels kept for the noise rate.
    np.testing.assert_array_equal(human.y_test, clean.y_test)  # And for test.
    np.testing.assert_array_equal(human.x_train, clean.x_train)
    # Each example's human label is the mocked label set's entry of that same example (found by its pixels).
    pixels = lambda x: tuple(np.round(x.ravel() * 255).astype(int))  # noqa: E731
    lookup = {pixels(x): h for x, h in zip(source.x_train, source.human[label_set])}
    assert [lookup[pixels(x)] for x in _raw(human, human.x_train)] == human.y_train.tolist()
    assert human.info["label_noise"]["realised_fraction"] == pytest.approx(np.mean(human.y_train != clean.y_train))
    assert human.info["label_noise"]["realised_fraction"] > 0.5  # Mocked labels are random.
    assert human.info["label_noise"]["val_realised_fraction"] > 0.5
    assert np.asarray(human.info["label_noise"]["realised_counts"]).sum() == 48


def test_human_label_errors(tmp_path, digits):
    with pytest.raises(ValueError, match=r"needs a dataset with human labels \(cifar10_n, cifar100_n\), got 'digits'"):
        datasets.load("digits", noise_type="human:aggre")
    with tfds.testing.mock_data(num_examples=20, policy=tfds.testing.MockPolicy.USE_CODE):
        with pytest.raises(ValueError, match=r"cifar10_n has the human label sets aggre, random1"):
            datasets.load("cifar10_n", data_dir=str(tmp_path), noise_type="human:noisy")
