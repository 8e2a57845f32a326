"""Label noise and input noise for robustness experiments (numpy, seeded).

>>> import numpy as np
>>> y = np.arange(10) % 5
>>> noisy, fraction = flip_labels(y, num_classes=5, rate=0.5, kind="pair", seed=0)
>>> bool(np.all((noisy == y) | (noisy == (y + 1) % 5)))
True
"""

import warnings

import numpy as np

KINDS = ("symmetric", "pair")


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
