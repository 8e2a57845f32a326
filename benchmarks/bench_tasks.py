"""Every engine against plain Keras `fit`, per task and for image models: is `auto`'s pick the fastest?

    python benchmarks/bench_tasks.py            # 8 runs (4 losses x seeds 0, 1) x 3 epochs per row
    python benchmarks/bench_tasks.py --quick --rows=multi_label   # every size shrunk: a smoke run, ~20 s of CPU
    python benchmarks/bench_tasks.py --rows=cnn,mobilenet --rounds=2

Rows (task / model), each a comparison of `--seeds` x 4 losses through `zoo.compare_losses`:

- `multi_label`: the embedded default `multi_label_digits` (scikit-learn digits tagged with 6 properties),
  the zoo's `mlp` (depth 2), multi-label losses;
- `dense_d1`, `dense_d2`: the embedded `shapes` (800 canvases with per-pixel masks, 32x32 as in the
  tables, `--shape_size`; the dataset's own default is 16x16), the zoo's `unet` at depth 1 and 2;
- `cnn`, `mobilenet`: single-label images 32x32x3, `--images` training images (digits scaled up 4x,
  shifted, coloured and noised; offline), the zoo's `cnn` (depth 2) and a MobileNetV2-like model built
  here with Keras layers as a user would (`mobilenet_v2_like`, passed to `compare_losses` as a builder).

Candidates of a row: `compare_losses(..., engine=E)` for E in vectorized, fused, separate (an engine that
refuses the task, the vectorized one for dense, is "not supported" with its one-line error), and the plain
Keras way: for every run a fresh model, compiled with the run's loss, `model.fit` with the validation split
evaluated each epoch, then `model.evaluate` on the test split (same data, epochs, batch size, optimizer).
Times include data loading, building and tracing (and the engines' per-epoch test evaluation and
records). Candidates run in `--rounds` interleaved rounds (order rotated each round, so a drift in machine
load weighs on all alike); seconds are medians over rounds, ratios the median of each round's engine /
plain fit. `auto` is what `compare_losses(engine="auto")` would train (`zoo.sweeps.plan.prepare` decides:
for a user's builder it tries the vectorized engine on one batch); its time is that engine's time.

`--quick` (1 seed, 2 losses, 1 epoch, 512 images, 256 examples, width 8) is for smoke runs: building and
tracing dominate there, about 20 s of CPU for the multi-label row and 3 minutes for all five rows.

The last line is `auto_over_best_engine: X`: auto's time / the fastest engine's, worst row.
"""

import gc
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from absl import app, flags  # noqa: E402

ROWS = ("multi_label", "dense_d1", "dense_d2", "cnn", "mobilenet")
ENGINES = ("vectorized", "fused", "separate")
LOSSES = {  # 4 losses per task: its cross-entropy and three the task's comparisons are about.
    "single_label": "log_loss,focal,tanimoto,gce",
    "multi_label": "logistic,sigmoid_focal,asymmetric,l2",
    "dense": "log_loss,focal,tanimoto,cauchy_schwarz",
}

flags.DEFINE_list("rows", list(ROWS), f"Rows to time, of {', '.join(ROWS)}.")
flags.DEFINE_list("seeds", ["0", "1"], "Seeds (runs = seeds x losses).")
flags.DEFINE_integer("losses", 4, "How many of each task's 4 losses (runs = seeds x losses).")
flags.DEFINE_integer("epochs", 3, "Epochs per run.")
flags.DEFINE_integer("batch_size", 64, "Batch size.")
flags.DEFINE_integer("images", 4000, "Training images of the image rows (after the validation split).")
flags.DEFINE_integer("test_images", 1000, "Test images of the image rows.")
flags.DEFINE_integer("examples", 0, "Training-part examples of the multi-label and dense rows (0: all).")
flags.DEFINE_integer(
    "shape_size", 32, "Canvas size of the dense rows' shapes (32: the tables' size; the default set: 16)."
)
flags.DEFINE_integer("width", 16, "Width of the MobileNetV2-like model (its first block's channels).")
flags.DEFINE_integer("rounds", 1, "Interleaved rounds (each times every candidate of a row once).")
flags.DEFINE_boolean("quick", False, "Shrink every size (1 seed, 2 losses, 1 epoch, 512 images): a smoke run.")
FLAGS = flags.FLAGS
VALIDATION_SPLIT = 0.2  # compare_losses' default, which the plain fit gets too.


