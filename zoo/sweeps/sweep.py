"""The sweep's definition: what to compare, the grid of settings, run keys.

A *setting* is everything a training run depends on except the loss (dataset,
model, depth, width, head, seed, noise, training hyperparameters); a *run* is a
setting plus a loss, named by its `run_key`. `SweepConfig` says what to
compare and `grid` expands it into settings; `resolve_losses` turns loss names
and group words into the losses. Pure data, no training: the records of runs
are made in `zoo.sweeps.run_records`, and the runs are trained by `zoo.sweeps.experiment.Runner`.

>>> config = SweepConfig(losses=("log_loss", "l2"), depths=(1, 2), seeds=(0,), label_noise=(0.0, 0.4))
>>> [(s.depth, s.label_noise) for s in grid(config)]
[(1, 0.0), (1, 0.4), (2, 0.0), (2, 0.4)]
>>> run_key(grid(config)[0], "l2")
'dataset=digits/model=mlp/depth=1/label_noise=0/noise_type=symmetric/input_noise=0/seed=0/epochs=25/batch_size=64/optimizer=adam/learning_rate=0.001/loss=l2'
>>> noise_conditions(SweepConfig(label_noise=(0.0, 0.2), input_noise=(0.0, 1.0), cross_noise=False))
[(0.0, 0.0), (0.2, 0.0), (0.0, 1.0)]
"""

import dataclasses
from collections.abc import Sequence

# The result record fields that identify a setting (in key order), then the loss.
SETTING_FIELDS = (
    "dataset",
    "model",
    "depth",
    "width",
    "head",
    "label_noise",
    "noise_type",
    "input_noise",
    "noisy_validation",
    "seed",
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
    "imbalance",
    "imbalance_profile",
    "class_weighting",
    "task",
    "ignore_class",
    "correction",
    "bias_init",
)
# Fields added after 0.1.0 and their defaults: left out of run keys at their default (or None, in a record
# that predates them), so older keys stay valid. depth: None for a user's builder without one.
OPTIONAL_DEFAULTS = {
    "width": None,
    "head": None,
    "noisy_validation": False,
    "depth": None,
    "imbalance": None,
    "imbalance_profile": None,
    "class_weighting": None,
    "task": "single_label",  # Records from before tasks read as single-label.
    "ignore_class": None,
    "correction": None,
    "bias_init": None,
}
OPTIONAL_FIELDS = tuple(OPTIONAL_DEFAULTS)


