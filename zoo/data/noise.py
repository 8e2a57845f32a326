"""Label noise and input noise for robustness experiments (numpy, seeded).

Label noise kinds: symmetric and pair flips (`flip_labels`), the literature's
class-dependent "asymmetric" maps (`asymmetric_map`), a transition matrix of
the user's (`read_matrix`, `flip_by_matrix`) and human re-labellings
(`HUMAN_LABELS`: CIFAR-10N, CIFAR-100N); `corrupt_labels` applies any of them.

>>> import numpy as np
>>> y = np.arange(10) % 5
>>> noisy, fraction = flip_labels(y, num_classes=5, rate=0.5, kind="pair", seed=0)
>>> bool(np.all((noisy == y) | (noisy == (y + 1) % 5)))
True
"""

import warnings

import numpy as np

KINDS = ("symmetric", "pair")  # The kinds of `flip_labels`.
NOISE_TYPES = (*KINDS, "asymmetric")  # --noise_type; `matrix:HASH` and `human:SET` conditions come from other flags.
MATRIX_PREFIX, HUMAN_PREFIX = "matrix:", "human:"
ROW_TOLERANCE = 1e-6  # How far a transition matrix row may sum from 1.


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def flip_labels(y, num_classes: int, rate: float, kind: str = "symmetric", seed=0) -> tuple[np.ndarray, float]:
    """Flips integer labels with probability `rate`.

    Args:
        y: integer labels in `[0, num_classes)`.
        num_classes: number of classes `K`.
        rate: probability that a label is flipped, `0 <= rate < 1`.
        kind: "symmetric" flips to a uniformly chosen *other* class (for rates
            above `(K - 1) / K` the noisy class is more likely than the true
            one, which warns); "pair" flips class `k` to `(k + 1) % K`.
        seed: an int, a sequence of ints or a `np.random.Generator`.

    Returns:
        `(noisy_y, realised_fraction)`: a new int32 array and the fraction of
        labels that actually changed.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown label noise kind {kind!r}; expected one of {KINDS}.")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"Label noise rate must be in [0, 1), got {rate!r}.")
    if num_classes < 2 and rate > 0:
        raise ValueError(f"Label noise needs at least 2 classes, got num_classes={num_classes}.")
    y = np.asarray(y)
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"Labels must be in [0, {num_classes}), got range [{y.min()}, {y.max()}].")
    if kind == "symmetric" and num_classes > 1 and rate > (num_classes - 1) / num_classes:
        warnings.warn(
            f"Symmetric label noise rate {rate} exceeds (K-1)/K = {(num_classes - 1) / num_classes:.3f}: "
            "a wrong class is now more frequent than the true class.",
            stacklevel=2,
        )
    rng = _rng(seed)
    flip = rng.random(y.shape) < rate
    if kind == "pair":
        offset = np.ones(y.shape, dtype=np.int64)
    else:  # An offset in 1..K-1 picks one of the other K-1 classes uniformly.
        offset = rng.integers(1, max(num_classes, 2), size=y.shape)
    noisy = np.where(flip, (y + offset) % num_classes, y).astype(np.int32)
    fraction = float(np.mean(noisy != y)) if y.size else 0.0
    return noisy, fraction


# ---------------------------------------------------------------- class-dependent noise: maps and matrices

# "Asymmetric" (class-dependent) noise as in the robust-loss literature: each mapped class keeps
# its label with probability 1 - rate and flips to its target with probability `rate`.
# MNIST and CIFAR-10: Patrini et al. 2017 ("Making Deep Neural Networks Robust to Label Noise:
# a Loss Correction Approach", Sec. 5) and Ma et al. 2020 ("Normalized Loss Functions for Deep
# Learning with Noisy Labels", Sec. 5): MNIST 2→7, 3→8, 5↔6, 7→1; CIFAR-10 truck→automobile,
# bird→airplane, deer→horse, cat↔dog. `digits` (scikit-learn's 8x8 digits) has MNIST's ten digit
# classes, so it takes MNIST's map.
ASYMMETRIC_MAPS = {
    "mnist": {7: 1, 2: 7, 5: 6, 6: 5, 3: 8},
    # CIFAR-10 class ids: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.
    "cifar10": {9: 1, 2: 0, 4: 7, 3: 5, 5: 3},
}
ASYMMETRIC_ALIASES = {"digits": "mnist", "cifar10_n": "cifar10", "cifar100_n": "cifar100"}
# CIFAR-100: each class flips to the next class (by class id, cyclically) of its super-class
# (Patrini et al. 2017; Ma et al. 2020), with the 20 super-classes of 5 fine classes of
# Krizhevsky 2009 (the dataset's `coarse_label`). This is the coarse label of each fine class id.
# (The papers' released code groups 5 *consecutive* fine ids, which in CIFAR-100's alphabetical
# class order are not super-classes; this follows the papers' text.)
CIFAR100_COARSE = (
    (4, 1, 14, 8, 0, 6, 7, 7, 18, 3, 3, 14, 9, 18, 7, 11, 3, 9, 7, 11)
    + (6, 11, 5, 10, 7, 6, 13, 15, 3, 15, 0, 11, 1, 10, 12, 14, 16, 9, 11, 5)
    + (5, 19, 8, 8, 15, 13, 14, 17, 18, 10, 16, 4, 17, 4, 2, 0, 17, 4, 18, 17)
    + (10, 3, 2, 12, 12, 16, 12, 1, 9, 19, 2, 10, 0, 1, 16, 12, 9, 13, 15, 13)
    + (16, 19, 2, 4, 6, 19, 5, 5, 8, 19, 18, 1, 2, 15, 6, 0, 17, 8, 14, 13)
)


def _cifar100_map() -> dict[int, int]:
    coarse = np.asarray(CIFAR100_COARSE)
    mapping = {}
    for group in range(20):
        members = np.flatnonzero(coarse == group)
        mapping.update({int(a): int(b) for a, b in zip(members, np.roll(members, -1))})
    return mapping


ASYMMETRIC_MAPS["cifar100"] = _cifar100_map()


def asymmetric_map(dataset: str) -> dict[int, int]:
    """The published asymmetric class map `{true class: noisy class}` of `dataset`.

    >>> asymmetric_map("mnist")[7], asymmetric_map("tfds:cifar10")[9]
    (1, 1)
    """
    key = dataset.removeprefix("tfds:")
    key = ASYMMETRIC_ALIASES.get(key, key)
    if key not in ASYMMETRIC_MAPS:
        known = ", ".join(sorted({*ASYMMETRIC_MAPS, *ASYMMETRIC_ALIASES}))
        raise ValueError(
            f"No published asymmetric noise map for dataset {dataset!r} (maps exist for {known}); "
            "give your own transition matrix with --noise_matrix=PATH (or name a map of the same classes, "
            "e.g. --noise_type=asymmetric:mnist for a copy of MNIST)."
        )
    return ASYMMETRIC_MAPS[key]


def check_noise_type(noise_type: str, dataset: str) -> None:
    """A one-line ValueError unless `noise_type` is a --noise_type for `dataset`: one of `NOISE_TYPES`, or
    "asymmetric:MAP" (the published map of MAP's classes, for a copy of that set such as an npz file)."""
    kind, _, named = noise_type.partition(":")
    if noise_type not in NOISE_TYPES and not (kind == "asymmetric" and named):
        raise ValueError(f"--noise_type must be one of {', '.join(NOISE_TYPES)} or asymmetric:MAP, got {noise_type!r}.")
    if kind == "asymmetric":
        asymmetric_map(named or dataset)


def map_matrix(class_map: dict[int, int], num_classes: int, rate: float) -> np.ndarray:
    """The transition matrix of a class map: `T[k, k] = 1 - rate`, `T[k, map[k]] = rate` for mapped `k`."""
    matrix = np.eye(num_classes)
    for source, target in class_map.items():
        if max(source, target) >= num_classes:
            raise ValueError(f"The asymmetric map needs {max(source, target) + 1} classes, the data has {num_classes}.")
        matrix[source, source] -= rate
        matrix[source, target] += rate
    return matrix


def check_matrix(matrix, num_classes: int | None = None, where: str = "noise matrix") -> np.ndarray:
    """`matrix` as a float64 K×K row-stochastic array; a one-line ValueError naming the problem otherwise."""
    try:
        matrix = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The {where} must be a K×K array of numbers.") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2:
        raise ValueError(f"The {where} must be a square K×K array (K >= 2), got shape {matrix.shape}.")
    if num_classes is not None and matrix.shape[0] != num_classes:
        raise ValueError(f"The {where} is {matrix.shape[0]}×{matrix.shape[0]} but the data has {num_classes} classes.")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"The {where} has NaN or infinite entries.")
    if matrix.min() < 0:
        row, col = np.unravel_index(np.argmin(matrix), matrix.shape)
        raise ValueError(f"The {where} has a negative entry {matrix[row, col]:g} at row {row}, column {col}.")
    sums = matrix.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_TOLERANCE)
    if bad.size:
        raise ValueError(
            f"The {where}'s rows must sum to 1 (within {ROW_TOLERANCE:g}): row {bad[0]} sums to {sums[bad[0]]:.8g}."
        )
    return matrix


