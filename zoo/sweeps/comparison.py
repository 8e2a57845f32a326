"""`compare_losses`: which loss for a model and data, from a script or a notebook; `Comparison`, its answer.

    >>> import zoo                                                      # doctest: +SKIP
    >>> result = zoo.compare_losses(my_builder, (x, y), losses=["log_loss", "focal", "gce"])
    >>> print(result.summary()); result.best(); result.report("runs/mine")

`model` is a zoo family name or a `zoo.models.register`ed name, a builder
`build(input_shape, num_classes[, depth=, width=]) -> keras.Model` or a `keras.Model`
instance (`zoo.models.user_models` states the contract, and how a final softmax is cut
off so that every loss gets what it acts on). `data` is a dataset name, a
`zoo.datasets.Data` or numpy arrays (`zoo.data.user_data.as_data`). The runs are the
same as `python -m zoo.compare`'s (which calls this function): one record per (loss,
model, depth, seed, noise condition), paired by seed (every loss of a seed starts from
the same initial weights, built by the builder once per seed after seeding the global
generators, and sees the same batches). A user model trains on the vectorized engine
when `tf.vectorized_map` over its `stateless_call` works on one batch (checked before
the sweep); otherwise it trains fused and one line says why. Each record's `engine`
says which engine ran, `model` the model's label.
"""

import dataclasses
import os
import sys
import tempfile
from collections.abc import Sequence

from zoo.sweeps import experiment, lock, loss_config, results, sweep

DEFAULT_DEPTHS = sweep.SweepConfig.depths  # For the zoo's families when `depths` is not given.


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def check_config(config: sweep.SweepConfig) -> None:
    """One-line ValueError for a value of `config` out of range (an unknown optimizer, engine, noise kind)."""
    from zoo.data import imbalance, noise
    from zoo.engines import training
    from zoo.models import registry

    if config.noise_matrix:
        if any(config.label_noise):
            raise ValueError("noise_matrix gives the noise: leave label_noise out (or 0).")
        if config.noise_type != "symmetric" or config.human_labels:
            raise ValueError("noise_matrix replaces noise_type and human_labels: give only one of them.")
        noise.read_matrix(config.noise_matrix)  # Bad file or matrix: ValueError.
    noise.check_noise_type(config.noise_type, config.dataset)  # No published map: names --noise_matrix.
    for label_set in config.human_labels:
        noise.human_condition(config.dataset, label_set)
    for ratio in config.imbalance:
        imbalance.check(ratio, config.imbalance_profile)
    for weighting in config.class_weighting:
        loss_config.check_weighting(weighting)
    for name in ("epochs", "batch_size"):
        if int(getattr(config, name)) < 1:
            raise ValueError(f"{name} must be >= 1, got {getattr(config, name)}.")
    if not float(config.learning_rate) > 0:
        raise ValueError(f"learning_rate must be > 0, got {config.learning_rate}.")
    training.make_optimizer(config.optimizer, float(config.learning_rate))  # Unknown optimizer: ValueError.
    experiment.engine_for(config.engine, "mlp")  # Unknown engine: ValueError.
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


