"""A comparison checked and ready to train: `prepare(model, data, ...)` returns its `Plan`.

`prepare` checks everything `zoo.compare_losses` (`zoo.comparison`) and `python -m zoo.compare`
are given (one-line ValueError before anything trains): the config's values, the models
(`model` is a zoo family name or a `zoo.models.register`ed name, a builder
`build(input_shape, num_classes[, depth=, width=]) -> keras.Model` or a `keras.Model`
instance; `zoo.models.user_models` states the contract), and the data (a dataset name, a
`zoo.datasets.Data` or numpy arrays, `zoo.data.user_data.as_data`). `Plan.run` trains the
pending runs and returns their records: one per (loss, model, depth, seed, noise condition),
paired by seed (every loss of a seed starts from the same initial weights, built by the
builder once per seed after seeding the global generators, and sees the same batches). A
user model without convolutions trains on the vectorized engine when `tf.vectorized_map` over
its `stateless_call` works on one batch (checked here); otherwise it trains fused and one line
says why. A user model with a convolution trains fused, as the zoo's `cnn` does
(`engine="vectorized"` asks for the vectorized engine; `benchmarks/bench_tasks.py` measures both).
Each record's `engine` says which engine ran, `model` the model's label.
"""

import dataclasses
import inspect
import os
import sys
import tempfile
from collections.abc import Sequence

from zoo.common import results, tasks
from zoo.common.close_matches import did_you_mean
from zoo.sweeps import experiment, lock, loss_config, sweep

DEFAULT_DEPTHS = sweep.SweepConfig.depths  # For the zoo's families when `depths` is not given.


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def check_config(config: sweep.SweepConfig) -> None:
    """One-line ValueError for a value of `config` out of range (an unknown optimizer, engine, noise kind)."""
    from zoo.data import imbalance, noise, task_noise
    from zoo.engines import task_metrics, training
    from zoo.models import registry

    if config.noise_matrix:
        if any(config.label_noise):
            raise ValueError("noise_matrix gives the noise: leave label_noise out (or 0).")
        if config.noise_type != "symmetric" or config.human_labels:
            raise ValueError("noise_matrix replaces noise_type and human_labels: give only one of them.")
        noise.read_matrix(config.noise_matrix)  # Bad file or matrix: ValueError.
    if config.task in (None, "single_label"):
        noise.check_noise_type(config.noise_type, config.dataset)  # No published map: names --noise_matrix.
    else:
        task_noise.check_noise_type(config.task, config.noise_type)
        if config.noise_matrix:  # A transition matrix (its conditions are "matrix:HASH").
            task_noise.check_noise_type(config.task, "matrix")
        task_metrics.check_metric(config.task, config.metric)
        if config.human_labels:
            raise ValueError(f"human_labels are CIFAR-N's single-label sets, not labels of a {config.task} task.")
    for label_set in config.human_labels:
        noise.human_condition(config.dataset, label_set)
    for ratio in config.imbalance:
        imbalance.check(ratio, config.imbalance_profile)
    for weighting in config.class_weighting:
        loss_config.check_weighting(weighting)
    loss_config.check_correction(config.correction)
    if config.bias_init not in ("zeros", "prior"):
        raise ValueError(f"bias_init must be zeros or prior, got {config.bias_init!r}.")
    for name in ("epochs", "batch_size"):
        if int(getattr(config, name)) < 1:
            raise ValueError(f"{name} must be >= 1, got {getattr(config, name)}.")
    if not float(config.learning_rate) > 0:
        raise ValueError(f"learning_rate must be > 0, got {config.learning_rate}.")
    training.make_optimizer(config.optimizer, float(config.learning_rate))  # Unknown optimizer: ValueError.
    experiment.engine_for(config.engine, "mlp", config.task)  # Unknown engine (vectorized for dense): ValueError.
    if config.width is not None and int(config.width) < 1:
        raise ValueError(f"width must be >= 1, got {config.width}.")
    registry.check_head(config.head)
    if int(config.max_members) < 0:
        raise ValueError(f"max_members must be >= 0, got {config.max_members}.")
    for rate in config.label_noise:
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"label_noise rates must be in [0, 1), got {rate}.")
    for sigma in config.input_noise:
        if sigma < 0:
            raise ValueError(f"input_noise sigmas must be >= 0, got {sigma}.")
    for depth in config.depths:
        if depth is not None and int(depth) < 1:
            raise ValueError(f"depths must be >= 1, got {depth}.")
    if not config.losses:
        raise ValueError("losses is empty.")


