"""The report's text: Markdown tables and sections, and the plain-text summary for the terminal.

Every number comes from `zoo.report.statistics`; this module only formats it. A
table cell is a mean ± std over seeds; per column the best loss is **bold**
and `TIE` marks the losses with no detectable paired difference from it.
`study_section` writes one study's part of `report.md` (tables, summary,
paired differences, learning speed, robustness, links to its plots); the compact
table `python -m zoo.compare` prints is `zoo.report.summary`'s. One job, the report's
Markdown, in one module past 400 lines: its tables share the cell and table formats.

>>> print(markdown_table(["loss", "clean"], [["`l2`", "0.9"]]))
| loss | clean |
|---|---|
| `l2` | 0.9 |

Conditions are named by `zoo.sweeps.condition.Condition.label()` (and `short()` in the summary).
"""

from collections.abc import Sequence

import numpy as np

from zoo.engines import task_metrics
from zoo.report import paired, statistics
from zoo.report.statistics import PerSeed, Stats, best_and_ties, divergences, per_seed, stats_of
from zoo.sweeps.run_records import SPEED_FRACTION

TIE = "≈"
NOTE = (
    f"Each cell is the mean ± std over seeds. Per column the best loss is **bold**; {TIE} marks the losses "
    "with no detectable paired difference from it (the 95 % interval of the per-seed difference contains 0): "
    "that gap is seed-to-seed noise, not a finding. With one seed no difference can be judged. Diverged runs "
    "(train loss NaN/Inf) are left out of the means and counted."
)


def _cell(stats: Stats | None, digits: int, bold: bool, tie: bool, diverged: Sequence[int] = ()) -> str:
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


def stats_table(
    values: PerSeed,
    columns: Sequence,
    labels: Sequence[str],
    losses: Sequence[str],
    higher_is_better: bool = True,
    digits: int = 3,
    diverged: dict | None = None,
) -> str:
    """Rows are losses, columns `columns` (labelled `labels`); best per column bold, paired ties marked.

    `diverged` maps `(column, loss)` to the epochs at which its runs diverged.
    """
    marks = {}
    for column in columns:
        marks[column] = best_and_ties({loss: v for (c, loss), v in values.items() if c == column}, higher_is_better)
    rows = []
    for loss in losses:
        rows.append(
            [f"`{loss}`"]
            + [
                _cell(
                    stats_of(values[(column, loss)]) if (column, loss) in values else None,
                    digits,
                    marks[column][0] == loss,
                    loss in marks[column][1],
                    (diverged or {}).get((column, loss), ()),
                )
                for column in columns
            ]
        )
    return markdown_table(["loss"] + list(labels), rows)


def model_depth_columns(records) -> tuple[list[tuple], list[str]]:
    """The `(model, depth)` columns of `records` and their labels, e.g. "mlp d2"."""
    columns = statistics.model_depths(records)
    return columns, [statistics.model_label(*column) for column in columns]


def _per_condition_tables(records, losses, value, higher_is_better, digits) -> list[str]:
    lines = []
    columns, labels = model_depth_columns(records)
    for condition in statistics.noise_conditions(records):
        subset = [r for r in records if statistics.condition(r) == condition]
        table = stats_table(
            per_seed(subset, statistics.model_depth, value),
            columns,
            labels,
            losses,
            higher_is_better,
            digits,
            divergences(subset, statistics.model_depth),
        )
        lines += [f"#### {condition.label().capitalize()}", "", table, ""]
    return lines


def _robustness_tables(records, losses) -> list[str]:
    drop = statistics.clean_drop(records)
    lines = []
    for axis, other, title in (
        ("label_noise", "input_noise", "label noise rate"),
        ("input_noise", "label_noise", "input noise σ"),
    ):
        subset = [r for r in records if not r[other] and r[axis]]

        # Label noise levels of different kinds (symmetric 0.4, asymmetric 0.4) are different columns.
        def column(r, a=axis):
            return r["model"], r["depth"], r[a], statistics.condition(r).kind if a == "label_noise" else ""

        values = per_seed(subset, column, drop)
        columns = sorted({c for c, _ in values})
        if not columns:
            continue
        labels = [
            f"{statistics.model_label(model, depth)} @{level:g}{'' if kind in ('', 'symmetric') else ' ' + kind}"
            for model, depth, level, kind in columns
        ]
        lines += [
            f"#### {_upper(statistics.headline_title(records))} drop from clean vs {title} (paired by seed; lower is "
            "more robust)",
            "",
            stats_table(values, columns, labels, losses, higher_is_better=False, diverged=divergences(subset, column)),
            "",
        ]
    return lines