def compare_losses(
    model,
    data,
    *,
    losses="default",
    seeds: Sequence[int] = (0, 1, 2),
    label_noise: Sequence[float] = (0.0,),
    input_noise: Sequence[float] = (0.0,),
    noise_type: str = "symmetric",
    cross_noise: bool = True,
    depths: Sequence[int] | None = None,
    width: int | None = None,
    head: str = "linear",
    epochs: int = 25,
    batch_size: int = 64,
    optimizer: str = "adam",
    learning_rate: float = 1e-3,
    validation_split: float = 0.2,
    out: str | None = None,
    engine: str = "auto",
    reference: str = "log_loss",
    data_dir: str | None = None,
    label_column: str | int | None = None,
    image_size=None,
    noise_matrix: str | None = None,
    human_labels: Sequence[str] = (),
    noisy_validation: bool = False,
    imbalance: Sequence[float] = (1.0,),
    imbalance_profile: str = "exponential",
    class_weighting: Sequence[str] = ("none",),
    max_members: int = 0,
    jit_compile: bool = False,
    tensorboard: bool = False,
    progress: bool = True,
) -> "Comparison":
    """Trains every loss on `model` and `data` (paired by seed) and returns the `Comparison`.

    Args:
        model: a zoo model name (`zoo.names()`, `zoo.models.register`), a builder
            `build(input_shape, num_classes[, depth=, width=]) -> keras.Model` (uncompiled, logits or
            softmax out: see `zoo.models.user_models`), a `keras.Model` (cloned per seed), or a list of these.
        data: a dataset name, a `zoo.datasets.Data`, `(x, y)` numpy arrays (a fixed stratified test
            split is held out) or `((x_train, y_train), (x_test, y_test))`.
        losses: loss names or groups (`default`, `canonical`, `keras`, `all`), a list or a comma string.
        seeds, label_noise, input_noise, noise_type, cross_noise: the grid (as `python -m zoo.compare`).
        noise_matrix, human_labels, noisy_validation: the other label noise kinds (`zoo.data.noise`).
        imbalance, imbalance_profile, class_weighting: long-tailed training data (ratios, a grid axis;
            `zoo.data.imbalance`) and class weights from each run's training counts (`none`, `inverse`,
            `effective`; `zoo.sweeps.loss_config`); the prior-aware losses get the counts themselves.
        label_column, image_size: for `csv:` and `dir:` data.
        depths, width: swept for the zoo's families (default depths 1, 2, 3) and for builders that take
            `depth=` / `width=`; giving them to a model that does not is a one-line ValueError.
        head: the families' last layer, "linear" (Dense) or "cosine" (`zoo.models.layers.CosineLogits`,
            cosines in [−1, 1]: LDAM's setting, for its default scale s = 30); the zoo's families only.
        epochs, batch_size, optimizer, learning_rate, validation_split: training.
        out: a folder where records are written as each run ends (a rerun resumes); None: a temporary
            folder, removed at the end (nothing left on disk).
        engine: `auto`, `vectorized`, `fused` or `separate` (`zoo.sweeps.experiment`).
        reference: the loss the paired tables and `best()` compare with.
        tensorboard, progress: also write TensorBoard logs to `out/tb`; show a progress bar.

    Raises ValueError (one line) for bad input, before anything trains; `zoo.sweeps.lock.LockedError`
    when another sweep writes to `out`.
    """
    plan = prepare(
        model,
        data,
        losses=losses,
        seeds=seeds,
        label_noise=label_noise,
        input_noise=input_noise,
        noise_type=noise_type,
        cross_noise=cross_noise,
        depths=depths,
        width=width,
        head=head,
        epochs=epochs,
        batch_size=batch_size,
        optimizer=optimizer,
        learning_rate=learning_rate,
        validation_split=validation_split,
        engine=engine,
        reference=reference,
        data_dir=data_dir,
        label_column=label_column,
        image_size=image_size,
        noise_matrix=noise_matrix,
        human_labels=human_labels,
        noisy_validation=noisy_validation,
        imbalance=imbalance,
        imbalance_profile=imbalance_profile,
        class_weighting=class_weighting,
        max_members=max_members,
        jit_compile=jit_compile,
    )
    return plan.run(out, tensorboard=tensorboard, progress=progress)


@dataclasses.dataclass(frozen=True)
class Plan:
    """A checked comparison, ready to train: the config, its settings, the user models, data and engines."""

    config: sweep.SweepConfig
    settings: tuple
    models: dict
    data: object
    engines: dict
    reference: str

    @property
    def runs(self) -> int:
        return len(self.settings) * len(self.config.losses)

    def run(self, out: str | None = None, tensorboard: bool = False, progress: bool = True) -> "Comparison":
        """Trains the pending runs into `out` (None: a temporary folder, removed) and returns the `Comparison`."""
        if out is None:
            with tempfile.TemporaryDirectory(prefix="compare_losses-") as folder:
                return self._train(folder, False, progress, keep=False)
        return self._train(out, tensorboard, progress, keep=True)

    def _train(self, out_dir: str, tensorboard: bool, progress: bool, keep: bool) -> "Comparison":
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
        records = [record for record in results.read_all(out_dir) if record["key"] in keys]
        return Comparison(records, self.reference, out_dir if keep else None)


