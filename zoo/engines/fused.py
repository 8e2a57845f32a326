"""Fused training: every loss of one setting trains at once, as one Keras model.

The losses of a setting (model, depth, seed, noise) are compared on
*independent* sub-networks that share nothing but the input batch:

    outputs = {loss_name: subnet_i(x) for each loss}
    compile(loss={loss_name: keras_losses.for_logits(loss_name)}, metrics accuracy per output)

The total loss is the plain sum of the per-output losses, so the gradient with
respect to sub-network i's weights is the gradient of loss i alone, and the
optimizers used here (no global `clipnorm`, no loss scaling) update every
weight from its own gradient only. Each sub-network therefore trains exactly
as it would alone, while the per-step overhead (input pipeline, Python,
dispatch) is paid once, and every loss sees the same batches in the same order
(a paired comparison).

Initial weights: for a given `seed` every sub-network starts from the *same*
weights, those of `zoo.build(...)` right after `keras.utils.set_random_seed(seed)`,
whatever the loss. Differences between losses thus come from the loss alone,
not from the initialisation; different seeds give different initialisations.
Dropout: every sub-network also starts from the seed's dropout random state
(`training.initial_state`), so all losses of a seed draw the same masks step
by step, the masks that `separate`, `vectorized` and a lone model draw too.

The pieces: `zoo.engines.fused_model` builds and compiles the fused model,
`zoo.data.batches` feeds it, `zoo.engines.fused_fit` runs each epoch as one TensorFlow
call and evaluates after it; this module holds the trainer.

>>> import numpy as np
>>> x, y = np.random.rand(32, 4).astype("float32"), np.arange(32) % 3
>>> spec = TrainSpec(epochs=1, batch_size=16)
>>> result = train(["log_loss", "l2"], "mlp", {"depth": 1, "width": 8}, (x, y), {"val": (x, y)}, spec)
>>> sorted(result.histories), len(result.histories["l2"]["val_accuracy"])
(['l2', 'log_loss'], 1)
"""

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence

import keras
import numpy as np
import tensorflow as tf

from zoo.data import batches
from zoo.engines.fused_fit import EpochEnd, epoch_train_function
from zoo.engines.fused_model import build_fused, build_metrics, build_subnets, compile_fused, output_name
from zoo.engines.training import TrainSpec, check_labels, initial_state, set_state

Arrays = tuple[np.ndarray, np.ndarray]


@dataclasses.dataclass
class FusedResult:
    """Per-loss histories of one fused training and its wall time.

    `histories[loss]` has per-epoch lists `loss` (train loss), `accuracy`
    (train accuracy, Keras's running mean over the epoch) and `<split>_accuracy`
    for every evaluated split (evaluated after each epoch).
    """

    histories: dict[str, dict[str, list[float]]]
    wall_seconds: float
    model: keras.Model | None = None  # The fused model (trained), when kept.
    test_logits: dict[str, np.ndarray] | None = None  # {loss: (N, K)} on the "test" split after the last epoch.
    val_logits: dict[str, np.ndarray] | None = None  # The same on the "val" split.


