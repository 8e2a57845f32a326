"""Search the loss (and the model) with keras-tuner: `python -m tuning.search`.

    python -m tuning.search --dataset digits --losses all --max_trials 20 --epochs 10
    python -m tuning.search --model my_models.py:build --losses log_loss,focal,gce --objective val_macro_f1
    python -m tuning.search --dataset digits --label_noise 0.3 --noise_type pair --noisy_validation --imbalance 10
    python -m tuning.search --task=multi_label --max_trials 10    # multi-label digits, ranked on val mean AP
    python -m tuning.search --task=dense --ignore_class=255       # synthetic shapes, U-Net, ranked on val mean IoU

`--task` (default: the data's, as `zoo.compare` reads it) makes it a search for a multi-label
tagger (K sigmoid outputs, the multi-label losses, ranked on `val_mean_average_precision`) or a
dense model (`unet` unless `--models`/`--model` say otherwise, ranked on `val_mean_iou` over the
positions not labelled `--ignore_class`); without `--dataset` it searches on the task's embedded
offline set (`multi_label_digits`, `shapes`), as `zoo.compare --task=...` does.

`--label_noise`/`--noise_type`/`--noise_matrix`/`--human_labels` and `--imbalance` put the
training data under one condition, made as `zoo.compare` makes that condition's runs
(`tuning.conditions`); with `--noisy_validation` the trials are ranked, and the winner's
retraining stopped early, on validation labels with the same noise (the test split stays clean).

`--model` takes your own `build(hp) -> keras.Model` (uncompiled, logits)
instead of the zoo's families (`tuning.LossHyperModel(build_model=...)`).

Writes to `--out` (default `runs/search`):

- `tuner/`: keras-tuner's project (trials, checkpoints, oracle state); a rerun
  with the same `--out` resumes it (nothing finished is redone or lost);
- `search_spec.json`: the search space and data of that project; a rerun
  with a different one is refused before searching;
- `trials.jsonl`: one record per finished trial, appended as each ends;
- `leaderboard.json`, then `leaderboard.md` and `best_per_loss.png` from it;
- `best.keras` (logits model) and `best_savedmodel/` (`zoo.serving.export`:
  the serving signature returns probabilities and class): the best configuration retrained on train with
  early stopping on validation.

Distributed: set `--tuner_id chief` (or `KERASTUNER_TUNER_ID=chief`) plus
`--oracle_ip`/`--oracle_port` on the chief and `--tuner_id tuner0`, ... on
the workers, all with the same flags and `--out` (see `tuning.distributed`).
"""

import os
import sys
import warnings
from collections.abc import Sequence

if __name__ == "__main__":  # Run as a command: hide TensorFlow's start-up lines before it loads (zoo.common.quiet).
    from zoo.common import quiet

    quiet.configure()

from absl import flags, logging

from tuning import conditions, leaderboard, tuners
from tuning.runner import TRIALS_FILE, SearchSettings, run  # noqa: F401  (`search.run`, as before)
from zoo.common import cli

FLAGS = flags.FlagValues()  # private: see zoo/cli.py


def default(name: str):
    """The default of flag `--name`: its `SearchSettings` field's (a sequence as a list of strings)."""
    value = getattr(SearchSettings, name)
    return [str(item) for item in value] if isinstance(value, tuple) else value


