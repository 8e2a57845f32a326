"""Multi-label and dense data through `zoo.datasets.load` / `as_data`: the registered sets, files, splits,
noise and imbalance of a task, and their one-line errors."""

import numpy as np
import pytest
from PIL import Image

from zoo.data import datasets, task_datasets, task_sources, user_data


def test_the_embedded_sets_load_with_their_task():
    tags = datasets.load("multi_label_digits", seed=0)
    assert (tags.task, tags.num_classes, tags.input_shape, tags.ignore_class) == ("multi_label", 6, (8, 8, 1), None)
    assert tags.y_train.shape[1] == 6 and set(np.unique(tags.y_train)) == {0, 1}
    assert len(tags.y_train) + len(tags.y_val) + len(tags.y_test) == 1797
    # The counts a loss gets are the positives per label of the training split.
    assert tags.info["train_class_counts"] == tags.y_train.sum(axis=0).tolist()
    plain = datasets.load("shapes", seed=0)
    void = datasets.load("shapes", seed=0, ignore_class=255)
    assert (void.task, void.ignore_class, void.num_classes) == ("dense", 255, 4)
    assert 255 not in plain.y_train and 255 in void.y_train
    kept = void.y_train[void.y_train != 255]
    assert void.info["train_class_counts"] == np.bincount(kept, minlength=4).tolist()
    with pytest.raises(ValueError, match="^shapes marks void pixels 255: give ignore_class=255.$"):
        datasets.load("shapes", ignore_class=7)


def test_task_noise_is_applied_and_stated_and_meaningless_kinds_are_one_line_errors():
    noisy = datasets.load("multi_label_digits", seed=0, label_noise=0.3, noise_type="missing")
    assert np.all(noisy.y_train <= noisy.y_train_clean)  # Positives dropped, none added.
    info = noisy.info["label_noise"]
    assert info["task"] == "multi_label" and info["positions"] == int(noisy.y_train_clean.sum())
    assert abs(info["realised_fraction"] - 0.3) < 0.04
    assert np.array_equal(noisy.y_test, datasets.load("multi_label_digits", seed=0).y_test)  # Test labels clean.
    dense = datasets.load("shapes", seed=0, ignore_class=255, label_noise=0.2)
    changed = dense.y_train != dense.y_train_clean
    assert not changed[dense.y_train_clean == 255].any()  # Void positions untouched.
    for name, kind in (("shapes", "missing"), ("multi_label_digits", "pair")):
        with pytest.raises(ValueError, match=f"^Label noise '{kind}' is not meaningful for"):
            datasets.load(name, label_noise=0.2, noise_type=kind)


def test_imbalance_subsamples_examples_by_their_rarest_label():
    y = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 0, 0], [1, 0, 1]])
    # Label frequencies 3, 1, 2: rarest positive per row -> 0, 1, 2, none (3), 2.
    assert task_sources.imbalance_groups(y, "multi_label", 3).tolist() == [0, 1, 2, 3, 2]
    masks = np.array([[[0, 0], [0, 0]], [[0, 2], [2, 1]], [[255, 1], [0, 0]]])
    assert task_sources.imbalance_groups(masks, "dense", 3, 255).tolist() == [0, 2, 1]
    full = datasets.load("multi_label_digits", seed=0)
    long_tailed = datasets.load("multi_label_digits", seed=0, imbalance_ratio=10)
    assert len(long_tailed.y_train) < len(full.y_train) and long_tailed.info["imbalance"]["ratio"] == 10


def test_arrays_npz_and_mask_folders_of_a_task(tmp_path):
    found = task_datasets.shapes(n_train=20, n_test=8, size=8, void_border=True)
    path = tmp_path / "masks.npz"
    np.savez(
        path, x_train=found.x_train[..., 0], y_train=found.y_train, x_test=found.x_test[..., 0], y_test=found.y_test
    )
    data = datasets.load(f"npz:{path}", task="dense", ignore_class=255)
    assert (data.task, data.input_shape, data.y_test.shape) == ("dense", (8, 8, 1), (8, 8, 8))
    assert np.array_equal(data.y_test, found.y_test)
    folder = tmp_path / "set"
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    for index in range(12):
        Image.fromarray((found.x_train[index, ..., 0] * 255).astype(np.uint8)).save(folder / "images" / f"{index}.png")
        Image.fromarray(found.y_train[index].astype(np.uint8)).save(folder / "masks" / f"{index}.png")
    data = datasets.load(f"masks:{folder}", ignore_class=255, validation_split=0.25)
    assert data.task == "dense" and len(data.y_train) + len(data.y_val) + len(data.y_test) == 12
    assert len(data.y_test) == 3  # A fixed, non-stratified quarter.
    with pytest.raises(ValueError, match="holds single_label labels, not dense ones"):
        datasets.load("digits", task="dense")
    with pytest.raises(
        ValueError, match=r"^dense labels must be integer masks \(N, d1, ..., dm\) with m >= 2, got shape"
    ):
        user_data.as_data((np.zeros((10, 3)), np.arange(10) % 2), ignore_class=255)
    with pytest.raises(ValueError, match=r"^Mask values must be >= 0 \(or ignore_class=255\), found -1"):
        user_data.as_data((np.zeros((10, 4, 4, 1)), np.full((10, 4, 4), -1)), ignore_class=255)