@dataclasses.dataclass(frozen=True)
class SweepConfig:
    """What to compare: the grid is the product of the tuple fields.

    `engine`, `max_members` and `jit_compile` (XLA for the training step)
    choose how runs are trained (see `zoo.sweeps.experiment.Runner`); they change no result beyond
    float rounding and are not part of run keys.

    With `cross_noise=False` label noise and input noise vary one at a time
    (every label noise rate without input noise, every input sigma without
    label noise) instead of in every combination.

    `validation_split` holds out part of the training split for the
    validation accuracy (reported per epoch, used for learning speed); the
    test split is only reported, never used for a choice. With
    `noisy_validation` the validation labels get the training noise too.

    Label noise conditions (`label_conditions`): the `label_noise` rates of
    `noise_type` ("symmetric", "pair", "asymmetric"), then one per
    `human_labels` set (`cifar10_n` / `cifar100_n`); with `noise_matrix` (a
    file, `zoo.data.noise.read_matrix`) the clean run and that matrix instead.

    `imbalance` ratios (1: the data as loaded) make the training data long-tailed
    with `imbalance_profile` (`zoo.data.imbalance`); `class_weighting` (none,
    inverse, effective, drw:EPOCH) weights each run's loss by its training counts
    (`zoo.sweeps.loss_config`). Both are grid axes. `correction` is the transition matrix the
    loss corrections get ("true": the one the noise was drawn from; "estimated": counted on a
    clean-labelled subset); `bias_init="prior"` starts the last layer's bias at the log priors of
    the training counts (`zoo.engines.vectorized`). Both are part of the run keys when not the default.

    `head` is the zoo families' last layer, one value for the sweep like `width`:
    "linear" (Dense) or "cosine" (`zoo.models.layers.CosineLogits`, LDAM's setting).

    `losses` are loss names or group words (`resolve_losses`; `prepare` resolves them);
    `reference` is the loss the report pairs every other loss with (not part of run keys).

    `task` is what is classified (`zoo.common.tasks`: `single_label`, `multi_label`, `dense`; None:
    inferred from the data), `ignore_class` the void label of dense masks; both are in run keys when
    not single-label. `metric` is the report's headline record field (not part of run keys).

    The one place of the comparison's options and their defaults: `zoo.compare_losses` and
    `zoo.sweeps.plan.prepare` take every field but `dataset` and `models` (`OPTIONS`) as a
    keyword with this default (except `plan.API_DEFAULTS`), and `python -m zoo.compare`'s flags
    default to them (except `zoo.compare.COMMAND_DEFAULTS`).
    """

    dataset: str = "digits"
    losses: tuple[str, ...] = ("default",)
    models: tuple[str, ...] = ("mlp",)
    depths: tuple[int, ...] = (1, 2, 3)
    width: int | None = None
    head: str = "linear"
    seeds: tuple[int, ...] = (0, 1, 2)
    label_noise: tuple[float, ...] = (0.0,)
    noise_type: str = "symmetric"
    input_noise: tuple[float, ...] = (0.0,)
    cross_noise: bool = True
    epochs: int = 25
    batch_size: int = 64
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    validation_split: float = 0.2
    data_dir: str | None = None
    label_column: str | None = None  # csv: datasets.
    image_size: str | None = None  # dir: datasets, "HEIGHT,WIDTH".
    engine: str = "auto"
    max_members: int = 0
    jit_compile: bool = False
    imbalance: tuple[float, ...] = (1.0,)
    imbalance_profile: str = "exponential"
    class_weighting: tuple[str, ...] = ("none",)
    correction: str = "true"
    bias_init: str = "zeros"
    noise_matrix: str | None = None
    human_labels: tuple[str, ...] = ()
    noisy_validation: bool = False
    reference: str = "log_loss"
    task: str | None = None  # "single_label", "multi_label", "dense" (`zoo.common.tasks`); None: from the data.
    ignore_class: int | None = None  # Dense labels: the void label (e.g. 255), counted nowhere.
    metric: str | None = None  # The report's headline field; None: `task_metrics.HEADLINE_METRIC[task]`.

    def data_options(self) -> dict:
        """The options of `zoo.datasets.load` that come from the config, not the setting."""
        return {"data_dir": self.data_dir, "label_column": self.label_column, "image_size": self.image_size}


# The comparison's options: every `SweepConfig` field but what the data and the model give.
OPTIONS = tuple(field.name for field in dataclasses.fields(SweepConfig) if field.name not in ("dataset", "models"))


def defaults() -> dict:
    """`{field: default}` of `SweepConfig`."""
    return {field.name: field.default for field in dataclasses.fields(SweepConfig)}


@dataclasses.dataclass(frozen=True)
class Setting:
    """One cell of the grid: everything a run depends on except the loss."""

    dataset: str
    model: str
    depth: int | None
    label_noise: float
    noise_type: str
    input_noise: float
    seed: int
    epochs: int
    batch_size: int
    optimizer: str
    learning_rate: float
    width: int | None = None  # Last, with a default: added in 0.2.0.
    noisy_validation: bool = False  # Validation labels as noisy as training ones (added with issue 19).
    imbalance: float | None = None  # Long-tailed training data (issue 18); None: as loaded ...
    imbalance_profile: str | None = None
    class_weighting: str | None = None  # ... and no class weights.
    head: str | None = None  # The families' last layer; None: "linear" (Dense), as before heads existed.
    task: str = "single_label"  # What is classified (`zoo.common.tasks`); issue 28.
    ignore_class: int | None = None  # Dense masks' void label.
    correction: str | None = None  # "estimated" transition matrix; None: the true one (issue 26) ...
    bias_init: str | None = None  # ... and "prior" last-layer bias; None: zeros.

    def fields(self) -> dict:
        """The setting as a dict, in `SETTING_FIELDS` order."""
        return {name: getattr(self, name) for name in SETTING_FIELDS}


# The default losses of a dense comparison: cross-entropy, the region losses of segmentation (Tanimoto,
# Cauchy-Schwarz) and the common alternatives; every loss serves dense outputs (`LossInfo.tasks`).
DENSE_DEFAULT = ("log_loss", "focal", "tanimoto", "cauchy_schwarz", "l2", "logistic", "poly1", "gce", "sce")


