"""The name registry: `get(name, **config)`, `names()`, `describe(name)`.

Names are stable identifiers: once released a name is never renamed; a new
name for an old loss is added to `ALIASES` instead.
"""

import dataclasses
import difflib

import keras

from keras_losses import janocha, one_vs_all, robust
from keras_losses.base import function_parameters
from keras_losses.keras_builtin import KERAS_CLASSIFICATION_LOSSES, RAW, SOFTMAX, KerasLoss

SIGMOID = "sigmoid probabilities"
JANOCHA = "Janocha & Czarnecki (2017)"
LI = "Li, Li, Pan & Zhu (AAAI 2020)"


@dataclasses.dataclass(frozen=True)
class LossInfo:
    """What `describe(name)` tells about one loss."""

    cls: type
    formula: str
    acts_on: str
    value_range: str
    paper: str

    @property
    def name(self):
        return self.cls.canonical_name

    @property
    def defaults(self):
        return function_parameters(self.cls.function)

    @property
    def takes_from_logits(self):
        return "from_logits" in self.defaults


_LOSSES = [
    LossInfo(janocha.L1, "Σ |y − o|", RAW, "[0, ∞)", JANOCHA),
    LossInfo(janocha.L2, "Σ (y − o)²", RAW, "[0, ∞)", JANOCHA),
    LossInfo(janocha.Expectation, "Σ |y − p|", SOFTMAX, "[0, 2]", JANOCHA),
    LossInfo(
        janocha.RegularizedExpectation,
        "Σ (y − p)²", SOFTMAX, "[0, 2]", JANOCHA,
    ),
    LossInfo(janocha.Chebyshev, "max_j |y_j − p_j|", SOFTMAX, "[0, 1]", JANOCHA),
    LossInfo(janocha.OvrHinge, "Σ max(0, ½ − ŷ·o)", RAW, "[0, ∞)", JANOCHA),
    LossInfo(
        janocha.OvrSquaredHinge,
        "Σ max(0, ½ − ŷ·o)²", RAW, "[0, ∞)", JANOCHA,
    ),
    LossInfo(
        janocha.OvrCubedHinge,
        "Σ max(0, ½ − ŷ·o)³", RAW, "[0, ∞)", JANOCHA,
    ),
    LossInfo(janocha.LogLoss, "−Σ y·log p", SOFTMAX, "[0, ∞)", JANOCHA),
    LossInfo(janocha.SquaredLog, "Σ (y·log p)²", SOFTMAX, "[0, ∞)", JANOCHA),
    LossInfo(
        janocha.Tanimoto,
        "−Σ p·y / (Σ p² + Σ y² − Σ p·y)", SOFTMAX, "[−1, 0]", JANOCHA,
    ),
    LossInfo(
        janocha.CauchySchwarz,
        "−log( Σ p·y / (‖p‖₂·‖y‖₂) )", SOFTMAX, "[0, ∞)", JANOCHA,
    ),
    LossInfo(
        one_vs_all.Logistic,
        "−log s_t − Σ_{k≠t} log(1 − s_k)", SIGMOID, "[0, ∞)", LI,
    ),
    LossInfo(
        one_vs_all.LogisticINR,
        "batch-level L⁺ + L⁻: per example (B/n_t)·[−log s_t − Σ_{k≠t} w_{t,k}·log(1 − s_k)], "
        "w_{·,k} = softmax over present classes c ≠ k of β·mean_{i∈B_c} s_{i,k}",
        SIGMOID, "[0, ∞)", LI,
    ),
    LossInfo(
        robust.Focal, "−Σ y·(1 − p)^γ·log p", SOFTMAX, "[0, ∞)",
        "Lin et al. (2017)",
    ),
    LossInfo(
        robust.Poly1, "−Σ y·log p + ε·(1 − p_t)", SOFTMAX, "[0, ∞)",
        "Leng et al. (2022)",
    ),
    LossInfo(
        robust.GeneralizedCrossEntropy, "(1 − p_t^q) / q", SOFTMAX, "[0, 1/q]",
        "Zhang & Sabuncu (2018)",
    ),
    LossInfo(
        robust.SymmetricCrossEntropy,
        "α·(−Σ y·log p) + β·(−Σ p·log clip(y, 1e−4, 1))", SOFTMAX, "[0, ∞)",
        "Wang et al. (2019)",
    ),
    LossInfo(
        robust.NCEPlusRCE,
        "α·(−log p_t)/Σ_j(−log p_j) + β·(−Σ p·log clip(y, 1e−4, 1))", SOFTMAX,
        "[0, α + 9.22·β]", "Ma et al. (2020)",
    ),
]

LOSSES = {info.name: info for info in _LOSSES}

# Old name -> canonical name. Renaming a loss means adding its old name here.
ALIASES = {}


def names():
    """The canonical names of this package's losses, in the spec's order."""
    return list(LOSSES)


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
    """Formula, what it acts on, defaults, range and paper of loss `name`."""
    name = _canonical(name)
    if name in KERAS_CLASSIFICATION_LOSSES:
        return {
            "name": name,
            "class": f"keras_losses.KerasLoss(loss={name!r})",
            "formula": f"Keras's keras.losses.{name}",
            "acts_on": KERAS_CLASSIFICATION_LOSSES[name][0],
            "defaults": {"from_logits": False} if takes_from_logits(name) else {},
            "range": "see Keras",
            "paper": "Keras built-in",
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
    }
