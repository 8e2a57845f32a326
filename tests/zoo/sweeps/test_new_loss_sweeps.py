"""The issue-26 losses in sweeps: groups, every new loss on the vectorized engine, the loss corrections' transition
matrix (true and estimated, recorded), deferred re-weighting (`drw:E`) and the prior bias (`bias_init=prior`)."""

import numpy as np
import pytest

import keras_losses
from zoo.common import results
from zoo.data import noise
from zoo.engines import training, vectorized
from zoo.sweeps import condition, experiment, loss_config, plan, sweep

# Issue 26's losses (and 0.3's prior-aware ones): the canonical losses beyond the demo's, less the tagging losses
# of keras_losses.multi_label (issue 25, the multi-label comparisons' own).
TAGGING = keras_losses.names(task="multi_label")
NEW = [name for name in keras_losses.names() if name not in sweep.DEMO_LOSSES and name not in TAGGING]


def _records(out, **overrides):
    values = dict(dataset="blobs:4", depths=(1,), seeds=(0, 1), label_noise=(0.3,), epochs=2, batch_size=32)
    config = sweep.SweepConfig(**{**values, **overrides, "engine": "vectorized"})
    experiment.Runner(config, str(out)).run(sweep.grid(config), progress=False)
    return results.read(results.path_in(str(out)))


@pytest.fixture(scope="module")
def new_loss_records(tmp_path_factory):
    return _records(tmp_path_factory.mktemp("new"), losses=("log_loss", *NEW))


def test_groups_take_the_new_losses_and_the_demo_keeps_its_twenty():
    groups = sweep.loss_groups()
    assert len(groups["default"]) == 20 and not set(NEW) & set(groups["default"])
    needs = {name: keras_losses.describe(name)["needs"] for name in NEW}
    long_tail = {name for name in NEW if "class_counts" in needs[name]}
    assert long_tail == {"logit_adjusted", "balanced_softmax", "ldam", "vs", "seesaw"} <= set(groups["long_tail"])
    assert set(NEW) - long_tail <= set(groups["noise_robust"])  # The noisy-label families and the corrections.
    assert set(NEW) <= set(groups["all"]) and set(NEW) <= set(sweep.resolve_losses(["all"]))


def test_every_new_loss_trains_on_the_vectorized_engine(new_loss_records):
    trained = {r["loss"] for r in new_loss_records if r["engine"] == "vectorized" and r["diverged_at_epoch"] is None}
    assert trained == {"log_loss", *NEW}
    assert all(0.0 <= r["final_test_accuracy"] <= 1.0 for r in new_loss_records)
    # Members of one loss with equal configuration share one loss call; the corrections' T is the same for both
    # seeds (the true matrix of one rate), the class counts differ with the seed's noisy labels.
    trainer_calls = vectorized._loss_calls(
        ["forward_corrected"] * 2 + ["js"] * 2, [{"transition_matrix": np.eye(4).tolist()}] * 2 + [{}] * 2
    )
    assert len(trainer_calls) == 2


def test_the_corrections_get_and_record_the_noise_s_own_matrix(new_loss_records):
    symmetric = 0.7 * np.eye(4) + 0.1 * (1 - np.eye(4))  # Rate 0.3 over K - 1 = 3 other classes.
    corrections = [r for r in new_loss_records if "transition_matrix" in keras_losses.describe(r["loss"])["needs"]]
    assert len(corrections) == 4
    for record in corrections:
        np.testing.assert_allclose(record["transition_matrix"], symmetric)
        assert "clean_subset_size" not in record and "correction" not in record["key"]
    assert not any("transition_matrix" in r for r in new_loss_records if r not in corrections)


def test_applied_matrix_is_the_one_labels_are_drawn_from():
    y = np.repeat(np.arange(4), 20000)
    for kind in ("symmetric", "pair"):
        noisy, _ = noise.flip_labels(y, 4, 0.3, kind, seed=0)
        realised = noise.transition_counts(y, noisy, 4) / 20000
        np.testing.assert_allclose(realised, noise.applied_matrix(kind, 0.3, 4), atol=0.01)
    np.testing.assert_allclose(
        noise.applied_matrix("asymmetric:mnist", 0.4, 10), noise.map_matrix(noise.asymmetric_map("mnist"), 10, 0.4)
    )
    np.testing.assert_array_equal(noise.applied_matrix("symmetric", 0.0, 3), np.eye(3))
    with pytest.raises(ValueError, match="no known transition matrix"):
        noise.applied_matrix("human:aggre", 0.09, 10)


def test_estimated_matrix_counts_the_clean_subset():
    rng = np.random.default_rng(0)
    clean = rng.integers(0, 3, 500)
    noisy = np.where(rng.random(500) < 0.3, (clean + 1) % 3, clean)
    estimate, counted = noise.estimate_matrix(clean, noisy, 3, size=200, seed=1)
    chosen = np.random.default_rng(1).permutation(500)[:200]
    expected = np.zeros((3, 3))
    for i, j in zip(clean[chosen], noisy[chosen]):
        expected[i, j] += 1
    np.testing.assert_allclose(estimate, expected / expected.sum(axis=1, keepdims=True))
    assert counted == 200
    lonely, _ = noise.estimate_matrix([0, 0], [0, 1], 3, size=2)
    np.testing.assert_allclose(lonely, [[0.5, 0.5, 0], [0, 1, 0], [0, 0, 1]])  # Unseen classes: identity rows.


