"""Render a loss comparison report (Markdown + PNG plots) from result records.

    python -m zoo.report runs/compare     # re-renders runs/compare/report.md from runs/compare/results*.jsonl

Every number is a mean ± std over seeds. Per table column the best loss is
**bold**; losses within one standard deviation of it (the larger of the two
stds) are marked ≈: their difference from the best is within seed-to-seed
noise and is not a finding (LOSSES.md). With a single seed there is no
spread, so nothing can be called a tie *or* a win.
"""

import collections
import math
import os
import sys
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from zoo import experiment, results

REPORT_FILE = "report.md"
STUDY_FIELDS = ("dataset", "epochs", "batch_size", "optimizer", "learning_rate")
TIE = "≈"

Stats = Tuple[float, float, int]  # mean, std over seeds, number of seeds


# ---------------------------------------------------------------- statistics


def seed_stats(records: Iterable[Dict], column: Callable[[Dict], object],
               value: Callable[[Dict], Optional[float]]) -> Dict[Tuple[object, str], Stats]:
    """`{(column, loss): (mean, std, seeds)}`: values averaged per seed first, then over seeds.

    `value(record)` may return None to leave a record out. The std is the
    sample std (ddof=1) over seeds, 0 for one seed.
    """
    per_seed = collections.defaultdict(lambda: collections.defaultdict(list))
    for record in records:
        v = value(record)
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            per_seed[(column(record), record["loss"])][record["seed"]].append(float(v))
    stats = {}
    for key, seeds in per_seed.items():
        means = np.array([np.mean(values) for values in seeds.values()])
        std = float(np.std(means, ddof=1)) if len(means) > 1 else 0.0
        stats[key] = (float(np.mean(means)), std, len(means))
    return stats


def best_and_ties(column: Dict[str, Stats], higher_is_better: bool = True) -> Tuple[Optional[str], set]:
    """The best loss of one column and the losses tied with it (within one std, needs >= 2 seeds)."""
    if not column:
        return None, set()
    sign = 1 if higher_is_better else -1
    best = max(column, key=lambda loss: sign * column[loss][0])
    best_mean, best_std, best_n = column[best]
    ties = set()
    for loss, (mean, std, n) in column.items():
        if loss != best and min(n, best_n) >= 2 and abs(best_mean - mean) <= max(best_std, std):
            ties.add(loss)
    return best, ties


def _cell(stats: Optional[Stats], digits: int, bold: bool, tie: bool) -> str:
    if stats is None:
        return "–"
    mean, std, n = stats
    text = f"{mean:.{digits}f} ± {std:.{digits}f}" if n > 1 else f"{mean:.{digits}f}"
    if bold:
        return f"**{text}**"
    return f"{text} {TIE}" if tie else text


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def stats_table(stats: Dict[Tuple[object, str], Stats], columns: Sequence, labels: Sequence[str],
                losses: Sequence[str], higher_is_better: bool = True, digits: int = 3) -> str:
    """Rows are losses, columns `columns` (labelled `labels`); best per column bold, ties marked."""
    marks = {}
    for column in columns:
        best, ties = best_and_ties({loss: s for (c, loss), s in stats.items() if c == column}, higher_is_better)
        marks[column] = (best, ties)
    rows = []
    for loss in losses:
        rows.append([f"`{loss}`"] + [_cell(stats.get((column, loss)), digits, marks[column][0] == loss,
                                           loss in marks[column][1]) for column in columns])
    return markdown_table(["loss"] + list(labels), rows)


# ---------------------------------------------------------------- record views


def loss_order(records: Sequence[Dict]) -> List[str]:
    """The losses in order of first appearance."""
    return list(dict.fromkeys(r["loss"] for r in records))


def _values(records, field) -> List:
    return sorted({r[field] for r in records})


def speed(record: Dict) -> Optional[int]:
    """Learning speed: epochs to reach 95% of the run's best validation accuracy."""
    return experiment.epochs_to_fraction(record.get("val_accuracy") or [])


def noise_label(label_noise: float, noise_type: str, input_noise: float) -> str:
    """e.g. "clean", "label noise 0.4 (symmetric)", "input σ 0.5"."""
    parts = []
    if label_noise:
        parts.append(f"label noise {label_noise:g} ({noise_type})")
    if input_noise:
        parts.append(f"input σ {input_noise:g}")
    return ", ".join(parts) or "clean"


