"""The report's numbers: per-seed means first, paired ties, ranks, drops from clean, finished runs."""

import math

import pytest

from zoo.report import statistics


def _record(loss, seed, accuracy, depth=2, label_noise=0.0, diverged=None):
    return {
        "loss": loss,
        "seed": seed,
        "model": "mlp",
        "depth": depth,
        "label_noise": label_noise,
        "noise_type": "symmetric",
        "input_noise": 0.0,
        "final_test_accuracy": accuracy,
        "diverged_at_epoch": diverged,
    }


def test_per_seed_averages_a_seed_before_the_seeds():
    # Seed 0 has two depths (0.8, 1.0 -> 0.9), seed 1 one (0.7): the mean is over seeds, 0.8, not over runs.
    records = [_record("a", 0, 0.8, depth=2), _record("a", 0, 1.0, depth=4), _record("a", 1, 0.7)]
    values = statistics.per_seed(records, lambda r: "all", statistics.final_accuracy)
    assert values == {("all", "a"): {0: pytest.approx(0.9), 1: 0.7}}
    mean, std, seeds = statistics.stats_of(values[("all", "a")])
    assert (mean, seeds) == (pytest.approx(0.8), 2) and std == pytest.approx(math.sqrt(0.02))
    assert statistics.stats_of({3: 0.5}) == (0.5, 0.0, 1)


def test_diverged_runs_are_left_out_and_counted():
    records = [_record("a", 0, 0.9), _record("a", 1, None, diverged=3), _record("b", 0, None)]
    assert statistics.reportable(records) == records[:2]
    assert statistics.per_seed(records, statistics.model_depth, statistics.final_accuracy) == {
        (("mlp", 2), "a"): {0: 0.9}
    }
    assert statistics.divergences(records, statistics.model_depth) == {(("mlp", 2), "a"): [3]}


def test_best_and_paired_ties():
    column = {
        "a": {0: 0.60, 1: 0.70, 2: 0.80},
        "b": {0: 0.55, 1: 0.72, 2: 0.74},
        "c": {0: 0.58, 1: 0.68, 2: 0.78},
    }  # c is 0.02 below a at every seed: consistently worse.
    assert statistics.best_and_ties(column) == ("a", {"b"})
    assert statistics.best_and_ties(column, higher_is_better=False)[0] == "b"  # Lowest mean, 0.67.
    assert statistics.best_and_ties({}) == (None, set())


def test_mean_rank_order_and_clean_drop():
    values = {
        ("x", "a"): {0: 0.9},
        ("x", "b"): {0: 0.8},
        ("y", "a"): {0: 0.5},
        ("y", "b"): {0: 0.6},
        ("z", "a"): {0: 0.7},
        ("z", "b"): {0: 0.6},
    }
    assert statistics.mean_rank_order(values, ["b", "a", "never_ran"]) == ["a", "b", "never_ran"]
    records = [_record("a", 0, 0.9), _record("a", 0, 0.6, label_noise=0.4), _record("a", 1, 0.5, label_noise=0.4)]
    drop = statistics.clean_drop(records)
    assert drop(records[1]) == pytest.approx(0.3) and drop(records[2]) is None  # Seed 1 has no clean run.


def test_few_seeds_below_five():
    assert [statistics.few_seeds(n) for n in (1, 2, 4, 5, 10)] == [True, True, True, False, False]
    assert "rest on 4 seeds, fewer than 5" in statistics.few_seeds_note(4)
    assert statistics.few_seeds_note(5) is None and "single seed" in statistics.few_seeds_note(1).lower()


def test_all_diverged_names_the_losses_without_a_finished_run():
    records = [_record("a", 0, None, diverged=2), _record("a", 1, None, diverged=1), _record("b", 0, 0.8)]
    records.append(_record("b", 1, None, diverged=3))
    assert statistics.all_diverged(records) == ["a"]
    assert [r["loss"] for r in statistics.finite_runs(records)] == ["b"]
