"""LGL-INR (`logistic_inr`): the authors' batch-level definition, and 0.1.0's variant.

The reference (tests/keras_losses/reference.py) loops over classes as the
definition is written; these tests cover what the generic value tests do not:
the batch total, gradients, β = 0, absent classes, single-class batches.
"""

import numpy as np
import pytest

import keras_losses
from keras_losses import one_vs_all
from tests.keras_losses.backends import BACKEND, value_and_gradient
from tests.keras_losses.helpers import batch, reference, reference_values


@pytest.fixture(autouse=True, params=["dense route", "hard route"])
def route(request, monkeypatch):
    """Every test runs on both routes: the dense one (K ≤ DENSE_CLASSES, as here) and the hard one
    (segment sums and gathers, taken above DENSE_CLASSES classes), forced by lowering the bound."""
    if request.param == "hard route":
        monkeypatch.setattr(one_vs_all, "DENSE_CLASSES", 0)
    return request.param


def mean_loss(labels, logits, **config):
    return float(keras_losses.for_logits("logistic_inr", **config)(labels, logits.astype("float32")))


def gradient(labels, logits, **config):
    loss = keras_losses.for_logits("logistic_inr", **config)
    return value_and_gradient(loss, labels, logits)[1]


def numeric_gradient(total, logits, step=1e-6):
    grad = np.zeros_like(logits)
    for index in np.ndindex(*logits.shape):
        up, down = logits.copy(), logits.copy()
        up[index] += step
        down[index] -= step
        grad[index] = (total(up) - total(down)) / (2 * step)
    return grad


@pytest.mark.parametrize("beta", [0.0, 1.0, 4.0])
def test_batch_mean_is_the_sum_of_positive_and_negative_parts(beta):
    labels, _, logits = batch(seed=20, batch_size=24)
    want = reference.logistic_inr_total(labels, logits, beta=beta)
    np.testing.assert_allclose(mean_loss(labels, logits, beta=beta), want, rtol=1e-5)


@pytest.mark.parametrize("beta", [0.0, 1.0, 4.0])
def test_gradient_matches_finite_differences_of_the_reference(beta):
    labels, _, logits = batch(seed=21, batch_size=10, scale=1.5)
    want = numeric_gradient(lambda o: reference.logistic_inr_total(labels, o, beta=beta), logits)
    np.testing.assert_allclose(gradient(labels, logits, beta=beta), want, rtol=2e-3, atol=1e-5)


def test_detached_weights_are_constants_for_the_gradient():
    labels, _, logits = batch(seed=22, batch_size=10, scale=1.5)
    frozen = reference.inr_weights(labels, reference.sigmoid(logits), 2.0)

    def total_with_frozen_weights(o):
        s = reference.sigmoid(o)
        present = np.unique(labels)
        positive = sum(-np.log(s[labels == c, c]).mean() for c in present)
        negative = sum(
            frozen[c, k] * -np.log(1 - s[labels == c, k]).mean() for c in present for k in range(o.shape[1]) if k != c
        )
        return positive + negative

    detached = gradient(labels, logits, beta=2.0, detach_weights=True)
    np.testing.assert_allclose(detached, numeric_gradient(total_with_frozen_weights, logits), rtol=2e-3, atol=1e-5)
    assert not np.allclose(detached, gradient(labels, logits, beta=2.0), atol=1e-4)
    assert mean_loss(labels, logits, beta=2.0, detach_weights=True) == pytest.approx(
        mean_loss(labels, logits, beta=2.0)
    )


def test_beta_zero_weighs_the_negative_classes_of_each_output_equally():
    labels = np.array([0, 0, 1, 2, 2, 2])  # class 3 absent
    logits = np.random.default_rng(23).normal(0, 2, size=(6, 4))
    s = reference.sigmoid(logits)
    want = 0.0
    for c in (0, 1, 2):
        members = labels == c
        want += -np.log(s[members, c]).mean()
        for k in range(4):
            negatives = [d for d in (0, 1, 2) if d != k]
            if c in negatives:
                want += -np.log(1 - s[members, k]).mean() / len(negatives)
    np.testing.assert_allclose(mean_loss(labels, logits, beta=0.0), want, rtol=1e-5)


