"""Builds this comparison's data from MNIST: zoo.data.task_datasets.mnist_pairs as an npz for `npz:` (ignored by git).

Usage (from the checkout root): python results/multi_label_mnist_pairs/make_data.py MNIST_NPZ OUT_NPZ N_TRAIN N_TEST
The canvases are uint8 (the digits' own pixel values; zoo's npz reader scales them by 1/255 again).
"""

import sys

import numpy as np

from zoo.data import task_datasets

mnist, out, n_train, n_test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = task_datasets.mnist_pairs(mnist, n_train=n_train, n_test=n_test, seed=0)
as_uint8 = lambda x: np.round(x[..., 0] * 255).astype(np.uint8)  # noqa: E731
np.savez_compressed(
    out, x_train=as_uint8(data.x_train), y_train=data.y_train, x_test=as_uint8(data.x_test), y_test=data.y_test
)
print(out, data.x_train.shape, data.y_train.shape, data.x_test.shape, "positives per image", data.y_train.sum(1).mean())
