"""Losses for long-tailed (class-imbalanced) training data: logit adjustment, balanced softmax, LDAM, VS, seesaw.

Each takes the classes' training distribution as configuration, `class_counts`:
K positive numbers `n_j`, counts or priors (only their ratios matter), stored in
`get_config()` and so in a saved `.keras` model. `z` are the logits (`log p`
when given probabilities: the softmax is unchanged by the shift),
`π_j = n_j / Σ n` the priors, `t` the target class, `y` one-hot or soft, and
`CE(v) = −Σ y·log softmax(v)`.

Without `class_counts` these losses cannot be built, so `compile(loss="ldam")`
fails and says what to pass instead: `keras_losses.get("ldam", class_counts=…)`.
"""

import numpy as np
from keras import ops

from keras_losses import arguments
from keras_losses._probabilities import log_scores
from keras_losses._targets import per_class, targets_and_outputs
from keras_losses.base import RAW, SOFTMAX, ClassificationLoss, Tunable, register


def _counts(loss, class_counts, num_classes):
    """The validated counts as float64 NumPy, K checked against y_pred's classes."""
    if class_counts is None:
        raise ValueError(arguments.missing_message(loss, "class_counts"))
    counts = np.asarray(arguments.validate("class_counts", class_counts), dtype="float64")
    if num_classes is not None and len(counts) != num_classes:
        raise ValueError(f"keras_losses: class_counts has {len(counts)} entries but y_pred has {num_classes} classes.")
    return counts


def _cross_entropy_with_offsets(y_true, y_pred, from_logits, loss, class_counts, offsets_of):
    """`CE(z + offsets_of(n))`, the per-class offsets computed in float64 from the counts."""
    y, o = targets_and_outputs(y_true, y_pred)
    offsets = offsets_of(_counts(loss, class_counts, y.shape[-1]))
    z = log_scores(o, from_logits) + per_class("class_counts", offsets, y.shape[-1])
    return ops.categorical_crossentropy(y, z, from_logits=True)


def logit_adjusted(y_true, y_pred, class_counts=None, from_logits=False, tau=1.0):
    """Per-example values of `LogitAdjusted`."""
    return _cross_entropy_with_offsets(
        y_true, y_pred, from_logits, "logit_adjusted", class_counts, lambda n: tau * np.log(n / n.sum())
    )


def balanced_softmax(y_true, y_pred, class_counts=None, from_logits=False):
    """Per-example values of `BalancedSoftmax`."""
    return _cross_entropy_with_offsets(y_true, y_pred, from_logits, "balanced_softmax", class_counts, np.log)


def ldam_margins(class_counts, max_margin=0.5):
    """LDAM's per-class margins `m_j = C·n_j^(−1/4) / max_k n_k^(−1/4)`: the rarest class gets `C`."""
    counts = _counts("ldam", class_counts, None)
    return max_margin * counts**-0.25 / np.max(counts**-0.25)


def ldam(y_true, y_pred, class_counts=None, from_logits=False, max_margin=0.5, scale=30.0):
    """Per-example values of `LDAM`."""
    y, o = targets_and_outputs(y_true, y_pred)
    _counts("ldam", class_counts, y.shape[-1])  # K checked before the margins are used
    margins = per_class("class_counts", ldam_margins(class_counts, max_margin), y.shape[-1])
    z = scale * (log_scores(o, from_logits) - y * margins)
    return ops.categorical_crossentropy(y, z, from_logits=True)


def vs_factors(class_counts, gamma=0.3, tau=1.0):
    """VS's per-class `(multiplier, offset)`: `Δ_j = (n_j / max n)^γ` and `ι_j = τ·log π_j`."""
    counts = _counts("vs", class_counts, None)
    return (counts / counts.max()) ** gamma, tau * np.log(counts / counts.sum())


