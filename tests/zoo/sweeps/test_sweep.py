"""The sweep's definition: the grid, run keys, loss names and group words."""

import pytest

import keras_losses
from zoo.sweeps import sweep


def _config(**overrides):
    values = dict(dataset="blobs", losses=("log_loss", "l2"), depths=(1,), seeds=(0,), label_noise=(0.0,), epochs=2)
    return sweep.SweepConfig(**{**values, **overrides})


def test_width_enters_run_keys_only_when_set():
    plain, narrow = _config(), _config(width=8)
    key = sweep.run_key(sweep.grid(plain)[0], "l2")
    assert "width" not in key  # Keys written before widths existed stay valid.
    assert sweep.run_key(sweep.grid(narrow)[0], "l2") == key.replace("/depth=1/", "/depth=1/width=8/")


def test_a_record_has_the_run_key_of_its_setting():
    setting = sweep.grid(_config(width=8))[0]
    assert sweep.run_key(setting.fields(), "l2") == sweep.run_key(setting, "l2")


def test_group_words_expand_in_order_without_repeats():
    losses = sweep.resolve_losses(["l2", "canonical", "categorical_crossentropy"])
    assert losses[0] == "l2" and losses[-1] == "categorical_crossentropy"
    assert len(losses) == len(set(losses)) == len(keras_losses.names()) + 1
    with pytest.raises(ValueError, match="'cauchy_schwarz'"):
        sweep.resolve_losses(["cauchy_shwarz"])