def paired_tables(
    records, losses, reference: str, value=statistics.final_accuracy, what: str | None = None
) -> list[str]:
    """Per model/depth: each loss's paired difference in `value` to `reference` per condition, with verdicts.

    `what` names the value (default: "final test accuracy", or the task's headline metric)."""
    what = what or f"final {statistics.headline_title(records)}"
    if reference not in losses:
        return [
            f"(The reference loss `{reference}` is not in this study: no paired table. "
            "`python -m zoo.report OUT --reference=NAME` chooses another.)",
            "",
        ]
    if reference in statistics.all_diverged(records):
        return [
            f"(The reference loss `{reference}` diverged in every run of this study: nothing to pair with. "
            "`python -m zoo.report OUT --reference=NAME` chooses another.)",
            "",
        ]
    lines = [
        f"Per seed, each loss's {what} minus `{reference}`'s (same initial weights, same "
        "batches), averaged over seeds, with its 95 % interval (t-interval; paired bootstrap from "
        f"{paired.BOOTSTRAP_FROM} seeds). **better** / **worse**: the interval excludes 0; otherwise no "
        "detectable difference.",
        "",
    ]
    conditions = statistics.noise_conditions(records)
    for model_depth in statistics.model_depths(records):
        subset = [r for r in records if statistics.model_depth(r) == model_depth]
        values = per_seed(subset, statistics.condition, value)
        rows = []
        for loss in losses:
            if loss == reference:
                continue
            cells = []
            for condition in conditions:
                found = paired.difference(values.get((condition, loss), {}), values.get((condition, reference), {}))
                cells.append(_no_pair(values, condition, loss, reference) if found is None else _difference_cell(found))
            rows.append([f"`{loss}`"] + cells)
        lines += [
            f"#### {statistics.model_label(*model_depth)}",
            "",
            markdown_table(["loss"] + [c.label() for c in conditions], rows),
            "",
        ]
    return lines


def _no_pair(values: PerSeed, condition, loss: str, reference: str) -> str:
    """The paired-table cell of a loss and condition without a finished pair of runs: who diverged."""
    gone = [name for name in (loss, reference) if (condition, name) not in values]
    if len(gone) == 2:
        return "both diverged"
    return f"`{gone[0]}` diverged" if gone else "–"


def _summary_lines(records, losses) -> list[str]:
    """Which loss is best per column of the test accuracy tables, and how many it cannot be told from."""
    lines = []
    columns, labels = model_depth_columns(records)
    for condition in statistics.noise_conditions(records):
        subset = [r for r in records if statistics.condition(r) == condition]
        values = per_seed(subset, statistics.model_depth, statistics.final_accuracy)
        for column, label in zip(columns, labels):
            column_values = {loss: v for (c, loss), v in values.items() if c == column}
            best, ties = best_and_ties(column_values)
            if best is None:
                if any(statistics.model_depth(r) == column for r in subset):
                    lines.append(f"- {label}, {condition.label()}: every run diverged; no best loss.")
                continue
            mean, _, seeds = stats_of(column_values[best])
            verdict = (
                f"no detectable paired difference from {len(ties)} other loss(es)"
                if ties
                else "ahead of every other loss (paired 95 % interval)"
                if seeds > 1
                else "single seed: no spread to judge"
            )
            lines.append(f"- {label}, {condition.label()}: best `{best}` ({mean:.3f}), {verdict}.")
    return lines


