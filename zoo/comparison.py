"""`compare_losses`: which loss for a model and data, from a script or a notebook; `Comparison`, its answer.

    >>> import zoo                                                      # doctest: +SKIP
    >>> result = zoo.compare_losses(my_builder, (x, y), losses=["log_loss", "focal", "gce"])
    >>> print(result.summary()); result.best(); result.report("runs/mine")

The user-facing top of the zoo, above `zoo.sweeps` (which checks and trains: `zoo.sweeps.plan`)
and `zoo.report` (which reads the records: tables, plots, verdicts). The runs are the same as
`python -m zoo.compare`'s (which calls `prepare` and `Plan.run` the same way): one record per
(loss, model, depth, seed, noise condition), paired by seed.
"""

import base64
import dataclasses
import inspect
import os
import tempfile
from collections.abc import Sequence

import numpy as np

from zoo.common import results
from zoo.report import document, paired, plots, statistics, summary, tables
from zoo.sweeps import plan as sweep_plan
from zoo.sweeps.condition import Condition


def compare_losses(model, data, **options) -> "Comparison":
    """Trains every loss on `model` and `data` (paired by seed) and returns the `Comparison`.

    Args:
        model: a zoo model name (`zoo.names()`, `zoo.models.register`), a builder
            `build(input_shape, num_classes[, depth=, width=]) -> keras.Model` (uncompiled, logits or
            softmax out: see `zoo.models.user_models`), a `keras.Model` (cloned per seed), or a list of these.
        data: a dataset name, a `zoo.datasets.Data`, `(x, y)` numpy arrays (a fixed stratified test
            split is held out) or `((x_train, y_train), (x_test, y_test))`.
        task, ignore_class: what is classified, "single_label", "multi_label" (multi-hot `y` (N, K))
            or "dense" (masks `(N, ...)`, outputs `(N, ..., K)`; `ignore_class` the void label); None:
            the data's (arrays: inferred, with a one-line message; `multi_label_digits`, `shapes`: theirs).
            `losses="default"` is the task's losses (`zoo.sweeps.sweep.loss_groups`); a loss outside
            the task is a one-line ValueError. Records get the task's metrics (`zoo.engines.task_metrics`).
        metric: the record field the comparison is judged on (None: the task's headline: test accuracy,
            mean average precision, mean IoU).
        losses: loss names or groups (`default`, `canonical`, `keras`, `all`, `noise_robust`, `long_tail`), a
            list or a comma string.
        seeds, label_noise, input_noise, noise_type, cross_noise: the grid (as `python -m zoo.compare`).
        noise_matrix, human_labels, noisy_validation: the other label noise kinds (`zoo.data.noise`).
        imbalance, imbalance_profile, class_weighting: long-tailed training data (ratios, a grid axis;
            `zoo.data.imbalance`) and class weights from each run's training counts (`none`, `inverse`,
            `effective`, `drw:EPOCH`; `zoo.sweeps.loss_config`); the prior-aware losses get the counts themselves.
        correction: the loss corrections' transition matrix, `true` (the noise's own) or `estimated` (counted
            on a clean-labelled 2 % of the training examples); bias_init: `zeros` or `prior` (log priors).
        label_column, image_size: for `csv:` and `dir:` data.
        depths, width: swept for the zoo's families (default depths 1, 2, 3) and for builders that take
            `depth=` / `width=`; giving them to a model that does not is a one-line ValueError.
        head: the families' last layer, "linear" (Dense) or "cosine" (`zoo.models.layers.CosineLogits`,
            cosines in [−1, 1]: LDAM's setting, for its default scale s = 30); the zoo's families only.
        epochs, batch_size, optimizer, learning_rate, validation_split: training.
        out: a folder where records are written as each run ends (a rerun resumes); None: a temporary
            folder, removed at the end (nothing left on disk).
        engine: `auto`, `vectorized`, `fused` or `separate` (`zoo.sweeps.experiment`).
        reference: the loss the paired tables and `best()` compare with.
        data_dir, max_members, jit_compile: TFDS's folder; the vectorized engine's runs per network; XLA.
        tensorboard, progress: also write TensorBoard logs to `out/tb`; show a progress bar.

    Every keyword defaults as `zoo.sweeps.sweep.SweepConfig` says (the signature shows the values),
    but `depths` (`zoo.sweeps.plan.API_DEFAULTS`) and `out`, `tensorboard`, `progress` (`Plan.run`'s).

    Raises ValueError (one line) for bad input, before anything trains; `zoo.sweeps.lock.LockedError`
    when another sweep writes to `out`.
    """
    options = sweep_plan.with_defaults("compare_losses", options, extra=RUN_OPTIONS)
    shown = {name: options.pop(name, parameter.default) for name, parameter in RUN_OPTIONS.items()}
    prepared = sweep_plan.prepare(model, data, **options)
    return Comparison(prepared.run(**shown), prepared.reference, shown["out"], prepared.config.metric)


# `compare_losses`' keywords beyond the config: where the records go and what is shown (`Plan.run`'s).
RUN_OPTIONS = {name: p for name, p in inspect.signature(sweep_plan.Plan.run).parameters.items() if name != "self"}
compare_losses.__signature__ = sweep_plan.signature(
    [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in RUN_OPTIONS.values()], returns="Comparison"
)


