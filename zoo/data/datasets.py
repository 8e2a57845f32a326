"""Datasets of the zoo: normalised train/val/test splits as arrays and tf.data.

>>> from zoo import datasets
>>> data = datasets.load("digits", seed=0)
>>> data.input_shape, data.num_classes, data.x_train.shape[0] + data.x_val.shape[0] + data.x_test.shape[0]
((8, 8, 1), 10, 1797)

Names (`names()` lists the plain ones):

- `digits` (default): scikit-learn's bundled 8x8 digits, offline.
- `moons`, `circles`, `spirals`, `blobs`: 2-D toy sets generated in code;
  the class count can be given as `spirals:3` or `num_classes=3`, and
  `n_samples` and `noise` as keyword options.
- `mnist`, `fashion_mnist`, `cifar10`, `cifar100`, `svhn_cropped`, or any
  TFDS image classification set as `tfds:NAME`, read from `data_dir`.
- `cifar10_n`, `cifar100_n`: CIFAR with human label sets (below), from TFDS.
- `npz:PATH`: a `.npz` file with `x, y`, `x_train, y_train` or
  `x_train, y_train, x_test, y_test`.
- `csv:PATH`: a table, numeric feature columns and a label column
  (`label_column`: a header name or index, default the last column).
- `dir:PATH`: an image folder with one sub-folder per class, read at
  `image_size` (default the first image's size); class names = sub-folders.

Labels as users have them (integers with gaps or from 1, strings, integral
floats, `(N, 1)` columns, one-hot rows) are encoded to 0..K-1 and the
original labels kept in `Data.class_names` (`zoo.data.arrays`); ragged, NaN
or Inf inputs are refused with one line. `from_arrays` makes `Data` of
in-memory arrays the same way (`zoo.data.user_data.as_data` takes any input).

Every set has a fixed test split that does not depend on `seed` (the TFDS test
split, or 25% stratified with seed 0) and is never used for choices; the
validation split is carved from the training part with `seed`. Inputs are
scaled to [0, 1] (images) and standardised per channel with the statistics of
the training split. Label noise and input noise corrupt the training split
only; the validation and test splits stay clean, as in the label-noise and
input-noise experiments of the literature, unless `noisy_validation` gives the
validation split the same label noise (the test split always stays clean).

`cifar10_n` / `cifar100_n` are CIFAR-10 / CIFAR-100 with the human
re-labellings of CIFAR-10N / CIFAR-100N (`zoo.data.noise.HUMAN_LABELS`): their
clean labels by default, a human label set with `noise_type="human:SET"`.
"""

import dataclasses
import functools
from typing import Any

import numpy as np
import tensorflow as tf
from sklearn import model_selection

from zoo.data import imbalance, noise, task_noise, task_sources, tfds_sets, toy_sets  # noqa: F401  (register)
from zoo.data.sources import (  # noqa: F401  (DatasetUnavailableError: also `datasets.`'s)
    DATASETS,
    DatasetUnavailableError,
    Source,
    check_labels,
    from_arrays_source,
    stratify,
)

PREFIXES = ("tfds", "npz", "csv", "dir", "masks")  # Names that take an argument: `tfds:NAME`, `npz:PATH`, ...
FORMS = ["tfds:NAME", "npz:PATH", "csv:PATH", "dir:PATH", "masks:PATH"]
FILE_OPTIONS = {"label_column": ("csv",), "image_size": ("dir", "masks")}  # Options only these file kinds take.
TFDS_NAMES = tfds_sets.TFDS_NAMES
# The random streams of one run's data, `[seed, stream]`: each draws from its own generator. The
# noisy-validation flips share stream 3 with the imbalance subsample (both arrived with it in issues 18
# and 19); kept, so that the records of both stay bit-identical: the two draw for different examples.
SEED_STREAMS = {"label_noise": 1, "input_noise": 2, "imbalance": 3, "noisy_validation": 3, "clean_subset": 4}


def stream(seed: int, name: str) -> list[int]:
    """The seed of the random stream `name` (`SEED_STREAMS`) of a run's `seed`."""
    return [seed, SEED_STREAMS[name]]


