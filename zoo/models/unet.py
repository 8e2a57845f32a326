"""A small U-Net-like fully-convolutional builder for dense (per-position) tasks.

`unet(input_shape, num_classes, depth=2, width=16, ...)` follows the families' builder
conventions (`zoo.models.families`): logits out by default, `output="probabilities"` appends
a softmax layer named "probabilities", the last layers compute in float32, `head` is
"linear" (a per-pixel Dense, i.e. a 1x1 convolution) or "cosine". Its output is
`(N, H, W, K)`: one score per class at every pixel of the input.

Architecture (Ronneberger et al. 2015, scaled down): `depth` down stages of two 3x3
conv-BN-activation layers and a 2x2 max pool, filters `width·2^(s−1)` at stage s; a
bottom of two convolutions with `width·2^depth` filters; `depth` up stages of a 2x2
transposed convolution (stride 2), concatenation with the down stage's features (the
skip connection) and two convolutions. Height and width must be divisible by `2^depth`.

>>> model = unet((32, 32, 1), num_classes=4, depth=2, width=8)
>>> model.name, model.output_shape
('unet_d2', (None, 32, 32, 4))
"""

import keras
from keras import layers

from zoo.models.families import _as_image, _check_common, _check_depth, _conv_bn_act, _head
from zoo.models.registry import MODELS


def _two_convs(x, filters: int, name: str, batch_norm: bool, activation: str):
    for conv in (1, 2):
        x = _conv_bn_act(x, filters, f"{name}_conv{conv}", batch_norm=batch_norm, activation=activation)
    return x


@MODELS.register("unet")
def unet(
    input_shape,
    num_classes,
    depth=2,
    width=16,
    activation="relu",
    dropout=0.0,
    batch_norm=True,
    output="logits",
    head="linear",
) -> keras.Model:
    """U-Net with `depth` down/up stages; per-pixel logits `(N, H, W, num_classes)`. Named `unet_d{depth}`.

    Layers: `down{s}_conv{1,2}` (+ `_bn`, `_act`), `down{s}_pool`, `bottom_conv{1,2}`,
    `bottom_dropout` (when `dropout`), `up{s}_upsample`, `up{s}_concat`, `up{s}_conv{1,2}`,
    then `logits` (and `probabilities`). Flat square and (height, width) inputs are
    reshaped to images as in the CNN family.
    """
    _check_common(num_classes, output, head)
    _check_depth("unet", depth)
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = _as_image(inputs, tuple(input_shape))
    factor = 2**depth
    if x.shape[1] % factor or x.shape[2] % factor:
        raise ValueError(
            f"unet depth {depth} needs height and width divisible by {factor}, got {x.shape[1]}x{x.shape[2]} "
            "(pad the images or lower the depth)."
        )
    skips = []
    for stage in range(1, depth + 1):
        x = _two_convs(x, width * 2 ** (stage - 1), f"down{stage}", batch_norm, activation)
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"down{stage}_pool")(x)
    x = _two_convs(x, width * factor, "bottom", batch_norm, activation)
    if dropout:
        x = layers.Dropout(dropout, name="bottom_dropout")(x)
    for stage in range(depth, 0, -1):
        filters = width * 2 ** (stage - 1)
        x = layers.Conv2DTranspose(filters, 2, strides=2, name=f"up{stage}_upsample")(x)
        x = layers.Concatenate(name=f"up{stage}_concat")([x, skips.pop()])
        x = _two_convs(x, filters, f"up{stage}", batch_norm, activation)
    return _head(inputs, x, num_classes, output, head, name=f"unet_d{depth}")