@dataclasses.dataclass(frozen=True)
class Best:
    """The best loss of one (model, depth, condition) by its mean headline metric (`test_accuracy`: the
    final test accuracy for single-label runs), against the reference."""

    model: str
    depth: int | None
    condition: Condition
    loss: str
    test_accuracy: float
    reference: str
    difference: paired.Difference | None  # To the reference; None when it is the reference.

    def __str__(self) -> str:
        depth = "" if self.depth is None else f" d{self.depth}"
        versus = (
            "(the reference)"
            if self.difference is None
            else f"{self.difference.text()} vs {self.reference}: {self.difference.verdict}"
        )
        return f"{self.model}{depth}, {self.condition.label()}: {self.loss} {self.test_accuracy:.3f} {versus}"


class Comparison:
    """The records of a `compare_losses` sweep, and its tables, plots and report.

    `records` are the records of `results.jsonl`, one per run; `out` is where they are stored
    (None when `compare_losses` ran with `out=None`). Losses are compared on `metric`, a record
    field (None: the task's headline, `zoo.engines.task_metrics.HEADLINE_METRIC`: test accuracy,
    mean average precision, mean IoU), in every method (`statistics.headline`).
    """

    def __init__(
        self,
        records: Sequence[dict],
        reference: str = statistics.REFERENCE,
        out: str | None = None,
        metric: str | None = None,
    ):
        self.records, self.reference, self.out, self.metric = list(records), reference, out, metric
        for name in ("summary", "paired", "best", "report", "plots", "_repr_markdown_"):  # Each on the metric.
            setattr(self, name, _on_metric(getattr(self, name), metric))

    def _reportable(self):
        return statistics.reportable(self.records)

    def summary(self) -> str:
        """The terminal summary table (as `python -m zoo.compare` prints)."""
        return summary.summary_text(self.records, self.reference)

    def paired(self, reference: str | None = None) -> str:
        """The Markdown tables of each loss's paired test-accuracy difference to `reference`."""
        records = self._reportable()
        return "\n".join(tables.paired_tables(records, statistics.loss_order(records), reference or self.reference))

    def best(self) -> list[Best]:
        """Per model, depth and noise condition: the loss with the best mean test accuracy, paired to the reference."""
        records = self._reportable()
        found = []
        for model_depth in statistics.model_depths(records):
            subset = [r for r in records if statistics.model_depth(r) == model_depth]
            values = statistics.per_seed(subset, statistics.condition, statistics.final_accuracy)
            for condition in statistics.noise_conditions(subset):
                column = {loss: v for (c, loss), v in values.items() if c == condition}
                if not column:
                    continue
                loss = max(column, key=lambda name: float(np.mean(list(column[name].values()))))
                reference = column.get(self.reference)
                difference = None
                if loss != self.reference and reference:
                    difference = paired.difference(column[loss], reference)
                found.append(
                    Best(
                        *model_depth,
                        condition,
                        loss,
                        float(np.mean(list(column[loss].values()))),
                        self.reference,
                        difference,
                    )
                )
        return found

    def report(self, out_dir: str) -> str:
        """Writes `out_dir/report.md` and its PNG plots (as `python -m zoo.report`); returns the report's path.

        The records are added to `out_dir/results.jsonl` first when they are not there yet.
        """
        have = results.done_keys(out_dir)
        missing = [record for record in self.records if record["key"] not in have]
        if missing:
            results.append(results.path_in(out_dir), missing)
        return document.render(out_dir, self.reference)

    def plots(self) -> dict:
        """The report's plots as matplotlib figures, `{title: figure}`."""
        import matplotlib.pyplot as plt

        figures = {}
        with tempfile.TemporaryDirectory(prefix="comparison-plots-") as folder:
            for title, name in plots.render_plots(self._reportable(), folder, "", self.reference):
                image = plt.imread(os.path.join(folder, name))
                figure = plt.figure(figsize=(image.shape[1] / 90, image.shape[0] / 90), dpi=90)
                # On axes (not `figimage`): a notebook's inline backend draws no figure without axes.
                axes = figure.add_axes((0, 0, 1, 1))
                axes.imshow(image)
                axes.set_axis_off()
                figures[title] = figure
        return figures

    def to_frame(self):
        """The records as a pandas DataFrame, one row per run (pandas must be installed)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Comparison.to_frame needs pandas, not installed: pip install pandas") from None
        return pandas.DataFrame.from_records(self.records)

    def _repr_markdown_(self) -> str:
        """The report's sections in a notebook, each study's plots embedded as PNG images (data URIs)."""
        records = self._reportable()
        lines = []
        with tempfile.TemporaryDirectory(prefix="comparison-repr-") as folder:
            for index, (key, study) in enumerate(sorted(statistics.studies(records).items())):
                drawn = plots.render_plots(study, folder, f"study{index + 1}_", self.reference)
                images = [(title, _data_uri(os.path.join(folder, name))) for title, name in drawn]
                lines += tables.study_section(key, study, self.reference, images)
        return "\n".join(lines) or "No finished runs."

    def __repr__(self) -> str:
        return f"Comparison({len(self.records)} runs, reference={self.reference!r}, out={self.out!r})"


def _on_metric(method, metric):
    """`method` computing under `statistics.headline(metric)`."""

    def on_metric(*args, **kwargs):
        with statistics.headline(metric):
            return method(*args, **kwargs)

    on_metric.__doc__, on_metric.__name__ = method.__doc__, method.__name__
    return on_metric


def _data_uri(path: str) -> str:
    """A PNG file as a `data:` URI, for an image embedded in a notebook's Markdown."""
    with open(path, "rb") as file:
        return "data:image/png;base64," + base64.b64encode(file.read()).decode("ascii")
