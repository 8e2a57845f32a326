"""Arrays as users have them, checked and encoded: inputs and labels.

Every in-memory or file input goes through `inputs` (numeric, not ragged,
finite) and its labels through `encode_labels` (integers 0..K-1 plus the
class names), so a bad array stops with one line naming the problem instead
of a deep traceback or a silently wrong class count.

>>> import numpy as np
>>> codes, names = encode_labels([np.array(["cat", "dog", "cat"])], ["y"])
>>> codes[0].tolist(), names
([0, 1, 0], ('cat', 'dog'))
>>> encode_labels([np.array([1, 3, 3])], ["y"])[1]
('1', '3')
"""

import numpy as np

SHOWN_ROWS = 5  # How many offending row numbers an error message lists.


def _rows(indices: np.ndarray) -> str:
    shown = ", ".join(str(int(i)) for i in indices[:SHOWN_ROWS])
    return f"rows {shown}{', ...' if len(indices) > SHOWN_ROWS else ''}"


def as_array(values, where: str) -> np.ndarray:
    """`values` as one rectangular numpy array; ragged rows are a one-line error."""
    try:
        array = np.asarray(values)
    except ValueError:  # NumPy refuses inhomogeneous nested lists.
        array = np.empty(len(values), dtype=object)
        array[:] = [np.asarray(v, dtype=object) for v in values]
    if array.dtype == object and array.ndim >= 1 and array.size:
        items = [np.asarray(v) if isinstance(v, list | tuple | np.ndarray) else v for v in array.reshape(-1)]
        shapes = [np.shape(v) for v in items]
        if any(shape != shapes[0] for shape in shapes):
            first = next(i for i, shape in enumerate(shapes) if shape != shapes[0])
            raise ValueError(
                f"{where} is ragged: its rows have different shapes ({shapes[0]} in row 0, {shapes[first]} "
                f"in row {first}); pad or resize them to one shape."
            )
        if shapes[0]:  # An object array of equal-shaped rows: stack them.
            array = np.stack(items).reshape(array.shape + shapes[0])
    return array


def inputs(values, where: str) -> np.ndarray:
    """Checked float32 inputs: numeric, not ragged, at least one row, finite.

    A 1-D array is one feature per example and becomes `(N, 1)`.
    """
    x = as_array(values, where)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"{where} has no examples (shape {x.shape}).")
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise ValueError(f"{where} must be numeric, got dtype {x.dtype} (e.g. {x.reshape(-1)[0]!r}).")
    x = x.astype(np.float32)
    x = x[:, None] if x.ndim == 1 else x
    check_finite(x, where)
    return x


def check_finite(x: np.ndarray, where: str) -> None:
    """One-line error naming how many rows of `x` hold NaN or Inf values."""
    finite = np.isfinite(x.reshape(len(x), -1)).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise ValueError(f"{where} has {len(bad)} rows with NaN or Inf values ({_rows(bad)}).")


def check_lengths(x: np.ndarray, y: np.ndarray, x_where: str, y_where: str) -> None:
    if len(x) != len(y):
        raise ValueError(f"{x_where} has {len(x)} rows but {y_where} has {len(y)} labels.")


def _sparse(y, where: str) -> tuple[np.ndarray, int | None]:
    """Labels as a 1-D array of ints, strings or bools (`(N, 1)` columns and one-hot rows undone,
    integral floats made integers), and the one-hot width (None for class ids)."""
    y = as_array(y, where)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.dtype.kind == "S":
        y = np.char.decode(y, "utf-8")
    if y.dtype == object:
        kinds = {type(v) for v in y.reshape(-1)}
        if kinds <= {str, bytes}:
            y = np.array([v.decode("utf-8") if isinstance(v, bytes) else v for v in y.reshape(-1)]).reshape(y.shape)
        else:
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{where} mixes label types ({', '.join(sorted(k.__name__ for k in kinds))}); "
                    "use one type (integers or strings)."
                ) from None
    numeric = np.issubdtype(y.dtype, np.number)
    if numeric and np.issubdtype(y.dtype, np.floating):
        missing = np.flatnonzero(~np.isfinite(y.reshape(len(y), -1)).all(axis=1))
        if len(missing):
            raise ValueError(f"{where} has {len(missing)} NaN or Inf labels ({_rows(missing)}).")
        fractional = np.flatnonzero((y != np.round(y)).reshape(len(y), -1).any(axis=1))
        if len(fractional):
            row = int(fractional[0])
            raise ValueError(
                f"{where} has non-integral float labels (e.g. {y[row].tolist()} in row {row}): "
                "labels must be class ids (integers, strings or one-hot rows)."
            )
        y = y.astype(np.int64)
    if y.ndim == 2 and numeric:
        if not (np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()):
            raise ValueError(
                f"{where} of shape {y.shape} are not one-hot rows (each row one 1, the rest 0); "
                "give class ids of shape (N,) or one-hot rows."
            )
        return y.argmax(axis=1), y.shape[1]
    if y.ndim != 1:
        raise ValueError(f"{where} must be class ids of shape (N,), (N, 1) or one-hot (N, K), got shape {y.shape}.")
    if not (numeric or y.dtype.kind == "U" or y.dtype == bool):
        raise ValueError(f"{where} must be integers, strings or one-hot rows, got dtype {y.dtype}.")
    return y, None


def class_ids(y, where: str) -> np.ndarray:
    """Labels that are already class ids (e.g. with a given class count): 1-D int64, not re-encoded."""
    y, _ = _sparse(y, where)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{where} must be integer class ids here, got dtype {y.dtype}.")
    return y.astype(np.int64)


def encode_labels(labels: list, wheres: list[str]) -> tuple[list[np.ndarray], tuple[str, ...]]:
    """Encodes the label arrays of one dataset (e.g. train and test) jointly to 0..K-1.

    Integers (with gaps, from 1 or negative), strings, bools, integral floats,
    `(N, 1)` columns and one-hot rows are accepted. Returns int32 codes per
    array and the class names: the original labels as strings in sorted order
    (numeric order for numbers; "0".."K-1" for plain 0..K-1 integers). One-hot
    rows of width K give K classes even if some never occur.
    """
    sparse, widths = zip(*(_sparse(y, where) for y, where in zip(labels, wheres, strict=True)), strict=True)
    if len({y.dtype.kind == "U" for y in sparse}) > 1:
        raise ValueError(f"{' and '.join(wheres)} mix string and numeric labels.")
    widths = [w for w in widths if w is not None]
    classes = np.arange(max(widths)) if widths else np.unique(np.concatenate(sparse))
    if len(classes) < 2:
        raise ValueError(f"{' and '.join(wheres)} hold a single class ({classes.tolist()}); a classifier needs two.")
    codes = [np.searchsorted(classes, y).astype(np.int32) for y in sparse]
    return codes, tuple(str(c) for c in classes.tolist())
