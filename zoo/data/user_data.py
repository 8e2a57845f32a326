"""Any data a user has, as `Data`: `as_data(data, ...)`.

`data` may be

- a dataset name or spec (`digits`, `mnist`, `npz:PATH`, `csv:PATH`, `dir:PATH`, ...) or a `Data`:
  as `zoo.datasets.load` (a `Data` is returned as it is);
- numpy arrays (or lists) `(x, y)`: a fixed stratified test split is held out, as for sets without
  one; or `((x_train, y_train), (x_test, y_test))`;
- a finite `tf.data.Dataset` of `(x, y)` batches or single examples (read as batches when the
  leading dimensions of `x` and `y` agree, as `.batch()` gives); or a pair `(train, test)` of them.

Labels may be integers 0..K-1, integers with gaps or from 1, strings, integral
floats, `(N, 1)` columns or one-hot rows: they are encoded to 0..K-1 and the
original labels kept, as strings in sorted order, in `Data.class_names`
(`zoo.data.arrays`). Inputs are standardised with the training statistics and a
seeded validation split is carved from the training part (`zoo.data.datasets`).
Ragged shapes, NaN/Inf inputs, NaN or fractional labels and length mismatches
stop with one line.

>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(60, 4))
>>> data = as_data((x, np.repeat([1, 2, 3], 20)), seed=0)
>>> data.num_classes, data.class_names, data.input_shape
(3, ('1', '2', '3'), (4,))
"""

import numpy as np
import tensorflow as tf

from zoo.data import datasets

DEFAULTS = {"validation_split": 0.2, "batch_size": 128}  # As `datasets.load`.


def as_data(
    data,
    *,
    seed=0,
    validation_split=None,
    label_column=None,
    image_size=None,
    data_dir=None,
    batch_size=None,
    **conditions,
) -> datasets.Data:
    """`data` (see the module docstring) as a standardised, split `zoo.datasets.Data`.

    Args:
        data: a dataset name or spec, a `Data`, numpy `(x, y)` or `((x_train, y_train), (x_test, y_test))`,
            or a finite `tf.data.Dataset` of `(x, y)`.
        seed: seeds the validation split and the shuffling (never the test split).
        validation_split: fraction of the training part held out for validation (default 0.2).
        label_column: `csv:` files, the label column's header name or index (default the last).
        image_size: `dir:` folders, "HEIGHT,WIDTH" or a pair (default the first image's size).
        data_dir: TFDS data directory; file paths are relative to it.
        batch_size: batch size of the `tf.data` pipelines (default 128).
        **conditions: the noise and imbalance of `datasets.load` (`label_noise`, `noise_type`,
            `input_noise`, `noise_matrix`, `noisy_validation`, `imbalance_ratio`, ...), applied to
            names, files and arrays alike; a `Data` is already split and is used as it is. `task` and
            `ignore_class` too: without `task`, arrays of multi-hot rows or masks are recognised.
    """
    if isinstance(data, datasets.Data):
        task = conditions.pop("task", None)
        if task is not None and task != data.task:
            raise ValueError(f"The given zoo.datasets.Data holds {data.task} labels, not {task} ones.")
        conditions.pop("ignore_class", None)
        if any(value not in (None, False, 0, 0.0, 1.0, "symmetric", "exponential") for value in conditions.values()):
            raise ValueError(
                "A loaded zoo.datasets.Data is used as it is: to add noise or imbalance, give its arrays "
                "(x, y) or the dataset's name instead."
            )
        return data
    given = {"validation_split": validation_split, "batch_size": batch_size}
    common = {"seed": seed, **{k: DEFAULTS[k] if v is None else v for k, v in given.items()}}
    if isinstance(data, str):
        return datasets.load(
            data, data_dir=data_dir, label_column=label_column, image_size=image_size, **common, **conditions
        )
    for option, value in (("label_column", label_column), ("image_size", image_size), ("data_dir", data_dir)):
        if value is not None:
            raise ValueError(f"{option} applies to dataset names and files (csv:, dir:), not to in-memory data.")
    name, train, test = _parts(data)
    x_test, y_test = (None, None) if test is None else test
    return datasets.from_arrays(*train, x_test, y_test, name=name, **common, **conditions)


def _parts(data):
    """`(name, (x, y), (x_test, y_test) or None)` of in-memory data."""
    if isinstance(data, tf.data.Dataset):
        return "tf.data", _from_dataset(data, "the dataset"), None
    if isinstance(data, tuple | list) and len(data) == 2:
        if all(isinstance(part, tf.data.Dataset) for part in data):
            return "tf.data", _from_dataset(data[0], "the train dataset"), _from_dataset(data[1], "the test dataset")
        if all(isinstance(part, tuple) and len(part) == 2 for part in data):
            return "arrays", data[0], data[1]
        return "arrays", tuple(data), None
    raise ValueError(
        f"Data must be a dataset name, a zoo.datasets.Data, arrays (x, y) or ((x_train, y_train), (x_test, y_test)), "
        f"or a tf.data.Dataset of (x, y); got {type(data).__name__}."
    )


def _from_dataset(dataset: tf.data.Dataset, what: str) -> tuple[np.ndarray, np.ndarray]:
    """The `(x, y)` arrays of a finite dataset of `(x, y)` batches or examples."""
    if dataset.cardinality() == tf.data.INFINITE_CARDINALITY:
        raise ValueError(f"{what} is infinite (e.g. .repeat()); pass a finite one, e.g. dataset.take(n).")
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2):
        raise ValueError(f"{what} must yield (x, y) pairs, got elements {_spec_text(spec)}.")
    x_shape, y_shape = (tf.TensorShape(getattr(s, "shape", None)) for s in spec)
    batched = bool(x_shape.rank and y_shape.rank and x_shape.rank > 1 and x_shape[0] == y_shape[0])
    xs, ys = [], []
    for x, y in dataset.as_numpy_iterator():
        xs.append(x)
        ys.append(y)
    if not xs:
        raise ValueError(f"{what} is empty.")
    if batched:
        xs, ys = _concatenate(xs, f"x of {what}"), _concatenate(ys, f"y of {what}")
    return xs, ys


def _concatenate(parts: list, where: str) -> np.ndarray:
    """Batches joined along the first axis; batches of different example shapes are ragged."""
    shapes = {np.shape(part)[1:] for part in parts}
    if len(shapes) > 1:
        raise ValueError(f"{where} is ragged: its batches hold examples of shapes {sorted(shapes)}.")
    return np.concatenate(parts)


def _spec_text(spec) -> str:
    return " ".join(str(spec).split())  # One line.
