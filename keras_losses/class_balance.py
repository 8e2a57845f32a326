"""Per-class weights from the training counts, for any loss's `class_weights`.

`n_j` the training count of class j, K the number of classes; both weightings
are normalised so that the K weights sum to K (a balanced set gets all ones):

- `class_balanced_weights(counts, beta)`: by the effective number of examples
  (Cui et al. 2019), `w_j ∝ (1 − β)/(1 − β^{n_j})`; `β = 0` gives equal weights,
  `β → 1` tends to inverse frequency. Needs counts, not priors (β^{n_j} depends on scale).
- `inverse_frequency_weights(counts)`: `w_j ∝ 1/n_j` (counts or priors).

A weight vector scales each example's loss by its true class's weight
(`Σ_k y_k·w_k` for soft labels), e.g.
`keras_losses.get("focal", class_weights=keras_losses.class_balanced_weights(counts))`:
this is the focal loss's per-class α.
"""

import numpy as np

from keras_losses import arguments


def _normalised(weights):
    """`weights` scaled to sum to K, as plain floats (storable in `get_config()`)."""
    return [float(w) for w in weights * (len(weights) / weights.sum())]


def class_balanced_weights(counts, beta=0.9999):
    """Class-balanced weights by effective number, `(1 − β)/(1 − β^{n_j})`, normalised to sum K.

    Args:
        counts: the training count of each of the K classes (positive numbers).
        beta: β in [0, 1); the authors use 0.9, 0.99, 0.999 or 0.9999 (the default).

    Example:

    >>> import keras_losses
    >>> [round(w, 4) for w in keras_losses.class_balanced_weights([100, 10, 1], beta=0.9)]
    [0.2393, 0.3674, 2.3932]
    """
    n = np.asarray(arguments.validate("class_counts", counts), dtype="float64")
    beta = arguments.validate("beta", beta)
    if beta >= 1:
        raise ValueError(f"keras_losses: `beta` must be in [0, 1), got {beta}.")
    # (1 − β)/(1 − β^n) = 1/(1 + β + … + β^(n−1)); -expm1(n·log β) keeps it exact near β = 1.
    effective = -np.expm1(n * np.log(beta)) / (1.0 - beta) if beta > 0 else np.ones_like(n)
    return _normalised(1.0 / effective)


def inverse_frequency_weights(counts):
    """Inverse-frequency weights, `w_j ∝ 1/n_j`, normalised to sum K.

    Args:
        counts: the training count (or prior) of each of the K classes (positive numbers).

    Example:

    >>> import keras_losses
    >>> [round(w, 4) for w in keras_losses.inverse_frequency_weights([300, 100, 50])]
    [0.3, 0.9, 1.8]
    """
    n = np.asarray(arguments.validate("class_counts", counts), dtype="float64")
    return _normalised(1.0 / n)
