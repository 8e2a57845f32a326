"""Layers of the zoo's models beyond Keras's own: `CosineLogits`, the cosine-normalised classifier head.

Registered with Keras under package "zoo" when this module is imported
(`import zoo.models`, `zoo.build`, `zoo.serving.load` and `python -m zoo.predict`
do), so a `.keras` file of a model with a cosine head loads after that.
"""

import keras
from keras import ops

# Added to the squared norms before the square root: a zero row or column gives a zero
# cosine, not a NaN (1e-12 on the norm, as tf.math.l2_normalize and torch's F.normalize).
EPSILON = 1e-12


@keras.saving.register_keras_serializable(package="zoo")
class CosineLogits(keras.layers.Layer):
    """Logits from cosine similarities: `z_j = scale · (x / ‖x‖) · (w_j / ‖w_j‖)`, no bias.

    Each input row `x` and each class's weight vector `w_j` (a column of the
    `(input_dim, units)` kernel) is L2-normalised, `v / sqrt(‖v‖² + ε²)` with
    `ε = 1e-12` (`EPSILON`, so a zero vector gives 0 rather than NaN), so
    every logit is a cosine in [−1, 1] times `scale`. Computed in float32.

    Why: LDAM (Cao et al. 2019, `keras_losses.ldam`) multiplies the
    margin-adjusted logits by `s = 30` (its default `scale`), which assumes
    logits in [−1, 1]: its authors pair it with this normalised last layer
    (`NormedLinear`). With this head keep `scale=1.0` here and LDAM's own `s`;
    with a plain Dense head use `ldam(scale=1.0)` instead (30 times unbounded
    logits makes the margins negligible).

    Args:
        units: the number of classes (output logits).
        scale: the factor on the cosines (> 0; 1.0 leaves them in [−1, 1]).

    >>> import numpy as np
    >>> layer = CosineLogits(2, scale=2.0)
    >>> layer.build((None, 2))
    >>> layer.set_weights([np.array([[1.0, 0.0], [0.0, 3.0]])])
    >>> np.round(keras.ops.convert_to_numpy(layer(np.array([[1.0, 1.0], [5.0, 0.0]]))), 4)
    array([[1.4142, 1.4142],
           [2.    , 0.    ]], dtype=float32)
    """

    def __init__(self, units: int, scale: float = 1.0, **kwargs):
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"CosineLogits units must be a positive integer, got {units!r}.")
        if not float(scale) > 0:
            raise ValueError(f"CosineLogits scale must be > 0, got {scale!r}.")
        self.units, self.scale = units, float(scale)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True
        )

    def call(self, x):
        x = x / ops.sqrt(ops.sum(ops.square(x), axis=-1, keepdims=True) + EPSILON**2)
        w = self.kernel / ops.sqrt(ops.sum(ops.square(self.kernel), axis=0, keepdims=True) + EPSILON**2)
        return self.scale * ops.matmul(x, w)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}
