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

import contextlib
import dataclasses
import functools
import io
import logging
from typing import Any

import numpy as np
import tensorflow as tf
from sklearn import datasets as sk_datasets
from sklearn import model_selection

from zoo.common.registry import Registry
from zoo.data import arrays, files, imbalance, noise

DATASETS = Registry("dataset")
TEST_FRACTION = 0.25  # For sets without a test split of their own.
TEST_SEED = 0  # Fixed: the test split never depends on the `seed` argument.
TFDS_NAMES = ("mnist", "fashion_mnist", "cifar10", "cifar100", "svhn_cropped")  # And `cifar10_n`, `cifar100_n`.
PREFIXES = ("tfds", "npz", "csv", "dir")  # Names that take an argument: `tfds:NAME`, `npz:PATH`, ...
FORMS = ["tfds:NAME", "npz:PATH", "csv:PATH", "dir:PATH"]
FILE_OPTIONS = {"label_column": "csv", "image_size": "dir"}  # Options only these file kinds take.


class DatasetUnavailableError(RuntimeError):
    """A dataset is neither on disk nor downloadable (e.g. offline)."""


@dataclasses.dataclass(frozen=True, eq=False)
class Data:
    """A loaded dataset: batched `tf.data` pipelines plus the numpy arrays.

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


@dataclasses.dataclass(frozen=True)
class _Source:
    """What a dataset builder returns: inputs scaled to a fixed range, int labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int
    class_names: tuple[str, ...] | None = None
    human: dict[str, np.ndarray] | None = None  # Human label sets of the training examples (CIFAR-N).


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
        **options: options of the dataset builder (`num_classes`, `n_samples`, `noise`).
    """
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    key, _, arg = name.partition(":")
    if key not in DATASETS:
        raise ValueError(DATASETS.unknown_message(name, known=names() + FORMS))
    file_options = {k: v for k, v in (("label_column", label_column), ("image_size", image_size)) if v is not None}
    for option in file_options:
        if key != FILE_OPTIONS[option]:
            raise ValueError(f"{option} applies to {FILE_OPTIONS[option]}:PATH datasets only, not {name!r}.")
    source = DATASETS.get(key, arg=arg or None, data_dir=data_dir, **options, **file_options)
    return _assemble(
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
    are `load`'s keyword arguments (`batch_size`, `validation_split`, `seed`, the noise).

    >>> import numpy as np
    >>> data = from_arrays(np.random.default_rng(0).normal(size=(40, 3)), np.array(["a", "b"] * 20))
    >>> data.num_classes, data.class_names, len(data.y_test)
    (2, ('a', 'b'), 10)
    """
    return _assemble(name, _from_arrays(x_train, y_train, x_test, y_test), {}, **settings)


def _assemble(
    name: str,
    source: "_Source",
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
    """Splits, standardises and noises a `_Source` into `Data` (the arguments are `load`'s)."""
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
    for split in ("train", "test"):
        _check_labels(getattr(source, f"y_{split}"), source.num_classes, f"{name} {split}")

    human = _human_labels(source, noise_type, name)
    kept = imbalance.subsample(source.y_train, source.num_classes, imbalance_ratio, imbalance_profile, seed=[seed, 3])
    x_train, x_val, y_train, y_val, *human = _split(
        source.x_train[kept], source.y_train[kept], validation_split, seed, *(h[kept] for h in human)
    )
    mean, std = _channel_stats(x_train)
    x_train, x_val, x_test = ((x - mean) / std for x in (x_train, x_val, source.x_test))
    y_clean = y_train
    corrupt = functools.partial(
        noise.corrupt_labels, num_classes=source.num_classes, rate=label_noise, noise_type=noise_type,
        dataset=name, matrix=noise_matrix,
    )  # fmt: skip
    y_train, label_info = corrupt(y_clean, seed=[seed, 1], human=human[0] if human else None)
    if noisy_validation and len(y_val):
        y_val, val_info = corrupt(y_val, seed=[seed, 3], human=human[1] if human else None)
        label_info["val_realised_fraction"] = val_info["realised_fraction"]
    x_train = noise.add_gaussian_noise(x_train, input_noise, seed=[seed, 2])

    splits = ["train", "val"] if noisy_validation else ["train"]
    info = {
        "sizes": {"train": len(y_train), "val": len(y_val), "test": len(source.y_test)},
        "label_noise": {"rate": label_noise, "type": noise_type, **label_info, "splits": splits},
        "input_noise": {"sigma": input_noise, "type": "gaussian", "splits": ["train"]},
        "imbalance": {"ratio": imbalance_ratio, "profile": imbalance_profile, "splits": ["train", "val"]},
        "train_class_counts": np.bincount(y_train, minlength=source.num_classes).tolist(),
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
    )


# ---------------------------------------------------------------- splitting and normalising


def _check_labels(y: np.ndarray, num_classes: int, where: str) -> None:
    if y.ndim != 1:
        raise ValueError(f"{where} labels must be sparse integer class ids (1-D), got shape {y.shape}.")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{where} labels must be integers, got dtype {y.dtype}.")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{where} labels must be in [0, {num_classes}), got range [{y.min()}, {y.max()}].")


