"""The search: three tuners, outputs, resume, refusals (in-process and through the CLI)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tuning import distributed, search, spec, tuners

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")


@pytest.fixture(autouse=True)
def _not_distributed():
    variables = (distributed.TUNER_ID, distributed.ORACLE_IP, distributed.ORACLE_PORT)
    saved = {v: os.environ.pop(v) for v in variables if v in os.environ}
    yield
    for variable in variables:
        os.environ.pop(variable, None)
    os.environ.update(saved)


def _config(out, **overrides):
    config = {
        "dataset": "digits",
        "losses": ["log_loss", "focal", "ovr_squared_hinge"],
        "models": ["mlp"],
        "depths": [1],
        "widths": [8],
        "dropouts": [0.0],
        "learning_rates": [0.01],
        "tune_loss_parameters": True,
        "tuner": "random",
        "max_trials": 2,
        "epochs": 1,
        "objective": "val_accuracy",
        "batch_size": 256,
        "seed": 0,
        "out": str(out),
        "retrain": False,
        "retrain_epochs": 2,
        "patience": 1,
        "threads": 0,
        "trial_timeout": 0,
        "progress": False,
    }
    config.update(overrides)
    return config


def _trials(out):
    with open(os.path.join(out, search.TRIALS_FILE)) as f:
        return [json.loads(line) for line in f]


@pytest.mark.parametrize("tuner", ["random", "bayesian", "hyperband"])
def test_each_tuner_finishes_a_tiny_search(tmp_path, tuner):
    board = search.run(_config(tmp_path, tuner=tuner, max_trials=3, epochs=2))
    assert 1 <= board["completed"] <= 3
    assert board["objective"] == "val_accuracy"
    scores = [r["score"] for r in board["best_per_loss"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len(_trials(tmp_path)) == len(board["trials"])


def test_outputs_and_best_model_export(tmp_path):
    import keras
    import tensorflow as tf

    import keras_losses  # noqa: F401  (registers the losses for loading)
    import zoo

    board = search.run(_config(tmp_path, max_trials=2, retrain=True, retrain_seeds=[3, 4]))
    best = board["best_model"]
    assert best["retrain_seeds"] == [3, 4] and best["test"] == best["test_by_seed"]["3"]
    accuracies = [best["test_by_seed"][s]["accuracy"] for s in ("3", "4")]
    assert best["test_mean"]["accuracy"] == pytest.approx(np.mean(accuracies))
    assert best["test_std"]["accuracy"] == pytest.approx(np.std(accuracies, ddof=1))
    for name in ("leaderboard.md", "leaderboard.json", "best_per_loss.png", "best.keras", "search_spec.json"):
        assert os.path.getsize(tmp_path / name) > 0, name
    stored = json.loads((tmp_path / "leaderboard.json").read_text())
    assert stored["best_per_loss"][0]["trial_id"] == board["best_model"]["trial_id"]
    markdown = (tmp_path / "leaderboard.md").read_text()
    for record in stored["best_per_loss"]:
        assert f"`{record['loss']}`" in markdown
    assert "Retrained at seeds 3, 4: test accuracy" in markdown

    data = zoo.datasets.load("digits")
    model = keras.saving.load_model(tmp_path / "best.keras")
    logits = model.predict(data.x_test[:8], verbose=0)
    loaded = tf.saved_model.load(str(tmp_path / "best_savedmodel"))  # Keep a reference to its variables.
    served = loaded.signatures["serving_default"](inputs=tf.constant(data.x_test[:8]))
    probabilities = served["probabilities"].numpy()
    np.testing.assert_array_equal(served["class"].numpy(), logits.argmax(axis=1))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(probabilities, tf.nn.softmax(logits).numpy(), atol=1e-5)


def test_rerun_resumes_without_redoing_or_losing_trials(tmp_path):
    first = search.run(_config(tmp_path, max_trials=2))
    second = search.run(_config(tmp_path, max_trials=3))
    before = {r["trial_id"]: r["score"] for r in first["trials"]}
    after = {r["trial_id"]: r["score"] for r in second["trials"]}
    assert len(after) == 3 and set(before) < set(after)
    assert all(after[t] == before[t] for t in before)
    assert [r["trial_id"] for r in _trials(tmp_path)] == sorted(after)  # Each trial ran exactly once.
    third = search.run(_config(tmp_path, max_trials=3))  # Nothing left: nothing runs.
    assert len(_trials(tmp_path)) == 3 and len(third["trials"]) == 3


def test_incompatible_search_directory_is_refused_before_searching(tmp_path):
    search.run(_config(tmp_path, max_trials=1))
    with pytest.raises(spec.SearchSpecError, match="losses: stored"):
        search.run(_config(tmp_path, losses=["log_loss", "tanimoto"]))
    with pytest.raises(spec.SearchSpecError, match="dataset: stored 'digits', now 'blobs'"):
        search.run(_config(tmp_path, dataset="blobs"))
    assert len(_trials(tmp_path)) == 1


def _cli(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "tuning.search", *args],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_cli_unknown_loss_is_one_line_before_anything_runs(tmp_path):
    result = _cli("--losses", "log_loss,focl", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Unknown loss 'focl'. Did you mean: 'focal'?" in errors[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # Refused before anything ran.


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["--losses", "log_loss,focal", "--objective", "val_loss"],
            "Objective 'val_loss' ranks trials by their own loss",
        ),
        (["--losses", "log_loss,focal", "--objective", "val_acuracy"], "Did you mean: 'val_accuracy'"),
        (
            ["--losses", "log_loss", "--tuner_id", "chief"],
            "missing --oracle_ip, --oracle_port (or KERASTUNER_ORACLE_IP, KERASTUNER_ORACLE_PORT)",
        ),
        (
            ["--losses", "log_loss", "--tuner_id", "tuner0", "--oracle_ip", "127.0.0.1", "--oracle_port", "70000"],
            "--oracle_port must be an integer in 1..65535",
        ),
        (["--losses", "log_loss", "--depths", "1,two"], "--depths must be comma-separated ints"),
        (["--losses", "log_loss", "--models", "resnet", "--depths", "3"], "resnet"),
    ],
)
def test_main_bad_input_is_one_line_error(tmp_path, main_in_process, args, message):
    code, stderr = main_in_process(*args, "--out", str(tmp_path / "out"))
    assert code == 2
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr
    assert not (tmp_path / "out" / tuners.PROJECT).exists()
    assert distributed.role() == "single"  # A refused set-up leaves the environment alone.


def test_cli_refuses_other_search_in_out(tmp_path):
    search.run(_config(tmp_path, max_trials=1))
    result = _cli("--losses", "log_loss,focal", "--out", str(tmp_path))
    assert result.returncode == 2 and "holds a different search" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_search_on_the_same_out_is_refused(tmp_path):
    from zoo.sweeps import lock

    with lock.exclusive(str(tmp_path)):
        with pytest.raises(lock.LockedError, match="in use by process"):
            search.run(_config(tmp_path, max_trials=1))


def test_tensorboard_logs_per_trial_with_hparams(tmp_path):
    import glob

    import tensorflow as tf

    search.run(_config(tmp_path, max_trials=2, tensorboard=True))
    plugins = set()
    for path in glob.glob(str(tmp_path / "tb" / "**" / "events.out.tfevents.*"), recursive=True):
        for event in tf.compat.v1.train.summary_iterator(path):
            plugins |= {value.metadata.plugin_data.plugin_name for value in event.summary.value}
    assert "hparams" in plugins
    assert (
        len({os.path.dirname(p) for p in glob.glob(str(tmp_path / "tb" / "*" / "**" / "events.out.*"), recursive=True)})
        >= 2
    )


USER_BUILDER = """
import keras