@dataclasses.dataclass(frozen=True, eq=False)
class Data:
    """A loaded dataset: batched `tf.data` pipelines plus the numpy arrays.

    `task` says what the labels are (`zoo.common.tasks`): class ids `(N,)` (single_label),
    multi-hot rows `(N, K)` (multi_label) or class masks `(N, ...)` (dense, positions equal to
    `ignore_class` counting nowhere).

    `train` is reshuffled (seeded) each epoch; `val` and `test` keep their
    order. `y_train` holds the (possibly noisy) training labels and
    `y_train_clean` the original ones; `y_val` is noisy too with
    `noisy_validation` (`info["label_noise"]["splits"]` says which). `class_names[k]` names class k (the
    original label as a string) where the data named its classes, else None.
    """

    name: str
    input_shape: tuple[int, ...]
    num_classes: int
    train: tf.data.Dataset
    val: tf.data.Dataset
    test: tf.data.Dataset
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    y_train_clean: np.ndarray
    info: dict[str, Any]
    class_names: tuple[str, ...] | None = None
    task: str = "single_label"
    ignore_class: int | None = None


def names():
    """The built-in dataset names (plus the `FORMS`: `tfds:NAME`, `npz:PATH`, `csv:PATH`, `dir:PATH`)."""
    return [name for name in DATASETS.names() if name not in PREFIXES]


def load(
    name: str = "digits",
    *,
    batch_size: int = 128,
    validation_split: float = 0.2,
    seed: int = 0,
    data_dir: str | None = None,
    label_noise: float = 0.0,
    noise_type: str = "symmetric",
    input_noise: float = 0.0,
    shuffle_buffer: int = 10000,
    label_column: str | int | None = None,
    image_size: str | tuple[int, int] | None = None,
    noise_matrix=None,
    noisy_validation: bool = False,
    imbalance_ratio: float = 1.0,
    imbalance_profile: str = "exponential",
    task: str | None = None,
    ignore_class: int | None = None,
    **options,
) -> Data:
    """Loads dataset `name` as normalised, split, optionally noisy `Data`.

    Args:
        name: a name of `names()`, `tfds:NAME`, `npz:PATH`, `csv:PATH`, `dir:PATH`, or `spirals:3`-style.
        batch_size: batch size of the tf.data pipelines.
        validation_split: fraction of the training part held out for validation.
        seed: seeds the validation split, the shuffling and the noise.
        data_dir: TFDS data directory (`~/tensorflow_datasets` by default); file paths are relative to it.
        label_noise: rate of flipped training labels (see `noise.flip_labels`).
        noise_type: "symmetric", "pair", "asymmetric", "matrix:HASH" or
            "human:SET" (see `noise.corrupt_labels`).
        input_noise: sigma of Gaussian noise added to the standardised training inputs.
        shuffle_buffer: shuffle buffer size of `train`.
        label_column: `csv:` only, the label column's header name or index (default the last column).
        image_size: `dir:` only, "HEIGHT,WIDTH" or a pair (default the first image's size).
        noise_matrix: the K×K transition matrix of a "matrix:HASH" noise type.
        noisy_validation: give the validation split the same label noise as training.
        imbalance_ratio: ratio ρ of the long-tailed training data (`zoo.data.imbalance`; 1: as loaded):
            the training part is subsampled with `seed` before the validation split is carved
            from it, so validation is as imbalanced as training; the test split is untouched.
        imbalance_profile: "exponential" or "step".
        task: what the labels are ("single_label", "multi_label", "dense"); None: the set's own
            (`zoo.data.task_sources.TASK_SETS`; files: single-label, but an `npz:` file's multi-hot rows or
            masks are recognised as in-memory arrays are, its one-line message in `info["task_message"]`).
        ignore_class: dense masks' void label (`shapes`: 255 adds its void band on outlines).
        **options: options of the dataset builder (`num_classes`, `n_samples`, `noise`).
    """
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    key, _, arg = name.partition(":")
    if key not in DATASETS:
        raise ValueError(DATASETS.unknown_message(name, known=names() + FORMS))
    file_options = {k: v for k, v in (("label_column", label_column), ("image_size", image_size)) if v is not None}
    for option in file_options:
        if key not in FILE_OPTIONS[option]:
            kinds = " and ".join(f"{kind}:PATH" for kind in FILE_OPTIONS[option])
            raise ValueError(f"{option} applies to {kinds} datasets only, not {name!r}.")
    if ignore_class is not None and key in ("shapes", "masks"):
        options["ignore_class"] = ignore_class
    message = None
    if key == "npz" and task is None:  # Multi-hot rows and masks are recognised, as in arrays (`from_arrays`).
        task, message = task_sources.npz_task(arg or None, data_dir, ignore_class)
    if key == "npz" and task not in (None, "single_label"):
        source = task_sources.npz_source(arg, data_dir, task, ignore_class)
    else:
        source = DATASETS.get(key, arg=arg or None, data_dir=data_dir, **options, **file_options)
    if task is not None and task != source.task:
        raise ValueError(f"Dataset {name!r} holds {source.task} labels, not {task} ones.")
    options.pop("ignore_class", None)
    if ignore_class is not None and source.task != "dense":
        raise ValueError(f"ignore_class applies to dense labels (masks) only, not to {source.task} dataset {name!r}.")
    if ignore_class is not None and source.ignore_class is None:
        source = dataclasses.replace(source, ignore_class=ignore_class)
    data = _assemble(
        name,
        source,
        options,
        batch_size=batch_size,
        validation_split=validation_split,
        seed=seed,
        label_noise=label_noise,
        noise_type=noise_type,
        input_noise=input_noise,
        shuffle_buffer=shuffle_buffer,
        noise_matrix=noise_matrix,
        noisy_validation=noisy_validation,
        imbalance_ratio=imbalance_ratio,
        imbalance_profile=imbalance_profile,
    )
    if message:
        data.info["task_message"] = message
    return data