def read_matrix(path: str, num_classes: int | None = None) -> np.ndarray:
    """Reads a transition matrix from a `.npy`, `.csv` (comma-separated rows) or `.json` (list of rows) file."""
    import json
    import os

    path = os.path.expanduser(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (".npy", ".csv", ".json"):
        raise ValueError(f"--noise_matrix must be a .npy, .csv or .json file, got {path!r}.")
    if not os.path.isfile(path):
        raise ValueError(f"--noise_matrix: no such file {path!r}.")
    try:
        if suffix == ".npy":
            matrix = np.load(path, allow_pickle=False)
        elif suffix == ".csv":
            matrix = np.loadtxt(path, delimiter=",", ndmin=2)
        else:
            with open(path) as file:
                matrix = json.load(file)
    except ValueError as error:
        raise ValueError(f"--noise_matrix: {path} could not be read as a matrix ({error}).") from None
    return check_matrix(matrix, num_classes, where=f"noise matrix {path}")


def matrix_condition(matrix) -> tuple[float, str]:
    """A matrix's noise condition `(label_noise, noise_type)`: its mean flip rate `1 - mean(diag T)`
    (the flip fraction under balanced classes) and `matrix:` plus a hash of its entries (the run key part)."""
    import hashlib

    matrix = check_matrix(matrix)
    digest = hashlib.sha256(np.round(matrix, 12).astype("<f8").tobytes()).hexdigest()[:12]
    return round(float(1.0 - np.mean(np.diag(matrix))), 6), MATRIX_PREFIX + digest


def flip_by_matrix(y, matrix, seed=0) -> tuple[np.ndarray, float]:
    """Draws each label's noisy class from row `T[y]` of the transition matrix (seeded).

    One uniform draw `u` per example (in order); an example of class `k`
    becomes the first class `j` with `u < T[k, 0] + ... + T[k, j]`.

    Returns `(noisy_y, realised_fraction)` like `flip_labels`.
    """
    matrix = check_matrix(matrix)
    y = np.asarray(y)
    num_classes = matrix.shape[0]
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"Labels must be in [0, {num_classes}), got range [{y.min()}, {y.max()}].")
    cumulative = np.cumsum(matrix / matrix.sum(axis=1, keepdims=True), axis=1)
    cumulative[:, -1] = 1.0  # u < 1 always lands in a class, never past the last one.
    draws = _rng(seed).random(y.shape)
    noisy = np.empty(y.shape, dtype=np.int32)
    for k in range(num_classes):
        members = y == k
        noisy[members] = np.searchsorted(cumulative[k], draws[members], side="right")
    return noisy, float(np.mean(noisy != y)) if y.size else 0.0


