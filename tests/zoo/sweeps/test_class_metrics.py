"""zoo.sweeps.class_metrics against scikit-learn and hand-computed values."""

import numpy as np
import pytest
from sklearn import metrics as sk

from zoo.sweeps import class_metrics as cm


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 5, size=300)
    y_pred = np.where(rng.random(300) < 0.6, y_true, rng.integers(0, 5, size=300))
    y_pred[y_pred == 4] = 3  # Class 4 never predicted: its F1 and precision are 0.
    return y_true, y_pred


def test_confusion_recall_balanced_accuracy_and_macro_f1_match_scikit_learn(predictions):
    y_true, y_pred = predictions
    confusion = cm.confusion_matrix(y_true, y_pred, 5)
    np.testing.assert_array_equal(confusion, sk.confusion_matrix(y_true, y_pred, labels=range(5)))
    np.testing.assert_allclose(cm.per_class_recall(confusion), sk.recall_score(y_true, y_pred, average=None))
    assert cm.balanced_accuracy(confusion) == pytest.approx(sk.balanced_accuracy_score(y_true, y_pred))
    assert cm.macro_f1(confusion) == pytest.approx(sk.f1_score(y_true, y_pred, average="macro", zero_division=0))


def test_a_class_absent_from_the_test_split_has_no_recall():
    confusion = cm.confusion_matrix([0, 0, 1], [0, 1, 1], 3)
    assert cm.per_class_recall(confusion) == [0.5, 1.0, None]
    assert cm.balanced_accuracy(confusion) == 0.75
    assert cm.macro_f1(confusion) == pytest.approx(sk.f1_score([0, 0, 1], [0, 1, 1], average="macro"))


def test_shot_groups_are_thirds_by_training_count():
    counts = [5923, 3000, 1400, 700, 330, 160, 75, 35, 16, 67]
    many, medium, few = cm.shot_groups(counts)
    assert (many, medium, few) == ([0, 1, 2, 3], [4, 5, 6], [9, 7, 8])
    confusion = np.diag([10] * 10)
    confusion[8, 0], confusion[8, 8] = 6, 4  # Class 8 (few-shot) mostly predicted as 0.
    assert cm.group_accuracy(confusion, few) == pytest.approx(24 / 30)
    assert cm.group_accuracy(confusion, many) == 1.0


def test_post_hoc_adjustment_against_numpy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(50, 4))
    priors = np.array([0.7, 0.2, 0.08, 0.02])
    expected = [int(np.argmax([z[j] - np.log(priors[j]) for j in range(4)])) for z in logits]
    assert cm.post_hoc_adjusted(logits, priors).tolist() == expected
    assert (cm.post_hoc_adjusted(logits, priors, tau=0.0) == logits.argmax(1)).all()


def test_record_fields_plain_and_adjusted():
    logits = np.array([[3.0, 2.5], [3.0, 2.5], [0.0, 1.0], [3.0, 0.0]])
    y_test = np.array([0, 1, 1, 0])
    fields = cm.record_fields(logits, y_test, train_counts=[90, 10])
    assert fields["test_confusion"] == [[2, 0], [1, 1]]
    assert fields["balanced_accuracy"] == 0.75 and fields["per_class_recall"] == [1.0, 0.5]
    # log(0.9) - log(0.1) = 2.2 > 0.5: the first two rows move to class 1.
    assert fields["posthoc_test_accuracy"] == 0.75 and fields["posthoc_per_class_recall"] == [0.5, 1.0]
    # Two classes split in "thirds": [0], [1], [] (no few-shot class).
    assert fields["many_shot_accuracy"] == 1.0 and fields["medium_shot_accuracy"] == 0.5
    assert fields["few_shot_accuracy"] is None
    assert fields["train_class_counts"] == [90, 10]
