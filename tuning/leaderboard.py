"""The leaderboard of a loss search: data first (JSON), then Markdown and a bar plot.

`build(trials, objective)` turns keras-tuner trials into plain records;
`write(board, out)` writes `leaderboard.json` and renders
`leaderboard.md` and `best_per_loss.png` from that data alone, so
`render(load(out), out)` reproduces the reports without keras-tuner.
"""

import json
import math
import os
from collections.abc import Iterable
from typing import Any

from tuning import conditions
from zoo.common import results
from zoo.data.noise import HUMAN_PREFIX, MATRIX_PREFIX

HIDDEN_PREFIX = "tuner/"  # Hyperband's bookkeeping values, not hyperparameters.
MODEL_KEYS = ("model", "depth", "width", "dropout", "learning_rate")


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def trial_record(trial, objective) -> dict[str, Any]:
    """A plain record of one keras-tuner `Trial`: status, score, metrics at the best step, values."""
    values = {k: v for k, v in trial.hyperparameters.values.items() if not k.startswith(HIDDEN_PREFIX)}
    metrics = {}
    for name in trial.metrics.metrics:
        history = trial.metrics.get_history(name)
        at_best = [obs for obs in history if obs.step == trial.best_step] or history[-1:]
        if at_best:
            metrics[name] = _finite(at_best[0].mean())
    return {
        "trial_id": trial.trial_id,
        "status": str(trial.status),
        "loss": values.get("loss"),
        "objective": objective.name,
        "score": _finite(trial.score),
        "best_step": trial.best_step,
        "metrics": metrics,
        "hyperparameters": values,
        "epochs": trial.hyperparameters.values.get("tuner/epochs"),
    }


def build(trials: Iterable, objective) -> dict[str, Any]:
    """The leaderboard data: every trial, and the best completed trial per loss, best first."""
    records = sorted((trial_record(t, objective) for t in trials), key=lambda r: r["trial_id"])
    maximize = objective.direction == "max"
    best: dict[str, dict[str, Any]] = {}
    for record in records:
        if record["status"] != "COMPLETED" or record["score"] is None:
            continue
        current = best.get(record["loss"])
        if current is None or (record["score"] > current["score"] if maximize else record["score"] < current["score"]):
            best[record["loss"]] = record
    ranked = sorted(best.values(), key=lambda r: r["score"], reverse=maximize)
    return {
        "objective": objective.name,
        "direction": objective.direction,
        "trials": records,
        "completed": sum(r["status"] == "COMPLETED" for r in records),
        "best_per_loss": ranked,
    }


def _format(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def _condition_lines(fields: dict[str, Any] | None) -> list[str]:
    """What the search's data were put under (its `Condition`, from `tuning.conditions.spec_fields`): which
    validation labels ranked the trials, so a reader knows whether the choice was made on clean ones."""
    if not fields:
        return []
    condition = conditions.as_condition(fields)
    parts = []
    if condition.noise_type.startswith(MATRIX_PREFIX):
        parts.append(f"training labels flipped by the transition matrix {condition.noise_type}")
    elif condition.noise_type.startswith(HUMAN_PREFIX):
        parts.append(f"human training labels ({fields['human_labels']})")
    elif condition.label_noise:
        parts.append(f"training labels with {_format(condition.label_noise)} {condition.noise_type} label noise")
    if condition.imbalance:
        parts.append(
            f"training data imbalanced at ratio {_format(condition.imbalance)} ({condition.imbalance_profile})"
        )
    parts = parts or ["clean, balanced training data"]  # Only --noisy_validation given: nothing to add noise to.
    validation = (
        "the trials were ranked on **noisy** validation labels (the same noise as training)"
        if condition.noisy_validation and condition.noisy_labels
        else "the trials were ranked on clean validation labels"
    )
    return [f"Data: {'; '.join(parts)}; {validation}; the test split is clean and balanced.", ""]


def markdown(board: dict[str, Any]) -> str:
    """The Markdown leaderboard: best trial per loss, sorted by the objective."""
    objective = board["objective"]
    task = board.get("task") or "single_label"  # Boards written before tasks were single-label.
    void = f", ignore_class={board['ignore_class']}" if board.get("ignore_class") is not None else ""
    # Single-label boards read as before tasks existed (committed leaderboards re-render byte-identical).
    stated = "" if task == "single_label" and not void else f"Task: {task}{void}. "
    lines = [
        "# Loss search leaderboard",
        "",
        f"{stated}Best trial per loss, ranked by `{objective}` ({board['direction']}imize); "
        f"{board['completed']} of {len(board['trials'])} trials completed.",
        "",
        *_condition_lines(board.get("data_condition")),
        f"| rank | loss | {objective} | loss parameters | model | depth | width | dropout | learning rate | trial |",
        "|---:|---|---:|---|---|---:|---:|---:|---:|---|",
    ]
    for rank, record in enumerate(board["best_per_loss"], 1):
        hp = record["hyperparameters"]
        prefix = f"{record['loss']}_"
        loss_parameters = ", ".join(f"{k[len(prefix) :]}={_format(v)}" for k, v in hp.items() if k.startswith(prefix))
        cells = [str(rank), f"`{record['loss']}`", _format(record["score"]), loss_parameters or "-"]
        cells += [_format(hp.get(key)) or "default" for key in MODEL_KEYS]
        cells.append(record["trial_id"])
        lines.append("| " + " | ".join(cells) + " |")
    best = board.get("best_model")
    if best:
        lines += [
            "",
            f"Best configuration (trial {best['trial_id']}, `{best['loss']}`) retrained with early "
            f"stopping on `{objective}`: "
            + ", ".join(f"test {k} {_format(v)}" for k, v in sorted(best.get("test", {}).items()))
            + ".",
        ]
        if best.get("test_by_seed"):
            lines += [
                "",
                f"Retrained at seeds {', '.join(best['test_by_seed'])}: "
                + ", ".join(
                    f"test {k} {best['test_mean'][k]:.4f} ± {best['test_std'][k]:.4f} (mean ± std)"
                    for k in sorted(best["test_mean"])
                )
                + ".",
            ]
    return "\n".join(lines) + "\n"


def plot(board: dict[str, Any], path: str) -> None:
    """Horizontal bar plot of the best score per loss (best at the top)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    records = board["best_per_loss"]
    fig, ax = plt.subplots(figsize=(7, 0.35 * max(len(records), 3) + 1.2))
    names = [r["loss"] for r in records][::-1]
    scores = [r["score"] for r in records][::-1]
    ax.barh(names, scores, color="tab:blue")
    for y, score in enumerate(scores):
        ax.text(score, y, f" {score:.3f}", va="center", fontsize=8)
    ax.set_xlabel(board["objective"])
    ax.set_title(f"Best {board['objective']} per loss")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def render(board: dict[str, Any], out: str) -> None:
    """Writes `leaderboard.md` and `best_per_loss.png` from the board data."""
    results.write_atomic(os.path.join(out, "leaderboard.md"), markdown(board))
    plot(board, os.path.join(out, "best_per_loss.png"))


def write(board: dict[str, Any], out: str) -> None:
    """Writes `leaderboard.json` (the data), then renders the reports from it."""
    results.write_atomic(os.path.join(out, "leaderboard.json"), json.dumps(board, indent=1))
    render(board, out)


def load(out: str) -> dict[str, Any] | None:
    """The board stored in `out`, or None."""
    path = os.path.join(out, "leaderboard.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def best_per_loss_scores(board: dict[str, Any]) -> list[tuple]:
    """(loss, score) pairs, best first."""
    return [(r["loss"], r["score"]) for r in board["best_per_loss"]]
