"""Every label layout a classifier has (issue 25), for every loss: dense outputs `(B, …, K)`,
`ignore_class`, `label_smoothing`, and multi-hot targets (accepted by the multi-label losses,
refused by the single-label ones). Values against the flattened loss, Keras's own losses and
the float64 references of tests/keras_losses/reference.py (the definitions: docs/losses/)."""

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses import reference
from tests.keras_losses.backends import BACKEND, COMPILED, COMPILED_LABEL_ERROR, LABEL_ERROR, value_and_gradient
from tests.keras_losses.helpers import CLASS_WEIGHTS, NUM_CLASSES, for_logits

ALL = keras_losses.all_names()
VOID = 255
SHAPE = (2, 3, 4)  # (B, H, W): 24 positions


def _dense(seed=0, void_fraction=0.0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, NUM_CLASSES, size=SHAPE)
    labels[rng.random(SHAPE) < void_fraction] = VOID
    labels.flat[0], labels.flat[1] = 0, VOID if void_fraction else 1  # at least one kept, one void
    logits = rng.normal(0.0, 2.0, size=SHAPE + (NUM_CLASSES,)).astype("float32")
    return labels, logits


def _one_hot(labels):
    return np.eye(NUM_CLASSES, dtype="float32")[labels]


def _flat(x):
    return x.reshape((-1,) + x.shape[len(SHAPE) :])