def prepare(
    model,
    data,
    *,
    losses="default",
    seeds=(0, 1, 2),
    label_noise=(0.0,),
    input_noise=(0.0,),
    noise_type="symmetric",
    cross_noise=True,
    depths=None,
    width=None,
    head="linear",
    epochs=25,
    batch_size=64,
    optimizer="adam",
    learning_rate=1e-3,
    validation_split=0.2,
    engine="auto",
    reference="log_loss",
    data_dir=None,
    label_column=None,
    image_size=None,
    noise_matrix=None,
    human_labels=(),
    noisy_validation=False,
    imbalance=(1.0,),
    imbalance_profile="exponential",
    class_weighting=("none",),
    max_members=0,
    jit_compile=False,
) -> Plan:
    """Checks everything `compare_losses` is given (one-line ValueError) and returns its `Plan`; trains nothing.

    Loads the data once, builds every model at every depth on its shape, and tries the
    vectorized engine on one batch for the users' models.
    """
    from zoo import models

    if isinstance(losses, str):
        losses = [item.strip() for item in losses.split(",") if item.strip()]
    config = sweep.SweepConfig(
        dataset=data if isinstance(data, str) else "data",
        losses=sweep.resolve_losses(losses),
        seeds=tuple(dict.fromkeys(int(s) for s in _as_tuple(seeds))),
        label_noise=tuple(dict.fromkeys(float(r) for r in _as_tuple(label_noise))),
        input_noise=tuple(dict.fromkeys(float(s) for s in _as_tuple(input_noise))),
        noise_type=noise_type,
        cross_noise=bool(cross_noise),
        depths=DEFAULT_DEPTHS if depths is None else tuple(dict.fromkeys(_as_tuple(depths))),
        width=width,
        head=head,
        epochs=int(epochs),
        batch_size=int(batch_size),
        optimizer=optimizer,
        learning_rate=float(learning_rate),
        validation_split=float(validation_split),
        data_dir=os.path.expanduser(data_dir) if data_dir else None,
        label_column=label_column,
        image_size=image_size,
        noise_matrix=os.path.expanduser(noise_matrix) if noise_matrix else None,
        human_labels=tuple(dict.fromkeys(_as_tuple(human_labels))) if human_labels else (),
        noisy_validation=bool(noisy_validation),
        imbalance=tuple(dict.fromkeys(float(r) for r in _as_tuple(imbalance))),
        imbalance_profile=imbalance_profile,
        class_weighting=tuple(dict.fromkeys(_as_tuple(class_weighting))),
        engine=engine,
        max_members=int(max_members),
        jit_compile=bool(jit_compile),
    )
    check_config(config)
    builders = _resolve_models(model)
    per_model = {label: _depths_for(label, builder, depths, width, head) for label, builder in builders.items()}
    loaded, name = load_data(data, config)
    config = dataclasses.replace(config, dataset=name, models=tuple(builders))
    engines = {}
    for label, builder in builders.items():
        for depth in per_model[label]:  # Every model at every depth builds (and has one output per class).
            options = models.options(label, depth, width, head)
            models.build(builder or label, input_shape=loaded.input_shape, num_classes=loaded.num_classes, **options)
        user = builder is not None or label in models.USER_MODELS
        if user and engine in ("auto", "vectorized"):  # `auto`: vectorized for users' models when it runs.
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
        reference,
    )


@dataclasses.dataclass(frozen=True)
class Best:
    """The best loss of one (model, depth, condition) by mean final test accuracy, against the reference."""

    model: str
    depth: int | None
    condition: str
    loss: str
    test_accuracy: float
    reference: str
    difference: object  # `zoo.report.paired.Difference` to the reference, None when it is the reference.

    def __str__(self) -> str:
        depth = "" if self.depth is None else f" d{self.depth}"
        versus = (
            "(the reference)"
            if self.difference is None
            else f"{self.difference.text()} vs {self.reference}: {self.difference.verdict}"
        )
        return f"{self.model}{depth}, {self.condition}: {self.loss} {self.test_accuracy:.3f} {versus}"


