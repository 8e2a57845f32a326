"""The sets that need no download: scikit-learn's `digits`, and the 2-D toy sets generated in code.

`moons`, `circles`, `spirals`, `blobs`: the class count as `spirals:3` or `num_classes=3`,
`n_samples` and `noise` as keyword options; generated with `TEST_SEED`, so a set is the same
for every run seed.
"""

import functools

import numpy as np
from sklearn import datasets as sk_datasets

from zoo.data.sources import DATASETS, TEST_SEED, Source, holdout_test, no_arg


@DATASETS.register("digits")
def _digits(arg=None, data_dir=None) -> Source:
    """scikit-learn's 1797 8x8 digit images, scaled by 1/16, shape (8, 8, 1)."""
    del data_dir  # Bundled with scikit-learn.
    no_arg("digits", arg)
    digits = sk_datasets.load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    return holdout_test(x, digits.target.astype(np.int32), 10)


def _class_count(name, arg, num_classes, default, allowed=None) -> int:
    """The class count of a toy set from `name:K` or `num_classes`."""
    count = num_classes if num_classes is not None else default
    if arg is not None:
        try:
            count = int(arg)
        except ValueError:
            raise ValueError(f"Expected a class count after '{name}:', got {arg!r}.") from None
        if num_classes is not None and num_classes != count:
            raise ValueError(f"{name}:{arg} conflicts with num_classes={num_classes}.")
    if allowed is not None and count not in allowed:
        raise ValueError(f"{name} has {allowed} classes, got {count}.")
    if count < 2:
        raise ValueError(f"{name} needs at least 2 classes, got {count}.")
    return count


def _toy(name, default_classes, fixed_classes=False):
    """Registers a toy-set generator `fn(num_classes, n_samples, noise, rng)`."""

    def decorator(generate):
        @DATASETS.register(name)
        @functools.wraps(generate)
        def builder(arg=None, data_dir=None, num_classes=None, n_samples=1000, noise=None):
            del data_dir
            count = _class_count(name, arg, num_classes, default_classes, (default_classes,) if fixed_classes else None)
            kwargs = {} if noise is None else {"noise": noise}
            x, y = generate(count, n_samples, np.random.default_rng(TEST_SEED), **kwargs)
            return holdout_test(x.astype(np.float32), y.astype(np.int32), count)

        return builder

    return decorator


@_toy("moons", 2, fixed_classes=True)
def _moons(num_classes, n_samples, rng, noise=0.2):
    """Two interleaving half circles (scikit-learn `make_moons`)."""
    del num_classes
    return sk_datasets.make_moons(n_samples, noise=noise, random_state=rng.integers(2**31))


@_toy("circles", 2, fixed_classes=True)
def _circles(num_classes, n_samples, rng, noise=0.1):
    """A circle inside another (scikit-learn `make_circles`, factor 0.5)."""
    del num_classes
    return sk_datasets.make_circles(n_samples, noise=noise, factor=0.5, random_state=rng.integers(2**31))


@_toy("blobs", 3)
def _blobs(num_classes, n_samples, rng, noise=1.0):
    """Isotropic Gaussian blobs, one per class; `noise` is their std."""
    return sk_datasets.make_blobs(n_samples, centers=num_classes, cluster_std=noise, random_state=rng.integers(2**31))


@_toy("spirals", 2)
def _spirals(num_classes, n_samples, rng, noise=0.05, turns=1.25):
    """`num_classes` interleaved arms of an Archimedean spiral of radius 1."""
    y = np.arange(n_samples) % num_classes
    radius = rng.uniform(0.05, 1.0, n_samples)
    angle = 2 * np.pi * (turns * radius + y / num_classes)
    x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return x + rng.normal(0.0, noise, x.shape), y