class FusedTrainer:
    """A compiled fused model that trains one setting after another without retracing.

    Building and tracing the fused train step is the expensive part (tens of
    seconds for 20 sub-networks on CPU), so settings that differ only in
    seed and data reuse one trainer: `run` resets every sub-network to the
    seed's initial weights and the optimizer to its freshly built state, which
    is exactly a fresh start.

    Args:
        losses: loss names (`keras_losses.all_names()`), distinct.
        model: a `zoo.names()` model; `model_options` go to `zoo.build` (e.g. depth).
        input_shape, num_classes: of the data.
        train_size: number of training examples (one epoch runs as one TensorFlow call).
        spec: the training hyperparameters; its `seed` is only a default for `run`.
        loss_arguments: `{loss: keras_losses.get keyword arguments}` (class weights, class counts, ignore_class).
        task, ignore_class: what the labels are (`zoo.common.tasks`): the accuracy curves follow the task
            (`zoo.engines.task_metrics.accuracy`), labels train as `zoo.data.batches.train_labels`.
    """

    def __init__(
        self,
        losses: Sequence[str],
        model: str,
        model_options: Mapping,
        input_shape,
        num_classes: int,
        train_size: int,
        spec: TrainSpec,
        loss_arguments: Mapping[str, Mapping] | None = None,
        task: str = "single_label",
        ignore_class: int | None = None,
    ):
        self.losses, self.task, self.ignore_class = list(losses), task, ignore_class
        if len(set(self.losses)) != len(self.losses):
            raise ValueError(f"Losses must be distinct, got {self.losses}.")
        self.model_name, self.model_options = model, dict(model_options)
        self.input_shape, self.num_classes, self.spec = tuple(input_shape), int(num_classes), spec
        self.subnets = build_subnets(
            self.losses, model, self.model_options, self.input_shape, self.num_classes, spec.seed
        )
        self.model = build_fused(self.subnets, self.input_shape)
        self.train_size = int(train_size)
        self.steps = batches.steps_per_epoch(self.train_size, spec.batch_size)
        compile_fused(
            self.model, self.losses, spec, steps_per_execution=self.steps, loss_arguments=loss_arguments,
            task=task, ignore_class=ignore_class,
        )  # fmt: skip
        build_metrics(self.model, self.losses, self.input_shape, self.num_classes, task)
        self.model.train_function = epoch_train_function(self.model, self.steps)
        self.model.optimizer.build(self.model.trainable_variables)  # Eagerly: fast, and a state to restore.
        self._fresh_optimizer = [variable.numpy() for variable in self.model.optimizer.variables]
        # Inference for the per-epoch evaluation, traced once per trainer (shapes vary freely).
        self._forward = tf.function(lambda batch: self.model(batch, training=False), reduce_retracing=True)

    def reset(self, seed: int) -> None:
        """Sets every sub-network to `seed`'s initial state (weights, dropout states) and the optimizer to its own."""
        state = initial_state(self.model_name, self.model_options, self.input_shape, self.num_classes, seed)
        for subnet in self.subnets.values():
            set_state(subnet, state)
        for variable, value in zip(self.model.optimizer.variables, self._fresh_optimizer):
            variable.assign(value)

    def run(
        self,
        train_data: Arrays,
        eval_data: Mapping[str, Arrays],
        seed: int | None = None,
        on_epoch: Callable[[int], None] | None = None,
    ) -> FusedResult:
        """Trains from `seed`'s initial weights on `train_data`, evaluating `eval_data` after each epoch.

        Args:
            train_data: `(x, y)` numpy arrays, sparse integer labels.
            eval_data: `{split: (x, y)}`, e.g. val and test; used for reporting only.
            seed: initial weights and batch order (default `spec.seed`).
            on_epoch: called with the epoch index after each epoch (progress bars).
        """
        seed = self.spec.seed if seed is None else seed
        start = time.perf_counter()
        self.reset(seed)
        x, y = train_data
        if len(y) != self.train_size:
            raise ValueError(f"This trainer was built for {self.train_size} training examples, got {len(y)}.")
        callback = EpochEnd(self.losses, eval_data, on_epoch, self._forward, self.task, self.ignore_class)
        check_labels(y, self.num_classes, self.task)
        outputs = [output_name(loss) for loss in self.losses]
        data = batches.train_dataset(
            x, y, outputs, self.spec.batch_size, self.spec.epochs, seed, self.num_classes, self.task
        )
        self.model.fit(
            data, epochs=self.spec.epochs, steps_per_epoch=self.steps, callbacks=[callback], shuffle=False, verbose=0
        )
        wall = time.perf_counter() - start
        return FusedResult(
            callback.histories, wall, self.model, callback.logits.get("test"), callback.logits.get("val")
        )


def _num_classes(train_data: Arrays, eval_data: Mapping[str, Arrays]) -> int:
    labels = [train_data[1]] + [y for _, y in eval_data.values()]
    return int(max(np.max(y, initial=0) for y in labels)) + 1


def train(
    losses: Sequence[str],
    model: str,
    model_options: Mapping,
    train_data: Arrays,
    eval_data: Mapping[str, Arrays],
    spec: TrainSpec,
    *,
    input_shape=None,
    num_classes=None,
    on_epoch: Callable[[int], None] | None = None,
) -> FusedResult:
    """Trains one sub-network per loss, all fused into one model, and returns the histories.

    A one-off `FusedTrainer(...).run(...)`; `input_shape` and `num_classes`
    default to `x.shape[1:]` and the largest label + 1. See `FusedTrainer`.
    """
    input_shape = tuple(train_data[0].shape[1:]) if input_shape is None else input_shape
    num_classes = _num_classes(train_data, eval_data) if num_classes is None else num_classes
    start = time.perf_counter()
    trainer = FusedTrainer(losses, model, model_options, input_shape, num_classes, len(train_data[1]), spec)
    result = trainer.run(train_data, eval_data, spec.seed, on_epoch)
    result.wall_seconds = time.perf_counter() - start
    return result


def train_separately(losses: Sequence[str], *args, on_epoch=None, **kwargs) -> FusedResult:
    """Like `train`, but one model per loss, one after the other (the slow baseline).

    `on_epoch` is called after every epoch of every model.
    """
    histories, wall = {}, 0.0
    for loss in losses:
        result = train([loss], *args, on_epoch=on_epoch, **kwargs)
        histories.update(result.histories)
        wall += result.wall_seconds
    return FusedResult(histories, wall)
