"""tuning: the loss as a hyperparameter in keras-tuner.

>>> import tuning
>>> hypermodel = tuning.LossHyperModel(input_shape=(8, 8, 1), num_classes=10)  # doctest: +SKIP

- `tuning.hypermodel.LossHyperModel`: `build(hp)` chooses the loss (and its
  conditional parameters) and the model.
- `tuning.objective`: the fixed metrics of every trial; `resolve()` refuses
  objectives that compare trials on their own loss values.
- `tuning.search`: `python -m tuning.search` (and `run()`): the search loop,
  leaderboard and best model.
- `tuning.spec`, `tuning.tuners`, `tuning.retrain`: the search spec file, the
  keras-tuner tuners, retraining the best configuration.
- `tuning.leaderboard`: the leaderboard and its report.
- `tuning.distributed`: chief/worker set-up and the oracle that expires the
  trials of dead workers.
"""

import importlib

# `pip install keras-losses[tuning]` brings the zoo's packages and keras-tuner. Both are
# only looked up, not imported (`zoo.require`), so that `import tuning` stays cheap;
# without them it fails at once with one line naming this extra.
try:
    import zoo
except ImportError as error:
    if not getattr(error, "missing", None):
        raise
    raise ImportError(str(error).replace("zoo needs", "tuning needs").replace("[zoo]", "[tuning]")) from None
zoo.require("tuning", ("keras_tuner",))

__all__ = ["LOSS_PARAMETERS", "LossHyperModel", "ObjectiveError", "validate_losses"]
_HOME = {
    "LOSS_PARAMETERS": "hypermodel",
    "LossHyperModel": "hypermodel",
    "validate_losses": "hypermodel",
    "ObjectiveError": "objective",
}


def __getattr__(name):
    """The public names, imported on first use: `python -m tuning.search` can quiet TensorFlow first."""
    if name in _HOME:
        return getattr(importlib.import_module(f"tuning.{_HOME[name]}"), name)
    raise AttributeError(f"module 'tuning' has no attribute {name!r}")
