"""Training engines side by side on one depth of the demo sweep, plus the whole demo's wall time.

    python benchmarks/bench_fused.py      # digits, 20 losses, MLP depth 2, label noise 0 and 0.4, seeds 0-2
    python benchmarks/bench_fused.py --seeds=0 --depth=3 --nodemo

The slice is one depth of the demo sweep (6 settings x 20 losses = 120 runs).
Modes, all on the same data and epochs, timed one after the other in this run:

- `vectorized`: every run as one stacked network (`zoo.engines.vectorized`, the
  default engine); its trace (first epoch) is also shown on its own.
- `fused`: the losses of one setting side by side in one Keras model
  (`zoo.engines.fused`), the model reused across settings.
- `separate`: one model per loss with the same optimized loop as `fused`,
  reused across settings: training one model at a time.
- `keras_fit`: a new plain Keras model per run trained with `model.fit` and
  per-epoch evaluation, measured on a sample of runs (`--fit_sample`) and
  extrapolated to all of them (said so in the table).

Times include building and tracing. Then the demo itself (`python -m
zoo.compare`, 3 depths, 360 runs, into a temporary directory) is timed.

Then the vectorized engine's time per train step (traced beforehand; medians
of interleaved rounds, ratios to the plain MLP measured in the same rounds)
for the same members on the MLP, and on the MLP with Dropout (`--dropout`
after every hidden layer) drawn two ways: `per-member loop` (each member
draws inside `tf.vectorized_map`, which loops over the members: the engine
before `zoo.engines.dropout_masks`) and `one draw per seed` (the engine now).

The last line is `fused_speedup: X` = separate seconds / vectorized seconds
(with `--noengines`, only the step table runs and the last line is
`dropout_step_speedup: X` = per-member loop / one draw per seed, median of the rounds' ratios).

    python benchmarks/bench_fused.py --noengines --seeds=0 --label_noise=0 --epochs=2   # step table only
"""

import os
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from absl import app, flags  # noqa: E402

flags.DEFINE_string("dataset", "digits", "Dataset (zoo.datasets name).")
flags.DEFINE_string("losses", "default", "Losses, as for zoo.compare (default: the demo's 20).")
flags.DEFINE_string("model", "mlp", "Model family.")
flags.DEFINE_integer("depth", 2, "Model depth.")
flags.DEFINE_integer("epochs", 25, "Epochs per run (the demo's).")
flags.DEFINE_integer("batch_size", 64, "Batch size (the demo's).")
flags.DEFINE_string("seeds", "0,1,2", "Comma-separated seeds.")
flags.DEFINE_string("label_noise", "0,0.4", "Comma-separated label noise rates.")
flags.DEFINE_integer("fit_sample", 6, "Runs trained with plain Keras fit (extrapolated to all runs).")
flags.DEFINE_boolean("demo", True, "Also time the whole demo (python -m zoo.compare).")
flags.DEFINE_boolean("engines", True, "Time the engines on the slice (else only the step table).")
flags.DEFINE_float("dropout", 0.3, "Dropout rate of the step table's Dropout MLP.")
flags.DEFINE_integer("rounds", 5, "Interleaved rounds of the step table.")
FLAGS = flags.FLAGS


def _finals(histories):
    return {key: history["test_accuracy"][-1] for key, history in histories.items()}


def _fused_mode(groups, settings, data, spec, options):
    """`fused` (one group of every loss) or `separate` (a group per loss): {(setting, loss): test accuracy}."""
    from zoo.engines import fused

    first = data[settings[0]]
    trainers = [
        fused.FusedTrainer(group, FLAGS.model, options, first.input_shape, first.num_classes, len(first.y_train), spec)
        for group in groups
    ]
    finals = {}
    for setting in settings:
        d = data[setting]
        splits = {"val": (d.x_val, d.y_val), "test": (d.x_test, d.y_test)}
        for trainer in trainers:
            result = trainer.run((d.x_train, d.y_train), splits, seed=setting[0])
            finals.update({(setting, loss): acc for loss, acc in _finals(result.histories).items()})
    return finals


def _vectorized_mode(losses, settings, data, spec, options, timings):
    from zoo.engines import vectorized

    variants = _variants(settings, data)
    members = [(loss, i) for loss in losses for i in range(len(settings))]
    first = data[settings[0]]
    trainer = vectorized.VectorizedTrainer(
        members, variants, FLAGS.model, options, first.input_shape, first.num_classes, spec
    )
    start = time.perf_counter()
    histories = trainer.run(on_epoch=lambda epoch: timings.setdefault("first_epoch", time.perf_counter() - start))
    return {(settings[i], loss): h["test_accuracy"][-1] for (loss, i), h in zip(members, histories)}


def _variants(settings, data):
    from zoo.engines import vectorized

    return [
        vectorized.Variant(
            s[0],
            data[s].x_train,
            data[s].y_train,
            {"val": (data[s].x_val, data[s].y_val), "test": (data[s].x_test, data[s].y_test)},
        )
        for s in settings
    ]


