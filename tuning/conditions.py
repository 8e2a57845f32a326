"""The label noise and class imbalance a search's data is put under.

A sweep (`zoo.compare`) crosses conditions as grid axes; a search trains on
one: `--label_noise` with `--noise_type`, or `--noise_matrix`, or
`--human_labels`, and `--imbalance`, each given once. `load_options` turns
those flags into the options of `zoo.datasets.load`, so a search's data are
made exactly as a sweep's run of the same condition; `spec_fields` is the
part that goes into the search spec (only what differs from clean, balanced
data, so the specs of earlier searches stay valid).
"""

from typing import Any

from zoo.common import cli
from zoo.data.noise import HUMAN_PREFIX
from zoo.sweeps.condition import Condition

DEFAULTS = {
    "label_noise": 0.0,
    "noise_type": "symmetric",
    "noise_matrix": None,
    "human_labels": None,
    "noisy_validation": False,
    "imbalance": 1.0,
    "imbalance_profile": "exponential",
}


def _one_number(flag: str, text, low: float, high: float | None = None) -> float:
    """The one number of `--flag` (`cli.numbers`' parsing and range errors, as `zoo.compare`'s)."""
    if "," in str(text):
        raise ValueError(
            f"--{flag} takes one value in a search (it trains on one condition), got {str(text).strip()!r}."
        )
    (value,) = cli.numbers(text, flag, float, low=low, high=high, high_open=high is not None)
    return value


def from_flags(values: dict[str, Any]) -> dict[str, Any]:
    """The condition fields of a search configuration from the flag values (strings as typed).

    Raises a one-line ValueError naming the flag for a bad or conflicting value.
    """
    conditions = {
        "label_noise": _one_number("label_noise", values.get("label_noise") or 0, 0.0, 1.0),
        "noise_type": values.get("noise_type") or "symmetric",
        "noise_matrix": values.get("noise_matrix") or None,
        "human_labels": (values.get("human_labels") or "").strip() or None,
        "noisy_validation": bool(values.get("noisy_validation")),
        "imbalance": _one_number("imbalance", values.get("imbalance") or 1, 1.0),
        "imbalance_profile": values.get("imbalance_profile") or "exponential",
    }
    if conditions["human_labels"] and "," in conditions["human_labels"]:
        raise ValueError(f"--human_labels takes one label set in a search, got {conditions['human_labels']!r}.")
    given = [f"--{name}" for name in ("noise_matrix", "human_labels") if conditions[name]]
    if len(given) > 1 or (given and conditions["label_noise"]):
        raise ValueError(
            f"{' and '.join(given + (['--label_noise'] if conditions['label_noise'] else []))} each give the "
            "training labels' noise: give one."
        )
    return conditions


def load_options(config: dict[str, Any]) -> dict[str, Any]:
    """The `zoo.datasets.load` options of a search configuration's condition (checked against its dataset)."""
    from zoo.data import imbalance, noise, task_noise, task_sources

    rate, kind = float(config.get("label_noise") or 0.0), config.get("noise_type") or "symmetric"
    task = task_sources.named_task(config["dataset"], config.get("task"))
    matrix = None
    if config.get("noise_matrix"):
        matrix = noise.read_matrix(config["noise_matrix"])
        rate, kind = noise.matrix_condition(matrix)
    elif config.get("human_labels"):
        rate, kind = noise.human_condition(config["dataset"], config["human_labels"])
    elif rate and task in ("multi_label", "dense"):  # Bit flips, missing labels, per-position classes.
        task_noise.check_noise_type(task, kind)
    elif rate:
        noise.check_noise_type(kind, config["dataset"])
    ratio = float(config.get("imbalance") or 1.0)
    profile = config.get("imbalance_profile") or "exponential"
    imbalance.check(ratio, profile)
    return {
        "label_noise": rate,
        "noise_type": kind if rate or matrix is not None or config.get("human_labels") else "symmetric",
        "noise_matrix": matrix,
        "noisy_validation": bool(config.get("noisy_validation")),
        "imbalance_ratio": ratio,
        "imbalance_profile": profile,
    }


def as_condition(fields: dict[str, Any]) -> Condition:
    """The `Condition` of a search's `spec_fields` (a matrix and human labels are its noise kind, as in records)."""
    fields = {**DEFAULTS, **fields}
    kind = fields["noise_type"]
    if fields["noise_matrix"]:
        kind = fields["noise_matrix"]  # Its kind, "matrix:HASH" (`spec_fields`).
    elif fields["human_labels"]:
        kind = HUMAN_PREFIX + fields["human_labels"]
    ratio = fields["imbalance"]
    return Condition(
        label_noise=fields["label_noise"],
        noise_type=kind,
        noisy_validation=bool(fields["noisy_validation"]),
        imbalance=None if ratio == 1 else ratio,
        imbalance_profile=None if ratio == 1 else fields["imbalance_profile"],
    )


def spec_fields(config: dict[str, Any]) -> dict[str, Any]:
    """The condition as it goes into the search spec: the fields that differ from clean, balanced data
    (a matrix by its hash, so an edited file is a different search)."""
    fields = {name: config.get(name, default) for name, default in DEFAULTS.items()}
    if fields["noise_matrix"]:
        fields["noise_matrix"] = load_options(config)["noise_type"]
    if not fields["label_noise"] and not fields["noise_matrix"] and not fields["human_labels"]:
        fields["noise_type"] = "symmetric"  # The kind of no noise does not matter.
    return {name: value for name, value in fields.items() if value != DEFAULTS[name]}
