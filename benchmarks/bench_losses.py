"""Speed of every loss relative to Keras's categorical cross-entropy, on any backend.

(a) forward + backward of the loss alone on logits of shape (4096, 1000),
    uncompiled and compiled: on TensorFlow graph mode with XLA off and on,
    on JAX eager and `jax.jit`, on PyTorch eager only;
(b) one training step of a 3-layer MLP on 8×8 digits batches of 256, the
    way Keras's own `fit` runs it on that backend (a `tf.function`; a
    `jax.jit` of the stateless step; PyTorch eager).

Both are ratios to `keras.losses.CategoricalCrossentropy(from_logits=True)`
measured side by side in this run, on the same backend. Targets: (a)
compiled median ≤ 1.5×, worst ≤ 3×; (b) every loss ≤ 1.05×. Run:

    .venv/bin/python -m benchmarks.bench_losses                  # TensorFlow
    .venv/bin/python -m benchmarks.bench_losses --backend=jax
    .venv/bin/python -m benchmarks.bench_losses --backend=torch  # torch installed

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
from benchmarks.timing import interleaved_samples, medians_and_ratios, print_table  # noqa: E402

FLAGS = flags.FLAGS
flags.DEFINE_integer("rounds", 9, "Interleaved timing rounds per measurement.")
flags.DEFINE_integer("batch", 4096, "Batch size of the loss-only measurement.")
flags.DEFINE_integer("classes", 1000, "Classes of the loss-only measurement.")
flags.DEFINE_enum(
    "backend",
    os.environ.get("KERAS_BACKEND", "tensorflow"),
    BACKENDS,
    "Keras backend to measure on (default: $KERAS_BACKEND, else tensorflow).",
)

BASELINE = "keras CategoricalCrossentropy"
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


def candidate_losses(num_classes):
    """The baseline and every loss for K classes (class counts or a transition matrix for those that need it)."""
    losses = {BASELINE: keras.losses.CategoricalCrossentropy(from_logits=True)}
    for name in keras_losses.all_names():
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


def tensorflow_train_step(loss, x, y, activation=None):
    import tensorflow as tf

    model, optimizer = mlp(x, activation)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            value = loss(y, model(x, training=True))
        grads = tape.gradient(value, model.trainable_variables)
        optimizer.apply(grads, model.trainable_variables)
        return value

    step()
    return lambda: step().numpy()


# --- JAX: eager or jax.jit; training as Keras's JAX trainer does it (stateless, jitted). ---


def jax_loss_only_step(loss, y, logits, compiled):
    import jax

    step = jax.value_and_grad(lambda logits: loss(y, logits))
    if compiled:
        step = jax.jit(step)
    jax.block_until_ready(step(logits))
    return lambda: jax.block_until_ready(step(logits))


def jax_train_step(loss, x, y, activation=None):
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


def torch_train_step(loss, x, y, activation=None):
    import torch

    model, optimizer = mlp(x, activation)

    def step():
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
    modes = (False, True) if COMPILED else (False,)
    losses = candidate_losses(FLAGS.classes)

    labels = rng.integers(0, FLAGS.classes, FLAGS.batch)
    y = keras.ops.convert_to_tensor(np.eye(FLAGS.classes, dtype="float32")[labels])
    logits = keras.ops.convert_to_tensor(rng.normal(0, 3, (FLAGS.batch, FLAGS.classes)).astype("float32"))
    loss_ratios = {}
    loss_medians = {}
    for jit in modes:
        samples = interleaved_samples(
            {n: LOSS_ONLY_STEP(l, y, logits, jit) for n, l in losses.items()}, rounds=FLAGS.rounds
        )
        loss_medians[jit], loss_ratios[jit] = medians_and_ratios(samples, BASELINE)

    from sklearn.datasets import load_digits

    digits = load_digits()
    idx = rng.choice(len(digits.target), 256, replace=False)
    x = keras.ops.convert_to_tensor((digits.images[idx] / 16.0)[..., None].astype("float32"))
    y_digits = keras.ops.convert_to_tensor(np.eye(10, dtype="float32")[digits.target[idx]])
    samples = interleaved_samples(
        {n: TRAIN_STEP(l, x, y_digits) for n, l in candidate_losses(10).items()}, rounds=FLAGS.rounds, repeats=50
    )
    step_medians, step_ratios = medians_and_ratios(samples, BASELINE)

    def compiled(table, name, digits):
        return f"{table[True][name]:.{digits}f}" if COMPILED else "n/a"

    rows = [
        (
            name,
            f"{loss_medians[False][name] * 1e3:.2f}",
            f"{loss_ratios[False][name]:.2f}",
            compiled({k: {n: v * 1e3 for n, v in m.items()} for k, m in loss_medians.items()}, name, 2),
            compiled(loss_ratios, name, 2),
            f"{step_medians[name] * 1e3:.3f}",
            f"{step_ratios[name]:.3f}",
        )
        for name in losses
    ]
    print_table(
        f"Loss speed relative to {BASELINE} (from_logits=True) on {BACKEND} "
        f"(Keras {keras.__version__}, {backend_version()}), median of {FLAGS.rounds} rounds",
        [
            "loss",
            f"fwd+bwd ms ({FLAGS.batch}×{FLAGS.classes}), {UNCOMPILED}",
            "ratio",
            f"fwd+bwd ms, {COMPILED or 'compiled'}",
            f"ratio {COMPILED or 'compiled'}",
            "MLP train step ms (256×8×8)",
            "step ratio",
        ],
        rows,
    )
    ours = [n for n in losses if n != BASELINE]
    for jit in modes:
        values = [loss_ratios[jit][n] for n in ours]
        print(
            f"\nloss-only ratio, {COMPILED if jit else UNCOMPILED}: median {statistics.median(values):.2f}, "
            f"worst {max(values):.2f} ({max(ours, key=lambda n: loss_ratios[jit][n])})"
        )
    new = new_losses()
    over = [f"{n} {step_ratios[n]:.3f}" for n in new if step_ratios[n] > 1.05]
    median = statistics.median(step_ratios[n] for n in new)
    print(
        f"new losses (issue 26, {len(new)}): train-step ratio median {median:.3f}, "
        f"above 1.05×: {', '.join(over) or 'none'}"
    )
    worst = max(ours, key=lambda n: step_ratios[n])
    print(f"worst train-step ratio: {worst}")
    print(f"worst_train_step_ratio: {step_ratios[worst]:.3f}")

    samples = interleaved_samples(
        {n: TRAIN_STEP(l, x, y_digits, act) for n, (l, act) in probability_losses().items()},
        rounds=FLAGS.rounds,
        repeats=50,
    )
    medians, ratios = medians_and_ratios(samples, PROBABILITY_BASELINE)
    print_table(
        f"MLP train step on probability outputs (from_logits=False, y_pred checked), vs {PROBABILITY_BASELINE}",
        ["loss", "output", "MLP train step ms (256×8×8)", "step ratio"],
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
