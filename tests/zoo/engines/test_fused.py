"""Fused training trains every sub-network exactly as it would train alone."""

import numpy as np
import pytest

import zoo
from tests.zoo.alone import train_alone
from zoo.engines import fused, fused_model, training

LOSSES = ["log_loss", "l2", "ovr_squared_hinge", "tanimoto"]
MODEL_OPTIONS = {"depth": 2, "width": 16}


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(80, 6)).astype(np.float32)
    y = (np.argmax(x[:, :4], axis=1)).astype(np.int32)
    return x, y


def _separately(loss, x, y, spec):
    return train_alone(loss, x, y, spec, options=MODEL_OPTIONS)[0]


@pytest.mark.parametrize("optimizer,learning_rate", [("sgd", 0.1), ("adam", 0.01)])
def test_fused_equals_separate(toy, optimizer, learning_rate):
    x, y = toy
    spec = training.TrainSpec(epochs=2, batch_size=32, optimizer=optimizer, learning_rate=learning_rate, seed=5)
    result = fused.train(LOSSES, "mlp", MODEL_OPTIONS, (x, y), {}, spec, num_classes=4)
    initial = zoo.build("mlp", input_shape=x.shape[1:], num_classes=4, **MODEL_OPTIONS)
    for loss in LOSSES:
        alone = _separately(loss, x, y, spec)
        together = result.model.get_layer(f"{fused_model.output_name(loss)}_net")
        moved = False
        for w_alone, w_together, w_initial in zip(alone.get_weights(), together.get_weights(), initial.get_weights()):
            np.testing.assert_allclose(w_together, w_alone, rtol=1e-5, atol=1e-6, err_msg=loss)
            moved |= not np.allclose(w_alone, w_initial)
        assert moved, f"{loss}: training did not change the weights, the comparison proves nothing"


@pytest.mark.parametrize("options", [MODEL_OPTIONS, {**MODEL_OPTIONS, "dropout": 0.5}], ids=["plain", "dropout"])
def test_reused_trainer_restarts_exactly(toy, options):
    """A trainer reused for a second run gives the same histories as a fresh one (dropout masks too)."""
    x, y = toy
    spec = training.TrainSpec(epochs=2, batch_size=16, seed=0)
    splits = {"val": (x[:20], y[:20])}
    trainer = fused.FusedTrainer(LOSSES[:2], "mlp", options, x.shape[1:], 4, len(y), spec)
    first = trainer.run((x, y), splits, seed=7).histories
    trainer.run((x[::-1], y[::-1]), splits, seed=1)  # Something else in between.
    again = trainer.run((x, y), splits, seed=7).histories
    fresh = fused.train(
        LOSSES[:2],
        "mlp",
        options,
        (x, y),
        splits,
        training.TrainSpec(epochs=2, batch_size=16, seed=7),
        num_classes=4,
    ).histories
    for loss in LOSSES[:2]:
        for metric in ("loss", "accuracy", "val_accuracy"):
            np.testing.assert_allclose(again[loss][metric], first[loss][metric], rtol=1e-5)
            np.testing.assert_allclose(fresh[loss][metric], first[loss][metric], rtol=1e-5)
        assert len(first[loss]["val_accuracy"]) == 2


def test_histories_match_keras_evaluation(toy):
    x, y = toy
    spec = training.TrainSpec(epochs=3, batch_size=32)
    result = fused.train(["log_loss", "l1"], "mlp", MODEL_OPTIONS, (x, y), {"test": (x, y)}, spec)
    logits = result.model.predict(x, verbose=0)
    for loss in ("log_loss", "l1"):
        expected = float(np.mean(np.argmax(logits[loss], axis=1) == y))
        assert result.histories[loss]["test_accuracy"][-1] == pytest.approx(expected)
        assert len(result.histories[loss]["loss"]) == 3


def test_duplicate_losses_rejected(toy):
    x, y = toy
    with pytest.raises(ValueError, match="distinct"):
        fused.train(["l1", "l1"], "mlp", MODEL_OPTIONS, (x, y), {}, training.TrainSpec(epochs=1))
