"""Independent float64 NumPy reference of every loss, written from LOSSES.md.

Each function takes a one-hot/soft target `y` (B, K) and raw outputs `o`
(B, K) (logits) and returns one value per example. Nothing here imports
keras_losses; the formulas are transcribed literally (no log-space tricks),
so inputs are kept moderate in tests that compare against it.
"""

import numpy as np


def softmax(o):
    e = np.exp(o - o.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(o):
    return 1.0 / (1.0 + np.exp(-o))


def l1(y, o):
    return np.abs(y - o).sum(-1)


def l2(y, o):
    return ((y - o) ** 2).sum(-1)


def expectation(y, o):
    return np.abs(y - softmax(o)).sum(-1)


def regularized_expectation(y, o):
    return ((y - softmax(o)) ** 2).sum(-1)


def chebyshev(y, o):
    return np.abs(y - softmax(o)).max(-1)


def _hinge(y, o, power):
    return (np.maximum(0.0, 0.5 - (2 * y - 1) * o) ** power).sum(-1)


def ovr_hinge(y, o):
    return _hinge(y, o, 1)


def ovr_squared_hinge(y, o):
    return _hinge(y, o, 2)


def ovr_cubed_hinge(y, o):
    return _hinge(y, o, 3)


def log_loss(y, o, label_smoothing=0.0, class_weights=None):
    k = y.shape[-1]
    ys = y * (1 - label_smoothing) + label_smoothing / k
    value = -(ys * np.log(softmax(o))).sum(-1)
    if class_weights is not None:
        value = value * (y * np.asarray(class_weights)).sum(-1)
    return value


def squared_log(y, o):
    return ((y * np.log(softmax(o))) ** 2).sum(-1)


def tanimoto(y, o):
    p = softmax(o)
    py = (p * y).sum(-1)
    return -py / ((p**2).sum(-1) + (y**2).sum(-1) - py)


def cauchy_schwarz(y, o):
    p = softmax(o)
    return -np.log((p * y).sum(-1) / (np.linalg.norm(p, axis=-1) * np.linalg.norm(y, axis=-1)))


def logistic(y, o, class_weights=None):
    s = sigmoid(o)
    value = -(y * np.log(s) + (1 - y) * np.log(1 - s)).sum(-1)
    if class_weights is not None:
        value = value * (y * np.asarray(class_weights)).sum(-1)
    return value


def logistic_inr(y, o, gamma=1.0, class_weights=None):
    """Literal formula for one-hot targets: loops over examples and classes."""
    s = sigmoid(o)
    out = []
    for yi, si in zip(y, s):
        t = int(np.argmax(yi))
        others = [k for k in range(len(si)) if k != t]
        raw = np.array([(1 - si[k]) ** (-gamma) for k in others])
        w = raw / raw.sum()
        out.append(-np.log(si[t]) - sum(wk * np.log(1 - si[k]) for wk, k in zip(w, others)))
    value = np.array(out)
    if class_weights is not None:
        value = value * (y * np.asarray(class_weights)).sum(-1)
    return value


def focal(y, o, gamma=2.0):
    p = softmax(o)
    return -(y * (1 - p) ** gamma * np.log(p)).sum(-1)


def poly1(y, o, epsilon=1.0):
    p = softmax(o)
    return -(y * np.log(p)).sum(-1) + epsilon * (1 - (y * p).sum(-1))


def gce(y, o, q=0.7):
    p = softmax(o)
    return (1 - (y * p**q).sum(-1)) / q


def _rce(y, p):
    return -(p * np.log(np.clip(y, 1e-4, 1.0))).sum(-1)


def sce(y, o, alpha=0.1, beta=1.0):
    p = softmax(o)
    return alpha * -(y * np.log(p)).sum(-1) + beta * _rce(y, p)


def nce_rce(y, o, alpha=1.0, beta=1.0):
    p = softmax(o)
    nce = -(y * np.log(p)).sum(-1) / -np.log(p).sum(-1)
    return alpha * nce + beta * _rce(y, p)


# Keras's classification losses, written from their documented formulas.


def categorical_crossentropy(y, o):
    return -(y * np.log(softmax(o))).sum(-1)


def kl_divergence(y, o):
    p = softmax(o)
    yc = np.clip(y, 1e-7, 1)
    return (yc * np.log(yc / np.clip(p, 1e-7, 1))).sum(-1)


def poisson(y, o):
    p = softmax(o)
    return (p - y * np.log(p + 1e-7)).mean(-1)


def categorical_hinge(y, o):
    pos = (y * o).sum(-1)
    neg = ((1 - y) * o).max(-1)
    return np.maximum(0.0, neg - pos + 1)


def categorical_focal_crossentropy(y, o, alpha=0.25, gamma=2.0):
    p = softmax(o)
    return (-alpha * y * (1 - p) ** gamma * np.log(p)).sum(-1)


REFERENCES = {
    name: fn
    for name, fn in dict(globals()).items()
    if callable(fn) and not name.startswith("_") and name not in ("softmax", "sigmoid")
}
