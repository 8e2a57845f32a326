"""Speed of every loss relative to Keras's categorical cross-entropy, on any backend.

(a) forward + backward of the loss alone on logits of shape (4096, 1000),
    uncompiled and compiled: on TensorFlow graph mode with XLA off and on,
    on JAX eager and `jax.jit`, on PyTorch eager only;
(b) one training step of a 3-layer MLP on 8×8 digits batches of 256, the
    way Keras's own `fit` runs it on that backend (a `tf.function`; a
    `jax.jit` of the stateless step; PyTorch eager);
(c) that train step on probability outputs (the in-graph probability check on and off).

All are ratios to `keras.losses.CategoricalCrossentropy(from_logits=True)`
measured side by side in this run, on the same backend. Targets: (a)
compiled median ≤ 1.5×, worst ≤ 3×; (b) every loss ≤ 1.05×. Run:

    .venv/bin/python -m benchmarks.bench_losses                  # TensorFlow
    .venv/bin/python -m benchmarks.bench_losses --backend=jax
    .venv/bin/python -m benchmarks.bench_losses --backend=torch  # torch installed

The train-step ratio of a ~2 ms step is noisy on a loaded machine; for a trustworthy one, time only
the step, only the losses in question, more rounds and several steps per timed call (one traced
loop on TensorFlow, so that the per-call dispatch does not dilute the loss's share):

    .venv/bin/python -m benchmarks.bench_losses --only=step --losses=seesaw,js \
        --step_rounds=41 --steps_per_call=10

The table always holds a control, a second instance of the baseline timed as a candidate: its
ratio (1 ± the noise) says how far from 1.00 a ratio must be to mean anything.

The backend must be chosen before Keras is imported, so `--backend` is read
from the command line here, ahead of absl's flag parsing (which then checks it).
"""

import os
import sys

BACKENDS = ("tensorflow", "jax", "torch")


def _backend_from_argv(argv):
    for i, arg in enumerate(argv):
        if arg.startswith("--backend="):
            return arg.split("=", 1)[1]
        if arg == "--backend" and i + 1 < len(argv):
            return argv[i + 1]
    return None


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if _backend_from_argv(sys.argv[1:]) in BACKENDS:
    os.environ["KERAS_BACKEND"] = _backend_from_argv(sys.argv[1:])

import statistics  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
from absl import app, flags  # noqa: E402

import keras_losses  # noqa: E402
from benchmarks.timing import bracketed_ratios, interleaved_samples, medians_and_ratios, print_table  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 9, "Interleaved timing rounds per measurement.")
flags.DEFINE_integer("batch", 4096, "Batch size of the loss-only measurement.")
flags.DEFINE_integer("classes", 1000, "Classes of the loss-only measurement.")
flags.DEFINE_enum("only", "all", ["all", "loss", "step", "probability"], "Which measurement(s) to run: (a), (b), (c).")
flags.DEFINE_list("losses", None, "Only these losses (names of keras_losses.all_names()); default: every one.")
flags.DEFINE_integer("step_rounds", None, "Interleaved rounds of the train-step measurements (default: --rounds).")
flags.DEFINE_integer("step_repeats", 50, "Timed calls per candidate per round of the train-step measurements.")
flags.DEFINE_integer("steps_per_call", 1, "Train steps per timed call (TensorFlow: a loop inside one tf.function).")
flags.DEFINE_integer("step_batch", 256, "Batch size of the train-step measurements (digits has 1797 images).")
flags.DEFINE_bool(
    "step_xla",
    False,
    "TensorFlow: compile the train step with XLA, as Keras's fit does on a GPU (jit_compile='auto'; "
    "on a CPU-only machine fit runs the step without XLA, the default here).",
)
flags.DEFINE_enum(
    "backend",
    os.environ.get("KERAS_BACKEND", "tensorflow"),
    BACKENDS,
    "Keras backend to measure on (default: $KERAS_BACKEND, else tensorflow).",
)

