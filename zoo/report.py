"""Render a loss comparison report (Markdown + PNG plots) from result records.

    python -m zoo.report runs/compare     # re-renders runs/compare/report.md from runs/compare/results*.jsonl
    python -m zoo.report runs/compare --reference=cauchy_schwarz

Every number is a mean ± std over seeds. The comparison is paired (for a
seed every loss starts from the same weights on the same batches), so
differences are judged on per-seed differences (`zoo.paired`): per table
column the best loss is **bold**, and ≈ marks the losses with no detectable
paired difference from it (the 95 % interval of the per-seed difference
contains 0): such a gap is seed noise, not a finding (LOSSES.md). A table
of paired differences to a reference loss (default `log_loss`) says per
loss and condition: better, worse, or no detectable difference. With a
single seed nothing can be judged. Runs that diverged (train loss NaN/Inf)
are left out of means and counted.
"""

import collections
import math
import os
import sys
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from zoo import experiment, paired, results

REPORT_FILE = "report.md"
STUDY_FIELDS = ("dataset", "epochs", "batch_size", "optimizer", "learning_rate")
TIE = "≈"
REFERENCE = "log_loss"  # The default reference loss of the paired comparison.

Stats = Tuple[float, float, int]  # mean, std over seeds, number of seeds


# ---------------------------------------------------------------- statistics


PerSeed = Dict[Tuple[object, str], Dict[int, float]]  # (column, loss) -> {seed: value}


def per_seed(records: Iterable[Dict], column: Callable[[Dict], object],
             value: Callable[[Dict], Optional[float]]) -> PerSeed:
    """`{(column, loss): {seed: value}}`, averaging the records of one seed (e.g. over depths).

    `value(record)` may return None to leave a record out (a diverged run).
    """
    grouped = collections.defaultdict(lambda: collections.defaultdict(list))
    for record in records:
        v = value(record)
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            grouped[(column(record), record["loss"])][record["seed"]].append(float(v))
    return {key: {seed: float(np.mean(values)) for seed, values in seeds.items()} for key, seeds in grouped.items()}


def stats_of(values: Dict[int, float]) -> Stats:
    """`(mean, std, seeds)` over seeds; the std is the sample std (ddof=1), 0 for one seed."""
    means = np.array(list(values.values()))
    return float(np.mean(means)), float(np.std(means, ddof=1)) if len(means) > 1 else 0.0, len(means)


def seed_stats(records: Iterable[Dict], column: Callable[[Dict], object],
               value: Callable[[Dict], Optional[float]]) -> Dict[Tuple[object, str], Stats]:
    """`{(column, loss): (mean, std, seeds)}`: values averaged per seed first, then over seeds."""
    return {key: stats_of(values) for key, values in per_seed(records, column, value).items()}


def best_and_ties(column: Dict[str, Dict[int, float]], higher_is_better: bool = True) -> Tuple[Optional[str], set]:
    """The best loss of one column (by mean) and the losses with no detectable paired difference from it.

    `column` is `{loss: {seed: value}}`; a tie needs >= 2 common seeds (`zoo.paired`).
    """
    if not column:
        return None, set()
    sign = 1 if higher_is_better else -1
    best = max(column, key=lambda loss: sign * stats_of(column[loss])[0])
    ties = set()
    for loss, values in column.items():
        found = paired.difference(values, column[best])
        if loss != best and found is not None and found.verdict == paired.NO_DIFFERENCE:
            ties.add(loss)
    return best, ties


def _cell(stats: Optional[Stats], digits: int, bold: bool, tie: bool, diverged: Sequence[int] = ()) -> str:
    if stats is None:
        return f"diverged (epoch {min(diverged)})" if diverged else "–"
    mean, std, n = stats
    text = f"{mean:.{digits}f} ± {std:.{digits}f}" if n > 1 else f"{mean:.{digits}f}"
    if bold:
        text = f"**{text}**"
    elif tie:
        text = f"{text} {TIE}"
    return f"{text} ({len(diverged)} diverged)" if diverged else text


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def stats_table(values: PerSeed, columns: Sequence, labels: Sequence[str], losses: Sequence[str],
                higher_is_better: bool = True, digits: int = 3, diverged: Optional[Dict] = None) -> str:
    """Rows are losses, columns `columns` (labelled `labels`); best per column bold, paired ties marked.

    `diverged` maps `(column, loss)` to the epochs at which its runs diverged.
    """
    marks = {}
    for column in columns:
        marks[column] = best_and_ties({loss: v for (c, loss), v in values.items() if c == column},
                                      higher_is_better)
    rows = []
    for loss in losses:
        rows.append([f"`{loss}`"] + [
            _cell(stats_of(values[(column, loss)]) if (column, loss) in values else None, digits,
                  marks[column][0] == loss, loss in marks[column][1], (diverged or {}).get((column, loss), ()))
            for column in columns])
    return markdown_table(["loss"] + list(labels), rows)