def test_estimated_correction_is_its_own_condition(tmp_path):
    records = _records(tmp_path, losses=("log_loss", "backward_corrected"), correction="estimated", seeds=(0,))
    corrected = next(r for r in records if r["loss"] == "backward_corrected")
    train_size = corrected["sizes"]["train"]
    assert corrected["clean_subset_size"] == round(loss_config.CLEAN_SUBSET * train_size)
    np.testing.assert_allclose(np.sum(corrected["transition_matrix"], axis=1), 1.0)
    assert all("/correction=estimated/" in r["key"] for r in records)
    assert condition.Condition.of(corrected).label() == "label noise 0.3 (symmetric), estimated T"


def _trainer(arguments=None, schedules=None, biases=None, epochs=2, loss="log_loss"):
    x = np.random.default_rng(0).normal(size=(64, 5)).astype(np.float32)
    y = np.arange(64) % 3
    variant = vectorized.Variant(0, x, y, {"val": (x[:16], y[:16])})
    spec = training.TrainSpec(epochs=epochs, batch_size=16, optimizer="adam", learning_rate=1e-2, seed=0)
    members = [(loss, 0)] * 3
    return vectorized.VectorizedTrainer(
        members, [variant], "mlp", {"depth": 1}, (5,), 3, spec, loss_arguments=arguments,
        weight_schedules=schedules, initial_biases=biases,
    )  # fmt: skip


def test_deferred_reweighting_switches_the_class_weights_at_its_epoch():
    weights = [0.5, 1.0, 2.0]
    histories = _trainer(arguments=[{}, {"class_weights": weights}, {}], schedules=[None, None, (1, weights)]).run()
    plain, weighted, deferred = (h["loss"] for h in histories)
    assert deferred[0] == pytest.approx(plain[0], rel=1e-6) and weighted[0] != pytest.approx(plain[0])
    assert deferred[1] != pytest.approx(plain[1])
    # From its epoch on, the scale of each example's loss is the loss's own class weighting (`Σ w_k y_k`).
    switched_at_start = _trainer(arguments=[{}, {"class_weights": weights}, {}], schedules=[None, None, (0, weights)])
    first, keras_weighted, scheduled = (h["loss"] for h in switched_at_start.run())
    np.testing.assert_allclose(scheduled, keras_weighted, rtol=1e-5)
    assert loss_config.weight_schedule([90, 10], "drw:4") == (4, keras_losses.class_balanced_weights([90, 10]))
    with pytest.raises(ValueError, match="drw:EPOCH"):
        loss_config.check_weighting("drw:soon")


@pytest.mark.parametrize("loss", ["log_loss", "logistic_inr"])  # logistic_inr: called member by member.
def test_a_schedule_of_unit_weights_changes_nothing(loss):
    plain, unit, weighted = (
        h["loss"] for h in _trainer(schedules=[None, (0, [1.0] * 3), (1, [0.2, 1.0, 3.0])], loss=loss).run()
    )
    np.testing.assert_allclose(unit, plain, rtol=1e-6)
    assert weighted[0] == pytest.approx(plain[0], rel=1e-6) and weighted[1] != pytest.approx(plain[1], rel=1e-3)


def test_prior_bias_starts_the_logits_at_the_log_priors():
    counts = [30, 20, 10]
    setting = sweep.grid(sweep.SweepConfig(seeds=(0,), depths=(1,), bias_init="prior"))[0]
    prior = experiment.initial_bias(setting, {"train_class_counts": counts})
    np.testing.assert_allclose(prior, np.log(np.array(counts) / 60))
    trainer = _trainer(biases=[None, prior, None], epochs=1)
    last_bias = [trainer.member_weights(m)[-1] for m in range(3)]
    np.testing.assert_allclose(last_bias[1], prior, rtol=1e-6)
    np.testing.assert_array_equal(last_bias[0], np.zeros(3))
    assert "/bias_init=prior/" in sweep.run_key(setting, "log_loss")


def test_fused_engine_refuses_the_schedules(tmp_path):
    config = sweep.SweepConfig(
        dataset="blobs:4", losses=("log_loss",), depths=(1,), seeds=(0,), epochs=1, engine="fused",
        class_weighting=("drw:1",),
    )  # fmt: skip
    with pytest.raises(ValueError, match="vectorized engine only"):
        experiment.Runner(config, str(tmp_path)).run(sweep.grid(config), progress=False)


def test_bad_values_are_one_line_errors():
    for bad, message in (
        (dict(correction="guessed"), "correction must be one of true, estimated"),
        (dict(bias_init="ones"), "bias_init must be zeros or prior"),
        (dict(class_weighting=("drw:-1",)), "drw:EPOCH"),
    ):
        with pytest.raises(ValueError, match=message):
            plan.check_config(sweep.SweepConfig(**bad))


def test_fused_engine_gives_the_corrections_the_same_matrix(tmp_path):
    config = sweep.SweepConfig(
        dataset="blobs:4", losses=("forward_corrected",), depths=(1,), seeds=(0,), label_noise=(0.3,), epochs=1,
        engine="fused", correction="estimated",
    )  # fmt: skip
    experiment.Runner(config, str(tmp_path / "fused")).run(sweep.grid(config), progress=False)
    vectorized_config = sweep.SweepConfig(**{**config.__dict__, "engine": "vectorized"})
    experiment.Runner(vectorized_config, str(tmp_path / "vectorized")).run(sweep.grid(config), progress=False)
    fused, stacked = (results.read(results.path_in(str(tmp_path / e)))[0] for e in ("fused", "vectorized"))
    assert fused["engine"] == "fused" and fused["key"] == stacked["key"]
    assert fused["transition_matrix"] == stacked["transition_matrix"]
    assert fused["clean_subset_size"] == stacked["clean_subset_size"]
