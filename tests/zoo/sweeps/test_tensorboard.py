"""--tensorboard: per-run scalars and HParams summaries, read back from the event files."""

import glob
import os

import pytest
import tensorflow as tf

from zoo.common import results
from zoo.sweeps import experiment, sweep, tensorboard


def _events(run_dir):
    """`{tag: {step: value}}` and the plugin names of every summary in `run_dir`'s event files."""
    scalars, plugins = {}, set()
    for path in glob.glob(os.path.join(run_dir, "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugins.add(value.metadata.plugin_data.plugin_name)
                if value.metadata.plugin_data.plugin_name == "scalars":
                    scalars.setdefault(value.tag, {})[event.step] = float(tf.make_ndarray(value.tensor))
    return scalars, plugins


def test_sweep_writes_each_run_for_tensorboard(tmp_path):
    config = sweep.SweepConfig(
        dataset="blobs",
        losses=("log_loss", "l2"),
        depths=(1,),
        seeds=(0,),
        label_noise=(0.0, 0.3),
        epochs=2,
        batch_size=64,
    )
    experiment.Runner(config, str(tmp_path), tensorboard=True).run(sweep.grid(config), progress=False)
    records = results.read(results.path_in(str(tmp_path)))
    assert len(records) == 4
    for record in records:
        scalars, plugins = _events(tensorboard.run_dir(str(tmp_path / "tb"), record["key"]))
        assert "hparams" in plugins and "scalars" in plugins
        for field in ("train_loss", "train_accuracy", "val_accuracy", "test_accuracy"):
            assert scalars[field] == pytest.approx({1: record[field][0], 2: record[field][1]}, rel=1e-6)
        assert scalars["final_test_accuracy"][2] == pytest.approx(record["final_test_accuracy"])


def test_diverged_epochs_are_skipped(tmp_path):
    record = {
        "key": "dataset=blobs/loss=l2",
        "loss": "l2",
        "model": "mlp",
        "depth": 1,
        "seed": 0,
        "train_loss": [0.5, None],
        "train_accuracy": [0.6, None],
        "val_accuracy": [0.5, None],
        "test_accuracy": [0.55, None],
        "final_test_accuracy": None,
        "best_val_accuracy": 0.5,
    }
    tensorboard.write_runs([record], str(tmp_path))
    scalars, _ = _events(tensorboard.run_dir(str(tmp_path), record["key"]))
    assert scalars["train_loss"] == {1: 0.5} and "final_test_accuracy" not in scalars
