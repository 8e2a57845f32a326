"""zoo.common.tasks: the task read off label arrays, its message, and one-line errors for labels of no task."""

import doctest

import numpy as np
import pytest

from zoo.common import tasks


def test_docstring_examples_run():
    result = doctest.testmod(tasks)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    "y, task, num_classes",
    [
        (np.array([0, 2, 1, 2]), "single_label", 3),
        (np.array([[0], [4]]), "single_label", 5),
        (np.eye(4)[[0, 3, 1]], "single_label", 4),
        (np.array([[0.2, 0.8], [0.5, 0.5]]), "single_label", 2),  # soft rows
        (np.array([[1, 0, 1], [0, 1, 0]]), "multi_label", 3),
        (np.array([[1, 0, 0], [0, 0, 0]]), "multi_label", 3),  # an empty row is not one-hot
        (np.array([[True, True], [False, True]]), "multi_label", 2),
        (np.zeros((2, 5, 5), int) + np.eye(5, dtype=int) * 3, "dense", 4),
        (np.zeros((2, 4, 4, 1), np.uint8), "dense", 1),
        (np.zeros((3, 2, 6, 6), int) + 1, "dense", 2),  # volumes
    ],
)
def test_infers_the_task_and_class_count(y, task, num_classes):
    inferred = tasks.infer_task(y)
    assert (inferred.task, inferred.num_classes) == (task, num_classes)
    assert inferred.message.startswith(f"Task inferred: {task} (labels of shape {y.shape}")
    assert "\n" not in inferred.message


def test_num_outputs_sets_the_class_count_and_must_hold_the_labels():
    assert tasks.infer_task(np.array([0, 1, 1]), 5).num_classes == 5
    assert tasks.infer_task(np.zeros((2, 4, 4), int), 3).num_classes == 3
    with pytest.raises(ValueError, match=r"^Class ids must be in \[0, 3\), found 3 at index \(2,\)\.$"):
        tasks.infer_task(np.array([0, 1, 3]), 3)
    with pytest.raises(ValueError, match="have 3 labels per example, the model 4 outputs"):
        tasks.infer_task(np.array([[1, 1, 0], [0, 1, 0]]), 4)


def test_multi_label_message_counts_positives():
    message = tasks.infer_task(np.array([[1, 1, 0], [0, 1, 0]])).message
    assert message == (
        "Task inferred: multi_label (labels of shape (2, 3): multi-hot rows, 3 labels, "
        "1.50 positives per example on average)."
    )


def test_ignore_class_is_left_out_of_the_count_and_the_range():
    mask = np.array([[[0, 1], [255, 2]], [[255, 255], [1, 0]]])
    inferred = tasks.infer_task(mask, ignore_class=255)
    assert (inferred.task, inferred.num_classes) == ("dense", 3)
    assert tasks.check_labels(mask, "dense", 3, ignore_class=255) == 3
    # An ignore_class inside the range (e.g. background ignored) is allowed too.
    assert tasks.check_labels(mask % 255, "dense", ignore_class=0) == 3


@pytest.mark.parametrize(
    "y, kwargs, message",
    [
        (
            np.array([[1, 0, 2], [0, 1, 0]]),
            {},
            r"^Labels of shape \(2, 3\) are neither one-hot \(or soft\) rows summing to 1 nor multi-hot rows of 0/1: "
            r"found 2 at index \(0, 2\)\.$",
        ),
        (
            np.zeros((2, 3, 3)) + [[[0, 1, 7]]],
            {"num_outputs": 4},
            r"^Mask values must be in \[0, 4\), found 7 at index \(0, 0, 2\)\.$",
        ),
        (
            np.zeros((2, 3, 3)) + [[[0, 1, 7]]],
            {"num_outputs": 4, "ignore_class": 255},
            r"^Mask values must be in \[0, 4\) \(or ignore_class=255\), found 7 at index \(0, 0, 2\)\.$",
        ),
        (np.zeros((2, 3, 3)) - 1, {}, r"^Mask values must be >= 0, found -1 at index \(0, 0, 0\)\.$"),
        (np.zeros((2, 3, 3)) + 0.5, {}, r"^Mask values must be integers, found 0.5 at index \(0, 0, 0\)\.$"),
        (np.zeros((1, 2, 2)) + 255, {"ignore_class": 255}, "every position is ignore_class=255; nothing is labelled"),
        (np.array([1.0, np.nan]), {}, r"^Labels of shape \(2,\) hold NaN or infinite values\.$"),
        (np.array([], int), {}, "at least one example"),
        (np.array(["a", "b"]), {}, "Labels must be numbers"),
        (np.array([0, 1]), {"ignore_class": 255}, "dense labels must be integer masks"),
    ],
)
def test_labels_of_no_task_are_one_line_errors(y, kwargs, message):
    with pytest.raises(ValueError, match=message) as caught:
        tasks.infer_task(y, **kwargs)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "y, task, kwargs, message",
    [
        (np.array([0, 1]), "multi_label", {}, r"multi_label labels must be multi-hot rows \(N, K\), got shape \(2,\)"),
        (np.array([[0, 3]]), "multi_label", {}, r"must be 0 or 1 \(multi-hot\), found 3 at index \(0, 1\)"),
        (np.array([[1, 1]]), "single_label", {}, "rows with several 1s are multi_label"),
        (np.zeros((2, 3, 3)), "single_label", {}, "single_label labels must be class ids"),
        (np.array([[1, 0]]), "dense", {}, r"dense labels must be integer masks .* got shape \(1, 2\)"),
        (np.array([[1, 0]]), "multi_label", {"ignore_class": 0}, "ignore_class applies to dense labels only"),
        (np.array([0]), "segmentation", {}, r"Unknown task 'segmentation'\. Known: single_label, multi_label, dense"),
        (np.array([0]), "multilabel", {}, r"Did you mean 'multi_label'\?"),
    ],
)
def test_check_labels_against_a_given_task(y, task, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tasks.check_labels(y, task, **kwargs)


def test_a_given_task_overrides_the_inference():
    one_hot = np.eye(3)[[0, 1, 2]]
    assert tasks.infer_task(one_hot).task == "single_label"
    assert tasks.check_labels(one_hot, "multi_label") == 3  # one positive per example is a valid multi-hot set
