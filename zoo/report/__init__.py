"""The report: from results files to tables, plots and verdicts.

- `document`: `render(out_dir)` writes `report.md` and its plots; the command `python -m zoo.report OUT`;
- `statistics`, `paired`: the numbers (per-seed views, means, paired intervals);
- `tables`: the Markdown tables and sections; `summary`: the terminal summary; `plots`: the matplotlib figures.

(TensorBoard logs are written as runs end, by `zoo.sweeps.tensorboard`.)
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {"render": "document", "REPORT_FILE": "document", "summary_text": "summary", "REFERENCE": "statistics"},
)