def _resolve_models(model) -> dict:
    """`{label: builder or None}`: None for a registered name (built by name), else a `UserModel`."""
    from zoo import models
    from zoo.models.user_models import UserModel

    found = {}
    for entry in model if isinstance(model, (list, tuple)) else [model]:
        if isinstance(entry, str):
            models.MODELS.lookup(entry)  # Unknown name: ValueError with close matches.
            found[entry] = None
        else:
            builder = entry if isinstance(entry, UserModel) else UserModel(entry)
            if builder.label in models.names() or builder.label in found:
                raise ValueError(f"Model label {builder.label!r} is taken: rename the builder or the model.")
            found[builder.label] = builder
    return found


def check_head(label: str, head: str, user: bool) -> None:
    """One-line ValueError for a `head` other than "linear" on a user's model (the head is the families' own)."""
    from zoo import models

    if user and head != "linear":
        raise ValueError(
            f"head={head!r} applies to the zoo's families ({', '.join(models.WIDTH_ARGUMENT)}) only, not to "
            f"your model {label!r}: give it its own last layer (e.g. zoo.models.layers.CosineLogits)."
        )


def _depths_for(label: str, builder, depths, width, head="linear") -> tuple:
    """The depths to sweep for one model; one-line ValueError when it cannot take `depths` / `width` / `head`."""
    from zoo import models

    user = builder or (models.MODELS.lookup(label).user_model if label in models.USER_MODELS else None)
    check_head(label, head, user is not None)
    if user is None:
        return tuple(depths) if depths is not None else DEFAULT_DEPTHS
    user.check_options(None if depths is None else tuple(depths)[0], width)
    return tuple(depths) if depths is not None else (None,)


def load_data(data, config: sweep.SweepConfig):
    """The data of the first seed (checks it loads; one-line ValueError if not) and its name in records."""
    from zoo.data import datasets, noise, user_data

    try:
        loaded = user_data.as_data(
            data,
            seed=config.seeds[0],
            validation_split=config.validation_split,
            data_dir=config.data_dir,
            label_column=config.label_column,
            image_size=config.image_size,
            batch_size=config.batch_size,
            task=config.task,
            ignore_class=config.ignore_class,
        )
    except datasets.DatasetUnavailableError as error:
        raise ValueError(str(error)) from None
    except (FileNotFoundError, OSError) as error:
        raise ValueError(f"Dataset {data!r} could not be read: {error}") from None
    if config.noise_matrix:
        noise.read_matrix(config.noise_matrix, loaded.num_classes)  # Its K must be the data's.
    return loaded, data if isinstance(data, str) else loaded.name


def probe_vectorized(builder, options: dict, data) -> str | None:
    """None when the stacked forward and backward pass of two members run on one batch; else the reason."""
    import numpy as np
    import tensorflow as tf

    from zoo.models import registry

    model = registry.build(builder, input_shape=data.input_shape, num_classes=data.num_classes, **options)
    trainable = [tf.Variable(np.stack([v.numpy()] * 2)) for v in model.trainable_variables]
    non_trainable = [tf.stack([v.numpy()] * 2) for v in model.non_trainable_variables]
    x = tf.constant(np.stack([data.x_train[:4]] * 2).astype(np.float32))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            logits, _ = tf.vectorized_map(
                lambda args: model.stateless_call(args[0], args[1], args[2], training=True),
                (list(trainable), non_trainable, x),
            )
            total = tf.reduce_sum(logits)
        return tape.gradient(total, trainable)

    try:
        step()
    except Exception as error:  # Whatever stops vectorization: the reason is reported, the sweep trains fused.
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        return f"{type(error).__name__}: {lines[-1] if lines else ''}"[:200]  # TF's last line names the cause.
    return None


