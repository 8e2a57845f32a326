"""Experiments that compare losses: the settings grid, run keys, result records, resume.

A *setting* is everything a training run depends on except the loss (dataset,
model, depth, seed, noise, training hyperparameters); a *run* is a setting
plus a loss and yields one result *record*. Runs train together
(`zoo.vectorized` or `zoo.fused`, see `Runner`); every loss of a setting
sees the same batches from the same initial weights.

>>> config = SweepConfig(losses=("log_loss", "l2"), depths=(1, 2), seeds=(0,), label_noise=(0.0, 0.4))
>>> [(s.depth, s.label_noise) for s in grid(config)]
[(1, 0.0), (1, 0.4), (2, 0.0), (2, 0.4)]
>>> run_key(grid(config)[0], "l2")
'dataset=digits/model=mlp/depth=1/label_noise=0/noise_type=symmetric/input_noise=0/seed=0/epochs=25/batch_size=64/optimizer=adam/learning_rate=0.001/loss=l2'
>>> noise_conditions(SweepConfig(label_noise=(0.0, 0.2), input_noise=(0.0, 1.0), cross_noise=False))
[(0.0, 0.0), (0.2, 0.0), (0.0, 1.0)]
>>> epochs_to_fraction([0.5, 0.8, 0.97, 1.0], 0.95)
3
"""

import dataclasses
import datetime
import gc
import os
import platform
import time
from collections.abc import Callable, Sequence

import numpy as np

from zoo import results

# The result record fields that identify a setting (in key order), then the loss.
SETTING_FIELDS = (
    "dataset",
    "model",
    "depth",
    "width",
    "label_noise",
    "noise_type",
    "input_noise",
    "seed",
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
)
# A setting's fields that define one experimental condition, with the seed left out.
CONDITION_FIELDS = tuple(f for f in SETTING_FIELDS if f != "seed")
# Fields added after 0.1.0: left out of run keys at their default (None), so older keys stay valid.
OPTIONAL_FIELDS = ("width",)
SPEED_FRACTION = 0.95  # Learning speed: epochs to reach this fraction of the run's best val accuracy.


@dataclasses.dataclass(frozen=True)
class SweepConfig:
    """What to compare: the grid is the product of the tuple fields.

    `engine`, `max_members` and `jit_compile` (XLA for the training step)
    choose how runs are trained (see `Runner`); they change no result beyond
    float rounding and are not part of run keys.

    With `cross_noise=False` label noise and input noise vary one at a time
    (every label noise rate without input noise, every input sigma without
    label noise) instead of in every combination.

    `validation_split` holds out part of the training split for the
    validation accuracy (reported per epoch, used for learning speed); the
    test split is only reported, never used for a choice.
    """

    dataset: str = "digits"
    losses: tuple[str, ...] = ()
    models: tuple[str, ...] = ("mlp",)
    depths: tuple[int, ...] = (1, 2, 3)
    width: int | None = None
    seeds: tuple[int, ...] = (0, 1, 2)
    label_noise: tuple[float, ...] = (0.0, 0.4)
    noise_type: str = "symmetric"
    input_noise: tuple[float, ...] = (0.0,)
    cross_noise: bool = True
    epochs: int = 25
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    validation_split: float = 0.2
    data_dir: str | None = None
    engine: str = "auto"
    max_members: int = 0
    jit_compile: bool = False


@dataclasses.dataclass(frozen=True)
class Setting:
    """One cell of the grid: everything a run depends on except the loss."""

    dataset: str
    model: str
    depth: int
    label_noise: float
    noise_type: str
    input_noise: float
    seed: int
    epochs: int
    batch_size: int
    optimizer: str
    learning_rate: float
    width: int | None = None  # Last, with a default: added in 0.2.0.

    def fields(self) -> dict:
        """The setting as a dict, in `SETTING_FIELDS` order."""
        return {name: getattr(self, name) for name in SETTING_FIELDS}


def loss_groups() -> dict[str, list[str]]:
    """Shorthands for lists of losses: default (the demo's 20), canonical, keras, all."""
    import keras_losses

    return {
        "default": keras_losses.names() + ["categorical_crossentropy"],
        "canonical": keras_losses.names(),
        "keras": keras_losses.keras_names(),
        "all": keras_losses.all_names(),
    }


