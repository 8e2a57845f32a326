"""The dataset registry and what its builders return: `DATASETS`, `Source`, and the sources of arrays and files.

A builder `builder(arg=None, data_dir=None, **options) -> Source` is registered under a
stable name (`npz`, `csv`, `dir` here; the toy sets in `zoo.data.toy_sets`, the TFDS sets in
`zoo.data.tfds_sets`); `zoo.data.datasets.load` splits, standardises and noises its `Source`.
A set without a test split of its own gets a fixed stratified one (`holdout_test`: `TEST_FRACTION`
with `TEST_SEED`, never the run's seed).
"""

import dataclasses

import numpy as np
from sklearn import model_selection

from zoo.common.registry import Registry
from zoo.data import arrays, files

DATASETS = Registry("dataset")
TEST_FRACTION = 0.25  # For sets without a test split of their own.
TEST_SEED = 0  # Fixed: the test split never depends on the `seed` argument.


class DatasetUnavailableError(RuntimeError):
    """A dataset is neither on disk nor downloadable (e.g. offline)."""


@dataclasses.dataclass(frozen=True)
class Source:
    """What a dataset builder returns: inputs scaled to a fixed range, int labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int
    class_names: tuple[str, ...] | None = None
    human: dict[str, np.ndarray] | None = None  # Human label sets of the training examples (CIFAR-N).


def check_labels(y: np.ndarray, num_classes: int, where: str) -> None:
    if y.ndim != 1:
        raise ValueError(f"{where} labels must be sparse integer class ids (1-D), got shape {y.shape}.")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{where} labels must be integers, got dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{where} labels must be in [0, {num_classes}), got range [{y.min()}, {y.max()}].")


def stratify(y: np.ndarray, fraction: float) -> np.ndarray | None:
    """`y` when a stratified split of `fraction` is possible, else None."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    held_out = int(np.ceil(fraction * len(y)))
    ok = counts.min() >= 2 and len(counts) <= held_out <= len(y) - len(counts)
    return y if ok else None


def holdout_test(x, y, num_classes, class_names=None) -> Source:
    """A `Source` whose fixed test split is `TEST_FRACTION` of `x, y` (seed `TEST_SEED`)."""
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        x, y, test_size=TEST_FRACTION, random_state=TEST_SEED, stratify=stratify(y, TEST_FRACTION)
    )
    return Source(x_train, y_train, x_test, y_test, num_classes, class_names)


def no_arg(name: str, arg: str | None) -> None:
    if arg is not None:
        raise ValueError(f"Dataset {name!r} takes no ':' argument, got {name}:{arg}.")


def from_arrays_source(x_train, y_train, x_test=None, y_test=None, class_names=None, num_classes=None, of="") -> Source:
    """A `Source` of raw arrays: inputs checked (`arrays.inputs`), labels encoded to 0..K-1 jointly
    (or, given `num_classes` or `class_names`, taken as class ids), a test split held out when there is none.

    `of` names the file in error messages (" of PATH").
    """
    if (x_test is None) != (y_test is None):
        raise ValueError(f"Give both x_test and y_test, or neither{of}.")
    pairs = (
        [("x", x_train, "y", y_train)]
        if x_test is None
        else [
            ("x_train", x_train, "y_train", y_train),
            ("x_test", x_test, "y_test", y_test),
        ]
    )
    xs = [arrays.inputs(x, f"{x_name}{of}") for x_name, x, _, _ in pairs]
    wheres = [f"{y_name}{of}" for _, _, y_name, _ in pairs]
    for x, (x_name, _, _, y), where in zip(xs, pairs, wheres, strict=True):
        arrays.check_lengths(x, arrays.as_array(y, where), f"{x_name}{of}", where)
    if len(xs) == 2 and xs[0].shape[1:] != xs[1].shape[1:]:
        raise ValueError(f"x_train{of} has examples of shape {xs[0].shape[1:]} but x_test {xs[1].shape[1:]}.")
    labels = [y for *_, y in pairs]
    if num_classes is None and class_names is None:
        ys, class_names = arrays.encode_labels(labels, wheres)
    else:
        ys = [arrays.class_ids(y, where) for y, where in zip(labels, wheres, strict=True)]
        num_classes = len(class_names) if num_classes is None else num_classes
        class_names = class_names or tuple(str(k) for k in range(num_classes))
    num_classes = len(class_names) if num_classes is None else num_classes
    if len(xs) == 1:
        return holdout_test(xs[0], ys[0], num_classes, class_names)
    return Source(xs[0], ys[0], xs[1], ys[1], num_classes, class_names)


def file_source(read, kind: str, arg, data_dir, num_classes=None, **options) -> Source:
    path = files.resolve(arg, data_dir, kind)
    *found, class_names = read(path, **options)
    return from_arrays_source(*found, class_names=class_names, num_classes=num_classes, of=f" of {path}")


@DATASETS.register("npz")
def _npz(arg=None, data_dir=None, num_classes=None) -> Source:
    """A `.npz` with `x, y`, `x_train, y_train` or `x_train, y_train, x_test, y_test` (`files.read_npz`).

    The path is relative to `data_dir` when given. Labels are encoded to
    0..K-1 (`arrays.encode_labels`); with `num_classes` they must be class
    ids in [0, num_classes) already.
    """
    return file_source(files.read_npz, "npz", arg, data_dir, num_classes)


@DATASETS.register("csv")
def _csv(arg=None, data_dir=None, label_column=None) -> Source:
    """A `.csv` table (`files.read_csv`): numeric feature columns, labels from `label_column`."""
    return file_source(files.read_csv, "csv", arg, data_dir, label_column=label_column)


@DATASETS.register("dir")
def _dir(arg=None, data_dir=None, image_size=None) -> Source:
    """An image folder, one sub-folder per class (`files.read_dir`), at `image_size`."""
    return file_source(files.read_dir, "dir", arg, data_dir, size=image_size)