flags.DEFINE_string(
    "dataset",
    default("dataset"),
    "Dataset name as in zoo.datasets (digits, moons, ..., tfds:NAME, npz:PATH).",
    flag_values=FLAGS,
)
cli.define_task_flags(FLAGS, default("task"), default("ignore_class"))
flags.DEFINE_list(
    "losses",
    default("losses"),
    "Comma-separated losses to search over (names of keras_losses.all_names()), or 'all' (a multi-label or "
    "dense task: its losses).",
    flag_values=FLAGS,
)
flags.DEFINE_list(
    "models",
    default("models"),
    "Comma-separated model families (zoo.names()); several are searched. Default: mlp (unet for a dense task).",
    flag_values=FLAGS,
)
flags.DEFINE_string(
    "model",
    "",
    "Your own model builder instead of --models: package.module:function or path/to/file.py:function, "
    "a function build(hp) -> uncompiled keras.Model with one output of num_classes units (logits), "
    "or one unit for 2 classes; it may define its own hyperparameters.",
    flag_values=FLAGS,
)
flags.DEFINE_list("depths", default("depths"), "Comma-separated depths; several are searched.", flag_values=FLAGS)
flags.DEFINE_list(
    "widths",
    default("widths"),
    "Comma-separated widths (mlp units, cnn filters, resnet width); empty: each family's default.",
    flag_values=FLAGS,
)
flags.DEFINE_list(
    "dropouts",
    default("dropouts"),
    "Comma-separated dropout rates (mlp, cnn); several are searched.",
    flag_values=FLAGS,
)
flags.DEFINE_list(
    "learning_rates",
    default("learning_rates"),
    "Comma-separated Adam learning rates; several are searched.",
    flag_values=FLAGS,
)
flags.DEFINE_bool(
    "tune_loss_parameters",
    default("tune_loss_parameters"),
    "Search each loss's own parameters (focal gamma, ...).",
    flag_values=FLAGS,
)
flags.DEFINE_enum("tuner", default("tuner"), tuners.TUNERS, "Search algorithm.", flag_values=FLAGS)
flags.DEFINE_integer(
    "max_trials",
    default("max_trials"),
    "Trials in total (a resumed search counts the finished ones).",
    flag_values=FLAGS,
)
flags.DEFINE_integer(
    "epochs", default("epochs"), "Epochs per trial (Hyperband: the most epochs of a trial).", flag_values=FLAGS
)
flags.DEFINE_string(
    "objective",
    default("objective"),
    "Fixed metric the trials are ranked on (val_accuracy, val_top3_accuracy, val_nll, ...; multi_label: "
    "val_mean_average_precision, val_macro_f1, val_hamming_loss, ...; dense: val_mean_iou, val_pixel_accuracy, "
    "val_mean_dice); never the trial's own loss. Default: the task's headline (val_accuracy, "
    "val_mean_average_precision, val_mean_iou).",
    flag_values=FLAGS,
)
flags.DEFINE_integer("batch_size", default("batch_size"), "Batch size.", flag_values=FLAGS)
cli.define_data_condition_flags(FLAGS, axes=False)
flags.DEFINE_integer("seed", default("seed"), "Seed of the data split, the oracle and the weights.", flag_values=FLAGS)
flags.DEFINE_string("out", default("out"), "Output directory (resumed if it holds the same search).", flag_values=FLAGS)
flags.DEFINE_bool(
    "retrain",
    default("retrain"),
    "Retrain the best configuration and save best.keras and best_savedmodel/.",
    flag_values=FLAGS,
)
flags.DEFINE_integer(
    "retrain_epochs",
    default("retrain_epochs"),
    "Most epochs of the retraining (early stopping on validation).",
    flag_values=FLAGS,
)
flags.DEFINE_list(
    "retrain_seeds",
    default("retrain_seeds"),
    "Seeds of the initial weights for retraining the best configuration "
    "(each retrained and tested; the first is saved). Empty: --seed only.",
    flag_values=FLAGS,
)
flags.DEFINE_integer(
    "patience", default("patience"), "Early-stopping patience of the retraining, in epochs.", flag_values=FLAGS
)
flags.DEFINE_integer(
    "threads",
    default("threads"),
    "TensorFlow intra- and inter-op threads (0: TensorFlow's default).",
    flag_values=FLAGS,
)
cli.define_distributed_flags(FLAGS)
flags.DEFINE_float(
    "trial_timeout",
    1800.0,
    "Distributed: seconds without news after which the chief expires "
    "a worker's trial and requeues it (0: wait forever, keras-tuner's behaviour).",
    flag_values=FLAGS,
)
flags.DEFINE_bool(
    "tensorboard",
    default("tensorboard"),
    "Write per-trial TensorBoard logs and HParams to OUT/tb (keras-tuner's "
    "own TensorBoard support): `tensorboard --logdir OUT/tb`.",
    flag_values=FLAGS,
)
flags.DEFINE_bool("verbose", False, "Show TensorFlow's start-up messages (hidden by default).", flag_values=FLAGS)
flags.DEFINE_bool("progress", default("progress"), "Show a progress bar (ETA) over the trials.", flag_values=FLAGS)


