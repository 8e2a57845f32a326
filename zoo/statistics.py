"""Statistics of a loss comparison, computed from its result records: numbers only, no text or plots.

Records are grouped into studies (one dataset and training setup), keyed by
noise condition and model/depth, and reduced per seed first (a seed's runs
averaged, e.g. over depths), then over seeds (`stats_of`: mean, sample std,
seed count). The comparison is paired, so the best loss of a column and the
losses tied with it are judged on per-seed differences (`zoo.paired`);
`mean_rank_order` ranks losses over columns. `zoo.tables` and `zoo.plots`
render these numbers; `zoo.report` puts them together.

>>> values = {("clean", "a"): {0: 0.90, 1: 0.92}, ("clean", "b"): {0: 0.80, 1: 0.81}}
>>> stats_of(values[("clean", "a")])[0]
0.91
>>> mean_rank_order(values, ["b", "a"])
['a', 'b']
"""

import collections
import math
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from zoo import experiment, paired

STUDY_FIELDS = ("dataset", "epochs", "batch_size", "optimizer", "learning_rate")
REFERENCE = "log_loss"  # The default reference loss of the paired comparison.

Stats = Tuple[float, float, int]  # mean, std over seeds, number of seeds
PerSeed = Dict[Tuple[object, str], Dict[int, float]]  # (column, loss) -> {seed: value}


# ---------------------------------------------------------------- record views


def reportable(records: Iterable[Dict]) -> List[Dict]:
    """The records of finished runs: with a final test accuracy, or diverged."""
    return [r for r in records if r.get("final_test_accuracy") is not None or r.get("diverged_at_epoch")]


def studies(records: Sequence[Dict]) -> Dict[Tuple, List[Dict]]:
    """Records grouped by dataset and training hyperparameters (`STUDY_FIELDS`)."""
    grouped = collections.defaultdict(list)
    for record in records:
        grouped[tuple(record[f] for f in STUDY_FIELDS)].append(record)
    return dict(grouped)


def loss_order(records: Sequence[Dict]) -> List[str]:
    """The losses in order of first appearance."""
    return list(dict.fromkeys(r["loss"] for r in records))


def field_values(records: Iterable[Dict], field: str) -> List:
    """The distinct values of `field` among `records`, sorted."""
    return sorted({r[field] for r in records})


def condition(record: Dict) -> Tuple:
    """The record's noise condition, `(label_noise, noise_type, input_noise)`."""
    return record["label_noise"], record["noise_type"], record["input_noise"]


def model_depth(record: Dict) -> Tuple:
    """The record's `(model, depth)`."""
    return record["model"], record["depth"]


def noise_conditions(records: Iterable[Dict]) -> List[Tuple]:
    """The distinct noise conditions (`condition`), sorted."""
    return sorted({condition(r) for r in records})


def model_depths(records: Iterable[Dict]) -> List[Tuple]:
    """The distinct `(model, depth)` pairs, sorted."""
    return sorted({model_depth(r) for r in records})


def final_accuracy(record: Dict) -> Optional[float]:
    """A value function: the run's final test accuracy (None for a diverged run)."""
    return record.get("final_test_accuracy")


def speed(record: Dict) -> Optional[int]:
    """Learning speed: epochs to reach 95% of the run's best validation accuracy."""
    return experiment.epochs_to_fraction(record.get("val_accuracy") or [])


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



# ---------------------------------------------------------------- per-seed statistics


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


def divergences(records: Iterable[Dict], column: Callable[[Dict], object]) -> Dict[Tuple[object, str], List[int]]:
    """`{(column, loss): [epoch at which each diverged run diverged]}`."""
    found = collections.defaultdict(list)
    for record in records:
        if record.get("diverged_at_epoch"):
            found[(column(record), record["loss"])].append(record["diverged_at_epoch"])
    return dict(found)


def mean_rank_order(values: PerSeed, losses: Sequence[str]) -> List[str]:
    """`losses` ordered by their mean rank (1 = best mean) over the columns of `values`."""
    columns = sorted({c for c, _ in values}, key=repr)
    ranks = collections.defaultdict(list)
    for column in columns:
        means = {loss: stats_of(v)[0] for (c, loss), v in values.items() if c == column}
        for rank, loss in enumerate(sorted(means, key=lambda l: -means[l]), start=1):
            ranks[loss].append(rank)
    return sorted(losses, key=lambda loss: (np.mean(ranks[loss]) if ranks[loss] else math.inf, loss))

