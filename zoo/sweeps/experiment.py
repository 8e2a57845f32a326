"""The engines and the runner: trains a sweep's pending runs and appends their records as each ends.

`Runner` takes the settings of a sweep (`zoo.sweeps.sweep`), skips the runs already
in the results files (`zoo.common.results`), trains the rest with the engine that
`engine_for` picks (`zoo.engines.vectorized` stacks every run of one model and
depth, `zoo.engines.fused` trains a setting's losses side by side, `separate` one
model per run) and appends one record per run (`zoo.sweeps.run_records`). Every loss of
a setting sees the same batches from the same initial weights.

>>> engine_for("auto", "mlp"), engine_for("auto", "cnn"), engine_for("separate", "mlp")
('vectorized', 'fused', 'separate')
"""

import dataclasses
import gc
import os
import time
from collections.abc import Callable, Mapping, Sequence

from zoo.common import results
from zoo.sweeps import loss_config
from zoo.sweeps.run_records import make_records
from zoo.sweeps.sweep import Setting, SweepConfig, noise_options, run_key

ENGINES = ("auto", "vectorized", "fused", "separate")
# `auto` picks the vectorized engine for these families. Measured on 2 CPU cores
# (digits, depth 2): the MLP trains 2-5x faster vectorized than fused; TensorFlow
# vectorizes a convolution with per-member filters into slower kernels on CPU
# (20 CNN members: ~2.1 s/epoch vectorized vs ~1.3 s one at a time), so
# convolutional families stay fused unless `--engine=vectorized` asks.
VECTORIZED_BY_DEFAULT = ("mlp",)


def engine_for(engine: str, model: str, task: str | None = None) -> str:
    """The engine that trains `model` when `engine` is asked for (`auto` resolved).

    Dense tasks train fused (`auto`) or separately: the vectorized engine's one-line error says so.
    """
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}; expected one of {', '.join(ENGINES)}.")
    if task == "dense":
        if engine == "vectorized":
            from zoo.engines.vectorized import DENSE_ERROR

            raise ValueError(DENSE_ERROR)
        return "fused" if engine == "auto" else engine
    if engine == "auto":
        return "vectorized" if model in VECTORIZED_BY_DEFAULT else "fused"
    return engine


def group_key(setting: Setting) -> tuple:
    """Settings with equal keys can train in one vectorized group (same model, depth and training)."""
    return (
        setting.dataset,
        setting.model,
        setting.depth,
        setting.width,
        setting.head,
        setting.epochs,
        setting.batch_size,
        setting.optimizer,
        setting.learning_rate,
        setting.imbalance,  # The training-set size (and the class counts) depend on it.
        setting.imbalance_profile,
    )


def groups(todo: Sequence[tuple[Setting, list[str]]]) -> list[list[tuple[Setting, list[str]]]]:
    """`(setting, losses)` pairs grouped by `group_key`, in first-seen order."""
    by_key: dict[tuple, list] = {}
    for setting, losses in todo:
        by_key.setdefault(group_key(setting), []).append((setting, losses))
    return list(by_key.values())