def transition_counts(clean, noisy, num_classes: int) -> np.ndarray:
    """`C[i, j]`: how many examples of clean class `i` carry noisy label `j`."""
    clean, noisy = np.asarray(clean, dtype=np.int64), np.asarray(noisy, dtype=np.int64)
    return np.bincount(clean * num_classes + noisy, minlength=num_classes**2).reshape(num_classes, num_classes)


# ---------------------------------------------------------------- human noise (CIFAR-10N, CIFAR-100N)

# Wei et al. 2022, "Learning with Noisy Labels Revisited: A Study Using Real-World Human
# Annotations" (ICLR): the label sets of TFDS `cifar10_n` / `cifar100_n` (feature name) and
# their published noise rates (Table 1), used as the condition's nominal `label_noise`; the
# realised rate against the clean label goes into each record. (Checked against the CIFAR-N
# release's table: aggre 9.03 %, random1 17.23 %, random2 18.12 %, random3 17.64 %, worst 40.21 %,
# CIFAR-100N noisy 40.20 %.)
HUMAN_LABELS = {
    "cifar10_n": {
        "aggre": ("aggre_label", 0.0903),
        "random1": ("random_label1", 0.1723),
        "random2": ("random_label2", 0.1812),
        "random3": ("random_label3", 0.1764),
        "worst": ("worse_label", 0.4021),
    },
    "cifar100_n": {"noisy": ("noise_label", 0.4020)},
}


