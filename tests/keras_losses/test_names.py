"""Names: get/names/describe, compile(loss=NAME), no shadowing of Keras."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_losses
from keras_losses import compat
from tests.keras_losses.helpers import get, needed_config

# The catalogue's names (docs/losses/), in its order (written out: the test's own reference).
SPEC_NAMES = [
    "l1", "l2", "expectation", "regularized_expectation", "chebyshev", "ovr_hinge",
    "ovr_squared_hinge", "ovr_cubed_hinge", "log_loss", "squared_log", "tanimoto",
    "cauchy_schwarz", "logistic", "logistic_inr", "focal", "poly1", "gce", "sce", "nce_rce",
    # Issue 26's families, module by module.
    "nfl", "ngce", "nmae", "nce_mae", "nfl_rce", "nfl_mae", "ngce_rce", "ngce_mae", "anl_ce", "anl_fl",
    "agce", "aul", "ael", "js", "bi_tempered", "bootstrap_soft", "bootstrap_hard", "taylor_ce",
    "forward_corrected", "backward_corrected",
    "logit_adjusted", "balanced_softmax", "ldam", "vs", "seesaw",
    # Issue 25's multi-label losses.
    "sigmoid_focal", "asymmetric",
]  # fmt: skip
# The prior-aware losses cannot be built from their name alone (docs/losses/long_tail.md),
# nor the loss corrections without their transition matrix (docs/losses/loss_correction.md).
NEED_COUNTS = ["logit_adjusted", "balanced_softmax", "ldam", "vs", "seesaw"]
NEED_MATRIX = ["forward_corrected", "backward_corrected"]
BY_NAME = [name for name in SPEC_NAMES if name not in NEED_COUNTS + NEED_MATRIX]


def test_names_are_the_spec_names():
    assert keras_losses.names() == SPEC_NAMES
    assert keras_losses.keras_names() == [
        "categorical_crossentropy",
        "kl_divergence",
        "poisson",
        "categorical_hinge",
        "categorical_focal_crossentropy",
    ]


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_describe(name):
    info = keras_losses.describe(name)
    assert info["name"] == name
    assert info["acts_on"] in ("raw outputs", "softmax probabilities", "sigmoid probabilities")
    assert info["formula"] and info["paper"] and info["range"]
    assert ("from_logits" in info["defaults"]) == (info["acts_on"] != "raw outputs")
    assert info["needs"] == (
        ["class_counts"] if name in NEED_COUNTS else ["transition_matrix"] if name in NEED_MATRIX else []
    )
    config = get(name).get_config()
    assert config["class_weights"] is None  # every loss takes it; the base class applies it
    assert {**info["defaults"], **needed_config(name)} == {
        k: v for k, v in config.items() if k not in ("name", "reduction", "dtype", "class_weights")
    }


def test_get_configures_instances():
    loss = keras_losses.get("focal", gamma=1.0, from_logits=True)
    assert isinstance(loss, keras_losses.Focal)
    assert loss.get_config()["gamma"] == 1.0 and loss.get_config()["from_logits"] is True
    kl = keras_losses.get("kl_divergence", from_logits=True)
    assert isinstance(kl, keras_losses.KerasLoss) and kl.get_config()["loss"] == "kl_divergence"


@pytest.mark.parametrize("name", BY_NAME)
def test_compile_by_string_trains(name):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    y = rng.integers(0, 3, size=16)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss=name)
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    # What Keras resolved the string to (private attribute: guards the mechanism).
    resolved = [entry.loss for entry in model._compile_loss._flat_losses]
    assert [type(r) for r in resolved] == [type(keras_losses.get(name))]


# What each kind of loss cannot be built without, as the one-line error says it (written out here).
NEEDED = {
    "class_counts": "the training count (or prior) of each of the K classes",
    "transition_matrix": "the K×K label-noise transition matrix T, T[i][j] = P(observed j | true i)",
}


@pytest.mark.parametrize("name", NEED_COUNTS + NEED_MATRIX)
def test_compile_by_string_without_its_configuration_fails_in_one_line_saying_what_to_pass(name):
    """Keras resolves the string when the loss is first built (the first fit/evaluate step)."""
    argument = "class_counts" if name in NEED_COUNTS else "transition_matrix"
    x = np.zeros((4, 4), "float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss=name)
    with pytest.raises(ValueError) as error:
        model.train_on_batch(x, np.array([0, 1, 2, 0]))
    message = str(error.value)
    assert "\n" not in message
    assert message == (
        f"keras_losses: {name!r} needs `{argument}` ({NEEDED[argument]}), so it cannot be built from its name "
        f'alone; pass keras_losses.get("{name}", {argument}=[...]) as the loss.'
    )
    with pytest.raises(ValueError, match=f'needs `{argument}`.*keras_losses.get\\("{name}", {argument}='):
        keras_losses.get(name)


def test_string_mechanism_leaves_keras_builtins_untouched():
    """In a fresh process: Keras's own table before and after our import."""
    script = (
        "import json, keras\n"
        "from keras.src import losses as m\n"
        "before = {k: repr(v) for k, v in m.ALL_OBJECTS_DICT.items()}\n"
        "import keras_losses\n"
        "after = {k: repr(v) for k, v in m.ALL_OBJECTS_DICT.items()}\n"
        "print(json.dumps({'before': before, 'after': after,"
        " 'hinge': type(keras.losses.get('hinge')).__name__}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    before, after = data["before"], data["after"]
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == set(SPEC_NAMES) | set(keras_losses.registry.ALIASES)
    assert not set(SPEC_NAMES) & set(before)
    assert data["hinge"] == "function"  # Keras's "hinge" keeps its meaning


def test_guard_keras_version_is_tested():
    """Fails loudly on a Keras outside the tested range: re-test, then widen
    `compat.TESTED_KERAS` and the pins in setup.cfg together."""
    assert compat.is_tested_keras(), (
        f"Keras {keras.__version__} is outside the range keras_losses was tested with "
        f"({compat.TESTED_KERAS}); the compile(loss=NAME) mechanism must be re-verified."
    )


def test_guard_fails_loudly_when_keras_table_is_missing(monkeypatch):
    from keras.src import losses as keras_losses_module

    monkeypatch.delattr(keras_losses_module, "ALL_OBJECTS_DICT")
    with pytest.raises(compat.IncompatibleKerasError, match="ALL_OBJECTS_DICT.*Tested Keras range"):
        compat.install({"cauchy_schwarz": keras_losses.CauchySchwarz})


def test_guard_fails_loudly_when_strings_stop_resolving(monkeypatch):
    monkeypatch.setattr(keras.losses, "get", lambda identifier: None)
    with pytest.raises(compat.IncompatibleKerasError, match="returned None"):
        compat.install({"cauchy_schwarz": keras_losses.CauchySchwarz})


def test_guard_refuses_to_shadow_a_keras_builtin():
    with pytest.raises(compat.IncompatibleKerasError, match="'hinge' is already a Keras built-in"):
        compat.install({"hinge": keras_losses.OvrHinge})


def test_catalogue_table_is_the_table_rendered_from_the_classes():
    """`python -m keras_losses` renders it from describe(); the catalogue (docs/losses/) must hold it verbatim."""
    import pathlib

    from keras_losses import __main__ as loss_table

    index = (pathlib.Path(__file__).parents[2] / "docs" / "losses" / "index.md").read_text(encoding="utf-8")
    assert loss_table.table() in index
    for name in keras_losses.all_names():
        row = next(line for line in loss_table.table_rows() if line.startswith(f"| `{name}` |"))
        assert keras_losses.describe(name)["formula"].replace("|", "\\|") in row, name


def test_loss_table_command_prints_the_table():
    result = subprocess.run([sys.executable, "-m", "keras_losses"], capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| name | class | formula (per example) |")
    assert len(lines) == 2 + len(keras_losses.all_names())
    assert "| `focal` | `Focal` | −Σ y·(1 − p)^γ·log p |" in result.stdout
    assert "gamma ∈ [0, 5]" in result.stdout and "alpha ∈ [0.01, 1] (log)" in result.stdout


@pytest.mark.backends("jax", "torch")
def test_import_and_use_need_no_tensorflow():
    """On JAX and PyTorch, keras_losses neither imports nor needs TensorFlow."""
    script = (
        "import sys, numpy as np, keras_losses\n"
        "value = keras_losses.get('focal')(np.array([0, 2]), np.full((2, 3), 1 / 3, 'float32'))\n"
        "print(float(value), 'tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    value, tensorflow_loaded = out.stdout.split()
    assert np.isfinite(float(value))
    assert tensorflow_loaded == "False"


def test_keras_outside_the_tested_range_warns_in_one_line(monkeypatch):
    from keras_losses import compat

    monkeypatch.setattr(compat, "keras_version", lambda: (3, 99))
    with pytest.warns(UserWarning) as caught:
        compat.install({})
    message = str(caught[0].message)
    assert "\n" not in message
    assert f"is tested with Keras {compat._tested_range()}" in message and "untested" in message
