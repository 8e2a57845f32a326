"""Class-count metrics as Keras metrics: accuracy, balanced accuracy, macro-F1, and the NLL.

Each accumulates the K×K confusion matrix `C[i, j]` (examples of true class i
predicted as j, weighted by `sample_weight`) over the batches, with keras.ops
only, so it runs on every backend and in `compile(metrics=...)`:

- `ClassAccuracy`: `trace(C) / sum(C)`;
- `BalancedAccuracy`: the mean per-class recall `mean_i C[i, i] / sum_j C[i, j]`,
  over the classes that occur in `y_true`;
- `MacroF1`: the mean over classes of `2·C[i, i] / (sum_j C[i, j] + sum_j C[j, i])`
  (a class neither present nor predicted is left out, as scikit-learn's
  `f1_score(average="macro", labels=present_or_predicted)`).

The predicted class is the argmax of a (B, K) output, or for one unit (binary,
K = 2) whether it exceeds 0 (logits) or 0.5 (a sigmoid's probability).
`NegativeLogLikelihood` is the cross-entropy of the output as a metric, for K
units (softmax) or one unit (sigmoid) alike.

>>> import numpy as np
>>> metric = BalancedAccuracy(num_classes=3)
>>> metric.update_state(np.array([0, 0, 1, 2]), np.eye(3)[[0, 1, 1, 2]])
>>> round(float(metric.result()), 4)  # recalls 1/2, 1, 1
0.8333
"""

import keras
from keras import ops

__all__ = [
    "BalancedAccuracy",
    "ClassAccuracy",
    "ConfusionMatrixMetric",
    "MacroF1",
    "NegativeLogLikelihood",
    "PositionAccuracy",
    "task_accuracy",
]


def predicted_classes(y_pred, from_logits: bool = True):
    """Class index per example: argmax of K units, or the threshold of a single (binary) unit."""
    if y_pred.shape[-1] == 1:
        threshold = 0.0 if from_logits else 0.5
        return ops.cast(ops.reshape(y_pred, (-1,)) > threshold, "int32")
    return ops.cast(ops.argmax(ops.reshape(y_pred, (-1, y_pred.shape[-1])), axis=-1), "int32")


def class_labels(y_true, num_classes: int):
    """Sparse int32 class labels `(B,)` from sparse `(B,)` / `(B, 1)` or one-hot (soft) `(B, K)` labels."""
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) >= 2 and y_true.shape[-1] == num_classes and num_classes > 1:
        return ops.cast(ops.argmax(y_true, axis=-1), "int32")
    return ops.cast(ops.reshape(y_true, (-1,)), "int32")


def _check_width(width, num_classes: int, name: str) -> None:
    if width is not None and width != num_classes and not (width == 1 and num_classes == 2):
        raise ValueError(
            f"{name}: the model outputs {width} values per example for {num_classes} classes "
            f"(expected {num_classes}{', or 1 sigmoid unit' if num_classes == 2 else ''})."
        )


