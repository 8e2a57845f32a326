"""absl command lines that each keep their flags in their own namespace.

`python -m zoo.compare` and `python -m tuning.search` share flag names
(`--dataset`, `--losses`, ...). Defined in absl's global `flags.FLAGS`, the
two modules could not be imported into one process (a test run, a notebook)
without `DuplicateFlagError`; so each command defines its flags in a private
`flags.FlagValues` and parses them with `run()`.
"""

import sys
from collections.abc import Mapping

from absl import app, flags

HELP_FLAGS = ("--help", "-h", "--helpshort", "--helpfull", "-?")


def parser(flag_values, program_name):
    """An absl `flags_parser` for `flag_values` with `--help` and one-line errors."""

    def parse(argv):
        if any(arg in HELP_FLAGS for arg in argv[1:]):
            print(f"usage: python -m {program_name} [flags]\n")
            print(flag_values.get_help())
            sys.exit(0)
        try:
            remaining = flag_values(argv)
        except flags.Error as error:
            print(f"{program_name}: error: {error} (see --help)", file=sys.stderr)
            sys.exit(2)
        # absl.app requires its global flags (logging's) to be parsed too.
        if not flags.FLAGS.is_parsed():
            flags.FLAGS(argv[:1])
        return remaining

    return parse


def run(main, flag_values, program_name):
    """Run `main(argv) -> exit code` as a command with flags `flag_values`."""
    app.run(lambda argv: sys.exit(main(argv)), flags_parser=parser(flag_values, program_name))


def define_distributed_flags(flag_values):
    """`--tuner_id`, `--oracle_ip`, `--oracle_port`: the role in a distributed run (`zoo.sweeps.distributed.configure`).

    Each overrides its keras-tuner environment variable; all unset means a run on this machine alone.
    """
    flags.DEFINE_string(
        "tuner_id",
        None,
        "Distributed: 'chief' or a worker id such as 'tuner0' (default: $KERASTUNER_TUNER_ID; unset: not distributed).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "oracle_ip", None, "Distributed: the chief's address (default: $KERASTUNER_ORACLE_IP).", flag_values=flag_values
    )
    flags.DEFINE_integer(
        "oracle_port",
        None,
        "Distributed: the chief's port (default: $KERASTUNER_ORACLE_PORT).",
        flag_values=flag_values,
    )


def define_task_flags(flag_values, task: str | None = None, ignore_class: int | None = None):
    """`--task` and `--ignore_class`: what is classified (`zoo.common.tasks`) and dense masks' void label."""
    from zoo.common.tasks import TASK_DEFAULTS, TASKS

    defaults = " and ".join(f"{name} {dataset}" for name, dataset in TASK_DEFAULTS.items())
    flags.DEFINE_enum(
        "task",
        task,
        list(TASKS),
        "What is classified: single_label (a class per example), multi_label (multi-hot rows, K sigmoids) or dense "
        "(a class per position, outputs (N, ..., K)); default: the data's (the task datasets multi_label_digits and "
        f"shapes say theirs, arrays and npz files are inferred). Without --dataset: {defaults}.",
        flag_values=flag_values,
    )
    flags.DEFINE_integer(
        "ignore_class",
        ignore_class,
        "Dense masks: the void label counted nowhere, neither in the loss nor in the metrics (e.g. 255).",
        flag_values=flag_values,
    )


# The flags of `define_data_condition_flags`, and their defaults where a command gives none.
DATA_CONDITION_FLAGS = {
    "label_noise": "0",
    "noise_type": "symmetric",
    "noise_matrix": None,
    "human_labels": "",
    "noisy_validation": False,
    "imbalance": "1",
    "imbalance_profile": "exponential",
}


def define_data_condition_flags(flag_values, axes: bool, defaults: Mapping[str, object] | None = None):
    """The label-noise and imbalance flags of the data a command trains on.

    With `axes` (`zoo.compare`) `--label_noise`, `--human_labels` and `--imbalance` are
    comma-separated grid axes; without (`tuning.search`, one search on one condition) each
    takes one value. `--noise_type`, `--noise_matrix`, `--noisy_validation` and
    `--imbalance_profile` mean the same in both. `defaults` overrides `DATA_CONDITION_FLAGS`.
    """
    default = {**DATA_CONDITION_FLAGS, **(defaults or {})}
    several = "Comma-separated rates" if axes else "Rate"
    flags.DEFINE_string(
        "label_noise",
        default["label_noise"],
        f"{several} of flipped training labels, in [0, 1).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "noise_type",
        default["noise_type"],
        "Label noise kind: symmetric (to any other class), pair (class k to k+1) or asymmetric (the "
        "literature's class maps: mnist, cifar10, cifar100; each mapped class flips with the rate; asymmetric:MAP "
        "takes MAP's map for a copy of that set, e.g. an npz file of MNIST).",
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "noise_matrix",
        default["noise_matrix"],
        "A K×K label transition matrix (.npy, .csv or .json; row = true class, rows sum to 1, the diagonal the keep "
        "probability)" + (": the noise conditions are the clean run and this matrix." if axes else "."),
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "human_labels",
        default["human_labels"],
        ("Human label sets as extra noise conditions: " if axes else "The human label set to train on: ")
        + "aggre, random1, random2, random3, worst (--dataset=cifar10_n) or noisy (--dataset=cifar100_n).",
        flag_values=flag_values,
    )
    flags.DEFINE_boolean(
        "noisy_validation",
        default["noisy_validation"],
        "Give the validation split the training split's label noise (the test split stays clean)"
        + ("." if axes else ": the trials are ranked, and the retraining stopped early, on noisy labels."),
        flag_values=flag_values,
    )
    flags.DEFINE_string(
        "imbalance",
        default["imbalance"],
        (
            "Comma-separated imbalance ratios (largest over smallest class) of the training data, a grid axis"
            if axes
            else "Imbalance ratio (largest over smallest class) of the training data"
        )
        + "; 1: as loaded. The training split is subsampled (seeded), validation drawn from it, the test split "
        "untouched.",
        flag_values=flag_values,
    )
    flags.DEFINE_enum(
        "imbalance_profile",
        default["imbalance_profile"],
        ["exponential", "step"],
        "Long-tail profile: exponential (n_i = n_max * rho^(-i/(K-1))) or step (half the classes n_max/rho).",
        flag_values=flag_values,
    )


def items(text: str, flag: str) -> list[str]:
    """The comma-separated items of flag `--flag`'s value, stripped; one line if there are none."""
    items = [item.strip() for item in str(text).split(",") if item.strip()]
    if not items:
        raise ValueError(f"--{flag} is empty.")
    return items


def numbers(text: str, flag: str, kind, low=None, high=None, high_open=False) -> tuple:
    """The distinct numbers (`kind`: int or float) of `--flag`'s comma-separated value, in order; one-line
    errors for an item that is not a number or lies outside `[low, high]` (`[low, high)` with `high_open`)."""
    values = []
    for item in items(text, flag):
        try:
            value = kind(item)
        except ValueError:
            raise ValueError(f"--{flag}: {item!r} is not {'an integer' if kind is int else 'a number'}.") from None
        too_high = high is not None and (value >= high if high_open else value > high)
        if (low is not None and value < low) or too_high:
            bound = f"[{low}, {high})" if high_open else f">= {low}"
            raise ValueError(f"--{flag}: {item} is out of range (must be {bound}).")
        values.append(value)
    return tuple(dict.fromkeys(values))