def mobilenet_v2_like(input_shape, num_classes, width=16):
    """A small MobileNetV2 (Sandler et al. 2018) as a user writes it: a stem, inverted residual blocks
    (1x1 expansion, 3x3 depthwise, linear 1x1 projection; a skip when the shape is kept), a 1x1 head
    convolution, global average pooling and class logits."""
    import keras
    from keras import layers

    def conv_bn(x, filters, name, relu=True):
        x = layers.Conv2D(filters, 1, use_bias=False, name=name)(x)
        x = layers.BatchNormalization(name=f"{name}_bn")(x)
        return layers.ReLU(6.0, name=f"{name}_relu")(x) if relu else x

    def inverted_residual(x, expansion, filters, stride, name):
        y = conv_bn(x, x.shape[-1] * expansion, f"{name}_expand") if expansion > 1 else x
        y = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False, name=f"{name}_dw")(y)
        y = layers.BatchNormalization(name=f"{name}_dw_bn")(y)
        y = layers.ReLU(6.0, name=f"{name}_dw_relu")(y)
        y = conv_bn(y, filters, f"{name}_project", relu=False)
        return layers.Add(name=f"{name}_add")([x, y]) if stride == 1 and x.shape[-1] == filters else y

    inputs = keras.Input(shape=tuple(input_shape))
    x = layers.Conv2D(width, 3, padding="same", use_bias=False, name="stem")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    # (expansion, channels, stride): 32x32 -> 16x16 -> 8x8.
    blocks = [(1, width, 1), (4, int(1.5 * width), 2), (4, int(1.5 * width), 1), (4, 2 * width, 2), (4, 2 * width, 1)]
    for index, (expansion, filters, stride) in enumerate(blocks):
        x = inverted_residual(x, expansion, filters, stride, f"block{index}")
    x = conv_bn(x, 8 * width, "head")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, layers.Dense(num_classes, name="logits")(x), name="mobilenet_v2_like")


def digit_images(n_train: int, n_test: int, seed: int = 0):
    """Single-label 32x32x3 images of scikit-learn's digits: each 8x8 digit scaled up 4x, shifted up to 2
    pixels, drawn in a random colour on a random background, with Gaussian noise. Train and test images
    come from disjoint digits (a fixed 75/25 split). Returns `((x_train, y_train), (x_test, y_test))`."""
    import numpy as np
    from sklearn import datasets as sk_datasets

    digits = sk_datasets.load_digits()
    order = np.random.default_rng(0).permutation(len(digits.target))
    cut = int(0.75 * len(order))
    rng = np.random.default_rng(seed)

    def draw(pool, n):
        index = rng.choice(pool, size=n)
        big = np.repeat(np.repeat(digits.images[index] / 16.0, 4, axis=1), 4, axis=2)  # (n, 32, 32)
        shifts = rng.integers(-2, 3, size=(n, 2))
        big = np.stack([np.roll(image, tuple(shift), axis=(0, 1)) for image, shift in zip(big, shifts)])
        colour, background = rng.uniform(0.4, 1.0, (n, 1, 1, 3)), rng.uniform(0.0, 0.3, (n, 1, 1, 3))
        x = background + big[..., None] * (colour - background) + rng.normal(0.0, 0.05, (n, 32, 32, 3))
        return np.clip(x, 0.0, 1.0).astype(np.float32), digits.target[index].astype(np.int64)

    return draw(order[:cut], n_train), draw(order[cut:], n_test)


