"""String names in `model.compile(loss="cauchy_schwarz")`.

Keras 3 resolves a loss string only in its own table of built-in losses,
`keras.src.losses.ALL_OBJECTS_DICT` (read by `keras.losses.get`, which
`compile` and `compile_from_config` call); registered custom objects are not
consulted for strings. We therefore add this package's canonical names to
that table, mapping each to its class (Keras instantiates a class it finds
there with default arguments). Keras's own names are never touched.

The table is private API, so `install()` checks the Keras version against
the tested range and then verifies the mechanism end to end; on a Keras
where it does not work, importing `keras_losses` fails loudly with the
reason instead of `compile` failing later with "Could not interpret loss".
Direct use of the classes and `keras_losses.get` never depends on it.
"""

import warnings

import keras

# [min, max) of major.minor that CI runs the loss suite on: the oldest supported minor (Keras 3.10, JAX
# backend, `make test-oldest-keras`) and today's (3.15). setup.cfg allows up to the next major: a newer
# Keras gets one warning line at import, and the mechanism is verified end to end all the same.
TESTED_KERAS = ((3, 10), (3, 16))


class IncompatibleKerasError(ImportError):
    """Keras no longer resolves loss strings the way `install` relies on."""


def keras_version():
    return tuple(int(part) for part in keras.__version__.split(".")[:2])


def _string_table():
    from keras.src import losses as keras_losses_module

    table = getattr(keras_losses_module, "ALL_OBJECTS_DICT", None)
    if not isinstance(table, dict):
        raise IncompatibleKerasError(
            f"keras_losses {_own_version()}: Keras {keras.__version__} has no "
            "keras.src.losses.ALL_OBJECTS_DICT, so model.compile(loss=NAME) "
            "cannot resolve this package's loss names. Tested Keras range: "
            f"{_tested_range()}. Pass loss objects instead "
            "(keras_losses.get(NAME)) or install a tested Keras."
        )
    return table


def _own_version():
    from keras_losses._version import __version__

    return __version__


def _tested_range():
    (lo_major, lo_minor), (hi_major, hi_minor) = TESTED_KERAS
    return f">={lo_major}.{lo_minor},<{hi_major}.{hi_minor}"


def install(classes_by_name):
    """Make every `name -> class` resolvable by `keras.losses.get(name)`.

    Outside the tested Keras range one warning line says so (the mechanism is
    still verified below, and fails loudly if it does not work).
    """
    if not is_tested_keras():
        warnings.warn(
            f"keras_losses {_own_version()} is tested with Keras {_tested_range()}; Keras {keras.__version__} "
            "is installed: string names are verified at import, the rest is untested.",
            stacklevel=3,
        )
    table = _string_table()
    for name, cls in classes_by_name.items():
        existing = table.get(name)
        if existing is not None and existing is not cls:
            raise IncompatibleKerasError(
                f"keras_losses: the loss name {name!r} is already a Keras "
                f"built-in ({existing!r}) in Keras {keras.__version__}; it "
                "would be shadowed. Tested Keras range: " + _tested_range()
            )
    table.update(classes_by_name)
    for name, cls in classes_by_name.items():
        if getattr(getattr(cls, "info", None), "needs", ()):
            continue  # needs configuration, so Keras's `cls()` fails with the one line saying what to pass
        resolved = keras.losses.get(name)
        if not isinstance(resolved, cls):
            raise IncompatibleKerasError(
                f"keras_losses: keras.losses.get({name!r}) returned "
                f"{resolved!r} in Keras {keras.__version__}, not a {cls.__name__}. "
                f"Tested Keras range: {_tested_range()}."
            )


def is_tested_keras():
    lo, hi = TESTED_KERAS
    return lo <= keras_version() < hi
