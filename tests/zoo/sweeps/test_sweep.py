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


def test_head_enters_run_keys_only_when_cosine():
    linear, cosine = sweep.grid(_config()), sweep.grid(_config(head="cosine"))
    key = "dataset=blobs/model=mlp/depth=1/label_noise=0/noise_type=symmetric/input_noise=0/seed=0/epochs=2/"
    key += "batch_size=64/optimizer=adam/learning_rate=0.001/loss=l2"
    assert linear[0].head is None and sweep.run_key(linear[0], "l2") == key  # Keys from before heads stay valid.
    assert sweep.run_key(linear[0].fields(), "l2") == key
    assert cosine[0].head == "cosine"
    assert sweep.run_key(cosine[0], "l2") == key.replace("/depth=1/", "/depth=1/head=cosine/")
    assert sweep.run_key(cosine[0].fields(), "l2") == sweep.run_key(cosine[0], "l2")
    assert list(sweep.SETTING_FIELDS).index("head") == list(sweep.SETTING_FIELDS).index("width") + 1


def test_a_record_has_the_run_key_of_its_setting():
    setting = sweep.grid(_config(width=8))[0]
    assert sweep.run_key(setting.fields(), "l2") == sweep.run_key(setting, "l2")


def test_group_words_expand_in_order_without_repeats():
    losses = sweep.resolve_losses(["l2", "canonical", "categorical_crossentropy"])
    assert losses[0] == "l2" and losses[-1] == "categorical_crossentropy"
    assert len(losses) == len(set(losses)) == len(keras_losses.names()) + 1
    with pytest.raises(ValueError, match="'cauchy_schwarz'"):
        sweep.resolve_losses(["cauchy_shwarz"])


def _published_records():
    """Every record of the results files published under results/ (written before the new noise kinds)."""
    import glob
    import json
    import os

    from tests.paths import REPO

    for path in sorted(glob.glob(os.path.join(REPO, "results", "*", "results*.jsonl"))):
        with open(path) as handle:
            yield from (json.loads(line) for line in handle if line.strip())


def test_earlier_results_files_keep_their_run_keys():
    records = list(_published_records())
    assert len(records) > 400 and {r["noise_type"] for r in records} >= {"symmetric"}
    assert any(r["label_noise"] for r in records)  # Noisy runs among them, not only clean ones.
    for record in records:
        assert sweep.run_key(record, record["loss"]) == record["key"]
        setting = sweep.Setting(**{f: record.get(f) for f in sweep.SETTING_FIELDS if f in record})
        assert sweep.run_key(setting, record["loss"]) == record["key"]


def test_noisy_validation_enters_run_keys_only_when_set():
    plain, noisy = (
        sweep.grid(_config(label_noise=(0.0, 0.4))),
        sweep.grid(_config(label_noise=(0.0, 0.4), noisy_validation=True)),
    )
    assert [s.noisy_validation for s in noisy] == [True, True]
    for a, b in zip(plain, noisy):
        key = sweep.run_key(a, "l2")
        assert "noisy_validation" not in key
        assert sweep.run_key(b, "l2") == key.replace("/input_noise=0/", "/input_noise=0/noisy_validation=True/")
        assert sweep.run_key(b.fields(), "l2") == sweep.run_key(b, "l2")


def test_asymmetric_and_human_conditions():
    config = _config(
        dataset="cifar10_n", label_noise=(0.0, 0.2), noise_type="asymmetric", human_labels=("aggre", "worst")
    )
    assert sweep.label_conditions(config) == [
        (0.0, "symmetric"), (0.2, "asymmetric"), (0.0903, "human:aggre"), (0.4021, "human:worst")
    ]  # fmt: skip
    keys = [sweep.run_key(s, "l2") for s in sweep.grid(config)]
    assert "/label_noise=0.4021/noise_type=human:worst/" in keys[-1] and len(set(keys)) == 4
    with pytest.raises(ValueError, match="--human_labels needs --dataset=cifar10_n or cifar100_n, got 'blobs'"):
        sweep.grid(_config(human_labels=("aggre",)))


def test_matrix_conditions_are_the_clean_run_and_the_matrix(tmp_path):
    import numpy as np

    from zoo.data import noise

    matrix = np.array([[0.7, 0.3, 0.0], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0]])
    np.save(tmp_path / "t.npy", matrix)
    config = _config(noise_matrix=str(tmp_path / "t.npy"), input_noise=(0.0, 0.5), cross_noise=False)
    rate, kind = noise.matrix_condition(matrix)
    assert rate == pytest.approx(0.5 / 3, abs=1e-6)
    assert sweep.conditions(config) == [(0.0, "symmetric", 0.0), (rate, kind, 0.0), (0.0, "symmetric", 0.5)]
    assert sweep.noise_conditions(config) == [(0.0, 0.0), (rate, 0.0), (0.0, 0.5)]
    matrix_setting = sweep.grid(config)[1]
    assert np.array_equal(sweep.noise_options(config, matrix_setting)["noise_matrix"], matrix)
    assert sweep.noise_options(config, sweep.grid(config)[0])["noise_matrix"] is None
