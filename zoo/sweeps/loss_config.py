"""What a run's loss is configured with from its training data: class weights, class counts, transition matrix.

The sweep's `--class_weighting` axis and the prior-aware losses both read the
per-class counts of the run's training labels (after imbalance and label noise,
as a practitioner would count them):

- `class_weighting`: `none`; `inverse` (`w_j ∝ 1/n_j`); `effective` (Cui et al. 2019,
  `w_j ∝ (1 − β)/(1 − β^{n_j})`, β = 0.9999), both normalised to sum K
  (`keras_losses.inverse_frequency_weights`, `keras_losses.class_balanced_weights`),
  passed as the loss's `class_weights`; `drw:E`, deferred re-weighting (Cao et al. 2019,
  "Learning Imbalanced Datasets with Label-Distribution-Aware Margin Loss"): no weights for
  the first E epochs, the `effective` weights after (`weight_schedule`; the engine switches them);
- a loss that needs `class_counts` (`logit_adjusted`, `balanced_softmax`, `ldam`, `vs`, `seesaw`:
  `keras_losses.describe(name)["needs"]`) gets the counts, each at least 1;
- a loss that needs `transition_matrix` (`forward_corrected`, `backward_corrected`) gets the
  run's `transition` (`correction`: `true`, the matrix the sweep's noise was drawn from, or
  `estimated`, counted on a clean-labelled subset of `CLEAN_SUBSET` of the training examples).

>>> loss_arguments("log_loss", [90, 10])
{}
>>> loss_arguments("log_loss", [90, 10], "inverse")
{'class_weights': [0.2, 1.8]}
>>> loss_arguments("logit_adjusted", [90, 0])
{'class_counts': [90, 1]}
>>> weight_schedule([90, 10], "drw:3")[0], loss_arguments("log_loss", [90, 10], "drw:3")
(3, {})
"""

from collections.abc import Sequence

WEIGHTINGS = ("none", "inverse", "effective", "drw:EPOCH")
CORRECTIONS = ("true", "estimated")
CLEAN_SUBSET = 0.02  # `estimated`: the fraction of the training examples whose clean label is known.


def drw_epoch(weighting: str | None) -> int | None:
    """E of `drw:E` (the epochs trained unweighted), None for another weighting."""
    if not (weighting or "").startswith("drw:"):
        return None
    epoch = weighting.partition(":")[2]
    if not epoch.isdigit():
        raise ValueError(f"class weighting drw:EPOCH needs a whole number of epochs >= 0, got {weighting!r}.")
    return int(epoch)


def check_weighting(weighting: str) -> None:
    if drw_epoch(weighting) is None and weighting not in WEIGHTINGS:
        raise ValueError(f"class weighting must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}.")


def class_weights(counts: Sequence[int], weighting: str) -> list[float] | None:
    """The K class weights of `weighting` for these training counts (None for `none`; `drw:E`: its later ones)."""
    import keras_losses

    check_weighting(weighting)
    counts = [max(int(n), 1) for n in counts]
    if weighting == "inverse":
        return keras_losses.inverse_frequency_weights(counts)
    if weighting == "effective" or drw_epoch(weighting) is not None:
        return keras_losses.class_balanced_weights(counts)
    return None


def weight_schedule(counts: Sequence[int], weighting: str | None) -> tuple[int, list[float]] | None:
    """`(E, weights)` of `drw:E`: the class weights the engine switches to from epoch E (0-based) on."""
    epoch = drw_epoch(weighting)
    return None if epoch is None else (epoch, class_weights(counts, weighting))


def check_correction(correction: str) -> None:
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {', '.join(CORRECTIONS)}, got {correction!r}.")


def transition(correction: str | None, data, seed: int) -> dict:
    """The transition matrix a loss correction of this run uses (and, estimated, how many examples it counted).

    `data` is the run's `zoo.datasets.Data`. `true` (or None): the matrix its label noise was drawn
    from (`zoo.data.noise.applied_matrix`); `estimated`: `zoo.data.noise.estimate_matrix` on
    `CLEAN_SUBSET` of its training examples, with their clean labels.
    """
    from zoo.data import datasets, noise

    check_correction(correction or "true")
    if correction == "estimated":
        size = max(data.num_classes, round(CLEAN_SUBSET * len(data.y_train)))
        matrix, counted = noise.estimate_matrix(
            data.y_train_clean, data.y_train, data.num_classes, size, seed=datasets.stream(seed, "clean_subset")
        )
        return {"transition_matrix": matrix.tolist(), "clean_subset_size": counted}
    label_noise = data.info["label_noise"]
    given = label_noise.get("matrix")  # Class-dependent kinds record the matrix they drew from.
    matrix = (
        given if given is not None else noise.applied_matrix(label_noise["type"], label_noise["rate"], data.num_classes)
    )
    return {"transition_matrix": [list(map(float, row)) for row in matrix]}


def needs(loss: str) -> list[str]:
    """The configuration `loss` cannot be built without (`keras_losses.describe(loss)["needs"]`)."""
    import keras_losses

    return keras_losses.describe(loss)["needs"]


def loss_arguments(
    loss: str, train_counts: Sequence[int], weighting: str | None = "none", transition_matrix=None
) -> dict:
    """Keyword arguments for `keras_losses.get(loss, ...)` of a run with these training counts
    (and this transition matrix, for a loss correction)."""
    arguments = {}
    if "class_counts" in needs(loss):
        arguments["class_counts"] = [max(int(n), 1) for n in train_counts]
    if "transition_matrix" in needs(loss):
        if transition_matrix is None:
            raise ValueError(f"{loss} needs the run's transition matrix (zoo.sweeps.loss_config.transition).")
        arguments["transition_matrix"] = [list(row) for row in transition_matrix]
    weights = None if drw_epoch(weighting) is not None else class_weights(train_counts, weighting or "none")
    if weights is not None:
        arguments["class_weights"] = weights
    return arguments