def resolve_losses(items: Sequence[str]) -> tuple[str, ...]:
    """Loss names and group words (`loss_groups`) -> distinct loss names, in order.

    Raises keras_losses' ValueError, which names close matches, for an unknown name.
    """
    import keras_losses

    groups, losses = loss_groups(), []
    for item in items:
        if item in groups:
            losses.extend(groups[item])
            continue
        name = keras_losses.ALIASES.get(item, item)
        if name not in keras_losses.all_names():
            keras_losses.get(name)  # Raises the registry's error, with close matches.
        losses.append(name)
    return tuple(dict.fromkeys(losses))


def grid(config: SweepConfig) -> list[Setting]:
    """All settings of `config`, ordered so that settings of one model and depth are adjacent.

    (Adjacent settings reuse one compiled fused model.)
    """
    return [
        Setting(
            config.dataset,
            model,
            depth,
            label_noise,
            config.noise_type,
            input_noise,
            seed,
            config.epochs,
            config.batch_size,
            config.optimizer,
            config.learning_rate,
            width=config.width,
        )
        for model in config.models
        for depth in config.depths
        for label_noise, input_noise in noise_conditions(config)
        for seed in config.seeds
    ]


def noise_conditions(config: SweepConfig) -> list[tuple[float, float]]:
    """The `(label_noise, input_noise)` pairs of the grid (see `SweepConfig.cross_noise`)."""
    if config.cross_noise:
        return [(rate, sigma) for rate in config.label_noise for sigma in config.input_noise]
    pairs = [(rate, 0.0) for rate in config.label_noise] + [(0.0, sigma) for sigma in config.input_noise]
    return list(dict.fromkeys(pairs))  # Unique, in order.


