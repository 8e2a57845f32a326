"""Sweeps: which runs to train, running them, and keeping their results.

- `sweep`: `SweepConfig` (every option of a comparison and its default), the grid of settings, run keys;
- `condition`: `Condition`, a run's data condition as a value (noise, validation labels, imbalance,
  class weights), with its long and short labels;
- `presets`: named grids (`janocha2017`);
- `plan`: `prepare(model, data, ...)` checks a comparison (a user's model and data too) and returns
  its `Plan`, which trains (`zoo.compare_losses` and `python -m zoo.compare` call it);
- `experiment`: the `Runner`, which picks an engine per group of settings;
- `run_records`: a finished run's record (metrics, divergence, versions);
- `class_metrics`: per-class metrics of a run's test predictions (balanced accuracy, macro-F1,
  many/medium/few-shot accuracy, post-hoc logit adjustment);
- `loss_config`: each run's loss configuration from its training counts (class weights, class counts);
- `tensorboard`: each finished run's scalars and HParams for TensorBoard, written as runs end;
- `lock`: one sweep per output folder;
- `distributed`: the same sweep over keras-tuner's chief and workers.
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "SweepConfig": "sweep",
        "Setting": "sweep",
        "Condition": "condition",
        "Runner": "experiment",
        "make_records": "run_records",
        "prepare": "plan",
        "Plan": "plan",
    },
)
