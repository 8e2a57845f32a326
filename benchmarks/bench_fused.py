"""Fused training vs one model at a time, on a slice of the demo sweep, in one run.

    python benchmarks/bench_fused.py      # digits, 20 losses, MLP depth 2, label noise 0 and 0.4, seeds 0-2
    python benchmarks/bench_fused.py --seeds=0 --depth=3

The default slice is one depth of the demo sweep (its 6 settings). Both modes train the same settings (every loss, same epochs and batch size)
and both reuse their compiled models across settings, as a sweep does: the
fused mode builds one model holding a sub-network per loss, the separate
mode one model per loss. Times include building and tracing. A third mode,
`keras_fit`, trains a new plain Keras model per loss and setting with
`model.fit` (what one does without this package). The last line is
`fused_speedup: X` (separate seconds / fused seconds: the gain of fusing
alone, same training loop on both sides). As a check that
both modes train the same thing, it also prints the largest difference in
final test accuracy between them (fused training is exact, so ~0).
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from absl import app, flags  # noqa: E402

flags.DEFINE_string("dataset", "digits", "Dataset (zoo.datasets name).")
flags.DEFINE_string("losses", "default", "Losses, as for zoo.compare (default: the demo's 20).")
flags.DEFINE_string("model", "mlp", "Model family.")
flags.DEFINE_integer("depth", 2, "Model depth.")
flags.DEFINE_integer("epochs", 25, "Epochs per run (the demo's).")
flags.DEFINE_integer("batch_size", 64, "Batch size (the demo's).")
flags.DEFINE_string("seeds", "0,1,2", "Comma-separated seeds.")
flags.DEFINE_string("label_noise", "0,0.4", "Comma-separated label noise rates.")
FLAGS = flags.FLAGS


def _train(trainers, data, seed):
    """Runs every trainer on `data`; returns {loss: final test accuracy}."""
    splits = {"val": (data.x_val, data.y_val), "test": (data.x_test, data.y_test)}
    final = {}
    for trainer in trainers:
        result = trainer.run((data.x_train, data.y_train), splits, seed=seed)
        final.update({loss: history["test_accuracy"][-1] for loss, history in result.histories.items()})
    return final


def _keras_fit_one_at_a_time(losses, data, seed):
    """The plain Keras way: one model per loss, `fit` with the same epochs,
    batch size and per-epoch validation and test accuracy as the fused runs."""
    import keras
    import keras_losses
    import zoo

    final = {}
    for loss in losses:
        keras.utils.set_random_seed(seed)
        model = zoo.build(FLAGS.model, depth=FLAGS.depth, input_shape=data.input_shape,
                          num_classes=data.num_classes)
        model.compile(optimizer="adam", loss=keras_losses.for_logits(loss), metrics=["accuracy"])
        test_accuracy = []
        per_epoch_test = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: test_accuracy.append(
                model.evaluate(data.x_test, data.y_test, batch_size=512, verbose=0)[1]))
        model.fit(data.x_train, data.y_train, epochs=FLAGS.epochs, batch_size=FLAGS.batch_size,
                  validation_data=(data.x_val, data.y_val), callbacks=[per_epoch_test], verbose=0)
        final[loss] = test_accuracy[-1]
    return final


def main(argv):
    del argv
    from zoo import datasets, experiment, fused

    try:
        losses = experiment.resolve_losses(FLAGS.losses.split(","))
        seeds = [int(s) for s in FLAGS.seeds.split(",")]
        rates = [float(r) for r in FLAGS.label_noise.split(",")]
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings = [(seed, rate) for rate in rates for seed in seeds]
    data = {s: datasets.load(FLAGS.dataset, seed=s[0], label_noise=s[1]) for s in settings}
    first = data[settings[0]]
    spec = fused.TrainSpec(epochs=FLAGS.epochs, batch_size=FLAGS.batch_size)
    options = {"depth": FLAGS.depth}

    def make(group):
        return fused.FusedTrainer(group, FLAGS.model, options, first.input_shape, first.num_classes,
                                  len(first.y_train), spec)

    seconds, finals = {}, {}
    for mode, groups in (("fused", [losses]), ("separate", [[loss] for loss in losses])):
        start = time.perf_counter()
        trainers = [make(group) for group in groups]
        finals[mode] = {s: _train(trainers, data[s], s[0]) for s in settings}
        seconds[mode] = time.perf_counter() - start
        del trainers
    start = time.perf_counter()
    finals["keras_fit"] = {s: _keras_fit_one_at_a_time(losses, data[s], s[0]) for s in settings}
    seconds["keras_fit"] = time.perf_counter() - start

    runs = len(settings) * len(losses)
    print(f"{FLAGS.dataset}, {FLAGS.model} depth {FLAGS.depth}, {len(losses)} losses x {len(settings)} settings "
          f"(seeds {FLAGS.seeds}; label noise {FLAGS.label_noise}), {FLAGS.epochs} epochs of batch {FLAGS.batch_size}")
    print(f"{'mode':<10}{'runs':>6}{'seconds':>10}{'s/run':>8}{'vs fused':>10}")
    for mode in ("fused", "separate", "keras_fit"):
        print(f"{mode:<10}{runs:>6}{seconds[mode]:>10.1f}{seconds[mode] / runs:>8.2f}"
              f"{seconds[mode] / seconds['fused']:>9.2f}x")
    print("separate: zoo's own training loop, one model per loss (reused across settings);")
    print("keras_fit: a new Keras model per loss and setting, trained with model.fit (the plain way).")
    gap = max(abs(finals["fused"][s][loss] - finals["separate"][s][loss]) for s in settings for loss in losses)
    print(f"max |fused - separate| final test accuracy: {gap:.4f}")
    print(f"speedup over keras_fit (plain Keras, one model at a time): "
          f"{seconds['keras_fit'] / seconds['fused']:.2f}")
    print(f"fused_speedup: {seconds['separate'] / seconds['fused']:.2f}")
    return 0


if __name__ == "__main__":
    app.run(lambda argv: sys.exit(main(argv)))
