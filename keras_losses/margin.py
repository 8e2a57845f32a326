"""One-vs-rest hinge losses with margin ½ on the raw outputs.

`o` are the raw outputs and `ŷ = 2y − 1` the ±1 labels (one per class);
a term is 0 once its output is on the right side of ±½. These are not
Keras's `"hinge"` and `"squared_hinge"`, which keep their meaning.
Janocha & Czarnecki (2017), arXiv:1702.05659.
"""

from keras import ops

from keras_losses._targets import targets_and_outputs
from keras_losses.base import RAW, ClassificationLoss, register
from keras_losses.distance import JANOCHA


def _ovr_hinge_power(y_true, y_pred, power):
    y, o = targets_and_outputs(y_true, y_pred)
    violation = ops.relu(0.5 - (2.0 * y - 1.0) * o)
    return ops.sum(violation if power == 1 else ops.power(violation, power), axis=-1)


def ovr_hinge(y_true, y_pred):
    """Per-example values of `OvrHinge`."""
    return _ovr_hinge_power(y_true, y_pred, 1)


def ovr_squared_hinge(y_true, y_pred):
    """Per-example values of `OvrSquaredHinge`."""
    return _ovr_hinge_power(y_true, y_pred, 2)


def ovr_cubed_hinge(y_true, y_pred):
    """Per-example values of `OvrCubedHinge`."""
    return _ovr_hinge_power(y_true, y_pred, 3)


@register("ovr_hinge", multi_label=True, formula="Σ max(0, ½ − ŷ·o)", acts_on=RAW, value_range="[0, ∞)", paper=JANOCHA)
class OvrHinge(ClassificationLoss):
    """One-vs-rest hinge loss with margin ½ on raw outputs.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.OvrHinge()(y_true, logits)), 4)
    1.05
    """

    function = staticmethod(ovr_hinge)


@register(
    "ovr_squared_hinge",
    multi_label=True,
    formula="Σ max(0, ½ − ŷ·o)²",
    acts_on=RAW,
    value_range="[0, ∞)",
    paper=JANOCHA,
)
class OvrSquaredHinge(ClassificationLoss):
    """One-vs-rest squared hinge loss with margin ½ on raw outputs.

    The paper's fastest learner.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.OvrSquaredHinge()(y_true, logits)), 4)
    0.865
    """

    function = staticmethod(ovr_squared_hinge)


@register(
    "ovr_cubed_hinge", multi_label=True, formula="Σ max(0, ½ − ŷ·o)³", acts_on=RAW, value_range="[0, ∞)", paper=JANOCHA
)
class OvrCubedHinge(ClassificationLoss):
    """One-vs-rest cubed hinge loss with margin ½ on raw outputs.

    Example:

    >>> import keras_losses
    >>> y_true = [1, 2]
    >>> logits = [[-1.0, 2.0, 0.5], [0.3, -0.2, 1.5]]
    >>> round(float(keras_losses.OvrCubedHinge()(y_true, logits)), 4)
    0.7695
    """

    function = staticmethod(ovr_cubed_hinge)
