"""The vectorized engine trains every member exactly as it would train alone."""

import logging

import numpy as np
import pytest
import tensorflow as tf

import keras_losses
from tests.zoo.alone import train_alone
from zoo.common import results
from zoo.engines import training, vectorized
from zoo.models import families, registry
from zoo.sweeps import experiment, sweep

# Tolerances: members and lone models run the same float32 ops, batched; kernels
# may sum in another order, so weights agree to ~1e-6 after a few epochs, not bitwise.
RTOL, ATOL = 1e-4, 1e-5


def _variants(images=False):
    """Two data variants (seeds 3 and 4) of a 4-class toy problem, the second with flipped labels."""
    variants = []
    for seed, flip in ((3, 0.0), (4, 0.3)):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(72, 8, 8, 1) if images else (72, 6)).astype(np.float32)
        y = np.argmax(x.reshape(72, -1)[:, :4], axis=1).astype(np.int32)
        noisy = np.where(rng.random(72) < flip, (y + 1) % 4, y).astype(np.int32)
        variants.append(vectorized.Variant(seed, x, noisy, {"val": (x[:30], y[:30])}))
    return variants


CASES = [
    ("mlp", {"depth": 2, "width": 16}, "sgd", 0.1),
    ("mlp", {"depth": 2, "width": 16}, "adam", 0.01),
    ("cnn", {"depth": 1, "filters": 4}, "sgd", 0.1),
    ("cnn", {"depth": 1, "filters": 4}, "adam", 0.01),
    # BatchNorm: per-member moving statistics (stacked non-trainable variables), used in evaluation.
    ("mlp", {"depth": 2, "width": 16, "batch_norm": True}, "adam", 0.01),
    # Dropout: each member draws the masks Keras draws for its seed alone, step by step.
    ("mlp", {"depth": 2, "width": 16, "dropout": 0.3}, "adam", 0.01),
    ("cnn", {"depth": 1, "filters": 4, "dropout": 0.25}, "sgd", 0.1),
]


def _case_id(case):
    model, options, optimizer, _ = case
    return (
        f"{model}-{optimizer}"
        + ("-bn" if options.get("batch_norm") else "")
        + ("-dropout" * bool(options.get("dropout")))
    )


@pytest.mark.parametrize("model,options,optimizer,learning_rate", CASES, ids=[_case_id(c) for c in CASES])
def test_every_member_trains_as_it_would_alone(model, options, optimizer, learning_rate):
    variants = _variants(images=model == "cnn")
    losses = ["log_loss", "logistic_inr", "ovr_squared_hinge"]
    members = [(loss, v) for loss in losses for v in range(len(variants))]
    spec = training.TrainSpec(epochs=2, batch_size=32, optimizer=optimizer, learning_rate=learning_rate)
    trainer = vectorized.VectorizedTrainer(members, variants, model, options, variants[0].x_train.shape[1:], 4, spec)
    histories = trainer.run()
    for m, (loss, v) in enumerate(members):
        variant = variants[v]
        alone, accuracies = train_alone(
            loss,
            variant.x_train,
            variant.y_train,
            training.TrainSpec(**{**spec.__dict__, "seed": variant.seed}),
            model=model,
            options=options,
            eval_data=variant.eval_data,
        )
        initial = training.initial_state(model, options, variant.x_train.shape[1:], 4, variant.seed)[0]
        moved = False
        for got, want, start in zip(trainer.member_weights(m), [w.numpy() for w in alone.trainable_variables], initial):
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=f"{loss} variant {v}")
            moved |= not np.allclose(want, start)
        assert moved, f"{loss}: training did not move the weights, the comparison proves nothing"
        assert histories[m]["val_accuracy"] == pytest.approx(accuracies["val"])


