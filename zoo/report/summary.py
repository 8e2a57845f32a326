"""The terminal summary: one compact plain-text table of mean test accuracy per loss and condition.

`python -m zoo.compare` and `python -m zoo.report` print it, `Comparison.summary()` returns it;
the numbers are `zoo.report.statistics`', the conditions' short labels `Condition.short()`.
"""

from collections.abc import Sequence

from zoo.report import paired, statistics
from zoo.report.statistics import best_and_ties, divergences, per_seed, stats_of
from zoo.report.tables import few_seeds_text


def summary_text(records: Sequence[dict], reference: str = statistics.REFERENCE) -> str:
    """A compact plain-text table for the terminal: mean test accuracy per loss and noise condition.

    Averages over models and depths per seed, then over seeds; `*` marks the
    best per column, `~` the losses with no detectable paired difference from
    it, and `+`/`-` the losses detectably better/worse than `reference`.
    """
    records = statistics.reportable(records)
    if not records:
        return "(no finished runs)"
    losses = statistics.loss_order(records)

    def column(r):
        return statistics.condition(r).summary_column()

    conditions = sorted({column(r) for r in records})
    values = per_seed(records, column, statistics.final_accuracy)
    diverged = divergences(records, column)
    labels = [condition.short() for condition in conditions]
    width = max(len(loss) for loss in losses) + 2
    cell = max([24] + [len(label) + 2 for label in labels])  # Long condition labels keep a gap.
    lines = [
        f"mean test accuracy (over models, depths, seeds); * best, ~ no detectable paired difference "
        f"from best; +/- detectably better/worse than {reference}",
        "".ljust(width) + "".join(label.rjust(cell) for label in labels),
    ]
    marks = {c: best_and_ties({l: v for (cc, l), v in values.items() if cc == c}) for c in conditions}
    for loss in losses:
        cells = []
        for c in conditions:
            if (c, loss) not in values:
                cells.append(
                    (f"diverged (ep {min(diverged[(c, loss)])})" if (c, loss) in diverged else "–").rjust(cell)
                )
                continue
            mean, std, _ = stats_of(values[(c, loss)])
            mark = "*" if marks[c][0] == loss else "~" if loss in marks[c][1] else " "
            versus = paired.difference(values[(c, loss)], values.get((c, reference), {}))
            sign = {paired.BETTER: "+", paired.WORSE: "-"}.get(versus.verdict if versus else "", " ")
            cells.append(f"{mean:.3f} ± {std:.3f}{mark}{sign}".rjust(cell))
        lines.append(loss.ljust(width) + "".join(cells))
    gone = statistics.all_diverged(records)
    if gone and len(gone) == len(losses):
        lines.append("every run diverged (train loss NaN/Inf): no accuracy to compare")
    elif gone:
        lines.append(f"diverged in every run: {', '.join(gone)}")
    note = few_seeds_text(records)
    return "\n".join(lines + ([note] if note else []))
