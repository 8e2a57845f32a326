"""zoo.engines.task_metrics against scikit-learn and a plain NumPy reference written from the definitions."""

import doctest
import math
import warnings

import numpy as np
import pytest
from sklearn import metrics as sk

from zoo.common.tasks import TASKS
from zoo.engines import task_metrics as tm


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _multi_label_case(seed, n=60, k=5, ties=True):
    rng = np.random.default_rng(seed)
    y = (rng.random((n, k)) < 0.35).astype(int)
    y[0] = 1  # every label has a positive
    logits = rng.normal(size=(n, k)) + 1.5 * (2 * y - 1) * rng.random((n, k))
    if ties:
        logits = np.round(logits, 1)  # many tied scores: AP must group them as scikit-learn does
    return y, logits


def test_docstring_examples_run():
    result = doctest.testmod(tm)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("ties", [True, False])
def test_average_precision_equals_scikit_learn(seed, ties):
    y, logits = _multi_label_case(seed, ties=ties)
    np.testing.assert_allclose(
        tm.average_precision(y, logits), sk.average_precision_score(y, logits, average=None), atol=1e-12
    )
    assert tm.multi_label_metrics(y, logits)["mean_average_precision"] == round(
        sk.average_precision_score(y, logits, average="macro"), 4
    )


def _reference_average_precision(y, scores):
    """AP from the definition: over the distinct thresholds t (descending), Σ (R(t) − R(prev t))·P(t)."""
    result = []
    for k in range(y.shape[1]):
        total, previous_recall = 0.0, 0.0
        for t in sorted(set(scores[:, k]), reverse=True):
            chosen = scores[:, k] >= t
            hits = float(np.sum(chosen & (y[:, k] == 1)))
            recall = hits / y[:, k].sum()
            total += (recall - previous_recall) * hits / chosen.sum()
            previous_recall = recall
        result.append(total)
    return np.array(result)


def test_average_precision_equals_the_definition():
    y, logits = _multi_label_case(5, n=40, k=3)
    np.testing.assert_allclose(tm.average_precision(y, logits), _reference_average_precision(y, logits), atol=1e-12)


def test_a_label_without_positives_is_left_out_or_counted_as_zero_division():
    y, logits = _multi_label_case(3)
    y[:, 2] = 0
    ap = tm.average_precision(y, logits)
    assert math.isnan(ap[2])
    expected = np.mean(np.delete(ap, 2))
    assert tm.multi_label_metrics(y, logits)["mean_average_precision"] == round(expected, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn warns of the label without positives and scores it 0
        sklearn_macro = sk.average_precision_score(y, logits, average="macro")
    assert tm.multi_label_metrics(y, logits, zero_division=0.0)["mean_average_precision"] == round(sklearn_macro, 4)


@pytest.mark.parametrize("zero_division", [math.nan, 0.0, 1.0])
def test_f1_subset_accuracy_and_hamming_loss_equal_scikit_learn(zero_division):
    y, logits = _multi_label_case(4)
    logits[:, 3] = -5.0  # label 3: never predicted ...
    y[:, 3] = 0  # ... and never true: its F1 is zero_division
    logits[:, 1] = -5.0  # label 1: true but never predicted: F1 0, whatever zero_division
    predicted = (_sigmoid(logits) >= 0.5).astype(int)
    found = tm.multi_label_metrics(y, logits, zero_division=zero_division)
    for average in ("micro", "macro"):
        expected = sk.f1_score(y, predicted, average=average, zero_division=zero_division)
        assert found[f"{average}_f1"] == round(expected, 4), average
    assert found["subset_accuracy"] == round(sk.accuracy_score(y, predicted), 4)
    assert found["hamming_loss"] == round(sk.hamming_loss(y, predicted), 4)


def test_probabilities_give_the_logits_results_and_half_counts_as_positive():
    y, logits = _multi_label_case(6, ties=False)
    assert tm.multi_label_metrics(y, _sigmoid(logits), from_logits=False) == tm.multi_label_metrics(y, logits)
    at_half = tm.multi_label_metrics(np.array([[1, 0]]), np.array([[0.0, -0.1]]))
    assert at_half["subset_accuracy"] == 1.0  # σ(0) = 0.5 is predicted positive
    strict = tm.multi_label_metrics(np.array([[1, 0]]), np.array([[0.5, 0.1]]), threshold=0.7)
    assert strict["hamming_loss"] == 0.5  # σ(0.5) = 0.62 < 0.7


def _dense_case(seed, k=4, ignore_class=255):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, size=(6, 9, 7))
    y[rng.random(y.shape) < 0.15] = ignore_class
    y[y == 3] = 2  # class 3 never in the truth ...
    scores = rng.normal(size=(*y.shape, k)) + 2.0 * np.eye(k)[np.minimum(y, k - 1)] * rng.random((*y.shape, 1))
    scores[..., 3] = -9.0  # ... nor predicted: absent from both
    return y, scores


