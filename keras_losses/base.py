"""The base class of every loss here, and `register`, which collects each loss's facts.

A loss is a plain per-example function `fn(y_true, y_pred, **args)` plus a
thin `keras.losses.Loss` subclass that wraps it, the way Keras pairs
`CategoricalCrossentropy` with `categorical_crossentropy`. Everything about
a loss is declared once, where it is defined:

    @register("poly1", formula="<the formula>", acts_on=SOFTMAX,
              value_range="[0, ∞)", paper="Leng et al. (2022)",
              tunable={"epsilon": Tunable(-1.0, 3.0)})
    class Poly1(ClassificationLoss):
        '''Summary. Description. Args: (its own arguments). Example: ...'''
        function = staticmethod(poly1)

The arguments and their defaults are read off the function's signature (so
class and function cannot disagree): every subclass that sets `function`
gets an `__init__` with that explicit signature. `register` writes the
formula, range, paper and the arguments every loss shares into the class's
and the function's docstrings, registers the class for Keras serialization,
and adds its `LossInfo` to `CATALOG`, from which the registry, `describe()`,
tuning's search space and the README table read.
"""

import dataclasses
import inspect
import re
import textwrap
from collections.abc import Mapping

import keras

from keras_losses import _targets, arguments
from keras_losses._probability_check import check_probabilities

PACKAGE = "keras_losses"

# What a loss acts on (`describe(name)["acts_on"]`).
RAW = "raw outputs"
SOFTMAX = "softmax probabilities"
SIGMOID = "sigmoid probabilities"

# The arguments several losses share, documented once (each loss's own
# arguments are documented in its class's `Args:` section).
SHARED_ARGUMENTS = {
    "from_logits": "whether `y_pred` holds logits (`True`) or probabilities (`False`, the default).",
    "class_weights": "optional sequence of K non-negative numbers `c`; each example's loss is scaled by "
    "the weight of its class, `Σ_k c_k·y_k` (e.g. `keras_losses.class_balanced_weights(counts)` or "
    "`keras_losses.inverse_frequency_weights(counts)`).",
    "class_counts": "the training count (or prior) of each of the K classes, K positive numbers (only their "
    "ratios matter); required: the loss cannot be built without it.",
    "reduction": 'how per-example values are reduced: `"sum_over_batch_size"` (the default, the '
    'batch mean), `"sum"`, `"mean"`, `"mean_with_sample_weight"` or `None`.',
    "name": "the loss's name in logs (default: its canonical name).",
    "dtype": "the dtype of the returned value (default float32); the loss computes in float32 whatever "
    "the model's policy.",
    "y_true": "labels: integer class indices, shape `(B,)` or `(B, 1)`, or one-hot / soft targets, shape `(B, K)`.",
    "y_pred": "the model's outputs, shape `(B, K)`: probabilities, logits or raw outputs (see what it acts on).",
}
KERAS_ARGUMENTS = ("reduction", "name", "dtype")
# Arguments every loss takes that the base class applies itself (not passed to `function`).
BASE_ARGUMENTS = ("class_weights",)


@dataclasses.dataclass(frozen=True)
class Tunable:
    """The search range of one numeric loss argument, as a float hyperparameter."""

    low: float
    high: float
    sampling: str = "linear"  # or "log"


@dataclasses.dataclass(frozen=True)
class LossInfo:
    """Everything `describe(name)` tells about one loss, as its class declares it."""

    name: str
    cls: type
    formula: str
    acts_on: str
    value_range: str
    paper: str
    tunable: Mapping[str, Tunable]

    @property
    def defaults(self):
        return function_parameters(self.cls.function)

    @property
    def takes_from_logits(self):
        return "from_logits" in self.defaults

    @property
    def needs(self):
        """The arguments without which the loss cannot be built (`class_counts`)."""
        return tuple(arg for arg in self.defaults if arg in arguments.REQUIRED)


# Canonical name -> LossInfo, in registration (= import) order; sealed once the registry is built.
CATALOG = {}
_sealed = False


def seal_catalog():
    """Called by `registry` once it has read `CATALOG`: later canonical registrations are refused."""
    global _sealed
    _sealed = True


def function_parameters(function):
    """Keyword parameters of a loss function after `(y_true, y_pred)`, with their defaults."""
    params = list(inspect.signature(function).parameters.values())[2:]
    return {p.name: p.default for p in params}


def _snake_case(class_name):
    return re.sub(r"(?<!^)(?=[A-Z][a-z])", "_", class_name).lower()