def _step_table(losses, settings, data, spec, options):
    """Seconds per vectorized train step: MLP, MLP + Dropout looped per member, MLP + Dropout per seed."""
    from benchmarks import timing
    from zoo.engines import vectorized

    variants = _variants(settings, data)
    members = [(loss, i) for loss in losses for i in range(len(settings))]
    first = data[settings[0]]
    dropout = {**options, "dropout": FLAGS.dropout}
    cases = {
        "mlp": (options, True),
        "mlp + dropout, per-member loop": (dropout, False),
        "mlp + dropout, one draw per seed": (dropout, True),
    }
    trainers = {
        name: vectorized.VectorizedTrainer(
            members, variants, FLAGS.model, case, first.input_shape, first.num_classes, spec, shared_masks=shared
        )
        for name, (case, shared) in cases.items()
    }
    for trainer in trainers.values():
        trainer._train_epoch(0)  # Traces (both batch sizes of an epoch).
    steps = sum(len(part) for part in trainers["mlp"]._epoch_batches(0))
    samples = timing.interleaved_samples(
        {name: (lambda t=trainer: t._train_epoch(0)) for name, trainer in trainers.items()},
        rounds=FLAGS.rounds,
        repeats=1,
    )
    medians, ratios = timing.medians_and_ratios(samples, "mlp")
    timing.print_table(
        f"Vectorized train step, {len(members)} members, batch {FLAGS.batch_size}, dropout {FLAGS.dropout} "
        f"(median of {FLAGS.rounds} rounds of one {steps}-step epoch)",
        ["model", "ms / step", "vs mlp"],
        [[name, f"{medians[name] / steps * 1e3:.2f}", f"{ratios[name]:.2f}x"] for name in cases],
    )
    return timing.medians_and_ratios(samples, "mlp + dropout, one draw per seed")[1]["mlp + dropout, per-member loop"]


def _keras_fit(runs, data):
    """The plain Keras way for each `(setting, loss)`: a new model, `fit` with per-epoch evaluation."""
    import keras

    import keras_losses
    import zoo

    for setting, loss in runs:
        d = data[setting]
        keras.utils.set_random_seed(setting[0])
        model = zoo.build(FLAGS.model, depth=FLAGS.depth, input_shape=d.input_shape, num_classes=d.num_classes)
        model.compile(optimizer="adam", loss=keras_losses.for_logits(loss), metrics=["accuracy"])
        per_epoch_test = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs, model=model, d=d: model.evaluate(
                d.x_test, d.y_test, batch_size=512, verbose=0
            )
        )
        model.fit(
            d.x_train,
            d.y_train,
            epochs=FLAGS.epochs,
            batch_size=FLAGS.batch_size,
            validation_data=(d.x_val, d.y_val),
            callbacks=[per_epoch_test],
            verbose=0,
        )


def _demo_seconds():
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "zoo.compare", f"--out={out}", "--noprogress"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def main(argv):
    del argv
    from zoo.data import datasets
    from zoo.engines import training
    from zoo.sweeps import sweep

    try:
        losses = sweep.resolve_losses(FLAGS.losses.split(","))
        seeds = [int(s) for s in FLAGS.seeds.split(",")]
        rates = [float(r) for r in FLAGS.label_noise.split(",")]
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    settings = [(seed, rate) for rate in rates for seed in seeds]
    data = {s: datasets.load(FLAGS.dataset, seed=s[0], label_noise=s[1]) for s in settings}
    spec = training.TrainSpec(epochs=FLAGS.epochs, batch_size=FLAGS.batch_size)
    options = {"depth": FLAGS.depth}
    runs = len(settings) * len(losses)
    if not FLAGS.engines:
        print(f"dropout_step_speedup: {_step_table(losses, settings, data, spec, options):.2f}")
        return 0

    seconds, finals, timings = {}, {}, {}
    modes = {
        "vectorized": lambda: _vectorized_mode(losses, settings, data, spec, options, timings),
        "fused": lambda: _fused_mode([list(losses)], settings, data, spec, options),
        "separate": lambda: _fused_mode([[loss] for loss in losses], settings, data, spec, options),
    }
    for mode, run in modes.items():
        start = time.perf_counter()
        finals[mode] = run()
        seconds[mode] = time.perf_counter() - start
    sample = [(s, loss) for s in settings for loss in losses][:: max(1, runs // FLAGS.fit_sample)][: FLAGS.fit_sample]
    start = time.perf_counter()
    _keras_fit(sample, data)
    seconds["keras_fit"] = (time.perf_counter() - start) * runs / len(sample)

    print(
        f"{FLAGS.dataset}, {FLAGS.model} depth {FLAGS.depth}, {len(losses)} losses x {len(settings)} settings "
        f"(seeds {FLAGS.seeds}; label noise {FLAGS.label_noise}), {FLAGS.epochs} epochs of batch {FLAGS.batch_size}"
    )
    print(f"{'mode':<12}{'runs':>6}{'seconds':>10}{'s/run':>8}{'vs vectorized':>15}")
    for mode in ("vectorized", "fused", "separate", "keras_fit"):
        note = f"  (extrapolated from {len(sample)} runs)" if mode == "keras_fit" else ""
        print(
            f"{mode:<12}{runs:>6}{seconds[mode]:>10.1f}{seconds[mode] / runs:>8.3f}"
            f"{seconds[mode] / seconds['vectorized']:>14.2f}x{note}"
        )
    print(
        f"vectorized: first epoch (trace included) {timings['first_epoch']:.1f} s, the other "
        f"{FLAGS.epochs - 1} epochs {seconds['vectorized'] - timings['first_epoch']:.1f} s"
    )
    gap = max(abs(finals["vectorized"][key] - finals["separate"][key]) for key in finals["separate"])
    print(f"max |vectorized - separate| final test accuracy over {runs} runs: {gap:.4f}")
    if FLAGS.demo:
        print(f"demo wall time (python -m zoo.compare, 360 runs, no install): {_demo_seconds():.1f} s")
    print(f"speedup over plain Keras fit one model at a time: {seconds['keras_fit'] / seconds['vectorized']:.2f}")
    print(f"dropout_step_speedup: {_step_table(losses, settings, data, spec, options):.2f}")
    print(f"fused_speedup: {seconds['separate'] / seconds['vectorized']:.2f}")
    return 0


if __name__ == "__main__":
    app.run(lambda argv: sys.exit(main(argv)))
