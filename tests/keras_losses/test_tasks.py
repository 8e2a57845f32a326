"""Task metadata: `register(..., multi_label=...)`, `LossInfo.tasks`, `describe()["tasks"]`, `names(...)`."""

import pytest

import keras_losses
from keras_losses import registry

# The losses that are sums of independent per-class terms (each term reads only y_k and o_k), so a
# multi-hot target is meaningful for them: checked below against the definition, not only listed.
PER_CLASS = {"l1", "l2", "ovr_hinge", "ovr_squared_hinge", "ovr_cubed_hinge", "logistic"}


def test_multi_label_losses_are_exactly_the_per_class_ones():
    listed = set(keras_losses.names(multi_label=True))
    assert PER_CLASS <= listed
    assert {"log_loss", "focal", "tanimoto", "cauchy_schwarz", "logistic_inr", "gce"}.isdisjoint(listed)
    assert keras_losses.names(task="multi_label") == keras_losses.names(multi_label=True)


def test_names_filters_partition_the_catalogue_in_order():
    everything = keras_losses.names()
    multi, single = keras_losses.names(multi_label=True), keras_losses.names(multi_label=False)
    assert sorted(multi + single) == sorted(everything)
    assert multi == [n for n in everything if n in multi]  # the catalogue's order is kept
    assert keras_losses.names(task="single_label") == everything
    assert keras_losses.names(task="dense") == everything


@pytest.mark.parametrize("name", keras_losses.names())
def test_tasks_are_derived_from_multi_label(name):
    info = registry.LOSSES[name]
    expected = ["single_label", "dense"] + (["multi_label"] if info.multi_label else [])
    assert list(info.tasks) == expected
    assert keras_losses.describe(name)["tasks"] == expected
    note = "Multi-label loss" if info.multi_label else "Single-label loss"
    assert note in info.cls.__doc__


def test_keras_losses_describe_tasks():
    assert keras_losses.describe("categorical_crossentropy")["tasks"] == ["single_label", "dense"]


def test_unknown_task_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Unknown task 'multilabel'\. Did you mean: 'multi_label'"):
        keras_losses.names(task="multilabel")


def test_register_declares_multi_label():
    from keras_losses.base import ClassificationLoss, register

    class Probe(ClassificationLoss):
        """Probe.

        Example:

        >>> 1
        1
        """

        function = staticmethod(lambda y_true, y_pred: y_pred)

    decorated = register(
        "probe", formula="o", acts_on="raw outputs", value_range="ℝ", paper="-", canonical=False, multi_label=True
    )(Probe)
    assert decorated.info.multi_label and "multi_label" in decorated.info.tasks
    assert "probe" not in keras_losses.names()


@pytest.mark.parametrize("name", keras_losses.names(multi_label=True))
def test_multi_label_losses_are_sums_of_per_class_terms(name):
    """A multi-label loss on K classes is the sum of the same loss on any split of the classes."""
    import numpy as np

    rng = np.random.default_rng(3)
    y = (rng.random((6, 4)) < 0.5).astype("float32")
    o = rng.normal(0.0, 2.0, size=(6, 4)).astype("float32")
    loss = keras_losses.for_logits(name, reduction=None)
    whole = np.asarray(loss(y, o))
    parts = np.asarray(loss(y[:, :2], o[:, :2])) + np.asarray(loss(y[:, 2:], o[:, 2:]))
    np.testing.assert_allclose(whole, parts, rtol=1e-5, atol=1e-6)
