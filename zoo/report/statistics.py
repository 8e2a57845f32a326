"""Statistics of a loss comparison, computed from its result records: numbers only, no text or plots.

Records are grouped into studies (one dataset and training setup), keyed by
noise condition and model/depth, and reduced per seed first (a seed's runs
averaged, e.g. over depths), then over seeds (`stats_of`: mean, sample std,
seed count). The comparison is paired, so the best loss of a column and the
losses tied with it are judged on per-seed differences (`zoo.report.paired`);
`mean_rank_order` ranks losses over columns. `zoo.report.tables` and `zoo.report.plots`
render these numbers; `zoo.report` puts them together.

>>> values = {("clean", "a"): {0: 0.90, 1: 0.92}, ("clean", "b"): {0: 0.80, 1: 0.81}}
>>> stats_of(values[("clean", "a")])[0]
0.91
>>> mean_rank_order(values, ["b", "a"])
['a', 'b']
"""

import collections
import contextlib
import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from zoo.engines import task_metrics
from zoo.report import paired
from zoo.sweeps import run_records
from zoo.sweeps.condition import Condition
from zoo.sweeps.sweep import SweepConfig

STUDY_FIELDS = ("dataset", "epochs", "batch_size", "optimizer", "learning_rate")
REFERENCE = SweepConfig.reference  # The default reference loss of the paired comparison.
ENOUGH_SEEDS = 5  # Fewer seeds than this: the paired interval is wide and verdicts can flip between reruns.

Stats = tuple[float, float, int]  # mean, std over seeds, number of seeds
PerSeed = dict[tuple[object, str], dict[int, float]]  # (column, loss) -> {seed: value}


# ---------------------------------------------------------------- record views


def reportable(records: Iterable[dict]) -> list[dict]:
    """The records of finished runs: with a final test accuracy, or diverged."""
    return [r for r in records if r.get("final_test_accuracy") is not None or r.get("diverged_at_epoch")]


def finite_runs(records: Iterable[dict]) -> list[dict]:
    """The records of runs that did not diverge (they have a final test accuracy)."""
    return [r for r in records if not r.get("diverged_at_epoch") and r.get("final_test_accuracy") is not None]


def all_diverged(records: Sequence[dict]) -> list[str]:
    """The losses (in order) none of whose runs among `records` finished without diverging."""
    finished = {r["loss"] for r in finite_runs(records)}
    return [loss for loss in loss_order(records) if loss not in finished]


def few_seeds(seeds: int) -> bool:
    """Whether a paired verdict over `seeds` seeds rests on fewer than `ENOUGH_SEEDS` (5).

    With 2 to 4 seeds the t-interval is wide (t quantile 12.7 at 2 seeds,
    2.78 at 5) and a better/worse verdict can flip between reruns; with one
    seed nothing is judged at all.

    >>> few_seeds(3), few_seeds(5)
    (True, False)
    """
    return seeds < ENOUGH_SEEDS


def few_seeds_note(seeds: int) -> str | None:
    """The plain warning for verdicts resting on `seeds` seeds, or None from `ENOUGH_SEEDS` on."""
    if not few_seeds(seeds):
        return None
    if seeds <= 1:
        return "A single seed: no verdict can be judged (no spread); run 5 or more seeds (--seeds=0,1,2,3,4)."
    return (
        f"The verdicts rest on {seeds} seeds, fewer than {ENOUGH_SEEDS}: the paired interval is then wide and "
        f"verdicts can flip between reruns; run {ENOUGH_SEEDS} or more seeds (--seeds=0,1,2,3,4) to rely on them."
    )


def studies(records: Sequence[dict]) -> dict[tuple, list[dict]]:
    """Records grouped by dataset and training hyperparameters (`STUDY_FIELDS`)."""
    grouped = collections.defaultdict(list)
    for record in records:
        grouped[tuple(record[f] for f in STUDY_FIELDS)].append(record)
    return dict(grouped)


def loss_order(records: Sequence[dict]) -> list[str]:
    """The losses in order of first appearance."""
    return list(dict.fromkeys(r["loss"] for r in records))


