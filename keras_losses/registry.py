"""The name registry: `get(name, **config)`, `names()`, `describe(name)`.

Names are stable identifiers: once released a name is never renamed; a new
name for an old loss is added to `ALIASES` instead.
"""

import dataclasses
import difflib
import importlib

import keras

from keras_losses.base import (  # noqa: F401 (LossInfo, Tunable: public types)
    CATALOG,
    DENSE,
    SINGLE_LABEL,
    TASKS,
    LossInfo,
    Tunable,
    seal_catalog,
)
from keras_losses.keras_builtin import KERAS_CLASSIFICATION_LOSSES, RAW, KerasLoss, keras_options

# The modules that define losses, in the order of `names()` (and of the catalogue, docs/losses/);
# within a module, the order of definition.
LOSS_MODULES = (
    "distance",
    "margin",
    "likelihood",
    "similarity",
    "one_vs_all",
    "cross_entropy_variants",
    "noise_robust",
    "active_passive",
    "active_negative",
    "asymmetric_noise",
    "jensen_shannon",
    "tempered",
    "bootstrap",
    "taylor",
    "loss_correction",
    "long_tail",
    "multi_label",
)


def _catalog_in_order():
    modules = [importlib.import_module(f"keras_losses.{name}").__name__ for name in LOSS_MODULES]
    stray = [info.name for info in CATALOG.values() if info.cls.__module__ not in modules]
    if stray:
        raise RuntimeError(f"keras_losses: loss(es) {stray} registered outside LOSS_MODULES.")
    return {info.name: info for module in modules for info in CATALOG.values() if info.cls.__module__ == module}


LOSSES = _catalog_in_order()  # canonical name -> LossInfo, as each class declares it
seal_catalog()  # The names are fixed now (string names in `compile` are installed from them).

# Old name -> canonical name. Renaming a loss means adding its old name here.
# Other names of a registered loss (`get`, `compile(loss=...)` and `describe` accept them).
# "gjs": the name Englesson & Azizpour (2021) give the several-view form, `js` with `views=M`.
ALIASES = {"gjs": "js"}


def names(*, multi_label=None, task=None):
    """The canonical names of this package's losses, in the spec's order.

    `names(multi_label=True)` lists the losses defined on multi-hot targets (per-class
    sigmoid / one-vs-all losses), `names(multi_label=False)` the single-label-only ones;
    `names(task=t)` those serving task `t`, one of "single_label", "multi_label", "dense"
    (every loss serves "single_label" and "dense").
    """
    if task is not None and task not in TASKS:
        raise unknown_name_error(task, list(TASKS), kind="task")
    return [
        name
        for name, info in LOSSES.items()
        if (multi_label is None or info.multi_label == bool(multi_label)) and (task is None or task in info.tasks)
    ]


def keras_names():
    """Keras's classification losses that `get` also serves, by Keras name."""
    return list(KERAS_CLASSIFICATION_LOSSES)


def all_names():
    """`names()` followed by `keras_names()`: everything `get` accepts."""
    return names() + keras_names()


def did_you_mean(name, known):
    """`" Did you mean: 'a', 'b'?"` for the close matches of `name` in `known`, or `""`."""
    close = difflib.get_close_matches(str(name), known, n=3)
    return f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""


def unknown_name_error(name, known, kind="loss"):
    """A ValueError naming `name`, its closest matches, and what is known."""
    return ValueError(f"Unknown {kind} {name!r}.{did_you_mean(name, known)} Known: {', '.join(known)}.")


def classes_by_name():
    """Every canonical name and alias with the class it builds (for `compat`)."""
    return {name: LOSSES[ALIASES.get(name, name)].cls for name in names() + list(ALIASES)}


def _canonical(name):
    name = ALIASES.get(name, name)
    if name not in LOSSES and name not in KERAS_CLASSIFICATION_LOSSES:
        raise unknown_name_error(name, all_names())
    return name


def get(name, /, **config):
    """A configured loss instance by name.

    `get("focal", gamma=1.0, from_logits=True)` builds this package's
    `Focal`; Keras's classification losses come as `KerasLoss`, with
    `from_logits` handled. A `keras.losses.Loss` instance passes through.
    """
    if isinstance(name, keras.losses.Loss):
        if config:
            raise ValueError("keras_losses.get: cannot configure a loss instance.")
        return name
    name = _canonical(name)
    if name in LOSSES:
        return LOSSES[name].cls(**config)
    return KerasLoss(loss=name, **config)


def takes_from_logits(name):
    """Whether the loss `name` has a `from_logits` argument."""
    name = _canonical(name)
    if name in LOSSES:
        return LOSSES[name].takes_from_logits
    return KERAS_CLASSIFICATION_LOSSES[name][0] != RAW


def for_logits(name, /, **config):
    """`get(name, **config)` configured for a model that outputs logits.

    Adds `from_logits=True` to the losses defined on probabilities; the
    losses on raw outputs (L1, L2, the hinge family) take them as they are.
    """
    if takes_from_logits(name):
        config.setdefault("from_logits", True)
    return get(name, **config)


def describe(name):
    """Formula, what it acts on, defaults, range, paper, tunable arguments, needed configuration and tasks of `name`.

    `needs` lists the arguments the loss cannot be built without (`["class_counts"]` for the
    prior-aware losses; `get(name, class_counts=...)`). `tasks` lists "single_label" and "dense" for
    every loss, and "multi_label" for the losses defined on multi-hot targets (`names(multi_label=True)`).

    Read from the loss's class (`register`); Keras's losses have no tunable arguments here.
    """
    name = _canonical(name)
    if name in KERAS_CLASSIFICATION_LOSSES:
        return {
            "name": name,
            "class": f"keras_losses.KerasLoss(loss={name!r})",
            "formula": f"Keras's keras.losses.{name}",
            "acts_on": KERAS_CLASSIFICATION_LOSSES[name][0],
            "defaults": {**({"from_logits": False} if takes_from_logits(name) else {}), **keras_options(name)},
            "range": "see Keras",
            "paper": "Keras built-in",
            "tunable": {},
            "needs": [],
            "tasks": [SINGLE_LABEL, DENSE],
        }
    info = LOSSES[name]
    return {
        "name": name,
        "class": f"keras_losses.{info.cls.__name__}",
        "formula": info.formula,
        "acts_on": info.acts_on,
        "defaults": dict(info.defaults),
        "range": info.value_range,
        "paper": info.paper,
        "tunable": {arg: dataclasses.asdict(tunable) for arg, tunable in info.tunable.items()},
        "needs": list(info.needs),
        "tasks": list(info.tasks),
    }
