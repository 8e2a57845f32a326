"""Vectorized training: many runs of one model and depth train as one stacked network.

A *member* is one run: a loss and a data *variant* (a seed, which fixes the
initial weights, the validation split and the batch order, and the noisy
labels/inputs of one noise condition). Every variable of the `zoo.build`
model gets a leading member axis, `(M, ...)`, and the forward pass is
`tf.vectorized_map` over the model's own `stateless_call`:

    logits[m] = model.stateless_call(weights[m], x[m])      for every member m at once

TensorFlow's vectorizer turns each layer of the unchanged zoo model into one
batched op over the members (a Dense layer becomes one batched matmul), so
every model family works without engine code of its own, and the graph no
longer grows with the number of members. One optimizer update serves each
stacked variable; the optimizers used here are element-wise (no global
norm clipping), so member m's slice of the update depends on member m's
gradient only.

Members share nothing: the summed loss `Σ_m loss_m` has gradient
`∂loss_m/∂weights[m]` on member m's slice, each member reads its own batch
(its seed's batch order, gathered from its own training arrays), and
BatchNorm statistics are stacked like the weights, and so are Dropout's
random states: a member draws the masks it would draw alone, the same for
every loss of its seed, one draw per seed and layer (`zoo.engines.dropout_masks`,
not a loop over members). Each member therefore trains as it would alone (up
to float reordering in batched kernels), from the same initial weights as
every other loss of its seed: the comparison stays paired. Members that share a loss compute it in one call over their
stacked outputs; a batch-level loss (`logistic_inr`) is called member by
member, since its value depends on the make-up of each member's batch.

One job in one module past 400 lines (a third of them this description): the stacked
trainer, and how many members fit in memory (`max_members_for`), which sizes it.

>>> import numpy as np
>>> x, y = np.random.rand(32, 4).astype("float32"), np.arange(32) % 3
>>> variant = Variant(seed=0, x_train=x, y_train=y, eval_data={"val": (x, y)})
>>> spec = training.TrainSpec(epochs=2, batch_size=16)
>>> trainer = VectorizedTrainer([("log_loss", 0), ("l2", 0)], [variant], "mlp", {"depth": 1, "width": 8},
...                             (4,), 3, spec)
>>> histories = trainer.run()
>>> len(histories), len(histories[1]["val_accuracy"])
(2, 2)
"""

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import tensorflow as tf

import keras_losses
from zoo import models
from zoo.data import batches
from zoo.engines import dropout_masks, training

Arrays = tuple[np.ndarray, np.ndarray]
DENSE_ERROR = "The vectorized engine does not train dense tasks; use engine='fused' (or 'separate')."
EVAL_BYTES = 256 * 2**20  # Inputs gathered per evaluation chunk, all members together.


@dataclasses.dataclass(frozen=True, eq=False)
class Variant:
    """One member's data: the seed (initial weights, batch order), training arrays, evaluation splits.

    `y_train` holds the (possibly noisy) sparse labels the member trains on;
    `eval_data` is `{split: (x, y)}` with clean labels, evaluated after each epoch.
    """

    seed: int
    x_train: np.ndarray
    y_train: np.ndarray
    eval_data: Mapping[str, Arrays]


