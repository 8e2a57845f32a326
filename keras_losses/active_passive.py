"""Normalized losses and active-passive losses (APL) of Ma et al. (ICML 2020).

Ma, Huang, Wang, Romano, Erfani & Bailey, "Normalized Loss Functions for Deep
Learning with Noisy Labels". A loss `L` is normalised by its sum over every
possible label, `L(p, y) / Σ_j L(p, e_j)`, which makes it robust to label noise
but underfits; an active-passive loss adds a passive loss (MAE or RCE) to a
normalised active one, `α·active + β·passive`.

Notation: `p = softmax(o)` (or the given probabilities), `t` the target class,
`y` one-hot or soft (`p_t` reads `Σ y·p`), K the number of classes.

Values follow the authors' code (HanxunH/Active-Passive-Losses, `loss.py`):

- MAE is their "reduced" MAE `1 − p_t`, half the paper's `Σ|p − y| = 2·(1 − p_t)`
  (so the paper's NCE+MAE with β is this one with 2β);
- NMAE is `(1 − p_t)/(2·(K − 1))`, half the paper's `Σ|p − y| / Σ_j Σ|p − e_j|
  = (1 − p_t) / (K − 1)`;
- NFL's focal weights `(1 − p_j)^γ` are detached, in the numerator and the
  normaliser (the gradient flows through the `log p_j` only: the value is the
  paper's, the gradient the code's);
- NGCE clips `p` to `[1e−7, 1]` before the powers.
"""

import inspect

from keras import ops

from keras_losses._probabilities import cross_entropy, softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register

MA = "Ma et al. (2020)"  # keras_losses/references.py has the full reference
RCE_LOG_FLOOR = 1e-4  # clip(y, 1e-4, 1) of Wang et al.'s reverse cross-entropy
LOG_EPSILON = -16.11809565095832  # log(1e-7), the floor of the clipped probabilities


# The parts, on the target `y`, the probabilities `p` and their logarithm `log_p`.


def _class_count(y):
    return ops.cast(ops.shape(y)[-1], y.dtype)


def normalized_cross_entropy(y, p, log_p):
    """`(−Σ y·log p) / Σ_j (−log p_j)`."""
    return cross_entropy(y, log_p) / -ops.sum(log_p, axis=-1)


def normalized_focal(y, p, log_p, gamma):
    """NFL, focal loss over its sum over every label; the weights `(1 − p)^γ` detached (authors' code)."""
    weighted_log_p = ops.stop_gradient(ops.power(ops.clip(1.0 - p, 0.0, 1.0), gamma)) * log_p  # once for both sums
    return ops.sum(y * weighted_log_p, axis=-1) / ops.sum(weighted_log_p, axis=-1)


def normalized_generalized_cross_entropy(y, p, log_p, q):
    """`(1 − Σ y·p^q) / (K − Σ_j p_j^q)`, `p` clipped to `[1e−7, 1]` (authors' code)."""
    p_q = ops.exp(q * ops.maximum(log_p, LOG_EPSILON))
    return (1.0 - ops.sum(y * p_q, axis=-1)) / (_class_count(y) - ops.sum(p_q, axis=-1))


def mean_absolute_error(y, p, log_p):
    """The authors' reduced MAE `1 − Σ y·p` (half of `Σ|p − y|` for one-hot `y`)."""
    return 1.0 - ops.sum(y * p, axis=-1)


def normalized_mean_absolute_error(y, p, log_p):
    """`(1 − Σ y·p) / (2·(K − 1))`, as the authors' code scales it."""
    return mean_absolute_error(y, p, log_p) / (2.0 * (_class_count(y) - 1.0))


def reverse_cross_entropy(y, p, log_p=None):
    """`−Σ p·log clip(y, 1e−4, 1)` (Wang et al. 2019)."""
    return -ops.sum(p * ops.log(ops.clip(y, RCE_LOG_FLOOR, 1.0)), axis=-1)


# Each active part with the argument it takes beyond (y, p, log_p) and its default in a pair: the value of
# every published configuration of the pairs (HanxunH/Active-Passive-Losses, configs/): γ = 0.5, q = 0.1.
ACTIVE = {
    "nce": (normalized_cross_entropy, {}),
    "nfl": (normalized_focal, {"gamma": 0.5}),
    "ngce": (normalized_generalized_cross_entropy, {"q": 0.1}),
}
PASSIVE = {"mae": mean_absolute_error, "rce": reverse_cross_entropy}


def _on_probabilities(part, y_true, y_pred, from_logits, **args):
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    return part(y, p, log_p, **args)


def _with_signature(function, name, module, parameters):
    """`function` named `name` in `module`, with the explicit keyword `parameters` after (y_true, y_pred)."""
    positional = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in ("y_true", "y_pred")]
    keywords = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d) for n, d in parameters]
    function.__signature__ = inspect.Signature(positional + keywords)
    function.__name__ = function.__qualname__ = name
    function.__module__ = module
    return function