# --- Dense outputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["sparse", "sparse_column", "one_hot"])
@pytest.mark.parametrize("name", ALL)
def test_dense_outputs_equal_the_flattened_loss(name, layout):
    """Per position and in the mean (Keras's: over every position), with class weights."""
    labels, logits = _dense(seed=1)
    y_true = {"sparse": labels, "sparse_column": labels[..., None], "one_hot": _one_hot(labels)}[layout]
    weights = {} if name == "categorical_hinge" else {"class_weights": CLASS_WEIGHTS}
    loss = for_logits(name, **weights)
    per_position = np.asarray(for_logits(name, reduction=None, **weights)(y_true, logits))
    flat = np.asarray(for_logits(name, reduction=None, **weights)(labels.reshape(-1), _flat(logits)))
    assert per_position.shape == SHAPE
    np.testing.assert_allclose(per_position.reshape(-1), flat, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(float(loss(y_true, logits)), flat.mean(), rtol=1e-5, atol=1e-5)


def test_logistic_inr_treats_each_position_as_an_example():
    """The batch-level loss on (B, H, W, K) is the reference's batch loss over the B·H·W positions."""
    labels, logits = _dense(seed=2)
    value = float(keras_losses.LogisticINR(from_logits=True)(labels, logits))
    want = reference.logistic_inr(_one_hot(labels).reshape(-1, NUM_CLASSES), _flat(logits).astype("float64"))
    np.testing.assert_allclose(value, want.mean(), rtol=1e-5)


def test_tanimoto_per_image_is_resunet_a_s_tanimoto():
    labels, logits = _dense(seed=3)
    loss = keras_losses.Tanimoto(from_logits=True, per_image=True, reduction=None)
    got = np.asarray(loss(labels, logits))
    want = reference.tanimoto(_one_hot(labels), logits.astype("float64"), per_image=True)
    assert got.shape == (SHAPE[0],)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    per_pixel = float(keras_losses.Tanimoto(from_logits=True)(labels, logits))
    assert not np.isclose(per_pixel, want.mean())  # the two readings differ


def test_dense_labels_of_another_shape_are_an_error_naming_both():
    labels, logits = _dense()
    with pytest.raises(ValueError, match=r"y_true.shape=\(2, 3\).*y_pred.shape=\(2, 3, 4, 5\)"):
        keras_losses.LogLoss(from_logits=True)(labels[:, :, 0], logits)


# --- ignore_class --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_ignore_class_is_the_loss_on_the_kept_positions_only(name):
    """With class weights and per-position sample weights: Σ_kept w·v / N_kept, as Keras's mean."""
    labels, logits = _dense(seed=4, void_fraction=0.3)
    kept = labels != VOID
    sample_weight = np.random.default_rng(5).random(SHAPE).astype("float32")
    weights = {} if name == "categorical_hinge" else {"class_weights": CLASS_WEIGHTS}
    ignoring = for_logits(name, ignore_class=VOID, **weights)
    got = float(ignoring(labels, logits, sample_weight=sample_weight))
    want = float(for_logits(name, **weights)(labels[kept], logits[kept], sample_weight=sample_weight[kept]))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    per_position = np.asarray(for_logits(name, ignore_class=VOID, reduction=None, **weights)(labels, logits))
    kept_values = np.asarray(for_logits(name, reduction=None, **weights)(labels[kept], logits[kept]))
    np.testing.assert_allclose(per_position[kept], kept_values, rtol=1e-5, atol=1e-6)
    assert np.all(per_position[~kept] == 0.0)


@pytest.mark.parametrize("compiled", [False, True] if COMPILED else [False])
@pytest.mark.parametrize("name", ["log_loss", "cauchy_schwarz", "logistic_inr", "asymmetric"])
def test_ignored_positions_get_no_gradient_also_compiled(name, compiled):
    """Under XLA (TensorFlow) and jax.jit as eagerly: same value, zero gradient at the void pixels."""
    labels, logits = _dense(seed=6, void_fraction=0.3)
    loss = keras_losses.for_logits(name, ignore_class=VOID)
    value, gradient = value_and_gradient(loss, labels, logits, compiled=compiled)
    kept = labels != VOID
    want = float(keras_losses.for_logits(name)(labels[kept], logits[kept]))
    np.testing.assert_allclose(value, want, rtol=1e-5)
    assert np.all(np.isfinite(gradient)) and np.all(gradient[~kept] == 0.0) and np.any(gradient[kept] != 0.0)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", None])
@pytest.mark.parametrize("sample_weight", [False, True])
def test_log_loss_ignore_class_is_keras_sparse_categorical_crossentropy(reduction, sample_weight):
    labels, logits = _dense(seed=7, void_fraction=0.4)
    weights = np.random.default_rng(8).random(SHAPE).astype("float32") if sample_weight else None
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID, reduction=reduction)
    ours = keras_losses.LogLoss(from_logits=True, ignore_class=VOID, reduction=reduction)
    np.testing.assert_allclose(
        np.asarray(ours(labels, logits, sample_weight=weights)),
        np.asarray(keras_loss(labels, logits, sample_weight=weights)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_every_position_ignored_gives_zero_as_keras():
    labels, logits = np.full(SHAPE, VOID), _dense()[1]
    assert float(keras_losses.LogLoss(from_logits=True, ignore_class=VOID)(labels, logits)) == 0.0
    assert float(keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID)(labels, logits)) == 0.0


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_tanimoto_per_image_leaves_ignored_pixels_out_of_the_image_sums(smoothing):
    labels, logits = _dense(seed=9, void_fraction=0.3)
    loss = keras_losses.Tanimoto(
        from_logits=True, per_image=True, ignore_class=VOID, label_smoothing=smoothing, reduction=None
    )
    got = np.asarray(loss(labels, logits))
    kept = (labels != VOID)[..., None]
    y = ((1 - smoothing) * _one_hot(np.where(labels == VOID, 0, labels)) + smoothing / NUM_CLASSES) * kept
    p = reference.softmax(logits.astype("float64")) * kept
    overlap = (p * y).sum((1, 2, 3))
    want = -overlap / ((p**2).sum((1, 2, 3)) + (y**2).sum((1, 2, 3)) - overlap)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_ignore_class_with_one_hot_labels_is_an_error():
    labels, logits = _dense()
    with pytest.raises(ValueError, match="ignore_class=255 applies to sparse labels"):
        keras_losses.LogLoss(from_logits=True, ignore_class=VOID)(_one_hot(labels), logits)


@pytest.mark.parametrize("bad", [1.5, "void", True])
def test_ignore_class_must_be_an_integer(bad):
    with pytest.raises(ValueError, match="`ignore_class` must be an integer label"):
        keras_losses.get("focal", ignore_class=bad)


def test_an_unignored_void_label_is_an_error_whose_last_line_names_it():
    labels, logits = _dense(seed=19, void_fraction=0.3)
    with pytest.raises(LABEL_ERROR) as error:
        keras_losses.LogLoss(from_logits=True)(labels, logits)
    last_line = str(error.value).strip().splitlines()[-1]
    assert "sparse labels must be integers in [0, 5)" in last_line and "ignore_class=255" in last_line
    assert last_line.endswith(": 255" if (labels == VOID).sum() == 1 else ", 255")


@pytest.mark.skipif(BACKEND != "tensorflow", reason="a TensorFlow graph")
def test_in_a_tensorflow_graph_the_last_line_names_the_failed_label_check():
    import tensorflow as tf

    labels, logits = _dense(seed=19, void_fraction=0.3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="got out-of-range label") as error:
        tf.function(keras_losses.LogLoss(from_logits=True), autograph=False)(tf.constant(labels), tf.constant(logits))
    assert "keras_losses_sparse_label_out_of_range" in str(error.value).strip().splitlines()[-1]


# --- label_smoothing -----------------------------------------------------------------------------

SMOOTHING = [name for name in keras_losses.names() if "label_smoothing" in keras_losses.describe(name)["defaults"]]


def test_label_smoothing_is_on_every_loss_reading_labels_as_a_distribution():
    softmax_losses = [n for n in keras_losses.names() if keras_losses.describe(n)["acts_on"] == "softmax probabilities"]
    assert SMOOTHING == softmax_losses and "focal" in SMOOTHING and "logistic" not in SMOOTHING
    tuned = {n for n in SMOOTHING if "label_smoothing" in keras_losses.describe(n)["tunable"]}
    assert {"log_loss", "poly1"} <= tuned


@pytest.mark.parametrize("name", SMOOTHING)
def test_label_smoothing_is_the_loss_on_smoothed_labels(name):
    """Sparse and one-hot labels alike: y ← (1 − ε)·y + ε/K, then the loss on those soft labels."""
    labels, logits = _dense(seed=10)
    smoothed = 0.8 * _one_hot(labels) + 0.2 / NUM_CLASSES
    want = np.asarray(for_logits(name, reduction=None)(smoothed, logits))
    for y_true in (labels, _one_hot(labels)):
        got = np.asarray(for_logits(name, label_smoothing=0.2, reduction=None)(y_true, logits))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "ours,theirs",
    [
        (keras_losses.LogLoss(from_logits=True, label_smoothing=0.2), keras.losses.CategoricalCrossentropy),
        (keras_losses.Focal(from_logits=True, label_smoothing=0.2), keras.losses.CategoricalFocalCrossentropy),
    ],
    ids=["log_loss", "focal"],
)
def test_label_smoothing_equals_keras(ours, theirs):
    labels, logits = _dense(seed=11)
    extra = {"alpha": 1.0} if theirs is keras.losses.CategoricalFocalCrossentropy else {}  # Keras's α; ours has none
    want = theirs(from_logits=True, label_smoothing=0.2, **extra)(_one_hot(labels), logits)
    np.testing.assert_allclose(float(ours(labels, logits)), float(want), rtol=1e-5)


