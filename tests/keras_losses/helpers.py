"""Shared test data and helpers for the keras_losses tests."""

import numpy as np

import keras_losses
from tests.keras_losses import reference

NUM_CLASSES = 5

# Non-default configurations, so every argument is exercised at least once.
CONFIGS = {
    "log_loss": [{"label_smoothing": 0.1}, {"class_weights": [1.0, 2.0, 0.5, 1.0, 3.0]}],
    "logistic": [{"class_weights": [1.0, 2.0, 0.5, 1.0, 3.0]}],
    "logistic_inr": [
        {"beta": 0.0},
        {"beta": 4.0},
        {"detach_weights": True},
        {"class_weights": [1.0, 2.0, 0.5, 1.0, 3.0]},
    ],
    "focal": [{"gamma": 0.5}, {"gamma": 3.0}],
    "poly1": [{"epsilon": 2.0}, {"epsilon": -0.5}],
    "gce": [{"q": 0.3}, {"q": 1.0}],
    "sce": [{"alpha": 0.5, "beta": 2.0}],
    "nce_rce": [{"alpha": 2.0, "beta": 0.5}],
}


def cases():
    """(name, config) for every loss with defaults, plus non-default configs."""
    out = [(name, {}) for name in keras_losses.all_names()]
    for name, configs in CONFIGS.items():
        out += [(name, config) for config in configs]
    return out


def case_id(case):
    name, config = case
    return name + "".join(f"-{k}={v}" for k, v in config.items())[:40]


def batch(seed=0, batch_size=16, num_classes=NUM_CLASSES, scale=3.0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, size=batch_size)
    logits = rng.normal(0.0, scale, size=(batch_size, num_classes))
    return labels, np.eye(num_classes)[labels], logits


def reference_values(name, y, logits, config):
    config = {k: v for k, v in config.items() if k != "from_logits"}
    return reference.REFERENCES[name](y, logits, **config)
