"""Every engine reads the same batches for a seed: every example once per epoch, one-hot labels."""

import numpy as np
import tensorflow as tf

from zoo.data import batches


def test_batch_order_covers_every_example_once_per_epoch():
    order = batches.batch_order(10, 4, epochs=2, seed=0)
    assert [len(b) for b in order] == [4, 4, 2, 4, 4, 2]
    assert sorted(np.concatenate(order[:3])) == list(range(10))
    assert not np.array_equal(np.concatenate(order[:3]), np.concatenate(order[3:]))
    np.testing.assert_array_equal(np.concatenate(order), np.concatenate(batches.batch_order(10, 4, 2, 0)))


def test_one_hot_equals_tensorflow_one_hot():
    y = np.array([3, 0, 2, 2, 1], np.int32)
    np.testing.assert_array_equal(batches.one_hot(y, 4), tf.one_hot(y, 4).numpy())
    assert batches.one_hot(y, 4).dtype == np.float32


def test_train_dataset_reads_the_batch_order_with_one_label_per_output():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10) % 3
    data = list(batches.train_dataset(x, y, ["a", "b"], batch_size=4, epochs=2, seed=5, num_classes=3))
    order = batches.batch_order(10, 4, epochs=2, seed=5)
    assert len(data) == len(order) == 2 * batches.steps_per_epoch(10, 4)
    for (inputs, labels), indices in zip(data, order):
        np.testing.assert_array_equal(inputs.numpy()[:, 0], indices)
        assert sorted(labels) == ["a", "b"]
        np.testing.assert_array_equal(labels["a"].numpy(), batches.one_hot(y[indices], 3))
        np.testing.assert_array_equal(labels["b"].numpy(), labels["a"].numpy())