class ConfusionMatrixMetric(keras.metrics.Metric):
    """Accumulates the (weighted) confusion matrix; subclasses reduce it in `from_matrix`.

    Args:
        num_classes: K; labels are integers 0..K-1, as (B,) or (B, 1).
        from_logits: whether a single output unit is a logit (threshold 0)
            or a probability (threshold 0.5); K units are argmaxed either way.
    """

    def __init__(self, num_classes: int, from_logits: bool = True, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if int(num_classes) < 2:
            raise ValueError(f"num_classes must be at least 2, got {num_classes!r}.")
        self.num_classes = int(num_classes)
        self.from_logits = bool(from_logits)
        self.matrix = self.add_variable(
            shape=(self.num_classes, self.num_classes), initializer="zeros", name="confusion_matrix", dtype="float32"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        _check_width(y_pred.shape[-1], self.num_classes, self.name)
        true = ops.one_hot(class_labels(y_true, self.num_classes), self.num_classes, dtype="float32")
        predicted = ops.one_hot(predicted_classes(y_pred, self.from_logits), self.num_classes, dtype="float32")
        if sample_weight is not None:
            true = true * ops.reshape(ops.cast(sample_weight, "float32"), (-1, 1))
        self.matrix.assign_add(ops.matmul(ops.transpose(true), predicted))

    def result(self):
        return self.from_matrix(ops.convert_to_tensor(self.matrix))

    def from_matrix(self, matrix):
        raise NotImplementedError

    def reset_state(self):
        self.matrix.assign(ops.zeros(self.matrix.shape, dtype=self.matrix.dtype))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "from_logits": self.from_logits}


@keras.saving.register_keras_serializable(package="zoo")
class TopKAccuracy(keras.metrics.Mean):
    """The fraction of examples whose true class is among the `k` largest outputs (sparse or one-hot labels)."""

    def __init__(self, num_classes: int, k: int = 3, name="top3_accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.num_classes, self.k = int(num_classes), int(k)

    def update_state(self, y_true, y_pred, sample_weight=None):
        hits = keras.metrics.sparse_top_k_categorical_accuracy(class_labels(y_true, self.num_classes), y_pred, k=self.k)
        return super().update_state(hits, sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "k": self.k}


def _mean_where(values, mask):
    """Mean of `values` over `mask` (0 where the mask is empty)."""
    mask = ops.cast(mask, values.dtype)
    return ops.sum(values * mask) / ops.maximum(ops.sum(mask), 1.0)


@keras.saving.register_keras_serializable(package="zoo")
class ClassAccuracy(ConfusionMatrixMetric):
    """Accuracy `trace(C) / sum(C)`, for K units or one sigmoid unit."""

    def __init__(self, num_classes: int, from_logits: bool = True, name="accuracy", dtype=None):
        super().__init__(num_classes, from_logits, name=name, dtype=dtype)

    def from_matrix(self, matrix):
        return ops.trace(matrix) / ops.maximum(ops.sum(matrix), 1e-12)


@keras.saving.register_keras_serializable(package="zoo")
class BalancedAccuracy(ConfusionMatrixMetric):
    """Mean per-class recall `mean_i C[i, i] / sum_j C[i, j]` over the classes present."""

    def __init__(self, num_classes: int, from_logits: bool = True, name="balanced_accuracy", dtype=None):
        super().__init__(num_classes, from_logits, name=name, dtype=dtype)

    def from_matrix(self, matrix):
        support = ops.sum(matrix, axis=1)
        recall = ops.diagonal(matrix) / ops.maximum(support, 1e-12)
        return _mean_where(recall, support > 0)


@keras.saving.register_keras_serializable(package="zoo")
class MacroF1(ConfusionMatrixMetric):
    """Mean per-class F1 `2·C[i, i] / (row_i + column_i)` over the classes present or predicted."""

    def __init__(self, num_classes: int, from_logits: bool = True, name="macro_f1", dtype=None):
        super().__init__(num_classes, from_logits, name=name, dtype=dtype)

    def from_matrix(self, matrix):
        total = ops.sum(matrix, axis=1) + ops.sum(matrix, axis=0)
        f1 = 2.0 * ops.diagonal(matrix) / ops.maximum(total, 1e-12)
        return _mean_where(f1, total > 0)


@keras.saving.register_keras_serializable(package="zoo")
class NegativeLogLikelihood(keras.metrics.Mean):
    """Mean cross-entropy of softmax (K units) or sigmoid (one unit) outputs, as a metric."""

    def __init__(self, num_classes: int, from_logits: bool = True, name="nll", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.num_classes = int(num_classes)
        self.from_logits = bool(from_logits)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        _check_width(y_pred.shape[-1], self.num_classes, self.name)
        y_true = class_labels(y_true, self.num_classes)
        if y_pred.shape[-1] == 1:
            values = keras.losses.binary_crossentropy(
                ops.cast(ops.reshape(y_true, (-1, 1)), y_pred.dtype), y_pred, from_logits=self.from_logits
            )
        else:
            values = keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=self.from_logits)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "from_logits": self.from_logits}


@keras.saving.register_keras_serializable(package="zoo")
class PositionAccuracy(keras.metrics.Metric):
    """Dense accuracy: the fraction of positions whose argmax is their class, positions labelled
    `ignore_class` left out (sparse masks `(B, ...)`, outputs `(B, ..., K)`)."""

    def __init__(self, ignore_class: int | None = None, name="accuracy", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.ignore_class = ignore_class
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits", dtype="float32")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count", dtype="float32")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(ops.convert_to_tensor(y_true), "int32")
        hits = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), "float32")
        kept = ops.ones_like(hits) if self.ignore_class is None else ops.cast(y_true != self.ignore_class, "float32")
        self.hits.assign_add(ops.sum(hits * kept))
        self.count.assign_add(ops.sum(kept))

    def result(self):
        return self.hits / ops.maximum(self.count, 1.0)

    def reset_state(self):
        self.hits.assign(0.0)
        self.count.assign(0.0)

    def get_config(self):
        return {**super().get_config(), "ignore_class": self.ignore_class}


def task_accuracy(task: str = "single_label", ignore_class: int | None = None):
    """The training accuracy metric of a task's logits: "accuracy" (Keras's, single-label), label bits
    right at 0.5 (`BinaryAccuracy(threshold=0)` on logits, multi-label), `PositionAccuracy` (dense)."""
    if task == "multi_label":
        return keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0)
    if task == "dense":
        return PositionAccuracy(ignore_class)
    return "accuracy"