def clean_drop(records: Sequence[Dict]) -> Callable[[Dict], Optional[float]]:
    """A value function: the record's test accuracy drop from the same run without any noise (same seed)."""
    clean = {}
    for r in records:
        if not r["label_noise"] and not r["input_noise"]:
            clean[(r["model"], r["depth"], r["seed"], r["loss"])] = r["final_test_accuracy"]

    def drop(record):
        base = clean.get((record["model"], record["depth"], record["seed"], record["loss"]))
        if base is None or record["final_test_accuracy"] is None:
            return None
        return base - record["final_test_accuracy"]

    return drop


def studies(records: Sequence[Dict]) -> Dict[Tuple, List[Dict]]:
    """Records grouped by dataset and training hyperparameters (`STUDY_FIELDS`)."""
    grouped = collections.defaultdict(list)
    for record in records:
        grouped[tuple(record[f] for f in STUDY_FIELDS)].append(record)
    return dict(grouped)


# ---------------------------------------------------------------- report


NOTE = (f"Each cell is the mean ± std over seeds. Per column the best loss is **bold**; {TIE} marks losses "
        "whose mean is within one standard deviation (the larger of the two) of the best: that difference is "
        "seed-to-seed noise, not a finding. With one seed there is no spread, so no difference can be judged.")


def _model_depth_columns(records):
    columns = sorted({(r["model"], r["depth"]) for r in records})
    return columns, [f"{model} d{depth}" for model, depth in columns]


def _noise_conditions(records):
    return sorted({(r["label_noise"], r["noise_type"], r["input_noise"]) for r in records})


def _per_condition_tables(records, losses, value, higher_is_better, digits) -> List[str]:
    lines = []
    columns, labels = _model_depth_columns(records)
    for label_noise, noise_type, input_noise in _noise_conditions(records):
        subset = [r for r in records if (r["label_noise"], r["noise_type"], r["input_noise"])
                  == (label_noise, noise_type, input_noise)]
        stats = seed_stats(subset, lambda r: (r["model"], r["depth"]), value)
        lines += [f"#### {noise_label(label_noise, noise_type, input_noise).capitalize()}", "",
                  stats_table(stats, columns, labels, losses, higher_is_better, digits), ""]
    return lines


def _robustness_tables(records, losses) -> List[str]:
    drop = clean_drop(records)
    lines = []
    for axis, other, title in (("label_noise", "input_noise", "label noise rate"),
                               ("input_noise", "label_noise", "input noise σ")):
        subset = [r for r in records if not r[other]]
        stats = seed_stats([r for r in subset if r[axis]], lambda r, a=axis: (r["model"], r["depth"], r[a]), drop)
        columns = sorted({column for column, _ in stats})
        if not columns:
            continue
        labels = [f"{model} d{depth} @{level:g}" for model, depth, level in columns]
        lines += [f"#### Test accuracy drop from clean vs {title} (paired by seed; lower is more robust)", "",
                  stats_table(stats, columns, labels, losses, higher_is_better=False), ""]
    return lines


def _summary_lines(records, losses) -> List[str]:
    """Which loss is best per column of the test accuracy tables, and how many tie with it."""
    lines = []
    columns, labels = _model_depth_columns(records)
    for label_noise, noise_type, input_noise in _noise_conditions(records):
        subset = [r for r in records if (r["label_noise"], r["input_noise"]) == (label_noise, input_noise)]
        stats = seed_stats(subset, lambda r: (r["model"], r["depth"]), lambda r: r["final_test_accuracy"])
        for column, label in zip(columns, labels):
            best, ties = best_and_ties({loss: s for (c, loss), s in stats.items() if c == column})
            if best is None:
                continue
            verdict = (f"tied within noise with {len(ties)} other loss(es)" if ties
                       else "ahead of every other loss by more than one std" if stats[(column, best)][2] > 1
                       else "single seed: no spread to judge")
            lines.append(f"- {label}, {noise_label(label_noise, noise_type, input_noise)}: best `{best}` "
                         f"({stats[(column, best)][0]:.3f}), {verdict}.")
    return lines