@pytest.mark.parametrize(
    "name,options",
    [
        ("categorical_crossentropy", {"label_smoothing": 0.1}),
        ("categorical_focal_crossentropy", {"gamma": 1.0, "alpha": 0.5, "label_smoothing": 0.1}),
    ],
)
def test_keras_pass_through_forwards_every_argument_of_keras_s_class(name, options):
    labels, logits = _dense(seed=12)
    ours = keras_losses.get(name, from_logits=True, **options)
    theirs = getattr(keras.losses, _keras_class(name))
    want = theirs(from_logits=True, **options)(_one_hot(labels), logits)
    np.testing.assert_allclose(float(ours(labels, logits)), float(want), rtol=1e-5)
    restored = keras_losses.KerasLoss.from_config(ours.get_config())
    np.testing.assert_allclose(float(restored(labels, logits)), float(want), rtol=1e-5)


def _keras_class(name):
    return {
        "categorical_crossentropy": "CategoricalCrossentropy",
        "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
    }[name]


def test_keras_pass_through_refuses_an_argument_keras_does_not_take():
    with pytest.raises(TypeError, match="Keras's 'kl_divergence' takes no argument\\(s\\) gamma"):
        keras_losses.get("kl_divergence", gamma=1.0)
    assert keras_losses.describe("categorical_focal_crossentropy")["defaults"] == {
        "from_logits": False, "alpha": 0.25, "gamma": 2.0, "label_smoothing": 0.0,
    }  # fmt: skip
    assert float(keras_losses.get("categorical_crossentropy", axis=-1)([1], [[0.5, 0.5]])) > 0
    with pytest.raises(ValueError, match="the class axis must be the last"):
        keras_losses.get("categorical_crossentropy", axis=0)


