"""The TFDS sets: `mnist`, `fashion_mnist`, `cifar10`, `cifar100`, `svhn_cropped`, any `tfds:NAME`, and
CIFAR-10N / CIFAR-100N (`cifar10_n`, `cifar100_n`) with their human label sets.

Read from `data_dir` (`~/tensorflow_datasets` by default), downloaded when not prepared
there; offline, `DatasetUnavailableError` says how to copy a prepared set over.
"""

import contextlib
import functools
import io
import logging

import numpy as np
import tensorflow as tf

from zoo.data import arrays, noise
from zoo.data.sources import DATASETS, DatasetUnavailableError, Source, check_labels, holdout_test, no_arg

TFDS_NAMES = ("mnist", "fashion_mnist", "cifar10", "cifar100", "svhn_cropped")  # And `cifar10_n`, `cifar100_n`.


def tfds_source(tfds_name: str, data_dir: str | None = None) -> Source:
    """Reads a TFDS image classification set into numpy, scaled to [0, 1]."""
    builder = prepared_builder(tfds_name, data_dir)
    splits = builder.info.splits
    has_test = not splits or "test" in splits  # Unknown splits (e.g. mocked): assume a test split.
    datasets = builder.as_dataset(split=["train", "test"] if has_test else ["train"], as_supervised=True)
    (x_train, y_train), *test = [_to_numpy(ds) for ds in datasets]
    for x, split in [(x_train, "train"), *((t[0], "test") for t in test)]:
        arrays.check_finite(x, f"{tfds_name} x_{split}")  # Float-valued sets may hold NaN; uint8 never.
    label = builder.info.features[builder.info.supervised_keys[1]]
    names = tuple(label.names) if getattr(label, "names", None) else None
    if not test:
        return holdout_test(x_train, y_train, label.num_classes, names)
    return Source(x_train, y_train, *test[0], label.num_classes, names)


def prepared_builder(tfds_name: str, data_dir: str | None = None):
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


def _named_tfds(tfds_name: str, arg=None, data_dir=None) -> Source:
    no_arg(tfds_name, arg)
    return tfds_source(tfds_name, data_dir)


for _name in TFDS_NAMES:
    DATASETS.register(_name)(functools.partial(_named_tfds, _name))

# TFDS prepares CIFAR-10N / CIFAR-100N from CIFAR plus files it cannot download itself.
HUMAN_MANUAL_HINT = (
    " CIFAR-10N / CIFAR-100N also need the human annotation files of github.com/UCSC-REAL/cifar-10-100n "
    "in DATA_DIR/downloads/manual (see the TFDS cifar10_n / cifar100_n pages)."
)


def _human_tfds(tfds_name: str, arg=None, data_dir=None) -> Source:
    """CIFAR-10N / CIFAR-100N: CIFAR's images and clean labels, and every human label set of the train split."""
    no_arg(tfds_name, arg)
    builder = prepared_builder(tfds_name, data_dir)
    sets = noise.HUMAN_LABELS[tfds_name]
    splits = []
    for split, features in (("train", ["label", *(feature for feature, _ in sets.values())]), ("test", ["label"])):
        ds = builder.as_dataset(split=split).map(lambda e, keys=features: (e["image"], tf.stack([e[k] for k in keys])))
        splits.append(_to_numpy(ds))
    (x_train, y_train), (x_test, y_test) = splits
    human = {label_set: y_train[:, 1 + i] for i, label_set in enumerate(sets)}
    label = builder.info.features["label"]
    names = tuple(label.names) if getattr(label, "names", None) else None
    return Source(x_train, y_train[:, 0], x_test, y_test[:, 0], label.num_classes, names, human=human)


for _name in noise.HUMAN_LABELS:
    DATASETS.register(_name)(functools.partial(_human_tfds, _name))


def human_labels(source: Source, noise_type: str, name: str) -> list[np.ndarray]:
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
    check_labels(source.human[label_set], source.num_classes, f"{name} {label_set}")
    return [source.human[label_set]]


@DATASETS.register("tfds")
def _tfds(arg=None, data_dir=None) -> Source:
    """Any TFDS image classification set, named as `tfds:NAME`."""
    if not arg:
        raise ValueError("Use 'tfds:NAME' to name a TFDS dataset, e.g. 'tfds:kmnist'.")
    return tfds_source(arg, data_dir)
