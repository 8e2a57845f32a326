"""zoo.data.task_datasets: the offline defaults, the MNIST-built sets (on a tiny fake mnist.npz) and mask files."""

import doctest
import os

import numpy as np
import pytest
from PIL import Image

from zoo.common.tasks import infer_task
from zoo.data import task_datasets as td


def test_docstring_examples_run():
    result = doctest.testmod(td)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------- multi-label digits


def test_property_labels_follow_the_documented_sets():
    labels = td.property_labels(np.arange(10))
    names = list(td.DIGIT_PROPERTIES)
    assert dict(zip(names, labels[7].tolist())) == {
        "even": 0, "prime": 1, "at_least_5": 1, "closed_loop": 0, "straight_strokes": 1, "multiple_of_3": 0,
    }  # fmt: skip
    assert dict(zip(names, labels[0].tolist()))["closed_loop"] == 1
    assert len({tuple(row) for row in labels}) == 10  # every digit its own label set
    assert 4 <= labels.shape[1] <= 6


def test_multi_label_digits_is_inferred_multi_label():
    data = td.multi_label_digits()
    assert data.x_train.shape == (1348, 8, 8, 1) and data.x_test.shape == (449, 8, 8, 1)
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    inferred = infer_task(data.y_train)
    assert (inferred.task, inferred.num_classes) == ("multi_label", 6)
    assert set(np.unique(data.y_test.sum(axis=1))) <= {1, 2, 3, 4}


# ---------------------------------------------------------------- shapes


def test_shapes_are_deterministic_by_seed_and_the_test_split_is_fixed():
    first, again, other = td.shapes(20, 10, seed=3), td.shapes(20, 10, seed=3), td.shapes(20, 10, seed=4)
    np.testing.assert_array_equal(first.x_train, again.x_train)
    np.testing.assert_array_equal(first.y_train, again.y_train)
    assert np.any(first.y_train != other.y_train)
    np.testing.assert_array_equal(first.y_test, other.y_test)
    np.testing.assert_array_equal(first.x_test, other.x_test)


def test_shapes_masks_mark_bright_shapes_of_every_class():
    data = td.shapes(300, 10, size=24, max_shapes=1, seed=0)
    assert data.x_train.shape == (300, 24, 24, 1) and data.x_train.dtype == np.float32
    assert data.y_train.shape == (300, 24, 24) and set(np.unique(data.y_train)) == {0, 1, 2, 3}
    foreground = data.y_train > 0
    assert np.all(np.sum(foreground, axis=(1, 2)) > 0)  # no canvas without its shape
    # One shape per canvas: one foreground class per mask, brighter than the background.
    assert all(len(np.unique(m[m > 0])) == 1 for m in data.y_train)
    assert data.x_train[..., 0][foreground].mean() > data.x_train[..., 0][~foreground].mean() + 0.3
    # Circles fill about pi/4 of their bounding square, squares all of it.
    fill = {}
    for c in (1, 2):
        ratios = []
        for mask in data.y_train[np.any(data.y_train == c, axis=(1, 2))]:
            rows, cols = np.nonzero(mask == c)
            if rows.min() > 0 and cols.min() > 0 and rows.max() < 23 and cols.max() < 23:  # not cut by the edge
                ratios.append(len(rows) / ((np.ptp(rows) + 1) * (np.ptp(cols) + 1)))
        fill[c] = np.mean(ratios)
    assert fill[1] == pytest.approx(np.pi / 4, abs=0.08) and fill[2] == pytest.approx(1.0, abs=0.01)


def test_void_band_covers_exactly_the_class_edges():
    plain, void = td.shapes(30, 5, seed=1), td.shapes(30, 5, seed=1, void_border=True)
    assert (plain.ignore_class, void.ignore_class) == (None, td.VOID)
    np.testing.assert_array_equal(plain.x_train, void.x_train)
    banded = void.y_train == td.VOID
    np.testing.assert_array_equal(void.y_train[~banded], plain.y_train[~banded])
    m = plain.y_train
    edge = np.zeros(m.shape, bool)
    edge[:, 1:] |= m[:, 1:] != m[:, :-1]
    edge[:, :-1] |= m[:, 1:] != m[:, :-1]
    edge[:, :, 1:] |= m[:, :, 1:] != m[:, :, :-1]
    edge[:, :, :-1] |= m[:, :, 1:] != m[:, :, :-1]
    np.testing.assert_array_equal(banded, edge)
    assert infer_task(void.y_train, ignore_class=td.VOID).num_classes == 4


