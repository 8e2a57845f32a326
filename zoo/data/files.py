"""Data files users have: `.npz` arrays, `.csv` tables, image folders.

Each reader returns `(x_train, y_train, x_test, y_test, class_names)`: raw
arrays (the test pair None when the file has none) and the class names when
the file names them (`dir:`, else None); `zoo.data.datasets` checks and encodes them (`zoo.data.arrays`)
and holds out a test split where there is none.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
>>> _ = open(path, "w").write("a,b,kind\\n1,2,cat\\n3,4,dog\\n")
>>> x, y, *_ = read_csv(path)
>>> x.tolist(), y.tolist()
([[1.0, 2.0], [3.0, 4.0]], ['cat', 'dog'])
"""

import csv
import os

import numpy as np

NPZ_LAYOUTS = (("x_train", "y_train", "x_test", "y_test"), ("x_train", "y_train"), ("x", "y"))
IMAGE_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")  # What image_dataset_from_directory reads.


def resolve(path: str, data_dir: str | None, kind: str) -> str:
    """`path` (relative to `data_dir` when given), which must exist."""
    if not path:
        raise ValueError(f"Use '{kind}:PATH' to name a {kind} {'folder' if kind == 'dir' else 'file'}.")
    path = os.path.expanduser(os.path.join(data_dir, path) if data_dir else path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such {'folder' if kind == 'dir' else f'.{kind} file'}: {path}")
    return path


# ---------------------------------------------------------------- npz


def read_npz(path: str):
    """`x, y`, `x_train, y_train` or `x_train, y_train, x_test, y_test` of a `.npz`.

    `(N, H, W)` images get a channel axis; uint8 inputs are scaled by 1/255.
    """
    with np.load(path, allow_pickle=False) as arrays:
        keys = set(arrays.files)
        if ("x_test" in keys) != ("y_test" in keys):
            present, absent = ("x_test", "y_test") if "x_test" in keys else ("y_test", "x_test")
            raise ValueError(f"{path} has {present} but no {absent}: give both, or neither.")
        layout = next((keys_ for keys_ in NPZ_LAYOUTS if keys.issuperset(keys_)), None)
        if layout is None or (layout[0] == "x" and keys & {"x_train", "y_train", "x_test", "y_test"}):
            raise ValueError(
                f"{path} must hold the arrays x, y or x_train, y_train[, x_test, y_test] (has {sorted(keys)})."
            )
        found = [_npz_inputs(arrays[k]) if k.startswith("x") else arrays[k] for k in layout]
    return (*found, None, None)[:4] + (None,)


def _npz_inputs(x: np.ndarray) -> np.ndarray:
    scaled = x / 255.0 if x.dtype == np.uint8 else x
    return scaled[..., None] if scaled.ndim == 3 else scaled


# ---------------------------------------------------------------- csv


def _number(cell: str) -> float | None:
    """The cell's value, NaN for an empty cell, None when it is not a number."""
    if not cell.strip():
        return float("nan")
    try:
        return float(cell)
    except ValueError:
        return None


def read_csv(path: str, label_column: str | int | None = None):
    """Numeric feature columns and the label column of a `.csv` table.

    The first row is a header when none of its cells is a number.
    `label_column` is a header name or a column index (negative from the
    end); the last column by default. Empty feature cells read as NaN (then
    refused as NaN inputs); a non-numeric feature column is an error naming it.
    """
    with open(path, newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if not rows:
        raise ValueError(f"{path} is empty.")
    header = rows[0] if all(_number(cell) is None for cell in rows[0]) else None
    body = rows[1:] if header else rows
    width = len(rows[0])
    for number, row in enumerate(body, start=2 if header else 1):
        if len(row) != width:
            raise ValueError(f"{path} line {number} has {len(row)} fields, expected {width}.")
    if not body:
        raise ValueError(f"{path} has a header but no rows.")
    names = header or [str(i) for i in range(width)]
    label = _label_index(label_column, names, path, width)
    features = []
    for column in (i for i in range(width) if i != label):
        values = [_number(row[column]) for row in body]
        bad = next((i for i, v in enumerate(values) if v is None), None)
        if bad is not None:
            raise ValueError(
                f"{path}: feature column {names[column]!r} is not numeric (e.g. {body[bad][column]!r} in data row "
                f"{bad}); drop or encode it, or name the label column with label_column (--label_column)."
            )
        features.append(values)
    x = np.array(features, dtype=np.float64).T.reshape(len(body), len(features))
    labels = [row[label].strip() for row in body]
    numbers = [_number(cell) for cell in labels]
    y = np.array(labels) if any(v is None for v in numbers) else np.array(numbers)
    return x, y, None, None, None


def _label_index(label_column, names: list[str], path: str, width: int) -> int:
    if width < 2:
        raise ValueError(f"{path} needs at least one feature column and a label column, has {width} column.")
    if label_column is None:
        return width - 1
    if str(label_column) in names:
        return names.index(str(label_column))
    try:
        index = int(label_column)
    except ValueError:
        raise ValueError(f"{path} has no column {label_column!r} (columns: {', '.join(names)}).") from None
    if not -width <= index < width:
        raise ValueError(f"{path} has {width} columns, label_column {index} is out of range.")
    return index % width


# ---------------------------------------------------------------- image folders


def image_size(value) -> tuple[int, int] | None:
    """`(height, width)` from "32,32", "32", 32 or a pair; None stays None."""
    if value is None or value == "":
        return None
    parts = str(value).replace("x", ",").split(",") if isinstance(value, str | int) else list(value)
    try:
        size = tuple(int(part) for part in parts)
    except (TypeError, ValueError):
        raise ValueError(f"image_size must be 'HEIGHT,WIDTH' (e.g. 32,32), got {value!r}.") from None
    size = size * 2 if len(size) == 1 else size
    if len(size) != 2 or min(size) < 1:
        raise ValueError(f"image_size must be two positive integers HEIGHT,WIDTH, got {value!r}.")
    return size


def _first_image(path: str) -> str:
    for folder in sorted(entry.path for entry in os.scandir(path) if entry.is_dir()):
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith(IMAGE_EXTENSIONS):
                return os.path.join(folder, name)
    raise ValueError(
        f"{path} holds no images in sub-folders (one sub-folder per class, {', '.join(IMAGE_EXTENSIONS)})."
    )


def read_dir(path: str, size=None):
    """The images of a folder with one sub-folder per class, in [0, 1].

    Read with `keras.utils.image_dataset_from_directory` at `size` (default:
    the first image's size); grayscale when the first image is, RGBA when it
    has an alpha channel, else RGB. Class names are the sub-folder names.
    """
    import keras
    from PIL import Image

    with Image.open(_first_image(path)) as first:
        mode = {"L": "grayscale", "LA": "grayscale", "RGBA": "rgba"}.get(first.mode, "rgb")
        size = image_size(size) or (first.height, first.width)
    dataset = keras.utils.image_dataset_from_directory(
        path, image_size=size, color_mode=mode, batch_size=None, shuffle=False, verbose=False
    )
    xs, ys = zip(*dataset.as_numpy_iterator(), strict=True)
    x = np.stack(xs).astype(np.float32) / 255.0
    return x, np.array(ys), None, None, tuple(dataset.class_names)
