# temporary: replaced by the data branch at merge
"""Users' own data as `zoo.data.datasets.Data`: a dataset name, a `Data`, or numpy arrays.

temporary: replaced by the data branch at merge (this minimal version takes a name, a
`Data`, `(x, y)` or `((x_train, y_train), (x_test, y_test))` with integer labels 0..K-1).

>>> import numpy as np
>>> x, y = np.random.rand(60, 4).astype("float32"), np.arange(60) % 3
>>> data = as_data((x, y), seed=0, validation_split=0.2)
>>> data.num_classes, data.input_shape, sum(data.info["sizes"].values())
(3, (4,), 60)
"""

import numpy as np

from zoo.data import datasets


def as_data(
    data,
    *,
    seed=0,
    validation_split=None,
    label_column=None,
    image_size=None,
    data_dir=None,
    batch_size=None,
) -> datasets.Data:
    """`data` as `Data`: a name (`datasets.load`), a `Data` (as it is), `(x, y)` or `((x, y), (x_test, y_test))`."""
    del label_column, image_size  # The data branch reads csv: and dir: files with these.
    options = {"seed": seed, "data_dir": data_dir}
    if validation_split is not None:
        options["validation_split"] = validation_split
    if batch_size is not None:
        options["batch_size"] = batch_size
    if isinstance(data, datasets.Data):
        return data
    if isinstance(data, str):
        return datasets.load(data, **options)
    if isinstance(data, (tuple, list)) and len(data) == 2:
        first, second = data
        if isinstance(first, (tuple, list)) and isinstance(second, (tuple, list)):
            arrays = {"x_train": first[0], "y_train": first[1], "x_test": second[0], "y_test": second[1]}
        else:
            arrays = {"x": first, "y": second}
        return _from_arrays({key: np.asarray(value) for key, value in arrays.items()}, **options)
    raise ValueError(
        "data must be a dataset name, a Data, (x, y) or ((x_train, y_train), (x_test, y_test)), "
        f"got {type(data).__name__}."
    )


def _from_arrays(arrays, *, seed, data_dir=None, validation_split=0.2, batch_size=128) -> datasets.Data:
    """`Data` from integer-labelled arrays, as `datasets.load` makes it (split, standardised), without noise."""
    del data_dir
    if "x" in arrays:
        y = arrays["y"].astype(np.int32)
        source = datasets._holdout_test(arrays["x"].astype(np.float32), y, int(y.max()) + 1)
    else:
        ys = [arrays[k].astype(np.int32) for k in ("y_train", "y_test")]
        source = datasets._Source(
            arrays["x_train"].astype(np.float32),
            ys[0],
            arrays["x_test"].astype(np.float32),
            ys[1],
            int(max(y.max() for y in ys)) + 1,
        )
    x_train, x_val, y_train, y_val = datasets._split(source.x_train, source.y_train, validation_split, seed)
    mean, std = datasets._channel_stats(x_train)
    x_train, x_val, x_test = ((x - mean) / std for x in (x_train, x_val, source.x_test))
    info = {
        "sizes": {"train": len(y_train), "val": len(y_val), "test": len(source.y_test)},
        "label_noise": {"rate": 0.0, "type": "symmetric", "realised_fraction": 0.0, "splits": ["train"]},
        "input_noise": {"sigma": 0.0, "type": "gaussian", "splits": ["train"]},
        "normalisation": {"mean": mean.ravel().tolist(), "std": std.ravel().tolist()},
        "seed": seed,
        "validation_split": validation_split,
        "options": {},
    }
    return datasets.Data(
        name="arrays",
        input_shape=tuple(x_train.shape[1:]),
        num_classes=source.num_classes,
        train=datasets._pipeline(x_train, y_train, batch_size, 10000, seed),
        val=datasets._pipeline(x_val, y_val, batch_size),
        test=datasets._pipeline(x_test, source.y_test, batch_size),
        x_train=x_train,
        y_train=y_train,
        x_val=x_val,
        y_val=y_val,
        x_test=x_test.astype(np.float32),
        y_test=source.y_test,
        y_train_clean=y_train,
        info=info,
    )