# ---------------------------------------------------------------- MNIST-built sets


@pytest.fixture
def fake_mnist(tmp_path):
    """Digit d is a 28x28 image: for pairs, all pixels (d + 1)·20; for masks, an 8-wide block d + 1 rows high."""
    rng = np.random.default_rng(0)
    labels = {"train": rng.integers(0, 10, 50), "test": rng.integers(0, 10, 20)}
    arrays = {}
    for split, y in labels.items():
        flat = np.repeat(((y + 1) * 20).astype(np.uint8)[:, None, None], 28, 1).repeat(28, 2)
        block = np.zeros((len(y), 28, 28), np.uint8)
        for i, d in enumerate(y):
            block[i, 4 : 5 + d, 10:18] = 255
            block[i, 3, 10:18] = 100  # a faint edge above the block
        arrays[split] = (flat, block, y.astype(np.uint8))
    paths = {}
    for kind, index in (("flat", 0), ("block", 1)):
        path = tmp_path / f"{kind}.npz"
        np.savez(
            path,
            x_train=arrays["train"][index],
            y_train=arrays["train"][2],
            x_test=arrays["test"][index],
            y_test=arrays["test"][2],
        )
        paths[kind] = str(path)
    return paths


def test_mnist_pairs_are_tagged_by_the_digits_on_the_canvas(fake_mnist):
    data = td.mnist_pairs(fake_mnist["flat"], n_train=40, n_test=8, jitter=4, seed=0)
    assert data.x_train.shape == (40, 32, 64, 1) and data.num_classes == 10
    for x, y in zip(data.x_train, data.y_train):
        left, right = (round(x[:, half].max() * 255 / 20) - 1 for half in (slice(0, 32), slice(32, 64)))
        assert np.flatnonzero(y).tolist() == sorted({left, right})
    assert infer_task(data.y_train).task == "multi_label"
    np.testing.assert_array_equal(td.mnist_pairs(fake_mnist["flat"], 40, 8, seed=0).x_train, data.x_train)


def test_mnist_segmentation_masks_are_digit_plus_one_on_the_stroke(fake_mnist):
    data = td.mnist_segmentation(fake_mnist["block"], n_train=30, n_test=6, size=32, max_digits=1)
    assert data.x_train.shape == (30, 32, 32, 1) and data.y_train.shape == (30, 32, 32) and data.num_classes == 11
    np.testing.assert_array_equal(data.y_train > 0, data.x_train[..., 0] >= 0.5)
    for mask in data.y_train:
        (c,) = np.unique(mask[mask > 0])
        assert np.sum(mask == c) == 8 * c  # digit c - 1 is a block c rows high
    void = td.mnist_segmentation(fake_mnist["block"], n_train=30, n_test=6, size=32, max_digits=1, void_edges=True)
    assert void.ignore_class == td.VOID
    np.testing.assert_array_equal(void.y_train == td.VOID, np.isclose(void.x_train[..., 0], 100 / 255))
    many = td.mnist_segmentation(fake_mnist["block"], n_train=30, n_test=6, size=48, max_digits=3)
    assert infer_task(many.y_train).task == "dense" and many.y_train.max() <= 10


def test_mnist_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such MNIST .npz file"):
        td.mnist_pairs(str(tmp_path / "none.npz"))
    np.savez(tmp_path / "bad.npz", x_train=np.zeros((2, 28, 28)), y_train=np.zeros(2))
    with pytest.raises(ValueError, match="it lacks x_test, y_test"):
        td.mnist_segmentation(str(tmp_path / "bad.npz"))


# ---------------------------------------------------------------- mask files