class ClassificationLoss(keras.losses.Loss):
    """Base class: a `keras.losses.Loss` wrapping a per-example function.

    Subclasses set `function` (a staticmethod) and are decorated with
    `register`. `call()` returns one value per example, scaled by the true
    class's weight when `class_weights` is given (here, for every loss); the
    Keras base class applies `sample_weight` and `reduction`. The loss
    computes in float32 whatever the model's dtype policy.
    """

    function = None
    canonical_name = None
    info: LossInfo | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "function" in vars(cls) and "__init__" not in vars(cls):
            _with_explicit_init(cls)

    def __init__(self, class_weights=None, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        accepted = function_parameters(self.function)
        unknown = sorted(set(kwargs) - set(accepted))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unexpected argument(s) "
                f"{', '.join(unknown)}; it accepts: "
                f"{', '.join(list(accepted) + list(BASE_ARGUMENTS) + list(KERAS_ARGUMENTS))}."
            )
        self.arguments = {**accepted, **kwargs}
        for key, value in self.arguments.items():
            self.arguments[key] = arguments.validate(key, value, self.canonical_name)
        self.class_weights = arguments.validate("class_weights", class_weights)
        for key in arguments.REQUIRED:
            if key in self.arguments and self.arguments[key] is None:
                raise ValueError(arguments.missing_message(self.canonical_name or type(self).__name__, key))
        super().__init__(
            name=name or self.canonical_name or _snake_case(type(self).__name__),
            reduction=reduction,
            dtype=dtype or "float32",
        )

    @property
    def acts_on(self):
        """`RAW`, `SOFTMAX` or `SIGMOID`, as registered; None for a loss without `register`."""
        return self.info.acts_on if self.info else None

    def _single_unit_reading(self):
        """How a single-unit (binary) output is widened to two classes (see `_targets`)."""
        if self.acts_on is None:
            return None
        if self.acts_on == RAW:
            return _targets.SIGNED
        if not self.arguments.get("from_logits", False):
            return _targets.PROBABILITY
        return _targets.SOFTMAX_LOGIT if self.acts_on == SOFTMAX else _targets.SIGNED

    def call(self, y_true, y_pred):
        reading = self._single_unit_reading()
        if reading is not None:
            y_true, y_pred = _targets.binary_as_two_classes(y_true, y_pred, reading)
        values = type(self).function(y_true, y_pred, **self.arguments)
        if reading == _targets.PROBABILITY:  # after the function, so that bad shapes or labels fail first
            check_probabilities(self, y_pred, rows_sum_to_one=self.acts_on == SOFTMAX)
        if self.class_weights is None:
            return values
        # Here, once for every loss (a batch-level loss's values are final only now).
        y, _ = _targets.targets_and_outputs(y_true, y_pred)
        return _targets.apply_class_weights(values, y, self.class_weights)

    def get_config(self):
        return {**super().get_config(), **self.arguments, "class_weights": self.class_weights}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in {**self.arguments, "class_weights": self.class_weights}.items())
        return f"{type(self).__name__}({args})"


def init_signature(cls):
    """`(self, <the function's arguments>, class_weights, reduction, name, dtype)` with their defaults."""
    base_defaults = inspect.signature(ClassificationLoss.__init__).parameters
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for arg, default in function_parameters(cls.function).items():
        parameters.append(inspect.Parameter(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default))
    parameters += [base_defaults[arg] for arg in BASE_ARGUMENTS + KERAS_ARGUMENTS]
    return inspect.Signature(parameters)


def _with_explicit_init(cls):
    """Gives `cls` an `__init__` whose signature lists its arguments (not `**kwargs`).

    Run for every subclass that sets `function` and writes no `__init__` of its
    own; the arguments are passed on by keyword to the parent's `__init__`.
    """
    signature = init_signature(cls)

    def __init__(self, *args, **kwargs):
        if len(args) > len(signature.parameters) - 1:
            raise TypeError(
                f"{type(self).__name__} takes at most {len(signature.parameters) - 1} "
                f"positional arguments, got {len(args)}."
            )
        named = dict(zip(list(signature.parameters)[1:], args))
        repeated = sorted(set(named) & set(kwargs))
        if repeated:
            raise TypeError(f"{type(self).__name__} got multiple values for {', '.join(repeated)}.")
        # The parent's __init__ (ClassificationLoss's at the root) checks names against `function`.
        super(cls, self).__init__(**named, **kwargs)

    __init__.__signature__ = signature
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__doc__ = f"Builds a `{cls.__name__}`; see the class docstring for the arguments."
    cls.__init__ = __init__


