"""Compare classification losses on a dataset and models, clean and under noise.

    python -m zoo.compare                       # the demo: digits, 20 losses, MLP depths 1-3, 3 seeds
    python -m zoo.compare --losses=log_loss,ovr_squared_hinge,tanimoto --depths=2 --seeds=0
    python -m zoo.compare --preset=janocha2017 --dataset=mnist --data_dir=~/tensorflow_datasets
    python -m zoo.report runs/compare           # re-render the report without training

    python -m zoo.compare --model=my_models.py:build --dataset=npz:mine.npz --losses=log_loss,focal
    python -m zoo.compare --task=multi_label     # multi-label digits, the multi-label losses, mean AP
    python -m zoo.compare --task=dense --ignore_class=255   # synthetic shapes with void outlines, U-Net, mean IoU

The command is a thin caller of `zoo.compare_losses` (`zoo.comparison`; `zoo.sweeps.plan` checks and trains):
--model takes your own builder, `build(input_shape, num_classes[, depth=, width=])`.
Every (loss, model, depth, seed, label noise, input noise) run appends one
JSON record to OUT/results.jsonl when it finishes; a rerun with the same
--out skips finished runs. Every run of one model and depth trains at once
as one stacked network (`zoo.engines.vectorized`; `--engine` chooses another
way). The report (OUT/report.md and PNG plots) is
rendered from the records. With --oracle_ip/--oracle_port/--tuner_id the
sweep runs through keras-tuner's distributed mode (`zoo.sweeps.distributed`).
"""

import dataclasses
import os
import re
import sys
from collections.abc import Sequence

from absl import app, flags

from zoo.common import cli, tasks
from zoo.sweeps import plan as sweep_plan
from zoo.sweeps import presets, sweep

FLAGS = flags.FlagValues()  # private: see zoo/cli.py

# Where the command deliberately defaults otherwise than `zoo.compare_losses` (`sweep.SweepConfig`,
# and `Plan.run` for `out`): the demo adds the 40 % label noise condition to the clean one, and
# writes its records to a folder that stays.
COMMAND_DEFAULTS = {"label_noise": "0,0.4", "out": "runs/compare"}


def flag_text(value):
    """A `SweepConfig` default as its flag's default: a tuple as a comma-separated string, e.g. "1,2,3"."""
    if isinstance(value, tuple):
        return ",".join(f"{item:g}" if isinstance(item, float) else str(item) for item in value)
    return value


def default(name: str):
    """The default of flag `--name`: `COMMAND_DEFAULTS`, else its `SweepConfig` field's."""
    return COMMAND_DEFAULTS[name] if name in COMMAND_DEFAULTS else flag_text(sweep.defaults()[name])