def _parse_numbers(name: str, values: Sequence[str], kind) -> list:
    try:
        return [kind(v) for v in values]
    except ValueError:
        raise ValueError(f"--{name} must be comma-separated {kind.__name__}s, got {','.join(values)!r}.") from None


ZOO_MODEL_FLAGS = ("models", "depths", "widths", "dropouts")


def settings_from_flags() -> SearchSettings:
    """The flags as the `SearchSettings` of `run()`."""
    if FLAGS.model:
        given = [f"--{name}" for name in ZOO_MODEL_FLAGS if FLAGS[name].present]
        if given:
            raise ValueError(f"--model builds the model: {', '.join(given)} do not apply.")
    zoo_model = not FLAGS.model
    values = {
        "dataset": FLAGS.dataset,
        "task": FLAGS.task,
        "ignore_class": FLAGS.ignore_class,
        "losses": FLAGS.losses,
        "model": FLAGS.model or None,
        "models": FLAGS.models if zoo_model else [],
        "depths": _parse_numbers("depths", FLAGS.depths, int) if zoo_model else [],
        "widths": _parse_numbers("widths", FLAGS.widths, int) if zoo_model else [],
        "dropouts": _parse_numbers("dropouts", FLAGS.dropouts, float) if zoo_model else [],
        "learning_rates": _parse_numbers("learning_rates", FLAGS.learning_rates, float),
        "tune_loss_parameters": FLAGS.tune_loss_parameters,
        "tuner": FLAGS.tuner,
        "max_trials": FLAGS.max_trials,
        "epochs": FLAGS.epochs,
        "objective": FLAGS.objective,
        "batch_size": FLAGS.batch_size,
        "seed": FLAGS.seed,
        "out": FLAGS.out,
        "retrain": FLAGS.retrain,
        "retrain_epochs": FLAGS.retrain_epochs,
        "retrain_seeds": _parse_numbers("retrain_seeds", FLAGS.retrain_seeds, int),
        "patience": FLAGS.patience,
        "threads": FLAGS.threads,
        "tuner_id": FLAGS.tuner_id,
        "oracle_ip": FLAGS.oracle_ip,
        "oracle_port": FLAGS.oracle_port,
        "trial_timeout": FLAGS.trial_timeout,
        "progress": FLAGS.progress,
        "tensorboard": FLAGS.tensorboard,
        **conditions.from_flags({name: FLAGS[name].value for name in conditions.DEFAULTS}),
    }
    return SearchSettings(**values)


def main(argv):
    del argv
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.set_verbosity(logging.INFO if FLAGS.verbose else logging.ERROR)
    warnings.filterwarnings("ignore", message=".*shuffle=True.*")
    from zoo.data.datasets import DatasetUnavailableError

    try:
        if FLAGS.max_trials < 1 or FLAGS.epochs < 1 or FLAGS.batch_size < 1:
            raise ValueError("--max_trials, --epochs and --batch_size must be positive.")
        board = run(settings_from_flags())
    except (ValueError, DatasetUnavailableError, RuntimeError) as error:
        print(f"error: {error}".splitlines()[0], file=sys.stderr)
        return 2
    if board is not None:
        print(leaderboard.markdown(board))
        print(
            f"Wrote {FLAGS.out}/leaderboard.md, leaderboard.json, best_per_loss.png"
            + (", best.keras, best_savedmodel/" if FLAGS.retrain else "")
        )
    return 0


if __name__ == "__main__":
    cli.run(main, FLAGS, "tuning.search")