def vs(y_true, y_pred, class_counts=None, gamma=0.3, tau=1.0):
    """Per-example values of `VS`."""
    y, z = targets_and_outputs(y_true, y_pred)
    _counts("vs", class_counts, y.shape[-1])  # K checked before the factors are used
    multiplier, offset = vs_factors(class_counts, gamma, tau)
    adjusted = z * per_class("class_counts", multiplier, y.shape[-1]) + per_class("class_counts", offset, y.shape[-1])
    return ops.categorical_crossentropy(y, adjusted, from_logits=True)


SEESAW_SCORE_FLOOR = 1e-2  # the authors' eps: the floor of the target's probability in the compensation ratio


def seesaw(y_true, y_pred, class_counts=None, from_logits=False, p=0.8, q=2.0):
    """Per-example values of `Seesaw`."""
    y, o = targets_and_outputs(y_true, y_pred)
    counts = _counts("seesaw", class_counts, y.shape[-1])
    z = log_scores(o, from_logits)
    # Mitigation M[c, j] = min(1, n_j / n_c)^p: a rarer class j is pushed down less by examples of c.
    mitigation = np.minimum(1.0, counts[None, :] / counts[:, None]) ** p
    log_weights = ops.matmul(y, per_class("class_counts", np.log(mitigation), y.shape[-1]))
    if q > 0:  # Compensation C[j] = max(1, p_j / p_t)^q on detached probabilities (authors' code).
        scores = ops.stop_gradient(ops.softmax(z, axis=-1))
        own = ops.maximum(ops.sum(y * scores, axis=-1, keepdims=True), SEESAW_SCORE_FLOOR)
        log_weights = log_weights + q * ops.log(ops.maximum(scores / own, 1.0))
    return ops.categorical_crossentropy(y, z + (1.0 - y) * log_weights, from_logits=True)


@register(
    "logit_adjusted",
    formula="−log softmax(z + τ·log π)_t, π = n / Σn",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper="Menon et al. (2021)",
    tunable={"tau": Tunable(0.0, 2.0)},
)
class LogitAdjusted(ClassificationLoss):
    """Logit-adjusted cross-entropy: cross-entropy of the logits shifted by `τ·log π`.

    Adding `τ·log π_j` to the logits during training only makes the rare
    classes' logits work harder, so the plain `argmax z` of the trained model
    targets the balanced error (Menon et al. 2021, google-research
    `logit_adjustment`). `τ = 1` is the authors' default; `τ = 0` is log loss.

    Args:
        tau: τ, the strength of the adjustment.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.LogitAdjusted(class_counts=[100, 10, 1], from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    1.9569
    """

    function = staticmethod(logit_adjusted)


@register(
    "balanced_softmax",
    formula="−log softmax(z + log n)_t",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper="Ren et al. (2020)",
)
class BalancedSoftmax(ClassificationLoss):
    """Balanced softmax: cross-entropy of the logits shifted by the log counts.

    It coincides with `logit_adjusted` at `τ = 1`: `log n_j = log π_j + log Σn`,
    and adding the same constant `log Σn` to every logit leaves the softmax
    unchanged, so whether counts or priors are given makes no difference.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.BalancedSoftmax(class_counts=[100, 10, 1], from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    1.9569
    """

    function = staticmethod(balanced_softmax)


@register(
    "ldam",
    formula="−log softmax(s·(z − m_t·e_t))_t, m_j = C·n_j^(−1/4) / max_k n_k^(−1/4)",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper="Cao et al. (2019)",
    tunable={"max_margin": Tunable(0.1, 1.0)},
)
class LDAM(ClassificationLoss):
    """Label-distribution-aware margin loss: cross-entropy with a larger margin for rarer classes.

    The target's logit is lowered by its class's margin `m_t` (the rarest
    class's margin is `C = max_margin`), then all logits are multiplied by
    the scale `s`. For soft `y` the margin term reads `z − y·m`.

    The default `s = 30` is the authors' (kaidic/LDAM-DRW), who pair it with a
    cosine-normalised last layer whose logits lie in [−1, 1]. With plain
    logits (a `Dense` layer, logits of a few units) `s = 30` multiplies them
    thirty-fold and the margins are small beside them; use a small scale
    such as `scale=1.0` (and a margin on the logits' scale, e.g. the default
    0.5) there, or a cosine head with the default.

    Args:
        max_margin: C ≥ 0, the margin of the rarest class.
        scale: s > 0, the factor on the margin-adjusted logits.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.LDAM(class_counts=[100, 10, 1], from_logits=True, scale=1.0)
    >>> round(float(loss(y_true, logits)), 4)
    0.4476
    """

    function = staticmethod(ldam)