flags.DEFINE_string(
    "dataset",
    default("dataset"),
    "Dataset name (zoo.datasets: digits, moons, circles, spirals, blobs, "
    "mnist, cifar10, ..., tfds:NAME, npz:PATH, csv:PATH, dir:PATH; multi-label multi_label_digits, dense shapes "
    "and masks:PATH). Default digits, bundled, offline (mnist with --preset=janocha2017; with --task=multi_label "
    "multi_label_digits, with --task=dense shapes).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "losses",
    default("losses"),
    "Comma-separated loss names, or groups: 'default' (the demo's 20: the 0.2.0 losses that need no "
    "configuration, and categorical_crossentropy), 'canonical' (every keras_losses loss), 'keras' (Keras's "
    "classification losses), 'all' (both), 'noise_robust' (log_loss, the losses for noisy labels and the "
    "loss corrections), 'long_tail' (log_loss, focal, the losses taking class counts, logistic, "
    "logistic_inr).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "models",
    default("models"),
    "Comma-separated zoo model names (mlp, cnn, resnet, or zoo.models.register'ed).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "model",
    None,
    "Your own model builder, package.module:function or path/to/file.py:function, called as "
    "build(input_shape, num_classes[, depth=, width=]) -> keras.Model (instead of --models).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "depths",
    default("depths"),
    "Comma-separated model depths (resnet: 6n+2); with --model, only for a builder taking depth= (default: none).",
    flag_values=FLAGS,
)
flags.DEFINE_integer(
    "width",
    default("width"),
    "Model width: MLP units, CNN filters (of the first block), ResNet width, or a --model builder's width=; "
    "default: each family's own (mlp 128, cnn 32, resnet 16).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "head",
    default("head"),
    "The zoo families' last layer: linear (Dense) or cosine (cosine-normalised logits in [-1, 1], "
    "zoo.models.layers.CosineLogits): LDAM's cosine setting, for its default scale s=30 (Cao et al. 2019).",
    flag_values=FLAGS,
)
flags.DEFINE_integer(
    "epochs",
    default("epochs"),
    "Training epochs per run (the demo default fits 5 minutes on 2 cores).",
    flag_values=FLAGS,
)
flags.DEFINE_integer("batch_size", default("batch_size"), "Training batch size.", flag_values=FLAGS)
flags.DEFINE_float("learning_rate", default("learning_rate"), "Learning rate.", flag_values=FLAGS)
flags.DEFINE_string(
    "optimizer", default("optimizer"), "Keras optimizer name (adam, sgd, rmsprop, adamw, ...).", flag_values=FLAGS
)
flags.DEFINE_string(
    "seeds",
    default("seeds"),
    "Comma-separated seeds (initial weights, batch order, validation split, "
    "noise); results are reported as mean ± std over them.",
    flag_values=FLAGS,
)
cli.define_data_condition_flags(FLAGS, axes=True, defaults={name: default(name) for name in cli.DATA_CONDITION_FLAGS})
flags.DEFINE_string(
    "class_weighting",
    default("class_weighting"),
    "Comma-separated class weightings of the loss, a grid axis: none, inverse (1/n_j), effective "
    "(Cui et al. 2019, beta 0.9999), drw:EPOCH (deferred re-weighting, Cao et al. 2019: none for EPOCH "
    "epochs, effective after); from each run's training labels.",
    flag_values=FLAGS,
)
flags.DEFINE_enum(
    "correction",
    default("correction"),
    ["true", "estimated"],
    "The transition matrix of forward_corrected / backward_corrected: true (the one the label noise was "
    "drawn from) or estimated (counted on a clean-labelled 2 % of the training examples).",
    flag_values=FLAGS,
)
flags.DEFINE_enum(
    "bias_init",
    default("bias_init"),
    ["zeros", "prior"],
    "The last layer's initial bias: zeros, or prior (the log priors of the training counts).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "input_noise",
    default("input_noise"),
    "Comma-separated sigmas of Gaussian noise added to the standardised training inputs.",
    flag_values=FLAGS,
)
flags.DEFINE_boolean(
    "cross_noise",
    default("cross_noise"),
    "Run every combination of label noise and input noise; with --nocross_noise vary them one at a time.",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "out", COMMAND_DEFAULTS["out"], "Output directory: results*.jsonl, report.md, PNG plots.", flag_values=FLAGS
)
flags.DEFINE_string(
    "reference",
    default("reference"),
    "The loss the report compares every other loss with (paired by seed).",
    flag_values=FLAGS,
)
flags.DEFINE_boolean(
    "tensorboard",
    False,
    "Also write every finished run to OUT/tb for `tensorboard --logdir OUT/tb` (scalars per epoch, HParams).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "preset", "", f"A named grid ({', '.join(presets.names())}); explicit flags override it.", flag_values=FLAGS
)
flags.DEFINE_string(
    "data_dir", default("data_dir"), "TFDS data directory (default ~/tensorflow_datasets).", flag_values=FLAGS
)
flags.DEFINE_string(
    "label_column",
    default("label_column"),
    "csv: datasets: the label column's header name or index (default: the last column).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "image_size",
    default("image_size"),
    "dir: datasets: images are resized to HEIGHT,WIDTH, e.g. 32,32 (default: the first image's).",
    flag_values=FLAGS,
)
flags.DEFINE_boolean(
    "verbose", False, "Show TensorFlow's start-up and download messages (hidden by default).", flag_values=FLAGS
)
flags.DEFINE_boolean("progress", True, "Show a progress bar with time left.", flag_values=FLAGS)
flags.DEFINE_string(
    "engine",
    default("engine"),
    "How runs train: 'vectorized' (every run of a model and depth as one "
    "stacked network), 'fused' (the losses of one setting side by side), 'separate' (one Keras "
    "model per run, the plain baseline), or 'auto' (vectorized for mlp, fused for "
    "convolutional families). Results are the same up to float rounding.",
    flag_values=FLAGS,
)
flags.DEFINE_boolean(
    "jit_compile",
    default("jit_compile"),
    "Compile the training step with XLA: a one-off compile (seconds) for faster steps, worth it for long runs.",
    flag_values=FLAGS,
)
flags.DEFINE_integer(
    "max_members",
    default("max_members"),
    "Vectorized engine: at most this many runs per stacked network (0: as many as fit a memory estimate).",
    flag_values=FLAGS,
)
cli.define_task_flags(FLAGS, default("task"), default("ignore_class"))
flags.DEFINE_string(
    "metric",
    default("metric"),
    "The report's headline record field (default: the task's, zoo.engines.task_metrics.HEADLINE_METRIC: test "
    "accuracy, mean_average_precision, mean_iou).",
    flag_values=FLAGS,
)
cli.define_distributed_flags(FLAGS)

