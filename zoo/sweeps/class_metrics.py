"""Per-class metrics of a run's test predictions, for imbalanced data.

From the confusion matrix `C` (`C[t, p]`: test examples of true class t predicted as p):

- recall of class c: `C[c, c] / Σ_p C[c, p]`; balanced accuracy: the mean recall over
  the classes present in the test split;
- macro-F1: the mean over classes present (as true or predicted class) of
  `2·C[c, c] / (Σ_p C[c, p] + Σ_t C[t, c])`;
- many / medium / few-shot accuracy: accuracy on the test examples of the classes in
  the first, second and last third of the classes ordered by training count (most
  first; `np.array_split`, so 10 classes split 4 / 3 / 3);
- post-hoc logit adjustment (Menon et al. 2021): predict `argmax_j (z_j − τ·log π_j)`,
  π the training priors, τ = 1.

>>> confusion = confusion_matrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3)
>>> confusion.tolist()
[[1, 1, 0], [0, 2, 0], [1, 0, 0]]
>>> balanced_accuracy(confusion), round(macro_f1(confusion), 4)
(0.5, 0.4333)
>>> shot_groups([500, 20, 100, 5, 60, 10])
([0, 2], [4, 1], [5, 3])
>>> post_hoc_adjusted([[2.0, 1.5]], [0.9, 0.1]).tolist()
[1]
"""

from collections.abc import Sequence

import numpy as np

SHOT_GROUPS = ("many", "medium", "few")
TAU = 1.0


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], num_classes: int) -> np.ndarray:
    """`C[t, p]`, the count of examples of true class t predicted as class p (int64, K×K)."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int64).ravel(), np.asarray(y_pred, dtype=np.int64).ravel()
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2).reshape(num_classes, num_classes)


def per_class_recall(confusion: np.ndarray) -> list[float | None]:
    """Recall of each class; None for a class with no test example."""
    support = confusion.sum(axis=1)
    return [float(confusion[c, c] / n) if n else None for c, n in enumerate(support)]


def balanced_accuracy(confusion: np.ndarray) -> float:
    """The mean recall over the classes present in the test split."""
    recalls = [r for r in per_class_recall(confusion) if r is not None]
    return float(np.mean(recalls)) if recalls else float("nan")


def macro_f1(confusion: np.ndarray) -> float:
    """The mean F1 over the classes that occur as true or as predicted class (scikit-learn's macro-F1)."""
    true_positive = np.diag(confusion).astype(float)
    denominator = confusion.sum(axis=1) + confusion.sum(axis=0)
    present = denominator > 0
    return float(np.mean(2 * true_positive[present] / denominator[present])) if present.any() else float("nan")


def shot_groups(train_counts: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
    """The classes split in thirds by training count, most frequent first (ties by class index)."""
    order = sorted(range(len(train_counts)), key=lambda c: (-train_counts[c], c))
    many, medium, few = (part.tolist() for part in np.array_split(np.asarray(order, dtype=int), 3))
    return many, medium, few


def group_accuracy(confusion: np.ndarray, classes: Sequence[int]) -> float | None:
    """Accuracy on the test examples whose true class is in `classes`; None if there are none."""
    classes = list(classes)
    total = confusion[classes].sum() if classes else 0
    return float(confusion[classes, classes].sum() / total) if total else None


def post_hoc_adjusted(logits, priors: Sequence[float], tau: float = TAU) -> np.ndarray:
    """Class predictions `argmax_j (z_j − τ·log π_j)`."""
    return np.argmax(np.asarray(logits, dtype=np.float64) - tau * np.log(np.asarray(priors, dtype=np.float64)), -1)


def summary(confusion: np.ndarray, train_counts: Sequence[int], prefix: str = "") -> dict:
    """The record fields of one confusion matrix (`prefix` names a variant, e.g. "posthoc_")."""
    total = confusion.sum()
    fields = {
        "test_accuracy": float(np.trace(confusion) / total) if total else None,
        "balanced_accuracy": balanced_accuracy(confusion),
        "macro_f1": macro_f1(confusion),
        "per_class_recall": per_class_recall(confusion),
    }
    for name, classes in zip(SHOT_GROUPS, shot_groups(train_counts)):
        fields[f"{name}_shot_accuracy"] = group_accuracy(confusion, classes)
    return {f"{prefix}{name}": value for name, value in fields.items()}


def record_fields(logits, y_test, train_counts: Sequence[int]) -> dict:
    """Per-class fields of a run from its final test logits: plain and post-hoc adjusted (τ = 1).

    The priors of the adjustment are the (noisy, possibly imbalanced) training counts,
    each at least 1 so an empty class gets a finite log-prior.
    """
    logits = np.asarray(logits, dtype=np.float64)
    k = logits.shape[-1]
    counts = np.maximum(np.asarray(train_counts, dtype=np.float64), 1.0)
    plain = confusion_matrix(y_test, np.argmax(logits, -1), k)
    adjusted = confusion_matrix(y_test, post_hoc_adjusted(logits, counts / counts.sum()), k)
    fields = {"train_class_counts": [int(n) for n in train_counts], "test_confusion": plain.tolist()}
    fields |= {k_: v for k_, v in summary(plain, train_counts).items() if k_ != "test_accuracy"}
    fields |= summary(adjusted, train_counts, prefix="posthoc_")
    return fields
