"""Independent float64 NumPy reference of every loss, written from the loss catalogue (docs/losses/).

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


# Prior-aware losses (docs/losses/long_tail.md): counts n, priors π = n / Σn.


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
    """Each example's value times its class's weight, `Σ_k y_k·w_k` (docs/losses/index.md); unchanged for None."""
    return values if class_weights is None else values * (y * np.asarray(class_weights)).sum(-1)


# Active-passive losses (Ma et al. 2020), as the authors' code scales MAE: `1 − p_t`, NMAE `(1 − p_t)/(2(K − 1))`.


def _focal_terms(p, gamma):
    return -((1 - p) ** gamma) * np.log(p)


def _nce(y, p):
    return -(y * np.log(p)).sum(-1) / -np.log(p).sum(-1)


def _nfl(y, p, gamma):
    terms = _focal_terms(p, gamma)
    return (y * terms).sum(-1) / terms.sum(-1)


def _ngce(y, p, q):
    return (1 - (y * p**q).sum(-1)) / (p.shape[-1] - (p**q).sum(-1))


def _mae(y, p):
    return 1 - (y * p).sum(-1)


def nfl(y, o, gamma=0.5):
    return _nfl(y, softmax(o), gamma)


def ngce(y, o, q=0.7):
    return _ngce(y, softmax(o), q)


def nmae(y, o):
    p = softmax(o)
    return _mae(y, p) / (2 * (p.shape[-1] - 1))


def nce_mae(y, o, alpha=1.0, beta=1.0):
    p = softmax(o)
    return alpha * _nce(y, p) + beta * _mae(y, p)


def nfl_rce(y, o, alpha=1.0, beta=1.0, gamma=0.5):
    p = softmax(o)
    return alpha * _nfl(y, p, gamma) + beta * _rce(y, p)


def nfl_mae(y, o, alpha=1.0, beta=1.0, gamma=0.5):
    p = softmax(o)
    return alpha * _nfl(y, p, gamma) + beta * _mae(y, p)


def ngce_rce(y, o, alpha=1.0, beta=1.0, q=0.1):
    p = softmax(o)
    return alpha * _ngce(y, p, q) + beta * _rce(y, p)


def ngce_mae(y, o, alpha=1.0, beta=1.0, q=0.1):
    p = softmax(o)
    return alpha * _ngce(y, p, q) + beta * _mae(y, p)


# Active negative losses (Ye et al. 2023): the negative part of a loss L bounded by A on [p_min, 1] is
# 1 − (A − L_t) / Σ_j (A − L_j), each L_j the loss as if j were the label.


def _normalized_negative(y, losses, bound):
    return 1 - (y * (bound - losses)).sum(-1) / (bound - losses).sum(-1)


def anl_ce(y, o, alpha=1.0, beta=1.0, min_prob=1e-7):
    p = softmax(o)
    clipped = np.clip(p, min_prob, 1)
    return alpha * _nce(y, p) + beta * _normalized_negative(y, -np.log(clipped), -np.log(min_prob))


def anl_fl(y, o, alpha=1.0, beta=1.0, gamma=0.5, min_prob=1e-7):
    p = softmax(o)
    clipped = np.clip(p, min_prob, 1)
    bound = -((1 - min_prob) ** gamma) * np.log(min_prob)
    return alpha * _nfl(y, p, gamma) + beta * _normalized_negative(y, _focal_terms(clipped, gamma), bound)


# Asymmetric losses (Zhou et al. 2021).


def agce(y, o, a=0.6, q=0.6):
    p_t = (y * softmax(o)).sum(-1)
    return ((a + 1) ** q - (a + p_t) ** q) / q


def aul(y, o, a=1.5, q=0.9):
    p_t = (y * softmax(o)).sum(-1)
    return ((a - p_t) ** q - (a - 1) ** q) / q


def ael(y, o, a=3.0):
    return np.exp(-(y * softmax(o)).sum(-1) / a)


def _kl(d, m):
    """KL(d ‖ m) with 0·log 0 = 0."""
    safe = np.where(d > 0, d, 1.0)
    return np.where(d > 0, d * np.log(safe / m), 0.0).sum(-1)


def js(y, o, pi=0.5):
    """Englesson & Azizpour (2021): JS_π(y, p) / (−(1 − π)·log(1 − π))."""
    p = softmax(o)
    m = pi * y + (1 - pi) * p
    return (pi * _kl(y, m) + (1 - pi) * _kl(p, m)) / (-(1 - pi) * np.log(1 - pi))


def log_t(u, t):
    return np.log(u) if t == 1 else (u ** (1 - t) - 1) / (1 - t)


def exp_t(u, t):
    return np.exp(u) if t == 1 else np.maximum(1 + (1 - t) * u, 0) ** (1 / (1 - t))


def tempered_normalizer(z, t, num_iters):
    """λ of Amid et al.'s Algorithm 1 (fixed point, t > 1) or their bisection (t < 1), num_iters steps."""
    mu = z.max(-1, keepdims=True)
    a0 = z - mu
    if t == 1:
        return np.log(np.exp(a0).sum(-1, keepdims=True)) + mu
    if t > 1:
        a = a0
        for _ in range(num_iters):
            a = a0 * exp_t(a, t).sum(-1, keepdims=True) ** (1 - t)
        return -log_t(1 / exp_t(a, t).sum(-1, keepdims=True), t) + mu
    support = (a0 > -1 / (1 - t)).sum(-1, keepdims=True)
    lower, upper = np.zeros_like(mu), -log_t(1.0 / support, t)
    for _ in range(num_iters):
        middle = (lower + upper) / 2
        below = exp_t(a0 - middle, t).sum(-1, keepdims=True) < 1
        lower, upper = np.where(below, lower, middle), np.where(below, middle, upper)
    return (lower + upper) / 2 + mu