# Every `SweepConfig` field is a flag of the same name except `validation_split` (the command keeps
# its default); the fields passed on to `prepare` are the options (`sweep.OPTIONS`).
_CONFIG_FIELDS = tuple(field.name for field in dataclasses.fields(sweep.SweepConfig))
SWEEP_FLAGS = tuple(name for name in _CONFIG_FIELDS if name != "validation_split")
CALL_FIELDS = sweep.OPTIONS


def sweep_config(values: dict) -> sweep.SweepConfig:
    """A validated `SweepConfig` from flag values (strings as on the command line).

    Raises ValueError with a one-line message naming the bad value.
    """
    from zoo.data import datasets
    from zoo.models import registry

    models = tuple(dict.fromkeys(cli.items(values["models"], "models")))
    for model in models:
        registry.MODELS.lookup(model)  # Raises with close matches.
    key = values["dataset"].partition(":")[0]
    if key not in datasets.DATASETS:
        raise ValueError(datasets.DATASETS.unknown_message(values["dataset"], known=datasets.names() + datasets.FORMS))
    label_noise = cli.numbers(values["label_noise"], "label_noise", float, low=0.0, high=1.0, high_open=True)
    task = dataset_task(values)
    config = sweep.SweepConfig(
        dataset=values["dataset"],
        losses=sweep.resolve_losses(cli.items(values["losses"], "losses"), task),
        models=models,
        depths=cli.numbers(values["depths"], "depths", int, low=1),
        width=None if values["width"] is None else int(values["width"]),
        head=values["head"],
        seeds=cli.numbers(values["seeds"], "seeds", int, low=0),
        label_noise=label_noise,
        noise_type=values["noise_type"],
        input_noise=cli.numbers(values["input_noise"], "input_noise", float, low=0.0),
        cross_noise=bool(values["cross_noise"]),
        epochs=int(values["epochs"]),
        batch_size=int(values["batch_size"]),
        optimizer=values["optimizer"],
        learning_rate=float(values["learning_rate"]),
        data_dir=os.path.expanduser(values["data_dir"]) if values["data_dir"] else None,
        label_column=values["label_column"],
        image_size=values["image_size"],
        engine=values["engine"],
        max_members=int(values["max_members"]),
        jit_compile=bool(values["jit_compile"]),
        noise_matrix=os.path.expanduser(values["noise_matrix"]) if values.get("noise_matrix") else None,
        human_labels=tuple(dict.fromkeys(cli.items(values["human_labels"], "human_labels")))
        if values.get("human_labels")
        else (),
        noisy_validation=bool(values.get("noisy_validation")),
        imbalance=cli.numbers(values["imbalance"], "imbalance", float, low=1.0),
        imbalance_profile=values["imbalance_profile"],
        class_weighting=tuple(dict.fromkeys(cli.items(values["class_weighting"], "class_weighting"))),
        correction=values["correction"],
        bias_init=values["bias_init"],
        reference=values["reference"],
        task=task,
        ignore_class=values.get("ignore_class"),
        metric=values.get("metric") or None,
    )
    try:
        sweep_plan.check_config(config)
    except ValueError as error:
        raise _as_flag_error(error) from None
    return config


def dataset_task(values: dict) -> str | None:
    """`--task`, else the task of a registered task dataset (`shapes`: dense, ...), else None (the data's)."""
    from zoo.data import task_sources

    return task_sources.named_task(values["dataset"], values.get("task"))


def _as_flag_error(error: ValueError) -> ValueError:
    """`error` with `--` before the flag names in it (the arguments have the flags' names): its first
    word when that is one, and every name with an underscore (`label_noise`, never a plain word)."""
    text = str(error)
    if text.split(" ")[0] in SWEEP_FLAGS:
        text = f"--{text}"
    for name in (flag for flag in SWEEP_FLAGS if "_" in flag and f"--{flag}" not in text):
        text = re.sub(rf"(?<![-\w]){name}(?!\w)", f"--{name}", text)
    return ValueError(text)