def render(out_dir: str) -> str:
    """Writes `out_dir/report.md` and its PNG plots from `out_dir/results*.jsonl`; returns the report path."""
    records = [r for r in results.read_all(out_dir) if r.get("final_test_accuracy") is not None]
    lines = ["# Loss comparison", ""]
    if not records:
        lines += [f"No finished runs in `{out_dir}` yet (no records in results*.jsonl)."]
    multiple = len(studies(records)) > 1
    for index, ((dataset, epochs, batch, optimizer, lr), study) in enumerate(sorted(studies(records).items())):
        losses = loss_order(study)
        prefix = f"study{index + 1}_" if multiple else ""
        seeds = ", ".join(map(str, _values(study, "seed")))
        models = ", ".join(label for label in _model_depth_columns(study)[1])
        flips = ", ".join(sorted({"%.3f" % r["realised_flip_fraction"] for r in study}))
        lines += [f"## {dataset}: {epochs} epochs, batch {batch}, {optimizer} (learning rate {lr:g})", "",
                  f"{len(study)} runs: {len(losses)} losses, seeds {seeds}, models {models}. "
                  f"Realised label flip fractions: {flips}. "
                  "All losses of a setting trained fused, from the same initial weights on the same batches.",
                  "", NOTE, "",
                  "### Final test accuracy", ""]
        lines += _per_condition_tables(study, losses, lambda r: r["final_test_accuracy"], True, 3)
        lines += ["### Best loss per setting", ""] + _summary_lines(study, losses) + [""]
        lines += ["### Learning speed", "",
                  f"Epochs to reach {experiment.SPEED_FRACTION:.0%} of the run's own best validation accuracy "
                  "(fewer is faster).", ""]
        lines += _per_condition_tables(study, losses, speed, False, 1)
        robustness = _robustness_tables(study, losses)
        if robustness:
            lines += ["### Robustness", ""] + robustness
        lines += ["### Plots", ""]
        for title, name in render_plots(study, out_dir, prefix):
            lines += [f"![{title}]({name})", ""]
    path = os.path.join(out_dir, REPORT_FILE)
    os.makedirs(out_dir, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines).rstrip() + "\n")
    return path


def summary_text(records: Sequence[Dict]) -> str:
    """A compact plain-text table for the terminal: mean test accuracy per loss and noise condition.

    Averages over models, depths and seeds; `*` marks the best per column and
    `~` the losses within one std (over seeds) of it.
    """
    records = [r for r in records if r.get("final_test_accuracy") is not None]
    if not records:
        return "(no finished runs)"
    losses = loss_order(records)
    conditions = sorted({(r["label_noise"], r["input_noise"]) for r in records})
    stats = seed_stats(records, lambda r: (r["label_noise"], r["input_noise"]), lambda r: r["final_test_accuracy"])
    labels = [" + ".join(([f"labels {ln:g}"] if ln else []) + ([f"input σ {sigma:g}"] if sigma else [])) or "clean"
              for ln, sigma in conditions]
    width = max(len(loss) for loss in losses) + 2
    lines = ["mean test accuracy (over models, depths, seeds); * best, ~ within one std of best",
             "".ljust(width) + "".join(label.rjust(22) for label in labels)]
    marks = {c: best_and_ties({l: s for (cc, l), s in stats.items() if cc == c}) for c in conditions}
    for loss in losses:
        cells = []
        for c in conditions:
            s = stats.get((c, loss))
            mark = "*" if marks[c][0] == loss else "~" if loss in marks[c][1] else " "
            cells.append("–".rjust(22) if s is None else f"{s[0]:.3f} ± {s[1]:.3f}{mark}".rjust(22))
        lines.append(loss.ljust(width) + "".join(cells))
    return "\n".join(lines)


# ---------------------------------------------------------------- plots


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _colors(losses):
    plt = _pyplot()
    cmap = plt.get_cmap("tab20")
    return {loss: cmap(i % 20) for i, loss in enumerate(losses)}


def _grid(plt, panels: int, width: float = 3.2, height: float = 2.6):
    cols = min(panels, 5)
    rows = math.ceil(panels / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    return fig, list(axes.flat)


def _save(fig, out_dir, name) -> str:
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, name), dpi=90, bbox_inches="tight")
    _pyplot().close(fig)
    return name