def validation_choice_lines(records, losses, reference: str) -> list[str]:
    """What choosing the loss on the validation split gives: per setting, the loss with the best mean
    final validation headline metric (`statistics.final_validation_value`: e.g. validation mean IoU,
    or validation accuracy for single-label runs and records without it), its test headline against the
    best on test, and its lead over `reference` as read on validation and as it is on test (paired by seed).

    With noisy validation labels (`--noisy_validation`) this is the choice a practitioner without a
    clean split makes; the validation lead then reads smaller than the test lead (flips that hit both
    losses alike shrink every difference).
    """
    rows = []
    columns, labels = model_depth_columns(records)
    on_validation = statistics.final_validation_value(records)
    for condition in statistics.noise_conditions(records):
        subset = [r for r in records if statistics.condition(r) == condition]
        validation = per_seed(subset, statistics.model_depth, on_validation)
        test = per_seed(subset, statistics.model_depth, statistics.final_accuracy)
        for column, label in zip(columns, labels):
            means = {loss: stats_of(v)[0] for (c, loss), v in validation.items() if c == column}
            tested = {loss: stats_of(v)[0] for (c, loss), v in test.items() if c == column}
            if not means or not tested:
                continue
            picked, best = max(means, key=means.get), max(tested, key=tested.get)
            leads = [
                "–" if picked == reference else _lead_text(values, column, picked, reference)
                for values in (validation, test)
            ]
            rows.append(
                [f"{label}, {condition.label()}", f"`{picked}`", f"{tested.get(picked, float('nan')):.3f}"]
                + [f"`{best}` ({tested[best]:.3f})"]
                + leads
            )
    if not rows:
        return []
    header = [
        "setting",
        "picked on validation",
        _its_test(records),
        "best on test",
        f"lead over `{reference}`: on validation",
        "on test",
    ]
    return [
        f"The loss a practitioner would pick from the validation split (best mean final {_on_validation(records)}, "
        "on the validation labels stated above), what it gives on the clean test split, and its paired lead "
        f"over `{reference}` as validation shows it and as the test split measures it.",
        "",
        markdown_table(header, rows),
        "",
    ]


def _on_validation(records) -> str:
    """What the choice on validation ranks: "validation accuracy", or the headline's validation twin
    ("validation mean IoU")."""
    if statistics.validation_headline(records) is None:
        return "validation accuracy"
    return f"validation {statistics.headline_title(records)}"


def _upper(text: str) -> str:
    return text[0].upper() + text[1:]


def _its_test(records) -> str:
    """ "its test accuracy", or the headline metric on test ("its mean IoU (test)")."""
    title = statistics.headline_title(records)
    return "its test accuracy" if title == "test accuracy" else f"its {title} (test)"


def _lead_text(values: PerSeed, column, loss: str, reference: str) -> str:
    found = paired.difference(values.get((column, loss), {}), values.get((column, reference), {}))
    return "–" if found is None else _difference_cell(found)


def _difference_cell(found: paired.Difference) -> str:
    """A paired difference as a table cell: "**better** +0.012 [+0.004, +0.020]", the verdict only when detectable."""
    mark = f"**{found.verdict}** " if found.verdict in (paired.BETTER, paired.WORSE) else ""
    return mark + found.text()


def diverged_notes(records: Sequence[dict]) -> list[str]:
    """Markdown paragraphs naming what diverged in every run (a whole study, or single losses); [] if nothing."""
    if not records:
        return []
    if not statistics.finite_runs(records):
        return [
            f"**Every run of this study diverged** (train loss NaN/Inf; {len(records)} of {len(records)}): "
            "there is no accuracy to compare, the tables show the epoch of divergence and no plot is drawn. "
            "A lower learning rate, or inputs free of NaN/Inf, usually cures it.",
            "",
        ]
    lines = []
    for loss in statistics.all_diverged(records):
        runs = [r for r in records if r["loss"] == loss]
        epochs = sorted({r["diverged_at_epoch"] for r in runs if r.get("diverged_at_epoch")})
        at = f"epoch {epochs[0]}" if len(epochs) == 1 else f"epochs {epochs[0]}–{epochs[-1]}" if epochs else "–"
        lines.append(
            f"- `{loss}` diverged in every run ({len(runs)} of {len(runs)}, at {at}): "
            "shown as diverged in the tables and the heatmap, left out of the other plots."
        )
    return lines + [""] if lines else []


