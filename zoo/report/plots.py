"""The report's PNG plots (matplotlib, Agg backend), drawn from the result records of one study.

A heatmap of mean test accuracy (losses by mean rank x noise conditions, a
panel per model/depth), each loss's paired difference to the reference loss
with its 95 % interval, learning curves per loss, and, for up to
`LINE_PLOT_MAX_LOSSES` losses, test accuracy against noise level and depth.
The numbers come from `zoo.report.statistics`; `render_plots` writes them all and
returns their titles and file names for `zoo.report`. One job, every figure of the
report, in one module past 400 lines: the figures share the panel grid, colours, legend
and saving (`_grid`, `_colors`, `_legend`, `_save`).
"""

import math
import os
import sys
from collections.abc import Callable

import numpy as np

from zoo.report import paired, statistics
from zoo.report.statistics import loss_order, per_seed, seed_stats, stats_of
from zoo.sweeps.condition import Condition

OFF_SCALE = 0.15  # Accuracy differences beyond this are written at the edge of the paired-difference plot.
LINE_PLOT_MAX_LOSSES = 8  # More lines than this in one panel cannot be told apart: the heatmap shows them.


def _pyplot():
    import matplotlib

    if "ipykernel" not in sys.modules:  # In a notebook the inline backend stays, so that figures show.
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


def _legend(fig, axes, **options) -> None:
    """One figure legend from the labelled lines of all `axes` (none if no axis has any)."""
    entries = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(label, handle)
    if entries:
        fig.legend(list(entries.values()), list(entries), **options)


def _curve_group(record: dict) -> tuple:
    """A learning-curve line: `(model, depth, label_noise, noise_type, input_noise)`."""
    return record["model"], record["depth"], record["label_noise"], record["noise_type"], record["input_noise"]


def plot_learning_curves(records, out_dir, name) -> str | None:
    """One panel per loss: mean validation accuracy per epoch, a line per model/depth and noise condition.

    Diverged runs are left out, and so is a loss none of whose runs finished;
    with no finished run at all there is no plot (None).
    """
    plt = _pyplot()
    finished = [r for r in statistics.finite_runs(records) if r.get("val_accuracy")]
    losses = loss_order(finished)
    if not losses:
        return None
    groups = sorted({_curve_group(r) for r in records})
    cmap = plt.get_cmap("viridis")
    fig, axes = _grid(plt, len(losses))
    for ax, loss in zip(axes, losses):
        for index, group in enumerate(groups):
            curves = [r["val_accuracy"] for r in finished if r["loss"] == loss and _curve_group(r) == group]
            if not curves:
                continue
            length = min(len(c) for c in curves)
            mean = np.mean([c[:length] for c in curves], axis=0)
            model, depth, ln, kind, sigma = group
            ax.plot(
                np.arange(1, length + 1),
                mean,
                "-" if not ln and not sigma else "--",
                color=cmap(index / max(len(groups) - 1, 1)),
                label=f"{statistics.model_label(model, depth)}, {Condition(ln, kind, sigma).label()}",
            )
        ax.set_title(loss, fontsize=9)
        ax.set_xlabel("epoch", fontsize=8)
        ax.set_ylabel("val accuracy", fontsize=8)
        ax.tick_params(labelsize=7)
    labels = len({label for ax in axes for label in ax.get_legend_handles_labels()[1]})
    _legend(
        fig,
        axes,
        loc="lower center",
        ncol=max(min(labels, 4), 1),
        fontsize=8,
        bbox_to_anchor=(0.5, -0.02 - 0.04 * math.ceil(labels / 4)),
    )
    return _save(fig, out_dir, name)