def _stratify(y: np.ndarray, fraction: float) -> np.ndarray | None:
    """`y` when a stratified split of `fraction` is possible, else None."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    held_out = int(np.ceil(fraction * len(y)))
    ok = counts.min() >= 2 and len(counts) <= held_out <= len(y) - len(counts)
    return y if ok else None


def _split(x, y, fraction, seed, *more):
    """Stratified `(x_a, x_b, y_a, y_b, ...)` with a `fraction` held out; empty b for 0.

    Arrays in `more` (other labels of the same examples) are split alike.
    """
    if fraction == 0:
        return [part for array in (x, y, *more) for part in (array, array[:0])]
    return model_selection.train_test_split(
        x, y, *more, test_size=fraction, random_state=seed, stratify=_stratify(y, fraction)
    )


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


def _holdout_test(x, y, num_classes, class_names=None) -> _Source:
    """A `_Source` whose fixed test split is `TEST_FRACTION` of `x, y` (seed `TEST_SEED`)."""
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        x, y, test_size=TEST_FRACTION, random_state=TEST_SEED, stratify=_stratify(y, TEST_FRACTION)
    )
    return _Source(x_train, y_train, x_test, y_test, num_classes, class_names)


def _no_arg(name: str, arg: str | None) -> None:
    if arg is not None:
        raise ValueError(f"Dataset {name!r} takes no ':' argument, got {name}:{arg}.")


# ---------------------------------------------------------------- embedded sets


@DATASETS.register("digits")
def _digits(arg=None, data_dir=None) -> _Source:
    """scikit-learn's 1797 8x8 digit images, scaled by 1/16, shape (8, 8, 1)."""
    del data_dir  # Bundled with scikit-learn.
    _no_arg("digits", arg)
    digits = sk_datasets.load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    return _holdout_test(x, digits.target.astype(np.int32), 10)


def _class_count(name, arg, num_classes, default, allowed=None) -> int:
    """The class count of a toy set from `name:K` or `num_classes`."""
    count = num_classes if num_classes is not None else default
    if arg is not None:
        try:
            count = int(arg)
        except ValueError:
            raise ValueError(f"Expected a class count after '{name}:', got {arg!r}.") from None
        if num_classes is not None and num_classes != count:
            raise ValueError(f"{name}:{arg} conflicts with num_classes={num_classes}.")
    if allowed is not None and count not in allowed:
        raise ValueError(f"{name} has {allowed} classes, got {count}.")
    if count < 2:
        raise ValueError(f"{name} needs at least 2 classes, got {count}.")
    return count


def _toy(name, default_classes, fixed_classes=False):
    """Registers a toy-set generator `fn(num_classes, n_samples, noise, rng)`."""

    def decorator(generate):
        @DATASETS.register(name)
        @functools.wraps(generate)
        def builder(arg=None, data_dir=None, num_classes=None, n_samples=1000, noise=None):
            del data_dir
            count = _class_count(name, arg, num_classes, default_classes, (default_classes,) if fixed_classes else None)
            kwargs = {} if noise is None else {"noise": noise}
            x, y = generate(count, n_samples, np.random.default_rng(TEST_SEED), **kwargs)
            return _holdout_test(x.astype(np.float32), y.astype(np.int32), count)

        return builder

    return decorator


@_toy("moons", 2, fixed_classes=True)
def _moons(num_classes, n_samples, rng, noise=0.2):
    """Two interleaving half circles (scikit-learn `make_moons`)."""
    del num_classes
    return sk_datasets.make_moons(n_samples, noise=noise, random_state=rng.integers(2**31))


@_toy("circles", 2, fixed_classes=True)
def _circles(num_classes, n_samples, rng, noise=0.1):
    """A circle inside another (scikit-learn `make_circles`, factor 0.5)."""
    del num_classes
    return sk_datasets.make_circles(n_samples, noise=noise, factor=0.5, random_state=rng.integers(2**31))


@_toy("blobs", 3)
def _blobs(num_classes, n_samples, rng, noise=1.0):
    """Isotropic Gaussian blobs, one per class; `noise` is their std."""
    return sk_datasets.make_blobs(n_samples, centers=num_classes, cluster_std=noise, random_state=rng.integers(2**31))


