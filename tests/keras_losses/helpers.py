"""Shared test data and helpers for the keras_losses tests."""

import numpy as np

import keras_losses
from tests.keras_losses import reference

NUM_CLASSES = 5
CLASS_WEIGHTS = [1.0, 2.0, 0.5, 1.0, 3.0]

# Non-default configurations, so every argument is exercised at least once
# (`class_weights`, which every loss takes, is added to every loss in `cases()`).
CONFIGS = {
    "log_loss": [{"label_smoothing": 0.1}],
    "logistic_inr": [{"beta": 0.0}, {"beta": 4.0}, {"detach_weights": True}],
    "focal": [{"gamma": 0.5}, {"gamma": 3.0}],
    "poly1": [{"epsilon": 2.0}, {"epsilon": -0.5}],
    "gce": [{"q": 0.3}, {"q": 1.0}],
    "sce": [{"alpha": 0.5, "beta": 2.0}],
    "nce_rce": [{"alpha": 2.0, "beta": 0.5}],
    "logit_adjusted": [{"tau": 0.5}, {"tau": 2.0}],
    "ldam": [{"scale": 1.0}, {"max_margin": 1.0, "scale": 5.0}],
    "nfl": [{"gamma": 0.0}, {"gamma": 2.0}],
    "ngce": [{"q": 0.1}],
    "nce_mae": [{"alpha": 2.0, "beta": 0.5}],
    "nfl_rce": [{"alpha": 2.0, "beta": 0.5, "gamma": 1.5}],
    "nfl_mae": [{"alpha": 0.5, "beta": 2.0, "gamma": 0.0}],
    "ngce_rce": [{"alpha": 2.0, "beta": 0.5, "q": 0.7}],
    "ngce_mae": [{"alpha": 0.5, "beta": 2.0, "q": 1.0}],
    "anl_ce": [{"alpha": 5.0, "beta": 5.0}, {"min_prob": 1e-3}],
    "anl_fl": [{"alpha": 10.0, "beta": 1.0, "gamma": 1.0}, {"min_prob": 1e-3}],
    "agce": [{"a": 1.0, "q": 2.0}, {"a": 4.0, "q": 0.2}],
    "aul": [{"a": 5.5, "q": 3.0}, {"a": 3.0, "q": 0.1}],
    "ael": [{"a": 2.5}],
    "js": [{"pi": 0.1}, {"pi": 0.9}],
    "bi_tempered": [
        {"t1": 1.0, "t2": 1.0},
        {"t1": 0.5, "t2": 4.0},
        {"t1": 0.8, "t2": 0.7},
        {"t1": 1.0, "t2": 1.5, "label_smoothing": 0.2},
        {"t1": 0.7, "t2": 1.3, "num_iters": 2, "label_smoothing": 0.1},
    ],
    "bootstrap_soft": [{"beta": 0.5}],
    "bootstrap_hard": [{"beta": 0.5}],
    "taylor_ce": [{"order": 1}, {"order": 6}],
    "vs": [{"gamma": 0.0, "tau": 1.5}, {"gamma": 0.5, "tau": 0.0}],
    "seesaw": [{"p": 0.0, "q": 0.0}, {"p": 0.8, "q": 0.0}, {"p": 0.0, "q": 2.0}],
}


def class_counts(num_classes=NUM_CLASSES):
    """Long-tailed training counts for K classes (100 down to 10)."""
    return [float(round(100 * 10 ** (-i / max(num_classes - 1, 1)))) for i in range(num_classes)]


def transition_matrix(num_classes=NUM_CLASSES, rate=0.2):
    """Asymmetric label noise: class i keeps its label with 1 − rate, else becomes i + 1 (mod K); invertible."""
    matrix = (1 - rate) * np.eye(num_classes) + rate * np.roll(np.eye(num_classes), 1, axis=1)
    return matrix.tolist()


def needed_config(name, num_classes=NUM_CLASSES):
    """What loss `name` cannot be built without, for K classes: the one place the tests configure it."""
    needs = keras_losses.describe(name)["needs"]
    config = {"class_counts": class_counts(num_classes)} if "class_counts" in needs else {}
    if "transition_matrix" in needs:
        config["transition_matrix"] = transition_matrix(num_classes)
    return config


def get(name, num_classes=NUM_CLASSES, **config):
    """`keras_losses.get(name, **config)` with the needed configuration for K classes added."""
    return keras_losses.get(name, **{**needed_config(name, num_classes), **config})


def for_logits(name, num_classes=NUM_CLASSES, **config):
    """`keras_losses.for_logits(name, **config)` with the needed configuration for K classes added."""
    return keras_losses.for_logits(name, **{**needed_config(name, num_classes), **config})


def cases():
    """(name, config) for every loss with defaults, with class weights, plus non-default configs."""
    out = []
    for name in keras_losses.all_names():
        needed = needed_config(name)
        out += [(name, needed), (name, {**needed, "class_weights": CLASS_WEIGHTS})]
        out += [(name, {**needed, **config}) for config in CONFIGS.get(name, [])]
    return out


def case_id(case):
    name, config = case
    return name + "".join(f"-{k}={v}" for k, v in config.items() if k != "class_counts")[:40]


def batch(seed=0, batch_size=16, num_classes=NUM_CLASSES, scale=3.0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, size=batch_size)
    logits = rng.normal(0.0, scale, size=(batch_size, num_classes))
    return labels, np.eye(num_classes)[labels], logits


def reference_values(name, y, logits, config):
    """The reference's per-example values; class weights applied as LOSSES.md defines them, for every loss."""
    own = {k: v for k, v in config.items() if k not in ("from_logits", "class_weights")}
    return reference.class_weighted(reference.REFERENCES[name](y, logits, **own), y, config.get("class_weights"))
