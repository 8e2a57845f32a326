"""The search spec file: stored on the first run, compared on a rerun, refused when it differs."""

import json

import pytest

from tuning import spec, tuners

CONFIG = {
    "dataset": "digits",
    "losses": ["log_loss", "focal"],
    "models": ["mlp"],
    "depths": [1],
    "widths": [],
    "dropouts": [0.0],
    "learning_rates": [0.001],
    "tune_loss_parameters": True,
    "tuner": "random",
    "objective": "val_accuracy",
    "epochs": 2,
    "batch_size": 128,
    "seed": 0,
}


def test_the_budget_is_not_part_of_the_spec():
    config = dict(CONFIG, max_trials=5, retrain=True, out="runs/x")
    assert spec.search_spec(config) == CONFIG


def test_check_spec_stores_then_compares(tmp_path):
    spec.check_spec(str(tmp_path), CONFIG)
    assert json.loads((tmp_path / spec.SPEC_FILE).read_text()) == CONFIG
    spec.check_spec(str(tmp_path), dict(CONFIG))  # The same search: accepted.
    with pytest.raises(spec.SearchSpecError, match="epochs: stored 2, now 3; seed: stored 0, now 1"):
        spec.check_spec(str(tmp_path), dict(CONFIG, epochs=3, seed=1))


def test_a_project_without_a_spec_file_is_refused(tmp_path):
    (tmp_path / tuners.PROJECT).mkdir()
    with pytest.raises(spec.SearchSpecError, match="without search_spec.json"):
        spec.check_spec(str(tmp_path), CONFIG)
    assert not (tmp_path / spec.SPEC_FILE).exists()