def _split_args_section(body):
    """`(before, {argument: its lines}, after)` of a docstring body's `Args:` section."""
    if "\nArgs:\n" not in f"\n{body}":
        before, sep, after = body.partition("\nExample:")
        return before.rstrip("\n") + "\n", {}, f"\n{sep.strip()}{after}" if sep else ""
    before, _, rest = f"\n{body}".partition("\nArgs:\n")
    lines = rest.split("\n")
    entries, current = {}, None
    while lines and (lines[0].startswith("    ")):
        line = lines.pop(0)
        if not line.startswith("     "):  # `    name: text` starts an entry
            current = line.strip().split(":", 1)[0]
            entries[current] = []
        entries[current].append(line)
    return before.lstrip("\n"), entries, "\n".join(lines)


def _shared_entry(argument):
    return textwrap.wrap(
        f"{argument}: {SHARED_ARGUMENTS[argument]}", 100, initial_indent="    ", subsequent_indent="        "
    )


def _complete_docstring(cls, info):
    """Writes the formula block and the arguments every loss shares into `cls.__doc__`.

    The class's docstring holds its summary, what is special about it, the
    `Args:` of its own arguments and its runnable `Example:`; the facts
    declared in `register` are added here so they are written only once.
    The `Args:` section lists the arguments in the order of the signature.
    The plain function's docstring gets the same facts and arguments.
    """
    if cls.__doc__ is None:  # `python -OO` strips docstrings: nothing to complete or check.
        return
    doc = inspect.cleandoc(cls.__doc__)
    summary, _, body = doc.partition("\n")
    before, own, after = _split_args_section(body.strip("\n"))
    arguments = list(init_signature(cls).parameters)[1:]
    missing = [arg for arg in arguments if arg not in own and arg not in SHARED_ARGUMENTS]
    stray = [arg for arg in own if arg not in arguments]
    if missing or stray:
        raise TypeError(f"{cls.__name__}'s `Args:` section: undocumented {missing}, not arguments {stray}.")

    def args(names):
        return "Args:\n" + "\n".join(line for arg in names for line in (own.get(arg) or _shared_entry(arg)))

    facts = (
        f"Formula (per example): `loss = {info.formula}`\n"
        f"Acts on {info.acts_on}; range `{info.value_range}`. {info.paper.rstrip('.')}."
    )
    parts = [summary, facts, before.strip("\n"), args(arguments), after.strip("\n")]
    cls.__doc__ = "\n\n".join(part for part in parts if part) + "\n"
    # The plain function: the same facts and arguments, for `help(keras_losses.focal)`; once, by its own class.
    if "function" not in vars(cls) or getattr(cls.function, "_documented", False):
        return
    function_args = ["y_true", "y_pred"] + [arg for arg in arguments if arg not in BASE_ARGUMENTS + KERAS_ARGUMENTS]
    returns = "Returns:\n    The loss of each example, shape `(B,)` (no reduction, no sample weights)."
    source = inspect.cleandoc(cls.function.__doc__ or f"Per-example values of `{cls.__name__}`.")
    cls.function.__doc__ = "\n\n".join([source, summary, facts, args(function_args), returns]) + "\n"
    cls.function._documented = True


def serializable(cls):
    """Registers `cls` for Keras serialization under the `keras_losses` package."""
    return keras.saving.register_keras_serializable(package=PACKAGE)(cls)


def register(name, *, formula, acts_on, value_range, paper, tunable=None, canonical=True):
    """Class decorator: declares loss `name`'s facts and registers the class.

    Args:
        name: the canonical name (`compile(loss=name)`, `keras_losses.get(name)`).
        formula: the per-example formula, in the notation of its module.
        acts_on: `RAW`, `SOFTMAX` or `SIGMOID`.
        value_range: the range of the per-example value, e.g. `"[0, ∞)"`.
        paper: where the loss comes from.
        tunable: `{argument: Tunable(low, high, sampling)}`, the search range of
            each argument worth tuning (the default is the function's).
        canonical: `False` for a class kept only so that old saved models load;
            it is serializable but not among `names()`.
    """

    def decorate(cls):
        if canonical and (_sealed or name in CATALOG):
            raise RuntimeError(
                f"keras_losses.register: cannot add {name!r} to the canonical names "
                + ("(already registered)." if name in CATALOG else "after keras_losses was imported.")
                + " For a loss of your own, subclass keras.losses.Loss (or ClassificationLoss without register)."
            )
        defaults = function_parameters(cls.function)
        unknown = sorted(set(tunable or {}) - set(defaults))
        if unknown:
            raise TypeError(f"{cls.__name__}: tunable argument(s) {', '.join(unknown)} not in its function.")
        info = LossInfo(
            name=name,
            cls=cls,
            formula=formula,
            acts_on=acts_on,
            value_range=value_range,
            paper=paper,
            tunable=dict(tunable or {}),
        )
        cls.canonical_name = name
        cls.info = info
        _complete_docstring(cls, info)
        if canonical:
            CATALOG[name] = info
        return serializable(cls)

    return decorate