def _format(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_key(setting, loss: str) -> str:
    """The stable identifier of a run: `field=value/...` over the setting fields and the loss.

    `setting` is a `Setting` or a record (a dict with those fields).
    """
    fields = setting.fields() if isinstance(setting, Setting) else {f: setting.get(f) for f in SETTING_FIELDS}
    fields = {k: v for k, v in fields.items() if not (k in OPTIONAL_FIELDS and v is None)}
    return "/".join(f"{name}={_format(value)}" for name, value in {**fields, "loss": loss}.items())


def condition(record: dict) -> tuple:
    """A record's experimental condition: its setting without the seed."""
    return tuple(record.get(field) for field in CONDITION_FIELDS)


def epochs_to_fraction(curve: Sequence[float], fraction: float = SPEED_FRACTION) -> int | None:
    """The first epoch (1-based) whose value reaches `fraction` of the curve's best; None if empty."""
    values = np.asarray(curve, dtype=float)
    if values.size == 0 or np.all(np.isnan(values)):
        return None
    return int(np.argmax(values >= fraction * np.nanmax(values))) + 1


def versions() -> dict[str, str]:
    """Versions of the libraries that a result depends on."""
    import keras
    import tensorflow as tf

    import keras_losses

    return {
        "keras_losses": keras_losses.__version__,
        "keras": keras.__version__,
        "tensorflow": tf.__version__,
        "python": platform.python_version(),
    }


def make_records(
    setting: Setting,
    histories: dict[str, dict[str, list[float]]],
    data_info: dict,
    wall_seconds: float,
    worker: str,
    engine: str = "fused",
    trained_together: int | None = None,
) -> list[dict]:
    """One result record per loss of a finished training of `setting`.

    `wall_seconds` is the setting's share of the training time; each record
    also carries its own share, `wall_seconds / number of losses`.
    `trained_together` is how many runs trained in one network (`fused_with`).
    """
    finished = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    common = {
        **setting.fields(),
        "realised_flip_fraction": data_info["label_noise"]["realised_fraction"],
        "sizes": data_info["sizes"],
        "engine": engine,
        "fused_with": trained_together or len(histories),
        "setting_wall_seconds": round(wall_seconds, 3),
        "wall_seconds": round(wall_seconds / max(len(histories), 1), 3),
        "finished_at": finished,
        "worker": worker,
        "versions": versions(),
    }
    records = []
    for loss, history in histories.items():
        diverged = diverged_at_epoch(history["loss"])
        curves = {
            name: cut_at_divergence(history.get(key, []), diverged)
            for name, key in (
                ("train_loss", "loss"),
                ("train_accuracy", "accuracy"),
                ("val_accuracy", "val_accuracy"),
                ("test_accuracy", "test_accuracy"),
            )
        }
        val = [v for v in curves["val_accuracy"] if v is not None]
        test = curves["test_accuracy"]
        records.append(
            {
                "key": run_key(setting, loss),
                "loss": loss,
                **common,
                **curves,
                "diverged_at_epoch": diverged,
                "final_test_accuracy": test[-1] if test and diverged is None else None,
                "best_val_accuracy": max(val) if val else None,
            }
        )
    return records


def diverged_at_epoch(train_loss: Sequence[float]) -> int | None:
    """The first epoch (1-based) whose train loss is NaN or infinite; None if the run never diverged.

    >>> diverged_at_epoch([0.9, 0.5, float("nan"), float("nan")]), diverged_at_epoch([0.9, 0.5])
    (3, None)
    """
    for epoch, value in enumerate(train_loss, start=1):
        if value is None or not np.isfinite(value):
            return epoch
    return None


def cut_at_divergence(curve: Sequence[float], diverged: int | None) -> list[float | None]:
    """`curve` with every value from epoch `diverged` on replaced by None (JSON null, never NaN)."""
    return [
        None if diverged is not None and epoch >= diverged else float(value)
        for epoch, value in enumerate(curve, start=1)
    ]


ENGINES = ("auto", "vectorized", "fused", "separate")
# `auto` picks the vectorized engine for these families. Measured on 2 CPU cores
# (digits, depth 2): the MLP trains 2-5x faster vectorized than fused; TensorFlow
# vectorizes a convolution with per-member filters into slower kernels on CPU
# (20 CNN members: ~2.1 s/epoch vectorized vs ~1.3 s one at a time), so
# convolutional families stay fused unless `--engine=vectorized` asks.
VECTORIZED_BY_DEFAULT = ("mlp",)


def engine_for(engine: str, model: str) -> str:
    """The engine that trains `model` when `engine` is asked for (`auto` resolved)."""
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}; expected one of {', '.join(ENGINES)}.")
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
        setting.epochs,
        setting.batch_size,
        setting.optimizer,
        setting.learning_rate,
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
    (`zoo.vectorized`), in chunks of at most `config.max_members` runs (0: from
    a memory estimate); `fused` trains the losses of one setting side by side
    (`zoo.fused`); `separate` trains one Keras model per run. All engines write
    the same records under the same run keys, so a sweep resumes across engines.

    Args:
        config: the sweep (losses, data directory, engine, ...).
        out_dir: where results files live; finished runs are read from every
            `results*.jsonl` there, so a rerun skips them (resume).
        results_file: the file this runner appends to (in `out_dir`).
        worker: a name stored in the records (the tuner id when distributed).
        on_train: called with `(setting, losses)` before each training of a
            setting's losses (tests count them).
        tensorboard: also write each finished run to `out_dir/tb` for TensorBoard (`zoo.tensorboard`).
    """

    def __init__(
        self,
        config: SweepConfig,
        out_dir: str,
        results_file: str = results.DEFAULT_FILE,
        worker: str = "local",
        on_train: Callable | None = None,
        tensorboard: bool = False,
    ):
        self.config, self.out_dir, self.worker, self.on_train = config, out_dir, worker, on_train
        self.tensorboard = tensorboard
        self.path = results.path_in(out_dir, results_file)
        self._trainer_key, self._trainer = None, None

    def pending(self, setting: Setting, done: set | None = None) -> list[str]:
        """The losses of `setting` without a record yet (in `config.losses` order)."""
        done = results.done_keys(self.out_dir) if done is None else done
        return [loss for loss in self.config.losses if run_key(setting, loss) not in done]

    def load(self, setting: Setting):
        """The setting's data: `zoo.datasets.load` with its seed and noise."""
        from zoo import datasets

        return datasets.load(
            setting.dataset,
            batch_size=setting.batch_size,
            validation_split=self.config.validation_split,
            seed=setting.seed,
            data_dir=self.config.data_dir,
            label_noise=setting.label_noise,
            noise_type=setting.noise_type,
            input_noise=setting.input_noise,
        )

    def _trainer_for(self, setting: Setting, losses: list[str], data):
        """A fused trainer for these losses and shapes, reused while they stay the same."""
        from zoo import fused

        spec = self._spec(setting)
        key = (
            tuple(losses),
            setting.model,
            setting.depth,
            data.input_shape,
            data.num_classes,
            len(data.y_train),
            dataclasses.replace(spec, seed=0),
        )
        if key != self._trainer_key:
            self._trainer = None  # Free the old model first.
            options = model_options(setting)
            self._trainer = fused.FusedTrainer(
                losses, setting.model, options, data.input_shape, data.num_classes, len(data.y_train), spec
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
    ) -> list[dict]:
        records = make_records(
            setting, histories, data_info, wall_seconds, self.worker, engine=engine, trained_together=trained_together
        )
        results.append(self.path, records)
        if self.tensorboard:
            from zoo import tensorboard

            tensorboard.write_runs(records, os.path.join(self.out_dir, tensorboard.LOG_DIR))
        return records

    def _run_fused(self, setting: Setting, losses: list[str], on_epoch, engine: str) -> list[dict]:
        """Trains `losses` of `setting` side by side in one Keras model (`engine` "fused"), or one ("separate")."""
        start = time.perf_counter()
        data = self.load(setting)
        trainer = self._trainer_for(setting, losses, data)
        splits = {"val": (data.x_val, data.y_val), "test": (data.x_test, data.y_test)}
        result = trainer.run(
            (data.x_train, data.y_train),
            splits,
            seed=setting.seed,
            on_epoch=None if on_epoch is None else lambda epoch: on_epoch(len(losses)),
        )
        return self._write(setting, result.histories, data.info, time.perf_counter() - start, engine, len(losses))

    def _run_vectorized(self, group: Sequence[tuple[Setting, list[str]]], on_epoch) -> list[dict]:
        """Trains every run of `group` (one `group_key`) stacked, chunk by chunk; records per chunk."""
        from zoo import vectorized

        variants, infos = [], []
        for setting, _ in group:
            data = self.load(setting)  # Only its arrays are kept: its tf.data pipelines hold copies.
            variants.append(
                vectorized.Variant(
                    setting.seed,
                    data.x_train,
                    data.y_train,
                    {"val": (data.x_val, data.y_val), "test": (data.x_test, data.y_test)},
                )
            )
            infos.append(data.info)
            input_shape, num_classes = data.input_shape, data.num_classes
            del data
        # Loss-major order: members of one loss are adjacent and share one loss call.
        members = [
            (loss, index) for loss in self.config.losses for index, (_, losses) in enumerate(group) if loss in losses
        ]
        first = group[0][0]
        options = model_options(first)
        limit = self.config.max_members or vectorized.max_members_for(
            first.model, options, input_shape, num_classes, first.batch_size
        )
        records = []
        for start_index in range(0, len(members), limit):
            chunk = members[start_index : start_index + limit]
            chunk_size = len(chunk)
            if self.on_train is not None:
                for index in sorted({v for _, v in chunk}):
                    self.on_train(group[index][0], [loss for loss, v in chunk if v == index])
            histories, wall = vectorized.train(
                chunk,
                variants,
                first.model,
                options,
                input_shape,
                num_classes,
                self._spec(first),
                on_epoch=None if on_epoch is None else lambda _, n=chunk_size: on_epoch(n),
            )
            for index in sorted({v for _, v in chunk}):
                mine = {loss: histories[m] for m, (loss, v) in enumerate(chunk) if v == index}
                records += self._write(
                    group[index][0], mine, infos[index], wall * len(mine) / len(chunk), "vectorized", len(chunk)
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
        engine = engine_for(self.config.engine, group[0][0].model)
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
                    f"{engine_for(self.config.engine, first.model)} (group {index + 1})"
                )
                self.run_group(group, on_epoch=bar.update)
        return len(todo)


def model_options(setting: Setting) -> dict:
    """The `zoo.build` options of a setting's model (depth, and width when set)."""
    from zoo import models

    return models.options(setting.model, setting.depth, setting.width)


def train_spec(setting: Setting):
    """The `zoo.training.TrainSpec` of a setting."""
    from zoo import training

    return training.TrainSpec(
        epochs=setting.epochs,
        batch_size=setting.batch_size,
        optimizer=setting.optimizer,
        learning_rate=setting.learning_rate,
        seed=setting.seed,
    )
