"""The Jensen–Shannon loss of Englesson & Azizpour (NeurIPS 2021).

Englesson & Azizpour, "Generalized Jensen-Shannon Divergence Loss for Learning
with Noisy Labels". The loss is the π-weighted Jensen–Shannon divergence between
the label distribution `y` and the prediction `p`, scaled so that it tends to
cross-entropy as `π → 0` and to MAE as `π → 1`:

    m = π·y + (1 − π)·p
    JS_π(y, p) = π·KL(y ‖ m) + (1 − π)·KL(p ‖ m)
    loss = JS_π(y, p) / (−(1 − π)·log(1 − π))

`p = softmax(o)` (or the given probabilities). As in the authors' code
(ErikEnglesson/GJS, `losses.py`: `JensenShannonDivergenceWeightedScaled` with
weights `[π, 1 − π]`), `KL(d ‖ m) = Σ_{d_k > 0} d_k·(log max(d_k, 1e−7) −
log max(m_k, 1e−7))`.

The generalised divergence (GJS) compares the label with the predictions `p⁽¹⁾ … p⁽ᴹ⁾` of M
augmented views of the same input: weight π for the label, `(1 − π)/M` for each view, and the
weighted mean of all of them as the mixture,

    m = π·y + (1 − π)/M · Σ_v p⁽ᵛ⁾
    GJS_π = π·KL(y ‖ m) + (1 − π)/M · Σ_v KL(p⁽ᵛ⁾ ‖ m)
    loss = GJS_π / (−(1 − π)·log(1 − π))

(the authors' `JensenShannonDivergenceWeightedScaled` with weights `[π, (1 − π)/M, …]` and a list of M
predictions). With one view it is the JS above. The views are an explicit axis of the outputs, `(B, M, K)`
(`(B, …, M, K)` for dense outputs), declared by `views=M`.
"""

import math

from keras import ops

from keras_losses._probabilities import softmax_parts
from keras_losses._targets import _rank, targets_and_outputs
from keras_losses.base import SOFTMAX, ClassificationLoss, Tunable, register

try:  # the mask `ClassificationLoss.call` sets for `ignore_class`, carried from views to examples
    from keras.src.backend import get_keras_mask as _get_keras_mask
    from keras.src.backend import set_keras_mask as _set_keras_mask
except ImportError:  # pragma: no cover (a Keras without loss masks: ignore_class says so when used)
    _get_keras_mask = _set_keras_mask = None

LOG_FLOOR = math.log(1e-7)


def _kl_to(distribution, log_distribution, log_mean):
    """`Σ_{d > 0} d·(log max(d, 1e−7) − log_mean)` per example (the authors' `custom_kl_div`)."""
    terms = distribution * (ops.maximum(log_distribution, LOG_FLOOR) - log_mean)
    return ops.sum(ops.where(distribution > 0, terms, 0.0), axis=-1)


def _scaled_divergence(y, p, log_p, pi, views_axis=False):
    """The scaled GJS of label `y` `(…, K)` and prediction `p` `(…, K)` (JS), or predictions `(…, M, K)`
    with `views_axis` (GJS over M views)."""
    if views_axis:
        mean = pi * y + (1.0 - pi) * ops.mean(p, axis=-2)
        log_mean = ops.log(ops.clip(mean, 1e-7, 1.0))
        views = ops.mean(_kl_to(p, log_p, ops.expand_dims(log_mean, -2)), axis=-1)
    else:
        mean = pi * y + (1.0 - pi) * p
        log_mean = ops.log(ops.clip(mean, 1e-7, 1.0))
        views = _kl_to(p, log_p, log_mean)
    # KL(y ‖ m) as `_kl_to` takes it, with fewer ops: log y is already floored at log 1e−7 and every term is
    # finite, so y = 0 gives 0 without a mask (labels need no gradient).
    label_term = ops.sum(y * (ops.log(ops.clip(y, 1e-7, 1.0)) - log_mean), axis=-1)
    divergence = pi * label_term + (1.0 - pi) * views
    return divergence / (-(1.0 - pi) * math.log(1.0 - pi))


