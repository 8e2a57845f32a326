"""A run's record: made from the training's histories, curves cut at divergence."""

from zoo.sweeps import run_records, sweep


def test_records_of_a_setting_one_per_loss():
    setting = sweep.grid(sweep.SweepConfig(dataset="blobs", depths=(1,), seeds=(0,), label_noise=(0.0,), epochs=3))[0]
    histories = {
        "l2": {"loss": [0.9, 0.5, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.4, 0.8, 0.7],
               "test_accuracy": [0.4, 0.7, 0.75]},
        "log_loss": {"loss": [0.9, float("nan"), float("nan")], "accuracy": [0.5, 0.1, 0.1],
                     "val_accuracy": [0.4, 0.1, 0.1], "test_accuracy": [0.4, 0.1, 0.1]},
    }  # fmt: skip
    info = {"label_noise": {"realised_fraction": 0.0}, "sizes": {"train": 10}}
    fine, diverged = run_records.make_records(setting, histories, info, 2.0, "local", engine="fused")
    assert fine["key"] == sweep.run_key(setting, "l2") and fine["loss"] == "l2"
    assert fine["engine"] == "fused" and fine["fused_with"] == 2 and fine["wall_seconds"] == 1.0
    assert fine["final_test_accuracy"] == 0.75 and fine["best_val_accuracy"] == 0.8
    assert fine["diverged_at_epoch"] is None and set(fine["versions"]) >= {"keras_losses", "keras", "tensorflow"}
    assert diverged["diverged_at_epoch"] == 2 and diverged["final_test_accuracy"] is None
    assert diverged["train_loss"] == [0.9, None, None] and diverged["best_val_accuracy"] == 0.4
