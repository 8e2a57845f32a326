"""Engines: the ways a sweep trains its runs, all writing the same records.

- `training`: what every engine shares (`TrainSpec`, optimizers, seeded initial weights, label checks);
- `vectorized`: every run of one model and depth as one stacked network (`tf.vectorized_map`
  over the model's `stateless_call`), the default for MLPs; `dropout_masks` makes its Dropout
  layers draw Keras's masks once per seed rather than in a loop over members;
- `fused`: one setting's losses side by side in one Keras model (`fused_model` builds it,
  `fused_fit` trains an epoch), the default for CNNs and ResNets; `separate` is `fused` one loss at a time;
- `metrics`: confusion-matrix Keras metrics that engines and `tuning` compile alike (accuracy,
  balanced accuracy, macro-F1, and the NLL), for K output units or a single sigmoid unit;
- `task_metrics`: NumPy metrics of final test outputs for multi-label (mAP, F1, subset accuracy, Hamming loss)
  and dense tasks (pixel accuracy, per-class and mean IoU, mean Dice), and each task's `HEADLINE_METRIC`.
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {"TrainSpec": "training", "VectorizedTrainer": "vectorized", "FusedTrainer": "fused"},
)