def test_read_mask_npz_round_trip_and_errors(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (5, 6, 7), dtype=np.uint8)
    y = np.random.default_rng(1).integers(0, 3, (5, 6, 7, 1))
    np.savez(tmp_path / "m.npz", x=x, y=y)
    x_read, y_read, x_test, y_test, names = td.read_mask_npz(str(tmp_path / "m.npz"))
    assert x_read.shape == (5, 6, 7, 1) and x_read.max() <= 1.0
    np.testing.assert_array_equal(y_read, y[..., 0])
    assert (x_test, y_test, names) == (None, None, None)
    np.savez(tmp_path / "bad.npz", x_train=x, y_train=y[:, :, :6], x_test=x, y_test=y)
    with pytest.raises(
        ValueError,
        match=r"bad.npz \(training\): masks of shape \(5, 6, 6\) do not match images of shape \(5, 6, 7, 1\)",
    ):
        td.read_mask_npz(str(tmp_path / "bad.npz"))
    np.savez(tmp_path / "soft.npz", x=x, y=y[..., 0] * 0.5)
    with pytest.raises(ValueError, match="masks must hold integer class ids"):
        td.read_mask_npz(str(tmp_path / "soft.npz"))


def _write(folder, name, array, mode=None):
    os.makedirs(folder, exist_ok=True)
    Image.fromarray(array, mode).save(os.path.join(folder, name))


def _mask_folders(tmp_path, n=3, shape=(6, 5)):
    rng = np.random.default_rng(2)
    images, masks = rng.integers(0, 256, (n, *shape), dtype=np.uint8), rng.integers(0, 4, (n, *shape), dtype=np.uint8)
    for i in range(n):
        _write(tmp_path / "images", f"img{i}.jpg" if i == 0 else f"img{i}.png", images[i])
        _write(tmp_path / "masks", f"img{i}.png", masks[i])
    return str(tmp_path / "images"), str(tmp_path / "masks"), images, masks


def test_read_mask_dir_round_trip(tmp_path):
    images, masks, image_arrays, mask_arrays = _mask_folders(tmp_path)
    x, y, *rest = td.read_mask_dir(images, masks)
    assert x.shape == (3, 6, 5, 1) and x.dtype == np.float32 and rest == [None, None, None]
    np.testing.assert_array_equal(y, mask_arrays)
    np.testing.assert_allclose(x[1:, ..., 0], image_arrays[1:] / 255.0)  # the PNGs exactly (img0 is a JPEG)
    # A palette mask reads as its indices.
    palette = Image.fromarray(mask_arrays[1]).convert("P")
    palette.save(os.path.join(masks, "img1.png"))
    np.testing.assert_array_equal(td.read_mask_dir(images, masks)[1][1], np.asarray(palette))
    x_big, y_big, *_ = td.read_mask_dir(images, masks, size="12,10")
    assert x_big.shape == (3, 12, 10, 1) and set(np.unique(y_big)) <= set(np.unique(mask_arrays))
    np.testing.assert_array_equal(y_big[2, ::2, ::2], mask_arrays[2])  # nearest neighbour at twice the size


def test_read_mask_dir_errors_name_the_file(tmp_path):
    images, masks, _, mask_arrays = _mask_folders(tmp_path)
    os.remove(os.path.join(masks, "img2.png"))
    with pytest.raises(ValueError, match=r"has no mask for 1 image\(s\) of .*, e.g. img2.png"):
        td.read_mask_dir(images, masks)
    _write(masks, "img2.png", mask_arrays[2][:, :4])
    with pytest.raises(ValueError, match="Mask img2.png is 6x4 but its image img2.png is 6x5"):
        td.read_mask_dir(images, masks)
    _write(masks, "img2.png", np.stack([mask_arrays[2]] * 3, -1))
    with pytest.raises(ValueError, match="Mask img2.png is a RGB image; masks must be single-channel class ids"):
        td.read_mask_dir(images, masks)
    _write(masks, "img2.png", np.zeros((7, 5), np.uint8))
    _write(images, "img2.png", np.zeros((7, 5), np.uint8))
    with pytest.raises(ValueError, match=r"images differ in size \(img2.png is 7x5, the first 6x5\); give image_size"):
        td.read_mask_dir(images, masks)
    assert td.read_mask_dir(images, masks, size=(6, 5))[0].shape == (3, 6, 5, 1)
    with pytest.raises(FileNotFoundError, match="No such folder"):
        td.read_mask_dir(images, str(tmp_path / "nowhere"))
