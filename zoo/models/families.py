"""Model builders of the zoo: MLP, VGG-style CNN and CIFAR ResNet families.

Every builder is a small pure function
`(input_shape, num_classes, depth=..., ..., output="logits", head="linear") -> keras.Model`
registered under a stable name, so experiments pick a family and a depth by
name:

>>> import zoo
>>> model = zoo.build("mlp", depth=3, input_shape=(8, 8, 1), num_classes=10)
>>> model.name, model.output_shape
('mlp_d3', (None, 10))

Models output logits by default; `output="probabilities"` appends a softmax
layer named "probabilities". The last layers compute in float32 so the
models also work under a `mixed_float16` policy. The "logits" layer is a
`Dense` (`head="linear"`, the default) or, with `head="cosine"`, a
`zoo.models.layers.CosineLogits` (cosines in [−1, 1], the setting of LDAM's
authors):

>>> zoo.build("mlp", depth=1, input_shape=(4,), num_classes=3, head="cosine").get_layer("logits").scale
1.0
"""

import math

import keras
from keras import layers

from zoo.models.layers import CosineLogits
from zoo.models.registry import MODELS, OUTPUTS, check_head

# ---------------------------------------------------------------- helpers


def _check_common(num_classes: int, output: str, head: str) -> None:
    check_head(head)
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}.")
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}.")


def _check_depth(family: str, depth: int, minimum: int = 1) -> None:
    if not isinstance(depth, int) or depth < minimum:
        raise ValueError(f"{family} depth must be an integer >= {minimum}, got {depth!r}.")


def _head(inputs, x, num_classes: int, output: str, head: str, name: str) -> keras.Model:
    """Adds the float32 "logits" layer, Dense or CosineLogits by `head` (and "probabilities"); wraps a Model."""
    if head == "cosine":
        x = CosineLogits(num_classes, name="logits", dtype="float32")(x)
    else:
        x = layers.Dense(num_classes, name="logits", dtype="float32")(x)
    if output == "probabilities":
        x = layers.Activation("softmax", name="probabilities", dtype="float32")(x)
    return keras.Model(inputs, x, name=name)


def _as_image(inputs, input_shape: tuple[int, ...]):
    """Returns `inputs` as a (height, width, channels) tensor.

    Flat inputs whose size is a perfect square become (s, s, 1) images and
    (height, width) inputs get a channel axis.
    """
    if len(input_shape) == 3:
        return inputs
    if len(input_shape) == 2:
        return layers.Reshape((*input_shape, 1), name="to_image")(inputs)
    if len(input_shape) == 1:
        side = math.isqrt(input_shape[0])
        if side * side == input_shape[0]:
            return layers.Reshape((side, side, 1), name="to_image")(inputs)
    raise ValueError(
        "Convolutional models need (height, width, channels), (height, width) or "
        f"flat square inputs, got input_shape={input_shape}."
    )


def _conv_bn_act(x, filters, name, *, strides=1, batch_norm=True, activation="relu", weight_decay=0.0):
    """Conv 3x3 ("same") -> optional BatchNorm -> optional activation."""
    regularizer = keras.regularizers.L2(weight_decay) if weight_decay else None
    x = layers.Conv2D(
        filters,
        3,
        strides=strides,
        padding="same",
        use_bias=not batch_norm,
        kernel_initializer="he_normal",
        kernel_regularizer=regularizer,
        name=f"{name}_conv",
    )(x)
    if batch_norm:
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
    if activation:
        x = layers.Activation(activation, name=f"{name}_act")(x)
    return x


# ---------------------------------------------------------------- MLP


