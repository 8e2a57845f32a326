"""The search spec file: what a search directory holds, checked before a rerun searches in it.

`search_spec` takes from a search's configuration the fields that define the
search space, the data and the ranking (not the budget: more trials or another
`--retrain` resume the same search); `check_spec` writes them to `SPEC_FILE`
in the output directory on the first run and refuses, with `SearchSpecError`
naming each difference, a later run whose spec differs, so that trials of
different searches never mix in one keras-tuner project.
"""

import json
import os
from typing import Any

from tuning import conditions, tuners
from zoo.common import results

SPEC_FILE = "search_spec.json"


class SearchSpecError(ValueError):
    """`--out` holds a search with another search space or data."""


def search_spec(config: dict[str, Any]) -> dict[str, Any]:
    """The part of a configuration that defines the search space and the ranking (not the budget)."""
    keys = (
        "dataset",
        "losses",
        "models",
        "depths",
        "widths",
        "dropouts",
        "learning_rates",
        "tune_loss_parameters",
        "tuner",
        "objective",
        "epochs",
        "batch_size",
        "seed",
    )
    spec = {key: config[key] for key in keys}
    spec.update(conditions.spec_fields(config))  # Noise and imbalance, where the data have them.
    if config.get("task") not in (None, "single_label"):  # Absent from single-label specs, which stay valid.
        spec["task"] = config["task"]
    if config.get("ignore_class") is not None:
        spec["ignore_class"] = config["ignore_class"]
    if config.get("model"):  # The user's builder (`--model`); absent from the zoo-model searches' specs.
        spec["model"] = config["model"]
    return spec


def check_spec(out: str, spec: dict[str, Any]) -> None:
    """Stores `spec` in `out`, or raises SearchSpecError if `out` holds a search with another one."""
    path = os.path.join(out, SPEC_FILE)
    if os.path.exists(path):
        with open(path) as f:
            stored = json.load(f)
        differences = [
            f"{key}: stored {stored.get(key)!r}, now {spec.get(key)!r}"
            for key in sorted(set(stored) | set(spec))
            if stored.get(key) != spec.get(key)
        ]
        if differences:
            raise SearchSpecError(
                f"{out} holds a different search ({'; '.join(differences)}); use another --out or the same flags."
            )
        return
    if os.path.exists(os.path.join(out, tuners.PROJECT)):
        raise SearchSpecError(f"{out} holds a keras-tuner project without {SPEC_FILE}; use another --out.")
    results.write_atomic(path, json.dumps(spec, indent=1))