def pair_function(active, passive, name=None, module=__name__):
    """The per-example function `α·active + β·passive` of one published pair (e.g. `("nce", "rce")`).

    Its keyword arguments are `from_logits, alpha, beta` and the active part's own
    (`gamma` for NFL, `q` for NGCE), with the authors' defaults.
    """
    part, own = ACTIVE[active]
    passive_part = PASSIVE[passive]

    def pair(y_true, y_pred, from_logits=False, alpha=1.0, beta=1.0, **args):
        y, o = targets_and_outputs(y_true, y_pred)
        p, log_p = softmax_parts(o, from_logits)
        return alpha * part(y, p, log_p, **args) + beta * passive_part(y, p, log_p)

    pair.__doc__ = f"Per-example values of the active-passive loss {active.upper()} + {passive.upper()}."
    parameters = [("from_logits", False), ("alpha", 1.0), ("beta", 1.0), *own.items()]
    return _with_signature(pair, name or f"{active}_{passive}", module, parameters)


def nfl(y_true, y_pred, from_logits=False, gamma=0.5):
    """Per-example values of `NormalizedFocal`."""
    return _on_probabilities(normalized_focal, y_true, y_pred, from_logits, gamma=gamma)


def ngce(y_true, y_pred, from_logits=False, q=0.7):
    """Per-example values of `NormalizedGCE`."""
    return _on_probabilities(normalized_generalized_cross_entropy, y_true, y_pred, from_logits, q=q)


def nmae(y_true, y_pred, from_logits=False):
    """Per-example values of `NormalizedMAE`."""
    return _on_probabilities(normalized_mean_absolute_error, y_true, y_pred, from_logits)


nce_mae = pair_function("nce", "mae")
nfl_rce = pair_function("nfl", "rce")
nfl_mae = pair_function("nfl", "mae")
ngce_rce = pair_function("ngce", "rce")
ngce_mae = pair_function("ngce", "mae")

PAIR_TUNABLE = {"alpha": Tunable(0.1, 10.0, "log"), "beta": Tunable(0.1, 10.0, "log")}
GAMMA_TUNABLE = {"gamma": Tunable(0.0, 2.0)}
Q_TUNABLE = {"q": Tunable(0.1, 1.0)}


@register(
    "nfl",
    formula="(−Σ y·(1 − p)^γ·log p) / Σ_j −(1 − p_j)^γ·log p_j",
    acts_on=SOFTMAX,
    value_range="[0, 1]",
    paper=MA,
    tunable=GAMMA_TUNABLE,
)
class NormalizedFocal(ClassificationLoss):
    """Normalized focal loss (NFL): the focal loss divided by its sum over every label.

    As in the authors' code, the focal weights `(1 − p)^γ` are detached (in the
    numerator and the normaliser): the value is the paper's, the gradient flows
    through the `log p` terms only.

    Args:
        gamma: the focusing exponent γ ≥ 0 (the authors use 0.5); `γ = 0` is NCE.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NormalizedFocal(from_logits=True)(y_true, logits)), 4)
    0.0427
    """

    function = staticmethod(nfl)


@register(
    "ngce",
    formula="(1 − p_t^q) / (K − Σ_j p_j^q)",
    acts_on=SOFTMAX,
    value_range="[0, 1]",
    paper=MA,
    tunable=Q_TUNABLE,
)
class NormalizedGCE(ClassificationLoss):
    """Normalized generalized cross-entropy (NGCE): GCE divided by its sum over every label.

    For soft `y`, `p_t^q` reads `Σ y·p^q`; `p` is clipped to `[1e−7, 1]` first (authors' code).

    Args:
        q: the exponent, in (0, 1] (the authors use 0.1 with MAE/RCE on CIFAR-10, 0.7 alone).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NormalizedGCE(from_logits=True)(y_true, logits)), 4)
    0.116
    """

    function = staticmethod(ngce)


@register(
    "nmae",
    formula="(1 − p_t) / (2·(K − 1))",
    acts_on=SOFTMAX,
    value_range="[0, 1/(2·(K − 1))]",
    paper=MA,
)
class NormalizedMAE(ClassificationLoss):
    """Normalized mean absolute error (NMAE), scaled as the authors' code scales it.

    The paper's NMAE, `Σ|p − y| / Σ_j Σ|p − e_j| = (1 − p_t)/(K − 1)`, is twice this value
    (the authors' code halves MAE: `1 − p_t` for `Σ|p − y| = 2·(1 − p_t)`). For soft `y`,
    `p_t` reads `Σ y·p`.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NormalizedMAE(from_logits=True)(y_true, logits)), 4)
    0.0676
    """

    function = staticmethod(nmae)


@register(
    "nce_mae",
    formula="α·(−log p_t)/Σ_j(−log p_j) + β·(1 − p_t)",
    acts_on=SOFTMAX,
    value_range="[0, α + β]",
    paper=MA,
    tunable=PAIR_TUNABLE,
)
class NCEPlusMAE(ClassificationLoss):
    """Active-passive loss NCE + MAE: normalised cross-entropy plus the (authors' reduced) MAE.

    MAE here is the authors' `1 − p_t`, half the paper's `Σ|p − y|`.

    Args:
        alpha: α ≥ 0, the weight of the normalised cross-entropy (the active part).
        beta: β ≥ 0, the weight of the MAE (the passive part).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NCEPlusMAE(from_logits=True)(y_true, logits)), 4)
    0.3417
    """

    function = staticmethod(nce_mae)