@_toy("spirals", 2)
def _spirals(num_classes, n_samples, rng, noise=0.05, turns=1.25):
    """`num_classes` interleaved arms of an Archimedean spiral of radius 1."""
    y = np.arange(n_samples) % num_classes
    radius = rng.uniform(0.05, 1.0, n_samples)
    angle = 2 * np.pi * (turns * radius + y / num_classes)
    x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return x + rng.normal(0.0, noise, x.shape), y


# ---------------------------------------------------------------- npz files


def _from_arrays(x_train, y_train, x_test=None, y_test=None, class_names=None, num_classes=None, of="") -> _Source:
    """A `_Source` of raw arrays: inputs checked (`arrays.inputs`), labels encoded to 0..K-1 jointly
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
        return _holdout_test(xs[0], ys[0], num_classes, class_names)
    return _Source(xs[0], ys[0], xs[1], ys[1], num_classes, class_names)


def _file_source(read, kind: str, arg, data_dir, num_classes=None, **options) -> _Source:
    path = files.resolve(arg, data_dir, kind)
    *found, class_names = read(path, **options)
    return _from_arrays(*found, class_names=class_names, num_classes=num_classes, of=f" of {path}")


@DATASETS.register("npz")
def _npz(arg=None, data_dir=None, num_classes=None) -> _Source:
    """A `.npz` with `x, y`, `x_train, y_train` or `x_train, y_train, x_test, y_test` (`files.read_npz`).

    The path is relative to `data_dir` when given. Labels are encoded to
    0..K-1 (`arrays.encode_labels`); with `num_classes` they must be class
    ids in [0, num_classes) already.
    """
    return _file_source(files.read_npz, "npz", arg, data_dir, num_classes)


@DATASETS.register("csv")
def _csv(arg=None, data_dir=None, label_column=None) -> _Source:
    """A `.csv` table (`files.read_csv`): numeric feature columns, labels from `label_column`."""
    return _file_source(files.read_csv, "csv", arg, data_dir, label_column=label_column)


@DATASETS.register("dir")
def _dir(arg=None, data_dir=None, image_size=None) -> _Source:
    """An image folder, one sub-folder per class (`files.read_dir`), at `image_size`."""
    return _file_source(files.read_dir, "dir", arg, data_dir, size=image_size)


# ---------------------------------------------------------------- TFDS


def _tfds_source(tfds_name: str, data_dir: str | None = None) -> _Source:
    """Reads a TFDS image classification set into numpy, scaled to [0, 1]."""
    builder = _prepared_builder(tfds_name, data_dir)
    splits = builder.info.splits
    has_test = not splits or "test" in splits  # Unknown splits (e.g. mocked): assume a test split.
    datasets = builder.as_dataset(split=["train", "test"] if has_test else ["train"], as_supervised=True)
    (x_train, y_train), *test = [_to_numpy(ds) for ds in datasets]
    for x, split in [(x_train, "train"), *((t[0], "test") for t in test)]:
        arrays.check_finite(x, f"{tfds_name} x_{split}")  # Float-valued sets may hold NaN; uint8 never.
    label = builder.info.features[builder.info.supervised_keys[1]]
    names = tuple(label.names) if getattr(label, "names", None) else None
    if not test:
        return _holdout_test(x_train, y_train, label.num_classes, names)
    return _Source(x_train, y_train, *test[0], label.num_classes, names)


def _prepared_builder(tfds_name: str, data_dir: str | None = None):
    """The TFDS builder of `tfds_name`, prepared in `data_dir`.

    Downloads the set if it is not prepared there; raises
    `DatasetUnavailableError` when that fails (e.g. offline).
    """
    import tensorflow_datasets as tfds  # Imported lazily: only these sets need it.

    try:
        builder = tfds.builder(tfds_name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as error:
        raise ValueError(f"Unknown TFDS dataset {tfds_name!r}: {error}") from None
    if not builder.is_prepared():
        # A quiet CLI (`zoo.common.quiet` set TFDS's logger to errors, unless --verbose): no download bars or
        # "Downloading ..." lines before the one-line error.
        silent = logging.getLogger("tensorflow_datasets").level >= logging.ERROR
        if silent:
            tfds.disable_progress_bar()
        try:
            with (
                _few_download_retries(),
                contextlib.redirect_stdout(io.StringIO()) if silent else contextlib.nullcontext(),
            ):
                builder.download_and_prepare()
        except Exception as error:  # Network failures surface as many error types.
            raise DatasetUnavailableError(_unavailable_message(tfds_name, data_dir, error)) from error
    return builder


@contextlib.contextmanager
def _few_download_retries(retries: int = 2):
    """Fail fast offline: TFDS retries each URL 10 times with back-off (~3.5
    minutes without network); online, two retries are plenty."""
    from tensorflow_datasets.core.download import downloader

    saved = getattr(downloader, "MAX_RETRIES", None)
    downloader.MAX_RETRIES = retries
    try:
        yield
    finally:
        if saved is not None:
            downloader.MAX_RETRIES = saved


def _to_numpy(ds: tf.data.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """Stacks an `(image, label)` dataset into float32 images in [0, 1] and int32 labels.

    Batches in chunks rather than `batch_size=-1`, which needs known split
    sizes (unknown for mocked or partially described datasets).
    """
    xs, ys = [], []
    for x, y in ds.batch(8192).as_numpy_iterator():
        xs.append(x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32))
        ys.append(y.astype(np.int32))
    return np.concatenate(xs), np.concatenate(ys)


def _unavailable_message(tfds_name: str, data_dir: str | None, error: Exception) -> str:
    shown_dir = data_dir or "~/tensorflow_datasets"
    return (
        f"Dataset {tfds_name!r} is not available offline: it is not prepared in {shown_dir} and "
        f"downloading it failed ({type(error).__name__}: {error}). On a machine with internet run "
        f"`python -c \"import tensorflow_datasets as tfds; tfds.load('{tfds_name}', data_dir='{shown_dir}')\"`, "
        f"copy that directory here and pass data_dir (--data_dir)."
        + (HUMAN_MANUAL_HINT if tfds_name in noise.HUMAN_LABELS else "")
    )


def _named_tfds(tfds_name: str, arg=None, data_dir=None) -> _Source:
    _no_arg(tfds_name, arg)
    return _tfds_source(tfds_name, data_dir)


for _name in TFDS_NAMES:
    DATASETS.register(_name)(functools.partial(_named_tfds, _name))

# TFDS prepares CIFAR-10N / CIFAR-100N from CIFAR plus files it cannot download itself.
HUMAN_MANUAL_HINT = (
    " CIFAR-10N / CIFAR-100N also need the human annotation files of github.com/UCSC-REAL/cifar-10-100n "
    "in DATA_DIR/downloads/manual (see the TFDS cifar10_n / cifar100_n pages)."
)


def _human_tfds(tfds_name: str, arg=None, data_dir=None) -> _Source:
    """CIFAR-10N / CIFAR-100N: CIFAR's images and clean labels, and every human label set of the train split."""
    _no_arg(tfds_name, arg)
    builder = _prepared_builder(tfds_name, data_dir)
    sets = noise.HUMAN_LABELS[tfds_name]
    splits = []
    for split, features in (("train", ["label", *(feature for feature, _ in sets.values())]), ("test", ["label"])):
        ds = builder.as_dataset(split=split).map(lambda e, keys=features: (e["image"], tf.stack([e[k] for k in keys])))
        splits.append(_to_numpy(ds))
    (x_train, y_train), (x_test, y_test) = splits
    human = {label_set: y_train[:, 1 + i] for i, label_set in enumerate(sets)}
    label = builder.info.features["label"]
    names = tuple(label.names) if getattr(label, "names", None) else None
    return _Source(x_train, y_train[:, 0], x_test, y_test[:, 0], label.num_classes, names, human=human)


for _name in noise.HUMAN_LABELS:
    DATASETS.register(_name)(functools.partial(_human_tfds, _name))


def _human_labels(source: _Source, noise_type: str, name: str) -> list[np.ndarray]:
    """`[the training labels of the human label set]` for a "human:SET" noise type, else `[]`."""
    if not noise_type.startswith(noise.HUMAN_PREFIX):
        return []
    label_set = noise_type.removeprefix(noise.HUMAN_PREFIX)
    if source.human is None:
        raise ValueError(
            f"Noise type {noise_type!r} needs a dataset with human labels "
            f"({', '.join(noise.HUMAN_LABELS)}), got {name!r}."
        )
    if label_set not in source.human:
        noise.human_condition(name, label_set)  # Raises, naming the label sets.
    _check_labels(source.human[label_set], source.num_classes, f"{name} {label_set}")
    return [source.human[label_set]]


@DATASETS.register("tfds")
def _tfds(arg=None, data_dir=None) -> _Source:
    """Any TFDS image classification set, named as `tfds:NAME`."""
    if not arg:
        raise ValueError("Use 'tfds:NAME' to name a TFDS dataset, e.g. 'tfds:kmnist'.")
    return _tfds_source(arg, data_dir)