def human_condition(dataset: str, label_set: str) -> tuple[float, str]:
    """The noise condition `(nominal rate, "human:SET")` of a human label set of `dataset`."""
    sets = HUMAN_LABELS.get(dataset)
    if sets is None:
        raise ValueError(f"--human_labels needs --dataset={' or '.join(HUMAN_LABELS)}, got {dataset!r}.")
    if label_set not in sets:
        raise ValueError(f"{dataset} has the human label sets {', '.join(sets)}; got {label_set!r}.")
    return sets[label_set][1], HUMAN_PREFIX + label_set


def corrupt_labels(
    y, num_classes: int, rate: float, noise_type: str, seed=0, dataset: str = "", matrix=None, human=None
) -> tuple[np.ndarray, dict]:
    """The noisy labels of one noise condition, and what the record says about them.

    `noise_type`: "symmetric" / "pair" (`flip_labels`), "asymmetric" (the
    dataset's published map, `asymmetric_map`, at `rate`; "asymmetric:MAP" the map of MAP), "matrix:HASH"
    (`flip_by_matrix` with `matrix`, which must hash to HASH), "human:SET"
    (`human`, the label set's labels for the examples of `y`).

    Returns `(noisy_y, info)`: `info["realised_fraction"]` and, for the
    class-dependent kinds, `info["realised_counts"]` (`transition_counts`)
    and `info["matrix"]` (the asked-for one; None for human labels).
    """
    y = np.asarray(y)
    if noise_type in KINDS:
        noisy, fraction = flip_labels(y, num_classes, rate, noise_type, seed=seed)
        return noisy, {"realised_fraction": fraction}
    if noise_type.partition(":")[0] == "asymmetric":
        asked = map_matrix(asymmetric_map(noise_type.partition(":")[2] or dataset), num_classes, rate)
    elif noise_type.startswith(MATRIX_PREFIX):
        if matrix is None:
            raise ValueError(f"Noise condition {noise_type} needs its matrix (--noise_matrix).")
        asked = check_matrix(matrix, num_classes)
        if matrix_condition(asked)[1] != noise_type:
            raise ValueError(f"The noise matrix given is not the one of {noise_type} (has the file changed?).")
    elif noise_type.startswith(HUMAN_PREFIX):
        if human is None:
            raise ValueError(f"Noise condition {noise_type} needs a dataset with human labels (cifar10_n, cifar100_n).")
        asked, noisy = None, np.asarray(human, dtype=np.int32)
    else:
        raise ValueError(f"Unknown label noise type {noise_type!r}; expected one of {', '.join(NOISE_TYPES)}.")
    if asked is not None:
        noisy, _ = flip_by_matrix(y, asked, seed)
    info = {
        "realised_fraction": float(np.mean(noisy != y)) if y.size else 0.0,
        "realised_counts": transition_counts(y, noisy, num_classes).tolist(),
        "matrix": None if asked is None else asked.tolist(),
    }
    return noisy, info