@register(
    "nfl_rce",
    formula="α·NFL + β·(−Σ p·log clip(y, 1e−4, 1)), NFL = (−Σ y·(1 − p)^γ·log p)/Σ_j −(1 − p_j)^γ·log p_j",
    acts_on=SOFTMAX,
    value_range="[0, α + 9.22·β]",
    paper=MA,
    tunable={**PAIR_TUNABLE, **GAMMA_TUNABLE},
)
class NFLPlusRCE(ClassificationLoss):
    """Active-passive loss NFL + RCE: normalised focal loss plus reverse cross-entropy.

    NFL's focal weights `(1 − p)^γ` are detached, as in the authors' code.

    Args:
        alpha: α ≥ 0, the weight of the normalised focal loss (the active part).
        beta: β ≥ 0, the weight of the reverse cross-entropy (the passive part).
        gamma: the focusing exponent γ ≥ 0 of NFL (the authors use 0.5).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NFLPlusRCE(from_logits=True)(y_true, logits)), 4)
    2.5317
    """

    function = staticmethod(nfl_rce)


@register(
    "nfl_mae",
    formula="α·NFL + β·(1 − p_t), NFL = (−Σ y·(1 − p)^γ·log p)/Σ_j −(1 − p_j)^γ·log p_j",
    acts_on=SOFTMAX,
    value_range="[0, α + β]",
    paper=MA,
    tunable={**PAIR_TUNABLE, **GAMMA_TUNABLE},
)
class NFLPlusMAE(ClassificationLoss):
    """Active-passive loss NFL + MAE: normalised focal loss plus the (authors' reduced) MAE `1 − p_t`.

    Args:
        alpha: α ≥ 0, the weight of the normalised focal loss (the active part).
        beta: β ≥ 0, the weight of the MAE (the passive part).
        gamma: the focusing exponent γ ≥ 0 of NFL (the authors use 0.5).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NFLPlusMAE(from_logits=True)(y_true, logits)), 4)
    0.3129
    """

    function = staticmethod(nfl_mae)


@register(
    "ngce_rce",
    formula="α·(1 − p_t^q)/(K − Σ_j p_j^q) + β·(−Σ p·log clip(y, 1e−4, 1))",
    acts_on=SOFTMAX,
    value_range="[0, α + 9.22·β]",
    paper=MA,
    tunable={**PAIR_TUNABLE, **Q_TUNABLE},
)
class NGCEPlusRCE(ClassificationLoss):
    """Active-passive loss NGCE + RCE: normalised GCE plus reverse cross-entropy.

    Args:
        alpha: α ≥ 0, the weight of the normalised GCE (the active part).
        beta: β ≥ 0, the weight of the reverse cross-entropy (the passive part).
        q: the exponent of NGCE, in (0, 1] (0.1, the authors' value in every configuration of the pair).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NGCEPlusRCE(from_logits=True)(y_true, logits)), 4)
    2.5665
    """

    function = staticmethod(ngce_rce)


@register(
    "ngce_mae",
    formula="α·(1 − p_t^q)/(K − Σ_j p_j^q) + β·(1 − p_t)",
    acts_on=SOFTMAX,
    value_range="[0, α + β]",
    paper=MA,
    tunable={**PAIR_TUNABLE, **Q_TUNABLE},
)
class NGCEPlusMAE(ClassificationLoss):
    """Active-passive loss NGCE + MAE: normalised GCE plus the (authors' reduced) MAE `1 − p_t`.

    Args:
        alpha: α ≥ 0, the weight of the normalised GCE (the active part).
        beta: β ≥ 0, the weight of the MAE (the passive part).
        q: the exponent of NGCE, in (0, 1] (0.1, the authors' value in every configuration of the pair).

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.NGCEPlusMAE(from_logits=True)(y_true, logits)), 4)
    0.3477
    """

    function = staticmethod(ngce_mae)


def active_passive(active, passive, /, **config):
    """The registered active-passive loss `α·active + β·passive`, configured.

    `active` is "nce", "nfl" or "ngce", `passive` "mae" or "rce" (the pairs Ma et
    al. publish, each registered under `"<active>_<passive>"`); `config` are its
    arguments (`alpha`, `beta`, `from_logits`, and `gamma` or `q`).

    >>> import keras_losses
    >>> loss = keras_losses.active_passive("nfl", "rce", alpha=1.0, beta=1.0, gamma=0.5, from_logits=True)
    >>> type(loss).__name__
    'NFLPlusRCE'
    """
    from keras_losses import registry

    name = f"{active}_{passive}"
    if active not in ACTIVE or passive not in PASSIVE:
        pairs = [f"({a!r}, {b!r})" for a in ACTIVE for b in PASSIVE]
        raise ValueError(
            f"keras_losses.active_passive: unknown pair ({active!r}, {passive!r}); the pairs are {', '.join(pairs)}."
        )
    return registry.get(name, **config)