def divergences(records: Iterable[Dict], column: Callable[[Dict], object]) -> Dict[Tuple[object, str], List[int]]:
    """`{(column, loss): [epoch at which each diverged run diverged]}`."""
    found = collections.defaultdict(list)
    for record in records:
        if record.get("diverged_at_epoch"):
            found[(column(record), record["loss"])].append(record["diverged_at_epoch"])
    return dict(found)


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


NOTE = (f"Each cell is the mean ± std over seeds. Per column the best loss is **bold**; {TIE} marks the losses "
        "with no detectable paired difference from it (the 95 % interval of the per-seed difference contains 0): "
        "that gap is seed-to-seed noise, not a finding. With one seed no difference can be judged. Diverged runs "
        "(train loss NaN/Inf) are left out of the means and counted.")


def _condition(record) -> Tuple:
    return record["label_noise"], record["noise_type"], record["input_noise"]


def _model_depth(record) -> Tuple:
    return record["model"], record["depth"]


def _final(record) -> Optional[float]:
    return record.get("final_test_accuracy")


def _model_depth_columns(records):
    columns = sorted({_model_depth(r) for r in records})
    return columns, [f"{model} d{depth}" for model, depth in columns]


def _noise_conditions(records):
    return sorted({_condition(r) for r in records})


def _per_condition_tables(records, losses, value, higher_is_better, digits) -> List[str]:
    lines = []
    columns, labels = _model_depth_columns(records)
    for condition in _noise_conditions(records):
        subset = [r for r in records if _condition(r) == condition]
        table = stats_table(per_seed(subset, _model_depth, value), columns, labels, losses, higher_is_better,
                            digits, divergences(subset, _model_depth))
        lines += [f"#### {noise_label(*condition).capitalize()}", "", table, ""]
    return lines


def _robustness_tables(records, losses) -> List[str]:
    drop = clean_drop(records)
    lines = []
    for axis, other, title in (("label_noise", "input_noise", "label noise rate"),
                               ("input_noise", "label_noise", "input noise σ")):
        subset = [r for r in records if not r[other] and r[axis]]
        column = lambda r, a=axis: (r["model"], r["depth"], r[a])  # noqa: E731
        values = per_seed(subset, column, drop)
        columns = sorted({c for c, _ in values})
        if not columns:
            continue
        labels = [f"{model} d{depth} @{level:g}" for model, depth, level in columns]
        lines += [f"#### Test accuracy drop from clean vs {title} (paired by seed; lower is more robust)", "",
                  stats_table(values, columns, labels, losses, higher_is_better=False,
                              diverged=divergences(subset, column)), ""]
    return lines


def paired_tables(records, losses, reference: str) -> List[str]:
    """Per model/depth: each loss's paired test-accuracy difference to `reference` per condition, with verdicts."""
    if reference not in losses:
        return [f"(The reference loss `{reference}` is not in this study: no paired table. "
                "`python -m zoo.report OUT --reference=NAME` chooses another.)", ""]
    lines = [f"Per seed, each loss's final test accuracy minus `{reference}`'s (same initial weights, same "
             "batches), averaged over seeds, with its 95 % interval (t-interval; paired bootstrap from "
             f"{paired.BOOTSTRAP_FROM} seeds). **better** / **worse**: the interval excludes 0; otherwise no "
             "detectable difference.", ""]
    conditions = _noise_conditions(records)
    for model_depth in sorted({_model_depth(r) for r in records}):
        subset = [r for r in records if _model_depth(r) == model_depth]
        values = per_seed(subset, _condition, _final)
        rows = []
        for loss in losses:
            if loss == reference:
                continue
            cells = []
            for condition in conditions:
                found = paired.difference(values.get((condition, loss), {}), values.get((condition, reference), {}))
                verdict = "" if found is None else found.verdict
                mark = f"**{verdict}** " if verdict in (paired.BETTER, paired.WORSE) else ""
                cells.append("–" if found is None else f"{mark}{found.text()}")
            rows.append([f"`{loss}`"] + cells)
        lines += [f"#### {model_depth[0]} d{model_depth[1]}", "",
                  markdown_table(["loss"] + [noise_label(*c) for c in conditions], rows), ""]
    return lines


