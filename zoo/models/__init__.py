"""Models: the registry of builders by name, and the zoo's families.

- `registry`: `build(name, ...)`, `names()`, `options(model, depth, width)`, `MODELS`;
- `families`: `mlp`, `cnn` (VGG blocks) and `resnet` (CIFAR ResNet), logits out.

>>> from zoo import models
>>> models.names()
['cnn', 'mlp', 'resnet']
"""

from zoo.models import families  # noqa: F401  (registers the families)
from zoo.models.registry import MODELS, OUTPUTS, WIDTH_ARGUMENT, build, names, options

__all__ = ["MODELS", "OUTPUTS", "WIDTH_ARGUMENT", "build", "names", "options"]