def plot_learning_curves(records, out_dir, name) -> str:
    """One panel per loss: mean validation accuracy per epoch, a line per model/depth and noise condition."""
    plt = _pyplot()
    losses = loss_order(records)
    groups = sorted({(r["model"], r["depth"], r["label_noise"], r["noise_type"], r["input_noise"]) for r in records})
    cmap = plt.get_cmap("viridis")
    fig, axes = _grid(plt, len(losses))
    for ax, loss in zip(axes, losses):
        for index, (model, depth, ln, kind, sigma) in enumerate(groups):
            curves = [r["val_accuracy"] for r in records if r["loss"] == loss and
                      (r["model"], r["depth"], r["label_noise"], r["noise_type"], r["input_noise"])
                      == (model, depth, ln, kind, sigma) and r.get("val_accuracy")]
            if not curves:
                continue
            length = min(len(c) for c in curves)
            mean = np.mean([c[:length] for c in curves], axis=0)
            style = "-" if not ln and not sigma else "--"
            ax.plot(np.arange(1, length + 1), mean, style, color=cmap(index / max(len(groups) - 1, 1)),
                    label=f"{model} d{depth}, {noise_label(ln, kind, sigma)}")
        ax.set_title(loss, fontsize=9)
        ax.set_xlabel("epoch", fontsize=8)
        ax.set_ylabel("val accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4), fontsize=8,
               bbox_to_anchor=(0.5, -0.02 - 0.04 * math.ceil(len(labels) / 4)))
    return _save(fig, out_dir, name)


def plot_accuracy_vs(records, axis: str, panel: Callable[[Dict], Tuple], panel_label: Callable[[Tuple], str],
                     xlabel: str, out_dir: str, name: str) -> str:
    """Test accuracy (mean ± std over seeds) against `axis`, a line per loss, a panel per `panel(record)`."""
    plt = _pyplot()
    losses = loss_order(records)
    colors = _colors(losses)
    panels = sorted({panel(r) for r in records})
    stats = seed_stats(records, lambda r: (panel(r), r[axis]), lambda r: r["final_test_accuracy"])
    fig, axes = _grid(plt, len(panels), width=4.2, height=3.2)
    for ax, key in zip(axes, panels):
        for i, loss in enumerate(losses):
            points = sorted((x, s) for ((p, x), l), s in stats.items() if l == loss and p == key)
            if not points:
                continue
            xs = [x for x, _ in points]
            ax.errorbar(xs, [s[0] for _, s in points], yerr=[s[1] for _, s in points], color=colors[loss],
                        marker="os^Dv"[i % 5], markersize=3, capsize=2, linewidth=1, label=loss)
        ax.set_title(panel_label(key), fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("test accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    return _save(fig, out_dir, name)


def render_plots(records, out_dir: str, prefix: str = "") -> List[Tuple[str, str]]:
    """Writes the PNG plots of one study; returns `(title, file name)` pairs."""
    made = [("Learning curves per loss (validation accuracy)",
             plot_learning_curves(records, out_dir, f"{prefix}learning_curves.png"))]
    for axis, other, xlabel, title in (("label_noise", "input_noise", "label noise rate", "label noise"),
                                       ("input_noise", "label_noise", "input noise σ", "input noise")):
        subset = [r for r in records if not r[other]]
        if len(_values(subset, axis)) > 1:
            made.append((f"Test accuracy vs {title}", plot_accuracy_vs(
                subset, axis, lambda r: (r["model"], r["depth"]), lambda k: f"{k[0]} d{k[1]}", xlabel, out_dir,
                f"{prefix}accuracy_vs_{axis}.png")))
    made.append(("Test accuracy vs depth", plot_accuracy_vs(
        records, "depth", lambda r: (r["model"], r["label_noise"], r["noise_type"], r["input_noise"]),
        lambda k: f"{k[0]}, {noise_label(k[1], k[2], k[3])}", "depth", out_dir, f"{prefix}accuracy_vs_depth.png")))
    return made


def main(argv: Sequence[str]) -> int:
    """`python -m zoo.report OUT`: re-render OUT/report.md from OUT/results*.jsonl."""
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: python -m zoo.report OUT_DIR  (re-renders OUT_DIR/report.md from its results*.jsonl)",
              file=sys.stderr)
        return 2
    out_dir = argv[1]
    if not results.files(out_dir):
        print(f"error: no results*.jsonl in {out_dir!r}; run `python -m zoo.compare --out={out_dir}` first.",
              file=sys.stderr)
        return 2
    path = render(out_dir)
    print(summary_text(results.read_all(out_dir)))
    print(f"Report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
