"""Multi-label and dense data as dataset `Source`s: the registered sets, arrays, mask files, task inference.

Registered names (`zoo.datasets.load`):

- `multi_label_digits`: scikit-learn's digits tagged with their `DIGIT_PROPERTIES` (multi_label,
  offline, `zoo.data.task_datasets.multi_label_digits`);
- `shapes`: synthetic circles, squares and triangles with per-pixel masks (dense, offline); with
  `ignore_class` (it must be `VOID` = 255) every outline gets a void band of that label;
  `shapes:SIZE` draws SIZE×SIZE canvases (default 16);
- `masks:PATH`: an image folder `PATH/images` with its masks of the same file names in `PATH/masks`
  (`read_mask_dir`; `image_size` resizes);
- `npz:PATH` with `task="dense"` reads its `y` arrays as masks (`read_mask_npz`), with
  `task="multi_label"` as multi-hot rows.

Labels are kept as they are (multi-hot rows, class masks; never re-encoded) and a set without a
test split gets a fixed, non-stratified one (`TEST_FRACTION` with `TEST_SEED`: strata of label sets
or masks mean nothing). `resolve_task` reads the task off in-memory labels (`zoo.common.tasks`).

>>> import numpy as np
>>> resolve_task(np.array([[1, 0, 1], [0, 1, 0]]), None)[0]
'multi_label'
>>> source = task_source(np.zeros((8, 4)), np.eye(3, dtype=int)[np.arange(8) % 3] | [[1, 0, 0]], task="multi_label")
>>> source.task, source.num_classes, len(source.y_test)
('multi_label', 3, 2)
"""

import os

import numpy as np

from zoo.common import tasks
from zoo.data import arrays, files, task_datasets
from zoo.data.sources import DATASETS, TEST_FRACTION, TEST_SEED, Source, no_arg

TASK_SETS = {"multi_label_digits": "multi_label", "shapes": "dense"}  # The registered sets of each new task.


def named_task(dataset: str, task: str | None) -> str | None:
    """`task`, else the task of a registered task dataset `dataset` (`shapes`: dense, ...), else None (the data's)."""
    return task or TASK_SETS.get(dataset.partition(":")[0])


def resolve_task(y, task: str | None, ignore_class: int | None = None) -> tuple[str, str | None]:
    """`(task, message)`: `task` when given (checked), else inferred from the labels `y` with
    `zoo.common.tasks.infer_task`'s one-line message (None for plain single-label labels,
    whatever their encoding: strings, gaps, one-hot rows are `zoo.data.arrays`' to read)."""
    if task is not None:
        return tasks.check_task(task), None
    y = np.asarray(y)
    numeric = y.dtype != object and (np.issubdtype(y.dtype, np.number) or y.dtype == bool)
    multi_hot = (
        numeric and y.ndim == 2 and y.shape[1] > 1 and np.all((y == 0) | (y == 1)) and bool((y.sum(1) != 1).any())
    )
    if numeric and (y.ndim >= 3 or ignore_class is not None or multi_hot):
        inferred = tasks.infer_task(y, ignore_class=ignore_class)
        return inferred.task, inferred.message
    return "single_label", None


def _holdout(x, y):
    """A fixed non-stratified `TEST_FRACTION` test split (seed `TEST_SEED`)."""
    order = np.random.default_rng(TEST_SEED).permutation(len(x))
    cut = len(x) - max(1, int(round(TEST_FRACTION * len(x))))
    train, test = np.sort(order[:cut]), np.sort(order[cut:])
    return x[train], y[train], x[test], y[test]


def task_source(
    x_train, y_train, x_test=None, y_test=None, *, task: str, ignore_class=None, num_classes=None, class_names=None
) -> Source:
    """A `Source` of multi-label or dense arrays: inputs checked, labels checked against `task`
    (`zoo.common.tasks.check_labels`, one-line errors), a fixed test split held out when there is none."""
    if (x_test is None) != (y_test is None):
        raise ValueError("Give both x_test and y_test, or neither.")
    x_train = arrays.inputs(x_train, "x_train")
    y_train = np.asarray(y_train)
    arrays.check_lengths(x_train, y_train, "x_train", "y_train")
    if x_test is None:
        x_train, y_train, x_test, y_test = _holdout(x_train, y_train)
    else:
        x_test, y_test = arrays.inputs(x_test, "x_test"), np.asarray(y_test)
        arrays.check_lengths(x_test, y_test, "x_test", "y_test")
    found = max(tasks.check_labels(y, task, num_classes, ignore_class) for y in (y_train, y_test))
    num_classes = num_classes or found
    if task == "dense" and y_train.shape[1:] != x_train.shape[1 : y_train.ndim]:
        raise ValueError(f"Masks of shape {y_train.shape[1:]} do not match inputs of shape {x_train.shape[1:]}.")
    names = tuple(class_names) if class_names else tuple(str(k) for k in range(num_classes))
    return Source(
        x_train, y_train.astype(np.int32), x_test, y_test.astype(np.int32), num_classes, names,
        task=task, ignore_class=ignore_class,
    )  # fmt: skip