# --- Multi-label targets -------------------------------------------------------------------------

SINGLE_LABEL = keras_losses.names(multi_label=False) + keras_losses.keras_names()
MULTI_LABEL = keras_losses.names(multi_label=True)


def _bad_rows(kind):
    logits = np.random.default_rng(13).normal(size=(4, NUM_CLASSES)).astype("float32")
    y = np.eye(NUM_CLASSES, dtype="float32")[[0, 1, 2, 3]]
    y[1] = [1, 0, 1, 0, 0] if kind == "multi_hot" else 0.0
    return y, logits


@pytest.mark.parametrize("kind", ["multi_hot", "empty"])
@pytest.mark.parametrize("name", SINGLE_LABEL)
def test_single_label_losses_refuse_multi_hot_and_empty_rows(name, kind):
    y, logits = _bad_rows(kind)
    with pytest.raises(LABEL_ERROR) as error:
        for_logits(name)(y, logits)
    last_line = str(error.value).strip().splitlines()[-1]
    assert "is a single-label loss" in last_line and "sigmoid_focal, asymmetric" in last_line
    assert last_line.endswith("Row sums: 2" if kind == "multi_hot" else "Row sums: 0")


@pytest.mark.skipif(BACKEND != "tensorflow", reason="a TensorFlow graph")
def test_single_label_refusal_in_a_tensorflow_graph_and_fit():
    import tensorflow as tf

    y, logits = _bad_rows("multi_hot")
    with pytest.raises(tf.errors.InvalidArgumentError, match="focal is a single-label loss") as error:
        tf.function(keras_losses.Focal(from_logits=True), autograph=False)(tf.constant(y), tf.constant(logits))
    assert "keras_losses_target_row_not_single_label" in str(error.value).strip().splitlines()[-1]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(NUM_CLASSES)])
    model.compile(loss=keras_losses.for_logits("tanimoto"), jit_compile=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="single-label loss"):
        model.fit(np.zeros((4, 3), "float32"), y, epochs=1, verbose=0)


