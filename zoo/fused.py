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
Dropout draws its masks per layer, so with dropout fused and separate runs
differ by their random masks (statistically equivalent, not bitwise equal).

>>> import numpy as np
>>> x, y = np.random.rand(32, 4).astype("float32"), np.arange(32) % 3
>>> spec = TrainSpec(epochs=1, batch_size=16)
>>> result = train(["log_loss", "l2"], "mlp", {"depth": 1, "width": 8}, (x, y), {"val": (x, y)}, spec)
>>> sorted(result.histories), len(result.histories["l2"]["val_accuracy"])
(['l2', 'log_loss'], 1)
"""

import dataclasses
import time
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import keras
import numpy as np
import tensorflow as tf

import keras_losses
import zoo
from zoo.training import (  # noqa: F401 (TrainSpec, make_optimizer, ... stay importable from zoo.fused)
    TrainSpec,
    batch_order,
    check_labels,
    make_optimizer,
    seed_initializers,
    seeded_model,
    steps_per_epoch,
)

Arrays = Tuple[np.ndarray, np.ndarray]
EVAL_BATCH = 4096  # Examples per forward pass when evaluating.


@dataclasses.dataclass
class FusedResult:
    """Per-loss histories of one fused training and its wall time.

    `histories[loss]` has per-epoch lists `loss` (train loss), `accuracy`
    (train accuracy, Keras's running mean over the epoch) and `<split>_accuracy`
    for every evaluated split (evaluated after each epoch).
    """

    histories: Dict[str, Dict[str, List[float]]]
    wall_seconds: float
    model: Optional[keras.Model] = None  # The fused model (trained), when kept.


def output_name(loss: str) -> str:
    """The name of the sub-network (and output) that trains with `loss`."""
    return loss


def build_subnets(losses: Sequence[str], model: str, model_options: Mapping, input_shape, num_classes: int,
                  seed: int) -> Dict[str, keras.Model]:
    """One `zoo.build` sub-network per loss, all with the same initial weights for `seed`."""
    weights = seeded_model(model, model_options, input_shape, num_classes, seed).get_weights()
    subnets = {}
    for loss in losses:
        subnet = zoo.build(model, input_shape=input_shape, num_classes=num_classes, **model_options)
        subnet.set_weights(weights)
        subnet.name = f"{output_name(loss)}_net"
        subnets[loss] = subnet
    return subnets


def build_fused(subnets: Mapping[str, keras.Model], input_shape) -> keras.Model:
    """One model whose outputs are `{loss: subnet(x)}`; the subnets share only the input."""
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    outputs = {output_name(loss): net(inputs) for loss, net in subnets.items()}
    return keras.Model(inputs, outputs, name="fused")


def compile_fused(model: keras.Model, losses: Sequence[str], spec: TrainSpec, steps_per_execution: int = 1) -> None:
    """Compiles with one loss per output (plain sum) and accuracy per output.

    `steps_per_execution` steps run per call into TensorFlow (the same
    updates with less Python overhead); it must divide the steps per epoch.
    """
    model.compile(
        optimizer=make_optimizer(spec.optimizer, spec.learning_rate),
        loss={output_name(loss): keras_losses.for_logits(loss) for loss in losses},
        metrics={output_name(loss): ["accuracy"] for loss in losses},
        jit_compile=spec.jit_compile,
        steps_per_execution=steps_per_execution,
    )


def train_dataset(x: np.ndarray, y: np.ndarray, losses: Sequence[str], batch_size: int, epochs: int,
                  seed: int, num_classes: int) -> tf.data.Dataset:
    """All `epochs` of `(x, {output: one_hot(y)})` batches in `batch_order`, as one pipeline.

    Every output gets the same labels, one-hot (every loss takes one-hot
    labels; it spares each loss converting and range-checking sparse labels
    at every step, which for 20 losses is a sizeable part of the step). Fit it with `steps_per_epoch =
    ceil(len(y) / batch_size)`: Keras then reads on across epochs.
    """
    names = [output_name(loss) for loss in losses]
    batches = batch_order(len(y), batch_size, epochs, seed)
    ragged = tf.ragged.constant([batch.tolist() for batch in batches], dtype=tf.int64)
    x_all, y_all = tf.constant(x, tf.float32), tf.one_hot(np.asarray(y, np.int32), num_classes)

    def gather(indices):
        labels = tf.gather(y_all, indices)
        return tf.gather(x_all, indices), {name: labels for name in names}

    return tf.data.Dataset.from_tensor_slices(ragged).map(gather).prefetch(tf.data.AUTOTUNE)


def build_metrics(model: keras.Model, losses: Sequence[str], input_shape, num_classes: int) -> None:
    """Creates the compiled losses' and metrics' state eagerly, on one dummy example.

    Otherwise they are created while the train step is traced, and
    `tf.function` traces a function that creates variables twice.
    """
    x = np.zeros((1, *input_shape), np.float32)
    y = {output_name(loss): tf.one_hot([0], num_classes) for loss in losses}
    y_pred = model(x)
    model.compute_loss(x=x, y=y, y_pred=y_pred)
    model.compute_metrics(x, y, y_pred)
    model.reset_metrics()


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


class _EpochEnd(keras.callbacks.Callback):
    """Evaluates every split after each epoch and records the histories."""

    def __init__(self, losses, splits, on_epoch, forward):
        super().__init__()
        self.losses = list(losses)
        self.splits = dict(splits)
        self.on_epoch = on_epoch
        self.histories = {loss: {"loss": [], "accuracy": []} for loss in self.losses}
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
            for loss, accuracy in self._accuracies(x, y).items():
                self.histories[loss].setdefault(f"{split}_accuracy", []).append(accuracy)
        if self.on_epoch is not None:
            self.on_epoch(epoch)

    def _accuracies(self, x, y) -> Dict[str, float]:
        if len(y) == 0:
            return {loss: float("nan") for loss in self.losses}
        correct = {loss: 0 for loss in self.losses}
        for start in range(0, len(y), EVAL_BATCH):
            outputs = self._forward(tf.constant(x[start:start + EVAL_BATCH], tf.float32))
            if not isinstance(outputs, dict):
                outputs = {output_name(self.losses[0]): outputs}
            for loss in self.losses:
                predicted = np.argmax(outputs[output_name(loss)].numpy(), axis=-1)
                correct[loss] += int(np.sum(predicted == y[start:start + EVAL_BATCH]))
        return {loss: correct[loss] / len(y) for loss in self.losses}


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
    """

    def __init__(self, losses: Sequence[str], model: str, model_options: Mapping, input_shape,
                 num_classes: int, train_size: int, spec: TrainSpec):
        self.losses = list(losses)
        if len(set(self.losses)) != len(self.losses):
            raise ValueError(f"Losses must be distinct, got {self.losses}.")
        self.model_name, self.model_options = model, dict(model_options)
        self.input_shape, self.num_classes, self.spec = tuple(input_shape), int(num_classes), spec
        self.subnets = build_subnets(self.losses, model, self.model_options, self.input_shape,
                                     self.num_classes, spec.seed)
        self.model = build_fused(self.subnets, self.input_shape)
        self.train_size = int(train_size)
        self.steps = steps_per_epoch(self.train_size, spec.batch_size)
        compile_fused(self.model, self.losses, spec, steps_per_execution=self.steps)
        build_metrics(self.model, self.losses, self.input_shape, self.num_classes)
        self.model.train_function = epoch_train_function(self.model, self.steps)
        self.model.optimizer.build(self.model.trainable_variables)  # Eagerly: fast, and a state to restore.
        self._fresh_optimizer = [variable.numpy() for variable in self.model.optimizer.variables]
        # Inference for the per-epoch evaluation, traced once per trainer (shapes vary freely).
        self._forward = tf.function(lambda batch: self.model(batch, training=False), reduce_retracing=True)

    def reset(self, seed: int) -> None:
        """Sets every sub-network to `seed`'s initial weights and the optimizer to its initial state."""
        weights = seeded_model(self.model_name, self.model_options, self.input_shape, self.num_classes,
                               seed).get_weights()
        for subnet in self.subnets.values():
            subnet.set_weights(weights)
        for variable, value in zip(self.model.optimizer.variables, self._fresh_optimizer):
            variable.assign(value)

    def run(self, train_data: Arrays, eval_data: Mapping[str, Arrays], seed: Optional[int] = None,
            on_epoch: Optional[Callable[[int], None]] = None) -> FusedResult:
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
        callback = _EpochEnd(self.losses, eval_data, on_epoch, self._forward)
        check_labels(y, self.num_classes)
        data = train_dataset(x, y, self.losses, self.spec.batch_size, self.spec.epochs, seed, self.num_classes)
        self.model.fit(data, epochs=self.spec.epochs,
                       steps_per_epoch=self.steps, callbacks=[callback], shuffle=False, verbose=0)
        return FusedResult(callback.histories, time.perf_counter() - start, self.model)


def _num_classes(train_data: Arrays, eval_data: Mapping[str, Arrays]) -> int:
    labels = [train_data[1]] + [y for _, y in eval_data.values()]
    return int(max(np.max(y, initial=0) for y in labels)) + 1


def train(losses: Sequence[str], model: str, model_options: Mapping, train_data: Arrays,
          eval_data: Mapping[str, Arrays], spec: TrainSpec, *, input_shape=None, num_classes=None,
          on_epoch: Optional[Callable[[int], None]] = None) -> FusedResult:
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