def _of_task_set(found: task_datasets.TaskSet) -> Source:
    return task_source(
        found.x_train, found.y_train, found.x_test, found.y_test, task=found.task,
        ignore_class=found.ignore_class, num_classes=found.num_classes, class_names=found.class_names,
    )  # fmt: skip


@DATASETS.register("multi_label_digits")
def _multi_label_digits(arg=None, data_dir=None) -> Source:
    """scikit-learn's digits tagged with their properties (multi_label, 6 labels)."""
    no_arg("multi_label_digits", arg)
    return _of_task_set(task_datasets.multi_label_digits())


@DATASETS.register("shapes")
def _shapes(arg=None, data_dir=None, ignore_class=None, **options) -> Source:
    """Synthetic shapes with masks (dense, 4 classes); `shapes:SIZE` draws SIZE×SIZE canvases (default 16);
    `ignore_class=255` adds the void band on outlines."""
    if arg is not None:
        if not arg.isdigit():
            raise ValueError(f"shapes:SIZE takes the canvas side in pixels (e.g. shapes:16), got shapes:{arg}.")
        options["size"] = int(arg)
    if ignore_class not in (None, task_datasets.VOID):
        raise ValueError(f"shapes marks void pixels {task_datasets.VOID}: give ignore_class={task_datasets.VOID}.")
    return _of_task_set(task_datasets.shapes(void_border=ignore_class is not None, **options))


@DATASETS.register("masks")
def _masks(arg=None, data_dir=None, image_size=None, ignore_class=None) -> Source:
    """Images in `PATH/images`, their masks (same file names) in `PATH/masks` (dense)."""
    path = files.resolve(arg, data_dir, "masks")
    x, y, *_ = task_datasets.read_mask_dir(os.path.join(path, "images"), os.path.join(path, "masks"), image_size)
    return task_source(x, y, task="dense", ignore_class=ignore_class)


def npz_task(arg, data_dir, ignore_class=None) -> tuple[str, str | None]:
    """`(task, message)` of an `npz:PATH` named without a task: read off its (training) labels by
    `resolve_task`, as the labels of in-memory arrays are (multi-hot rows, masks; else single-label)."""
    path = files.resolve(arg, data_dir, "npz")
    with np.load(path, allow_pickle=False) as arrays:
        key = "y_train" if "y_train" in arrays.files else "y"
        if key not in arrays.files:
            return "single_label", None  # `files.read_npz` names what is missing.
        return resolve_task(arrays[key], None, ignore_class)


def npz_source(arg, data_dir, task: str, ignore_class=None) -> Source:
    """`npz:PATH` of a multi-label (`y` multi-hot rows) or dense (`y` masks) task."""
    path = files.resolve(arg, data_dir, "npz")
    read = task_datasets.read_mask_npz if task == "dense" else files.read_npz
    x_train, y_train, x_test, y_test, _ = read(path)
    return task_source(x_train, y_train, x_test, y_test, task=task, ignore_class=ignore_class)


def train_counts(y: np.ndarray, task: str, num_classes: int, ignore_class=None) -> list[int]:
    """Per-class training counts: examples (single-label), positives per label (multi_label),
    positions per class, ignored ones left out (dense)."""
    y = np.asarray(y)
    if task == "multi_label":
        return y.sum(axis=0).astype(int).tolist()
    kept = y if ignore_class is None else y[y != ignore_class]
    return np.bincount(kept.reshape(-1), minlength=num_classes).tolist()


def imbalance_groups(y: np.ndarray, task: str, num_classes: int, ignore_class=None) -> np.ndarray:
    """The group by which imbalance subsamples the examples of a task (one id per example, in [0, K]).

    Single-label: the class. Multi-label: the example's rarest positive label (by training
    frequency), K for an example without positives. Dense: the class covering most of the
    example's non-ignored positions other than class 0 (the background), 0 when there is none.
    """
    y = np.asarray(y)
    if task == "single_label":
        return y.reshape(-1)
    if task == "multi_label":
        rarity = np.where(y == 1, y.sum(axis=0)[None, :], np.inf)
        return np.where(np.isinf(rarity.min(axis=1)), num_classes, rarity.argmin(axis=1))
    flat = y.reshape(len(y), -1)
    counts = np.stack([(flat == c).sum(axis=1) for c in range(num_classes)], axis=1)
    counts[:, 0] = 0
    return np.where(counts.max(axis=1) > 0, counts.argmax(axis=1), 0)