BASELINE = "keras CategoricalCrossentropy"
CONTROL = "control: the baseline again"  # its ratio to the baseline is the measurement's noise
BACKEND = keras.backend.backend()
# What "compiled" means per backend (None: not measured there).
COMPILED = {"tensorflow": "XLA", "jax": "jit", "torch": None}[BACKEND]
UNCOMPILED = {"tensorflow": "graph", "jax": "eager", "torch": "eager"}[BACKEND]


def long_tailed_counts(num_classes, ratio=100.0):
    """`n_i = ⌊5000·ρ^(−i/(K−1))⌋`: what the prior-aware losses get (their speed does not depend on it)."""
    return [float(np.floor(5000 * ratio ** (-i / max(num_classes - 1, 1)))) for i in range(num_classes)]


def symmetric_transition(num_classes, rate=0.4):
    """`T` of symmetric label noise at `rate`: what the loss corrections get (their speed does not depend on it)."""
    off = rate / max(num_classes - 1, 1)
    return ((1 - rate - off) * np.eye(num_classes) + off).tolist()


CONFIGURATION = {"class_counts": long_tailed_counts, "transition_matrix": symmetric_transition}


def chosen_names(chosen=None):
    """`chosen` (the `--losses` flag) checked against `keras_losses.all_names()`; None: every name."""
    known = keras_losses.all_names()
    if chosen is None:
        return known
    for name in chosen:
        if name not in known:
            raise app.UsageError(f"--losses: {keras_losses.registry.unknown_name_error(name, known)}")
    return list(chosen)


def candidate_losses(num_classes, chosen=None):
    """The baseline, its control and each loss of `chosen` (default: every one) for K classes (class counts or a
    transition matrix for those that need it)."""
    losses = {
        BASELINE: keras.losses.CategoricalCrossentropy(from_logits=True),
        CONTROL: keras.losses.CategoricalCrossentropy(from_logits=True),
    }
    for name in chosen_names(chosen):
        needed = {arg: CONFIGURATION[arg](num_classes) for arg in keras_losses.describe(name)["needs"]}
        losses[name] = keras_losses.for_logits(name, **needed)
    return losses


# The losses issue 26 added (the families of its modules, and VS and seesaw of long_tail): summarised apart.
NEW_MODULES = ("active_passive", "active_negative", "asymmetric_noise", "jensen_shannon", "tempered", "bootstrap")
NEW_MODULES += ("taylor", "loss_correction")


def new_losses():
    modules = {name: keras_losses.registry.LOSSES[name].cls.__module__ for name in keras_losses.names()}
    return [n for n, m in modules.items() if m.rpartition(".")[2] in NEW_MODULES] + ["vs", "seesaw"]


# (c) the train step on probability outputs, where losses with from_logits=False check in the graph
# that y_pred can be probabilities (keras_losses._probability_check): ratios to Keras's own loss there.
PROBABILITY_BASELINE = "keras CategoricalCrossentropy on softmax"
PROBABILITY_LOSSES = {"log_loss": "softmax", "focal": "softmax", "expectation": "softmax", "logistic": "sigmoid"}


def probability_losses():
    losses = {PROBABILITY_BASELINE: (keras.losses.CategoricalCrossentropy(), "softmax")}
    for name, activation in PROBABILITY_LOSSES.items():
        losses[name] = (keras_losses.get(name), activation)
        unchecked = keras_losses.get(name)
        unchecked._probabilities_checked = True  # as after its first check: no check in the traced step
        losses[f"{name}, check off"] = (unchecked, activation)
    return losses


def mlp(x, activation=None):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(x.shape[1:]), keras.layers.Flatten()]
        + [keras.layers.Dense(256, activation="relu") for _ in range(3)]
        + [keras.layers.Dense(10, activation=activation)]
    )
    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)
    return model, optimizer