def field_values(records: Iterable[dict], field: str) -> list:
    """The distinct values of `field` among `records`, sorted."""
    return sorted({r[field] for r in records})


def condition(record: dict) -> Condition:
    """The record's data condition (`zoo.sweeps.condition.Condition`: noise, validation labels, imbalance,
    class weights), which `label()` names."""
    return Condition.of(record)


def model_depth(record: dict) -> tuple:
    """The record's `(model, depth)`."""
    return record["model"], record["depth"]


def model_label(model: str, depth) -> str:
    """`mlp d2`, or the model alone when it has no depth (a user's builder without one)."""
    return model if depth is None else f"{model} d{depth}"


def noise_conditions(records: Iterable[dict]) -> list[Condition]:
    """The distinct noise conditions (`condition`), sorted."""
    return sorted({condition(r) for r in records})


def model_depths(records: Iterable[dict]) -> list[tuple]:
    """The distinct `(model, depth)` pairs, sorted."""
    return sorted({model_depth(r) for r in records})


_HEADLINE = [None]  # The record field the report leads with, when `headline(metric)` chose one.


@contextlib.contextmanager
def headline(metric: str | None):
    """Within the block, `final_accuracy` reads `metric` (a record field, e.g. "macro_f1") instead of
    the task's `HEADLINE_METRIC`; None changes nothing. For `--metric` / `Comparison(metric=...)`."""
    before, _HEADLINE[0] = _HEADLINE[0], metric
    try:
        yield
    finally:
        _HEADLINE[0] = before


def task_of(record: dict) -> str:
    """The record's task; records from before tasks are single-label."""
    return record.get("task") or "single_label"


def headline_field(record: dict) -> str:
    """The record field a report leads with: `headline`'s, else the task's `HEADLINE_METRIC`
    (`final_test_accuracy` for single-label, `mean_average_precision`, `mean_iou`)."""
    return _HEADLINE[0] or task_metrics.HEADLINE_METRIC[task_of(record)]


def headline_title(records: Sequence[dict]) -> str:
    """The headline metric's name in words, lower case ("test accuracy", "mean iou", ...); a
    lower-is-better metric reads "−hamming loss" (its values are negated, so higher is better everywhere)."""
    field = headline_field(records[0]) if records else "final_test_accuracy"
    title = task_metrics.TITLES.get(field, field.replace("_", " ")).split(" (")[0]
    return ("−" if field in task_metrics.LOWER_IS_BETTER else "") + title[0].lower() + title[1:]


def mean_title(records: Sequence[dict]) -> str:
    """ "mean test accuracy", "mean average precision", "mean IoU": the headline's mean, in words."""
    title = headline_title(records)
    return title if title.lstrip("−").startswith("mean ") else f"mean {title}"


def final_accuracy(record: dict) -> float | None:
    """A value function: the run's headline value (`headline_field`: its final test accuracy for
    single-label runs), negated for a lower-is-better metric; None for a diverged run."""
    field = headline_field(record)
    value = record.get(field)
    return -value if value is not None and field in task_metrics.LOWER_IS_BETTER else value


def final_validation_accuracy(record: dict) -> float | None:
    """A value function: the run's validation accuracy after its last epoch (None for a diverged run)."""
    curve = record.get("val_accuracy") or []
    return None if record.get("diverged_at_epoch") or not curve else curve[-1]


def validation_headline(records: Sequence[dict]) -> str | None:
    """The record field of the headline metric on the validation split (`task_metrics.validation_field`,
    e.g. `val_mean_iou`) when every finished run of `records` has it; None otherwise: single-label runs,
    a headline without a validation twin (`--metric=final_test_accuracy`), records written before the
    field existed. Then the choice on validation reads the validation accuracy curve."""
    finished = finite_runs(records)
    if not finished:
        return None
    fields = {task_metrics.validation_field(headline_field(r)) for r in finished}
    if len(fields) != 1 or not all(field in r for r in finished for field in fields):
        return None
    return fields.pop()


