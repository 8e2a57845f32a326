"""Speed of every loss relative to Keras's categorical cross-entropy.

(a) forward + backward of the loss alone on logits of shape (4096, 1000),
    graph mode, XLA off and on;
(b) one training step of a 3-layer MLP on 8×8 digits batches of 256.

Both are ratios to `keras.losses.CategoricalCrossentropy(from_logits=True)`
measured side by side in this run. Targets: (a) median ≤ 1.5×, worst ≤ 3×;
(b) every loss ≤ 1.05×. Run: `.venv/bin/python -m benchmarks.bench_losses`.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import statistics  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from absl import app, flags  # noqa: E402

import keras_losses  # noqa: E402
from benchmarks.timing import interleaved_samples, medians_and_ratios, print_table  # noqa: E402

tf.get_logger().setLevel("ERROR")  # one tf.function per candidate is intended

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 9, "Interleaved timing rounds per measurement.")
flags.DEFINE_integer("batch", 4096, "Batch size of the loss-only measurement.")
flags.DEFINE_integer("classes", 1000, "Classes of the loss-only measurement.")

BASELINE = "keras CategoricalCrossentropy"


def candidate_losses():
    losses = {BASELINE: keras.losses.CategoricalCrossentropy(from_logits=True)}
    losses.update({name: keras_losses.for_logits(name) for name in keras_losses.all_names()})
    return losses


def loss_only_step(loss, y, logits, jit_compile):
    @tf.function(jit_compile=jit_compile)
    def step():
        with tf.GradientTape() as tape:
            tape.watch(logits)
            value = loss(y, logits)
        return value, tape.gradient(value, logits)

    step()  # trace and compile outside the timing
    return lambda: [t.numpy() for t in step()]


def train_step(loss, x, y):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(x.shape[1:]), keras.layers.Flatten()]
        + [keras.layers.Dense(256, activation="relu") for _ in range(3)]
        + [keras.layers.Dense(10)]
    )
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        grads = tape.gradient(value, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return value

    step()
    return lambda: step().numpy()


def main(_):
    rng = np.random.default_rng(0)
    losses = candidate_losses()

    labels = rng.integers(0, FLAGS.classes, FLAGS.batch)
    y = tf.constant(np.eye(FLAGS.classes, dtype="float32")[labels])
    logits = tf.constant(rng.normal(0, 3, (FLAGS.batch, FLAGS.classes)).astype("float32"))
    loss_ratios = {}
    loss_medians = {}
    for jit in (False, True):
        samples = interleaved_samples(
            {n: loss_only_step(l, y, logits, jit) for n, l in losses.items()}, rounds=FLAGS.rounds
        )
        loss_medians[jit], loss_ratios[jit] = medians_and_ratios(samples, BASELINE)

    from sklearn.datasets import load_digits

    digits = load_digits()
    idx = rng.choice(len(digits.target), 256, replace=False)
    x = tf.constant((digits.images[idx] / 16.0)[..., None].astype("float32"))
    y_digits = tf.constant(np.eye(10, dtype="float32")[digits.target[idx]])
    samples = interleaved_samples(
        {n: train_step(l, x, y_digits) for n, l in losses.items()}, rounds=FLAGS.rounds, repeats=50
    )
    step_medians, step_ratios = medians_and_ratios(samples, BASELINE)

    rows = [
        (
            name,
            f"{loss_medians[False][name] * 1e3:.2f}",
            f"{loss_ratios[False][name]:.2f}",
            f"{loss_medians[True][name] * 1e3:.2f}",
            f"{loss_ratios[True][name]:.2f}",
            f"{step_medians[name] * 1e3:.3f}",
            f"{step_ratios[name]:.3f}",
        )
        for name in losses
    ]
    print_table(
        f"Loss speed relative to {BASELINE} (from_logits=True), median of {FLAGS.rounds} rounds",
        [
            "loss",
            f"fwd+bwd ms ({FLAGS.batch}×{FLAGS.classes})",
            "ratio",
            "fwd+bwd ms, XLA",
            "ratio XLA",
            "MLP train step ms (256×8×8)",
            "step ratio",
        ],
        rows,
    )
    ours = [n for n in losses if n != BASELINE]
    for jit in (False, True):
        values = [loss_ratios[jit][n] for n in ours]
        print(
            f"\nloss-only ratio, XLA {'on' if jit else 'off'}: median {statistics.median(values):.2f}, "
            f"worst {max(values):.2f} ({max(ours, key=lambda n: loss_ratios[jit][n])})"
        )
    worst = max(ours, key=lambda n: step_ratios[n])
    print(f"worst train-step ratio: {worst}")
    print(f"worst_train_step_ratio: {step_ratios[worst]:.3f}")


if __name__ == "__main__":
    app.run(main)