def flag_values(preset: str = "", given: Sequence[str] = (), user_model: bool = False) -> dict:
    """The sweep flag values: the preset's values, overridden by the flags in `given` (and defaults).

    A task's defaults replace `SweepConfig`'s for the flags neither given nor set by the preset: its offline
    dataset with `--task` (`TASK_DEFAULTS`) and, for dense data, `sweep.TASK_SWEEP_DEFAULTS` (the U-Net,
    one depth, width 8, 8 epochs); with `user_model` (`--model`) the builder's own models, depths and width stay.
    """
    values = {name: FLAGS[name].value for name in SWEEP_FLAGS}
    chosen = set(given)
    if preset:
        values.update({k: v for k, v in presets.get(preset).items() if k not in given})
        chosen |= set(presets.get(preset))
    if (values.get("noise_matrix") or values.get("human_labels")) and "label_noise" not in given:
        values["label_noise"] = "0"  # The matrix or the human labels are the noise; the default rates do not apply.
    if "dataset" not in chosen and values.get("task") in TASK_DEFAULTS:
        values["dataset"] = TASK_DEFAULTS[values["task"]]
    model_fields = ("models", "depths", "width") if user_model else ()
    for name, value in sweep.TASK_SWEEP_DEFAULTS.get(dataset_task(values), {}).items():
        if name not in chosen and name not in model_fields:
            values[name] = flag_text(value)
    return values


# The embedded offline dataset of `--task=multi_label` / `--task=dense` when `--dataset` is not given.
TASK_DEFAULTS = tasks.TASK_DEFAULTS


def check_data(config: sweep.SweepConfig) -> None:
    """Loads the dataset once, so a missing or offline dataset fails before anything runs."""
    sweep_plan.load_data(config.dataset, config)


def check_models(config: sweep.SweepConfig) -> None:
    """Builds each model family at each depth once (e.g. resnet needs 6n+2)."""
    import zoo

    for model in config.models:
        sweep_plan.check_head(model, config.head, model in zoo.models.USER_MODELS)
        for depth in config.depths:
            zoo.build(
                model,
                input_shape=(8, 8, 1),
                num_classes=2,
                **zoo.models.options(model, depth, config.width, config.head),
            )


def plan(config: sweep.SweepConfig, model_spec: str | None, depths_given: bool) -> sweep_plan.Plan:
    """The `compare_losses` plan of the command: the config's families, or the `--model` builder."""
    from zoo.common import callables

    model = list(config.models)
    if model_spec:
        model = model_spec if model_spec in zoo_names() else callables.load_callable(model_spec)
    options = {field: getattr(config, field) for field in CALL_FIELDS}
    if model_spec and not depths_given:
        options["depths"] = None  # A builder's own default (and no error for one without depth=).
    try:
        return sweep_plan.prepare(model, config.dataset, **options)
    except ValueError as error:
        raise _as_flag_error(error) from None


def zoo_names() -> list[str]:
    import zoo

    return zoo.names()


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"Unexpected arguments: {' '.join(argv[1:])}")
    from zoo import report
    from zoo.common import results
    from zoo.report import statistics
    from zoo.sweeps import distributed, lock

    try:
        given = [name for name in SWEEP_FLAGS if FLAGS[name].present]
        config = sweep_config(flag_values(FLAGS.preset, given, user_model=bool(FLAGS.model)))
        role = distributed.configure(FLAGS.tuner_id, FLAGS.oracle_ip, FLAGS.oracle_port)
        if FLAGS.model and FLAGS["models"].present:
            raise ValueError("Give --model (your builder) or --models (zoo names), not both.")
        if role == "single":
            prepared = plan(config, FLAGS.model, FLAGS["depths"].present)
        elif FLAGS.model:
            raise ValueError("--model runs on one machine: register the builder in a module and use --models.")
        else:
            check_models(config)
            check_data(config)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if role == "single":
        try:
            prepared.run(FLAGS.out, tensorboard=FLAGS.tensorboard, progress=FLAGS.progress)
        except lock.LockedError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    else:
        settings = sweep.grid(config)
        print(
            f"{len(settings)} settings x {len(config.losses)} losses = {len(settings) * len(config.losses)} runs "
            f"-> {FLAGS.out}",
            file=sys.stderr,
        )
        distributed.run(config, FLAGS.out, progress=FLAGS.progress)
        if role != "chief":
            return 0
    reference = prepared.reference if role == "single" else config.reference
    path = report.render(FLAGS.out, reference, config.metric)
    with statistics.headline(config.metric):
        print(report.summary_text(results.read_all(FLAGS.out), reference))
    print(f"Report: {path}")
    missing = distributed.unfinished_runs(config, FLAGS.out) if role == "chief" else 0
    if missing:
        print(
            f"error: {missing} of {len(settings) * len(config.losses)} runs did not finish (a worker's trial "
            "failed: its log has the traceback); rerun the same commands to train only those.",
            file=sys.stderr,
        )
        return 1
    return 0


def run():
    """Console entry point."""
    from zoo.common import quiet

    quiet.configure()  # Before TensorFlow loads: its start-up lines hidden unless --verbose.
    cli.run(main, FLAGS, "zoo.compare")


if __name__ == "__main__":
    run()
