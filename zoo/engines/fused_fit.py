"""How `model.fit` runs the fused model: one TensorFlow call per epoch, and an evaluation after each.

`epoch_train_function` replaces Keras's multi-step train function with one
that traces `train_step` once and runs a whole epoch per call;
`EpochEnd` is the callback that, after each epoch, records every output's
train loss and accuracy from Keras's logs and evaluates every split
(validation, test) for every output, into per-loss histories.
"""

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf

from zoo.engines import task_metrics
from zoo.engines.fused_model import output_name

EVAL_BATCH = 4096  # Examples per forward pass when evaluating.


def epoch_train_function(model: keras.Model, steps: int) -> Callable:
    """A `model.train_function` that runs `steps` calls of `model.train_step` in one TensorFlow call.

    Keras's own multi-step function (`steps_per_execution > 1`) traces
    `train_step` twice (once to learn its output structure, once inside the
    loop), which doubles the tracing time of a fused model; this one traces it
    once. `model.fit` must be given `steps_per_epoch=steps` and
    `steps_per_execution=steps` (compile), so Keras calls it once per epoch.
    The updates are the same: `train_step` is Keras's, step by step.
    """

    train_step = model.train_step
    if model.jit_compile:  # As Keras does: XLA compiles the step, not the loop that feeds it.
        train_step = tf.function(train_step, jit_compile=True, autograph=False)

    def step(i, iterator):
        train_step(iterator.get_next())  # Updates weights, optimizer and metric state.
        return i + 1, iterator

    @tf.function(autograph=False)  # A plain while loop: AutoGraph's `for` would trace the body twice too.
    def run_steps(iterator):
        tf.while_loop(lambda i, _: i < steps, step, [tf.constant(0), iterator])
        return model.get_metrics_result()

    return run_steps


class EpochEnd(keras.callbacks.Callback):
    """Evaluates every split after each epoch and records the histories.

    Args:
        losses: the fused model's losses, one output each (`output_name`).
        splits: `{split: (x, y)}` numpy arrays, sparse labels.
        on_epoch: called with the epoch index after each epoch, or None.
        forward: inference, `forward(x)` -> the model's outputs (a dict, or one tensor for one loss).
        task, ignore_class: the accuracy of the task (`zoo.engines.task_metrics.accuracy`).
    """

    def __init__(self, losses, splits, on_epoch, forward, task="single_label", ignore_class=None):
        super().__init__()
        self.task, self.ignore_class = task, ignore_class
        self.losses = list(losses)
        self.splits = dict(splits)
        self.on_epoch = on_epoch
        self.histories = {loss: {"loss": [], "accuracy": []} for loss in self.losses}
        self.logits = {}  # {split: {loss: logits (N, K)}} after the latest epoch.
        self._forward = forward

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for loss in self.losses:
            history = self.histories[loss]
            for metric in ("loss", "accuracy"):
                # Keras names them `<output>_<metric>`, or plain `<metric>` for a single output.
                value = logs.get(f"{output_name(loss)}_{metric}", logs.get(metric))
                history[metric].append(float(value))
        for split, (x, y) in self.splits.items():
            self.logits[split] = self._logits(x)
            for loss, logits in self.logits[split].items():
                accuracy = task_metrics.accuracy(self.task, y, logits, self.ignore_class)
                self.histories[loss].setdefault(f"{split}_accuracy", []).append(accuracy)
        if self.on_epoch is not None:
            self.on_epoch(epoch)

    def _logits(self, x) -> dict[str, np.ndarray]:
        """Each loss's sub-network outputs on `x`, `{loss: (N, K)}`."""
        parts = {loss: [] for loss in self.losses}
        for start in range(0, len(x), EVAL_BATCH):
            outputs = self._forward(tf.constant(x[start : start + EVAL_BATCH], tf.float32))
            if not isinstance(outputs, dict):
                outputs = {output_name(self.losses[0]): outputs}
            for loss in self.losses:
                parts[loss].append(outputs[output_name(loss)].numpy())
        return {loss: np.concatenate(p) if p else np.zeros((0, 0), np.float32) for loss, p in parts.items()}