@pytest.mark.parametrize("zero_division", [math.nan, 0.0])
def test_dense_metrics_equal_scikit_learn_over_non_ignored_positions(zero_division):
    y, scores = _dense_case(0)
    kept = y != 255
    truth, predicted = y[kept], np.argmax(scores, -1)[kept]
    found = tm.dense_metrics(y, scores, ignore_class=255, zero_division=zero_division)
    # jaccard_score takes no zero_division=nan: leaving class 3 out is asking for the labels present.
    labels = [0, 1, 2] if math.isnan(zero_division) else [0, 1, 2, 3]
    iou = sk.jaccard_score(truth, predicted, labels=[0, 1, 2, 3], average=None, zero_division=0.0)
    np.testing.assert_allclose(np.array(found["per_class_iou"][:3], float), np.round(iou[:3], 4))
    assert found["per_class_iou"][3] == zero_division or math.isnan(found["per_class_iou"][3])
    assert found["mean_iou"] == round(
        sk.jaccard_score(truth, predicted, labels=labels, average="macro", zero_division=0.0), 4
    )
    assert found["mean_dice"] == round(
        sk.f1_score(truth, predicted, labels=[0, 1, 2, 3], average="macro", zero_division=zero_division), 4
    )
    assert found["pixel_accuracy"] == round(sk.accuracy_score(truth, predicted), 4)


def test_dense_iou_equals_set_definition_and_ignores_void_positions():
    y, scores = _dense_case(1)
    predicted = np.argmax(scores, -1)
    kept = y != 255
    for c, value in enumerate(tm.dense_metrics(y, scores, ignore_class=255)["per_class_iou"][:3]):
        truth_set, predicted_set = (y == c) & kept, (predicted == c) & kept
        assert value == round(np.sum(truth_set & predicted_set) / np.sum(truth_set | predicted_set), 4)
    # Whatever is predicted at ignored positions changes nothing.
    shuffled = scores.copy()
    shuffled[~kept] = np.random.default_rng(9).normal(size=(np.sum(~kept), 4)) * 10
    np.testing.assert_equal(
        tm.dense_metrics(y, shuffled, ignore_class=255), tm.dense_metrics(y, scores, ignore_class=255)
    )
    # Class masks in place of scores give the same numbers.
    np.testing.assert_equal(
        tm.dense_metrics(y, predicted, 4, ignore_class=255), tm.dense_metrics(y, scores, ignore_class=255)
    )


def test_record_fields_write_nan_as_none_and_leave_single_label_to_class_metrics():
    y, scores = _dense_case(2)
    fields = tm.record_fields("dense", y, scores, ignore_class=255)
    assert fields["per_class_iou"][3] is None and isinstance(fields["mean_iou"], float)
    assert set(fields) == {*tm.METRICS["dense"], "per_class_iou"}
    y_ml, logits = _multi_label_case(0)
    assert set(tm.record_fields("multi_label", y_ml, logits)) == set(tm.METRICS["multi_label"])
    assert tm.record_fields("single_label", np.array([0, 1]), np.eye(2)) == {}
    with pytest.raises(ValueError, match="Unknown task 'dens'"):
        tm.record_fields("dens", y, scores)


def test_headline_metric_names_one_field_per_task():
    assert set(tm.HEADLINE_METRIC) == set(TASKS)
    for task, field in tm.HEADLINE_METRIC.items():
        assert field in tm.TITLES
        assert task == "single_label" or field in tm.METRICS[task]
    assert tm.LOWER_IS_BETTER <= set(tm.TITLES)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tm.multi_label_metrics(np.ones((3, 2)), np.ones((3, 3))), r"got \(3, 2\) and \(3, 3\)"),
        (lambda: tm.multi_label_metrics(np.full((2, 2), 2), np.ones((2, 2))), "multi-hot labels of 0 and 1"),
        (lambda: tm.multi_label_metrics(np.ones((2, 2)), np.ones((2, 2)), threshold=1.0), r"threshold must be in"),
        (lambda: tm.multi_label_metrics(np.ones((2, 2)), np.ones((2, 2)), zero_division=0.5), "zero_division must"),
        (lambda: tm.dense_metrics(np.zeros((2, 3, 3), int), np.zeros((2, 3, 4, 2))), r"outputs \(N, \.\.\., K\)"),
        (lambda: tm.dense_metrics(np.zeros((2, 3, 3), int), np.zeros((2, 3, 3))), "need num_classes"),
        (
            lambda: tm.dense_metrics(np.full((1, 2, 2), 7), np.zeros((1, 2, 2, 3)), ignore_class=255),
            r"mask value 7 is not a class in \[0, 3\) \(other than ignore_class=255\)",
        ),
    ],
)
def test_bad_input_is_a_one_line_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_per_epoch_accuracy_of_each_task_against_a_loop():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(6, 4))
    tags = (rng.random((6, 4)) < 0.4).astype(int)
    bits = [float(logits[i, k] > 0) == tags[i, k] for i in range(6) for k in range(4)]
    assert tm.accuracy("multi_label", tags, logits) == pytest.approx(np.mean(bits))
    masks = rng.integers(0, 3, size=(2, 3, 3))
    masks[0, 0] = 255
    scores = rng.normal(size=(2, 3, 3, 3))
    kept = [
        scores[n, i, j].argmax() == masks[n, i, j]
        for n in range(2) for i in range(3) for j in range(3) if masks[n, i, j] != 255
    ]  # fmt: skip
    assert tm.accuracy("dense", masks, scores, 255) == pytest.approx(np.mean(kept))
    labels = rng.integers(0, 4, size=6)
    assert tm.accuracy("single_label", labels, logits) == pytest.approx(np.mean(logits.argmax(1) == labels))


def test_the_headline_metric_of_a_task_and_its_choices():
    assert tm.check_metric("dense", None) == "mean_iou"
    assert tm.check_metric("multi_label", "hamming_loss") == "hamming_loss"
    with pytest.raises(ValueError, match="^metric 'mean_iou' is not a multi_label metric; choose one of"):
        tm.check_metric("multi_label", "mean_iou")
