"""tuning: the loss as a hyperparameter in keras-tuner.

>>> import tuning
>>> hypermodel = tuning.LossHyperModel(input_shape=(8, 8, 1), num_classes=10)  # doctest: +SKIP

- `tuning.hypermodel.LossHyperModel`: `build(hp)` chooses the loss (and its
  conditional parameters) and the model.
- `tuning.objective`: the fixed metrics of every trial; `resolve()` refuses
  objectives that compare trials on their own loss values.
- `tuning.search`: `python -m tuning.search` (and `run()`), leaderboard and
  best model.
- `tuning.distributed`: chief/worker set-up and the oracle that expires the
  trials of dead workers.
"""

from tuning.hypermodel import LOSS_PARAMETERS, LossHyperModel, validate_losses
from tuning.objective import ObjectiveError

__all__ = ["LOSS_PARAMETERS", "LossHyperModel", "ObjectiveError", "validate_losses"]
