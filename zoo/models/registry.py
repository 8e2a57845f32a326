"""The model registry: builders by stable name, `build`, `names`, `options`.

Every builder is a small pure function
`(input_shape, num_classes, depth=..., ..., output="logits") -> keras.Model`
registered under a stable name (`zoo.models.families` holds the zoo's own).
"""

from collections.abc import Sequence

import keras

from zoo.common.registry import Registry

MODELS = Registry("model")
OUTPUTS = ("logits", "probabilities")
# The builder argument that a family's "width" means (MLP units, CNN filters, ResNet width).
WIDTH_ARGUMENT = {"mlp": "width", "cnn": "filters", "resnet": "width"}


def build(name: str, *, input_shape: Sequence[int], num_classes: int, **options) -> keras.Model:
    """Builds the model registered as `name` (see `names()`)."""
    return MODELS.get(name, input_shape=tuple(input_shape), num_classes=num_classes, **options)


def names():
    """The registered model names, sorted."""
    return MODELS.names()


def options(model: str, depth: int, width=None) -> dict:
    """`zoo.build` options for `model` at `depth` and, if given, `width` (see `WIDTH_ARGUMENT`).

    >>> options("cnn", 2, width=8)
    {'depth': 2, 'filters': 8}
    """
    found = {"depth": depth}
    if width is not None:
        found[WIDTH_ARGUMENT[model]] = width
    return found