@dataclasses.dataclass(frozen=True)
class Plan:
    """A checked comparison, ready to train: the config, its settings, the user models, data and engines."""

    config: sweep.SweepConfig
    settings: tuple
    models: dict
    data: object
    engines: dict

    @property
    def reference(self) -> str:
        return self.config.reference

    @property
    def runs(self) -> int:
        return len(self.settings) * len(self.config.losses)

    def run(self, out: str | None = None, tensorboard: bool = False, progress: bool = True) -> list[dict]:
        """Trains the pending runs into `out` (None: a temporary folder, removed) and returns the plan's records."""
        if out is None:
            with tempfile.TemporaryDirectory(prefix="compare_losses-") as folder:
                return self._train(folder, False, progress, keep=False)
        return self._train(out, tensorboard, progress, keep=True)

    def _train(self, out_dir: str, tensorboard: bool, progress: bool, keep: bool) -> list[dict]:
        print(
            f"{len(self.settings)} settings x {len(self.config.losses)} losses = {self.runs} runs"
            + (f" -> {out_dir}" if keep else ""),
            file=sys.stderr,
        )
        lock.acquire(out_dir)
        try:
            runner = experiment.Runner(
                self.config, out_dir, tensorboard=tensorboard, models=self.models, data=self.data, engines=self.engines
            )
            runner.run(self.settings, progress=progress)
        finally:
            lock.release(out_dir)
        keys = {sweep.run_key(setting, loss) for setting in self.settings for loss in self.config.losses}
        return [record for record in results.read_all(out_dir) if record["key"] in keys]


TASK_REFERENCES = tasks.TASK_REFERENCES  # The default reference of a task without `log_loss`.

# Where `prepare` and `zoo.compare_losses` deliberately default otherwise than `SweepConfig`: depths None
# means the zoo's families' `SweepConfig.depths` and a user's builder's own (none, or its default).
API_DEFAULTS = {"depths": None}


def option_defaults() -> dict:
    """The keywords of `prepare` with their defaults: `SweepConfig`'s options, but `API_DEFAULTS`."""
    found = sweep.defaults()
    return {name: API_DEFAULTS.get(name, found[name]) for name in sweep.OPTIONS}


def with_defaults(function: str, options: dict, extra: Sequence[str] = ()) -> dict:
    """`options` completed with `option_defaults()`; TypeError (close matches) for a keyword that is
    neither an option nor in `extra`, worded as Python's for `function`."""
    known = [*sweep.OPTIONS, *extra]
    for name in options:
        if name not in known:
            raise TypeError(f"{function}() got an unexpected keyword argument {name!r}.{did_you_mean(name, known)}")
    return {**option_defaults(), **options}


def signature(extra: Sequence[inspect.Parameter] = (), returns=inspect.Signature.empty) -> inspect.Signature:
    """`(model, data, *, <every option with its default>, *extra)`: the signature `help()` shows."""
    types = {field.name: field.type for field in dataclasses.fields(sweep.SweepConfig)}
    keyword = inspect.Parameter.KEYWORD_ONLY
    options = [
        inspect.Parameter(name, keyword, default=default, annotation=types[name])
        for name, default in option_defaults().items()
    ]
    positional = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in ("model", "data")]
    return inspect.Signature([*positional, *options, *extra], return_annotation=returns)