# The `SweepConfig` defaults of a task's comparison where they differ from the class's, for the flags that
# `python -m zoo.compare` is not given (`zoo.compare.flag_values`; the task's offline dataset is
# `zoo.common.tasks.TASK_DEFAULTS`). A dense comparison trains 9 U-Nets per setting on the fused engine:
# `SweepConfig`'s depths 1-3, width 16 and 25 epochs on 32x32 shapes took about 2 hours on 2 CPU cores
# (1.3-1.6 s per run-epoch at depth 1, twice that at depth 2); depth 1, width 8 and 8 epochs on the 16x16
# `shapes` take about as long as `make demo`.
TASK_SWEEP_DEFAULTS = {"dense": {"models": ("unet",), "depths": (1,), "width": 8, "epochs": 8}}


# The demo's losses (`python -m zoo.compare` without flags): the 19 canonical losses of 0.2.0 that need no
# configuration, and Keras's cross-entropy. Fixed, so that new losses do not lengthen the demo.
DEMO_LOSSES = (
    "l1", "l2", "expectation", "regularized_expectation", "chebyshev", "ovr_hinge", "ovr_squared_hinge",
    "ovr_cubed_hinge", "log_loss", "squared_log", "tanimoto", "cauchy_schwarz", "logistic", "logistic_inr",
    "focal", "poly1", "gce", "sce", "nce_rce", "categorical_crossentropy",
)  # fmt: skip


# The losses for noisy labels besides the loss corrections (keras_losses' active-passive, active-negative,
# asymmetric, Jensen-Shannon, tempered, bootstrap and Taylor families), in docs/losses/ order.
NOISE_ROBUST = (
    "gce", "sce", "nce_rce", "nfl", "ngce", "nmae", "nce_mae", "nfl_rce", "nfl_mae", "ngce_rce", "ngce_mae",
    "anl_ce", "anl_fl", "agce", "aul", "ael", "js", "bi_tempered", "bootstrap_soft", "bootstrap_hard", "taylor_ce",
)  # fmt: skip


def loss_groups(task: str | None = None) -> dict[str, list[str]]:
    """Shorthands for lists of losses: default (the demo's 20), canonical, keras, all, noise_robust, long_tail.

    `default` is `DEMO_LOSSES`; `noise_robust` the losses for noisy labels (`NOISE_ROBUST`) with
    log loss and the loss corrections (which the sweep gives its transition matrix, `--correction`);
    `long_tail` the imbalance study's set, with every loss that takes the class counts.
    For `task="multi_label"` `default`, `canonical` and `all` are the multi-label losses
    (`keras_losses.names(task="multi_label")`); for `task="dense"` `default` is `DENSE_DEFAULT` and `all`
    the losses that serve it (`keras_losses.names(task="dense")`).
    """
    import keras_losses

    needs = {name: keras_losses.describe(name)["needs"] for name in keras_losses.names()}
    prior_aware = [name for name in keras_losses.names() if "class_counts" in needs[name]]
    corrections = [name for name in keras_losses.names() if "transition_matrix" in needs[name]]
    groups = {
        "default": list(DEMO_LOSSES),
        "canonical": keras_losses.names(),
        "keras": keras_losses.keras_names(),
        "all": keras_losses.all_names(),
        "noise_robust": ["log_loss", *NOISE_ROBUST, *corrections],
        "long_tail": ["log_loss", "focal", *prior_aware, "logistic", "logistic_inr"],
    }
    if task == "multi_label":
        tagging = keras_losses.names(task="multi_label")
        groups.update(default=tagging, canonical=tagging, all=tagging)
    elif task == "dense":  # `all`: the losses that serve per-position outputs (not Keras's own classes).
        groups.update(default=list(DENSE_DEFAULT), all=keras_losses.names(task="dense"))
    return groups


