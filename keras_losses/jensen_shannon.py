"""The Jensen–Shannon loss of Englesson & Azizpour (NeurIPS 2021).

Englesson & Azizpour, "Generalized Jensen-Shannon Divergence Loss for Learning
with Noisy Labels". The loss is the π-weighted Jensen–Shannon divergence between
the label distribution `y` and the prediction `p`, scaled so that it tends to
cross-entropy as `π → 0` and to MAE as `π → 1`:

    m = π·y + (1 − π)·p
    JS_π(y, p) = π·KL(y ‖ m) + (1 − π)·KL(p ‖ m)
    loss = JS_π(y, p) / (−(1 − π)·log(1 − π))

`p = softmax(o)` (or the given probabilities). As in the authors' code
(ErikEnglesson/GJS, `losses.py`: `JensenShannonDivergenceWeightedScaled` with
weights `[π, 1 − π]`), `KL(d ‖ m) = Σ_{d_k > 0} d_k·(log max(d_k, 1e−7) −
log max(m_k, 1e−7))`. The generalised divergence (GJS) of several augmented
views of each example needs one prediction per view; with one view it is this loss.
"""

import math

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register

LOG_FLOOR = math.log(1e-7)


def _kl_to(distribution, log_distribution, log_mean):
    """`Σ_{d > 0} d·(log max(d, 1e−7) − log_mean)` per example (the authors' `custom_kl_div`)."""
    terms = distribution * (ops.maximum(log_distribution, LOG_FLOOR) - log_mean)
    return ops.sum(ops.where(distribution > 0, terms, 0.0), axis=-1)


def js(y_true, y_pred, from_logits=False, pi=0.5):
    """Per-example values of `JensenShannon`."""
    y, o = targets_and_outputs(y_true, y_pred)
    p, log_p = softmax_parts(o, from_logits)
    mean = pi * y + (1.0 - pi) * p
    log_mean = ops.log(ops.clip(mean, 1e-7, 1.0))
    log_y = ops.log(ops.clip(y, 1e-7, 1.0))
    divergence = pi * _kl_to(y, log_y, log_mean) + (1.0 - pi) * _kl_to(p, log_p, log_mean)
    return divergence / (-(1.0 - pi) * math.log(1.0 - pi))


@register(
    "js",
    formula="(π·KL(y‖m) + (1 − π)·KL(p‖m)) / (−(1 − π)·log(1 − π)), m = π·y + (1 − π)·p",
    acts_on=SOFTMAX,
    value_range="[0, 1 + π·log π / ((1 − π)·log(1 − π))]",
    paper='Englesson & Azizpour (2021), "Generalized Jensen-Shannon Divergence Loss for Learning with Noisy '
    'Labels", NeurIPS, https://arxiv.org/abs/2105.04522',
    tunable={"pi": Tunable(0.1, 0.9)},
)
class JensenShannon(ClassificationLoss):
    """Scaled π-weighted Jensen–Shannon divergence between the label and the prediction.

    Tends to cross-entropy as π → 0 and to (half the) MAE as π → 1; the authors
    search π in [0.1, 0.9] (0.7 on CIFAR-10 with 40% symmetric noise).

    Args:
        pi: π in (0, 1), the weight of the label distribution.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.JensenShannon(from_logits=True)(y_true, logits)), 4)
    0.3026
    """

    function = staticmethod(js)