def seeds_notes(records: Sequence[dict]) -> list[str]:
    """A bold warning when the study's verdicts rest on fewer than `statistics.ENOUGH_SEEDS` seeds."""
    note = few_seeds_text(records)
    return [f"**Few seeds.** {note}", ""] if note else []


def few_seeds_text(records: Sequence[dict]) -> str | None:
    """`statistics.few_seeds_note` for the seeds of the finished runs (None if none finished)."""
    seeds = len(statistics.field_values(statistics.finite_runs(records), "seed"))
    return statistics.few_seeds_note(seeds) if seeds else None


def heading(out_dir: str, records: Sequence[dict]) -> list[str]:
    """The report's title, its task and headline metric (beyond single-label), and a note when
    `out_dir` has no finished runs yet."""
    lines = ["# Loss comparison", ""]
    if not records:
        lines += [f"No finished runs in `{out_dir}` yet (no records in results*.jsonl)."]
    tasks = sorted({statistics.task_of(r) for r in records})
    if tasks and tasks != ["single_label"]:
        voids = sorted({r["ignore_class"] for r in records if r.get("ignore_class") is not None})
        void = f", positions labelled {', '.join(map(str, voids))} ignored" if voids else ""
        lines += [
            f"Task: {', '.join(tasks)}{void}. Headline metric: {statistics.headline_title(records)} — the tables, "
            "paired statistics, heatmaps and the choice on validation compare losses on it; the per-epoch "
            "accuracy curves are the task's accuracy (label bits right at 0.5, or positions right).",
            "",
        ]
    return lines


def task_section(records, losses) -> list[str]:
    """The task's other metrics (`zoo.engines.task_metrics.METRICS`), and per-class IoU for dense tasks."""
    task = statistics.task_of(records[0]) if records else "single_label"
    if task == "single_label":
        return []
    lines = []
    for field in task_metrics.METRICS[task]:
        if field == statistics.headline_field(records[0]):
            continue
        higher = field not in task_metrics.LOWER_IS_BETTER
        lines += [f"### {task_metrics.TITLES[field]}", ""]
        lines += _per_condition_tables(records, losses, statistics.metric(field), higher, 3)
    if task == "dense":
        lines += ["### Per-class IoU (test, mean over runs of every condition)", ""] + per_class_iou_table(
            records, losses
        )
    return lines


def per_class_iou_table(records, losses) -> list[str]:
    """Mean per-class IoU per loss over the finished runs (None-valued classes left out)."""
    finished = [r for r in statistics.finite_runs(records) if r.get("per_class_iou")]
    if not finished:
        return ["(No finished run.)", ""]
    width = max(len(r["per_class_iou"]) for r in finished)
    names = finished[0].get("class_names") or [str(k) for k in range(width)]
    rows = []
    for loss in losses:
        mine = [r["per_class_iou"] for r in finished if r["loss"] == loss]
        cells = []
        for k in range(width):
            values = [v[k] for v in mine if k < len(v) and v[k] is not None]
            cells.append(f"{np.mean(values):.3f}" if values else "–")
        rows.append([f"`{loss}`", *cells])
    return [markdown_table(["loss", *names], rows), ""]


def validation_note(records: Sequence[dict]) -> str:
    """Which validation labels the learning-speed figures saw: clean, noisy, or both."""
    noisy = {bool(r.get("noisy_validation")) for r in records}
    if noisy == {False}:
        return "Validation labels: clean."
    where = "all runs" if noisy == {True} else "runs marked 'noisy validation'"
    return f"Validation labels: noisy in {where} (the training split's label noise); test labels always clean."


