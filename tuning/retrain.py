"""Retraining the best configuration of a search, at one or more seeds, and saving it.

`retrain_best` rebuilds the best trial's model from its hyperparameters,
trains it on the training split with early stopping on the search's objective
(once per seed of the initial weights), evaluates each model on the test
split (a multi-label or dense task: its metrics, `tuning.objective.task_scores`), and saves the
first seed's model as `best.keras` and exports it as `best_savedmodel/` (`zoo.serving.export`,
for the hypermodel's task); its record, with the test metrics
(and their mean and standard deviation over several seeds), becomes the
leaderboard's `best_model`.
"""

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from tuning import leaderboard


def retrain_best(
    tuner, hypermodel, data, out: str, *, epochs: int, patience: int, seeds: Sequence[int] = (0,)
) -> dict[str, Any]:
    """Retrains the best trial's configuration once per seed (early stopping on the objective).

    Each seed sets the initial weights (and the order of the batches); every
    retrained model is evaluated on the test split. The first seed's model is
    saved (`best.keras`) and exported (`best_savedmodel/`). With several seeds
    the record holds each seed's test metrics and their mean and standard deviation.
    """
    import keras

    from tuning import objective as objective_module
    from zoo import serving

    best_trial = tuner.oracle.get_best_trials(1)[0]
    objective = tuner.oracle.objective
    task = getattr(hypermodel, "task", objective_module.SINGLE_LABEL)
    logits = getattr(hypermodel, "from_logits", True)
    by_seed, epochs_trained = {}, {}
    for index, seed in enumerate(seeds):
        keras.utils.set_random_seed(int(seed))
        model = hypermodel.build(best_trial.hyperparameters)
        stop = keras.callbacks.EarlyStopping(
            monitor=objective.name, mode=objective.direction, patience=patience, restore_best_weights=True
        )
        # `hypermodel.fit`: a multi-label or dense task's validation metrics come before early stopping reads them.
        history = hypermodel.fit(
            best_trial.hyperparameters, model, data.train, validation_data=data.val, epochs=epochs,
            callbacks=[stop], verbose=0,
        )  # fmt: skip
        test = model.evaluate(data.test, return_dict=True, verbose=0)
        if (
            task != objective_module.SINGLE_LABEL
        ):  # The task's metrics on the whole test split (`zoo.engines.task_metrics`).
            test.update(
                objective_module.task_scores(
                    task, model, data.test, from_logits=logits, ignore_class=getattr(hypermodel, "ignore_class", None)
                )
            )
        by_seed[str(seed)] = {k: float(v) for k, v in test.items() if k != "loss"}
        epochs_trained[str(seed)] = len(history.history["loss"])
        if index == 0:
            # Saved compiled with its loss alone: the fixed metrics are zoo classes, and best.keras
            # must load after `import keras_losses` only.
            model.compile(optimizer=model.optimizer, loss=model.loss)
            model.save(os.path.join(out, "best.keras"))
            # serving_default: inputs -> {"probabilities", "class"}; needs no project code.
            # A tagger serves per-label probabilities and labels, a dense model a class per position.
            serving.export(model, os.path.join(out, "best_savedmodel"), logits=logits, task=task)
    record = leaderboard.trial_record(best_trial, objective)
    first = str(seeds[0])
    result = {
        "trial_id": best_trial.trial_id,
        "loss": record["loss"],
        "hyperparameters": record["hyperparameters"],
        "epochs_trained": epochs_trained[first],
        "test": by_seed[first],
        "retrain_seeds": [int(seed) for seed in seeds],
    }
    if len(seeds) > 1:
        metrics = by_seed[first]
        result["test_by_seed"] = by_seed
        result["test_mean"] = {k: float(np.mean([m[k] for m in by_seed.values()])) for k in metrics}
        result["test_std"] = {k: float(np.std([m[k] for m in by_seed.values()], ddof=1)) for k in metrics}
    return result
