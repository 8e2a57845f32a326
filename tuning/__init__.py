"""tuning: the loss as a hyperparameter in keras-tuner.

>>> import tuning
>>> hypermodel = tuning.LossHyperModel(input_shape=(8, 8, 1), num_classes=10)  # doctest: +SKIP

In your own `build(hp)` (any keras-tuner tuner):

>>> def build(hp):  # doctest: +SKIP
...     model = my_model(units=hp.Int("units", 32, 256))
...     model.compile(optimizer="adam", loss=tuning.choose_loss(hp, ["log_loss", "focal", "gce"]),
...                   metrics=tuning.metrics(num_classes))
...     return model
>>> tuner = keras_tuner.RandomSearch(build, objective=tuning.tuner_objective("val_macro_f1", num_classes=10),
...                                  max_trials=10)  # doctest: +SKIP

- `tuning.loss_choice.choose_loss(hp, losses)`: the loss (and its conditional
  parameters) as hyperparameters, in any `build(hp)`.
- `tuning.hypermodel.LossHyperModel`: `build(hp)` chooses the loss and the
  model (a zoo family, or the user's `build_model(hp)`).
- `tuning.objective`: the fixed metrics of every trial (`tuning.metrics`; a multi-label or dense
  task's, `tuning.objective.callbacks`, on the whole validation split); `resolve()` and
  `tuning.tuner_objective` refuse objectives that compare trials on their own loss values.
- `tuning.search`: the command `python -m tuning.search`, its flags as `SearchSettings`;
- `tuning.runner`: `run(settings)`, one search: load the data, build the tuner, run the trials,
  finish (leaderboard and best model).
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

__all__ = [
    "LOSS_PARAMETERS",
    "LossHyperModel",
    "ObjectiveError",
    "choose_loss",
    "metrics",
    "tuner_objective",
    "validate_losses",
]
_HOME = {
    "LOSS_PARAMETERS": "loss_choice",
    "choose_loss": "loss_choice",
    "validate_losses": "loss_choice",
    "LossHyperModel": "hypermodel",
    "ObjectiveError": "objective",
    "metrics": "objective",
    "tuner_objective": "objective",
}


def __getattr__(name):
    """The public names, imported on first use: `python -m tuning.search` can quiet TensorFlow first."""
    if name in _HOME:
        return getattr(importlib.import_module(f"tuning.{_HOME[name]}"), name)
    raise AttributeError(f"module 'tuning' has no attribute {name!r}")