def test_harder_negative_class_weighs_more():
    labels = np.array([0, 1, 2])
    logits = np.array([[3.0, -2.0, -2.0], [-2.0, 3.0, 0.5], [-2.0, -2.0, 3.0]])
    # Output 2 fires more on class 1 than on class 0: class 1 weighs more for it.
    weights = reference.inr_weights(labels, reference.sigmoid(logits), 1.0)
    assert weights[1, 2] > weights[0, 2]
    base = mean_loss(labels, logits)
    harder = logits.copy()
    harder[1, 2] += 1.0
    # With β > 0 the hard negative's rise costs more than with equal weights.
    rise = {beta: mean_loss(labels, harder, beta=beta) - mean_loss(labels, logits, beta=beta) for beta in (0.0, 3.0)}
    assert rise[3.0] > rise[0.0] > 0
    assert base > 0


def test_absent_classes_take_no_weight_and_give_finite_values():
    labels = np.array([1, 1, 3, 3, 3])  # classes 0, 2 and 4 absent
    logits = np.random.default_rng(24).normal(0, 2, size=(5, 5))
    per_example = np.asarray(keras_losses.for_logits("logistic_inr", reduction=None)(labels, logits.astype("float32")))
    np.testing.assert_allclose(per_example, reference.logistic_inr(np.eye(5)[labels], logits), rtol=1e-5)
    weights = reference.inr_weights(labels, reference.sigmoid(logits), 1.0)
    assert np.all(weights[[0, 2, 4]] == 0)
    assert np.all(np.isfinite(gradient(labels, logits)))


def test_single_class_batch_is_the_logistic_loss():
    # One class present: output t has no negative class; every other output's
    # only negative class weighs 1, so L⁺ + L⁻ is the batch mean of LGL.
    labels = np.full(7, 2)
    logits = np.random.default_rng(25).normal(0, 2, size=(7, 4))
    want = reference.logistic(np.eye(4)[labels], logits).mean()
    np.testing.assert_allclose(mean_loss(labels, logits), want, rtol=1e-5)
    assert np.all(np.isfinite(gradient(labels, logits)))


def test_value_depends_on_the_batch_make_up():
    labels, _, logits = batch(seed=26, batch_size=16)
    whole = mean_loss(labels, logits)
    halves = np.mean([mean_loss(labels[:8], logits[:8]), mean_loss(labels[8:], logits[8:])])
    assert whole != pytest.approx(halves, rel=1e-4)


def test_sample_weight_scales_each_examples_share_of_the_total():
    labels, one_hot, logits = batch(seed=27, batch_size=12)
    sample_weight = np.random.default_rng(27).uniform(0, 2, size=12).astype("float32")
    got = float(keras_losses.for_logits("logistic_inr")(labels, logits.astype("float32"), sample_weight=sample_weight))
    shares = reference.logistic_inr(one_hot, logits) / len(labels)
    np.testing.assert_allclose(got, (shares * sample_weight).sum(), rtol=1e-5)


@pytest.mark.parametrize("config", [{}, {"gamma": 0.0}, {"gamma": 2.5}, {"class_weights": [1, 2, 0.5, 1, 3]}])
def test_per_example_variant_of_0_1_0_matches_its_reference(config):
    labels, one_hot, logits = batch(seed=28)
    loss = keras_losses.PerExampleLogisticINR(from_logits=True, reduction=None, **config)
    got = np.asarray(loss(labels, logits.astype("float32")))
    want = reference_values("per_example_logistic_inr", one_hot, logits, config)
    np.testing.assert_allclose(got, want, rtol=2e-5)


def test_configs_saved_with_gamma_load_as_the_0_1_0_variant():
    config = keras_losses.PerExampleLogisticINR(gamma=1.5, from_logits=True).get_config()
    config["name"] = "logistic_inr"
    loaded = keras_losses.LogisticINR.from_config(config)
    assert type(loaded) is keras_losses.PerExampleLogisticINR
    assert loaded.get_config()["gamma"] == 1.5
    assert (
        type(keras_losses.LogisticINR.from_config(keras_losses.LogisticINR().get_config())) is keras_losses.LogisticINR
    )


@pytest.mark.parametrize("beta", [0.0, 2.0])
def test_soft_labels_weigh_each_class_by_its_share(beta):
    """Soft rows take the dense route; example i belongs to class c with weight y[i,c]."""
    rng = np.random.default_rng(29)
    soft = rng.dirichlet(np.ones(4), size=9)
    soft[0] = np.eye(4)[1]  # a one-hot row among soft ones
    logits = rng.normal(0, 2, size=(9, 4))
    got = np.asarray(keras_losses.for_logits("logistic_inr", beta=beta, reduction=None)(soft, logits.astype("float32")))
    np.testing.assert_allclose(got, reference.logistic_inr_soft(soft, logits, beta=beta), rtol=1e-5, atol=1e-6)


