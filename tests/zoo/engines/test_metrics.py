"""The confusion-matrix metrics against hand-computed values and scikit-learn."""

import keras
import numpy as np
import pytest
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score

from zoo.engines import metrics

# 6 examples, 3 classes: true 0,0,0,1,1,2; predicted 0,1,0,1,2,2.
Y_TRUE = np.array([0, 0, 0, 1, 1, 2])
Y_PRED = np.array([0, 1, 0, 1, 2, 2])


def _outputs(classes, num_classes, seed=0):
    """Logits whose argmax is `classes` (random values elsewhere, all below the winner)."""
    logits = np.random.default_rng(seed).normal(size=(len(classes), num_classes)).astype("float32")
    logits[np.arange(len(classes)), classes] = logits.max() + 1.0
    return logits


def _value(metric, y_true, y_pred, sample_weight=None, batches=1):
    for part in np.array_split(np.arange(len(y_true)), batches):
        weight = None if sample_weight is None else sample_weight[part]
        metric.update_state(y_true[part], y_pred[part], sample_weight=weight)
    return float(metric.result())


def test_hand_computed_values():
    logits = _outputs(Y_PRED, 3)
    # Recalls: class 0 2/3, class 1 1/2, class 2 1/1.
    assert _value(metrics.BalancedAccuracy(3), Y_TRUE, logits) == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    # F1 = 2·TP / (support + predicted): class 0 4/5, class 1 2/4, class 2 2/3.
    assert _value(metrics.MacroF1(3), Y_TRUE, logits) == pytest.approx((4 / 5 + 2 / 4 + 2 / 3) / 3)
    assert _value(metrics.ClassAccuracy(3), Y_TRUE, logits) == pytest.approx(4 / 6)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("num_classes", [2, 5])
def test_against_scikit_learn_over_several_batches(seed, num_classes):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, num_classes, size=50)
    y_pred = np.where(rng.random(50) < 0.6, y_true, rng.integers(0, num_classes, size=50))
    y_pred[y_pred == num_classes - 1] = 0  # One class never predicted: its F1 is 0, not left out.
    logits = _outputs(y_pred, num_classes, seed)
    weights = rng.random(50).astype("float32")
    for weight in (None, weights):
        kw = {"sample_weight": weight}
        assert _value(metrics.BalancedAccuracy(num_classes), y_true, logits, weight, 3) == pytest.approx(
            balanced_accuracy_score(y_true, y_pred, **kw), abs=1e-6
        )
        assert _value(metrics.MacroF1(num_classes), y_true, logits, weight, 3) == pytest.approx(
            f1_score(y_true, y_pred, average="macro", **kw), abs=1e-6
        )
        assert _value(metrics.ClassAccuracy(num_classes), y_true, logits, weight, 3) == pytest.approx(
            accuracy_score(y_true, y_pred, **kw), abs=1e-6
        )


def test_absent_class_is_left_out_as_scikit_learn_does():
    y_true, y_pred = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])  # Class 2 of 3 neither true nor predicted.
    logits = _outputs(y_pred, 3)
    assert _value(metrics.BalancedAccuracy(3), y_true, logits) == pytest.approx(balanced_accuracy_score(y_true, y_pred))
    assert _value(metrics.MacroF1(3), y_true, logits) == pytest.approx(f1_score(y_true, y_pred, average="macro"))


@pytest.mark.parametrize("from_logits,outputs", [(True, [-2.0, 0.5, 3.0, -0.1]), (False, [0.1, 0.6, 0.9, 0.4])])
def test_single_sigmoid_unit_is_thresholded(from_logits, outputs):
    y_true, predicted = np.array([0, 1, 0, 0]), np.array([0, 1, 1, 0])
    y_pred = np.array(outputs, "float32").reshape(-1, 1)
    assert _value(metrics.BalancedAccuracy(2, from_logits=from_logits), y_true, y_pred) == pytest.approx(
        balanced_accuracy_score(y_true, predicted)
    )
    assert _value(metrics.MacroF1(2, from_logits=from_logits), y_true, y_pred) == pytest.approx(
        f1_score(y_true, predicted, average="macro")
    )
    nll = _value(metrics.NegativeLogLikelihood(2, from_logits=from_logits), y_true.reshape(-1, 1), y_pred)
    p = 1 / (1 + np.exp(-np.array(outputs, "float64"))) if from_logits else np.array(outputs, "float64")
    assert nll == pytest.approx(-np.mean(np.where(y_true == 1, np.log(p), np.log(1 - p))), rel=1e-5)


def test_nll_of_k_units_is_the_softmax_cross_entropy():
    logits = _outputs(Y_PRED, 3).astype("float64")
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert _value(metrics.NegativeLogLikelihood(3), Y_TRUE, logits.astype("float32")) == pytest.approx(
        -log_p[np.arange(6), Y_TRUE].mean(), rel=1e-5
    )


def test_reset_and_wrong_width():
    metric = metrics.MacroF1(3)
    _value(metric, Y_TRUE, _outputs(Y_PRED, 3))
    metric.reset_state()
    assert _value(metric, Y_TRUE, _outputs(Y_TRUE, 3)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="outputs 4 values per example for 3 classes"):
        metric.update_state(Y_TRUE, np.zeros((6, 4), "float32"))
    with pytest.raises(ValueError, match="or 1 sigmoid unit"):
        metrics.BalancedAccuracy(2).update_state(Y_TRUE, np.zeros((6, 3), "float32"))


def test_fit_logs_the_validation_names_and_a_saved_model_reloads(tmp_path):
    x = np.random.default_rng(0).normal(size=(40, 4)).astype("float32")
    y = np.arange(40) % 3
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(
        "adam",
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[metrics.BalancedAccuracy(3), metrics.MacroF1(3)],
    )
    history = model.fit(x, y, validation_data=(x, y), epochs=1, batch_size=16, verbose=0)
    assert {"val_balanced_accuracy", "val_macro_f1"} <= set(history.history)
    predicted = model.predict(x, verbose=0).argmax(axis=1)
    evaluated = model.evaluate(x, y, return_dict=True, verbose=0)
    assert evaluated["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, predicted), abs=1e-6)
    assert evaluated["macro_f1"] == pytest.approx(f1_score(y, predicted, average="macro"), abs=1e-6)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert loaded.evaluate(x, y, return_dict=True, verbose=0)["macro_f1"] == pytest.approx(evaluated["macro_f1"])
