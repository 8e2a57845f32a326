"""Multi-label heads for the zoo's families: K independent sigmoid units in place of the softmax.

The families (`mlp`, `cnn`, `resnet`) output K logits by default, which is already a
multi-label model: the multi-label losses apply a sigmoid per unit themselves. Only their
probabilities differ, `σ(z_k)` per label rather than `softmax(z)`: `sigmoid_outputs` turns a
built family model (logits or softmax probabilities out) into one whose "probabilities"
layer is the sigmoid of its "logits" layer (same weights), and `multi_label_builder` wraps a
family builder so `output="probabilities"` means sigmoids.

>>> from zoo.models.families import mlp
>>> tagger = multi_label_builder(mlp)
>>> model = tagger((8,), 5, depth=1, output="probabilities")
>>> model.layers[-1].name, model.layers[-1].activation.__name__, model.output_shape
('probabilities', 'sigmoid', (None, 5))
"""

import functools
from collections.abc import Callable

import keras
from keras import layers


def sigmoid_outputs(model: keras.Model) -> keras.Model:
    """`model` (a family model with a "logits" layer) ending in sigmoid units named "probabilities" (float32)."""
    try:
        logits = model.get_layer("logits").output
    except ValueError:
        raise ValueError(
            f"Model {model.name!r} has no 'logits' layer; sigmoid_outputs takes the zoo's family models."
        ) from None
    probabilities = layers.Activation("sigmoid", name="probabilities", dtype="float32")(logits)
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # The structure it was built with.
    return keras.Model(inputs, probabilities, name=model.name)


def multi_label_builder(builder: Callable[..., keras.Model]) -> Callable[..., keras.Model]:
    """A family builder whose `output="probabilities"` ends in K sigmoids (logits out unchanged)."""

    @functools.wraps(builder)
    def build(input_shape, num_classes, *args, output="logits", **options) -> keras.Model:
        model = builder(input_shape, num_classes, *args, output="logits", **options)
        return model if output == "logits" else sigmoid_outputs(model)

    return build
