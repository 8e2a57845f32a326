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
tuning's search space and the loss catalogue (docs/losses/) read.
"""

import dataclasses
import inspect
import re
import textwrap
from collections.abc import Mapping

import keras
from keras import ops

from keras_losses import _targets, arguments
from keras_losses._probability_check import check_probabilities

try:
    # Keras's mask on per-position loss values: `Loss.__call__` reads it (keras/src/losses/loss.py) and
    # leaves masked positions out of the mean, as for `SparseCategoricalCrossentropy(ignore_class=...)`.
    from keras.src.backend import set_keras_mask as _keras_set_mask
except ImportError:  # pragma: no cover (a Keras without it: ignore_class says so when used)
    _keras_set_mask = None

PACKAGE = "keras_losses"


def _set_keras_mask(values, mask):
    if _keras_set_mask is None:  # pragma: no cover
        raise NotImplementedError("keras_losses: ignore_class needs Keras's loss masks (Keras 3.4 or later).")
    _keras_set_mask(values, mask)


# The tasks a loss serves (`LossInfo.tasks`, `describe(name)["tasks"]`, `names(task=...)`).
SINGLE_LABEL = "single_label"  # one class per example (sparse, one-hot or soft labels summing to 1)
MULTI_LABEL = "multi_label"  # any number of classes per example (multi-hot targets)
DENSE = "dense"  # one prediction per position, outputs (B, …, K) (segmentation, tagging)
TASKS = (SINGLE_LABEL, MULTI_LABEL, DENSE)

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
    "y_true": "labels: integer class indices of shape `(B,)` or `(B, 1)`, or one-hot / soft targets `(B, K)`; "
    "for dense outputs `(B, …, K)` (segmentation, tagging), indices `(B, …)` / `(B, …, 1)` or targets `(B, …, K)`.",
    "y_pred": "the model's outputs, shape `(B, K)`, or `(B, …, K)` with one prediction per position (the value "
    "is then the mean over every position, as Keras's losses give it): probabilities, logits or raw outputs "
    "(see what it acts on).",
    "label_smoothing": "ε in [0, 1): the targets `y` (one-hot, soft, or from sparse labels) are replaced by "
    "`(1 − ε)·y + ε/K`, as Keras does.",
    "options": "Keras's own further arguments of that loss (e.g. `label_smoothing`, `alpha`, `gamma`), "
    "passed on to it; they may also be given by name.",
    "ignore_class": "optional integer label (e.g. 255, the void of segmentation masks): positions with this "
    "sparse label contribute nothing and are left out of the mean, as in Keras's "
    "`SparseCategoricalCrossentropy(ignore_class=...)` (the loss is the sum over the kept positions divided "
    "by their number; 0 when none is kept).",
}
KERAS_ARGUMENTS = ("reduction", "name", "dtype")
# Keyword-only arguments the base class applies itself, with their defaults (see `own_arguments`).
LABEL_SMOOTHING = {"label_smoothing": 0.0}
IGNORE_CLASS = {"ignore_class": None}
# What each loss's docstring says of its tasks (`register(..., multi_label=...)`).
MULTI_LABEL_NOTE = (
    "Multi-label loss: a sum of independent per-class terms, defined on multi-hot targets "
    "(any number of positive classes per example) as well as on single labels."
)
SINGLE_LABEL_NOTE = (
    "Single-label loss: one class per example (or a soft label summing to 1); for multi-hot targets "
    "see `keras_losses.names(multi_label=True)`."
)
# Arguments every loss takes that the base class applies itself (not passed to `function`).
BASE_ARGUMENTS = ("class_weights",)


def own_arguments(cls):
    """The keyword-only arguments the base class applies for `cls`, with their defaults.

    `ignore_class` for every loss (all take sparse labels); `label_smoothing` for a registered
    loss that reads its labels as a distribution (acts on softmax probabilities), unless its
    function takes it itself (`log_loss`'s, kept for the plain function; applied the same way).
    """
    info = getattr(cls, "info", None)
    smooths = (
        info is not None and info.acts_on == SOFTMAX and "label_smoothing" not in function_parameters(cls.function)
    )
    return {**(LABEL_SMOOTHING if smooths else {}), **IGNORE_CLASS}


@dataclasses.dataclass(frozen=True)
class Tunable:
    """The search range of one numeric loss argument: a float hyperparameter, or an integer one.

    `Tunable(0.1, 0.9)` searches a float in [0.1, 0.9] (`sampling="log"`: uniformly in log);
    `Tunable.integer(2, 8, step=2)` an integer among 2, 4, 6, 8 (keras-tuner's `hp.Int`).
    """

    low: float
    high: float
    sampling: str = "linear"  # or "log"
    kind: str = "float"  # or "int"
    step: int | None = None  # for "int": the spacing of the values searched (default 1)

    def __post_init__(self):
        if self.kind not in ("float", "int"):
            raise ValueError(f"Tunable: kind must be 'float' or 'int', not {self.kind!r}.")
        if self.sampling not in ("linear", "log"):
            raise ValueError(f"Tunable: sampling must be 'linear' or 'log', not {self.sampling!r}.")
        if not self.low < self.high:
            raise ValueError(f"Tunable: low ({self.low}) must be below high ({self.high}).")
        if self.kind == "float" and self.step is not None:
            raise ValueError("Tunable: step applies to integer ranges (Tunable.integer).")
        if self.kind == "int":
            numbers = (self.low, self.high, self.step if self.step is not None else 1)
            if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers) or numbers[2] < 1:
                raise ValueError(f"Tunable.integer: low, high and step must be integers, step ≥ 1; got {numbers}.")
            if (self.high - self.low) % numbers[2]:
                raise ValueError(f"Tunable.integer: high − low must be a multiple of step; got {numbers}.")

    @classmethod
    def integer(cls, low, high, step=1, sampling="linear"):
        """The range of an integer argument: `low, low + step, …, high`."""
        return cls(low, high, sampling=sampling, kind="int", step=step)

    def values(self):
        """The integers searched (`kind="int"`); a float range has no finite list."""
        if self.kind != "int":
            raise ValueError("Tunable.values: only an integer range lists its values.")
        return list(range(self.low, self.high + 1, self.step))

    def text(self, argument):
        """`"order ∈ {2, 4, 6, 8}"`, `"gamma ∈ [0, 5]"`, `"alpha ∈ [0.01, 1] (log)"`: how docs and tables show it."""
        if self.kind == "int":
            values = self.values()
            shown = ", ".join(map(str, values)) if len(values) <= 6 else f"{values[0]}, {values[1]}, …, {values[-1]}"
            return f"{argument} ∈ {{{shown}}}" + (" (log)" if self.sampling == "log" else "")
        return f"{argument} ∈ [{self.low:g}, {self.high:g}]" + (" (log)" if self.sampling == "log" else "")


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
    multi_label: bool = False

    @property
    def tasks(self):
        """`("single_label", "dense")`, plus `"multi_label"` for a loss defined on multi-hot targets."""
        return (SINGLE_LABEL, DENSE) + ((MULTI_LABEL,) if self.multi_label else ())

    @property
    def defaults(self):
        """Every argument's default but `class_weights` and Keras's: the function's, then the base class's own."""
        return {**function_parameters(self.cls.function), **own_arguments(self.cls)}

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
    # True where `function` applies `label_smoothing` by its own (the authors') convention, not Keras's.
    smooths_labels_itself = False
    info: LossInfo | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "function" in vars(cls) and ("__init__" not in vars(cls) or getattr(cls.__init__, "_generated", False)):
            _with_explicit_init(cls)

    def __init__(self, class_weights=None, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        accepted = function_parameters(self.function)
        own = own_arguments(type(self))
        unknown = sorted(set(kwargs) - set(accepted) - set(own))
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unexpected argument(s) "
                f"{', '.join(unknown)}; it accepts: "
                f"{', '.join(list(accepted) + list(BASE_ARGUMENTS) + list(KERAS_ARGUMENTS) + list(own))}."
            )
        self.options = {key: arguments.validate(key, kwargs.pop(key, default)) for key, default in own.items()}
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

    @property
    def single_label(self):
        """Whether the loss is defined for one class per example only (it then refuses multi-hot rows)."""
        return self.info is not None and not self.info.multi_label

    @property
    def per_position(self):
        """Whether each position of dense outputs `(B, …, K)` is an example (False: `per_image=True`)."""
        return not self.arguments.get("per_image", False)

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
        """Per-position values: the label layouts are handled here, once for every loss.

        In order: a single-unit output is widened to two classes; dense outputs `(B, …, K)` are
        flattened to one row per position (unless `per_image`), so batch-level losses see every
        position as an example; `ignore_class` labels are replaced by a valid one and their
        values masked out of Keras's mean (Keras's own mechanism, `set_keras_mask`); a single-label
        loss checks that one-hot / soft rows sum to 1; `label_smoothing` smooths the targets.
        """
        reading = self._single_unit_reading()
        if reading is not None:
            y_true, y_pred = _targets.binary_as_two_classes(y_true, y_pred, reading)
        y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
        restore = lambda values: values  # noqa: E731
        if self.per_position:
            y_true, y_pred, restore = _targets.flatten_positions(y_true, y_pred)
        sparse = _targets.is_sparse(y_true, y_pred)
        kept = None
        ignore_class = self.options.get("ignore_class")
        if ignore_class is not None:
            if not sparse:
                raise ValueError(
                    f"keras_losses: ignore_class={ignore_class} applies to sparse labels (class indices), but "
                    f"y_true has shape {tuple(y_true.shape)} for y_pred of shape {tuple(y_pred.shape)}."
                )
            kept, y_true = _targets.kept_and_substituted(_targets.squeeze_sparse(y_true, y_pred), ignore_class)
        labels = y_true  # as given (sparse labels stay sparse: some losses use them as indices)
        # A loss whose function smooths by its own published convention (`bi_tempered`) is passed ε as is.
        own_smoothing = self.smooths_labels_itself
        given = self.options.get("label_smoothing") or self.arguments.get("label_smoothing") or 0.0
        smoothing = 0.0 if own_smoothing else given
        zero_ignored = kept is not None and (getattr(self, "batch_level", False) or not self.per_position)
        if (self.single_label and not sparse) or smoothing or zero_ignored:
            y, _ = _targets.targets_and_outputs(y_true, y_pred)
            if self.single_label and not sparse:
                y = _targets.check_single_label(y, self._single_label_message())
            labels = _targets.smooth_labels(y, smoothing)
            if zero_ignored:  # no label there (not even a smoothed one): left out of a batch's or an image's sums
                labels = labels * ops.cast(ops.expand_dims(kept, -1), labels.dtype)
        function_arguments = self.arguments
        if "label_smoothing" in function_arguments and not own_smoothing:  # applied above, once
            function_arguments = {**function_arguments, "label_smoothing": 0.0}
        values = self._function_values(labels, y_pred, function_arguments)
        if reading == _targets.PROBABILITY:  # after the function, so that bad shapes or labels fail first
            check_probabilities(self, y_pred, rows_sum_to_one=self.acts_on == SOFTMAX)
        if self.class_weights is not None:
            # Here, once for every loss (a batch-level loss's values are final only now).
            y, _ = _targets.targets_and_outputs(y_true, y_pred)
            values = _targets.apply_class_weights(values, y, self.class_weights)
        if kept is None or not self.per_position:
            return restore(values)
        kept = restore(kept)
        values = ops.where(kept, restore(values), 0.0)
        _set_keras_mask(values, kept)
        return values

    def _function_values(self, labels, y_pred, arguments):
        """`function`'s values on the labels and outputs `call` prepared (rows, for dense outputs).

        A hook: `GeneralizedJensenShannon` folds each example's views (consecutive rows) back together here.
        """
        return type(self).function(labels, y_pred, **arguments)

    def _single_label_message(self):
        multi_label = [name for name, info in CATALOG.items() if info.multi_label]
        return _targets.single_label_message(self.name, multi_label)

    def get_config(self):
        return {**super().get_config(), **self.arguments, "class_weights": self.class_weights, **self.options}

    def __repr__(self):
        everything = {**self.arguments, "class_weights": self.class_weights, **self.options}
        args = ", ".join(f"{k}={v!r}" for k, v in everything.items())
        return f"{type(self).__name__}({args})"


def init_signature(cls):
    """`(self, <the function's arguments>, class_weights, reduction, name, dtype, *, <keyword-only ones>)`.

    The keyword-only arguments (the function's own, e.g. `per_image`, then `own_arguments`) come
    last, so that adding one never changes the positions of the others.
    """
    base_defaults = inspect.signature(ClassificationLoss.__init__).parameters
    function = list(inspect.signature(cls.function).parameters.values())[2:]
    keyword_only = {p.name: p.default for p in function if p.kind == p.KEYWORD_ONLY}
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for p in function:
        if p.name not in keyword_only:
            parameters.append(inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=p.default))
    parameters += [base_defaults[arg] for arg in BASE_ARGUMENTS + KERAS_ARGUMENTS]
    parameters += [
        inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY, default=default)
        for arg, default in {**keyword_only, **own_arguments(cls)}.items()
    ]
    return inspect.Signature(parameters)


def _with_explicit_init(cls):
    """Gives `cls` an `__init__` whose signature lists its arguments (not `**kwargs`).

    Run for every subclass that sets `function` and writes no `__init__` of its
    own; the arguments are passed on by keyword to the parent's `__init__`.
    """
    signature = init_signature(cls)

    def __init__(self, *args, **kwargs):
        positional = [p.name for p in signature.parameters.values() if p.kind != p.KEYWORD_ONLY][1:]
        if len(args) > len(positional):
            raise TypeError(
                f"{type(self).__name__} takes at most {len(positional)} positional arguments, got {len(args)}."
            )
        named = dict(zip(positional, args))
        repeated = sorted(set(named) & set(kwargs))
        if repeated:
            raise TypeError(f"{type(self).__name__} got multiple values for {', '.join(repeated)}.")
        # The parent's __init__ (ClassificationLoss's at the root) checks names against `function`.
        super(cls, self).__init__(**named, **kwargs)

    __init__.__signature__ = signature
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__doc__ = f"Builds a `{cls.__name__}`; see the class docstring for the arguments."
    __init__._generated = True
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
        f"Acts on {info.acts_on}; range `{info.value_range}`. {info.paper.rstrip('.')}.\n"
        + (MULTI_LABEL_NOTE if info.multi_label else SINGLE_LABEL_NOTE)
    )
    parts = [summary, facts, before.strip("\n"), args(arguments), after.strip("\n")]
    cls.__doc__ = "\n\n".join(part for part in parts if part) + "\n"
    # The plain function: the same facts and arguments, for `help(keras_losses.focal)`; once, by its own class.
    if "function" not in vars(cls) or getattr(cls.function, "_documented", False):
        return
    class_level = BASE_ARGUMENTS + KERAS_ARGUMENTS + tuple(own_arguments(cls))
    function_args = ["y_true", "y_pred"] + [arg for arg in arguments if arg not in class_level]
    returns = (
        "Returns:\n    The loss of each example, shape `(B,)`, or of each position, `(B, …)`, for dense outputs "
        "(no reduction, no sample weights)."
    )
    source = inspect.cleandoc(cls.function.__doc__ or f"Per-example values of `{cls.__name__}`.")
    cls.function.__doc__ = "\n\n".join([source, summary, facts, args(function_args), returns]) + "\n"
    cls.function._documented = True


def serializable(cls):
    """Registers `cls` for Keras serialization under the `keras_losses` package."""
    return keras.saving.register_keras_serializable(package=PACKAGE)(cls)


def register(name, *, formula, acts_on, value_range, paper, tunable=None, multi_label=False, canonical=True):
    """Class decorator: declares loss `name`'s facts and registers the class.

    Args:
        name: the canonical name (`compile(loss=name)`, `keras_losses.get(name)`).
        formula: the per-example formula, in the notation of its module.
        acts_on: `RAW`, `SOFTMAX` or `SIGMOID`.
        value_range: the range of the per-example value, e.g. `"[0, ∞)"`.
        paper: where the loss comes from.
        tunable: `{argument: Tunable(low, high, sampling)}`, the search range of
            each argument worth tuning (the default is the function's).
        multi_label: True for a per-class (sigmoid / one-vs-all) loss, defined on
            multi-hot targets (any number of positive classes per example); the
            others are single-label losses and refuse multi-hot or empty rows.
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
        smooths = acts_on == SOFTMAX and "label_smoothing" not in defaults  # as `own_arguments` will say
        unknown = sorted(set(tunable or {}) - set(defaults) - ({"label_smoothing"} if smooths else set()))
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
            multi_label=bool(multi_label),
        )
        cls.canonical_name = name
        cls.info = info
        if getattr(cls.__init__, "_generated", False):  # its own arguments depend on what it acts on
            _with_explicit_init(cls)
        _complete_docstring(cls, info)
        if canonical:
            CATALOG[name] = info
        return serializable(cls)

    return decorate