class Comparison:
    """The records of a `compare_losses` sweep, and its tables, plots and report.

    `records` are the records of `results.jsonl`, one per run; `out` is where they are stored
    (None when `compare_losses` ran with `out=None`).
    """

    def __init__(self, records: Sequence[dict], reference: str = "log_loss", out: str | None = None):
        self.records, self.reference, self.out = list(records), reference, out

    def _reportable(self):
        from zoo.report import statistics

        return statistics.reportable(self.records)

    def summary(self) -> str:
        """The terminal summary table (as `python -m zoo.compare` prints)."""
        from zoo.report import tables

        return tables.summary_text(self.records, self.reference)

    def paired(self, reference: str | None = None) -> str:
        """The Markdown tables of each loss's paired test-accuracy difference to `reference`."""
        from zoo.report import statistics, tables

        records = self._reportable()
        return "\n".join(tables.paired_tables(records, statistics.loss_order(records), reference or self.reference))

    def best(self) -> list[Best]:
        """Per model, depth and noise condition: the loss with the best mean test accuracy, paired to the reference."""
        import numpy as np

        from zoo.report import paired, statistics, tables

        records = self._reportable()
        found = []
        for model_depth in statistics.model_depths(records):
            subset = [r for r in records if statistics.model_depth(r) == model_depth]
            values = statistics.per_seed(subset, statistics.condition, statistics.final_accuracy)
            for condition in statistics.noise_conditions(subset):
                column = {loss: v for (c, loss), v in values.items() if c == condition}
                if not column:
                    continue
                loss = max(column, key=lambda name: float(np.mean(list(column[name].values()))))
                reference = column.get(self.reference)
                difference = None
                if loss != self.reference and reference:
                    difference = paired.difference(column[loss], reference)
                found.append(
                    Best(
                        *model_depth,
                        tables.noise_label(*condition),
                        loss,
                        float(np.mean(list(column[loss].values()))),
                        self.reference,
                        difference,
                    )
                )
        return found

    def report(self, out_dir: str) -> str:
        """Writes `out_dir/report.md` and its PNG plots (as `python -m zoo.report`); returns the report's path.

        The records are added to `out_dir/results.jsonl` first when they are not there yet.
        """
        from zoo import report

        have = results.done_keys(out_dir)
        missing = [record for record in self.records if record["key"] not in have]
        if missing:
            results.append(results.path_in(out_dir), missing)
        return report.render(out_dir, self.reference)

    def plots(self) -> dict:
        """The report's plots as matplotlib figures, `{title: figure}`."""
        import matplotlib.pyplot as plt

        from zoo.report import plots

        figures = {}
        with tempfile.TemporaryDirectory(prefix="comparison-plots-") as folder:
            for title, name in plots.render_plots(self._reportable(), folder, "", self.reference):
                image = plt.imread(os.path.join(folder, name))
                figure = plt.figure(figsize=(image.shape[1] / 90, image.shape[0] / 90), dpi=90)
                # On axes (not `figimage`): a notebook's inline backend draws no figure without axes.
                axes = figure.add_axes((0, 0, 1, 1))
                axes.imshow(image)
                axes.set_axis_off()
                figures[title] = figure
        return figures

    def to_frame(self):
        """The records as a pandas DataFrame, one row per run (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Comparison.to_frame needs pandas, not installed: pip install pandas") from None
        return pandas.DataFrame.from_records(self.records)

    def _repr_markdown_(self) -> str:
        from zoo.report import statistics, tables

        records = self._reportable()
        lines = []
        for key, study in sorted(statistics.studies(records).items()):
            lines += tables.study_section(key, study, self.reference)
        return "\n".join(lines) or "No finished runs."

    def __repr__(self) -> str:
        return f"Comparison({len(self.records)} runs, reference={self.reference!r}, out={self.out!r})"