def test_member_loss_is_the_keras_value_on_its_own_batch():
    rng = np.random.default_rng(0)
    variants = _variants()
    members = [("log_loss", 0), ("log_loss", 1), ("logistic_inr", 0), ("logistic_inr", 1), ("l2", 1)]
    trainer = vectorized.VectorizedTrainer(
        members, variants, "mlp", {"depth": 1, "width": 8}, (6,), 4, training.TrainSpec(epochs=1, batch_size=8)
    )
    labels = tf.one_hot(rng.integers(0, 4, size=(5, 8)), 4)
    logits = tf.constant(rng.normal(0, 2, size=(5, 8, 4)).astype(np.float32))
    got = trainer._member_losses(labels, logits).numpy()
    for m, (loss, _) in enumerate(members):
        want = float(keras_losses.for_logits(loss)(labels[m], logits[m]))
        assert got[m] == pytest.approx(want, rel=1e-6), loss


def _config(**overrides):
    values = dict(
        dataset="blobs",
        losses=("log_loss", "l2", "logistic_inr"),
        depths=(1,),
        seeds=(0, 1),
        label_noise=(0.0, 0.3),
        epochs=2,
        batch_size=64,
    )
    return sweep.SweepConfig(**{**values, **overrides})


def _sweep(tmp_path, name, **overrides):
    config = _config(**overrides)
    out = str(tmp_path / name)
    experiment.Runner(config, out).run(sweep.grid(config), progress=False)
    return {r["key"]: r for r in results.read(results.path_in(out))}


# Models registered for the cross-engine test: the zoo MLP with Dropout, and with BatchNorm.
ENGINE_MODELS = {
    "mlp": None,
    "mlp_dropout": lambda input_shape, num_classes, depth: families.mlp(
        input_shape, num_classes, depth=depth, width=32, dropout=0.4
    ),
    "mlp_bn": lambda input_shape, num_classes, depth: families.mlp(
        input_shape, num_classes, depth=depth, width=32, batch_norm=True
    ),
}


@pytest.mark.parametrize("model", list(ENGINE_MODELS))
def test_engines_write_the_same_records(tmp_path, monkeypatch, model):
    if ENGINE_MODELS[model] is not None:
        monkeypatch.setitem(registry.MODELS._builders, model, ENGINE_MODELS[model])
    models = {"models": (model,)}
    by_engine = {
        engine: _sweep(tmp_path, engine, engine=engine, **models) for engine in ("vectorized", "fused", "separate")
    }
    by_engine["chunked"] = _sweep(tmp_path, "chunked", engine="vectorized", max_members=5, **models)
    reference = by_engine["separate"]
    for engine, records in by_engine.items():
        assert set(records) == set(reference), engine  # Same run keys: resume works across engines.
        for key, record in records.items():
            assert set(record) == set(reference[key]), engine
            for field in ("val_accuracy", "test_accuracy", "train_accuracy"):
                assert record[field] == pytest.approx(reference[key][field]), (engine, key, field)
            if engine != "fused":  # Keras logs a multi-output model's per-output loss unweighted by batch size.
                np.testing.assert_allclose(record["train_loss"], reference[key]["train_loss"], rtol=1e-4)
    for engine in ("vectorized", "fused", "separate"):  # As written to results.jsonl, read back.
        assert {r["engine"] for r in by_engine[engine].values()} == {engine}
    assert {r["fused_with"] for r in by_engine["vectorized"].values()} == {12}
    assert {r["fused_with"] for r in by_engine["chunked"].values()} == {5, 2}


def test_a_rerun_after_a_vectorized_sweep_trains_nothing(tmp_path):
    _sweep(tmp_path, "again", engine="vectorized")
    config = _config(engine="fused")
    assert experiment.Runner(config, str(tmp_path / "again")).run(sweep.grid(config), progress=False) == 0


def test_variants_of_different_sizes_are_refused():
    small, big = _variants()
    small = vectorized.Variant(0, small.x_train[:40], small.y_train[:40], small.eval_data)
    with pytest.raises(ValueError, match="same training-set size, got \\[40, 72\\]"):
        vectorized.VectorizedTrainer(
            [("l2", 0), ("l2", 1)], [small, big], "mlp", {"depth": 1}, (6,), 4, training.TrainSpec(epochs=1)
        )


def test_memory_estimate_limits_members(monkeypatch):
    monkeypatch.setattr(vectorized, "memory_budget", lambda: 10 * 2**20)
    few = vectorized.max_members_for("mlp", {"depth": 3, "width": 512}, (28, 28, 1), 10, 128)
    many = vectorized.max_members_for("mlp", {"depth": 1, "width": 16}, (8, 8, 1), 10, 64)
    assert 1 <= few < many