def _summary_lines(records, losses) -> List[str]:
    """Which loss is best per column of the test accuracy tables, and how many it cannot be told from."""
    lines = []
    columns, labels = _model_depth_columns(records)
    for condition in _noise_conditions(records):
        values = per_seed([r for r in records if _condition(r) == condition], _model_depth, _final)
        for column, label in zip(columns, labels):
            column_values = {loss: v for (c, loss), v in values.items() if c == column}
            best, ties = best_and_ties(column_values)
            if best is None:
                continue
            mean, _, seeds = stats_of(column_values[best])
            verdict = (f"no detectable paired difference from {len(ties)} other loss(es)" if ties
                       else "ahead of every other loss (paired 95 % interval)" if seeds > 1
                       else "single seed: no spread to judge")
            lines.append(f"- {label}, {noise_label(*condition)}: best `{best}` ({mean:.3f}), {verdict}.")
    return lines


def _reportable(records: Iterable[Dict]) -> List[Dict]:
    """The records of finished runs: with a final test accuracy, or diverged."""
    return [r for r in records if r.get("final_test_accuracy") is not None or r.get("diverged_at_epoch")]


def render(out_dir: str, reference: str = REFERENCE) -> str:
    """Writes `out_dir/report.md` and its PNG plots from `out_dir/results*.jsonl`; returns the report path."""
    records = _reportable(results.read_all(out_dir))
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
        engines = ", ".join(sorted({r.get("engine", "fused") for r in study}))
        diverged = sum(1 for r in study if r.get("diverged_at_epoch"))
        lines += [f"## {dataset}: {epochs} epochs, batch {batch}, {optimizer} (learning rate {lr:g})", "",
                  f"{len(study)} runs: {len(losses)} losses, seeds {seeds}, models {models}. "
                  f"Realised label flip fractions: {flips}. Trained by the {engines} engine: every loss of a "
                  "setting from the same initial weights on the same batches. "
                  f"Diverged runs: {diverged}.", "", NOTE, "",
                  "### Final test accuracy", ""]
        lines += _per_condition_tables(study, losses, _final, True, 3)
        lines += ["### Best loss per setting", ""] + _summary_lines(study, losses) + [""]
        lines += [f"### Paired differences to `{reference}`", ""] + paired_tables(study, losses, reference)
        lines += ["### Learning speed", "",
                  f"Epochs to reach {experiment.SPEED_FRACTION:.0%} of the run's own best validation accuracy "
                  "(fewer is faster).", ""]
        lines += _per_condition_tables(study, losses, speed, False, 1)
        robustness = _robustness_tables(study, losses)
        if robustness:
            lines += ["### Robustness", ""] + robustness
        lines += ["### Plots", ""]
        for title, name in render_plots(study, out_dir, prefix, reference):
            lines += [f"![{title}]({name})", ""]
    path = os.path.join(out_dir, REPORT_FILE)
    results.write_atomic(path, "\n".join(lines).rstrip() + "\n")
    return path