class Runner:
    """Runs settings' pending losses, appending records as each training ends.

    Engines (`config.engine`): `vectorized` trains every pending run of one
    model and depth (losses x seeds x noise conditions) as one stacked network
    (`zoo.engines.vectorized`), in chunks of at most `config.max_members` runs (0: from
    a memory estimate); `fused` trains the losses of one setting side by side
    (`zoo.engines.fused`); `separate` trains one Keras model per run. All engines write
    the same records under the same run keys, so a sweep resumes across engines.

    Args:
        config: the sweep (losses, data directory, engine, ...).
        out_dir: where results files live; finished runs are read from every
            `results*.jsonl` there, so a rerun skips them (resume).
        results_file: the file this runner appends to (in `out_dir`).
        worker: a name stored in the records (the tuner id when distributed).
        on_train: called with `(setting, losses)` before each training of a
            setting's losses (tests count them).
        tensorboard: also write each finished run to `out_dir/tb` for TensorBoard (`zoo.sweeps.tensorboard`).
        models: `{label: builder}` for models that are not registered names (a user's builder or
            model, `zoo.models.user_models.UserModel`); a setting's `model` is looked up here first.
        data: the data of every setting when it is not the dataset name `config.dataset` (a `Data`,
            arrays: `zoo.data.user_data.as_data`), put under each setting's noise.
        engines: `{label: engine}` overriding `engine_for` per model (a user model whose stacked
            forward pass does not vectorize trains fused).
    """

    def __init__(
        self,
        config: SweepConfig,
        out_dir: str,
        results_file: str = results.DEFAULT_FILE,
        worker: str = "local",
        on_train: Callable | None = None,
        tensorboard: bool = False,
        models: Mapping[str, Callable] | None = None,
        data=None,
        engines: Mapping[str, str] | None = None,
    ):
        self.config, self.out_dir, self.worker, self.on_train = config, out_dir, worker, on_train
        self.tensorboard = tensorboard
        self.models, self.data, self.engines = dict(models or {}), data, dict(engines or {})
        self.path = results.path_in(out_dir, results_file)
        self._trainer_key, self._trainer = None, None

    def pending(self, setting: Setting, done: set | None = None) -> list[str]:
        """The losses of `setting` without a record yet (in `config.losses` order)."""
        done = results.done_keys(self.out_dir) if done is None else done
        return [loss for loss in self.config.losses if run_key(setting, loss) not in done]

    def model(self, setting: Setting):
        """What `zoo.build` builds for `setting`: its registered name, or the user's builder."""
        return self.models.get(setting.model, setting.model)

    def engine(self, model: str) -> str:
        """The engine that trains `model` (a label): `engines` first, else `engine_for`."""
        return self.engines.get(model) or engine_for(self.config.engine, model, self.config.task)

    def load(self, setting: Setting):
        """The setting's data under its noise: `zoo.datasets.load` by name, or the given `data`
        (`zoo.data.user_data.as_data`)."""
        from zoo.data import user_data

        return user_data.as_data(
            setting.dataset if self.data is None else self.data,
            seed=setting.seed,
            validation_split=self.config.validation_split,
            batch_size=setting.batch_size,
            label_noise=setting.label_noise,
            noise_type=setting.noise_type,
            input_noise=setting.input_noise,
            imbalance_ratio=setting.imbalance or 1.0,
            imbalance_profile=setting.imbalance_profile or "exponential",
            task=setting.task,
            ignore_class=setting.ignore_class,
            **{k: v for k, v in self.config.data_options().items() if v is not None},
            **noise_options(self.config, setting),
        )

    def _trainer_for(self, setting: Setting, losses: list[str], data, arguments: dict):
        """A fused trainer for these (configured) losses and shapes, reused while they stay the same."""
        from zoo.engines import fused

        spec = self._spec(setting)
        key = (
            tuple(losses),
            repr(sorted((loss, sorted(a.items())) for loss, a in arguments.items())),
            setting.model,
            setting.depth,
            data.input_shape,
            data.num_classes,
            len(data.y_train),
            dataclasses.replace(spec, seed=0),
            setting.task,
            setting.ignore_class,
        )
        if key != self._trainer_key:
            self._trainer = None  # Free the old model first.
            options = model_options(setting)
            self._trainer = fused.FusedTrainer(
                losses,
                self.model(setting),
                options,
                data.input_shape,
                data.num_classes,
                len(data.y_train),
                spec,
                loss_arguments=arguments,
                task=setting.task,
                ignore_class=setting.ignore_class,
            )
            self._trainer_key = key
        return self._trainer

    def _spec(self, setting: Setting):
        return dataclasses.replace(train_spec(setting), jit_compile=self.config.jit_compile)

    def _write(
        self,
        setting: Setting,
        histories: dict,
        data_info: dict,
        wall_seconds: float,
        engine: str,
        trained_together: int,
        logits: dict | None = None,
        labels: dict | None = None,
    ) -> list[dict]:
        """Appends the records of a finished training; `logits` `{split: {loss: final outputs}}` and `labels`
        `{split: y}` of the "val" and "test" splits give the records their test and validation metrics."""
        logits, labels = logits or {}, labels or {}
        records = make_records(
            setting,
            histories,
            data_info,
            wall_seconds,
            self.worker,
            engine=engine,
            trained_together=trained_together,
            test_logits=logits.get("test"),
            y_test=labels.get("test"),
            train_counts=data_info.get("train_class_counts"),
            val_logits=logits.get("val"),
            y_val=labels.get("val"),
        )
        results.append(self.path, records)
        if self.tensorboard:
            from zoo.sweeps import tensorboard

            tensorboard.write_runs(records, os.path.join(self.out_dir, tensorboard.LOG_DIR))
        return records

    def _run_fused(self, setting: Setting, losses: list[str], on_epoch, engine: str) -> list[dict]:
        """Trains `losses` of `setting` side by side in one Keras model (`engine` "fused"), or one ("separate")."""
        if loss_config.drw_epoch(setting.class_weighting) is not None or setting.bias_init:
            raise ValueError(
                f"class_weighting={setting.class_weighting} / bias_init={setting.bias_init} train on the vectorized "
                f"engine only (--engine=vectorized; {setting.model} trains {engine} here)."
            )
        start = time.perf_counter()
        data = self.load(setting)
        with_transition(data, setting, losses)
        arguments = {loss: loss_arguments(loss, setting, data.info) for loss in losses}
        trainer = self._trainer_for(setting, losses, data, arguments)
        splits = {"val": (data.x_val, data.y_val), "test": (data.x_test, data.y_test)}
        result = trainer.run(
            (data.x_train, data.y_train),
            splits,
            seed=setting.seed,
            on_epoch=None if on_epoch is None else lambda epoch: on_epoch(len(losses)),
        )
        wall = time.perf_counter() - start
        logits = {"val": result.val_logits, "test": result.test_logits}
        labels = {"val": data.y_val, "test": data.y_test}
        return self._write(setting, result.histories, data.info, wall, engine, len(losses), logits, labels)

    def _run_vectorized(self, group: Sequence[tuple[Setting, list[str]]], on_epoch) -> list[dict]:
        """Trains every run of `group` (one `group_key`) stacked, chunk by chunk; records per chunk."""
        from zoo.engines import vectorized

        variants, infos, labels = [], [], []
        for setting, _ in group:
            data = self.load(setting)  # Only its arrays are kept: its tf.data pipelines hold copies.
            with_transition(data, setting, self.config.losses)
            variants.append(
                vectorized.Variant(
                    setting.seed,
                    data.x_train,
                    data.y_train,
                    {"val": (data.x_val, data.y_val), "test": (data.x_test, data.y_test)},
                )
            )
            infos.append(data.info)
            labels.append({"val": data.y_val, "test": data.y_test})
            input_shape, num_classes = data.input_shape, data.num_classes
            del data
        # Loss-major order: members of one loss are adjacent and share one loss call.
        members = [
            (loss, index) for loss in self.config.losses for index, (_, losses) in enumerate(group) if loss in losses
        ]
        first = group[0][0]
        options = model_options(first)
        limit = self.config.max_members or vectorized.max_members_for(
            self.model(first), options, input_shape, num_classes, first.batch_size
        )
        records = []
        for start_index in range(0, len(members), limit):
            chunk = members[start_index : start_index + limit]
            chunk_size = len(chunk)
            if self.on_train is not None:
                for index in sorted({v for _, v in chunk}):
                    self.on_train(group[index][0], [loss for loss, v in chunk if v == index])
            histories, wall, logits = vectorized.train(
                chunk,
                variants,
                self.model(first),
                options,
                input_shape,
                num_classes,
                self._spec(first),
                on_epoch=None if on_epoch is None else lambda _, n=chunk_size: on_epoch(n),
                loss_arguments=[loss_arguments(loss, group[v][0], infos[v]) for loss, v in chunk],
                task=first.task,
                weight_schedules=[
                    loss_config.weight_schedule(infos[v]["train_class_counts"], group[v][0].class_weighting)
                    for _, v in chunk
                ],
                initial_biases=[initial_bias(group[v][0], infos[v]) for _, v in chunk],
            )
            for index in sorted({v for _, v in chunk}):
                mine = {loss: histories[m] for m, (loss, v) in enumerate(chunk) if v == index}
                final = {
                    split: {loss: logits[split][m] for m, (loss, v) in enumerate(chunk) if v == index}
                    for split in logits
                }
                share = wall * len(mine) / len(chunk)
                records += self._write(
                    group[index][0],
                    mine,
                    infos[index],
                    share,
                    "vectorized",
                    len(chunk),
                    final,
                    labels[index],
                )
            gc.collect()  # The chunk's stacked network and its traced graphs hold large constants.
        return records

    def run_group(
        self, group: Sequence[tuple[Setting, list[str]]], on_epoch: Callable[[int], None] | None = None
    ) -> list[dict]:
        """Trains `(setting, losses)` pairs of one `group_key` with the configured engine; returns records.

        `on_epoch(runs)` is called after each epoch with the number of runs that epoch trained.
        """
        group = [(setting, list(losses)) for setting, losses in group if losses]
        if not group:
            return []
        engine = self.engine(group[0][0].model)
        if engine == "vectorized":
            return self._run_vectorized(group, on_epoch)
        records = []
        for setting, losses in group:
            batches = [losses] if engine == "fused" else [[loss] for loss in losses]
            for batch in batches:
                if self.on_train is not None:
                    self.on_train(setting, batch)
                records += self._run_fused(setting, batch, on_epoch, engine)
        return records

    def run_setting(
        self, setting: Setting, losses: list[str] | None = None, on_epoch: Callable[[int], None] | None = None
    ) -> list[dict]:
        """Trains the pending (or given) losses of `setting` and appends their records."""
        losses = self.pending(setting) if losses is None else list(losses)
        return self.run_group([(setting, losses)], on_epoch)

    def run(self, settings: Sequence[Setting], progress: bool = True) -> int:
        """Runs every setting's pending losses with a progress bar (run-epochs); returns settings trained."""
        from tqdm.auto import tqdm

        done = results.done_keys(self.out_dir)
        todo = [(setting, self.pending(setting, done)) for setting in settings]
        todo = [(setting, losses) for setting, losses in todo if losses]
        total = sum(setting.epochs * len(losses) for setting, losses in todo)
        with tqdm(
            total=total, unit="run-epoch", disable=not progress, dynamic_ncols=True, desc=f"{len(todo)} settings"
        ) as bar:
            for index, group in enumerate(groups(todo)):
                first = group[0][0]
                bar.set_postfix_str(
                    f"{first.model} d{first.depth}: {len(group)} settings, "
                    f"{self.engine(first.model)} (group {index + 1})"
                )
                self.run_group(group, on_epoch=bar.update)
        return len(todo)


