"""LossHyperModel's search space and the fixed-metric objective."""

import keras
import keras_tuner
import pytest

import keras_losses
from tuning import LOSS_PARAMETERS, LossHyperModel, ObjectiveError, validate_losses
from tuning import objective as objective_module

SHAPE, CLASSES = (8, 8, 1), 10


def _hypermodel(**kwargs):
    kwargs.setdefault("losses", ["log_loss", "focal", "sce", "ovr_hinge"])
    kwargs.setdefault("depth", 1)
    kwargs.setdefault("width", 8)
    return LossHyperModel(input_shape=SHAPE, num_classes=CLASSES, **kwargs)


@pytest.mark.parametrize("objective", ["val_loss", "loss"])
def test_own_loss_value_is_refused_as_objective(objective):
    with pytest.raises(ObjectiveError, match="own loss"):
        objective_module.resolve(objective, CLASSES)
    with pytest.raises(ObjectiveError, match="own loss"):
        _hypermodel(objective_metric=objective)


def test_untracked_objective_names_close_matches():
    with pytest.raises(ObjectiveError, match="Did you mean: 'val_accuracy'"):
        objective_module.resolve("val_acc", CLASSES)


def test_fixed_metrics_and_directions():
    assert objective_module.resolve("val_accuracy", CLASSES).direction == "max"
    assert objective_module.resolve("val_nll", CLASSES).direction == "min"
    assert "val_top3_accuracy" in objective_module.tracked(10)
    assert "val_top3_accuracy" not in objective_module.tracked(2)  # Top-3 of 2 classes is always 1.
    assert _hypermodel(objective_metric="top3_accuracy").objective.name == "val_top3_accuracy"


def test_unknown_loss_names_close_matches():
    with pytest.raises(ValueError, match="Did you mean: 'focal'"):
        validate_losses(["log_loss", "focl"])
    needing_configuration = {"logit_adjusted", "balanced_softmax", "ldam", "vs", "seesaw"}
    needing_configuration |= {"forward_corrected", "backward_corrected"}  # the transition matrix
    assert validate_losses(None) == tuple(n for n in keras_losses.all_names() if n not in needing_configuration)


def test_bad_depth_fails_at_construction():
    with pytest.raises(ValueError, match="resnet.*depth"):
        LossHyperModel(input_shape=SHAPE, num_classes=CLASSES, losses=["l1"], models="resnet", depth=3)


def test_loss_parameters_are_conditional_on_the_loss():
    hypermodel = _hypermodel()
    hp = keras_tuner.HyperParameters()
    hp.values["loss"] = "focal"
    hypermodel.build(hp)
    names = {p.name for p in hp.space}
    assert {"focal_gamma", "sce_alpha", "sce_beta", "log_loss_label_smoothing"} <= names
    assert hp.is_active("focal_gamma")
    assert not hp.is_active("sce_alpha") and not hp.is_active("log_loss_label_smoothing")
    for name in ("focal_gamma", "sce_alpha"):
        (parameter,) = [p for p in hp.space if p.name == name]
        assert parameter.conditions[0].name == "loss"


@pytest.mark.parametrize(
    "loss,parameter,value", [("focal", "gamma", 0.5), ("sce", "alpha", 0.3), ("log_loss", "label_smoothing", 0.2)]
)
def test_chosen_loss_is_compiled_with_its_parameters_for_logits(loss, parameter, value):
    hp = keras_tuner.HyperParameters()
    hp.values.update({"loss": loss, f"{loss}_{parameter}": value})
    model = _hypermodel().build(hp)
    config = model.loss.get_config()
    assert model.loss.__class__ is keras_losses.get(loss).__class__
    assert config[parameter] == pytest.approx(value)
    assert config["from_logits"] is True


def test_every_trial_tracks_the_fixed_metrics_whatever_the_loss():
    import numpy as np

    x = np.random.default_rng(0).normal(size=(16, *SHAPE)).astype("float32")
    y = np.arange(16) % CLASSES
    for loss in ("ovr_hinge", "tanimoto", "categorical_hinge"):
        hp = keras_tuner.HyperParameters()
        hp.values["loss"] = loss
        hypermodel = _hypermodel(losses=["log_loss", "ovr_hinge", "tanimoto", "categorical_hinge"])
        history = hypermodel.build(hp).fit(x, y, validation_data=(x, y), epochs=1, verbose=0)
        assert {"val_accuracy", "val_top3_accuracy", "val_nll"} <= set(history.history)
        keras.backend.clear_session()


def test_model_hyperparameters_fixed_or_searched():
    hypermodel = _hypermodel(models=["mlp", "cnn"], depth=[1, 2], dropout=[0.0, 0.5], learning_rate=[1e-3, 1e-2])
    hp = keras_tuner.HyperParameters()
    hp.values.update({"model": "cnn", "depth": 2})
    model = hypermodel.build(hp)
    assert model.name == "cnn_d2"
    kinds = {p.name: type(p).__name__ for p in hp.space}
    assert kinds["model"] == kinds["depth"] == kinds["learning_rate"] == "Choice"
    assert kinds["width"] == "Fixed"


def test_every_searchable_loss_parameter_builds_at_its_bounds():
    for loss, parameters in LOSS_PARAMETERS.items():
        for bound in (0, 1):
            hp = keras_tuner.HyperParameters()
            hp.values["loss"] = loss
            hp.values.update({f"{loss}_{name}": spec[bound] for name, spec in parameters.items()})
            # The prior-aware losses (logit_adjusted's tau, ldam's max_margin) are searched given the counts.
            model = _hypermodel(losses=list(LOSS_PARAMETERS), class_counts=[100 - 9 * k for k in range(CLASSES)]).build(
                hp
            )
            for name, spec in parameters.items():
                assert model.loss.get_config()[name] == pytest.approx(spec[bound])
    keras.backend.clear_session()


def test_loss_parameters_are_read_from_the_loss_classes():
    assert LOSS_PARAMETERS["focal"] == {"gamma": (0.0, 5.0, "linear", 2.0, "float", None)}
    assert LOSS_PARAMETERS["sce"] == {
        "alpha": (0.01, 1.0, "log", 0.1, "float", None),
        "beta": (0.1, 2.0, "log", 1.0, "float", None),
    }
    assert LOSS_PARAMETERS["logistic_inr"] == {"beta": (0.0, 5.0, "linear", 1.0, "float", None)}
    assert LOSS_PARAMETERS["taylor_ce"] == {"order": (2, 8, "linear", 2, "int", 2)}
    assert "l1" not in LOSS_PARAMETERS