def _unique(arrays: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """Distinct arrays (by identity, then content) and each input's index among them."""
    distinct, index = [], []
    for array in arrays:
        for i, seen in enumerate(distinct):
            if seen is array or (seen.shape == array.shape and np.array_equal(seen, array)):
                index.append(i)
                break
        else:
            index.append(len(distinct))
            distinct.append(array)
    return distinct, index


def gather_members(table: tf.Tensor, rows: tf.Tensor, indices: tf.Tensor) -> tf.Tensor:
    """`out[m, b] = table[rows[m], indices[m, b]]`: each member's examples from its own array."""
    rows = tf.broadcast_to(tf.expand_dims(rows, 1), tf.shape(indices))
    return tf.gather_nd(table, tf.stack([rows, indices], axis=-1))


class VectorizedTrainer:
    """Trains every member of a group at once; `run()` returns one history per member.

    Args:
        members: `(loss, variant index)` per member. Members of one loss
            should be adjacent (they then share one loss call).
        variants: the data variants; all have the same training-set size.
        model, model_options: a `zoo.names()` model and its `zoo.build` options.
        input_shape, num_classes: of the data.
        spec: epochs, batch size, optimizer, learning rate, `jit_compile`
            (XLA for the train step); its `seed` is unused (each variant has its own).
        shared_masks: Dropout layers draw one mask per seed, shared by the
            seed's members (`zoo.engines.dropout_masks`); False: every member
            draws its own inside `tf.vectorized_map`, a loop over members
            (the same masks, slower; the benchmark's baseline).
        loss_arguments: each member's loss configuration (`keras_losses.get` keyword
            arguments such as `class_weights` or `class_counts`), None: none. Adjacent
            members with one loss and equal arguments share one loss call.
        task: "single_label" or "multi_label" (multi-hot rows train as they are, accuracy = label bits
            right at logit 0); dense tasks train on the fused or separate engine (`DENSE_ERROR`).
        weight_schedules: per member, None or `(E, w)`: class weights `w` from epoch E (0-based) on,
            none before (deferred re-weighting, `zoo.sweeps.loss_config.weight_schedule`); each example's
            loss is scaled by `Σ_k w_k·y_k`, as a loss's `class_weights` scale it.
        initial_biases: per member, None or the K initial values of the "logits" layer's bias
            (`bias_init=prior`: the log priors), replacing the seed's initial bias.
    """

    def __init__(
        self,
        members: Sequence[tuple[str, int]],
        variants: Sequence[Variant],
        model: str,
        model_options: Mapping,
        input_shape,
        num_classes: int,
        spec: training.TrainSpec,
        shared_masks: bool = True,
        loss_arguments: Sequence[Mapping] | None = None,
        task: str = "single_label",
        weight_schedules: Sequence[tuple[int, Sequence[float]] | None] | None = None,
        initial_biases: Sequence[Sequence[float] | None] | None = None,
    ):
        if task == "dense":
            raise ValueError(DENSE_ERROR)
        self.task = task
        self.members, self.variants, self.spec = list(members), list(variants), spec
        self.input_shape, self.num_classes = tuple(input_shape), int(num_classes)
        sizes = {len(v.y_train) for v in self.variants}
        if len(sizes) != 1:
            raise ValueError(f"Every variant of a group needs the same training-set size, got {sorted(sizes)}.")
        self.train_size = sizes.pop()
        for variant in self.variants:
            training.check_labels(variant.y_train, self.num_classes, task)
        self.model = models.build(model, input_shape=self.input_shape, num_classes=self.num_classes, **model_options)
        seeds = sorted({v.seed for v in self.variants})
        start = {
            seed: training.initial_state(model, model_options, self.input_shape, self.num_classes, seed)
            for seed in seeds
        }
        member_seeds = [self.variants[v].seed for _, v in self.members]
        self._masks = None
        if shared_masks and dropout_masks.dropout_layers(self.model):
            self._masks = dropout_masks.DropoutMasks(self.model, [seeds.index(s) for s in member_seeds])
        self.trainable = [
            tf.Variable(np.stack([start[s][0][j] for s in member_seeds]), name=f"stacked_{j}")
            for j in range(len(self.model.trainable_variables))
        ]
        self.non_trainable = [
            tf.Variable(np.stack([start[s][1][j] for s in member_seeds]), trainable=False)
            for j in range(len(self.model.non_trainable_variables))
        ]
        _set_biases(self.model, self.trainable, initial_biases)
        self._schedules = list(weight_schedules or [None] * len(self.members))
        self._class_weights = None  # (M, K) per-member class weights, only when some member switches them.
        if any(self._schedules):
            self._class_weights = tf.Variable(tf.ones((len(self.members), self.num_classes)), trainable=False)
        self._evaluation = None  # Built on first use (see `_evaluation_table`).
        self.optimizer = training.make_optimizer(spec.optimizer, spec.learning_rate)
        self.optimizer.build(self.trainable)
        self._loss_calls = _loss_calls([loss for loss, _ in self.members], loss_arguments)
        self._inputs, self._input_rows = self._table([v.x_train for v in self.variants], np.float32)
        self._labels, self._label_rows = self._table(
            [batches.train_labels(v.y_train, self.num_classes, task) for v in self.variants], np.float32
        )
        # Each seed's batches, as `zoo.engines.fused` reads them (`zoo.data.batches`: same seed, same batches).
        self._batches = {
            seed: batches.batch_order(self.train_size, spec.batch_size, spec.epochs, seed) for seed in seeds
        }
        # One trace each, whatever the batch or chunk size (the last batch of an epoch is smaller).
        members = len(self.members)
        self._train_steps = tf.function(
            self._train_steps_eager,
            jit_compile=spec.jit_compile,
            input_signature=[tf.TensorSpec((None, members, None), tf.int32)],
        )
        evaluation_signature = [
            tf.TensorSpec((None, None, *self.input_shape), tf.float32),
            tf.TensorSpec((members,), tf.int32),
            tf.TensorSpec((members, None), tf.int32),
        ]
        self._predict = tf.function(self._predict_eager, input_signature=evaluation_signature)
        self._logits = tf.function(self._logits_eager, input_signature=evaluation_signature)

    def _table(self, arrays, dtype):
        """Distinct arrays stacked into one tensor, and each member's row in it."""
        distinct, index = _unique(arrays)
        rows = np.array([index[v] for _, v in self.members], np.int32)
        return tf.constant(np.stack(distinct).astype(dtype, copy=False)), tf.constant(rows)

    def _forward(self, x, training):
        """Logits `(M, B, K)` of every member on its own inputs `x` `(M, B, ...)`, and the new states."""

        weights = ([v for v in self.trainable], [v for v in self.non_trainable], x)
        if self._masks is None:

            def one_member(args):
                trainable, non_trainable, inputs = args
                return self.model.stateless_call(trainable, non_trainable, inputs, training=training)

            return tf.vectorized_map(one_member, weights)
        group_states = self._masks.group_states(self.non_trainable)  # Read outside: the same for every member.

        def one_member_of_group(args):
            trainable, non_trainable, inputs, group = args
            with self._masks.member(group_states, group):
                return self.model.stateless_call(trainable, non_trainable, inputs, training=training)

        return tf.vectorized_map(one_member_of_group, (*weights, self._masks.groups))

    def _member_losses(self, y, logits):
        """Each member's loss on its batch, `(M,)`: the Keras value of its loss (mean over the batch)."""
        values = []
        # Each example's class weight (deferred re-weighting), `(M, B)`; None without a schedule.
        weights = None if self._class_weights is None else tf.einsum("mbk,mk->mb", y, self._class_weights)

        def scaled(per_example, members):
            return per_example if weights is None else per_example * weights[members]

        for loss, start, stop, batch_level in self._loss_calls:
            if batch_level:
                values += [tf.reduce_mean(scaled(loss(y[m], logits[m]), m)) for m in range(start, stop)]
                continue
            per_example = loss(
                tf.reshape(y[start:stop], (-1, self.num_classes)),
                tf.reshape(logits[start:stop], (-1, self.num_classes)),
            )
            per_member = scaled(tf.reshape(per_example, (stop - start, -1)), slice(start, stop))
            values += tf.unstack(tf.reduce_mean(per_member, axis=1))
        return tf.stack(values)

    def _switch_weights(self, epoch: int) -> None:
        """Sets each scheduled member's class weights for `epoch`: ones before its E, its weights from E on."""
        if self._class_weights is not None:
            rows = [
                schedule[1] if schedule is not None and epoch >= schedule[0] else np.ones(self.num_classes)
                for schedule in self._schedules
            ]
            self._class_weights.assign(np.asarray(rows, np.float32))

    def _train_steps_eager(self, steps):
        """Optimizer steps on batches `steps` `(T, M, B)`; returns each member's summed losses and hits."""

        def body(step, loss_sum, hits):
            losses, correct = self._train_batch(steps[step])
            return step + 1, loss_sum + losses, hits + correct

        zeros = tf.zeros(len(self.members))
        _, loss_sum, hits = tf.while_loop(
            lambda step, *_: step < tf.shape(steps)[0], body, [tf.constant(0), zeros, zeros]
        )
        return loss_sum, hits

    def _train_batch(self, indices):
        """One optimizer step of every member on its batch `indices` `(M, B)`; returns loss and hits."""
        x = gather_members(self._inputs, self._input_rows, indices)
        y = gather_members(self._labels, self._label_rows, indices)
        with tf.GradientTape() as tape:
            logits, states = self._forward(x, training=True)
            losses = self._member_losses(y, logits)
            total = tf.reduce_sum(losses)
        self.optimizer.apply(tape.gradient(total, self.trainable), self.trainable)
        for variable, state in zip(self.non_trainable, states):
            variable.assign(state)
        if self.task == "multi_label":  # Each example's fraction of right label bits.
            right = tf.reduce_mean(tf.cast(tf.equal(tf.cast(logits > 0, tf.float32), y), tf.float32), axis=-1)
        else:
            right = tf.cast(tf.equal(tf.argmax(logits, -1), tf.argmax(y, -1)), tf.float32)
        return losses, tf.reduce_sum(right, axis=1)

    def _logits_eager(self, table, rows, indices):
        logits, _ = self._forward(gather_members(table, rows, indices), training=False)
        return logits

    def _predict_eager(self, table, rows, indices):
        return tf.argmax(self._logits_eager(table, rows, indices), axis=-1, output_type=tf.int32)

    def _epoch_batches(self, epoch: int) -> list[np.ndarray]:
        """`epoch`'s batches as `(T, M, B)` index arrays: the full batches, then the smaller last one."""
        steps = batches.steps_per_epoch(self.train_size, self.spec.batch_size)
        seeds = [self.variants[v].seed for _, v in self.members]
        stacked = [
            np.stack([self._batches[s][epoch * steps + step] for s in seeds]).astype(np.int32) for step in range(steps)
        ]
        full = [b for b in stacked if b.shape[1] == self.spec.batch_size]
        rest = [b for b in stacked if b.shape[1] != self.spec.batch_size]
        return [np.stack(part) for part in (full, rest) if part]

    def _train_epoch(self, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """Trains one epoch; returns each member's train loss (batch-size-weighted mean) and accuracy."""
        loss_sum = np.zeros(len(self.members))
        hits = np.zeros(len(self.members))
        for steps in self._epoch_batches(epoch):  # One TensorFlow call per batch size.
            losses, correct = self._train_steps(tf.constant(steps))
            loss_sum += losses.numpy().astype(np.float64) * steps.shape[2]
            hits += correct.numpy()
        return loss_sum / self.train_size, hits / self.train_size

    def _evaluation_table(self):
        """Every member's evaluation splits concatenated (split by split), stacked once for all epochs.

        Returns `(table, rows, labels, bounds)`: distinct concatenations, each
        member's row, its labels `(M, E)` and `{split: (start, stop)}`.
        """
        splits = list(self.variants[0].eval_data)
        sizes = [len(self.variants[0].eval_data[split][1]) for split in splits]
        for variant in self.variants:
            if [len(variant.eval_data[split][1]) for split in splits] != sizes:
                raise ValueError(f"Every variant of a group needs evaluation splits {splits} of sizes {sizes}.")
        joined = [
            np.concatenate([v.eval_data[s][0] for s in splits]).astype(np.float32, copy=False)
            if sum(sizes)
            else np.zeros((0, *self.input_shape), np.float32)
            for v in self.variants
        ]
        distinct, index = _unique(joined)
        rows = np.array([index[v] for _, v in self.members], np.int32)
        labels = (
            np.stack(
                [np.concatenate([self.variants[v].eval_data[s][1] for s in splits] or [[]]) for _, v in self.members]
            )
            if self.members
            else np.zeros((0, 0))
        )
        bounds = dict(zip(splits, zip(np.cumsum([0] + sizes[:-1]), np.cumsum(sizes))))
        return tf.constant(np.stack(distinct)), tf.constant(rows), labels, bounds

    def _chunks(self, start: int, stop: int):
        """`(a, b)` bounds of the evaluation chunks over examples `start:stop` (memory-bounded)."""
        example_bytes = 4 * int(np.prod(self.input_shape)) * len(self.members)
        chunk = max(1, min(stop - start, EVAL_BYTES // max(example_bytes, 1)))
        return [(a, min(stop, a + chunk)) for a in range(start, stop, chunk)]

    def split_logits(self, split: str) -> np.ndarray:
        """Every member's logits `(M, N, K)` on its own evaluation split `split` (e.g. "test")."""
        if self._evaluation is None:
            self._evaluation = self._evaluation_table()
        table, rows, _, bounds = self._evaluation
        start, stop = (int(b) for b in bounds[split])
        parts = [
            self._logits(
                table, rows, tf.constant(np.broadcast_to(np.arange(a, b, dtype=np.int32), (len(self.members), b - a)))
            ).numpy()
            for a, b in self._chunks(start, stop)
        ]
        return np.concatenate(parts, axis=1) if parts else np.zeros((len(self.members), 0, self.num_classes))

    def evaluate(self) -> dict[str, np.ndarray]:
        """Each member's accuracy on each of its evaluation splits (e.g. its own validation split)."""
        if self._evaluation is None:
            self._evaluation = self._evaluation_table()
        table, rows, labels, bounds = self._evaluation
        hits = np.zeros(labels.shape[:2])
        for start, stop in self._chunks(0, labels.shape[1]):
            indices = tf.constant(
                np.broadcast_to(np.arange(start, stop, dtype=np.int32), (len(self.members), stop - start))
            )
            if self.task == "multi_label":  # Each example's fraction of right label bits.
                right = (self._logits(table, rows, indices).numpy() > 0) == (labels[:, start:stop] == 1)
                hits[:, start:stop] = right.mean(axis=-1)
            else:
                hits[:, start:stop] = self._predict(table, rows, indices).numpy() == labels[:, start:stop]
        return {
            split: hits[:, int(a) : int(b)].mean(axis=1) if b > a else np.full(len(self.members), np.nan)
            for split, (a, b) in bounds.items()
        }

    def run(self, on_epoch: Callable[[int], None] | None = None) -> list[dict[str, list[float]]]:
        """Trains `spec.epochs` epochs; one history per member, with the keys `zoo.engines.fused` records.

        `loss`/`accuracy` are the train loss and accuracy per epoch (means
        over the epoch's batches, weighted by batch size, as Keras logs them)
        and `<split>_accuracy` the accuracy on each evaluation split after
        each epoch. `on_epoch(epoch)` is called after each epoch.
        """
        splits = list(self.variants[0].eval_data)
        histories = [{"loss": [], "accuracy": [], **{f"{s}_accuracy": [] for s in splits}} for _ in self.members]
        for epoch in range(self.spec.epochs):
            self._switch_weights(epoch)
            train_loss, train_accuracy = self._train_epoch(epoch)
            evaluated = self.evaluate()
            for m, history in enumerate(histories):
                history["loss"].append(float(train_loss[m]))
                history["accuracy"].append(float(train_accuracy[m]))
                for split in splits:
                    history[f"{split}_accuracy"].append(float(evaluated[split][m]))
            if on_epoch is not None:
                on_epoch(epoch)
        return histories

    def member_weights(self, member: int) -> list[np.ndarray]:
        """Member `member`'s trainable weights, in `model.trainable_variables` order."""
        return [variable[member].numpy() for variable in self.trainable]


def _set_biases(model, stacked: Sequence[tf.Variable], biases: Sequence | None) -> None:
    """Writes each given member's initial bias into the stacked bias of `model`'s "logits" layer."""
    if not biases or all(bias is None for bias in biases):
        return
    layer = next((layer for layer in model.layers if layer.name == "logits"), None)
    bias = getattr(layer, "bias", None)
    if bias is None:
        raise ValueError('bias_init=prior needs a last layer named "logits" with a bias (the linear head).')
    index = [variable.path for variable in model.trainable_variables].index(bias.path)
    values = stacked[index].numpy()
    for member, member_bias in enumerate(biases):
        if member_bias is not None:
            values[member] = np.asarray(member_bias, values.dtype)
    stacked[index].assign(values)


def _loss_calls(losses: Sequence[str], arguments: Sequence[Mapping] | None = None):
    """`(per-example loss, start, stop, batch_level)` per run of adjacent members with one configured loss.

    `batch_level` losses (`logistic_inr`) depend on the make-up of the batch,
    so they are called member by member.
    """
    arguments = [dict(a or {}) for a in (arguments or [None] * len(losses))]
    same = [(loss, repr(sorted(a.items()))) for loss, a in zip(losses, arguments)]
    calls, start = [], 0
    for stop in range(1, len(losses) + 1):
        if stop == len(losses) or same[stop] != same[start]:
            loss = keras_losses.for_logits(losses[start], reduction=None, **arguments[start])
            calls.append((loss, start, stop, bool(getattr(loss, "batch_level", False))))
            start = stop
    return calls


def member_bytes(model, batch_size: int) -> int:
    """Estimated memory of one member: weights with gradients and optimizer slots, and activations."""
    params = model.count_params()
    activations = sum(int(np.prod(layer.output.shape[1:])) for layer in model.layers)
    # Weights, gradient, 2 optimizer slots, initial copy; activations kept for backprop and their gradients.
    return 4 * (5 * params + 3 * batch_size * activations)


def memory_budget() -> int:
    """Bytes the stacked network may use: a quarter of physical memory, at most 8 GiB."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        physical = 8 * 2**30
    return min(physical // 4, 8 * 2**30)


def max_members_for(model: str, model_options: Mapping, input_shape, num_classes: int, batch_size: int) -> int:
    """How many members of `model` fit `memory_budget()` at `batch_size` (at least 1)."""
    built = models.build(model, input_shape=tuple(input_shape), num_classes=num_classes, **model_options)
    return max(1, memory_budget() // member_bytes(built, batch_size))


def train(
    *trainer_args, on_epoch: Callable[[int], None] | None = None, **trainer_options
) -> tuple[list[dict], float, np.ndarray]:
    """`VectorizedTrainer(*trainer_args, **trainer_options).run(on_epoch)`, timed.

    Returns `(histories, wall seconds, logits)`: `logits[split]` holds the logits `(M, N, K)` of every
    member on its own evaluation split `split` ("val", "test") after the last epoch (for the task's metrics).
    """
    start = time.perf_counter()
    trainer = VectorizedTrainer(*trainer_args, **trainer_options)
    histories = trainer.run(on_epoch)
    wall = time.perf_counter() - start
    return histories, wall, {split: trainer.split_logits(split) for split in trainer.variants[0].eval_data}
