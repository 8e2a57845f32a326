"""The classification tasks a comparison can be about, and which one a label array is.

- `single_label`: one class per example, as class ids `(N,)` / `(N, 1)` or one-hot
  (or soft) rows `(N, K)` summing to 1; the model has K softmax outputs.
- `multi_label`: any subset of K labels per example, as multi-hot rows `(N, K)` of 0/1;
  the model has K sigmoid outputs.
- `dense`: one class per position, as integer masks `(N, d1, ..., dm)` with m >= 2
  (e.g. `(N, H, W)` for segmentation); the model outputs `(N, d1, ..., dm, K)`.
  Positions labelled `ignore_class` (e.g. 255, a void border) count nowhere.

`infer_task` reads the task off the labels (an `(N, K)` array is multi-label as soon as
one row is not one-hot) and says in one line what it inferred; `check_labels` checks
labels against a task that was given. Both raise a one-line ValueError for labels that
fit no task (values other than 0/1 in multi-hot rows, mask values out of range, ...).

>>> import numpy as np
>>> infer_task(np.array([[1, 0, 1], [0, 1, 0]])).task
'multi_label'
>>> print(infer_task(np.zeros((4, 8, 8), int) + np.arange(8) % 3, ignore_class=255).message)
Task inferred: dense (labels of shape (4, 8, 8): a class per position, 3 classes, ignore_class=255).
"""

import typing

import numpy as np

TASKS = ("single_label", "multi_label", "dense")
# The default reference loss of a task whose losses do not include `log_loss` (the cross-entropy of multi-hot
# targets is `logistic`, the sum of the K binary cross-entropies); the comparison and the report read it.
TASK_REFERENCES = {"multi_label": "logistic"}
# The embedded offline dataset of a task when none is named (`zoo.compare --task=...`, `tuning.search --task=...`).
TASK_DEFAULTS = {"multi_label": "multi_label_digits", "dense": "shapes"}


class Inferred(typing.NamedTuple):
    """What `infer_task` found: the task, the class (label) count and a one-line message."""

    task: str
    num_classes: int
    message: str


def check_task(task: str) -> str:
    """`task` itself when it is one of `TASKS`; a one-line ValueError with close matches otherwise."""
    if task not in TASKS:
        import difflib

        close = difflib.get_close_matches(str(task), TASKS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown task {task!r}.{hint} Known: {', '.join(TASKS)}.")
    return task


def _as_array(y) -> np.ndarray:
    y = np.asarray(y)
    if y.dtype == object or not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise ValueError(f"Labels must be numbers, got an array of dtype {y.dtype}.")
    if y.ndim == 0 or y.shape[0] == 0:
        raise ValueError(f"Labels must be an array with at least one example, got shape {y.shape}.")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"Labels of shape {y.shape} hold NaN or infinite values.")
    return y


def _first_bad(y: np.ndarray, bad: np.ndarray) -> str:
    """'VALUE at index (i, j, ...)' for the first True of `bad`."""
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return f"{y[index]:g} at index {index}"


def _is_one_hot_rows(y: np.ndarray) -> bool:
    return bool(np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=-1) == 1))


def _is_soft_rows(y: np.ndarray) -> bool:
    return bool(np.all((y >= 0) & (y <= 1)) and np.allclose(y.sum(axis=-1), 1.0, atol=1e-6))


def _count(num_outputs, found: int, what: str) -> int:
    """The class count: `num_outputs` when given (it must hold every label), else `found`."""
    if num_outputs is None:
        return found
    if found > num_outputs:
        raise ValueError(f"{what} need {found} classes but the model has {num_outputs} outputs.")
    return int(num_outputs)