def summary_text(records: Sequence[Dict], reference: str = REFERENCE) -> str:
    """A compact plain-text table for the terminal: mean test accuracy per loss and noise condition.

    Averages over models and depths per seed, then over seeds; `*` marks the
    best per column, `~` the losses with no detectable paired difference from
    it, and `+`/`-` the losses detectably better/worse than `reference`.
    """
    records = _reportable(records)
    if not records:
        return "(no finished runs)"
    losses = loss_order(records)
    conditions = sorted({(r["label_noise"], r["input_noise"]) for r in records})
    column = lambda r: (r["label_noise"], r["input_noise"])  # noqa: E731
    values = per_seed(records, column, _final)
    diverged = divergences(records, column)
    labels = [" + ".join(([f"labels {ln:g}"] if ln else []) + ([f"input σ {sigma:g}"] if sigma else [])) or "clean"
              for ln, sigma in conditions]
    width = max(len(loss) for loss in losses) + 2
    lines = [f"mean test accuracy (over models, depths, seeds); * best, ~ no detectable paired difference "
             f"from best; +/- detectably better/worse than {reference}",
             "".ljust(width) + "".join(label.rjust(24) for label in labels)]
    marks = {c: best_and_ties({l: v for (cc, l), v in values.items() if cc == c}) for c in conditions}
    for loss in losses:
        cells = []
        for c in conditions:
            if (c, loss) not in values:
                cells.append((f"diverged (ep {min(diverged[(c, loss)])})" if (c, loss) in diverged
                              else "–").rjust(24))
                continue
            mean, std, _ = stats_of(values[(c, loss)])
            mark = "*" if marks[c][0] == loss else "~" if loss in marks[c][1] else " "
            versus = paired.difference(values[(c, loss)], values.get((c, reference), {}))
            sign = {paired.BETTER: "+", paired.WORSE: "-"}.get(versus.verdict if versus else "", " ")
            cells.append(f"{mean:.3f} ± {std:.3f}{mark}{sign}".rjust(24))
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
            curves = [r["val_accuracy"] for r in records if r["loss"] == loss and not r.get("diverged_at_epoch") and
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
    stats = seed_stats(records, lambda r: (panel(r), r[axis]), _final)
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


OFF_SCALE = 0.15  # Accuracy differences beyond this are written at the edge of the paired-difference plot.
LINE_PLOT_MAX_LOSSES = 8  # More lines than this in one panel cannot be told apart: the heatmap shows them.


def mean_rank_order(values: PerSeed, losses: Sequence[str]) -> List[str]:
    """`losses` ordered by their mean rank (1 = best mean) over the columns of `values`."""
    columns = sorted({c for c, _ in values}, key=repr)
    ranks = collections.defaultdict(list)
    for column in columns:
        means = {loss: stats_of(v)[0] for (c, loss), v in values.items() if c == column}
        for rank, loss in enumerate(sorted(means, key=lambda l: -means[l]), start=1):
            ranks[loss].append(rank)
    return sorted(losses, key=lambda loss: (np.mean(ranks[loss]) if ranks[loss] else math.inf, loss))


def plot_heatmap(records, out_dir: str, name: str) -> str:
    """Mean test accuracy, losses (rows, by mean rank) x noise conditions (columns), a panel per model/depth."""
    plt = _pyplot()
    panels = sorted({_model_depth(r) for r in records})
    conditions = _noise_conditions(records)
    values = per_seed(records, lambda r: (_model_depth(r), _condition(r)), _final)
    losses = mean_rank_order(values, loss_order(records))
    fig, axes = _grid(plt, len(panels), width=1.1 * len(conditions) + 2.6, height=0.32 * len(losses) + 1.6)
    for ax, panel in zip(axes, panels):
        grid = np.full((len(losses), len(conditions)), np.nan)
        for i, loss in enumerate(losses):
            for j, condition in enumerate(conditions):
                if ((panel, condition), loss) in values:
                    grid[i, j] = stats_of(values[((panel, condition), loss)])[0]
        # Colours span the upper 90 % of cells: one collapsed loss must not flatten the contrast of the others.
        low = np.nanpercentile(grid, 10) if np.isfinite(grid).any() else 0.0
        image = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=low, vmax=np.nanmax(grid))
        for i in range(len(losses)):
            for j in range(len(conditions)):
                text = "div." if np.isnan(grid[i, j]) else f"{grid[i, j]:.3f}"
                bright = not np.isnan(grid[i, j]) and grid[i, j] > (low + np.nanmax(grid)) / 2
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="black" if bright else "white")
        ax.set_xticks(range(len(conditions)), [noise_label(*c).replace(" (symmetric)", "") for c in conditions],
                      rotation=30, ha="right", fontsize=7)
        ax.set_yticks(range(len(losses)), losses, fontsize=7)
        ax.set_title(f"{panel[0]} d{panel[1]}: mean test accuracy", fontsize=9)
        fig.colorbar(image, ax=ax, fraction=0.04)
    return _save(fig, out_dir, name)