def applied_matrix(noise_type: str, rate: float, num_classes: int, dataset: str = "", matrix=None) -> np.ndarray:
    """The transition matrix `T[i, j] = P(noisy j | clean i)` that `corrupt_labels` draws from.

    Symmetric: `1 - rate` on the diagonal, `rate / (K - 1)` elsewhere; pair: `rate` to `(i + 1) % K`;
    asymmetric: the map's (`map_matrix`); matrix: the given one; rate 0: the identity. Human labels
    have no known matrix (ValueError: estimate it, `estimate_matrix`).

    >>> applied_matrix("symmetric", 0.3, 4)[0].round(2).tolist()
    [0.7, 0.1, 0.1, 0.1]
    """
    if noise_type.startswith(HUMAN_PREFIX):
        raise ValueError(f"Human labels ({noise_type}) have no known transition matrix: estimate it instead.")
    if noise_type.startswith(MATRIX_PREFIX):
        return check_matrix(matrix, num_classes)
    if not rate:
        return np.eye(num_classes)
    if noise_type == "symmetric":
        return (1 - rate) * np.eye(num_classes) + rate / (num_classes - 1) * (1 - np.eye(num_classes))
    if noise_type == "pair":
        return (1 - rate) * np.eye(num_classes) + rate * np.roll(np.eye(num_classes), 1, axis=1)
    return map_matrix(asymmetric_map(noise_type.partition(":")[2] or dataset), num_classes, rate)


def estimate_matrix(y_clean, y_noisy, num_classes: int, size: int, seed=0) -> tuple[np.ndarray, int]:
    """`T` estimated by counting on a clean-labelled subset: `size` examples (seeded) whose clean label
    is known, `T̂[i, j]` = the fraction of the subset's clean class `i` labelled `j` (a row without
    examples: the identity's). Returns `(T̂, examples counted)`.

    >>> estimate_matrix([0, 0, 1, 1], [0, 1, 1, 1], 2, size=4)[0].tolist()
    [[0.5, 0.5], [0.0, 1.0]]
    """
    y_clean, y_noisy = np.asarray(y_clean), np.asarray(y_noisy)
    chosen = _rng(seed).permutation(len(y_clean))[: min(size, len(y_clean))]
    counts = transition_counts(y_clean[chosen], y_noisy[chosen], num_classes).astype(np.float64)
    empty = counts.sum(axis=1) == 0
    counts[empty] = np.eye(num_classes)[empty]
    return counts / counts.sum(axis=1, keepdims=True), len(chosen)


def add_gaussian_noise(x, sigma: float, seed=0) -> np.ndarray:
    """Returns `x + N(0, sigma^2)` as float32; meant for standardised inputs.

    `sigma` is in units of the input's standard deviation when `x` is
    standardised, so `sigma=0.5` is strong noise. `sigma=0` returns a copy.
    """
    if not sigma >= 0:
        raise ValueError(f"Input noise sigma must be >= 0, got {sigma!r}.")
    x = np.asarray(x, dtype=np.float32)
    if sigma == 0:
        return x.copy()
    return (x + _rng(seed).normal(0.0, sigma, size=x.shape)).astype(np.float32)