@MODELS.register("mlp")
def mlp(
    input_shape,
    num_classes,
    depth=3,
    width=128,
    activation="relu",
    dropout=0.0,
    batch_norm=False,
    output="logits",
    head="linear",
) -> keras.Model:
    """Multilayer perceptron with `depth` hidden Dense layers of `width` units.

    Layers are named `dense_i`, `bn_i`, `act_i`, `dropout_i` (i = 1..depth),
    then `logits` (and `probabilities`). The model is named `mlp_d{depth}`.
    """
    _check_common(num_classes, output, head)
    _check_depth("mlp", depth)
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = layers.Flatten(name="flatten")(inputs)
    for i in range(1, depth + 1):
        x = layers.Dense(width, use_bias=not batch_norm, name=f"dense_{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"bn_{i}")(x)
        x = layers.Activation(activation, name=f"act_{i}")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    return _head(inputs, x, num_classes, output, head, name=f"mlp_d{depth}")


# ---------------------------------------------------------------- CNN


@MODELS.register("cnn")
def cnn(
    input_shape,
    num_classes,
    depth=2,
    filters=32,
    activation="relu",
    dropout=0.0,
    batch_norm=False,
    output="logits",
    head="linear",
) -> keras.Model:
    """VGG-style CNN: `depth` blocks of conv-conv-maxpool, filters doubling per block.

    Block `b` has layers `block{b}_conv{1,2}_conv` (+ `_bn`, `_act`),
    `block{b}_pool` and `block{b}_dropout`; pooling is skipped once the
    feature map is 1 pixel wide, so deep models also fit 8x8 inputs. A global
    average pool (`gap`) feeds the `logits` layer. Named `cnn_d{depth}`.
    """
    _check_common(num_classes, output, head)
    _check_depth("cnn", depth)
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = _as_image(inputs, tuple(input_shape))
    for block in range(1, depth + 1):
        block_filters = filters * 2 ** (block - 1)
        for conv in (1, 2):
            x = _conv_bn_act(x, block_filters, f"block{block}_conv{conv}", batch_norm=batch_norm, activation=activation)
        if min(x.shape[1], x.shape[2]) > 1:
            x = layers.MaxPooling2D(2, padding="same", name=f"block{block}_pool")(x)
        if dropout:
            x = layers.Dropout(dropout, name=f"block{block}_dropout")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    return _head(inputs, x, num_classes, output, head, name=f"cnn_d{depth}")


# ---------------------------------------------------------------- ResNet


def _resnet_depths(limit=110):
    return [6 * n + 2 for n in range(1, (limit - 2) // 6 + 1)]


def _shortcut(x, filters, strides, name, kind, weight_decay):
    """The shortcut of a basic block: identity, projection (1x1 conv + BN) or padding."""
    if strides == 1 and x.shape[-1] == filters:
        return x
    if kind == "projection":
        regularizer = keras.regularizers.L2(weight_decay) if weight_decay else None
        x = layers.Conv2D(
            filters,
            1,
            strides=strides,
            use_bias=False,
            kernel_initializer="he_normal",
            kernel_regularizer=regularizer,
            name=f"{name}_proj_conv",
        )(x)
        return layers.BatchNormalization(name=f"{name}_proj_bn")(x)
    # Option A of He et al.: subsample, then zero-pad the channels (built-in layers only,
    # so saved models load without custom objects).
    if strides != 1:
        x = layers.MaxPooling2D(1, strides=strides, name=f"{name}_subsample")(x)
    height, width, channels = x.shape[1:]
    extra = filters - channels
    x = layers.Reshape((height, width, channels, 1), name=f"{name}_pad_reshape")(x)
    x = layers.ZeroPadding3D(((0, 0), (0, 0), (extra // 2, extra - extra // 2)), name=f"{name}_pad")(x)
    return layers.Reshape((height, width, filters), name=f"{name}_pad_merge")(x)


def _basic_block(x, filters, strides, name, shortcut, weight_decay):
    """conv-BN-relu-conv-BN, add the shortcut, relu."""
    skip = _shortcut(x, filters, strides, name, shortcut, weight_decay)
    x = _conv_bn_act(x, filters, f"{name}_1", strides=strides, weight_decay=weight_decay)
    x = _conv_bn_act(x, filters, f"{name}_2", activation=None, weight_decay=weight_decay)
    x = layers.Add(name=f"{name}_add")([x, skip])
    return layers.Activation("relu", name=f"{name}_out")(x)


@MODELS.register("resnet")
def resnet(
    input_shape,
    num_classes,
    depth=20,
    width=16,
    shortcut="projection",
    weight_decay=0.0,
    output="logits",
    head="linear",
) -> keras.Model:
    """CIFAR ResNet of He et al. 2016 (section 4.2) with `depth = 6n + 2` layers.

    A 3x3 conv stem, then 3 stages of `n` basic blocks with 16, 32, 64
    filters (scaled by `width / 16`), the first block of stages 2 and 3
    striding by 2, global average pooling and the `logits` layer.
    `shortcut` is "projection" (1x1 conv, option B) or "padding" (option A).
    Block `s` of stage `t` is named `stage{t}_block{s}`. Named `resnet_d{depth}`.
    """
    _check_common(num_classes, output, head)
    if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(
            f"resnet depth must be 6n+2 with n >= 1 (e.g. {', '.join(map(str, _resnet_depths()))}), got {depth!r}."
        )
    if shortcut not in ("projection", "padding"):
        raise ValueError(f"shortcut must be 'projection' or 'padding', got {shortcut!r}.")
    blocks = (depth - 2) // 6
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = _as_image(inputs, tuple(input_shape))
    x = _conv_bn_act(x, width, "stem", weight_decay=weight_decay)
    for stage in range(1, 4):
        filters = width * 2 ** (stage - 1)
        for block in range(1, blocks + 1):
            strides = 2 if stage > 1 and block == 1 else 1
            x = _basic_block(x, filters, strides, f"stage{stage}_block{block}", shortcut, weight_decay)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    return _head(inputs, x, num_classes, output, head, name=f"resnet_d{depth}")
