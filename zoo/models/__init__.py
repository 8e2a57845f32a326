"""Models: the registry of builders by name, the zoo's families, and users' own models.

- `registry`: `build(name, ...)`, `names()`, `options(model, depth, width, head)`, `register(name)`, `unregister`,
  `MODELS`, `HEADS`;
- `families`: `mlp`, `cnn` (VGG blocks) and `resnet` (CIFAR ResNet), logits out (`head="linear"` or `"cosine"`);
- `layers`: `CosineLogits`, the cosine-normalised classifier head (registered with Keras on import);
- `user_models`: `UserModel`, a user's builder or `keras.Model` as a logits builder (softmax cut off);
- `unet`: a small U-Net for dense tasks, per-pixel logits `(N, H, W, K)`, registered as `unet`;
- `multi_label`: `sigmoid_outputs` / `multi_label_builder`, the families ending in K sigmoid units.

>>> from zoo import models
>>> models.names()
['cnn', 'mlp', 'resnet', 'unet']
"""

from zoo.models import families, layers, unet  # noqa: F401  (registers the families, the U-Net and the layers)
from zoo.models.registry import (
    HEADS,
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

__all__ = [
    "HEADS",
    "MODELS",
    "OUTPUTS",
    "USER_MODELS",
    "WIDTH_ARGUMENT",
    "build",
    "names",
    "options",
    "register",
    "unregister",
]
