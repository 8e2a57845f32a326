"""Class imbalance: long-tailed subsampling of a training split, seeded.

The profiles of the long-tail literature (Cui et al. 2019; Cao et al. 2019), with
`ρ` the imbalance ratio (largest over smallest class) and K classes:

- `exponential`: `n_i = ⌊n_max · ρ^(−i/(K−1))⌋` for class i = 0 … K−1;
- `step`: `n_max` for the first ⌈K/2⌉ classes and `⌊n_max/ρ⌋` for the rest.

`n_max` is the largest per-class count available, and each `n_i` is capped at
what class i has, so long-tailed MNIST at ρ = 100 keeps 5923 zeros (all there
are) and 67 nines (⌊6742/100⌋, 6742 ones being the most of any class):

>>> long_tail_counts([50, 80, 60, 70], 10)
[50, 37, 17, 8]
>>> long_tail_counts([50, 80, 60, 70], 10, "step")
[50, 80, 8, 8]
>>> y = np.repeat(np.arange(3), 10)
>>> np.bincount(y[subsample(y, 3, 4.0, seed=0)]).tolist()
[10, 5, 2]
"""

import math
from collections.abc import Sequence

import numpy as np

PROFILES = ("exponential", "step")


def check(ratio: float, profile: str) -> None:
    """Raises a one-line ValueError for a ratio below 1 or an unknown profile."""
    if not (isinstance(ratio, int | float) and math.isfinite(ratio) and ratio >= 1):
        raise ValueError(f"imbalance ratio must be a number >= 1 (1: balanced), got {ratio!r}.")
    if profile not in PROFILES:
        raise ValueError(f"imbalance profile must be one of {', '.join(PROFILES)}, got {profile!r}.")


def long_tail_counts(available: Sequence[int], ratio: float, profile: str = "exponential") -> list[int]:
    """Per-class target counts for `ratio` and `profile` (see the module), capped at `available`."""
    check(ratio, profile)
    available = [int(n) for n in available]
    k = len(available)
    n_max = max(available)
    if profile == "exponential":
        wanted = [math.floor(n_max * ratio ** (-i / (k - 1))) if k > 1 else n_max for i in range(k)]
    else:
        wanted = [n_max if i < math.ceil(k / 2) else math.floor(n_max / ratio) for i in range(k)]
    return [max(1, min(n, have)) if have else 0 for n, have in zip(wanted, available)]


def subsample(y: np.ndarray, num_classes: int, ratio: float, profile: str = "exponential", *, seed=0) -> np.ndarray:
    """Sorted indices into `y` keeping `long_tail_counts` examples of each class, chosen with `seed`.

    `ratio == 1` keeps every example (the balanced, untouched split).
    """
    y = np.asarray(y).reshape(-1)
    if ratio == 1:
        check(ratio, profile)
        return np.arange(len(y))
    available = np.bincount(y, minlength=num_classes)
    counts = long_tail_counts(available, ratio, profile)
    rng = np.random.default_rng(seed)
    kept = [rng.choice(np.flatnonzero(y == c), size=n, replace=False) for c, n in enumerate(counts) if n]
    return np.sort(np.concatenate(kept)) if kept else np.arange(0)
