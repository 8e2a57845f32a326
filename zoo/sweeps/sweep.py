"""The sweep's definition: what to compare, the grid of settings, run keys.

A *setting* is everything a training run depends on except the loss (dataset,
model, depth, width, seed, noise, training hyperparameters); a *run* is a
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
    "label_noise",
    "noise_type",
    "input_noise",
    "seed",
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
    "imbalance",
    "imbalance_profile",
    "class_weighting",
)
# Fields added after 0.1.0: left out of run keys at their default (None), so older keys stay valid.
OPTIONAL_FIELDS = ("width", "imbalance", "imbalance_profile", "class_weighting")


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
    test split is only reported, never used for a choice.

    `imbalance` ratios (1: the data as loaded) make the training data long-tailed
    with `imbalance_profile` (`zoo.data.imbalance`); `class_weighting` (none,
    inverse, effective) weights each run's loss by its training counts
    (`zoo.sweeps.loss_config`). Both are grid axes.
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
    label_column: str | None = None  # csv: datasets.
    image_size: str | None = None  # dir: datasets, "HEIGHT,WIDTH".
    engine: str = "auto"
    max_members: int = 0
    jit_compile: bool = False
    imbalance: tuple[float, ...] = (1.0,)
    imbalance_profile: str = "exponential"
    class_weighting: tuple[str, ...] = ("none",)

    def data_options(self) -> dict:
        """The options of `zoo.datasets.load` that come from the config, not the setting."""
        return {"data_dir": self.data_dir, "label_column": self.label_column, "image_size": self.image_size}


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
    width: int | None = None  # With defaults: added in 0.2.0 ...
    imbalance: float | None = None  # ... and 0.3.0; None: balanced, no weighting.
    imbalance_profile: str | None = None
    class_weighting: str | None = None

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
            imbalance=None if ratio == 1 else ratio,
            imbalance_profile=None if ratio == 1 else config.imbalance_profile,
            class_weighting=None if weighting == "none" else weighting,
        )
        for model in config.models
        for depth in config.depths
        for ratio in config.imbalance
        for weighting in config.class_weighting
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
