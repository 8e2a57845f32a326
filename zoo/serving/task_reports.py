"""What `zoo.predict` reports for multi-label taggers and dense (segmentation) models.

- Multi-label (`tag_rows`): per input, the labels whose probability is at least `threshold`
  and every label's probability `σ(z_k)`; printed as a table (`tags_table`), written as CSV
  (`tags_csv`: `input`, `labels` joined by `;`, then one probability column per label) or JSON.
- Dense (`Masks`): per input, a class per position (`classes` `(N, d1, ...)`, int32, −1 for
  an input holding NaN or Inf) and, on request, the per-position probabilities `(N, d1, ..., K)`;
  written as an `.npz` (`npz_bytes`: arrays `classes`, `inputs`, optionally `probabilities` and
  `class_names`; masks in CSV or JSON make no sense), summarised on the terminal by each input's
  predicted-class histogram (`summary`: the share of its positions given to each class).

>>> import numpy as np
>>> rows = tag_rows(["a", "b"], np.array([[0.9, 0.2, 0.6], [0.1, 0.4, 0.3]]), threshold=0.5)
>>> [row["labels"] for row in rows]
[[0, 2], []]
>>> print(Masks(["m"], np.array([[[0, 1], [1, 1]]])).summary(), end="")
input  positions  predicted classes (share of positions)
m              4  1: 75.0%  0: 25.0%
"""

import csv
import dataclasses
import io
from collections.abc import Sequence

import numpy as np

NOT_PREDICTED = "not predicted: the input holds NaN/Inf"


def _name(index: int, names: Sequence[str] | None) -> str:
    return str(index) if names is None else names[index]


def _table(lines: list[tuple[str, ...]], right: int | None) -> str:
    """Plain-text columns: the last one free, column `right` right-aligned, the others left-aligned."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]) - 1)]

    def cell(text, i):
        return f"{text:>{widths[i]}}" if i == right else f"{text:<{widths[i]}}"

    return "\n".join("  ".join([cell(t, i) for i, t in enumerate(line[:-1])] + [line[-1]]) for line in lines) + "\n"


# ---------------------------------------------------------------- multi-label


def tag_rows(names: Sequence[str], probabilities, threshold: float = 0.5, label_names=None, invalid=None) -> list[dict]:
    """Per input `{"input", "labels": [k, ...], "probabilities": [p_0, ..., p_{K−1}]}` (and `"label_names"`):
    the labels with `p_k >= threshold`. `invalid` rows (NaN/Inf input) get no labels, no probabilities
    and `"non_finite_input": True`."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must be in (0, 1), got {threshold!r}.")
    probabilities = np.asarray(probabilities)
    invalid = np.zeros(len(names), dtype=bool) if invalid is None else invalid
    rows = []
    for name, row, bad in zip(names, probabilities, invalid):
        if bad:
            rows.append({"input": name, "labels": [], "probabilities": [], "non_finite_input": True})
            continue
        labels = [int(k) for k in np.flatnonzero(row >= threshold)]
        named = {} if label_names is None else {"label_names": [label_names[k] for k in labels]}
        rows.append({"input": name, "labels": labels, **named, "probabilities": [float(p) for p in row]})
    return rows


def tags_csv(rows: list[dict], label_names=None) -> str:
    """CSV text: `input`, `labels` (the predicted labels' names or indices joined by `;`, −1 for an input
    holding NaN/Inf), then `probability_<label>` per label (empty for such an input)."""
    width = max((len(r["probabilities"]) for r in rows), default=0)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["input", "labels"] + [f"probability_{_name(k, label_names)}" for k in range(width)])
    for r in rows:
        if r.get("non_finite_input"):
            writer.writerow([r["input"], -1] + [""] * width)
            continue
        labels = ";".join(_name(k, label_names) for k in r["labels"])
        writer.writerow([r["input"], labels] + [f"{p:.6g}" for p in r["probabilities"]])
    return buffer.getvalue()


def tags_table(rows: list[dict], label_names=None) -> str:
    """A plain-text table: each input's predicted labels and every label's probability."""
    lines = [("input", "labels", "probabilities (label: probability)")]
    for r in rows:
        if r.get("non_finite_input"):
            lines.append((r["input"], "-1", NOT_PREDICTED))
            continue
        labels = ", ".join(_name(k, label_names) for k in r["labels"]) or "(none)"
        scores = "  ".join(f"{_name(k, label_names)}: {p:.3f}" for k, p in enumerate(r["probabilities"]))
        lines.append((r["input"], labels, scores))
    return _table(lines, right=None)


# ---------------------------------------------------------------- dense


@dataclasses.dataclass(frozen=True)
class Masks:
    """A dense model's predictions: a class per position of each input (−1 where it was not predicted)."""

    names: Sequence[str]
    classes: np.ndarray  # (N, d1, ..., dm) int32
    probabilities: np.ndarray | None = None  # (N, d1, ..., dm, K)
    class_names: Sequence[str] | None = None

    def num_classes(self) -> int:
        if self.probabilities is not None:
            return int(self.probabilities.shape[-1])
        if self.class_names is not None:
            return len(self.class_names)
        return int(self.classes.max(initial=-1)) + 1

    def summary(self) -> str:
        """Per input: its position count and the share of positions predicted as each class (largest first)."""
        lines = [("input", "positions", "predicted classes (share of positions)")]
        positions = int(np.prod(self.classes.shape[1:]))
        for name, mask in zip(self.names, self.classes):
            kept = mask[mask >= 0]
            if kept.size == 0:
                lines.append((name, str(positions), NOT_PREDICTED))
                continue
            counts = np.bincount(kept.ravel(), minlength=self.num_classes())
            order = [int(c) for c in np.argsort(-counts, kind="stable") if counts[c]]
            shares = "  ".join(f"{_name(c, self.class_names)}: {counts[c] / kept.size:.1%}" for c in order)
            lines.append((name, str(positions), shares))
        return _table(lines, right=1)

    def npz_bytes(self, with_probabilities: bool = False) -> bytes:
        """The `.npz` file: `classes`, `inputs` (the input names), `probabilities` when asked for, and
        `class_names` when known; plain arrays (no pickles), for `np.load`."""
        arrays = {"classes": np.asarray(self.classes, np.int32), "inputs": np.asarray(list(self.names), str)}
        if with_probabilities:
            if self.probabilities is None:
                raise ValueError("these masks hold no probabilities to write.")
            arrays["probabilities"] = np.asarray(self.probabilities, np.float32)
        if self.class_names is not None:
            arrays["class_names"] = np.asarray(list(self.class_names), str)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()
