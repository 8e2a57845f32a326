"""A loaded `Data` under a noise condition: flipped training labels and Gaussian input noise, seeded.

What `zoo.data.datasets.load` does to a named dataset, for data given as a `Data` or arrays
(`zoo.data.user_data.as_data`): the same `noise` functions with the same seeds
(`[seed, 1]` for the labels, `[seed, 2]` for the inputs), training split only.

>>> import numpy as np
>>> from zoo.data import user_data
>>> data = user_data.as_data((np.random.rand(60, 4), np.arange(60) % 3), seed=0)
>>> noisy = with_noise(data, seed=0, label_noise=0.5)
>>> bool((noisy.y_train != data.y_train).any()), noisy.info["label_noise"]["rate"]
(True, 0.5)
"""

import dataclasses

from zoo.data import datasets, noise


def with_noise(
    data: datasets.Data,
    *,
    seed: int,
    label_noise: float = 0.0,
    noise_type: str = "symmetric",
    input_noise: float = 0.0,
    batch_size: int = 128,
) -> datasets.Data:
    """`data` with `label_noise` of its training labels flipped and Gaussian noise of sigma `input_noise` added."""
    if not (label_noise or input_noise):
        return data
    y_train, flipped = noise.flip_labels(data.y_train, data.num_classes, label_noise, noise_type, seed=[seed, 1])
    x_train = noise.add_gaussian_noise(data.x_train, input_noise, seed=[seed, 2])
    info = {
        **data.info,
        "label_noise": {"rate": label_noise, "type": noise_type, "realised_fraction": flipped, "splits": ["train"]},
        "input_noise": {"sigma": input_noise, "type": "gaussian", "splits": ["train"]},
    }
    return dataclasses.replace(
        data,
        x_train=x_train,
        y_train=y_train,
        y_train_clean=data.y_train,
        train=datasets._pipeline(x_train, y_train, batch_size, 10000, seed),
        info=info,
    )