def test_one_hot_and_sparse_labels_take_the_same_values_and_gradients():
    labels, one_hot, logits = batch(seed=30, batch_size=32, num_classes=8)
    for y_true in (labels, one_hot.astype("float32")):
        value, grad = value_and_gradient(keras_losses.for_logits("logistic_inr"), y_true, logits)
        np.testing.assert_allclose(value, reference.logistic_inr_total(labels, logits), rtol=1e-5)
        want = numeric_gradient(lambda o: reference.logistic_inr_total(labels, o), logits)
        np.testing.assert_allclose(grad, want, rtol=2e-3, atol=1e-5)


def test_unknown_argument_names_the_accepted_ones():
    with pytest.raises(TypeError, match="gamma.*accepts: from_logits, beta, detach_weights"):
        keras_losses.LogisticINR(gamma=1.0)


@pytest.mark.parametrize("labels_as", ["sparse", "one-hot", "soft"])
def test_many_classes_take_the_route_of_their_labels_with_the_same_values(labels_as):
    """Above DENSE_CLASSES (here K = 200, unforced) sparse and one-hot labels take the hard route,
    soft ones the dense route; all equal the reference, per example."""
    labels, one_hot, logits = batch(seed=31, batch_size=48, num_classes=200)
    loss = keras_losses.for_logits("logistic_inr", beta=2.0, reduction=None)
    if labels_as == "soft":
        y = np.random.default_rng(32).dirichlet(np.ones(200) * 0.05, size=48)
        want = reference.logistic_inr_soft(y, logits, beta=2.0)
    else:
        y = labels if labels_as == "sparse" else one_hot.astype("float32")
        want = reference.logistic_inr(one_hot, logits, beta=2.0)
    np.testing.assert_allclose(np.asarray(loss(y, logits.astype("float32"))), want, rtol=2e-5, atol=1e-5)


def test_probabilities_on_the_hard_route_equal_the_logits_route(route):
    labels, _, logits = batch(seed=33, batch_size=20, num_classes=6, scale=1.5)
    probabilities = (1 / (1 + np.exp(-logits))).astype("float32")
    from_probabilities = keras_losses.get("logistic_inr", reduction=None)(labels, probabilities)
    from_logits = keras_losses.for_logits("logistic_inr", reduction=None)(labels, logits.astype("float32"))
    np.testing.assert_allclose(np.asarray(from_probabilities), np.asarray(from_logits), rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow's XLA (jit_compile) only")
def test_one_hot_labels_at_the_benchmark_size_compile_with_xla(route):
    """One-hot labels at K = 1000 take the hard route behind a runtime check (a `cond`). Under XLA,
    with the inputs captured as constants as `benchmarks/bench_losses.py` has them, a gather's
    gradient inside the `cond` once failed to compile at this size (not at smaller ones); it must
    compile and equal the uncompiled values and gradients."""
    import tensorflow as tf

    if route == "dense route":
        pytest.skip("K = 1000 takes the hard route under both settings of the fixture")
    _, one_hot, logits = batch(seed=34, batch_size=4096, num_classes=1000)
    y, o = tf.constant(one_hot, tf.float32), tf.constant(logits, tf.float32)
    loss = keras_losses.for_logits("logistic_inr")

    def step():
        with tf.GradientTape() as tape:
            tape.watch(o)
            value = loss(y, o)
        return value, tape.gradient(value, o)

    value, grad = tf.function(step)()
    compiled_value, compiled_grad = tf.function(step, jit_compile=True)()
    np.testing.assert_allclose(compiled_value.numpy(), value.numpy(), rtol=1e-5)
    np.testing.assert_allclose(compiled_grad.numpy(), grad.numpy(), rtol=1e-4, atol=1e-7)


@pytest.mark.skipif(BACKEND == "torch", reason="no compiled mode is tested on torch")
def test_one_hot_labels_compiled_take_the_cond_and_equal_eager(route):
    """Traced (XLA, jax.jit) the one-hot check is a tensor and the routes meet in a `cond`; eagerly it
    is a Python branch. Both give the same values and gradients, on both routes, soft rows included."""
    labels, one_hot, logits = batch(seed=35, batch_size=12, num_classes=5)
    soft = np.random.default_rng(36).dirichlet(np.ones(5), size=12)
    loss = keras_losses.for_logits("logistic_inr", beta=1.5)
    for y in (one_hot.astype("float32"), soft.astype("float32")):
        value, grad = value_and_gradient(loss, y, logits)
        compiled_value, compiled_grad = value_and_gradient(loss, y, logits, compiled=True)
        np.testing.assert_allclose(compiled_value, value, rtol=1e-5)
        np.testing.assert_allclose(compiled_grad, grad, rtol=1e-4, atol=1e-6)
