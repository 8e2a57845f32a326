"""An integer loss argument in the search: `choose_loss` builds keras-tuner's `hp.Int` with the range the
class declares (taylor_ce's `order` ∈ {2, 4, 6, 8}), conditional on the loss, and the space survives
keras-tuner's own config round trip."""

import json

import keras_tuner
import pytest

import keras_losses
from tuning import LOSS_PARAMETERS, loss_choice


def _space(**kwargs):
    hp = keras_tuner.HyperParameters()
    loss_choice.choose_loss(hp, ["log_loss", "taylor_ce", "focal"], **kwargs)
    return hp, {p.name: p for p in hp.space}


def test_taylor_order_is_an_int_hyperparameter_with_the_declared_range():
    declared = keras_losses.describe("taylor_ce")["tunable"]["order"]
    hp, space = _space()
    order = space["taylor_ce_order"]
    assert isinstance(order, keras_tuner.engine.hyperparameters.Int)
    assert (order.min_value, order.max_value, order.step, order.sampling) == (
        declared["low"],
        declared["high"],
        declared["step"],
        declared["sampling"],
    )
    assert order.default == 2 and list(order.values) == [2, 4, 6, 8]
    assert order.conditions[0].values == ["taylor_ce"]  # active only when taylor_ce is chosen
    assert isinstance(space["focal_gamma"], keras_tuner.engine.hyperparameters.Float)
    assert LOSS_PARAMETERS["taylor_ce"]["order"] == loss_choice.LossParameter(2, 8, "linear", 2, "int", 2)


def test_fixed_when_parameters_are_not_tuned():
    _, space = _space(tune_parameters=False)
    assert isinstance(space["taylor_ce_order"], keras_tuner.engine.hyperparameters.Fixed)
    assert space["taylor_ce_order"].value == 2


@pytest.mark.parametrize("order", [4, 8])
def test_a_trial_builds_taylor_ce_with_its_sampled_integer_order(order):
    hp = keras_tuner.HyperParameters()
    hp.values["loss"] = "taylor_ce"
    hp.values["taylor_ce_order"] = order
    loss = loss_choice.choose_loss(hp, ["log_loss", "taylor_ce"])
    assert loss.canonical_name == "taylor_ce"
    assert loss.get_config()["order"] == order and type(loss.get_config()["order"]) is int


def test_search_space_round_trip():
    hp, _ = _space()
    restored = keras_tuner.HyperParameters.from_config(json.loads(json.dumps(hp.get_config())))
    order = {p.name: p for p in restored.space}["taylor_ce_order"]
    assert type(order).__name__ == "Int"
    assert (order.min_value, order.max_value, order.step, order.default) == (2, 8, 2, 2)
    assert order.conditions[0].values == ["taylor_ce"]
    # A value sampled from the restored space builds the loss (every sample is one of the declared orders).
    restored.values["loss"] = "taylor_ce"
    sampled = order.random_sample(seed=3)
    assert sampled in (2, 4, 6, 8)
    restored.values["taylor_ce_order"] = sampled
    assert loss_choice.choose_loss(restored, ["log_loss", "taylor_ce", "focal"]).get_config()["order"] == sampled