def _arrays(task_set, n: int):
    """A `zoo.data.task_datasets.TaskSet` as `((x_train, y_train), (x_test, y_test))`, its first `n` training
    examples (0: all)."""
    n = n or len(task_set.y_train)
    return (task_set.x_train[:n], task_set.y_train[:n]), (task_set.x_test, task_set.y_test)


def row_specs(names):
    """`{row: dict(model, depth, task, data, losses)}`; `data` is `((x_train, y_train), (x_test, y_test))`."""
    from zoo.data import task_datasets

    tagged = _arrays(task_datasets.multi_label_digits(), FLAGS.examples)
    shapes = _arrays(task_datasets.shapes(size=FLAGS.shape_size), FLAGS.examples)
    # Training part = training images + the validation split carved from it.
    images = digit_images(int(round(FLAGS.images / (1 - VALIDATION_SPLIT))), FLAGS.test_images)
    specs = {
        "multi_label": ("mlp", 2, "multi_label", tagged),
        "dense_d1": ("unet", 1, "dense", shapes),
        "dense_d2": ("unet", 2, "dense", shapes),
        "cnn": ("cnn", 2, "single_label", images),
        "mobilenet": (mobilenet_v2_like, None, "single_label", images),
    }
    unknown = [name for name in names if name not in specs]
    if unknown:
        raise ValueError(f"Unknown rows {unknown}; known: {', '.join(ROWS)}.")
    return {
        name: {
            "model": specs[name][0],
            "depth": specs[name][1],
            "task": specs[name][2],
            "data": specs[name][3],
            "losses": LOSSES[specs[name][2]].split(",")[: FLAGS.losses],
        }
        for name in names
    }


def _label(spec) -> str:
    model = spec["model"]
    name = model if isinstance(model, str) else model.__name__
    return name if spec["depth"] is None else f"{name} d{spec['depth']}"


def _compare_options(spec, seeds) -> dict:
    return dict(
        losses=spec["losses"],
        seeds=seeds,
        depths=None if spec["depth"] is None else (spec["depth"],),
        epochs=FLAGS.epochs,
        batch_size=FLAGS.batch_size,
        task=spec["task"],
        validation_split=VALIDATION_SPLIT,
    )


def compare(spec, seeds, engine: str) -> set:
    """`zoo.compare_losses` with `engine`; the engines its records say trained the runs."""
    import zoo

    result = zoo.compare_losses(
        spec["model"], spec["data"], engine=engine, progress=False, **_compare_options(spec, seeds)
    )
    return {record["engine"] for record in result.records}


def auto_pick(spec, seeds) -> str:
    """The engine `compare_losses(engine="auto")` trains with (as `zoo.sweeps.experiment.Runner.engine` reads it)."""
    from zoo.sweeps import experiment
    from zoo.sweeps import plan as sweep_plan

    plan = sweep_plan.prepare(spec["model"], spec["data"], engine="auto", **_compare_options(spec, seeds))
    (label,) = plan.config.models
    return plan.engines.get(label) or experiment.engine_for("auto", label, plan.config.task)


def plain_fit(spec, seeds) -> None:
    """The plain Keras way, run by run: a fresh compiled model, `fit` with validation, `evaluate` on test."""
    import keras

    import keras_losses
    from zoo import models
    from zoo.data import batches, user_data
    from zoo.engines import metrics, training

    task = spec["task"]
    for seed in seeds:
        data = user_data.as_data(spec["data"], seed=seed, validation_split=VALIDATION_SPLIT, task=task)

        def labels(y, data=data):
            return batches.train_labels(y, data.num_classes, task)

        for loss in spec["losses"]:
            keras.utils.set_random_seed(seed)
            options = {} if spec["depth"] is None else {"depth": spec["depth"]}
            model = models.build(spec["model"], input_shape=data.input_shape, num_classes=data.num_classes, **options)
            model.compile(
                optimizer=training.make_optimizer("adam", 1e-3),
                loss=keras_losses.for_logits(loss),
                metrics=[metrics.task_accuracy(task, data.ignore_class)],
            )
            model.fit(
                data.x_train,
                labels(data.y_train),
                epochs=FLAGS.epochs,
                batch_size=FLAGS.batch_size,
                validation_data=(data.x_val, labels(data.y_val)),
                verbose=0,
            )
            model.evaluate(data.x_test, labels(data.y_test), batch_size=512, verbose=0)