# --- TensorFlow: tf.function, XLA on or off. ---


def tensorflow_loss_only_step(loss, y, logits, compiled):
    import tensorflow as tf

    @tf.function(jit_compile=compiled)
    def step():
        with tf.GradientTape() as tape:
            tape.watch(logits)
            value = loss(y, logits)
        return value, tape.gradient(value, logits)

    step()  # trace and compile outside the timing
    return lambda: [t.numpy() for t in step()]


def tensorflow_train_step(loss, x, y, activation=None, steps=1):
    import tensorflow as tf

    model, optimizer = mlp(x, activation)

    def one_step():
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        grads = tape.gradient(value, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return value

    @tf.function(jit_compile=FLAGS.step_xla)
    def step():
        value = one_step()
        for _ in tf.range(steps - 1):  # further steps in the same call (a graph loop, no dispatch in between)
            value = one_step()
        return value

    step()  # traces
    step()  # the first run of a traced loop is slow too: outside the timing
    return lambda: step().numpy()


# --- JAX: eager or jax.jit; training as Keras's JAX trainer does it (stateless, jitted). ---


def jax_loss_only_step(loss, y, logits, compiled):
    import jax

    step = jax.value_and_grad(lambda logits: loss(y, logits))
    if compiled:
        step = jax.jit(step)
    jax.block_until_ready(step(logits))
    return lambda: jax.block_until_ready(step(logits))


def jax_train_step(loss, x, y, activation=None, steps=1):
    import jax

    model, optimizer = mlp(x, activation)

    def forward(trainable, non_trainable):
        outputs, non_trainable = model.stateless_call(trainable, non_trainable, x, training=True)
        return loss(y, outputs), non_trainable

    gradient = jax.value_and_grad(forward, has_aux=True)

    @jax.jit
    def step(state):
        trainable, non_trainable, optimizer_variables = state
        (value, non_trainable), grads = gradient(trainable, non_trainable)
        trainable, optimizer_variables = optimizer.stateless_apply(optimizer_variables, grads, trainable)
        return value, (trainable, non_trainable, optimizer_variables)

    state = [
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
        [v.value for v in optimizer.variables],
    ]

    def run():
        nonlocal state
        for _ in range(steps):
            value, state = step(state)
        return float(value)

    run()
    return run


# --- PyTorch: eager, as Keras's torch trainer runs by default. ---


def torch_loss_only_step(loss, y, logits, compiled):
    import torch

    assert not compiled
    logits = logits.detach().requires_grad_(True)

    def step():
        value = loss(y, logits)
        (grad,) = torch.autograd.grad(value, logits)
        return float(value), grad.sum().item()

    step()
    return step


def torch_train_step(loss, x, y, activation=None, steps=1):
    import torch

    model, optimizer = mlp(x, activation)

    def step():
        for _ in range(steps):
            model.zero_grad()
            value = loss(y, model(x, training=True))
            value.backward()
            grads = [v.value.grad for v in model.trainable_variables]
            with torch.no_grad():
                optimizer.apply(grads, model.trainable_variables)
        return float(value)

    step()
    return step


LOSS_ONLY_STEP = {"tensorflow": tensorflow_loss_only_step, "jax": jax_loss_only_step, "torch": torch_loss_only_step}[
    BACKEND
]
TRAIN_STEP = {"tensorflow": tensorflow_train_step, "jax": jax_train_step, "torch": torch_train_step}[BACKEND]


def loss_only_measurement(rng, chosen):
    """(a): `(medians, ratios)` per mode (uncompiled, compiled), forward + backward of the loss alone."""
    losses = candidate_losses(FLAGS.classes, chosen)
    labels = rng.integers(0, FLAGS.classes, FLAGS.batch)
    y = keras.ops.convert_to_tensor(np.eye(FLAGS.classes, dtype="float32")[labels])
    logits = keras.ops.convert_to_tensor(rng.normal(0, 3, (FLAGS.batch, FLAGS.classes)).astype("float32"))
    medians, ratios = {}, {}
    for jit in (False, True) if COMPILED else (False,):
        samples = interleaved_samples(
            {n: LOSS_ONLY_STEP(l, y, logits, jit) for n, l in losses.items()}, rounds=FLAGS.rounds
        )
        medians[jit], ratios[jit] = medians_and_ratios(samples, BASELINE)
    return medians, ratios


def digits_batch(rng):
    from sklearn.datasets import load_digits

    digits = load_digits()
    idx = rng.choice(len(digits.target), FLAGS.step_batch, replace=FLAGS.step_batch > len(digits.target))
    x = keras.ops.convert_to_tensor((digits.images[idx] / 16.0)[..., None].astype("float32"))
    y = keras.ops.convert_to_tensor(np.eye(10, dtype="float32")[digits.target[idx]])
    return x, y


def train_step_ratios(losses, x, y, baseline):
    """`(medians, ratios, fast-quartile ratios)` per train step of each `{name: (loss, activation)}`.

    Each candidate is timed between two timings of `baseline` (`bracketed_ratios`): the ratio
    follows the load of the moment, not that of a whole round.
    """
    steps = {
        n: TRAIN_STEP(loss, x, y, activation, steps=FLAGS.steps_per_call) for n, (loss, activation) in losses.items()
    }
    rounds = FLAGS.step_rounds or FLAGS.rounds
    medians, ratios, fastest = bracketed_ratios(
        steps, baseline, rounds=rounds, repeats=FLAGS.step_repeats, fastest=True
    )
    medians = {n: t / FLAGS.steps_per_call for n, t in medians.items()}  # a timed call runs steps_per_call
    return medians, ratios, fastest


def step_title():
    rounds = FLAGS.step_rounds or FLAGS.rounds
    return (
        f"MLP train step ({FLAGS.step_batch}×8×8), median of {rounds} rounds of {FLAGS.step_repeats} calls × "
        f"{FLAGS.steps_per_call} step(s){', XLA' if FLAGS.step_xla else ''}, each loss timed between two timings "
        "of the baseline"
    )


def main(_):
    if FLAGS.backend != BACKEND:
        raise app.UsageError(
            f"--backend={FLAGS.backend} but Keras runs on {BACKEND} "
            "(KERAS_BACKEND or ~/.keras/keras.json); pass --backend first-hand."
        )
    if BACKEND == "tensorflow":
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")  # one tf.function per candidate is intended
    rng = np.random.default_rng(0)
    chosen = chosen_names(FLAGS.losses)
    loss_medians = loss_ratios = None
    if FLAGS.only in ("all", "loss"):
        loss_medians, loss_ratios = loss_only_measurement(rng, chosen)
    x, y_digits = digits_batch(rng)
    step_medians = step_ratios = step_fastest = None
    if FLAGS.only in ("all", "step"):
        candidates = {n: (loss, None) for n, loss in candidate_losses(10, chosen).items()}
        step_medians, step_ratios, step_fastest = train_step_ratios(candidates, x, y_digits, BASELINE)
    names = [BASELINE, CONTROL, *chosen]
    if loss_ratios is not None or step_ratios is not None:
        print_speed_table(names, loss_medians, loss_ratios, step_medians, step_ratios, step_fastest)
    if loss_ratios is not None:
        ours = chosen
        for jit in loss_ratios:
            values = [loss_ratios[jit][n] for n in ours]
            print(
                f"\nloss-only ratio, {COMPILED if jit else UNCOMPILED}: median {statistics.median(values):.2f}, "
                f"worst {max(values):.2f} ({max(ours, key=lambda n: loss_ratios[jit][n])})"
            )
    if step_ratios is not None:
        print_step_summary(chosen, step_ratios, step_fastest)
    if FLAGS.only in ("all", "probability"):
        probability_measurement(x, y_digits)


def print_speed_table(names, loss_medians, loss_ratios, step_medians, step_ratios, step_fastest):
    def cell(table, name, scale, digits):
        return f"{table[name] * scale:.{digits}f}" if table is not None else "—"

    def mode(table, jit):
        return table.get(jit) if table is not None else None

    header, rows = ["loss"], [[name] for name in names]
    if loss_ratios is not None:
        header += [f"fwd+bwd ms ({FLAGS.batch}×{FLAGS.classes}), {UNCOMPILED}", "ratio"]
        header += [f"fwd+bwd ms, {COMPILED or 'compiled'}", f"ratio {COMPILED or 'compiled'}"]
        for row, name in zip(rows, names):
            row += [cell(loss_medians[False], name, 1e3, 2), cell(loss_ratios[False], name, 1, 2)]
            row += [cell(mode(loss_medians, True), name, 1e3, 2), cell(mode(loss_ratios, True), name, 1, 2)]
    if step_ratios is not None:
        header += [f"MLP train step ms ({FLAGS.step_batch}×8×8)", "step ratio", "fast-quartile step ratio"]
        for row, name in zip(rows, names):
            row += [cell(step_medians, name, 1e3, 3), cell(step_ratios, name, 1, 3), cell(step_fastest, name, 1, 3)]
    print_table(
        f"Loss speed relative to {BASELINE} (from_logits=True) on {BACKEND} "
        f"(Keras {keras.__version__}, {backend_version()}); loss alone: median of {FLAGS.rounds} rounds; "
        + step_title(),
        header,
        rows,
    )


def print_step_summary(chosen, step_ratios, step_fastest):
    noise = max(abs(step_ratios[CONTROL] - 1), abs(step_fastest[CONTROL] - 1))
    print(
        f"\ncontrol (the baseline timed again): step ratio {step_ratios[CONTROL]:.3f}, fast-quartile step ratio "
        f"{step_fastest[CONTROL]:.3f}: ratios within about ±{noise:.3f} of 1 are noise"
    )
    new = [n for n in new_losses() if n in chosen]
    if new:
        over = [f"{n} {step_ratios[n]:.3f}" for n in new if step_ratios[n] > 1.05]
        median = statistics.median(step_ratios[n] for n in new)
        print(
            f"new losses (issue 26, {len(new)}): train-step ratio median {median:.3f}, "
            f"above 1.05×: {', '.join(over) or 'none'}"
        )
    worst = max(chosen, key=lambda n: step_ratios[n])
    print(f"worst train-step ratio: {worst}")
    print(f"worst_train_step_ratio: {step_ratios[worst]:.3f}")


def probability_measurement(x, y_digits):
    """(c): the train step on probability outputs, the check on and off."""
    medians, ratios, _ = train_step_ratios(probability_losses(), x, y_digits, PROBABILITY_BASELINE)
    print_table(
        f"Train step on probability outputs (from_logits=False, y_pred checked), vs {PROBABILITY_BASELINE}; "
        + step_title(),
        ["loss", "output", f"MLP train step ms ({FLAGS.step_batch}×8×8)", "step ratio"],
        [(n, act, f"{medians[n] * 1e3:.3f}", f"{ratios[n]:.3f}") for n, (_, act) in probability_losses().items()],
    )
    worst = max(PROBABILITY_LOSSES, key=lambda n: ratios[n])
    print(f"worst_probability_train_step_ratio: {ratios[worst]:.3f} ({worst})")
    cost = {n: ratios[n] / ratios[f"{n}, check off"] for n in PROBABILITY_LOSSES}
    print("check cost (step ratio with / without the check): " + ", ".join(f"{n} {c:.3f}" for n, c in cost.items()))


def backend_version():
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[BACKEND]
    return f"{module} {__import__(module).__version__}"


if __name__ == "__main__":
    app.run(main)