def views_shape_error(y_pred_shape, views, y_true_shape=None):
    """The ValueError for outputs (or labels) that do not hold `views` stacked predictions on axis −2."""
    labels = f" and labels of shape {tuple(y_true_shape)}" if y_true_shape is not None else ""
    return ValueError(
        f"keras_losses: js with views={views} needs y_pred of shape (B, {views}, K) — or (B, …, {views}, K) for "
        f"dense outputs — the {views} views' predictions stacked on axis −2, with labels of shape (B,), (B, 1) or "
        f"(B, K) (one label per example, shared by its views); got y_pred of shape {tuple(y_pred_shape)}{labels}. "
        "For one prediction per example use views=1 with y_pred of shape (B, 1, K), or leave views unset (None) "
        "with y_pred of shape (B, K)."
    )


def _check_views(y_pred, views):
    shape = tuple(y_pred.shape)
    if len(shape) < 3 or shape[-2] != views:
        raise views_shape_error(shape, views)


def js(y_true, y_pred, from_logits=False, pi=0.5, views=None):
    """Per-example values of `JensenShannon`; with `views=M`, `y_pred` `(…, M, K)` and labels of `(…)`."""
    if views is None:
        y, o = targets_and_outputs(y_true, y_pred)
        p, log_p = softmax_parts(o, from_logits)
        return _scaled_divergence(y, p, log_p, pi)
    y_pred = ops.convert_to_tensor(y_pred)
    _check_views(y_pred, views)
    y, _ = targets_and_outputs(y_true, y_pred[..., 0, :])
    p, log_p = softmax_parts(y_pred, from_logits)
    return _scaled_divergence(y, p, log_p, pi, views_axis=True)


