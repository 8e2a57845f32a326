"""Render a loss comparison report (Markdown + PNG plots) from result records.

    python -m zoo.report runs/compare     # re-renders runs/compare/report.md from runs/compare/results*.jsonl
    python -m zoo.report runs/compare --reference=cauchy_schwarz

Every number is a mean ± std over seeds. The comparison is paired (for a
seed every loss starts from the same weights on the same batches), so
differences are judged on per-seed differences (`zoo.report.paired`): per table
column the best loss is **bold**, and ≈ marks the losses with no detectable
paired difference from it (the 95 % interval of the per-seed difference
contains 0): such a gap is seed noise, not a finding (docs/losses/). A table
of paired differences to a reference loss (default `log_loss`) says per
loss and condition: better, worse, or no detectable difference. With a
single seed nothing can be judged, and with fewer than 5 the report says that
verdicts can flip between reruns. Runs that diverged (train loss NaN/Inf)
are left out of means and counted; a loss or a whole study with no finished
run is named in a note and left out of the plots, and the report is written all
the same.

This module puts the report together and is its command line: the numbers
come from `zoo.report.statistics` (and `zoo.report.paired`), the Markdown from `zoo.report.tables`, the terminal
summary from `zoo.report.summary`, the PNG plots from `zoo.report.plots`.
"""

import os
import sys
from collections.abc import Sequence

from zoo.common import results
from zoo.common.tasks import TASK_REFERENCES
from zoo.report import plots, statistics, tables
from zoo.report.statistics import REFERENCE
from zoo.report.summary import summary_text  # Also `report.summary_text`, which `zoo.compare` prints.

REPORT_FILE = "report.md"


def render(out_dir: str, reference: str = REFERENCE, metric: str | None = None) -> str:
    """Writes `out_dir/report.md` and its PNG plots from `out_dir/results*.jsonl`; returns the report path.

    Losses are compared on `metric` (a record field; None: each task's `HEADLINE_METRIC`)."""
    with statistics.headline(metric):
        return _render(out_dir, reference)


def _render(out_dir: str, reference: str) -> str:
    records = statistics.reportable(results.read_all(out_dir))
    found = {record.get("task") or "single_label" for record in records}
    if reference == REFERENCE and len(found) == 1 and (task := found.pop()) in TASK_REFERENCES:
        reference = TASK_REFERENCES[task]  # As the comparison chose it (`zoo.sweeps.plan`).
    grouped = sorted(statistics.studies(records).items())
    lines = tables.heading(out_dir, records)
    for index, (key, study) in enumerate(grouped):
        prefix = f"study{index + 1}_" if len(grouped) > 1 else ""
        images = plots.render_plots(study, out_dir, prefix, reference)
        lines += tables.study_section(key, study, reference, images)
    path = os.path.join(out_dir, REPORT_FILE)
    results.write_atomic(path, "\n".join(lines).rstrip() + "\n")
    return path


def main(argv: Sequence[str]) -> int:
    """`python -m zoo.report OUT [--reference=NAME]`: re-render OUT/report.md from OUT/results*.jsonl."""
    if len(argv) != 2:
        print(
            "usage: python -m zoo.report OUT_DIR [--reference=LOSS]  (re-renders OUT_DIR/report.md from its "
            "results*.jsonl)",
            file=sys.stderr,
        )
        return 2
    out_dir = argv[1]
    if not results.files(out_dir):
        print(
            f"error: no results*.jsonl in {out_dir!r}; run `python -m zoo.compare --out={out_dir}` first.",
            file=sys.stderr,
        )
        return 2
    path = render(out_dir, FLAGS.reference, FLAGS.metric)
    with statistics.headline(FLAGS.metric):
        print(summary_text(results.read_all(out_dir), FLAGS.reference))
    print(f"Report: {path}")
    return 0


def _define_flags():
    from absl import flags

    values = flags.FlagValues()  # private: see zoo/common/cli.py
    flags.DEFINE_string(
        "reference", REFERENCE, "The loss every other loss is compared with, paired by seed.", flag_values=values
    )
    flags.DEFINE_string(
        "metric", None, "The record field losses are compared on (default: the task's headline).", flag_values=values
    )
    return values


FLAGS = _define_flags()


def command():
    """Runs `main` as the command `python -m zoo.report` (see `zoo/report/__main__.py`)."""
    from zoo.common import cli

    cli.run(main, FLAGS, "zoo.report")