def exact_tempered_normalizer(z, t):
    """λ with Σ exp_t(z − λ) = 1, by 200 bisection steps on a bracket (for checking convergence)."""
    low, high = z.max(-1, keepdims=True) - 50.0, z.max(-1, keepdims=True) + 50.0
    for _ in range(200):
        middle = (low + high) / 2
        above = exp_t(z - middle, t).sum(-1, keepdims=True) > 1
        low, high = np.where(above, middle, low), np.where(above, high, middle)
    return (low + high) / 2


def bi_tempered_of(y, p, t1):
    """The bi-tempered loss of labels y and tempered probabilities p (Amid et al., eq. 8)."""
    return (y * (log_t(y + 1e-10, t1) - log_t(p, t1)) - (y ** (2 - t1) - p ** (2 - t1)) / (2 - t1)).sum(-1)


def bi_tempered(y, o, t1=0.8, t2=1.2, label_smoothing=0.0, num_iters=5):
    k = y.shape[-1]
    y = (1 - k / (k - 1) * label_smoothing) * y + label_smoothing / (k - 1)
    if t1 == 1 and t2 == 1:
        return -(y * np.log(softmax(o))).sum(-1)
    return bi_tempered_of(y, exp_t(o - tempered_normalizer(o, t2, num_iters), t2), t1)


def bootstrap_soft(y, o, beta=0.95):
    p = softmax(o)
    return -((beta * y + (1 - beta) * p) * np.log(p)).sum(-1)


def bootstrap_hard(y, o, beta=0.8):
    p = softmax(o)
    predicted = np.eye(p.shape[-1])[p.argmax(-1)]
    return -((beta * y + (1 - beta) * predicted) * np.log(p)).sum(-1)


def taylor_ce(y, o, order=2):
    miss = 1 - (y * softmax(o)).sum(-1)
    return sum(miss**i / i for i in range(1, order + 1))


def forward_corrected(y, o, transition_matrix):
    """Patrini et al. (2017): −log of the noisy label's probability Σ_i p_i·T[i, ỹ]."""
    noisy = softmax(o) @ np.asarray(transition_matrix, "float64")
    return -(y * np.log(noisy)).sum(-1)


def backward_corrected(y, o, transition_matrix):
    """Patrini et al. (2017): the vector of per-label losses −log p_j, mixed by T⁻¹."""
    inverse = np.linalg.inv(np.asarray(transition_matrix, "float64"))
    return -((y @ inverse) * np.log(softmax(o))).sum(-1)


def vs(y, o, class_counts, gamma=0.3, tau=1.0):
    """Kini et al. (2021): CE of Δ_j·z_j + ι_j, Δ_j = (n_j/n_max)^γ, ι_j = τ·log π_j."""
    n = np.asarray(class_counts, "float64")
    return -(y * np.log(softmax((n / n.max()) ** gamma * o + tau * np.log(n / n.sum())))).sum(-1)


def seesaw(y, o, class_counts, p=0.8, q=2.0):
    """Wang et al. (2021), by loops: −log(e^{z_t} / (e^{z_t} + Σ_{j≠t} S_tj·e^{z_j})) for label t (p_t ≥ 1e−2)."""
    n = np.asarray(class_counts, "float64")
    probabilities = softmax(o)
    out = np.zeros(len(o))
    for i, (row, z) in enumerate(zip(y, o)):
        for t in np.flatnonzero(row):
            own = max(probabilities[i, t], 1e-2)
            denominator = np.exp(z[t])
            for j in range(len(z)):
                if j != t:
                    mitigation = min(1.0, n[j] / n[t]) ** p
                    compensation = max(1.0, probabilities[i, j] / own) ** q
                    denominator += mitigation * compensation * np.exp(z[j])
            out[i] += row[t] * -np.log(np.exp(z[t]) / denominator)
    return out


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
    and name
    not in (
        "softmax",
        "sigmoid",
        "class_balanced_weights",
        "class_weighted",
        "logistic_inr_soft",
        "log_t",
        "exp_t",
        "tempered_normalizer",
        "exact_tempered_normalizer",
        "bi_tempered_of",
    )
}


def gjs(y, o, pi=0.5):
    """Englesson & Azizpour (2021), eq. of GJS over M views: `o` of shape (B, M, K), one label per example;
    weights π for y and (1 − π)/M for each view, m their weighted mean; scaled by −1/((1 − π)·log(1 − π))."""
    p = softmax(o)
    views = p.shape[-2]
    m = pi * y + (1 - pi) / views * p.sum(-2)
    divergence = pi * _kl(y, m) + (1 - pi) / views * sum(_kl(p[..., v, :], m) for v in range(views))
    return divergence / (-(1 - pi) * np.log(1 - pi))
