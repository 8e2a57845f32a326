"""Serialization: configs, Keras serialize/deserialize, .keras files in a
fresh Python process."""

import json
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses.helpers import case_id, cases

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_from_config_of_get_config_rebuilds_an_equal_loss(case):
    name, config = case
    loss = keras_losses.for_logits(name, **config)
    rebuilt = type(loss).from_config(loss.get_config())
    assert rebuilt.get_config() == loss.get_config()
    for key, value in config.items():
        assert loss.get_config()[key] == value


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_keras_serialize_round_trip(case):
    name, config = case
    loss = keras_losses.for_logits(name, reduction="sum", name="custom", **config)
    serialized = keras.saving.serialize_keras_object(loss)
    assert serialized["registered_name"].startswith("keras_losses>")
    json.dumps(serialized)  # plain JSON
    restored = keras.saving.deserialize_keras_object(serialized)
    assert type(restored) is type(loss)
    assert restored.get_config() == loss.get_config()
    labels = np.array([0, 1, 4])
    logits = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    np.testing.assert_allclose(float(restored(labels, logits)), float(loss(labels, logits)))


COMMON = """
import json, sys, numpy as np, keras

def resolved_loss(model, x, y):
    model.evaluate(x, y, verbose=0)  # builds the compiled loss
    loss = model._compile_loss._flat_losses[0].loss
    return type(loss).__name__, loss.get_config()
"""

SAVE = COMMON + textwrap.dedent(
    """
    import keras_losses
    out = sys.argv[1]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32"); y = rng.integers(0, 3, size=32)
    np.savez(out + "/data.npz", x=x, y=y)
    report = {}
    for tag, loss, head in [
        ("string", "cauchy_schwarz", "softmax"),
        ("instance", keras_losses.get("logistic_inr", beta=2.5, from_logits=True), None),
        ("keras_builtin", keras_losses.for_logits("kl_divergence"), None),
        ("ldam", keras_losses.for_logits("ldam", class_counts=[30, 10, 3], scale=2.0, class_weights=[1, 2, 3]), None),
        ("logit_adjusted", keras_losses.for_logits("logit_adjusted", class_counts=[0.6, 0.3, 0.1], tau=1.5), None),
    ]:
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation=head)])
        model.compile(optimizer="adam", loss=loss)
        model.fit(x, y, epochs=2, verbose=0)
        model.save(f"{out}/{tag}.keras")
        cls, config = resolved_loss(model, x, y)
        report[tag] = {"class": cls, "config": config,
                       "pred": model.predict(x, verbose=0).tolist(),
                       "iterations": int(model.optimizer.iterations.numpy())}
    print(json.dumps(report))
    """
)

LOAD = COMMON + textwrap.dedent(
    """
    import keras_losses  # the only requirement for loading
    out = sys.argv[1]
    data = np.load(out + "/data.npz")
    x, y = data["x"], data["y"]
    report = {}
    for tag in ["string", "instance", "keras_builtin", "ldam", "logit_adjusted"]:
        model = keras.saving.load_model(f"{out}/{tag}.keras")  # safe_mode on
        pred = model.predict(x, verbose=0).tolist()
        iterations = int(model.optimizer.iterations.numpy())
        cls, config = resolved_loss(model, x, y)
        before = model.evaluate(x, y, verbose=0)
        model.fit(x, y, epochs=5, verbose=0)
        report[tag] = {"class": cls, "config": config, "pred": pred,
                       "iterations": iterations,
                       "iterations_after": int(model.optimizer.iterations.numpy()),
                       "before": before, "after": model.evaluate(x, y, verbose=0)}
    print(json.dumps(report))
    """
)


def _run(script, directory):
    result = subprocess.run([sys.executable, "-c", script, str(directory)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_keras_file_round_trip_in_a_fresh_process(tmp_path):
    saved = _run(SAVE, tmp_path)
    loaded = _run(LOAD, tmp_path)
    expected_class = {
        "string": "CauchySchwarz",
        "instance": "LogisticINR",
        "keras_builtin": "KerasLoss",
        "ldam": "LDAM",
        "logit_adjusted": "LogitAdjusted",
    }
    for tag, before in saved.items():
        after = loaded[tag]
        assert after["class"] == before["class"] == expected_class[tag]
        assert after["config"] == before["config"]
        np.testing.assert_allclose(after["pred"], before["pred"], rtol=1e-6, atol=1e-7)
        # Training resumes: optimizer state restored, more steps lower the loss.
        assert after["iterations"] == before["iterations"] > 0
        assert after["iterations_after"] > after["iterations"]
        assert after["after"] < after["before"]
    assert loaded["instance"]["config"]["beta"] == 2.5
    # The counts (priors) and weights are the loss's configuration: they come back with it.
    assert loaded["ldam"]["config"]["class_counts"] == [30.0, 10.0, 3.0]
    assert loaded["ldam"]["config"]["class_weights"] == [1.0, 2.0, 3.0]
    assert loaded["ldam"]["config"]["scale"] == 2.0
    assert loaded["logit_adjusted"]["config"]["class_counts"] == [0.6, 0.3, 0.1]
    assert loaded["logit_adjusted"]["config"]["tau"] == 1.5