def loss_arguments(loss: str, setting: Setting, data_info: dict) -> dict:
    """The run's loss configuration from its training counts and transition matrix (`zoo.sweeps.loss_config`),
    and its `ignore_class` (dense masks' void label)."""
    matrix = data_info.get("loss_transition", {}).get("transition_matrix")
    arguments = loss_config.loss_arguments(loss, data_info["train_class_counts"], setting.class_weighting, matrix)
    return arguments if setting.ignore_class is None else {**arguments, "ignore_class": setting.ignore_class}


def with_transition(data, setting: Setting, losses: Sequence[str]) -> None:
    """Adds `info["loss_transition"]` (`loss_config.transition`) to `data` when a loss needs the transition matrix."""
    if any("transition_matrix" in loss_config.needs(loss) for loss in losses):
        data.info["loss_transition"] = loss_config.transition(setting.correction, data, setting.seed)


def initial_bias(setting: Setting, data_info: dict) -> list[float] | None:
    """`bias_init=prior`: the log priors `log(n_j / N)` of the run's training counts (each at least 1); else None."""
    if setting.bias_init != "prior":
        return None
    import numpy as np

    counts = np.maximum(np.asarray(data_info["train_class_counts"], np.float64), 1.0)
    return np.log(counts / counts.sum()).tolist()


def model_options(setting: Setting) -> dict:
    """The `zoo.build` options of a setting's model (depth, and width and head when set)."""
    from zoo import models

    return models.options(setting.model, setting.depth, setting.width, setting.head)


def train_spec(setting: Setting):
    """The `zoo.engines.training.TrainSpec` of a setting."""
    from zoo.engines import training

    return training.TrainSpec(
        epochs=setting.epochs,
        batch_size=setting.batch_size,
        optimizer=setting.optimizer,
        learning_rate=setting.learning_rate,
        seed=setting.seed,
    )
