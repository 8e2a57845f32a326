"""`tuning.choose_loss` and `tuning.metrics` in the user's own `build(hp)`, and `LossHyperModel(build_model=...)`."""

import keras
import keras_tuner
import numpy as np
import pytest

import keras_losses
import tuning
from tuning import loss_choice

CLASSES = 3
LOSSES = ["log_loss", "focal", "gce"]
PARAMETERS = {"log_loss": "label_smoothing", "focal": "gamma", "gce": "q"}


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % CLASSES
    x = (rng.normal(size=(n, 4)) + y[:, None]).astype("float32")
    return x, y


def my_model(units, num_classes=CLASSES, activation=None):
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(units, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation=activation)(hidden))


def test_readme_build_with_random_search(tmp_path):
    """The README's own `build(hp)`: conditional parameters active only with their loss, in every trial."""
    built = []

    def build(hp):
        model = my_model(units=hp.Int("units", 32, 256))
        loss = tuning.choose_loss(hp, LOSSES)
        model.compile(optimizer="adam", loss=loss, metrics=tuning.metrics(CLASSES))
        built.append((dict(hp.values), loss))
        return model

    x, y = _data()
    tuner = keras_tuner.RandomSearch(
        build,
        objective=tuning.tuner_objective("val_balanced_accuracy", num_classes=CLASSES),
        max_trials=5,
        seed=3,
        directory=str(tmp_path),
        project_name="readme",
    )
    tuner.search(x, y, validation_data=(x, y), epochs=1, batch_size=16, verbose=0)
    trials = [t for t in tuner.oracle.trials.values() if t.status == "COMPLETED"]
    assert len(trials) == 5
    chosen = {t.hyperparameters.get("loss") for t in trials}
    assert len(chosen) >= 2  # The seeded oracle tried several losses.
    for trial in trials:
        hp, loss = trial.hyperparameters, trial.hyperparameters.get("loss")
        for other, parameter in PARAMETERS.items():
            assert hp.is_active(f"{other}_{parameter}") == (other == loss)
        assert 32 <= hp.get("units") <= 256
        assert trial.score == pytest.approx(trial.metrics.get_best_value("val_balanced_accuracy"))
        assert {"val_accuracy", "val_macro_f1", "val_nll"} <= set(trial.metrics.metrics)
    # The built losses: the chosen class, configured with the sampled parameter, for logits.
    trial_builds = built[1:]  # The first build only declared the search space.
    for values, loss in trial_builds:
        name = values["loss"]
        assert type(loss) is type(keras_losses.get(name))
        parameter = PARAMETERS[name]
        assert loss.get_config()[parameter] == pytest.approx(values[f"{name}_{parameter}"])
        assert loss.get_config()["from_logits"] is True
    sampled = {v[f"{v['loss']}_{PARAMETERS[v['loss']]}"] for v, _ in trial_builds}
    assert len(sampled) > 1  # Parameters were searched, not left at their defaults.


@pytest.mark.parametrize("objective", ["val_loss", "loss"])
def test_tuner_objective_on_the_loss_value_is_refused(objective):
    with pytest.raises(tuning.ObjectiveError, match="ranks trials by their own loss, whose scale differs"):
        tuning.tuner_objective(objective, num_classes=CLASSES)


def test_new_objectives_are_maximised():
    for name in ("val_balanced_accuracy", "val_macro_f1", "balanced_accuracy"):
        assert tuning.tuner_objective(name, num_classes=CLASSES).direction == "max"
    names = [m.name for m in tuning.metrics(CLASSES)]
    assert names == ["accuracy", "nll", "balanced_accuracy", "macro_f1"]  # No top-3 for 3 classes.


def test_choose_loss_unknown_name_names_close_matches():
    with pytest.raises(ValueError, match="Unknown loss 'focl'. Did you mean: 'focal'"):
        tuning.choose_loss(keras_tuner.HyperParameters(), ["log_loss", "focl"])


def test_choose_loss_options():
    hp = keras_tuner.HyperParameters()
    loss = tuning.choose_loss(hp, "focal", tune_parameters=False, from_logits=False)
    assert type(hp._hps["loss"][0]).__name__ == "Fixed" and type(hp._hps["focal_gamma"][0]).__name__ == "Fixed"
    assert loss.get_config()["gamma"] == 2.0 and loss.get_config()["from_logits"] is False
    hp = keras_tuner.HyperParameters()
    hp.values.update({"loss": "gce", "gce_q": 0.3})
    loss = tuning.choose_loss(hp, LOSSES)
    assert type(loss) is type(keras_losses.get("gce")) and loss.get_config()["q"] == pytest.approx(0.3)
    assert not hp.is_active("focal_gamma")