def from_arrays(
    x_train,
    y_train,
    x_test=None,
    y_test=None,
    *,
    name: str = "arrays",
    **settings,
) -> Data:
    """`Data` of in-memory arrays, checked, encoded and split as `load` does.

    Without `x_test, y_test` a fixed stratified test split is held out. `settings`
    are `load`'s keyword arguments (`batch_size`, `validation_split`, `seed`, the noise, `task`,
    `ignore_class`); without `task` multi-hot rows and masks are recognised (`task_sources.resolve_task`,
    its one-line message in `info["task_message"]`).

    >>> import numpy as np
    >>> data = from_arrays(np.random.default_rng(0).normal(size=(40, 3)), np.array(["a", "b"] * 20))
    >>> data.num_classes, data.class_names, len(data.y_test)
    (2, ('a', 'b'), 10)
    """
    task, message = task_sources.resolve_task(y_train, settings.pop("task", None), settings.get("ignore_class"))
    ignore_class = settings.pop("ignore_class", None)
    if task == "single_label":
        if ignore_class is not None:
            raise ValueError("ignore_class applies to dense labels (masks) only.")
        source = from_arrays_source(x_train, y_train, x_test, y_test)
    else:
        source = task_sources.task_source(x_train, y_train, x_test, y_test, task=task, ignore_class=ignore_class)
    data = _assemble(name, source, {}, **settings)
    if message:
        data.info["task_message"] = message
    return data


