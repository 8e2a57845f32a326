"""Exported multi-label taggers and dense models serve per-label probabilities and per-position classes,
loaded with TensorFlow alone and through `Predictor` (issue 28)."""

import keras
import numpy as np
import tensorflow as tf

from zoo.models.unet import unet
from zoo.serving import Predictor, export


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_an_exported_tagger_serves_per_label_probabilities(tmp_path):
    keras.utils.set_random_seed(0)
    tagger = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4)])  # Logits of 4 labels.
    x = np.random.default_rng(0).normal(size=(5, 6)).astype("float32")
    x[2, 0] = np.nan
    path = export(tagger, str(tmp_path / "tagger"), task="multi_label")
    served = tf.saved_model.load(path).signatures["serving_default"](inputs=tf.constant(x))
    expected = _sigmoid(tagger(np.nan_to_num(x)).numpy().astype(np.float64))
    kept = [0, 1, 3, 4]
    np.testing.assert_allclose(served["probabilities"].numpy()[kept], expected[kept], rtol=1e-5)
    assert np.isnan(served["probabilities"].numpy()[2]).all() and (served["labels"].numpy()[2] == -1).all()
    assert np.array_equal(served["labels"].numpy()[kept], (expected[kept] >= 0.5).astype(int))
    np.testing.assert_allclose(Predictor.from_path(path)(x[kept]), expected[kept], rtol=1e-5)  # Not normalised.


def test_an_exported_unet_serves_a_class_per_position(tmp_path):
    keras.utils.set_random_seed(0)
    model = unet((8, 8, 1), 3, depth=1, width=4)
    x = np.random.default_rng(1).normal(size=(2, 8, 8, 1)).astype("float32")
    path = export(model, str(tmp_path / "unet"), task="dense")
    served = tf.saved_model.load(path).signatures["serving_default"](inputs=tf.constant(x))
    logits = model(x, training=False).numpy().astype(np.float64)
    assert served["class"].shape == (2, 8, 8) and np.array_equal(served["class"].numpy(), logits.argmax(-1))
    np.testing.assert_allclose(served["probabilities"].numpy(), _softmax(logits), rtol=1e-4, atol=1e-6)
    assert Predictor.from_path(path)(x).shape == (2, 8, 8, 3)
