"""The production contract: a `.keras` model trained with any loss loads in a fresh process.

For every canonical loss, compiled by its string name (on a model whose
output is what the default configuration expects) and by a configured
instance with non-default arguments (on a logits model), plus Keras's
classification losses as configured instances: train, save `.keras`, then in
a NEW Python process run only `import keras_losses;
keras.saving.load_model(path)` (safe mode on, no `custom_objects`) and check

- identical predictions,
- the same loss class and `get_config()`,
- the optimizer state restored (iterations and every slot variable), and
- `fit` continues: the loss decreases, the weights change, the optimizer's
  iteration count continues from the saved one.

All models go through one subprocess to keep the file fast.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from tests.fixtures.make_fixtures import by_name_losses, compiled_model, fixture_specs, loss_record, training_data

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EPOCHS, CONTINUE_EPOCHS, BATCH = 3, 5, 16
SPECS = fixture_specs()

# Runs in a fresh interpreter: loads every model, reports what it finds, trains on.
LOADER = textwrap.dedent(f"""
    import json, os, sys
    import numpy as np
    import keras
    import keras_losses

    directory = sys.argv[1]
    data = np.load(os.path.join(directory, "data.npz"))
    x, y = data["x"], data["y"]
    report = {{}}
    for stem in json.load(open(os.path.join(directory, "stems.json"))):
        model = keras.saving.load_model(os.path.join(directory, stem + ".keras"))
        loss = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
        model.run_eagerly = True  # Tiny model: eager steps beat tracing a train function.
        weights = [w.copy() for w in model.get_weights()]
        np.save(os.path.join(directory, stem + ".loaded_predictions.npy"), keras.ops.convert_to_numpy(model(x)))
        np.savez(os.path.join(directory, stem + ".loaded_optimizer.npz"),
                 *[keras.ops.convert_to_numpy(v) for v in model.optimizer.variables])
        before = loss(y, model(x))
        model.fit(x, y, epochs={CONTINUE_EPOCHS}, batch_size={BATCH}, verbose=0)
        after = loss(y, model(x))
        report[stem] = {{
            "model_loss": model.loss if isinstance(model.loss, str) else None,
            "registered_name": keras.saving.get_registered_name(type(loss)),
            "config": loss.get_config(),
            "loss_before": float(before), "loss_after": float(after),
            "iterations_after": int(model.optimizer.iterations),
            "weights_changed": any(not np.array_equal(a, b)
                                   for a, b in zip(weights, model.get_weights())),
        }}
    report["_modules"] = sorted(m for m in ("zoo", "tuning") if m in sys.modules)
    report["_backend"] = keras.backend.backend()
    json.dump(report, open(os.path.join(directory, "report.json"), "w"))
""")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """Trains and saves every model here, loads them all in one fresh process."""
    directory = tmp_path_factory.mktemp("contract")
    x, y = training_data()
    np.savez(directory / "data.npz", x=x, y=y)
    expected = {}
    for stem, (name, compiled_by) in SPECS.items():
        model = compiled_model(name, compiled_by)
        model.run_eagerly = True
        model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, verbose=0)
        model.save(directory / f"{stem}.keras")
        expected[stem] = {
            "record": loss_record(model, name, compiled_by),
            "predictions": keras.ops.convert_to_numpy(model(x)),
            "optimizer": [keras.ops.convert_to_numpy(v) for v in model.optimizer.variables],
            "iterations": int(model.optimizer.iterations),
        }
    (directory / "stems.json").write_text(json.dumps(list(SPECS)))
    env = {**os.environ, "PYTHONPATH": REPO, "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run(
        [sys.executable, "-c", LOADER, str(directory)],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((directory / "report.json").read_text())
    return directory, expected, report


def test_fresh_process_needs_only_keras_losses(saved):
    _, _, report = saved
    assert report["_modules"] == []


def test_fresh_process_runs_on_the_backend_under_test(saved):
    """The contract holds on each backend (KERAS_BACKEND reaches the fresh process)."""
    _, _, report = saved
    assert report["_backend"] == keras.backend.backend()


def test_every_canonical_loss_is_covered_both_ways():
    import keras_losses

    by_name = {name for name, how in SPECS.values() if how == "name"}
    by_instance = {name for name, how in SPECS.values() if how == "instance"}
    # By name: every loss that can be built from its name alone (not those that need class counts or T).
    need_configuration = {"logit_adjusted", "balanced_softmax", "ldam", "vs", "seesaw"}
    need_configuration |= {"forward_corrected", "backward_corrected"}
    assert by_name == set(by_name_losses()) == set(keras_losses.names()) - need_configuration
    assert by_instance == set(keras_losses.all_names())


@pytest.mark.parametrize("stem", list(SPECS))
def test_saved_model_loads_intact_and_trains_on(saved, stem):
    directory, expected, report = saved
    reference, loaded = expected[stem], report[stem]
    steps = CONTINUE_EPOCHS * int(np.ceil(len(training_data()[0]) / BATCH))

    np.testing.assert_array_equal(np.load(directory / f"{stem}.loaded_predictions.npy"), reference["predictions"])
    record = reference["record"]
    if record["compiled_by"] == "name":
        assert loaded["model_loss"] == record["loss"]
    assert loaded["registered_name"] == record["registered_name"]
    assert loaded["config"] == record["config"]
    with np.load(directory / f"{stem}.loaded_optimizer.npz") as optimizer:
        restored = [optimizer[f"arr_{i}"] for i in range(len(optimizer.files))]
    assert len(restored) == len(reference["optimizer"]) > 2  # iterations, lr, Adam slots
    for got, want in zip(restored, reference["optimizer"]):
        np.testing.assert_array_equal(got, want)
    assert loaded["iterations_after"] == reference["iterations"] + steps
    assert loaded["weights_changed"]
    assert loaded["loss_after"] < loaded["loss_before"], (loaded["loss_before"], loaded["loss_after"])


def test_string_compiled_model_resolves_to_the_keras_losses_class(saved):
    """`compile(loss="focal")` stores the name; loading resolves it to this package's class."""
    _, expected, report = saved
    assert report["focal.by_name"]["registered_name"] == "keras_losses>Focal"
    assert expected["focal.by_name"]["record"]["config"]["gamma"] == 2.0
    assert report["focal"]["config"]["gamma"] == 1.5
    assert keras.losses.get("focal").get_config()["from_logits"] is False
