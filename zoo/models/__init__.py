"""Models: the registry of builders by name, the zoo's families, and users' own models.

- `registry`: `build(name, ...)`, `names()`, `options(model, depth, width)`, `register(name)`, `unregister`, `MODELS`;
- `families`: `mlp`, `cnn` (VGG blocks) and `resnet` (CIFAR ResNet), logits out;
- `user_models`: `UserModel`, a user's builder or `keras.Model` as a logits builder (softmax cut off).

>>> from zoo import models
>>> models.names()
['cnn', 'mlp', 'resnet']
"""

from zoo.models import families  # noqa: F401  (registers the families)
from zoo.models.registry import (
    MODELS,
    OUTPUTS,
    USER_MODELS,
    WIDTH_ARGUMENT,
    build,
    names,
    options,
    register,
    unregister,
)

__all__ = ["MODELS", "OUTPUTS", "USER_MODELS", "WIDTH_ARGUMENT", "build", "names", "options", "register", "unregister"]