def check_labels(y, task: str, num_outputs: int | None = None, ignore_class: int | None = None) -> int:
    """Checks that labels `y` are labels of `task`; returns the class (label) count K.

    K is `num_outputs` when given (the model's output width), else read off the labels
    (the width of `(N, K)` rows, the largest class id + 1). A one-line ValueError names the
    problem: an array of the wrong rank, values other than 0/1 in multi-hot rows,
    non-integer or negative class ids, a class id >= `num_outputs` (other than
    `ignore_class`), `ignore_class` given for a task without positions.
    """
    check_task(task)
    y = _as_array(y)
    shape = tuple(y.shape)
    if ignore_class is not None and task != "dense":
        raise ValueError(f"ignore_class applies to dense labels only, not to task {task!r}.")
    if task == "multi_label":
        if y.ndim != 2:
            raise ValueError(f"multi_label labels must be multi-hot rows (N, K), got shape {shape}.")
        bad = (y != 0) & (y != 1)
        if bad.any():
            raise ValueError(
                f"multi_label labels of shape {shape} must be 0 or 1 (multi-hot), found {_first_bad(y, bad)}."
            )
        if num_outputs is not None and y.shape[1] != num_outputs:
            raise ValueError(
                f"multi_label labels have {y.shape[1]} labels per example, the model {num_outputs} outputs."
            )
        return int(y.shape[1])
    if task == "single_label":
        if y.ndim == 2 and y.shape[1] > 1:
            if not _is_soft_rows(y):
                bad = (y != 0) & (y != 1)
                found = f"found {_first_bad(y, bad)}" if bad.any() else "rows with several 1s are multi_label"
                raise ValueError(
                    f"Labels of shape {shape} are neither one-hot (or soft) rows summing to 1 nor multi-hot "
                    f"rows of 0/1: {found}."
                )
            return _count(num_outputs, int(y.shape[1]), f"Labels of shape {shape}")
        if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
            raise ValueError(f"single_label labels must be class ids (N,) / (N, 1) or rows (N, K), got shape {shape}.")
        return _count(num_outputs, _class_ids_count(y, None, "Class ids", num_outputs), "Class ids")
    if y.ndim < 3:
        raise ValueError(f"dense labels must be integer masks (N, d1, ..., dm) with m >= 2, got shape {shape}.")
    return _count(num_outputs, _class_ids_count(y, ignore_class, "Mask values", num_outputs), "Masks")


def _class_ids_count(y: np.ndarray, ignore_class, what: str, num_outputs=None) -> int:
    """Largest class id + 1 of integer ids `y` (positions equal to `ignore_class` left out)."""
    bad = y != np.round(y)
    if bad.any():
        raise ValueError(f"{what} must be integers, found {_first_bad(y, bad)}.")
    kept = y if ignore_class is None else y[y != ignore_class]
    void = "" if ignore_class is None else f" (or ignore_class={ignore_class})"
    bad = (y < 0) if num_outputs is None else (y < 0) | (y >= num_outputs)
    if ignore_class is not None:
        bad &= y != ignore_class
    if bad.any():
        allowed = ">= 0" if num_outputs is None else f"in [0, {num_outputs})"
        raise ValueError(f"{what} must be {allowed}{void}, found {_first_bad(y, bad)}.")
    if kept.size == 0:
        raise ValueError(f"{what}: every position is ignore_class={ignore_class}; nothing is labelled.")
    return int(kept.max()) + 1


def infer_task(y, num_outputs: int | None = None, *, ignore_class: int | None = None) -> Inferred:
    """The task of labels `y` (see the module docstring), their class count and a one-line message.

    Rules: rank >= 3 (a label per position) is `dense`; `(N, K)` rows of 0/1 of which at
    least one is not one-hot are `multi_label`; class ids `(N,)` / `(N, 1)` and one-hot or
    soft rows are `single_label`. `num_outputs`, when given, is the model's output width
    and must fit the labels. `ignore_class` implies a dense task.
    """
    y = _as_array(y)
    shape = tuple(y.shape)
    if y.ndim >= 3 or ignore_class is not None:
        task = "dense"
    elif y.ndim == 2 and y.shape[1] > 1 and np.all((y == 0) | (y == 1)) and not _is_one_hot_rows(y):
        task = "multi_label"
    else:
        task = "single_label"
    num_classes = check_labels(y, task, num_outputs, ignore_class)
    if task == "dense":
        void = "" if ignore_class is None else f", ignore_class={ignore_class}"
        detail = f"a class per position, {num_classes} classes{void}"
    elif task == "multi_label":
        detail = (
            f"multi-hot rows, {num_classes} labels, {float(y.sum(axis=1).mean()):.2f} positives per example on average"
        )
    else:
        form = "rows summing to 1" if y.ndim == 2 and y.shape[1] > 1 else "class ids"
        detail = f"{form}, {num_classes} classes"
    return Inferred(task, num_classes, f"Task inferred: {task} (labels of shape {shape}: {detail}).")