def final_validation_value(records: Sequence[dict]) -> Callable[[dict], float | None]:
    """A value function: the run's headline metric on the validation split (`validation_headline`, negated
    when lower is better), or its final validation accuracy when `records` lack that field."""
    field = validation_headline(records)
    if field is None:
        return final_validation_accuracy
    lower = field.removeprefix("val_") in task_metrics.LOWER_IS_BETTER

    def value(record: dict) -> float | None:
        found = None if record.get("diverged_at_epoch") else record.get(field)
        return -found if found is not None and lower else found

    return value


def metric(field: str) -> Callable[[dict], float | None]:
    """The record's value of `field` (e.g. "balanced_accuracy"); None for a diverged run or a record without it."""
    return lambda record: None if record.get("diverged_at_epoch") else record.get(field)


def speed(record: dict) -> int | None:
    """Learning speed: epochs to reach 95% of the run's best validation accuracy (None for a diverged run)."""
    if record.get("diverged_at_epoch"):
        return None  # Its curve stops at divergence: "fast" to its best before blowing up is no speed.
    return run_records.epochs_to_fraction(record.get("val_accuracy") or [])


def clean_drop(records: Sequence[dict]) -> Callable[[dict], float | None]:
    """A value function: the record's test accuracy drop from the same run without any noise (same seed)."""
    clean = {}
    for r in records:
        if not r["label_noise"] and not r["input_noise"]:
            clean[(r["model"], r["depth"], r["seed"], r["loss"])] = final_accuracy(r)

    def drop(record):
        base = clean.get((record["model"], record["depth"], record["seed"], record["loss"]))
        if base is None or final_accuracy(record) is None:
            return None
        return base - final_accuracy(record)

    return drop


# ---------------------------------------------------------------- per-seed statistics


def per_seed(
    records: Iterable[dict], column: Callable[[dict], object], value: Callable[[dict], float | None]
) -> PerSeed:
    """`{(column, loss): {seed: value}}`, averaging the records of one seed (e.g. over depths).

    `value(record)` may return None to leave a record out (a diverged run).
    """
    grouped = collections.defaultdict(lambda: collections.defaultdict(list))
    for record in records:
        v = value(record)
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            grouped[(column(record), record["loss"])][record["seed"]].append(float(v))
    return {key: {seed: float(np.mean(values)) for seed, values in seeds.items()} for key, seeds in grouped.items()}


def stats_of(values: dict[int, float]) -> Stats:
    """`(mean, std, seeds)` over seeds; the std is the sample std (ddof=1), 0 for one seed."""
    means = np.array(list(values.values()))
    return float(np.mean(means)), float(np.std(means, ddof=1)) if len(means) > 1 else 0.0, len(means)


def seed_stats(
    records: Iterable[dict], column: Callable[[dict], object], value: Callable[[dict], float | None]
) -> dict[tuple[object, str], Stats]:
    """`{(column, loss): (mean, std, seeds)}`: values averaged per seed first, then over seeds."""
    return {key: stats_of(values) for key, values in per_seed(records, column, value).items()}


def best_and_ties(column: dict[str, dict[int, float]], higher_is_better: bool = True) -> tuple[str | None, set]:
    """The best loss of one column (by mean) and the losses with no detectable paired difference from it.

    `column` is `{loss: {seed: value}}`; a tie needs >= 2 common seeds (`zoo.report.paired`).
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


def divergences(records: Iterable[dict], column: Callable[[dict], object]) -> dict[tuple[object, str], list[int]]:
    """`{(column, loss): [epoch at which each diverged run diverged]}`."""
    found = collections.defaultdict(list)
    for record in records:
        if record.get("diverged_at_epoch"):
            found[(column(record), record["loss"])].append(record["diverged_at_epoch"])
    return dict(found)


def mean_rank_order(values: PerSeed, losses: Sequence[str]) -> list[str]:
    """`losses` ordered by their mean rank (1 = best mean) over the columns of `values`."""
    columns = sorted({c for c, _ in values}, key=repr)
    ranks = collections.defaultdict(list)
    for column in columns:
        means = {loss: stats_of(v)[0] for (c, loss), v in values.items() if c == column}
        for rank, loss in enumerate(sorted(means, key=lambda l: -means[l]), start=1):
            ranks[loss].append(rank)
    return sorted(losses, key=lambda loss: (np.mean(ranks[loss]) if ranks[loss] else math.inf, loss))
