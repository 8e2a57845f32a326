"""Long-tailed sweeps end to end: the axes, each run's loss configuration, per-class records, engines, resume."""

import numpy as np
import pytest

import keras_losses
from zoo.common import results
from zoo.data import imbalance
from zoo.sweeps import class_metrics, experiment, loss_config, sweep


def _config(**overrides):
    values = dict(
        dataset="blobs:4",
        losses=("log_loss", "logit_adjusted", "focal"),
        depths=(1,),
        seeds=(0, 1),
        label_noise=(0.0,),
        epochs=2,
        batch_size=32,
        imbalance=(1.0, 10.0),
        class_weighting=("none", "inverse"),
    )
    return sweep.SweepConfig(**{**values, **overrides})


def _sweep(out, **overrides):
    config = _config(**overrides)
    experiment.Runner(config, str(out)).run(sweep.grid(config), progress=False)
    return {r["key"]: r for r in results.read(results.path_in(str(out)))}


@pytest.fixture(scope="module")
def vectorized_records(tmp_path_factory):
    return _sweep(tmp_path_factory.mktemp("vectorized"), engine="vectorized")


def test_the_axes_are_in_run_keys_only_when_set(vectorized_records):
    keys = list(vectorized_records)
    assert len(keys) == 3 * 2 * 2 * 2  # losses x ratios x weightings x seeds
    balanced = [k for k in keys if "imbalance" not in k and "class_weighting" not in k]
    assert len(balanced) == 6 and all("/imbalance=10/imbalance_profile=exponential/" in k for k in keys if "=10/" in k)
    assert sum("class_weighting=inverse" in k for k in keys) == 12


def test_records_hold_exact_counts_and_per_class_metrics(vectorized_records):
    for record in vectorized_records.values():
        counts = record["train_class_counts"]
        assert sum(counts) == record["sizes"]["train"]
        confusion = np.array(record["test_confusion"])
        assert confusion.sum() == record["sizes"]["test"]
        np.testing.assert_allclose(record["per_class_recall"], class_metrics.per_class_recall(confusion))
        assert record["balanced_accuracy"] == pytest.approx(class_metrics.balanced_accuracy(confusion))
        assert np.trace(confusion) / confusion.sum() == pytest.approx(record["final_test_accuracy"])
        assert record["posthoc_balanced_accuracy"] is not None
        if record["imbalance"]:
            # Train + validation follow the profile; the test split stays balanced.
            assert counts[0] > 5 * counts[-1]
            assert np.ptp(confusion.sum(axis=1)) <= 1


def test_imbalance_changes_training_data_but_not_test(vectorized_records):
    by_ratio = {}
    for record in vectorized_records.values():
        by_ratio.setdefault(record["imbalance"], set()).add(record["sizes"]["train"])
    assert len(by_ratio[None]) == 1 and len(by_ratio[10.0]) == 1
    assert by_ratio[10.0].pop() < by_ratio[None].pop()
    assert len({r["sizes"]["test"] for r in vectorized_records.values()}) == 1


def test_class_weights_reach_the_loss(vectorized_records):
    def curve(loss, weighting):
        return [
            r["train_loss"]
            for r in vectorized_records.values()
            if r["loss"] == loss and r["imbalance"] == 10.0 and r["class_weighting"] == weighting and r["seed"] == 0
        ][0]

    assert curve("log_loss", "inverse") != curve("log_loss", None)


def test_loss_arguments_from_training_counts():
    counts = imbalance.long_tail_counts([100] * 4, 10)
    assert loss_config.loss_arguments("logit_adjusted", counts) == {"class_counts": counts}
    weights = loss_config.loss_arguments("focal", counts, "effective")["class_weights"]
    assert weights == pytest.approx(keras_losses.class_balanced_weights(counts))
    with pytest.raises(ValueError, match="class weighting must be one of none, inverse, effective"):
        loss_config.loss_arguments("focal", counts, "sqrt")


def test_engines_agree_with_class_weights_and_prior_aware_losses(tmp_path, vectorized_records):
    fused = _sweep(tmp_path / "fused", engine="fused", seeds=(0,), class_weighting=("inverse",), imbalance=(10.0,))
    for key, record in fused.items():
        twin = vectorized_records[key]
        assert record["engine"] == "fused" and twin["engine"] == "vectorized"
        for field in ("test_accuracy", "val_accuracy", "per_class_recall"):
            assert record[field] == pytest.approx(twin[field], abs=1e-6), (key, field)


def test_a_rerun_trains_nothing(tmp_path):
    config = _config(losses=("log_loss",), seeds=(0,))
    out = str(tmp_path / "resume")
    assert experiment.Runner(config, out).run(sweep.grid(config), progress=False) == 4
    assert experiment.Runner(config, out).run(sweep.grid(config), progress=False) == 0


def test_bad_axes_are_one_line_errors():
    from zoo.sweeps import plan

    with pytest.raises(ValueError, match="imbalance ratio must be a number >= 1"):
        plan.check_config(_config(imbalance=(0.5,)))
    with pytest.raises(ValueError, match="class weighting must be one of"):
        plan.check_config(_config(class_weighting=("sqrt",)))


def test_the_report_shows_balanced_metrics_and_per_class_recall(tmp_path, vectorized_records):
    import os

    from zoo import report

    out = str(tmp_path / "report")
    os.makedirs(out)
    results.append(results.path_in(out), list(vectorized_records.values()))
    text = open(report.render(out)).read()
    assert "### Class imbalance" in text and "#### Imbalance ρ=10, inverse weights" in text
    assert "Few-shot accuracy" in text and "post-hoc logit adjustment" in text
    assert os.path.exists(os.path.join(out, "per_class_recall.png"))
    assert os.path.exists(os.path.join(out, "balanced_accuracy_heatmap.png"))
    summary = report.summary_text(list(vectorized_records.values()))
    assert "ρ=10, inverse" in summary.splitlines()[1]