# The imbalance tables: record field, title (`zoo.sweeps.class_metrics` defines the fields).
IMBALANCE_METRICS = (
    ("balanced_accuracy", "Balanced accuracy (mean per-class test recall)"),
    ("macro_f1", "Macro-F1"),
    (
        "few_shot_accuracy",
        "Few-shot accuracy (test accuracy on the third of the classes with the fewest training examples)",
    ),
    ("posthoc_balanced_accuracy", "Balanced accuracy after post-hoc logit adjustment (argmax of z − log π, τ = 1)"),
)


def imbalance_section(records, losses, reference: str) -> list[str]:
    """The class-imbalance tables (balanced metrics, paired differences in balanced accuracy), or none
    when no condition of the study is imbalanced or class-weighted."""
    if not any(r.get("imbalance") or r.get("class_weighting") for r in records):
        return []
    lines = [
        "### Class imbalance",
        "",
        "The test split is balanced and untouched; the training and validation splits are long-tailed "
        "(`imbalance ρ`: largest over smallest class). Each run's final test predictions give the "
        "per-class recalls; post-hoc adjustment re-reads the same logits with the training priors π.",
        "",
    ]
    for field, title in IMBALANCE_METRICS:
        lines += [f"#### {title}", ""]
        lines += _per_condition_tables(records, losses, statistics.metric(field), True, 3)
    lines += [f"#### Paired differences to `{reference}` in balanced accuracy", ""]
    lines += paired_tables(records, losses, reference, statistics.metric("balanced_accuracy"), "balanced accuracy")
    return lines


def study_section(
    key: tuple, study: Sequence[dict], reference: str, images: Sequence[tuple[str, str]] = ()
) -> list[str]:
    """One study's Markdown lines: its set-up, tables, summary and its plots `images` (`(title, file)` pairs).

    `key` is the study's `statistics.STUDY_FIELDS` values.
    """
    dataset, epochs, batch, optimizer, lr = key
    losses = statistics.loss_order(study)
    seeds = ", ".join(map(str, statistics.field_values(study, "seed")))
    models = ", ".join(label for label in model_depth_columns(study)[1])
    flips = ", ".join(sorted({f"{r['realised_flip_fraction']:.3f}" for r in study}))
    engines = ", ".join(sorted({r.get("engine", "fused") for r in study}))
    diverged = sum(1 for r in study if r.get("diverged_at_epoch"))
    lines = [
        f"## {dataset}: {epochs} epochs, batch {batch}, {optimizer} (learning rate {lr:g})",
        "",
        f"{len(study)} runs: {len(losses)} losses, seeds {seeds}, models {models}. "
        f"Realised label flip fractions: {flips}. Trained by the {engines} engine: every loss of a "
        "setting from the same initial weights on the same batches. "
        f"Diverged runs: {diverged}. {validation_note(study)}",
        "",
    ]
    names = study[0].get("class_names")
    if names:
        lines += [f"Classes (0 … {len(names) - 1} in records): " + ", ".join(f"`{n}`" for n in names) + ".", ""]
    lines += diverged_notes(study) + seeds_notes(study)
    title = statistics.headline_title(study)
    lines += [NOTE, "", f"### Final {title}" if title == "test accuracy" else f"### Final {title} (test)", ""]
    lines += _per_condition_tables(study, losses, statistics.final_accuracy, True, 3)
    lines += task_section(study, losses)
    lines += ["### Best loss per setting", ""] + _summary_lines(study, losses) + [""]
    lines += ["### Chosen on validation", ""] + validation_choice_lines(study, losses, reference)
    lines += [f"### Paired differences to `{reference}`", ""] + paired_tables(study, losses, reference)
    lines += [
        "### Learning speed",
        "",
        f"Epochs to reach {SPEED_FRACTION:.0%} of the run's own best validation accuracy (fewer is faster).",
        "",
    ]
    lines += _per_condition_tables(study, losses, statistics.speed, False, 1)
    robustness = _robustness_tables(study, losses)
    if robustness:
        lines += ["### Robustness", ""] + robustness
    lines += imbalance_section(study, losses, reference)
    lines += ["### Plots", ""]
    if not images:
        lines += ["(No plots: no run of this study finished without diverging.)", ""]
    for title, name in images:
        lines += [f"![{title}]({name})", ""]
    return lines
