"""A condition is a value read from a record's fields: labels and order without parsing strings."""

import json
import pathlib

import pytest

from tests.paths import REPO
from zoo.sweeps.condition import Condition

REPO_PATH = pathlib.Path(REPO)


def test_a_record_from_before_the_newer_fields_reads_as_their_defaults():
    old = {"label_noise": 0.4, "noise_type": "pair", "input_noise": 0.0}  # A 0.1.0 record: no later fields.
    assert Condition.of(old) == Condition(0.4, "pair")
    assert Condition.of({**old, "noisy_validation": None, "imbalance": None, "class_weighting": None}) == Condition(
        0.4, "pair"
    )


@pytest.mark.parametrize(
    "fields,long,short",
    [
        ({}, "clean", "clean"),
        ({"label_noise": 0.0, "noise_type": "pair"}, "clean", "clean"),
        ({"label_noise": 0.4}, "label noise 0.4 (symmetric)", "labels 0.4"),
        ({"label_noise": 0.2, "noise_type": "matrix:ab12"}, "label noise 0.2 (matrix:ab12)", "labels 0.2 matrix"),
        ({"input_noise": 1.0, "noisy_validation": True}, "input σ 1, noisy validation", "input σ 1 + noisy validation"),
        (
            {"imbalance": 10.0, "imbalance_profile": "step", "class_weighting": "effective"},
            "imbalance ρ=10 (step), effective weights",
            "ρ=10 (step), effective",
        ),
    ],
)
def test_long_and_short_labels(fields, long, short):
    condition = Condition.of(fields)
    assert condition.label() == long and condition.short() == short


def test_task_and_head_leave_labels_alone_until_set():
    assert Condition(task=None, head=None).label() == "clean"
    assert Condition(head="cosine").label() == "head cosine"


def test_order_is_numeric_with_input_noise_last():
    shuffled = [
        Condition(imbalance=100.0),
        Condition(0.4, "symmetric"),
        Condition(imbalance=2.0),
        Condition(input_noise=0.5),
        Condition(imbalance=2.0, class_weighting="inverse"),
        Condition(),
    ]
    assert [c.label() for c in sorted(shuffled)] == [
        "clean",
        "input σ 0.5",
        "imbalance ρ=2",  # (Compared as text, "imbalance ρ=100" came before "imbalance ρ=2".)
        "imbalance ρ=2, inverse weights",
        "imbalance ρ=100",
        "label noise 0.4 (symmetric)",
    ]


def test_every_committed_record_reads_to_a_condition_of_its_own_fields():
    paths = sorted((REPO_PATH / "results").glob("*/results.jsonl"))
    assert paths
    for path in paths:
        for line in path.read_text().splitlines():
            record = json.loads(line)
            condition = Condition.of(record)
            assert (condition.label_noise, condition.noise_type, condition.input_noise) == (
                record["label_noise"],
                record["noise_type"],
                record["input_noise"],
            )
            assert condition.imbalance == record.get("imbalance") and bool(condition.class_weighting) == bool(
                record.get("class_weighting")
            )