def build(hp):
    hidden = keras.layers.Dense(hp.Int("units", 4, 8))
    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), hidden, keras.layers.Dense(10)])


other = build  # The same model under another name: another search.
"""


def test_user_builder_from_a_file_searches_and_its_best_model_reloads(tmp_path):
    path = tmp_path / "my_models.py"
    path.write_text(USER_BUILDER)
    out = tmp_path / "out"
    user = dict(model=f"{path}:build", models=[], depths=[], widths=[], dropouts=[], objective="val_macro_f1")
    board = search.run(_config(out, **user, max_trials=2, retrain=True, retrain_epochs=1))
    assert board["completed"] == 2 and board["objective"] == "val_macro_f1"
    for record in _trials(out):
        assert 4 <= record["hyperparameters"]["units"] <= 8 and "val_balanced_accuracy" in record["metrics"]
    assert json.loads((out / spec.SPEC_FILE).read_text())["model"] == f"{path}:build"
    with pytest.raises(spec.SearchSpecError, match="model: stored"):
        search.run(_config(out, **dict(user, model=f"{path}:other"), max_trials=2))
    # best.keras loads in a fresh process after `import keras_losses` alone.
    code = (
        f"import keras, keras_losses; m = keras.saving.load_model({str(out / 'best.keras')!r}); print(m.output_shape)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode == 0 and "(None, 10)" in loaded.stdout, loaded.stderr[-2000:]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--model", "my_models.py:build", "--depths", "1", "--models", "cnn"], "--models, --depths do not apply"),
        (["--model", "no_such_file.py:build"], "no such file"),
        (["--model", "build"], "expected module:function or path/to/file.py:function"),
    ],
)
def test_main_bad_model_is_one_line_error(tmp_path, main_in_process, args, message):
    code, stderr = main_in_process("--losses", "log_loss", *args, "--out", str(tmp_path / "out"))
    assert code == 2
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr
    assert not (tmp_path / "out" / tuners.PROJECT).exists()


def test_the_flags_give_the_settings_and_differ_from_their_defaults_only_where_listed():
    """`SearchSettings` replaces the dict: the flags fill every field; a script's dict may leave names out."""
    import dataclasses

    search.FLAGS.unparse_flags()
    search.FLAGS(["tuning.search"])
    try:
        settings = search.settings_from_flags()
    finally:
        search.FLAGS.unparse_flags()
    defaults = search.SearchSettings()

    def plain(value):  # The flags give lists, the defaults tuples.
        return tuple(value) if isinstance(value, list | tuple) else value

    differ = {
        field.name: getattr(settings, field.name)
        for field in dataclasses.fields(settings)
        if plain(getattr(settings, field.name)) != plain(getattr(defaults, field.name))
    }
    assert differ == {"trial_timeout": 1800.0}  # A script's dict without it waits forever, as before.
    assert search.SearchSettings.of({"epochs": 3}).epochs == 3
    with pytest.raises(ValueError, match=r"^Unknown search setting\(s\) 'epoch'; known: "):
        search.SearchSettings.of({"epoch": 3})