def test_loss_hypermodel_shares_choose_loss(monkeypatch):
    calls = []
    original = loss_choice.choose_loss
    monkeypatch.setattr(loss_choice, "choose_loss", lambda *a, **k: calls.append(k) or original(*a, **k))
    hypermodel = tuning.LossHyperModel(input_shape=(4,), num_classes=CLASSES, losses=LOSSES, depth=1, width=4)
    hypermodel.build(keras_tuner.HyperParameters())
    assert calls == [
        {
            "tune_parameters": True,
            "from_logits": True,
            "class_counts": None,
            "task": "single_label",
            "ignore_class": None,
        }
    ]


def test_build_model_wraps_a_user_builder_without_building_a_zoo_model(monkeypatch):
    import zoo

    monkeypatch.setattr(zoo, "build", lambda *a, **k: pytest.fail("built a zoo model"))
    hypermodel = tuning.LossHyperModel(
        num_classes=CLASSES,
        losses=LOSSES,
        build_model=lambda hp: my_model(hp.Int("units", 4, 8)),
        objective_metric="macro_f1",
    )
    assert hypermodel.objective.name == "val_macro_f1"
    hp = keras_tuner.HyperParameters()
    hp.values.update({"loss": "focal", "focal_gamma": 1.5, "units": 6})
    model = hypermodel.build(hp)
    assert model.layers[1].units == 6
    assert type(model.loss) is type(keras_losses.get("focal")) and model.loss.get_config()["gamma"] == 1.5
    x, y = _data()
    history = model.fit(x, y, validation_data=(x, y), epochs=1, verbose=0)
    assert {"val_balanced_accuracy", "val_macro_f1", "val_accuracy"} <= set(history.history)


def test_build_model_single_sigmoid_unit_for_two_classes():
    hypermodel = tuning.LossHyperModel(
        num_classes=2, losses=["log_loss"], build_model=lambda hp: my_model(4, 1, "sigmoid"), from_logits=False
    )
    model = hypermodel.build(keras_tuner.HyperParameters())
    assert model.output_shape == (None, 1) and model.loss.get_config()["from_logits"] is False
    x, y = _data()
    y = y % 2
    outputs = model.predict(x, verbose=0)
    (metric,) = [m for m in tuning.metrics(2, from_logits=False) if m.name == "balanced_accuracy"]
    metric.update_state(y, outputs)
    from sklearn.metrics import balanced_accuracy_score

    assert float(metric.result()) == pytest.approx(balanced_accuracy_score(y, (outputs[:, 0] > 0.5).astype(int)))


@pytest.mark.parametrize(
    "builder,message",
    [
        (lambda hp: "model", "must return a keras.Model, got str"),
        (lambda hp: my_model(4, 5), "5 outputs per example for 3 classes"),
        (lambda hp: my_model(4, 1), "1 outputs per example for 3 classes"),
        (lambda hp: _compiled(my_model(4)), "must return an uncompiled keras.Model"),
        (lambda hp: _two_outputs(), "with 2 outputs"),
    ],
)
def test_bad_user_model_is_a_one_line_error(builder, message):
    hypermodel = tuning.LossHyperModel(num_classes=CLASSES, losses=LOSSES, build_model=builder)
    with pytest.raises(ValueError, match=message) as error:
        hypermodel.build(keras_tuner.HyperParameters())
    assert "\n" not in str(error.value)


def test_build_model_with_zoo_model_options_is_refused():
    with pytest.raises(ValueError, match="build_model builds the model: depth, width do not apply"):
        tuning.LossHyperModel(num_classes=CLASSES, build_model=lambda hp: my_model(4), depth=[1, 2], width=8)


def _compiled(model):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def _two_outputs():
    inputs = keras.Input((4,))
    return keras.Model(inputs, [keras.layers.Dense(CLASSES)(inputs), keras.layers.Dense(CLASSES)(inputs)])


def test_choose_loss_offers_a_task_s_losses_and_configures_ignore_class():
    hp = keras_tuner.HyperParameters()
    tagging = keras_losses.names(task="multi_label")
    loss = tuning.choose_loss(hp, task="multi_label")
    assert hp.space[0].name == "loss" and list(hp.space[0].values) == tagging and type(loss).__name__
    with pytest.raises(ValueError, match="^Loss\\(es\\) log_loss do not serve the multi_label task"):
        tuning.choose_loss(keras_tuner.HyperParameters(), ["log_loss", "asymmetric"], task="multi_label")
    masks = np.array([[[0, 1], [255, 2]]])
    logits = np.random.default_rng(0).normal(size=(1, 2, 2, 3)).astype("float32")
    chosen = tuning.choose_loss(keras_tuner.HyperParameters(), "log_loss", task="dense", ignore_class=255)
    kept = masks != 255
    plain = keras_losses.for_logits("log_loss")(masks[kept], logits[kept])
    assert float(chosen(masks, logits)) == pytest.approx(float(plain), rel=1e-6)  # The void pixel counts nowhere.
