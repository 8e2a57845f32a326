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

import importlib
import importlib.util

# What `pip install keras-losses[tuning]` brings (setup.cfg: the zoo extra and
# keras-tuner), by import name. Only looked up, not imported, so that
# `import tuning` stays cheap; without them it fails at once with one line.
_REQUIRES = ("keras_tuner", "tensorflow", "tensorflow_datasets", "tensorboard", "sklearn",
             "scipy", "matplotlib", "tqdm", "PIL", "absl")


def _installed(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # imported already, without a spec
        return True


_missing = [name for name in _REQUIRES if not _installed(name)]
if _missing:
    raise ImportError(f"tuning needs {', '.join(_missing)}, not installed: pip install keras-losses[tuning]")

__all__ = ["LOSS_PARAMETERS", "LossHyperModel", "ObjectiveError", "validate_losses"]
_HOME = {"LOSS_PARAMETERS": "hypermodel", "LossHyperModel": "hypermodel", "validate_losses": "hypermodel",
         "ObjectiveError": "objective"}


def __getattr__(name):
    """The public names, imported on first use: `python -m tuning.search` can quiet TensorFlow first."""
    if name in _HOME:
        return getattr(importlib.import_module(f"tuning.{_HOME[name]}"), name)
    raise AttributeError(f"module 'tuning' has no attribute {name!r}")