@register(
    "js",
    formula="(π·KL(y‖m) + (1 − π)/M·Σ_v KL(p⁽ᵛ⁾‖m)) / (−(1 − π)·log(1 − π)), m = π·y + (1 − π)/M·Σ_v p⁽ᵛ⁾ "
    "(one prediction: M = 1, p⁽¹⁾ = p)",
    acts_on=SOFTMAX,
    value_range="[0, 1 + π·log π / ((1 − π)·log(1 − π))]",
    paper="Englesson & Azizpour (2021)",
    tunable={"pi": Tunable(0.1, 0.9)},
)
class JensenShannon(ClassificationLoss):
    """Scaled π-weighted (generalized) Jensen–Shannon divergence between the label and the prediction(s).

    Tends to cross-entropy as π → 0 and to (half the) MAE as π → 1; the authors
    search π in [0.1, 0.9] (0.7 on CIFAR-10 with 40% symmetric noise for JS).

    Several views (GJS; `"gjs"` is another name of this loss): with `views=M`, `y_pred` holds, for each
    example, the model's predictions on M augmentations of the same input, stacked on axis −2: shape
    `(B, M, K)`, or `(B, …, M, K)` for dense outputs (each position an example). Without `views` (the
    default) there is no views axis: `(B, K)` or dense `(B, …, K)` with every position an example, as
    for every loss. So a dense `(B, H, W, K)` output is never read as views, and with `views=M` any
    shape whose axis −2 is not M is refused, naming the shapes. The label is the example's, shared by
    its views: `(B,)`, `(B, 1)` or `(B, K)`. `views=1` with `(B, 1, K)` equals the default on `(B, K)`.
    Besides fitting the label, the views' terms pull the views' predictions together (a consistency
    term); the authors use M = 2 with π up to 0.9 (`js_weights: 0.9 0.05 0.05`, CIFAR-10, 40% symmetric
    noise). At inference, apply the network to one (unaugmented) input.

    Args:
        pi: π in (0, 1), the weight of the label distribution; each of M views weighs (1 − π)/M.
        views: None (one prediction per example, no views axis), or M ≥ 1, the number of views
            stacked on axis −2 of `y_pred`.

    Example:

    >>> import keras, keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.JensenShannon(from_logits=True)(y_true, logits)), 4)
    0.3026
    >>> two_views = [[[-1.0, 2.0, 0.5], [-0.5, 1.0, 0.8]], [[0.3, -0.2, 1.5], [0.0, 0.4, 1.0]]]  # (B, M=2, K)
    >>> round(float(keras_losses.JensenShannon(from_logits=True, views=2)(y_true, two_views)), 4)
    0.499

    A model for M = 2 views applies one network to two augmented copies of its input and stacks
    the outputs on axis 1 (with Keras layers, so that the model saves and loads as a `.keras` file):

    >>> augment = keras.layers.RandomTranslation(0.1, 0.1)  # any random augmentation
    >>> network = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(3)])
    >>> images = keras.Input((8, 8, 1))
    >>> outputs = [keras.layers.Reshape((1, 3))(network(augment(images))) for _ in range(2)]  # same weights
    >>> model = keras.Model(images, keras.layers.Concatenate(axis=1)(outputs))
    >>> model.output_shape
    (None, 2, 3)
    >>> model.compile("adam", loss=keras_losses.JensenShannon(from_logits=True, views=2))
    >>> import numpy as np
    >>> images, labels = np.random.default_rng(0).random((8, 8, 8, 1)), np.arange(8) % 3  # one label per image
    >>> history = model.fit(images, labels, epochs=1, verbose=0)
    """

    function = staticmethod(js)

    def call(self, y_true, y_pred):
        """With views: each view is a position sharing its example's label (so that `ClassificationLoss.call`
        handles every label layout, `ignore_class`, smoothing and class weights); `_function_values` folds
        the views of each example back together, and each example's value is returned once."""
        views = self.arguments["views"]
        if views is None:
            return super().call(y_true, y_pred)
        y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
        _check_views(y_pred, views)
        values = super().call(self._labels_per_view(y_true, y_pred), y_pred)
        mask = _get_keras_mask(values) if _get_keras_mask is not None else None
        values = values[..., 0]  # equal along the views axis
        if mask is not None:
            values = ops.where(mask[..., 0], values, 0.0)
            _set_keras_mask(values, mask[..., 0])
        return values

    def _labels_per_view(self, y_true, y_pred):
        """Labels of shape `(B, …)`, `(B, …, 1)` or `(B, …, K)` repeated for each view (axis −2 of `y_pred`)."""
        rank = _rank(y_pred)
        if _rank(y_true) == rank - 2:  # sparse (B, …)
            return ops.expand_dims(y_true, -1) + ops.zeros_like(y_pred[..., 0], dtype=y_true.dtype)
        if _rank(y_true) == rank - 1 and y_true.shape[-1] == 1 and y_pred.shape[-1] != 1:  # sparse (B, …, 1)
            return y_true + ops.zeros_like(y_pred[..., 0], dtype=y_true.dtype)
        if _rank(y_true) == rank - 1 and y_true.shape[-1] == y_pred.shape[-1]:  # one-hot or soft (B, …, K)
            return ops.expand_dims(y_true, -2) + ops.zeros_like(y_pred, dtype=y_true.dtype)
        raise views_shape_error(y_pred.shape, self.arguments["views"], y_true.shape)

    def _function_values(self, labels, y_pred, arguments):
        views = arguments["views"]
        if views is None:
            return super()._function_values(labels, y_pred, arguments)
        # Rows are (example, view) positions, an example's views consecutive: one value per example,
        # repeated for its views (the base class then applies class weights and masks per position).
        examples = ops.reshape(y_pred, (-1, views, y_pred.shape[-1]))
        first_view = ops.reshape(labels, (-1, views, *labels.shape[1:]))[:, 0]
        return ops.repeat(js(first_view, examples, **arguments), views, axis=0)
