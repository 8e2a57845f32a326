"""`tuning.search` for multi-label taggers and dense (segmentation) models: the task's data, losses, models,
metrics (equal to scikit-learn and to `zoo.engines.task_metrics`), objective, retraining, export and refusals."""

import copy
import json
import os

import keras
import numpy as np
import pytest
from sklearn import metrics as sk

from tuning import LossHyperModel, ObjectiveError, distributed, search, spec
from tuning import objective as objective_module
from tuning.runner import SearchSettings, _task_dataset
from zoo.engines import task_metrics

VOID = 255


@pytest.fixture(autouse=True)
def _not_distributed():
    variables = (distributed.TUNER_ID, distributed.ORACLE_IP, distributed.ORACLE_PORT)
    saved = {v: os.environ.pop(v) for v in variables if v in os.environ}
    yield
    os.environ.update(saved)


def _multi_label_npz(path) -> str:
    """120 examples of 8 features; 4 labels, each a noisy linear rule of the features (learnable, none empty)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 8)).astype(np.float32)
    y = (x[:, :4] + 0.5 * rng.normal(size=(120, 4)) > 0.3).astype(np.int32)
    np.savez(path, x=x, y=y)
    return str(path)


def _masks_npz(path) -> str:
    """60 8x8 one-channel images; mask = 0 (dark), 1 (mid), 2 (bright), the first column void (255)."""
    rng = np.random.default_rng(1)
    x = rng.random((60, 8, 8)).astype(np.float32)
    y = np.digitize(x, [0.35, 0.7]).astype(np.int32)
    y[:, :, 0] = VOID
    np.savez(path, x=x[..., None], y=y)
    return str(path)


def _settings(out, **overrides) -> dict:
    settings = dict(
        max_trials=3, epochs=2, depths=[1], widths=[8], learning_rates=[0.01], batch_size=32, out=str(out),
        retrain_epochs=2, patience=1, progress=False, trial_timeout=0,
    )  # fmt: skip
    settings.update(overrides)
    return settings


@pytest.fixture(scope="module")
def multi_label_search(tmp_path_factory):
    """A 3-trial multi-label search on an npz named without a task (inferred), and what it printed."""
    import contextlib
    import io

    root = tmp_path_factory.mktemp("multi_label")
    path = _multi_label_npz(root / "tags.npz")
    settings = _settings(root / "out", dataset=f"npz:{path}", losses=["logistic", "asymmetric", "sigmoid_focal"])
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        board = search.run(settings)
    return board, settings, stderr.getvalue()


@pytest.fixture(scope="module")
def dense_search(tmp_path_factory):
    """A 2-trial dense search (task and void label given) on masks with a void column."""
    root = tmp_path_factory.mktemp("dense")
    path = _masks_npz(root / "masks.npz")
    settings = _settings(
        root / "out", dataset=f"npz:{path}", task="dense", ignore_class=VOID, losses=["log_loss", "tanimoto"],
        max_trials=2, widths=[4],
    )  # fmt: skip
    return search.run(settings), settings


def _reload_data(settings):
    import zoo

    return zoo.datasets.load(
        settings["dataset"], task=settings.get("task"), ignore_class=settings.get("ignore_class"),
        batch_size=settings["batch_size"], seed=0,
    )  # fmt: skip


def _check_ranked(board, objective, direction):
    assert board["objective"] == objective and board["direction"] == direction
    completed = [t for t in board["trials"] if t["status"] == "COMPLETED"]
    assert len(completed) == len(board["trials"]) >= 2
    for trial in completed:  # Every trial tracked the task's metrics; its score is the objective's value.
        assert {f"val_{name}" for name in task_metrics.METRICS[board["task"]]} <= set(trial["metrics"])
        assert trial["score"] == pytest.approx(trial["metrics"][objective])
    scores = [r["score"] for r in board["best_per_loss"]]
    assert scores == sorted(scores, reverse=direction == "max")


# ---------------------------------------------------------------- searches


def test_a_multi_label_search_infers_the_task_and_ranks_on_mean_average_precision(multi_label_search):
    board, settings, stderr = multi_label_search
    assert "Task inferred: multi_label (labels of shape (120, 4): multi-hot rows, 4 labels" in stderr
    assert board["task"] == "multi_label"
    _check_ranked(board, "val_mean_average_precision", "max")
    assert {r["loss"] for r in board["trials"]} <= {"logistic", "asymmetric", "sigmoid_focal"}
    assert {r["hyperparameters"]["model"] for r in board["trials"]} == {"mlp"}
    with open(os.path.join(settings["out"], spec.SPEC_FILE)) as f:
        stored = json.load(f)
    assert stored["task"] == "multi_label" and stored["objective"] == "val_mean_average_precision"
    text = open(os.path.join(settings["out"], "leaderboard.md")).read()
    assert "Task: multi_label. Best trial per loss, ranked by `val_mean_average_precision` (maximize)" in text


def test_the_retrained_tagger_is_saved_exported_and_its_test_metrics_are_its_predictions(multi_label_search):
    import tensorflow as tf

    board, settings, _ = multi_label_search
    best = board["best_model"]
    assert set(best["test"]) == set(task_metrics.METRICS["multi_label"])
    model = keras.saving.load_model(os.path.join(settings["out"], "best.keras"))
    data = _reload_data(settings)
    logits = model.predict(data.x_test, verbose=0)
    expected = task_metrics.multi_label_metrics(data.y_test, logits)
    assert best["test"] == pytest.approx({name: expected[name] for name in best["test"]})
    served = tf.saved_model.load(os.path.join(settings["out"], "best_savedmodel")).signatures["serving_default"]
    outputs = served(inputs=tf.constant(data.x_test[:5]))
    np.testing.assert_allclose(outputs["probabilities"].numpy(), 1 / (1 + np.exp(-logits[:5])), atol=1e-5)


def test_a_dense_search_ranks_unets_on_mean_iou_over_non_void_positions(dense_search):
    board, settings = dense_search
    assert board["task"] == "dense" and board["ignore_class"] == VOID
    _check_ranked(board, "val_mean_iou", "max")
    assert {r["hyperparameters"]["model"] for r in board["trials"]} == {"unet"}
    with open(os.path.join(settings["out"], spec.SPEC_FILE)) as f:
        stored = json.load(f)
    assert (stored["task"], stored["ignore_class"], stored["models"]) == ("dense", VOID, ["unet"])
    text = open(os.path.join(settings["out"], "leaderboard.md")).read()
    assert "Task: dense, ignore_class=255. Best trial per loss, ranked by `val_mean_iou`" in text
    model = keras.saving.load_model(os.path.join(settings["out"], "best.keras"))
    data = _reload_data(settings)
    scores = model.predict(data.x_test, verbose=0)
    assert scores.shape == (*data.y_test.shape, 3)
    expected = task_metrics.dense_metrics(data.y_test, scores, 3, ignore_class=VOID)
    test = board["best_model"]["test"]
    assert set(test) == set(task_metrics.METRICS["dense"])
    assert test == pytest.approx({name: expected[name] for name in test})
    assert os.path.isdir(os.path.join(settings["out"], "best_savedmodel"))


def test_a_resumed_search_with_another_task_is_refused(dense_search):
    _, settings = dense_search
    with open(os.path.join(settings["out"], spec.SPEC_FILE)) as f:
        stored = json.load(f)
    spec.check_spec(settings["out"], stored)  # The same search: accepted.
    single_label = {k: v for k, v in stored.items() if k not in ("task", "ignore_class")}
    with pytest.raises(
        spec.SearchSpecError, match=r"ignore_class: stored 255, now None; .*task: stored 'dense', now None"
    ):
        spec.check_spec(settings["out"], single_label)
    with pytest.raises(spec.SearchSpecError, match=r"task: stored 'dense', now 'multi_label'"):
        spec.check_spec(settings["out"], {**stored, "task": "multi_label"})


# ---------------------------------------------------------------- metrics against their references


def _linear_model(inputs: int, outputs: int, seed: int) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(outputs)])


def test_multi_label_metrics_equal_scikit_learn_on_arrays_and_batches():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 5)).astype(np.float32)
    y = (rng.random((200, 4)) < 0.3).astype(np.int32)
    model = _linear_model(5, 4, seed=3)
    logits = model.predict(x, verbose=0)
    predicted = (logits >= 0).astype(int)  # sigmoid(z) >= 0.5
    reference = {
        "mean_average_precision": sk.average_precision_score(y, logits, average="macro"),
        "macro_f1": sk.f1_score(y, predicted, average="macro"),
        "micro_f1": sk.f1_score(y, predicted, average="micro"),
        "subset_accuracy": sk.accuracy_score(y, predicted),
        "hamming_loss": sk.hamming_loss(y, predicted),
    }
    import tensorflow as tf

    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)
    for data in ((x, y), batches):
        scores = objective_module.task_scores("multi_label", model, data)
        assert scores == pytest.approx(reference, abs=5e-5)  # task_metrics stores 4 digits.
    (callback,) = objective_module.callbacks("multi_label", batches)
    copied = copy.deepcopy(callback)  # As keras-tuner copies a search's callbacks per trial.
    assert copied is not callback and copied.validation_data is batches
    copied.set_model(model)
    logs = {}
    copied.on_epoch_end(0, logs)
    assert logs == {
        f"val_{name}": value for name, value in objective_module.task_scores("multi_label", model, batches).items()
    }


def test_dense_metrics_equal_scikit_learn_and_task_metrics_with_the_void_label_ignored():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(6, 4, 4, 2)).astype(np.float32)
    y = rng.integers(0, 3, size=(6, 4, 4))
    y[:, 0, :] = VOID
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.Conv2D(3, 1)])
    scores = objective_module.task_scores("dense", model, (x, y), ignore_class=VOID)
    outputs = model.predict(x, verbose=0)
    kept = y != VOID
    truth, predicted = y[kept], outputs.argmax(-1)[kept]
    assert scores["mean_iou"] == pytest.approx(sk.jaccard_score(truth, predicted, average="macro"), abs=5e-5)
    assert scores["pixel_accuracy"] == pytest.approx(sk.accuracy_score(truth, predicted), abs=5e-5)
    expected = task_metrics.dense_metrics(y, outputs, ignore_class=VOID)
    assert scores == {name: expected[name] for name in scores}  # The comparison's numbers, exactly.


def test_the_epoch_logs_hold_the_task_metrics_of_the_whole_validation_split():
    """`LossHyperModel.fit` puts `TaskMetrics` first: History (and keras-tuner) see val_mean_iou of that epoch."""
    import keras_tuner

    rng = np.random.default_rng(6)
    x = rng.random((24, 8, 8, 1)).astype(np.float32)
    y = np.digitize(x[..., 0], [0.5]).astype(np.int32)
    y[:, :, 0] = VOID
    hypermodel = LossHyperModel(
        input_shape=(8, 8, 1), num_classes=2, task="dense", ignore_class=VOID, losses=["log_loss"], depth=1, width=4
    )
    assert hypermodel.models == ("unet",) and hypermodel.objective.name == "val_mean_iou"
    hp = keras_tuner.HyperParameters()
    model = hypermodel.build(hp)
    history = hypermodel.fit(hp, model, x[:16], y[:16], validation_data=(x[16:], y[16:]), epochs=1, verbose=0)
    after = objective_module.task_scores("dense", model, (x[16:], y[16:]), ignore_class=VOID)
    assert history.history["val_mean_iou"] == [after["mean_iou"]]
    assert history.history["val_pixel_accuracy"] == [after["pixel_accuracy"]]


# ---------------------------------------------------------------- objectives, losses, models, flags


def test_each_task_tracks_its_metrics_with_their_directions():
    assert objective_module.default_objective("multi_label") == "val_mean_average_precision"
    assert objective_module.default_objective("dense") == "val_mean_iou"
    assert objective_module.resolve("val_hamming_loss", 5, "multi_label").direction == "min"  # A metric, not a loss.
    assert objective_module.resolve("val_macro_f1", 5, "multi_label").direction == "max"
    assert objective_module.tracked(3, "dense") == ["val_mean_iou", "val_pixel_accuracy", "val_mean_dice"]
    assert objective_module.metrics(3, task="dense") == []  # Tracked by TaskMetrics, not compiled.


@pytest.mark.parametrize(
    "objective,task,message",
    [
        ("val_accuracy", "multi_label", "Objective 'val_accuracy' is not a metric tracked in every trial of a "
         "multi_label search. Did you mean: 'val_subset_accuracy'? Tracked: val_mean_average_precision, "),
        ("val_mean_iu", "dense", "Did you mean: 'val_mean_iou'"),
        ("val_loss", "dense", "Objective 'val_loss' ranks trials by their own loss"),
        ("mean_iou", "dense", "Did you mean: 'val_mean_iou'"),
    ],
)  # fmt: skip
def test_an_objective_not_tracked_for_the_task_is_a_one_line_error(objective, task, message):
    with pytest.raises(ObjectiveError) as error:
        objective_module.resolve(objective, 4, task)
    assert message in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--task=multi_label", "--losses=log_loss,logistic"], "Loss(es) log_loss do not serve the multi_label task"),
        (["--task=multi_label", "--objective=val_accuracy"], "not a metric tracked in every trial of a multi_label"),
        (["--task=dense", "--models=mlp"], "Model 'mlp' outputs (None, 4), one score per class per example"),
        (["--ignore_class=255"], "ignore_class applies to dense labels (masks) only"),
        (
            ["--task=multi_label", "--label_noise=0.2", "--noise_type=pair"],
            "Label noise 'pair' is not meaningful for multi_label labels; use one of symmetric, missing.",
        ),
    ],
)
def test_the_command_refuses_what_does_not_fit_the_task_in_one_line(tmp_path, main_in_process, args, message):
    code, stderr = main_in_process(*args, "--out", str(tmp_path / "out"), "--max_trials=1", "--epochs=1")
    assert code == 2
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr, stderr
    assert not (tmp_path / "out" / "tuner").exists()


@pytest.mark.parametrize("task,dataset", [("multi_label", "multi_label_digits"), ("dense", "shapes")])
def test_task_flag_with_the_default_dataset_searches_the_tasks_embedded_set(task, dataset):
    search.FLAGS.unparse_flags()
    search.FLAGS(["tuning.search", f"--task={task}"])
    try:
        settings = search.settings_from_flags()
    finally:
        search.FLAGS.unparse_flags()
    assert (settings.task, settings.objective) == (task, None)  # None: the task's headline, once the data are read.
    assert _task_dataset(settings).dataset == dataset
    assert _task_dataset(SearchSettings(task=task, dataset="npz:mine.npz")).dataset == "npz:mine.npz"


def test_a_hypermodel_refuses_void_labels_outside_dense_and_a_family_without_per_position_outputs():
    with pytest.raises(ValueError, match="^ignore_class applies to dense tasks only, not to task 'multi_label'"):
        LossHyperModel(input_shape=(8,), num_classes=3, task="multi_label", ignore_class=VOID)
    with pytest.raises(ValueError, match="Model 'cnn' outputs .* a dense task needs one per position"):
        LossHyperModel(input_shape=(8, 8, 1), num_classes=3, task="dense", models="cnn", losses=["log_loss"], depth=1)
    with pytest.raises(ValueError, match="do not serve the multi_label task"):
        LossHyperModel(input_shape=(8,), num_classes=3, task="multi_label", losses=["focal"])


def test_a_task_search_takes_the_tasks_label_noise():
    from tuning import conditions

    options = conditions.load_options({"dataset": "multi_label_digits", "label_noise": 0.2, "noise_type": "missing"})
    assert (options["label_noise"], options["noise_type"]) == (0.2, "missing")
    options = conditions.load_options(
        {"dataset": "npz:x.npz", "task": "dense", "label_noise": 0.1, "noise_type": "pair"}
    )
    assert options["noise_type"] == "pair"
