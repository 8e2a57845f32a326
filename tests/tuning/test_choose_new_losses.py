"""Issue 26's losses in `tuning.choose_loss`: each parameter a conditional hyperparameter with the range its
class declares, the loss corrections given the transition matrix they need."""

import keras_tuner
import pytest

import keras_losses
from tuning import loss_choice

NEW = [
    "nfl", "ngce", "nmae", "nce_mae", "nfl_rce", "nfl_mae", "ngce_rce", "ngce_mae", "anl_ce", "anl_fl",
    "agce", "aul", "ael", "js", "bi_tempered", "bootstrap_soft", "bootstrap_hard", "taylor_ce",
]  # fmt: skip
NEED_COUNTS = ["vs", "seesaw"]
NEED_MATRIX = ["forward_corrected", "backward_corrected"]
COUNTS = [50, 20, 5]
MATRIX = [[0.8, 0.2, 0.0], [0.0, 0.9, 0.1], [0.1, 0.0, 0.9]]


def test_every_declared_range_is_a_conditional_hyperparameter_of_its_loss():
    hp = keras_tuner.HyperParameters()
    loss_choice.choose_loss(hp, NEW + NEED_COUNTS + NEED_MATRIX, class_counts=COUNTS, transition_matrix=MATRIX)
    space = {p.name: p for p in hp.space}
    for name in NEW + NEED_COUNTS + NEED_MATRIX:
        info = keras_losses.describe(name)
        for argument, declared in info["tunable"].items():
            parameter = space[f"{name}_{argument}"]
            assert (parameter.min_value, parameter.max_value) == (declared["low"], declared["high"]), name
            assert parameter.sampling == declared["sampling"] and parameter.default == info["defaults"][argument]
            assert parameter.conditions[0].values == [name]  # active only when this loss is chosen
    assert "bi_tempered_t1" in space and "js_pi" in space and "vs_tau" in space and "seesaw_q" in space


@pytest.mark.parametrize("name", NEW + NEED_COUNTS + NEED_MATRIX)
def test_a_trial_that_picks_the_loss_builds_it_with_its_sampled_parameters(name):
    hp = keras_tuner.HyperParameters()
    hp.values["loss"] = name
    for argument, declared in keras_losses.describe(name)["tunable"].items():
        hp.values[f"{name}_{argument}"] = declared["high"]
    loss = loss_choice.choose_loss(hp, NEW + NEED_COUNTS + NEED_MATRIX, class_counts=COUNTS, transition_matrix=MATRIX)
    config = loss.get_config()
    assert loss.canonical_name == name
    for argument, declared in keras_losses.describe(name)["tunable"].items():
        assert config[argument] == pytest.approx(declared["high"]), argument
    if name in NEED_MATRIX:
        assert config["transition_matrix"] == MATRIX
    if name in NEED_COUNTS:
        assert config["class_counts"] == [float(n) for n in COUNTS]


def test_loss_corrections_need_the_transition_matrix():
    assert not set(NEED_MATRIX) & set(loss_choice.validate_losses(None, with_counts=True))
    assert set(NEED_MATRIX) <= set(loss_choice.validate_losses(None, with_transition_matrix=True))
    everything = loss_choice.validate_losses(["all"], with_counts=True)  # `python -m tuning.search`'s default
    assert set(everything) == set(keras_losses.all_names()) - set(NEED_MATRIX)
    with pytest.raises(ValueError, match="forward_corrected need the label noise's transition matrix"):
        loss_choice.choose_loss(keras_tuner.HyperParameters(), ["log_loss", "forward_corrected"])