def prepare(model, data, **options) -> Plan:
    """Checks everything `zoo.compare_losses` is given (one-line ValueError) and returns its `Plan`; trains nothing.

    Takes the keywords of `zoo.compare_losses` but `out`, `tensorboard` and `progress` (`Plan.run`'s),
    each defaulting as `SweepConfig` does (`option_defaults()`). Loads the data once, builds every
    model at every depth on its shape, and tries the vectorized engine on one batch for the users' models.
    """
    from zoo import models
    from zoo.models.user_models import has_convolution

    options = with_defaults("prepare", options)
    losses, depths, width, head, engine = (options[k] for k in ("losses", "depths", "width", "head", "engine"))
    if isinstance(losses, str):
        losses = [item.strip() for item in losses.split(",") if item.strip()]
    data_dir, noise_matrix, human_labels = options["data_dir"], options["noise_matrix"], options["human_labels"]
    config = sweep.SweepConfig(
        dataset=data if isinstance(data, str) else "data",
        losses=sweep.resolve_losses(losses, options["task"]),
        seeds=tuple(dict.fromkeys(int(s) for s in _as_tuple(options["seeds"]))),
        label_noise=tuple(dict.fromkeys(float(r) for r in _as_tuple(options["label_noise"]))),
        input_noise=tuple(dict.fromkeys(float(s) for s in _as_tuple(options["input_noise"]))),
        noise_type=options["noise_type"],
        cross_noise=bool(options["cross_noise"]),
        depths=DEFAULT_DEPTHS if depths is None else tuple(dict.fromkeys(_as_tuple(depths))),
        width=width,
        head=head,
        epochs=int(options["epochs"]),
        batch_size=int(options["batch_size"]),
        optimizer=options["optimizer"],
        learning_rate=float(options["learning_rate"]),
        validation_split=float(options["validation_split"]),
        data_dir=os.path.expanduser(data_dir) if data_dir else None,
        label_column=options["label_column"],
        image_size=options["image_size"],
        noise_matrix=os.path.expanduser(noise_matrix) if noise_matrix else None,
        human_labels=tuple(dict.fromkeys(_as_tuple(human_labels))) if human_labels else (),
        noisy_validation=bool(options["noisy_validation"]),
        imbalance=tuple(dict.fromkeys(float(r) for r in _as_tuple(options["imbalance"]))),
        imbalance_profile=options["imbalance_profile"],
        class_weighting=tuple(dict.fromkeys(_as_tuple(options["class_weighting"]))),
        correction=options["correction"],
        bias_init=options["bias_init"],
        engine=engine,
        max_members=int(options["max_members"]),
        jit_compile=bool(options["jit_compile"]),
        reference=options["reference"],
        task=options["task"],
        ignore_class=None if options["ignore_class"] is None else int(options["ignore_class"]),
        metric=options["metric"],
    )
    check_config(config)
    builders = _resolve_models(model)
    per_model = {label: _depths_for(label, builder, depths, width, head) for label, builder in builders.items()}
    loaded, name = load_data(data, config)
    if loaded.info.get("task_message"):
        print(loaded.info["task_message"], file=sys.stderr)
    config = dataclasses.replace(
        config, dataset=name, models=tuple(builders), task=loaded.task, ignore_class=loaded.ignore_class,
        losses=sweep.resolve_losses(losses, loaded.task),
    )  # fmt: skip
    if config.reference == sweep.SweepConfig.reference and config.task in TASK_REFERENCES:
        config = dataclasses.replace(config, reference=TASK_REFERENCES[config.task])
    check_config(config)  # Again, with the data's task (its noise kinds, metrics and engines).
    engines = {}
    for label, builder in builders.items():
        for depth in per_model[label]:  # Every model at every depth builds (and has one output per class).
            options = models.options(label, depth, width, head)
            built = models.build(
                builder or label, input_shape=loaded.input_shape, num_classes=loaded.num_classes, **options
            )
        user = builder is not None or label in models.USER_MODELS
        if user and engine == "auto" and has_convolution(built):
            engines[label] = "fused"  # As the zoo's `cnn`: stacked convolutions run slower on CPU.
        elif (
            user and engine in ("auto", "vectorized") and config.task != "dense"
        ):  # `auto`: vectorized for users' convolution-free models when it runs.
            reason = probe_vectorized(builder or label, models.options(label, per_model[label][0], width), loaded)
            engines[label] = "vectorized" if reason is None else "fused"
            if reason is not None:
                print(f"{label}: the vectorized engine does not run it ({reason}); training fused.", file=sys.stderr)
    settings = tuple(
        setting
        for label in builders
        for setting in sweep.grid(dataclasses.replace(config, models=(label,), depths=per_model[label]))
    )
    return Plan(
        config,
        settings,
        {label: b for label, b in builders.items() if b is not None},
        None if isinstance(data, str) else data,
        engines,
    )


prepare.__signature__ = signature(returns=Plan)
