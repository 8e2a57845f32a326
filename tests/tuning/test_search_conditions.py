"""A search on noisy or imbalanced data: the trials see the condition's data, made as a sweep's run."""

import json

import numpy as np
import pytest

from tests.tuning.test_search import _config, _not_distributed  # noqa: F401  (fixtures; main_in_process: conftest)
from tuning import conditions, search, spec
from zoo.data import datasets


@pytest.fixture
def loaded(monkeypatch):
    """The `Data` each search loads (the spy wraps `zoo.datasets.load`)."""
    seen, real = [], datasets.load

    def spy(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(datasets, "load", spy)
    return seen


def test_noisy_validation_reaches_the_trials_and_the_test_split_stays_clean(tmp_path, loaded):
    clean = datasets.load("digits", batch_size=256, seed=0)
    loaded.clear()
    board = search.run(_config(tmp_path, max_trials=1, label_noise=0.4, noise_type="pair", noisy_validation=True))
    assert board["completed"] == 1
    (data,) = loaded
    np.testing.assert_array_equal(data.x_val, clean.x_val)  # Same split, only the labels differ.
    np.testing.assert_array_equal(data.y_test, clean.y_test)
    val_flipped = np.mean(data.y_val != clean.y_val)
    assert 0.3 < val_flipped < 0.5
    np.testing.assert_array_equal(
        data.y_val[data.y_val != clean.y_val], (clean.y_val[data.y_val != clean.y_val] + 1) % 10
    )
    # The same condition as a sweep's run: `zoo.datasets.load` with the sweep's options.
    sweep_run = datasets.load(
        "digits", batch_size=256, seed=0, label_noise=0.4, noise_type="pair", noisy_validation=True
    )
    np.testing.assert_array_equal(data.y_train, sweep_run.y_train)
    np.testing.assert_array_equal(data.y_val, sweep_run.y_val)
    stored = json.loads((tmp_path / spec.SPEC_FILE).read_text())
    assert stored["label_noise"] == 0.4 and stored["noise_type"] == "pair" and stored["noisy_validation"] is True
    assert (
        "Data: training labels with 0.4 pair label noise; the trials were ranked on **noisy** validation labels"
        in (tmp_path / "leaderboard.md").read_text()
    )


def test_a_clean_search_keeps_its_spec_and_another_condition_is_refused(tmp_path):
    assert conditions.spec_fields(_config(tmp_path)) == {}  # Earlier searches' specs stay valid.
    search.run(_config(tmp_path, max_trials=1))
    with pytest.raises(spec.SearchSpecError, match="label_noise: stored None, now 0.2"):
        search.run(_config(tmp_path, max_trials=1, label_noise=0.2))


def test_imbalanced_search_hands_its_training_counts_to_the_chosen_loss(tmp_path, loaded):
    import keras

    import keras_losses  # noqa: F401  (registers the losses for loading)

    config = _config(tmp_path, losses=["logit_adjusted"], max_trials=1, imbalance=10.0, retrain=True, retrain_epochs=1)
    search.run(config)
    (data,) = loaded
    counts = np.bincount(data.y_train, minlength=10)
    assert counts.max() / counts.min() == pytest.approx(10, rel=0.15)  # Long-tailed, validation carved from it.
    assert (
        "training data imbalanced at ratio 10 (exponential); the trials were ranked on clean"
        in (tmp_path / "leaderboard.md").read_text()
    )
    model = keras.saving.load_model(tmp_path / "best.keras")
    np.testing.assert_array_equal(model.loss.get_config()["class_counts"], counts)


def test_a_matrix_search_keys_its_spec_by_the_matrix(tmp_path):
    matrix = np.full((10, 10), 0.02) + np.eye(10) * 0.8
    path = tmp_path / "t.npy"
    np.save(path, matrix)
    fields = conditions.spec_fields(_config(tmp_path, noise_matrix=str(path)))
    assert fields["noise_matrix"].startswith("matrix:")
    options = conditions.load_options(_config(tmp_path, noise_matrix=str(path)))
    assert options["label_noise"] == pytest.approx(0.18) and options["noise_type"] == fields["noise_matrix"]
    np.save(path, np.eye(10))
    assert conditions.spec_fields(_config(tmp_path, noise_matrix=str(path)))["noise_matrix"] != fields["noise_matrix"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--label_noise", "0.2,0.4"], "--label_noise takes one value in a search"),
        (["--label_noise", "1.2"], "--label_noise: 1.2 is out of range (must be [0.0, 1.0))"),
        (["--imbalance", "0.5"], "--imbalance: 0.5 is out of range (must be >= 1.0)"),
        (["--label_noise", "0.2", "--noise_matrix", "t.npy"], "--noise_matrix and --label_noise each give"),
        (["--dataset", "blobs", "--label_noise", "0.2", "--noise_type", "asymmetric"], "--noise_matrix=PATH"),
        (["--human_labels", "aggre"], "--human_labels needs --dataset=cifar10_n or cifar100_n"),
    ],
)
def test_bad_conditions_are_one_line_errors(tmp_path, main_in_process, args, message):  # noqa: F811
    code, stderr = main_in_process("--losses", "log_loss", *args, "--out", str(tmp_path / "out"))
    assert code == 2
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr, stderr
    assert not (tmp_path / "out" / "tuner").exists()


@pytest.mark.parametrize(
    "condition,expected",
    [
        ({"noisy_validation": True}, "Data: clean, balanced training data; the trials were ranked on clean"),
        (
            {"human_labels": "worst", "noisy_validation": True},
            "Data: human training labels (worst); the trials were ranked on **noisy** validation labels",
        ),
        ({"noise_matrix": "matrix:abc"}, "transition matrix matrix:abc; the trials were ranked on clean"),
    ],
)
def test_leaderboard_states_the_data_condition(condition, expected):
    from tuning import leaderboard

    assert expected in "\n".join(leaderboard._condition_lines(condition))
    assert leaderboard._condition_lines({}) == []
