"""The engines and the runner: which engine trains which model, and how settings group."""

import pytest

from zoo.sweeps import experiment, sweep


def test_engine_choice():
    assert experiment.engine_for("auto", "mlp") == "vectorized"
    assert experiment.engine_for("auto", "cnn") == "fused"
    assert experiment.engine_for("separate", "mlp") == "separate"
    with pytest.raises(ValueError, match="Unknown engine 'fast'; expected one of auto, vectorized"):
        experiment.engine_for("fast", "mlp")


def test_settings_of_one_model_and_depth_train_in_one_group():
    config = sweep.SweepConfig(losses=("l2",), depths=(1, 2), seeds=(0, 1), label_noise=(0.0, 0.4))
    todo = [(setting, ["l2"]) for setting in sweep.grid(config)]
    grouped = experiment.groups(todo)
    assert [[s.depth for s, _ in group] for group in grouped] == [[1] * 4, [2] * 4]