def resolve_losses(items: Sequence[str], task: str | None = None) -> tuple[str, ...]:
    """Loss names and group words (`loss_groups(task)`) -> distinct loss names, in order.

    Raises keras_losses' ValueError, which names close matches, for an unknown name, and a
    one-line ValueError for a loss that does not serve `task` (`keras_losses.names(task=...)`).
    """
    import keras_losses

    groups, losses = loss_groups(task), []
    for item in items:
        if item in groups:
            losses.extend(groups[item])
            continue
        name = keras_losses.ALIASES.get(item, item)
        if name not in keras_losses.all_names():
            keras_losses.get(name)  # Raises the registry's error, with close matches.
        losses.append(name)
    if task not in (None, "single_label"):
        serving = keras_losses.names(task=task)
        wrong = [name for name in losses if name not in serving]
        if wrong:
            raise ValueError(
                f"Loss(es) {', '.join(wrong)} do not serve the {task} task; its losses: {', '.join(serving)}."
            )
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
            noise_type,
            input_noise,
            seed,
            config.epochs,
            config.batch_size,
            config.optimizer,
            config.learning_rate,
            width=config.width,
            noisy_validation=config.noisy_validation,
            imbalance=None if ratio == 1 else ratio,
            imbalance_profile=None if ratio == 1 else config.imbalance_profile,
            class_weighting=None if weighting == "none" else weighting,
            head=None if config.head == "linear" else config.head,
            task=config.task or "single_label",
            ignore_class=config.ignore_class,
            correction=None if config.correction == "true" else config.correction,
            bias_init=None if config.bias_init == "zeros" else config.bias_init,
        )
        for model in config.models
        for depth in config.depths
        for ratio in config.imbalance
        for weighting in config.class_weighting
        for label_noise, noise_type, input_noise in conditions(config)
        for seed in config.seeds
    ]


def label_conditions(config: SweepConfig) -> list[tuple[float, str]]:
    """The `(label_noise, noise_type)` pairs of the grid (see `SweepConfig`)."""
    from zoo.data import noise

    if config.noise_matrix:
        return [(0.0, _clean_type(config)), noise.matrix_condition(noise.read_matrix(config.noise_matrix))]
    human = [noise.human_condition(config.dataset, label_set) for label_set in config.human_labels]
    return [(rate, config.noise_type if rate else _clean_type(config)) for rate in config.label_noise] + human


def _clean_type(config: SweepConfig) -> str:
    """The noise type of the clean runs: rate 0 of the newer kinds is the plain clean run, shared with
    symmetric sweeps in one results folder (older pair sweeps keep their own clean key)."""
    from zoo.data import noise

    return config.noise_type if config.noise_type in noise.KINDS else "symmetric"


def conditions(config: SweepConfig) -> list[tuple[float, str, float]]:
    """The `(label_noise, noise_type, input_noise)` noise conditions of the grid (see `SweepConfig.cross_noise`)."""
    labels = label_conditions(config)
    if config.cross_noise:
        return [(rate, kind, sigma) for rate, kind in labels for sigma in config.input_noise]
    clean = (0.0, _clean_type(config))
    triples = [(*label, 0.0) for label in labels] + [(*clean, sigma) for sigma in config.input_noise]
    return list(dict.fromkeys(triples))  # Unique, in order.


def noise_conditions(config: SweepConfig) -> list[tuple[float, float]]:
    """The `(label_noise, input_noise)` pairs of the grid (see `SweepConfig.cross_noise`)."""
    return [(rate, sigma) for rate, _, sigma in conditions(config)]


def noise_options(config: SweepConfig, setting: Setting) -> dict:
    """The `zoo.data.datasets.load` options of a setting's noise beyond its rate and type."""
    from zoo.data import noise

    matrix = setting.noise_type.startswith(noise.MATRIX_PREFIX) and config.noise_matrix
    return {
        "noise_matrix": noise.read_matrix(config.noise_matrix) if matrix else None,
        "noisy_validation": setting.noisy_validation,
    }


def _format(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def run_key(setting, loss: str) -> str:
    """The stable identifier of a run: `field=value/...` over the setting fields and the loss.

    `setting` is a `Setting` or a record (a dict with those fields).
    """
    fields = setting.fields() if isinstance(setting, Setting) else {f: setting.get(f) for f in SETTING_FIELDS}
    fields = {k: v for k, v in fields.items() if not (k in OPTIONAL_DEFAULTS and v in (None, OPTIONAL_DEFAULTS[k]))}
    return "/".join(f"{name}={_format(value)}" for name, value in {**fields, "loss": loss}.items())
