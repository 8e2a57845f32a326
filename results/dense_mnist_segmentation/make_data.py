"""Builds this comparison's data from MNIST: zoo.data.task_datasets.mnist_segmentation as an npz for `npz:` with
`--task=dense` (ignored by git).

Usage (from the checkout root):
    python results/dense_mnist_segmentation/make_data.py MNIST_NPZ OUT_NPZ N_TRAIN N_TEST SIZE
The canvases are uint8 (the digits' own pixel values; zoo's npz reader scales them by 1/255 again); masks digit+1, 0
background (11 classes).
"""

import sys

import numpy as np

from zoo.data import task_datasets

mnist, out = sys.argv[1], sys.argv[2]
n_train, n_test, size = (int(a) for a in sys.argv[3:6])
data = task_datasets.mnist_segmentation(mnist, n_train=n_train, n_test=n_test, size=size, seed=0)
as_uint8 = lambda x: np.round(x[..., 0] * 255).astype(np.uint8)  # noqa: E731
np.savez_compressed(
    out, x_train=as_uint8(data.x_train), y_train=data.y_train, x_test=as_uint8(data.x_test), y_test=data.y_test
)
print(
    out,
    data.x_train.shape,
    data.y_train.shape,
    "class shares",
    np.bincount(data.y_train.ravel(), minlength=11) / data.y_train.size,
)