def plot_paired_differences(records, reference: str, out_dir: str, name: str) -> Optional[str]:
    """A panel per noise condition: each loss's paired difference to `reference` with its 95 % interval, ranked.

    Per seed the accuracies are averaged over models and depths, then differenced.
    """
    if reference not in loss_order(records):
        return None
    plt = _pyplot()
    conditions = _noise_conditions(records)
    values = per_seed(records, _condition, _final)
    losses = [l for l in loss_order(records) if l != reference]
    fig, axes = _grid(plt, len(conditions), width=4.0, height=0.26 * len(losses) + 1.3)
    colors = {paired.BETTER: "tab:green", paired.WORSE: "tab:red"}
    for ax, condition in zip(axes, conditions):
        found = {loss: paired.difference(values.get((condition, loss), {}), values.get((condition, reference), {}))
                 for loss in losses}
        ranked = sorted((l for l in losses if found[l] is not None), key=lambda l: found[l].mean)
        # Losses more than OFF_SCALE from the reference are written at the edge instead of squashing the rest.
        near = [found[l] for l in ranked if abs(found[l].mean) <= OFF_SCALE] or [paired.Difference(0, 0, 0, 1, "")]
        left = min(min(d.low for d in near), 0.0)
        right = max(max(d.high for d in near), 0.0)
        pad = 0.08 * (right - left or 0.01)
        left, right = max(left, -OFF_SCALE) - pad, min(right, OFF_SCALE) + pad
        for y, loss in enumerate(ranked):
            d = found[loss]
            color = colors.get(d.verdict, "tab:gray")
            if abs(d.mean) > OFF_SCALE:
                edge = left if d.mean < 0 else right
                ax.text(edge, y, f"{'◀' if d.mean < 0 else '▶'} {d.mean:+.2f}", color=color, fontsize=7,
                        ha="left" if d.mean < 0 else "right", va="center")
                continue
            ax.errorbar(d.mean, y, xerr=[[d.mean - d.low], [d.high - d.mean]], fmt="o", markersize=3,
                        capsize=2, color=color)
        ax.set_xlim(left, right)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(ranked)), ranked, fontsize=7)
        ax.set_title(noise_label(*condition), fontsize=9)
        ax.set_xlabel(f"test accuracy − {reference} (per seed)", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    return _save(fig, out_dir, name)


def render_plots(records, out_dir: str, prefix: str = "", reference: str = REFERENCE) -> List[Tuple[str, str]]:
    """Writes the PNG plots of one study; returns `(title, file name)` pairs."""
    made = [("Mean test accuracy per loss and condition (losses by mean rank)",
             plot_heatmap(records, out_dir, f"{prefix}accuracy_heatmap.png"))]
    differences = plot_paired_differences(records, reference, out_dir, f"{prefix}paired_differences.png")
    if differences:
        made.append((f"Paired difference to {reference} with 95 % intervals (green better, red worse)",
                     differences))
    made.append(("Learning curves per loss (validation accuracy)",
                 plot_learning_curves(records, out_dir, f"{prefix}learning_curves.png")))
    if len(loss_order(records)) <= LINE_PLOT_MAX_LOSSES:
        for axis, other, xlabel, title in (("label_noise", "input_noise", "label noise rate", "label noise"),
                                           ("input_noise", "label_noise", "input noise σ", "input noise")):
            subset = [r for r in records if not r[other]]
            if len(_values(subset, axis)) > 1:
                made.append((f"Test accuracy vs {title}", plot_accuracy_vs(
                    subset, axis, _model_depth, lambda k: f"{k[0]} d{k[1]}", xlabel, out_dir,
                    f"{prefix}accuracy_vs_{axis}.png")))
        made.append(("Test accuracy vs depth", plot_accuracy_vs(
            records, "depth", lambda r: (r["model"], r["label_noise"], r["noise_type"], r["input_noise"]),
            lambda k: f"{k[0]}, {noise_label(k[1], k[2], k[3])}", "depth", out_dir,
            f"{prefix}accuracy_vs_depth.png")))
    return made


def main(argv: Sequence[str]) -> int:
    """`python -m zoo.report OUT [--reference=NAME]`: re-render OUT/report.md from OUT/results*.jsonl."""
    if len(argv) != 2:
        print("usage: python -m zoo.report OUT_DIR [--reference=LOSS]  (re-renders OUT_DIR/report.md from its "
              "results*.jsonl)", file=sys.stderr)
        return 2
    out_dir = argv[1]
    if not results.files(out_dir):
        print(f"error: no results*.jsonl in {out_dir!r}; run `python -m zoo.compare --out={out_dir}` first.",
              file=sys.stderr)
        return 2
    path = render(out_dir, FLAGS.reference)
    print(summary_text(results.read_all(out_dir), FLAGS.reference))
    print(f"Report: {path}")
    return 0


def _define_flags():
    from absl import flags

    values = flags.FlagValues()  # private: see zoo/cli.py
    flags.DEFINE_string("reference", REFERENCE, "The loss every other loss is compared with, paired by seed.",
                        flag_values=values)
    return values


FLAGS = _define_flags()


if __name__ == "__main__":
    from zoo import cli

    cli.run(main, FLAGS, "zoo.report")
