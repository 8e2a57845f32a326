"""The batches every training engine reads: which examples, in what order, with what labels.

A seed fixes the batch order (`batch_order`, a fresh permutation per epoch,
drawn with NumPy alone), so `zoo.engines.fused`, `zoo.engines.vectorized` and the plain
one-model-at-a-time baseline see the same batches for the same seed. Labels
train one-hot (`one_hot`) in both engines (multi-hot rows and masks as they are:
`train_labels`). `train_dataset` is the fused
engine's tf.data pipeline over those batches; the vectorized engine gathers
the same batches itself, member by member, inside its train step.

>>> [len(batch) for batch in batch_order(10, 4, epochs=1, seed=0)]
[4, 4, 2]
>>> one_hot([2, 0], 3).tolist()
[[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
"""

import math
from collections.abc import Sequence

import numpy as np


def steps_per_epoch(train_size: int, batch_size: int) -> int:
    """Batches per epoch (the last one may be partial)."""
    return max(1, math.ceil(train_size / batch_size))


def batch_order(num_examples: int, batch_size: int, epochs: int, seed: int) -> list[np.ndarray]:
    """The example indices of every batch of every epoch: a fresh permutation per epoch.

    Drawn with NumPy from `seed` alone, so equal arguments give equal batches
    whatever TensorFlow's global seed is.
    """
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(epochs):
        order = rng.permutation(num_examples)
        batches.extend(order[start : start + batch_size] for start in range(0, num_examples, batch_size))
    return batches


def one_hot(y, num_classes: int) -> np.ndarray:
    """Sparse integer labels `y` as float32 one-hot rows `(len(y), num_classes)`.

    Every loss takes one-hot labels; converting once spares each loss
    converting and range-checking sparse labels at every step.
    """
    return np.eye(num_classes, dtype=np.float32)[np.asarray(y, np.int64)]


def train_labels(y, num_classes: int, task: str = "single_label") -> np.ndarray:
    """The labels an engine trains on: one-hot rows (single-label), float32 multi-hot rows as they are
    (multi-label), int32 class masks as they are (dense: sparse, so that `ignore_class` applies)."""
    if task == "multi_label":
        return np.asarray(y, np.float32)
    if task == "dense":
        return np.asarray(y, np.int32)
    return one_hot(y, num_classes)


def train_dataset(
    x: np.ndarray,
    y: np.ndarray,
    outputs: Sequence[str],
    batch_size: int,
    epochs: int,
    seed: int,
    num_classes: int,
    task: str = "single_label",
):
    """All `epochs` of `(x, {output: train_labels(y)})` batches in `batch_order`, as one tf.data pipeline.

    Every output of a multi-output model gets the same labels. Fit it with
    `steps_per_epoch = steps_per_epoch(len(y), batch_size)`: Keras then reads
    on across epochs.
    """
    import tensorflow as tf

    batches = batch_order(len(y), batch_size, epochs, seed)
    ragged = tf.ragged.constant([batch.tolist() for batch in batches], dtype=tf.int64)
    x_all, y_all = tf.constant(x, tf.float32), tf.constant(train_labels(y, num_classes, task))

    def gather(indices):
        labels = tf.gather(y_all, indices)
        return tf.gather(x_all, indices), {name: labels for name in outputs}

    return tf.data.Dataset.from_tensor_slices(ragged).map(gather).prefetch(tf.data.AUTOTUNE)