@pytest.mark.parametrize("engine", ["vectorized", "fused"])
def test_a_diverging_member_changes_no_other_member(tmp_path, engine):
    # SGD at learning rate 2 on blobs: l2's train loss becomes NaN, log loss and logistic train normally.
    # Fused: one model whose loss is the sum of the members' losses; each member's gradient is its own term's.
    settings = dict(losses=("log_loss", "logistic", "l2"), optimizer="sgd", learning_rate=2.0, epochs=3, engine=engine)
    with_l2 = _sweep(tmp_path, "with", **settings)
    without = _sweep(tmp_path, "without", **{**settings, "losses": ("log_loss", "logistic")})
    diverged = [r for r in with_l2.values() if r["loss"] == "l2"]
    assert diverged and all(r["diverged_at_epoch"] == 1 for r in diverged)
    assert all(r["final_test_accuracy"] is None and r["train_loss"] == [None] * 3 for r in diverged)
    for key, record in without.items():
        assert record["diverged_at_epoch"] is None
        for field in ("train_loss", "val_accuracy", "test_accuracy", "final_test_accuracy"):
            assert with_l2[key][field] == pytest.approx(record[field], rel=1e-6), (key, field)


def test_dropout_masks_are_per_member():
    # Keras keeps a dropout layer's random state in a non-trainable variable: stacked, one per member,
    # started from each member's seed, so members of different seeds draw different masks.
    variants = _variants()
    trainer = vectorized.VectorizedTrainer(
        [("log_loss", 0), ("log_loss", 1)],
        variants,
        "mlp",
        {"depth": 1, "width": 8, "dropout": 0.5},
        (6,),
        4,
        training.TrainSpec(epochs=1, batch_size=24),
    )
    before = [state.numpy().copy() for state in trainer.non_trainable]
    trainer.run()
    for start, state in zip(before, trainer.non_trainable):
        assert not np.array_equal(start[0], start[1])  # Different seeds, different random streams.
        assert not np.array_equal(state.numpy(), start)  # Each advanced as the member drew masks.


def test_xla_training_step_gives_the_same_records(tmp_path):
    plain = _sweep(tmp_path, "plain", label_noise=(0.0,))
    xla = _sweep(tmp_path, "xla", label_noise=(0.0,), jit_compile=True)
    assert set(xla) == set(plain)
    for key, record in xla.items():
        np.testing.assert_allclose(record["train_loss"], plain[key]["train_loss"], rtol=1e-4)
        assert record["val_accuracy"] == pytest.approx(plain[key]["val_accuracy"], abs=0.01)


def _while_loop_warnings(trainer) -> list[str]:
    """The vectorizer's per-member loop warnings logged while `trainer` traces and trains."""
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    tf.get_logger().addHandler(handler)
    try:
        trainer.run()
    finally:
        tf.get_logger().removeHandler(handler)
    return [m for m in messages if "while_loop" in m]


def test_dropout_masks_are_drawn_without_a_loop_over_members():
    variants = _variants()
    members = [("log_loss", 0), ("l2", 0), ("log_loss", 1), ("l2", 1)]
    options = {"depth": 2, "width": 8, "dropout": 0.5}
    spec = training.TrainSpec(epochs=1, batch_size=24)
    trainers = {
        shared: vectorized.VectorizedTrainer(members, variants, "mlp", options, (6,), 4, spec, shared_masks=shared)
        for shared in (True, False)
    }
    assert _while_loop_warnings(trainers[True]) == []
    # The baseline: each member draws inside tf.vectorized_map, which loops over the members.
    assert any("StatelessRandomUniformV2" in m for m in _while_loop_warnings(trainers[False]))
    for m in range(len(members)):  # The same masks either way: bitwise the same training.
        for shared, looped in zip(trainers[True].member_weights(m), trainers[False].member_weights(m)):
            np.testing.assert_array_equal(shared, looped)
    for shared, looped in zip(trainers[True].non_trainable, trainers[False].non_trainable):
        np.testing.assert_array_equal(shared.numpy(), looped.numpy())  # States advanced alike.
