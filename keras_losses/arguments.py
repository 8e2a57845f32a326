"""Validation of loss arguments, shared by the classes and the functions.

Each argument name means the same thing in every loss, so one check per
name serves all of them. `validate(name, value)` returns the value in the
form stored in `get_config()` (plain Python numbers and lists).
"""

import math
import numbers


def _number(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"keras_losses: `{name}` must be a number, got {value!r}.")
    return float(value)


def _non_negative(name, value):
    value = _number(name, value)
    if value < 0:
        raise ValueError(f"keras_losses: `{name}` must be >= 0, got {value}.")
    return value


def _positive(name, value):
    value = _number(name, value)
    if value <= 0:
        raise ValueError(f"keras_losses: `{name}` must be > 0, got {value}.")
    return value


def _q(name, value):
    value = _number(name, value)
    if not 0 < value <= 1:
        raise ValueError(f"keras_losses: `{name}` must be in (0, 1], got {value}.")
    return value


def _label_smoothing(name, value):
    value = _number(name, value)
    if not 0 <= value < 1:
        raise ValueError(f"keras_losses: `{name}` must be in [0, 1), got {value}.")
    return value


def unit_interval(name, value):
    """`value` as a float in [0, 1] (a check some losses add to their argument's usual one)."""
    value = _number(name, value)
    if not 0 <= value <= 1:
        raise ValueError(f"keras_losses: `{name}` must be in [0, 1], got {value}.")
    return value


def _boolean(name, value):
    if not isinstance(value, bool):
        raise ValueError(f"keras_losses: `{name}` must be True or False, got {value!r}.")
    return value


def _class_weights(name, value):
    if value is None:
        return None
    try:
        weights = [float(w) for w in list(value)]
    except (TypeError, ValueError):
        raise ValueError(f"keras_losses: `{name}` must be a sequence of K numbers, got {value!r}.") from None
    if not weights or min(weights) < 0:
        raise ValueError(f"keras_losses: `{name}` must be non-empty and >= 0, got {weights}.")
    return weights


def _ignore_class(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or float(value) != int(value):
        raise ValueError(f"keras_losses: `{name}` must be an integer label (e.g. 255) or None, got {value!r}.")
    return int(value)


def _class_counts(name, value):
    if value is None:  # refused by the loss that needs it (see REQUIRED)
        return None
    try:
        counts = [float(n) for n in list(value)]
    except (TypeError, ValueError):
        raise ValueError(f"keras_losses: `{name}` must be a sequence of K positive numbers, got {value!r}.") from None
    if not counts or not all(math.isfinite(n) and n > 0 for n in counts):
        raise ValueError(f"keras_losses: `{name}` must be K positive finite numbers, got {counts}.")
    return counts


# Arguments a loss cannot do without (it has no meaningful default), with what they are.
REQUIRED = {"class_counts": "the training count (or prior) of each of the K classes"}


def missing_message(loss, name):
    """One line: loss `loss` needs argument `name`, and how to pass it."""
    return (
        f"keras_losses: {loss!r} needs `{name}` ({REQUIRED[name]}), so it cannot be built from its name alone; "
        f'pass keras_losses.get("{loss}", {name}=[...]) as the loss.'
    )


_CHECKS = {
    "from_logits": _boolean,
    "detach_weights": _boolean,
    "gamma": _non_negative,
    "alpha": _non_negative,
    "beta": _non_negative,
    "epsilon": _number,
    "q": _q,
    "label_smoothing": _label_smoothing,
    "class_weights": _class_weights,
    "class_counts": _class_counts,
    "ignore_class": _ignore_class,
    "gamma_pos": _non_negative,
    "gamma_neg": _non_negative,
    "clip": _label_smoothing,  # a probability margin in [0, 1)
    "per_image": _boolean,
    "tau": _number,
    "max_margin": _non_negative,
    "scale": _positive,
}


def validate(name, value):
    """Check one loss argument by its name; return its canonical form."""
    check = _CHECKS.get(name)
    return value if check is None else check(name, value)