def _assemble(
    name: str,
    source: "Source",
    options: dict,
    *,
    batch_size: int = 128,
    validation_split: float = 0.2,
    seed: int = 0,
    label_noise: float = 0.0,
    noise_type: str = "symmetric",
    input_noise: float = 0.0,
    shuffle_buffer: int = 10000,
    noise_matrix=None,
    noisy_validation: bool = False,
    imbalance_ratio: float = 1.0,
    imbalance_profile: str = "exponential",
) -> Data:
    """Splits, standardises and noises a `Source` into `Data` (the arguments are `load`'s)."""
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    task, void = source.task, source.ignore_class
    if task == "single_label":
        for split in ("train", "test"):
            check_labels(getattr(source, f"y_{split}"), source.num_classes, f"{name} {split}")
        human = tfds_sets.human_labels(source, noise_type, name)
        corrupt = functools.partial(
            noise.corrupt_labels, num_classes=source.num_classes, rate=label_noise, noise_type=noise_type,
            dataset=name, matrix=noise_matrix,
        )  # fmt: skip
    else:  # Multi-hot rows or masks: `zoo.data.task_noise` (one-line errors for kinds that mean nothing there).
        human = []

        def corrupt(y, seed, human=None):
            return task_noise.corrupt_task_labels(
                y, task, label_noise, noise_type, seed,
                num_classes=source.num_classes, ignore_class=void, matrix=noise_matrix, dataset=name,
            )  # fmt: skip

    groups = task_sources.imbalance_groups(source.y_train, task, source.num_classes, void)
    kept = imbalance.subsample(  # Multi-label: one more group, the examples without positives.
        groups, source.num_classes + (task == "multi_label"), imbalance_ratio, imbalance_profile,
        seed=stream(seed, "imbalance"),
    )  # fmt: skip
    x_train, x_val, y_train, y_val, *human = _split(
        source.x_train[kept], source.y_train[kept], validation_split, seed, *(h[kept] for h in human),
        stratified=task == "single_label",
    )  # fmt: skip
    mean, std = _channel_stats(x_train)
    x_train, x_val, x_test = ((x - mean) / std for x in (x_train, x_val, source.x_test))
    y_clean = y_train
    y_train, label_info = corrupt(y_clean, seed=stream(seed, "label_noise"), human=human[0] if human else None)
    if noisy_validation and len(y_val):
        y_val, val_info = corrupt(y_val, seed=stream(seed, "noisy_validation"), human=human[1] if human else None)
        label_info["val_realised_fraction"] = val_info["realised_fraction"]
    x_train = noise.add_gaussian_noise(x_train, input_noise, seed=stream(seed, "input_noise"))

    splits = ["train", "val"] if noisy_validation else ["train"]
    info = {
        "sizes": {"train": len(y_train), "val": len(y_val), "test": len(source.y_test)},
        "label_noise": {"rate": label_noise, "type": noise_type, **label_info, "splits": splits},
        "input_noise": {"sigma": input_noise, "type": "gaussian", "splits": ["train"]},
        "imbalance": {"ratio": imbalance_ratio, "profile": imbalance_profile, "splits": ["train", "val"]},
        "train_class_counts": task_sources.train_counts(y_train, task, source.num_classes, void),
        "task": task,
        "ignore_class": void,
        **({"class_names": list(source.class_names)} if source.class_names else {}),
        "normalisation": {"mean": mean.ravel().tolist(), "std": std.ravel().tolist()},
        "seed": seed,
        "validation_split": validation_split,
        "options": dict(options),
    }
    return Data(
        name=name,
        input_shape=tuple(x_train.shape[1:]),
        num_classes=source.num_classes,
        train=_pipeline(x_train, y_train, batch_size, shuffle_buffer, seed),
        val=_pipeline(x_val, y_val, batch_size),
        test=_pipeline(x_test, source.y_test, batch_size),
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        x_test=x_test.astype(np.float32),
        y_test=source.y_test,
        y_train_clean=y_clean,
        info=info,
        class_names=source.class_names,
        task=task,
        ignore_class=void,
    )


def _split(x, y, fraction, seed, *more, stratified=True):
    """Stratified `(x_a, x_b, y_a, y_b, ...)` with a `fraction` held out; empty b for 0.

    Arrays in `more` (other labels of the same examples) are split alike. `stratified=False`
    (multi-hot rows, masks) splits at random.
    """
    if fraction == 0:
        return [part for array in (x, y, *more) for part in (array, array[:0])]
    strata = stratify(y, fraction) if stratified else None
    return model_selection.train_test_split(x, y, *more, test_size=fraction, random_state=seed, stratify=strata)


def _channel_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel (last axis) mean and std, constant channels get std 1."""
    axes = tuple(range(x.ndim - 1))
    mean = x.mean(axis=axes, keepdims=True, dtype=np.float64)
    std = x.std(axis=axes, keepdims=True, dtype=np.float64)
    return mean.astype(np.float32)[0], np.where(std > 0, std, 1.0).astype(np.float32)[0]


def _pipeline(x, y, batch_size, shuffle_buffer=0, seed=None) -> tf.data.Dataset:
    ds = tf.data.Dataset.from_tensor_slices((x.astype(np.float32), y.astype(np.int32))).cache()
    if shuffle_buffer:
        ds = ds.shuffle(min(shuffle_buffer, max(len(y), 1)), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
