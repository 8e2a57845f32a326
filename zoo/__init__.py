"""The zoo: model builders, datasets and noise for comparing classification losses.

>>> import zoo
>>> model = zoo.build("mlp", depth=3, input_shape=(8, 8, 1), num_classes=10)
>>> data = zoo.datasets.load("digits")  # doctest: +SKIP
>>> result = zoo.compare_losses(my_builder, (x, y), losses=["log_loss", "focal"])  # doctest: +SKIP

Submodules are imported lazily (Keras and TensorFlow load only when needed),
so `import zoo` stays cheap.
"""

import importlib
import importlib.util
import pkgutil

# What `pip install keras-losses[zoo]` brings (setup.cfg), by import name. Only
# looked up, not imported, so that `import zoo` stays cheap; without them it
# fails at once with one line instead of deep inside a run.
_REQUIRES = (
    "tensorflow",
    "tensorflow_datasets",
    "tensorboard",
    "sklearn",
    "scipy",
    "matplotlib",
    "tqdm",
    "PIL",
    "absl",
)


def _installed(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # imported already, without a spec
        return True


def require(package, names):
    """Raises a one-line ImportError naming `pip install keras-losses[package]` if any of `names` is missing.

    The error's `missing` attribute lists them (`tuning` re-raises it under its own extra).
    """
    missing = [name for name in names if not _installed(name)]
    if missing:
        error = ImportError(f"{package} needs {', '.join(missing)}, not installed: pip install keras-losses[{package}]")
        error.missing = missing
        raise error


require("zoo", _REQUIRES)

# The sub-packages and commands, `zoo.<name>`, imported on first use; `zoo.datasets` is
# `zoo.data.datasets`, the name users know from `zoo.datasets.load`.
_SUBPACKAGES = {info.name for info in pkgutil.iter_modules(__path__)}
_ALIASES = {"datasets": "zoo.data.datasets"}


def export(model, export_dir, logits=None, class_names=None):
    """Writes a TensorFlow SavedModel serving probabilities and the class (and `class_names`, when given).

    See `zoo.serving.export`; the SavedModel loads with TensorFlow alone.
    """
    from zoo import serving

    return serving.export(model, export_dir, logits=logits, class_names=class_names)


def build(name, *, input_shape, num_classes, depth=None, **options):
    """Builds model `name` (see `names()`), e.g. `build("cnn", depth=2, input_shape=(8, 8, 1), num_classes=10)`.

    `depth=None` uses the family's default depth; other options go to the builder.
    """
    from zoo import models

    if depth is not None:
        options["depth"] = depth
    return models.build(name, input_shape=input_shape, num_classes=num_classes, **options)


def compare_losses(model, data, **options):
    """Which loss for `model` on `data`: trains every loss, paired by seed; returns a `Comparison`.

    See `zoo.comparison.compare_losses` for the arguments.
    """
    from zoo import comparison

    return comparison.compare_losses(model, data, **options)


def names():
    """The registered model names, sorted."""
    from zoo import models

    return models.names()


def __getattr__(name):
    if name == "Comparison":  # Lazily, like `build`: importing it loads TensorFlow.
        from zoo import comparison

        return comparison.Comparison
    if name in _ALIASES:
        return importlib.import_module(_ALIASES[name])
    if name in _SUBPACKAGES:
        return importlib.import_module(f"zoo.{name}")
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBPACKAGES | set(_ALIASES) | {"Comparison"})