def plot_accuracy_vs(
    records,
    axis: str,
    panel: Callable[[dict], tuple],
    panel_label: Callable[[tuple], str],
    xlabel: str,
    out_dir: str,
    name: str,
) -> str | None:
    """Test accuracy (mean ± std over seeds) against `axis`, a line per loss, a panel per `panel(record)`.

    Diverged runs are left out; with no finished run there is no plot (None).
    """
    plt = _pyplot()
    losses = loss_order(records)
    colors = _colors(losses)
    panels = sorted({panel(r) for r in records})
    stats = seed_stats(records, lambda r: (panel(r), r[axis]), statistics.final_accuracy)
    if not stats:
        return None
    fig, axes = _grid(plt, len(panels), width=4.2, height=3.2)
    for ax, key in zip(axes, panels):
        for i, loss in enumerate(losses):
            points = sorted((x, s) for ((p, x), l), s in stats.items() if l == loss and p == key)
            if not points:
                continue
            xs = [x for x, _ in points]
            ax.errorbar(
                xs,
                [s[0] for _, s in points],
                yerr=[s[1] for _, s in points],
                color=colors[loss],
                marker="os^Dv"[i % 5],
                markersize=3,
                capsize=2,
                linewidth=1,
                label=loss,
            )
        ax.set_title(panel_label(key), fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(statistics.headline_title(records), fontsize=8)
        ax.tick_params(labelsize=7)
    _legend(fig, axes, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    return _save(fig, out_dir, name)


def plot_heatmap(
    records, out_dir: str, name: str, value=statistics.final_accuracy, what: str | None = None
) -> str | None:
    """Mean `value` (test accuracy), losses (rows, by mean rank) x conditions (columns), a panel per model/depth.

    A cell with no finished run reads "div."; with no finished run at all there is no plot (None).
    """
    plt = _pyplot()
    panels = statistics.model_depths(records)
    conditions = statistics.noise_conditions(records)
    values = per_seed(records, lambda r: (statistics.model_depth(r), statistics.condition(r)), value)
    if not values:
        return None
    losses = statistics.mean_rank_order(values, loss_order(records))
    fig, axes = _grid(plt, len(panels), width=1.1 * len(conditions) + 2.6, height=0.32 * len(losses) + 1.6)
    for ax, panel in zip(axes, panels):
        grid = np.full((len(losses), len(conditions)), np.nan)
        for i, loss in enumerate(losses):
            for j, condition in enumerate(conditions):
                if ((panel, condition), loss) in values:
                    grid[i, j] = stats_of(values[((panel, condition), loss)])[0]
        # Colours span the upper 90 % of cells: one collapsed loss must not flatten the contrast of the others.
        finite = np.isfinite(grid).any()  # A panel whose every run diverged has no finite cell.
        low, high = (np.nanpercentile(grid, 10), np.nanmax(grid)) if finite else (0.0, 1.0)
        image = ax.imshow(grid, aspect="auto", cmap="viridis", vmin=low, vmax=high)
        for i in range(len(losses)):
            for j in range(len(conditions)):
                text = "div." if np.isnan(grid[i, j]) else f"{grid[i, j]:.3f}"
                bright = not np.isnan(grid[i, j]) and grid[i, j] > (low + high) / 2
                ax.text(j, i, text, ha="center", va="center", fontsize=7, color="black" if bright else "white")
        # "(symmetric)" only where another noise kind stands beside it (else the narrow columns drop it).
        mixed_kinds = len({c.noise_type for c in conditions if c.label_noise}) > 1
        ax.set_xticks(
            range(len(conditions)),
            [c.label(symmetric_kind=mixed_kinds) for c in conditions],
            rotation=30,
            ha="right",
            fontsize=7,
        )
        ax.set_yticks(range(len(losses)), losses, fontsize=7)
        what = what or statistics.mean_title(records)
        ax.set_title(f"{statistics.model_label(*panel)}: {what}", fontsize=9)
        fig.colorbar(image, ax=ax, fraction=0.04)
    return _save(fig, out_dir, name)


def clipped_ends(difference: paired.Difference, left: float, right: float) -> list[tuple[float, str]]:
    """Where a drawn interval runs past the plot's x range: `(edge, arrow marker)` per clipped end, so the
    reader sees it continue instead of taking the edge for its end."""
    ends = []
    if difference.low < left:
        ends.append((left, "<"))
    if difference.high > right:
        ends.append((right, ">"))
    return ends


def plot_paired_differences(records, reference: str, out_dir: str, name: str) -> str | None:
    """A panel per noise condition: each loss's paired difference to `reference` with its 95 % interval, ranked.

    Per seed the accuracies are averaged over models and depths, then differenced.
    """
    if reference not in loss_order(statistics.finite_runs(records)):
        return None  # Not in the study, or diverged in every run: nothing to pair with.
    plt = _pyplot()
    conditions = statistics.noise_conditions(records)
    values = per_seed(records, statistics.condition, statistics.final_accuracy)
    losses = [l for l in loss_order(records) if l != reference]
    finished = {loss for (_, loss) in values}
    if not finished - {reference}:
        return None  # Every other loss diverged in every run: no pair to draw.
    fig, axes = _grid(plt, len(conditions), width=4.0, height=0.26 * len(losses) + 1.3)
    colors = {paired.BETTER: "tab:green", paired.WORSE: "tab:red"}
    for ax, condition in zip(axes, conditions):
        found = {
            loss: paired.difference(values.get((condition, loss), {}), values.get((condition, reference), {}))
            for loss in losses
        }
        ranked = sorted((l for l in losses if found[l] is not None), key=lambda l: found[l].mean)
        if not ranked:  # Every run of the reference or of the others diverged here.
            ax.text(
                0.5,
                0.5,
                "no finished pair of runs\n(diverged)",
                ha="center",
                va="center",
                fontsize=8,
                transform=ax.transAxes,
            )
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
                ax.text(
                    edge,
                    y,
                    f"{'◀' if d.mean < 0 else '▶'} {d.mean:+.2f}",
                    color=color,
                    fontsize=7,
                    ha="left" if d.mean < 0 else "right",
                    va="center",
                )
                continue
            ax.errorbar(
                d.mean, y, xerr=[[d.mean - d.low], [d.high - d.mean]], fmt="o", markersize=3, capsize=2, color=color
            )
            for x, marker in clipped_ends(d, left, right):  # The interval goes on past the axis.
                ax.plot(x, y, marker=marker, markersize=5, color=color, clip_on=False)
        ax.set_xlim(left, right)
        ax.axvline(0.0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(ranked)), ranked, fontsize=7)
        ax.set_title(condition.label(), fontsize=9)
        ax.set_xlabel(f"{statistics.headline_title(records)} − {reference} (per seed)", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    return _save(fig, out_dir, name)


def plot_transition_matrices(records, out_dir: str, name: str) -> str | None:
    """Per class-dependent noise condition: the asked-for transition matrix beside the realised one
    (the training labels' noisy-vs-clean counts, row-normalised, over the study's seeds); None without any."""
    realised, asked = {}, {}  # Per (rate, noise type): one condition (the losses of a seed share its labels).
    for r in records:
        if r.get("realised_transition_counts") is not None:
            condition = (r["label_noise"], r["noise_type"])
            realised.setdefault(condition, {})[r["seed"]] = np.asarray(r["realised_transition_counts"])
            asked[condition] = r.get("noise_matrix")
    if not realised:
        return None
    plt = _pyplot()
    fig, axes = _grid(plt, 2 * len(realised), width=3.0, height=2.8)
    for index, (condition, by_seed) in enumerate(sorted(realised.items())):
        counts = sum(by_seed.values())
        panels = ((asked[condition], "asked"), (counts / np.maximum(counts.sum(axis=1, keepdims=True), 1), "realised"))
        rate, kind = condition
        label = kind if kind.startswith(("matrix:", "human:")) else f"{kind} {rate:g}"
        for ax, (matrix, what) in zip(axes[2 * index : 2 * index + 2], panels):
            if matrix is None:
                ax.text(0.5, 0.5, "no asked matrix\n(human labels)", ha="center", va="center", fontsize=8)
                ax.set_axis_off()
                continue
            image = ax.imshow(np.asarray(matrix), cmap="magma", vmin=0.0, vmax=1.0)
            classes = range(len(matrix))
            ax.set_xticks(classes, [str(c) for c in classes], fontsize=6)
            ax.set_yticks(classes, [str(c) for c in classes], fontsize=6)
            ax.set_title(f"{label}: {what}", fontsize=8)
            ax.set_xlabel("noisy label", fontsize=7)
            ax.set_ylabel("true class", fontsize=7)
            fig.colorbar(image, ax=ax, fraction=0.04)
    return _save(fig, out_dir, name)


def plot_per_class_recall(records, reference: str, out_dir: str, name: str) -> str | None:
    """Mean test recall per class of `reference` and of the best loss by balanced accuracy, a panel per
    imbalanced condition and model/depth; classes on the x axis from most to fewest training examples."""
    balanced = statistics.metric("balanced_accuracy")
    panels = [
        (md, c)
        for md in statistics.model_depths(records)
        for c in statistics.noise_conditions(records)
        if any(statistics.model_depth(r) == md and statistics.condition(r) == c and r.get("imbalance") for r in records)
    ]
    curves = []
    for panel in panels:
        subset = [r for r in records if (statistics.model_depth(r), statistics.condition(r)) == panel]
        scores = {loss: stats_of(v)[0] for (_, loss), v in per_seed(subset, lambda r: 0, balanced).items()}
        if not scores:
            continue
        best = max(scores, key=scores.get)
        order = np.argsort([-n for n in subset[0]["train_class_counts"]], kind="stable")
        shown = {}
        for loss in dict.fromkeys([reference, best]):
            recalls = [r["per_class_recall"] for r in subset if r["loss"] == loss and balanced(r) is not None]
            if recalls:
                shown[loss] = np.nanmean(np.array(recalls, dtype=float), axis=0)[order]
        curves.append((panel, order, shown))
    if not curves:
        return None
    plt = _pyplot()
    fig, axes = _grid(plt, len(curves), width=3.6, height=2.8)
    for ax, ((model_depth, condition), order, shown) in zip(axes, curves):
        for loss, recall in shown.items():
            ax.plot(range(len(order)), recall, marker="o", markersize=3, label=loss)
        names = records[0].get("class_names") or [str(c) for c in range(len(order))]
        ax.set_xticks(range(len(order)), [names[c] for c in order], fontsize=7, rotation=45 if len(order) > 10 else 0)
        ax.set_xlabel("class (most to fewest training examples)", fontsize=7)
        ax.set_ylabel("test recall", fontsize=7)
        ax.set_title(f"{model_depth[0]} d{model_depth[1]}, {condition.label()}", fontsize=8)
        ax.legend(fontsize=7)
    return _save(fig, out_dir, name)


def render_plots(
    records, out_dir: str, prefix: str = "", reference: str = statistics.REFERENCE
) -> list[tuple[str, str]]:
    """Writes the PNG plots of one study; returns `(title, file name)` pairs.

    A plot with nothing finite to show (every run diverged) is not drawn.
    """
    what = statistics.headline_title(records)  # "test accuracy" for single-label runs.
    made = [
        (
            f"M{statistics.mean_title(records)[1:]} per loss and condition (losses by mean rank)",
            plot_heatmap(records, out_dir, f"{prefix}accuracy_heatmap.png"),
        ),
        (
            f"Paired difference to {reference} with 95 % intervals (green better, red worse)",
            plot_paired_differences(records, reference, out_dir, f"{prefix}paired_differences.png"),
        ),
        (
            "Mean balanced accuracy (mean per-class recall) per loss and condition",
            plot_heatmap(
                [r for r in records if r.get("imbalance") or r.get("class_weighting")],
                out_dir,
                f"{prefix}balanced_accuracy_heatmap.png",
                statistics.metric("balanced_accuracy"),
                "mean balanced accuracy",
            ),
        ),
        (
            f"Test recall per class: `{reference}` and the best loss by balanced accuracy (imbalanced conditions)",
            plot_per_class_recall(records, reference, out_dir, f"{prefix}per_class_recall.png"),
        ),
        (
            "Label transition matrices: asked for and realised (training split)",
            plot_transition_matrices(records, out_dir, f"{prefix}transition_matrices.png"),
        ),
        (
            "Learning curves per loss (validation accuracy)",
            plot_learning_curves(records, out_dir, f"{prefix}learning_curves.png"),
        ),
    ]
    if len(loss_order(records)) <= LINE_PLOT_MAX_LOSSES:
        for axis, other, xlabel, title in (
            ("label_noise", "input_noise", "label noise rate", "label noise"),
            ("input_noise", "label_noise", "input noise σ", "input noise"),
        ):
            subset = [r for r in records if not r[other]]
            # One figure per label noise kind (each with the clean runs): rates of different kinds are not one axis.
            kinds = sorted({r["noise_type"] for r in subset if r[axis]}) if axis == "label_noise" else [None]
            for kind in kinds:
                part = [r for r in subset if kind is None or not r[axis] or r["noise_type"] == kind]
                if len(statistics.field_values(part, axis)) < 2:
                    continue
                suffix = f"_{kind.split(':')[0]}{kinds.index(kind)}" if len(kinds) > 1 else ""
                made.append(
                    (
                        f"{what[0].upper()}{what[1:]} vs {title}" + (f" ({kind})" if len(kinds) > 1 else ""),
                        plot_accuracy_vs(
                            part,
                            axis,
                            statistics.model_depth,
                            lambda k: statistics.model_label(*k),
                            xlabel,
                            out_dir,
                            f"{prefix}accuracy_vs_{axis}{suffix}.png",
                        ),
                    )
                )
        with_depth = [r for r in records if r["depth"] is not None]  # A user's builder may have none.
        if with_depth:
            made.append(
                (
                    f"{what[0].upper()}{what[1:]} vs depth",
                    plot_accuracy_vs(
                        with_depth,
                        "depth",
                        lambda r: (r["model"], r["label_noise"], r["noise_type"], r["input_noise"]),
                        lambda k: f"{k[0]}, {Condition(*k[1:]).label()}",
                        "depth",
                        out_dir,
                        f"{prefix}accuracy_vs_depth.png",
                    ),
                )
            )
    return [(title, name) for title, name in made if name]
