"""Label noise for multi-label and dense labels (NumPy, seeded), with a description of what was applied.

Multi-label (multi-hot `(N, K)`):

- "symmetric": every label bit is flipped (0 ↔ 1) independently with probability `rate`;
- "missing": every positive is dropped (1 → 0) with probability `rate`, negatives kept — the
  "missing labels" of partially annotated taggers.

Dense (class masks `(N, ...)`), per position, positions equal to `ignore_class` never touched:

- "symmetric" / "pair": as `zoo.data.noise.flip_labels` (a uniformly chosen other class; k → k+1);
- "asymmetric" / "asymmetric:MAP" or a `class_map` `{true: noisy}`: each mapped class flips to its
  target with probability `rate` (`zoo.data.noise.asymmetric_map` names the published maps);
- "matrix:HASH" with `matrix`: each position's class drawn from row `T[y]` (`zoo.data.noise.flip_by_matrix`).

Single-label labels keep `zoo.data.noise.corrupt_labels`. A kind that means nothing for a task
("missing" for masks, "pair" for multi-hot rows, human label sets beyond CIFAR-N) is a one-line error.

>>> import numpy as np
>>> y = np.ones((1000, 4), int)
>>> noisy, info = corrupt_task_labels(y, "multi_label", 0.2, "missing", seed=0)
>>> info["noise_type"], info["positions"], bool(np.all(noisy <= y)), abs(info["realised_fraction"] - 0.2) < 0.03
('missing', 4000, True, True)
"""

import numpy as np

from zoo.common.tasks import check_labels, check_task
from zoo.data import noise

TASK_NOISE_TYPES = {
    "single_label": (*noise.NOISE_TYPES, noise.MATRIX_PREFIX + "HASH", noise.HUMAN_PREFIX + "SET"),
    "multi_label": ("symmetric", "missing"),
    "dense": ("symmetric", "pair", "asymmetric", "asymmetric:MAP", noise.MATRIX_PREFIX + "HASH"),
}


def _rate(rate: float) -> float:
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"Label noise rate must be in [0, 1), got {rate!r}.")
    return float(rate)


def flip_label_bits(y, rate: float, seed=0) -> tuple[np.ndarray, float]:
    """Multi-hot `y` with each bit flipped with probability `rate`; returns `(noisy, fraction of bits flipped)`."""
    y = np.asarray(y)
    flip = np.random.default_rng(seed).random(y.shape) < _rate(rate)
    return np.where(flip, 1 - y, y).astype(y.dtype), float(flip.mean()) if y.size else 0.0


def drop_positives(y, rate: float, seed=0) -> tuple[np.ndarray, float]:
    """Multi-hot `y` with each positive set to 0 with probability `rate`; returns `(noisy, fraction dropped)`.

    The fraction is over the positives (the realised "missing" rate).
    """
    y = np.asarray(y)
    drop = (np.random.default_rng(seed).random(y.shape) < _rate(rate)) & (y == 1)
    positives = int((y == 1).sum())
    return np.where(drop, 0, y).astype(y.dtype), float(drop.sum() / positives) if positives else 0.0


def flip_positions(
    y, num_classes: int, rate: float, noise_type: str, seed=0, ignore_class=None, matrix=None, class_map=None
) -> tuple[np.ndarray, dict]:
    """Class masks `y` with per-position label noise; `ignore_class` positions unchanged.

    The non-ignored positions, in row-major order, get the single-label noise of
    `zoo.data.noise` (the same draws as for that many class ids). Returns `(noisy, info)`
    as `zoo.data.noise.corrupt_labels` (realised fraction over the non-ignored positions,
    and for class maps and matrices the realised transition counts and the asked matrix).
    """
    y = np.asarray(y)
    kept = np.ones(y.shape, bool) if ignore_class is None else y != ignore_class
    if class_map is not None:
        if noise_type not in ("asymmetric", "asymmetric:MAP"):
            raise ValueError(f"class_map goes with noise type 'asymmetric', got {noise_type!r}.")
        matrix = noise.map_matrix({int(a): int(b) for a, b in class_map.items()}, num_classes, rate)
        noise_type = noise.matrix_condition(matrix)[1]
    noisy_kept, info = noise.corrupt_labels(y[kept], num_classes, rate, noise_type, seed=seed, matrix=matrix)
    noisy = y.copy()
    noisy[kept] = noisy_kept
    return noisy, info


def check_noise_type(task: str, noise_type: str) -> None:
    """One-line ValueError when label noise `noise_type` means nothing for `task`'s labels."""
    check_task(task)
    kind = noise_type.partition(":")[0]
    allowed = TASK_NOISE_TYPES[task]
    if kind not in {name.partition(":")[0] for name in allowed} or (task == "dense" and kind == "human"):
        raise ValueError(
            f"Label noise {noise_type!r} is not meaningful for {task} labels; use one of {', '.join(allowed)}."
        )


def corrupt_task_labels(
    y,
    task: str,
    rate: float,
    noise_type: str = "symmetric",
    seed=0,
    *,
    num_classes: int | None = None,
    ignore_class: int | None = None,
    matrix=None,
    class_map=None,
    dataset: str = "",
    human=None,
) -> tuple[np.ndarray, dict]:
    """The noisy labels of one noise condition of `task`, and what the record says about them.

    Returns `(noisy_y, info)`: `info` holds `task`, `noise_type`, `rate` (asked), `realised_fraction`
    (bits flipped for "symmetric" multi-label, positives dropped for "missing", positions changed
    for dense), `positions` (labels the noise could touch) and, for dense, `ignore_class`.
    """
    check_noise_type(task, noise_type)
    rate = _rate(rate)
    num_classes = check_labels(y, task, num_classes, ignore_class)
    y = np.asarray(y)
    info = {"task": task, "noise_type": noise_type, "rate": rate}
    if task == "multi_label":
        corrupt = flip_label_bits if noise_type == "symmetric" else drop_positives
        noisy, fraction = corrupt(y, rate, seed)
        positions = int(y.size if noise_type == "symmetric" else (y == 1).sum())
        return noisy, {**info, "realised_fraction": round(fraction, 6), "positions": positions}
    if task == "single_label":
        noisy, found = noise.corrupt_labels(y, num_classes, rate, noise_type, seed, dataset, matrix, human)
        return noisy, {**info, **found, "positions": int(len(y))}
    if noise_type.partition(":")[0] == "asymmetric" and class_map is None:
        class_map = noise.asymmetric_map(noise_type.partition(":")[2] or dataset)
    noisy, found = flip_positions(y, num_classes, rate, noise_type, seed, ignore_class, matrix, class_map)
    positions = int(y.size if ignore_class is None else (y != ignore_class).sum())
    return noisy, {**info, **found, "positions": positions, "ignore_class": ignore_class}