@register(
    "vs",
    formula="−log softmax(z·(n/max n)^γ + τ·log π)_t",
    acts_on=RAW,
    value_range="[0, ∞)",
    paper='Kini et al. (2021), "Label-Imbalanced and Group-Sensitive Classification under Overparameterization", '
    "NeurIPS, https://arxiv.org/abs/2103.01550",
    tunable={"gamma": Tunable(0.0, 0.5), "tau": Tunable(0.0, 2.0)},
)
class VS(ClassificationLoss):
    """Vector-scaling loss: cross-entropy of logits scaled and shifted per class.

    The multiplicative factor `Δ_j = (n_j / max n)^γ` shrinks the rare classes'
    logits (so they need larger margins, as CDT), the additive `τ·log π_j` is
    logit adjustment: `γ = 0` is `logit_adjusted` with the same τ, `τ = 0` CDT.
    As the authors' code (orparask/VS-Loss, `class_imbalance/losses.py`,
    `VSLoss`: `x / Δ' + ι` with `Δ' = (max n / n_j)^γ`); γ = 0.3 and τ = 1 are its
    defaults. The scaling is not shift-invariant, so the loss acts on the logits
    themselves (a model whose last layer has no softmax), not on probabilities.

    Args:
        gamma: γ ≥ 0, the strength of the multiplicative adjustment.
        tau: τ, the strength of the additive (logit) adjustment.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.VS(class_counts=[100, 10, 1])
    >>> round(float(loss(y_true, logits)), 4)
    2.7377
    """

    function = staticmethod(vs)


@register(
    "seesaw",
    formula="−log(e^{z_t} / (e^{z_t} + Σ_{j≠t} min(1, n_j/n_t)^p·max(1, p_j/p_t)^q·e^{z_j}))",
    acts_on=SOFTMAX,
    value_range="[0, ∞)",
    paper='Wang et al. (2021), "Seesaw Loss for Long-Tailed Instance Segmentation", CVPR, '
    "https://arxiv.org/abs/2008.10032",
    tunable={"p": Tunable(0.0, 1.5), "q": Tunable(0.0, 3.0)},
)
class Seesaw(ClassificationLoss):
    """Seesaw loss: cross-entropy whose negative terms are rebalanced per class pair.

    An example of class t pushes a rarer class j down by only `(n_j/n_t)^p` of
    the usual amount (mitigation), and a class j it currently scores above the
    target pushes by `(p_j/p_t)^q` more (compensation, on detached probabilities,
    `p_t` floored at 1e−2). As open-mmlab's `seesaw_ce_loss` (mmdetection,
    `mmdet/models/losses/seesaw_loss.py`) with the class counts given instead of
    accumulated during training; p = 0.8, q = 2 are the authors' defaults. For
    soft `y`, the mitigation row is `Σ_c y_c·M[c, :]` and `p_t` reads `Σ y·p`.

    Args:
        p: p ≥ 0, the exponent of the mitigation factor (0: none).
        q: q ≥ 0, the exponent of the compensation factor (0: none).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> loss = keras_losses.Seesaw(class_counts=[100, 10, 1], from_logits=True)
    >>> round(float(loss(y_true, logits)), 4)
    0.2382
    """

    function = staticmethod(seesaw)
