"""What a run's loss is configured with from its training data: class weights and class counts.

The sweep's `--class_weighting` axis and the prior-aware losses both read the
per-class counts of the run's training labels (after imbalance and label noise,
as a practitioner would count them):

- `class_weighting`: `none`; `inverse` (`w_j ∝ 1/n_j`); `effective` (Cui et al. 2019,
  `w_j ∝ (1 − β)/(1 − β^{n_j})`, β = 0.9999), both normalised to sum K
  (`keras_losses.inverse_frequency_weights`, `keras_losses.class_balanced_weights`),
  passed as the loss's `class_weights`;
- a loss that needs `class_counts` (`logit_adjusted`, `balanced_softmax`, `ldam`:
  `keras_losses.describe(name)["needs"]`) gets the counts, each at least 1.

>>> loss_arguments("log_loss", [90, 10])
{}
>>> loss_arguments("log_loss", [90, 10], "inverse")
{'class_weights': [0.2, 1.8]}
>>> loss_arguments("logit_adjusted", [90, 0])
{'class_counts': [90, 1]}
"""

from collections.abc import Sequence

WEIGHTINGS = ("none", "inverse", "effective")


def check_weighting(weighting: str) -> None:
    if weighting not in WEIGHTINGS:
        raise ValueError(f"class weighting must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}.")


def class_weights(counts: Sequence[int], weighting: str) -> list[float] | None:
    """The K class weights of `weighting` for these training counts (None for `none`)."""
    import keras_losses

    check_weighting(weighting)
    counts = [max(int(n), 1) for n in counts]
    if weighting == "inverse":
        return keras_losses.inverse_frequency_weights(counts)
    if weighting == "effective":
        return keras_losses.class_balanced_weights(counts)
    return None


def loss_arguments(loss: str, train_counts: Sequence[int], weighting: str | None = "none") -> dict:
    """Keyword arguments for `keras_losses.get(loss, ...)` of a run with these training counts."""
    import keras_losses

    arguments = {}
    if "class_counts" in keras_losses.describe(loss)["needs"]:
        arguments["class_counts"] = [max(int(n), 1) for n in train_counts]
    weights = class_weights(train_counts, weighting or "none")
    if weights is not None:
        arguments["class_weights"] = weights
    return arguments
