"""TensorBoard view of a sweep: per-run scalars and an HParams summary, written from the records.

`python -m zoo.compare --tensorboard` calls `write_runs` as records are
written; `tensorboard --logdir OUT/tb` then shows, per run, the train loss
and the train/validation/test accuracy per epoch, and in the HParams
dashboard the runs' loss, model, depth, noise and seed against their final
accuracies. Everything comes from the result records, so every engine writes
the same events, and diverged epochs (null in the records) are skipped.
"""

import os
from collections.abc import Iterable

LOG_DIR = "tb"
SCALARS = {
    "train_loss": "train_loss",
    "train_accuracy": "train_accuracy",
    "val_accuracy": "val_accuracy",
    "test_accuracy": "test_accuracy",
}
HPARAMS = ("loss", "model", "depth", "width", "label_noise", "noise_type", "input_noise", "seed")
FINAL_METRICS = ("final_test_accuracy", "best_val_accuracy")


def run_dir(log_dir: str, key: str) -> str:
    """One TensorBoard run directory per run key (`/` becomes `,` to keep it one level deep)."""
    return os.path.join(log_dir, key.replace("/", ","))


def write_runs(records: Iterable[dict], log_dir: str) -> None:
    """Writes each record's per-epoch scalars and its HParams summary under `log_dir`."""
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp

    for record in records:
        writer = tf.summary.create_file_writer(run_dir(log_dir, record["key"]))
        with writer.as_default():
            hp.hparams({name: record[name] for name in HPARAMS if record.get(name) is not None}, trial_id=record["key"])
            for field, tag in SCALARS.items():
                for epoch, value in enumerate(record.get(field) or [], start=1):
                    if value is not None:
                        tf.summary.scalar(tag, value, step=epoch)
            last = len(record.get("train_loss") or [])
            for name in FINAL_METRICS:
                if record.get(name) is not None:
                    tf.summary.scalar(name, record[name], step=last)
        writer.close()
