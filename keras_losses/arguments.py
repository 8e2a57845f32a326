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


def _open_unit_interval(name, value):
    value = _number(name, value)
    if not 0 < value < 1:
        raise ValueError(f"keras_losses: `{name}` must be in (0, 1), got {value}.")
    return value


def _above_one(name, value):
    value = _number(name, value)
    if value <= 1:
        raise ValueError(f"keras_losses: `{name}` must be > 1, got {value}.")
    return value


def _positive_integer(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"keras_losses: `{name}` must be an integer >= 1, got {value!r}.")
    return int(value)


def _optional_positive_integer(name, value):
    return None if value is None else _positive_integer(name, value)


def _transition_matrix(name, value):
    """A row-stochastic square matrix `T[i][j] = P(observed j | true i)`, as nested lists of floats."""
    if value is None:  # refused by the loss that needs it (see REQUIRED)
        return None
    try:
        rows = [[float(entry) for entry in row] for row in value]
    except (TypeError, ValueError):
        raise ValueError(
            f"keras_losses: `{name}` must be a K×K matrix of numbers (nested lists), got {value!r}."
        ) from None
    size = len(rows)
    if size < 2 or any(len(row) != size for row in rows):
        raise ValueError(
            f"keras_losses: `{name}` must be square (K×K, K >= 2), got rows of lengths {[len(r) for r in rows]}."
        )
    entries = [entry for row in rows for entry in row]
    if not all(math.isfinite(entry) and entry >= 0 for entry in entries):
        raise ValueError(f"keras_losses: `{name}` must hold finite non-negative probabilities, got {rows}.")
    sums = [sum(row) for row in rows]
    bad = [i for i, total in enumerate(sums) if abs(total - 1.0) > 1e-6]
    if bad:
        raise ValueError(
            f"keras_losses: `{name}` rows must sum to 1 (row i is P(observed label | true class i)); "
            f"rows {bad} sum to {[round(sums[i], 6) for i in bad]}."
        )
    return rows


def _invertible_transition_matrix(name, value):
    rows = _transition_matrix(name, value)
    if rows is None:
        return None
    import numpy as np

    condition = np.linalg.cond(np.asarray(rows, dtype="float64"))
    if not np.isfinite(condition) or condition > 1e8:
        raise ValueError(
            f"keras_losses: `{name}` must be invertible for backward correction (it multiplies the losses by "
            f"T⁻¹); its condition number is {condition:.3g}. Use forward_corrected, which needs no inverse."
        )
    return rows


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
REQUIRED = {
    "class_counts": "the training count (or prior) of each of the K classes",
    "transition_matrix": "the K×K label-noise transition matrix T, T[i][j] = P(observed j | true i)",
}


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
    "t1": _positive,
    "t2": _positive,
    "num_iters": _positive_integer,
    "order": _positive_integer,
    "views": _optional_positive_integer,
    "min_prob": _open_unit_interval,
    "pi": _open_unit_interval,
    "a": _positive,
    "p": _non_negative,
    "transition_matrix": _transition_matrix,
}

# Where one loss gives an argument name another range than the shared check above (the authors' names).
_LOSS_CHECKS = {
    "agce": {"q": _positive},
    "aul": {"q": _positive, "a": _above_one},
    "seesaw": {"q": _non_negative},
    "bootstrap_soft": {"beta": unit_interval},
    "bootstrap_hard": {"beta": unit_interval},
    "backward_corrected": {"transition_matrix": _invertible_transition_matrix},
}


def validate(name, value, loss=None):
    """Check one loss argument by its name (and the loss's canonical name, where it narrows the check);
    return its canonical form."""
    check = _LOSS_CHECKS.get(loss, {}).get(name) or _CHECKS.get(name)
    return value if check is None else check(name, value)