def _free_memory():
    """Frees the previous candidate's models and graphs (untimed, before each candidate)."""
    import keras

    keras.backend.clear_session()
    gc.collect()


def time_row(spec, seeds):
    """`(seconds, ratios, trained_by, refused)`: medians over rounds per candidate, engine / plain fit per round."""
    from benchmarks import timing
    from zoo.sweeps import experiment

    trained_by, refused, candidates = {}, {}, {"plain fit": lambda: plain_fit(spec, seeds)}
    for engine in ENGINES:
        try:  # The one-line refusal compare_losses gives before anything trains.
            experiment.engine_for(engine, spec["model"] if isinstance(spec["model"], str) else "user", spec["task"])
        except ValueError as error:
            refused[engine] = str(error)
            continue
        candidates[engine] = lambda engine=engine: trained_by.setdefault(engine, set()).update(
            compare(spec, seeds, engine)
        )
    samples = timing.interleaved_samples(candidates, rounds=FLAGS.rounds, repeats=1, before=_free_memory)
    seconds, ratios = timing.medians_and_ratios(samples, "plain fit")
    return seconds, ratios, trained_by, refused


def _warm_up():
    """One tiny fit, so the first candidate timed does not pay TensorFlow's own start-up."""
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((8, 4)), np.zeros((8, 2)), epochs=1, verbose=0)


def main(argv):
    del argv
    from benchmarks import timing

    if FLAGS.quick:
        FLAGS.seeds, FLAGS.losses, FLAGS.epochs = ["0"], 2, 1
        FLAGS.images, FLAGS.test_images, FLAGS.examples, FLAGS.width = 512, 128, 256, 8
    try:
        seeds = tuple(int(s) for s in FLAGS.seeds)
        specs = row_specs(FLAGS.rows)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _warm_up()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    table, worst = [], (0.0, None)
    for name, spec in specs.items():
        seconds, ratios, trained_by, refused = time_row(spec, seeds)
        auto = auto_pick(spec, seeds)
        label = f"{spec['task']} / {_label(spec)}"
        for engine in ENGINES:
            if engine in refused:
                table.append([label, engine, "not supported", "", "", refused[engine]])
                continue
            mark = "auto" if engine == auto else ""
            trained = ", ".join(sorted(trained_by[engine]))
            table.append([label, engine, f"{seconds[engine]:.1f}", f"{ratios[engine]:.2f}", mark, trained])
        table.append([label, "plain fit", f"{seconds['plain fit']:.1f}", "1.00", "", "keras fit per run"])
        best = min(seconds[engine] for engine in ENGINES if engine in seconds)
        worst = max(worst, (seconds[auto] / best, name))
        done = "\n".join(" | ".join(cell for cell in line[:5]) for line in table[-len(ENGINES) - 1 :])
        print(
            f"{name}, {time.perf_counter() - start:.0f} s so far, load {os.getloadavg()[0]:.2f}:\n{done}",
            file=sys.stderr,
            flush=True,
        )
    runs = len(seeds) * FLAGS.losses
    timing.print_table(
        f"{runs} runs ({FLAGS.losses} losses x seeds {','.join(FLAGS.seeds)}) x {FLAGS.epochs} epochs of batch "
        f"{FLAGS.batch_size}, seconds including building and tracing (median of {FLAGS.rounds} round(s)); "
        f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, on {os.cpu_count()} cores",
        ["task / model", "engine", "seconds", "vs plain fit", "auto's pick", "trained by (records)"],
        table,
    )
    print(f"\nworst row for auto: {worst[1]}")
    print(f"auto_over_best_engine: {worst[0]:.2f}")
    return 0


if __name__ == "__main__":
    app.run(lambda argv: sys.exit(main(argv)))
