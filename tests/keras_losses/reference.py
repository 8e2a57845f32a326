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


def log_loss(y, o, label_smoothing=0.0):
    k = y.shape[-1]
    ys = y * (1 - label_smoothing) + label_smoothing / k
    return -(ys * np.log(softmax(o))).sum(-1)


def squared_log(y, o):
    return ((y * np.log(softmax(o))) ** 2).sum(-1)


def tanimoto(y, o, per_image=False):
    """Per example; `per_image`: y, o of shape (B, …, K), the sums over all positions and classes of an image
    (ResUNet-a, Diakogiannis et al. 2020, without its class weights and complement term)."""
    p = softmax(o)
    axes = tuple(range(1, o.ndim)) if per_image else -1
    py = (p * y).sum(axes)
    return -py / ((p**2).sum(axes) + (y**2).sum(axes) - py)


def cauchy_schwarz(y, o):
    p = softmax(o)
    return -np.log((p * y).sum(-1) / (np.linalg.norm(p, axis=-1) * np.linalg.norm(y, axis=-1)))


def logistic(y, o):
    s = sigmoid(o)
    return -(y * np.log(s) + (1 - y) * np.log(1 - s)).sum(-1)


def logistic_inr(y, o, beta=1.0, detach_weights=False):
    """LGL-INR per example, `B·(1/n_t)·[−log s_t − Σ_{k≠t} w_{t,k}·log(1 − s_k)]`.

    Written from the definition with loops over classes (one-hot `y`);
    `detach_weights` changes gradients only, not values.
    """
    s = sigmoid(o)
    batch_size, num_classes = s.shape
    t = y.argmax(-1)
    weights = inr_weights(t, s, beta)
    out = np.zeros(batch_size)
    for i in range(batch_size):
        n_t = np.sum(t == t[i])
        negative = sum(weights[t[i], k] * np.log(1 - s[i, k]) for k in range(num_classes) if k != t[i])
        out[i] = batch_size / n_t * (-np.log(s[i, t[i]]) - negative)
    return out


def inr_weights(t, s, beta):
    """`w[c, k]` for classes c present and outputs k ≠ c, by loops."""
    num_classes = s.shape[1]
    present = [c for c in range(num_classes) if np.any(t == c)]
    mean_score = {(c, k): s[t == c, k].mean() for c in present for k in range(num_classes)}
    return _weights_of_means(mean_score, present, num_classes, beta)


def _weights_of_means(mean_score, present, num_classes, beta):
    """`w[c, k] = exp(β·s̄[c, k]) / Σ_{c' present, c' ≠ k} exp(β·s̄[c', k])`, by loops."""
    weights = np.zeros((num_classes, num_classes))
    for k in range(num_classes):
        negatives = [c for c in present if c != k]
        total = sum(np.exp(beta * mean_score[c, k]) for c in negatives)
        for c in negatives:
            weights[c, k] = np.exp(beta * mean_score[c, k]) / total
    return weights


def logistic_inr_total(t, o, beta=1.0):
    """`L⁺ + L⁻` of the batch, summed class by class as the definition writes it."""
    s = sigmoid(o)
    num_classes = s.shape[1]
    weights = inr_weights(t, s, beta)
    present = [c for c in range(num_classes) if np.any(t == c)]
    positive = sum(-np.log(s[t == c, c]).mean() for c in present)
    negative = sum(
        weights[c, k] * -np.log(1 - s[t == c, k]).mean() for k in range(num_classes) for c in present if c != k
    )
    return positive + negative


def logistic_inr_soft(y, o, beta=1.0):
    """LGL-INR for soft labels: example i is in class c with weight y[i,c] (n_c = Σ_i y[i,c]), by loops."""
    s = sigmoid(o)
    batch_size, num_classes = s.shape
    n = y.sum(0)
    present = [c for c in range(num_classes) if n[c] > 0]
    mean_score = {(c, k): (y[:, c] * s[:, k]).sum() / n[c] for c in present for k in range(num_classes)}
    weights = _weights_of_means(mean_score, present, num_classes, beta)
    out = np.zeros(batch_size)
    for i in range(batch_size):
        for c in present:
            term = -np.log(s[i, c]) - sum(weights[c, k] * np.log(1 - s[i, k]) for k in range(num_classes))
            out[i] += batch_size * y[i, c] / n[c] * term
    return out


def per_example_logistic_inr(y, o, gamma=1.0):
    """keras_losses 0.1.0's per-example variant: loops over examples and classes."""
    s = sigmoid(o)
    out = []
    for yi, si in zip(y, s):
        t = int(np.argmax(yi))
        others = [k for k in range(len(si)) if k != t]
        raw = np.array([(1 - si[k]) ** (-gamma) for k in others])
        w = raw / raw.sum()
        out.append(-np.log(si[t]) - sum(wk * np.log(1 - si[k]) for wk, k in zip(w, others)))
    return np.array(out)


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


# Prior-aware losses (LOSSES.md, "Class imbalance"): counts n, priors π = n / Σn.


def logit_adjusted(y, o, class_counts, tau=1.0):
    prior = np.asarray(class_counts, "float64") / np.sum(class_counts)
    return -(y * np.log(softmax(o + tau * np.log(prior)))).sum(-1)


def balanced_softmax(y, o, class_counts):
    return -(y * np.log(softmax(o + np.log(np.asarray(class_counts, "float64"))))).sum(-1)


def ldam(y, o, class_counts, max_margin=0.5, scale=30.0):
    n = np.asarray(class_counts, "float64")
    margins = max_margin * n**-0.25 / np.max(n**-0.25)
    return -(y * np.log(softmax(scale * (o - y * margins)))).sum(-1)


def class_balanced_weights(counts, beta=0.9999):
    """`(1 − β)/(1 − β^n_j)`, normalised to sum K (Cui et al. 2019)."""
    raw = np.array([(1 - beta) / (1 - beta**n) for n in counts])
    return raw * len(counts) / raw.sum()


def class_weighted(values, y, class_weights):
    """Each example's value times its class's weight, `Σ_k y_k·w_k` (LOSSES.md); unchanged for None."""
    return values if class_weights is None else values * (y * np.asarray(class_weights)).sum(-1)


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


def sigmoid_focal(y, o, alpha=0.25, gamma=2.0):
    """Lin et al. (2017), eq. (5) with α_t, per class, summed over the classes (tfa.SigmoidFocalCrossEntropy)."""
    s = sigmoid(o)
    p_t = y * s + (1 - y) * (1 - s)
    alpha_t = y * alpha + (1 - y) * (1 - alpha)
    return (-alpha_t * (1 - p_t) ** gamma * np.log(p_t)).sum(-1)


def asymmetric(y, o, gamma_pos=0.0, gamma_neg=4.0, clip=0.05):
    """Ridnik et al. (2021), eqs. (1)-(5): L+ = (1 − p)^γ+ log p, L− = p_m^γ− log(1 − p_m), p_m = max(p − m, 0);
    summed over the classes (their AsymmetricLoss also sums over the batch)."""
    p = sigmoid(o)
    p_m = np.maximum(p - clip, 0.0)
    positive = (1 - p) ** gamma_pos * np.log(p)
    negative = p_m**gamma_neg * np.log(1 - p_m)
    return -(y * positive + (1 - y) * negative).sum(-1)


REFERENCES = {
    name: fn
    for name, fn in dict(globals()).items()
    if callable(fn)
    and not name.startswith("_")
    and name not in ("softmax", "sigmoid", "class_balanced_weights", "class_weighted", "logistic_inr_soft")
}