@pytest.mark.skipif(not COMPILED, reason=f"no compiled mode tested on {BACKEND}")
@pytest.mark.parametrize("name", ["log_loss", "cauchy_schwarz", "logistic_inr", "categorical_crossentropy"])
def test_single_label_refusal_compiled_is_an_error_under_jax_jit_and_nan_under_xla(name):
    y, logits = _bad_rows("multi_hot")
    loss = keras_losses.for_logits(name)
    if COMPILED_LABEL_ERROR is not None:  # jax.jit
        with pytest.raises(COMPILED_LABEL_ERROR) as error:
            value_and_gradient(loss, y, logits, compiled=True)
        last_line = str(error.value).strip().splitlines()[-1]
        assert last_line.startswith("ValueError: keras_losses: ") and "single-label loss" in last_line
        return
    value, _ = value_and_gradient(loss, y, logits, compiled=True)
    assert np.isnan(value)


def _multi_hot(seed=14, shape=(6, NUM_CLASSES)):
    rng = np.random.default_rng(seed)
    y = (rng.random(shape) < 0.4).astype("float32")
    y[0], y[1] = 0.0, 1.0  # an empty row and a full row
    return y, rng.normal(0.0, 2.0, size=shape).astype("float32")


MULTI_LABEL_CONFIGS = [(name, {}) for name in MULTI_LABEL] + [
    ("sigmoid_focal", {"alpha": 0.75, "gamma": 0.5}),
    ("asymmetric", {"gamma_pos": 1.0, "gamma_neg": 2.0, "clip": 0.0}),
    ("asymmetric", {"gamma_pos": 0.5, "gamma_neg": 1.5, "clip": 0.2}),
]


@pytest.mark.parametrize("name,config", MULTI_LABEL_CONFIGS, ids=[f"{n}-{c}" for n, c in MULTI_LABEL_CONFIGS])
def test_multi_label_losses_match_their_reference_on_multi_hot_targets(name, config):
    y, logits = _multi_hot()
    want = reference.REFERENCES[name](y.astype("float64"), logits.astype("float64"), **config)
    got = np.asarray(keras_losses.for_logits(name, reduction=None, **config)(y, logits))
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
    if keras_losses.takes_from_logits(name):  # and on sigmoid probabilities
        probabilities = reference.sigmoid(logits.astype("float64")).astype("float32")
        got = np.asarray(keras_losses.get(name, reduction=None, **config)(y, probabilities))
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-4)
    dense = np.asarray(
        keras_losses.for_logits(name, reduction=None, **config)(y.reshape(2, 3, -1), logits.reshape(2, 3, -1))
    )
    np.testing.assert_allclose(dense.reshape(-1), want, rtol=2e-5, atol=2e-5)


def _asl_as_the_authors_code_computes_it(x, y, gamma_neg=4.0, gamma_pos=1.0, clip=0.05, eps=1e-8):
    """Alibaba-MIIL/ASL, src/loss_functions/losses.py, class AsymmetricLoss.forward, at commit
    05b193d8a39bbc5fb2c3be7b52d5188416594544, step by step in float64 NumPy (their code sums over the
    batch too; per example here). Their `disable_torch_grad_focal_loss` lines are commented out there:
    gradients flow through the focusing weights, as in ours."""
    xs_pos = 1.0 / (1.0 + np.exp(-x))
    xs_neg = 1.0 - xs_pos
    if clip is not None and clip > 0:
        xs_neg = np.minimum(xs_neg + clip, 1.0)
    loss = y * np.log(np.maximum(xs_pos, eps)) + (1 - y) * np.log(np.maximum(xs_neg, eps))
    if gamma_neg > 0 or gamma_pos > 0:
        pt = xs_pos * y + xs_neg * (1 - y)
        loss = loss * np.power(1 - pt, gamma_pos * y + gamma_neg * (1 - y))
    return -loss.sum(-1)


@pytest.mark.parametrize(
    "config",
    [{}, {"gamma_pos": 1.0}, {"gamma_pos": 0.0, "gamma_neg": 0.0, "clip": 0.0}, {"gamma_neg": 2.5, "clip": 0.1}],
)
def test_asymmetric_equals_the_authors_code(config):
    y, logits = _multi_hot(seed=15)
    theirs = {"gamma_pos": 1.0, "gamma_neg": 4.0, "clip": 0.05}  # their class's defaults; ours are train.py's
    own = {"gamma_pos": 0.0, "gamma_neg": 4.0, "clip": 0.05, **config}
    want = _asl_as_the_authors_code_computes_it(logits.astype("float64"), y, **{**theirs, **own})
    got = np.asarray(keras_losses.Asymmetric(from_logits=True, reduction=None, **own)(y, logits))
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
    if not any(own.values()):  # γ⁺ = γ⁻ = m = 0 is the logistic loss
        np.testing.assert_allclose(got, reference.logistic(y, logits.astype("float64")), rtol=2e-5)


def test_sigmoid_focal_alpha_outside_the_unit_interval_is_an_error():
    with pytest.raises(ValueError, match=r"`alpha` must be in \[0, 1\], got 1.5"):
        keras_losses.SigmoidFocal(alpha=1.5)([[1.0, 0.0]], [[0.5, 0.5]])


@pytest.mark.parametrize("name", ["sigmoid_focal", "asymmetric"])
def test_new_losses_have_finite_gradients_at_extreme_logits(name):
    y, _ = _multi_hot()
    logits = np.where(np.arange(y.size).reshape(y.shape) % 2, 1e4, -1e4).astype("float32")
    for config in ({}, {"gamma_pos": 0.5, "gamma_neg": 0.5} if name == "asymmetric" else {"gamma": 0.5}):
        value, gradient = value_and_gradient(keras_losses.for_logits(name, **config), y, logits)
        assert np.isfinite(value) and np.all(np.isfinite(gradient)), config


# --- Mixed precision -----------------------------------------------------------------------------

NEW_OPTIONS = [
    ("log_loss", {"ignore_class": VOID}),
    ("logistic_inr", {"ignore_class": VOID}),
    ("focal", {"label_smoothing": 0.1}),
    ("tanimoto", {"per_image": True, "ignore_class": VOID}),
    ("sigmoid_focal", {}),
    ("asymmetric", {}),
    ("categorical_focal_crossentropy", {"gamma": 1.0, "label_smoothing": 0.1}),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name,config", NEW_OPTIONS, ids=[f"{n}-{c}" for n, c in NEW_OPTIONS])
def test_half_precision_outputs_give_finite_float32_values(name, config, dtype):
    labels, logits = _dense(seed=16, void_fraction=0.2 if "ignore_class" in config else 0.0)
    if name in MULTI_LABEL:
        labels = (np.random.default_rng(17).random(logits.shape) < 0.3).astype("float32")
    value = keras_losses.for_logits(name, **config)(labels, keras.ops.cast(logits, dtype))
    assert keras.backend.standardize_dtype(value.dtype) == "float32" and np.isfinite(float(value))


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_segmentation_and_multi_label_models_train_under_mixed_precision(policy):
    """A 1×1-conv segmenter with a void label 255, and a multi-label tagger, as the docs print them."""
    keras.config.set_dtype_policy(policy)
    try:
        rng = np.random.default_rng(18)
        images = rng.normal(size=(8, 4, 4, 3)).astype("float32")
        masks = np.argmax(images, axis=-1)
        masks[:, 0, 0] = VOID
        segmenter = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Conv2D(3, 1, dtype=policy)])
        segmenter.compile("adam", loss=keras_losses.get("log_loss", from_logits=True, ignore_class=VOID))
        tags = (images[:, 0, 0, :] > 0).astype("float32")
        tagger = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Flatten(), keras.layers.Dense(3, dtype=policy)])
        tagger.compile("adam", loss=keras_losses.get("asymmetric", from_logits=True))
        for model, targets in ((segmenter, masks), (tagger, tags)):
            history = model.fit(images, targets, epochs=2, batch_size=4, verbose=0).history["loss"]
            assert all(np.isfinite(history))
    finally:
        keras.config.set_dtype_policy("float32")
