"""The report is rendered from a results file alone: tables, best and ties marked, plots."""

import os
import subprocess
import sys

import pytest

from tests.paths import REPO as ROOT
from zoo import report
from zoo.common import results
from zoo.report import statistics, tables
from zoo.sweeps import run_records, sweep

PNG = b"\x89PNG\r\n\x1a\n"
# Hand-made final test accuracies per (loss, label noise) and seed 0, 1, 2.
ACCURACY = {
    ("alpha", 0.0): (0.90, 0.91, 0.92),  # Best clean, clearly.
    ("beta", 0.0): (0.70, 0.71, 0.72),
    ("gamma", 0.0): (0.80, 0.81, 0.82),
    ("alpha", 0.4): (0.60, 0.70, 0.80),  # Noisy: best mean 0.70; per seed beta is -0.05, +0.02, -0.06 ...
    ("beta", 0.4): (0.55, 0.72, 0.74),  # ... from it: 95 % interval [-0.138, +0.078], no detectable difference ...
    ("gamma", 0.4): (0.30, 0.31, 0.32),  # ... and gamma is clearly worse.
}
CURVE = [0.2, 0.5, 0.96, 1.0]


def _record(loss, label_noise, seed, accuracy, depth=2, diverged=None):
    setting = sweep.Setting("digits", "mlp", depth, label_noise, "symmetric", 0.0, seed, 4, 64, "adam", 1e-3)
    curve = [round(v * accuracy, 4) for v in CURVE]
    if loss == "beta":
        curve = [accuracy * 0.96] * 4  # Learns fastest: at 95% of its best after one epoch.
    return {
        "key": sweep.run_key(setting, loss),
        "loss": loss,
        **setting.fields(),
        "train_loss": [1.0, 0.5, 0.3, 0.2],
        "train_accuracy": curve,
        "val_accuracy": curve,
        "test_accuracy": curve[:-1] + [accuracy],
        "final_test_accuracy": accuracy,
        "best_val_accuracy": max(curve),
        "realised_flip_fraction": 0.38 if label_noise else 0.0,
        "wall_seconds": 1.0,
        "fused_with": 3,
        "diverged_at_epoch": diverged,
    }


@pytest.fixture
def out(tmp_path):
    records = [
        _record(loss, noise, seed, acc) for (loss, noise), accs in ACCURACY.items() for seed, acc in enumerate(accs)
    ]
    records += [_record("alpha", 0.0, seed, 0.95, depth=4) for seed in range(3)]
    half = len(records) // 2
    results.append(str(tmp_path / "results.jsonl"), records[:half])
    results.append(str(tmp_path / "results-worker1.jsonl"), records[half:])  # Merged with the first.
    return tmp_path


def _section(text, title):
    return text.split(title, 1)[1].split("\n#### ", 1)[0].split("\n### ", 1)[0]


def test_tables_mark_best_and_ties(out):
    text = open(report.render(str(out)), encoding="utf-8").read()
    assert "## digits: 4 epochs, batch 64, adam" in text
    clean = _section(text, "#### Clean")
    assert "| `alpha` | **0.910 ± 0.010** |" in clean
    assert "| `gamma` | 0.810 ± 0.010 |" in clean  # More than one std below: no tie mark.
    noisy = _section(text, "#### Label noise 0.4 (symmetric)")
    assert "| `alpha` | **0.700 ± 0.100** |" in noisy
    assert f"| `beta` | 0.670 ± 0.104 {tables.TIE} |" in noisy
    assert "| `gamma` | 0.310 ± 0.010 |" in noisy
    assert "no detectable paired difference" in text and "not a finding" in text
    assert "no detectable paired difference from 1 other loss(es)" in text
    assert "ahead of every other loss (paired 95 % interval)" in text


def test_paired_ties_are_not_one_std_ties(tmp_path):
    # delta is 0.02 below alpha at every seed: within one std (0.1) of it, yet consistently worse.
    records = [
        _record(loss, 0.4, seed, acc)
        for loss, accs in (("alpha", (0.60, 0.70, 0.80)), ("delta", (0.58, 0.68, 0.78)))
        for seed, acc in enumerate(accs)
    ]
    results.append(str(tmp_path / "results.jsonl"), records)
    noisy = _section(open(report.render(str(tmp_path)), encoding="utf-8").read(), "#### Label noise 0.4")
    assert "| `delta` | 0.680 ± 0.100 |" in noisy  # No tie mark.


def test_paired_table_against_the_reference(out):
    text = open(report.render(str(out), reference="alpha"), encoding="utf-8").read()
    table = _section(text.split("### Paired differences to `alpha`", 1)[1], "#### mlp d2")
    assert "| loss | clean | label noise 0.4 (symmetric) |" in table
    # Clean: beta is 0.20 below alpha at every seed; noisy: -0.05, +0.02, -0.06, mean -0.03,
    # t-interval -0.03 ± 4.3027 * 0.04359 / sqrt(3) = [-0.138, +0.078].
    assert "| `beta` | **worse** -0.200 [-0.200, -0.200] | -0.030 [-0.138, +0.078] |" in table
    assert "`alpha` |" not in table  # The reference is not compared with itself.
    assert (
        "(The reference loss `log_loss` is not in this study" in open(report.render(str(out)), encoding="utf-8").read()
    )


def test_diverged_runs_are_flagged_and_left_out(tmp_path):
    records = [_record("alpha", 0.0, seed, 0.9) for seed in range(3)]
    records += [_record("beta", 0.0, 0, 0.8), _record("beta", 0.0, 1, 0.82)]
    records += [{**_record("beta", 0.0, 2, 0.0, diverged=2), "final_test_accuracy": None}]
    records += [{**_record("gamma", 0.0, seed, 0.0, diverged=1), "final_test_accuracy": None} for seed in range(3)]
    results.append(str(tmp_path / "results.jsonl"), records)
    text = open(report.render(str(tmp_path)), encoding="utf-8").read()
    clean = _section(text, "#### Clean")
    # Mean of the two finite seeds; with two seeds (t quantile 12.7) the gap to alpha is not detectable.
    assert f"| `beta` | 0.810 ± 0.014 {tables.TIE} (1 diverged) |" in clean
    assert "| `gamma` | diverged (epoch 1) |" in clean
    assert "Diverged runs: 4." in text
    summary = report.summary_text(results.read_all(str(tmp_path)))
    assert "diverged (ep 1)" in summary


def test_learning_speed_and_robustness(out):
    text = open(report.render(str(out)), encoding="utf-8").read()
    speed = _section(text.split("### Learning speed", 1)[1], "#### Clean")
    assert "| `beta` | **1.0 ± 0.0** |" in speed  # Reached 95% of its best in epoch 1.
    assert "| `alpha` | 3.0 ± 0.0 |" in speed
    robustness = text.split("### Robustness", 1)[1]
    assert "mlp d2 @0.4" in robustness
    assert "mlp d4" not in robustness  # Depth 4 has no noisy runs: no empty column.
    # Paired drop from clean per seed: beta 0.15, -0.01, -0.02; alpha 0.30, 0.21, 0.12; gamma 0.5 each.
    assert "| `beta` | **0.040 ± 0.095** |" in robustness
    assert "| `alpha` | 0.210 ± 0.090 |" in robustness
    assert "| `gamma` | 0.500 ± 0.000 |" in robustness


def test_plots_exist_and_are_png(out):
    text = open(report.render(str(out)), encoding="utf-8").read()
    images = [line.split("](", 1)[1].rstrip(")") for line in text.splitlines() if line.startswith("![")]
    assert {
        "accuracy_heatmap.png",
        "learning_curves.png",
        "accuracy_vs_label_noise.png",
        "accuracy_vs_depth.png",
    } <= set(images)
    for name in images:
        data = (out / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 5000, name


def test_summary_text_marks_best_and_ties(out):
    text = report.summary_text(results.read_all(str(out)))
    lines = {line.split()[0]: line for line in text.splitlines()[2:]}
    assert lines["alpha"].rstrip().endswith("*")
    assert "~" in lines["beta"]


def test_single_seed_claims_no_tie(tmp_path):
    results.append(str(tmp_path / "results.jsonl"), [_record("alpha", 0.0, 0, 0.9), _record("beta", 0.0, 0, 0.9)])
    text = open(report.render(str(tmp_path)), encoding="utf-8").read()
    assert tables.TIE + " |" not in text and "single seed: no spread to judge" in text
    assert "one seed" not in report.summary_text(results.read_all(str(tmp_path)))


def test_report_cli_rerenders_without_training(out):
    report.render(str(out))
    os.remove(out / "accuracy_vs_depth.png")
    completed = subprocess.run(
        [sys.executable, "-m", "zoo.report", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    assert (out / "accuracy_vs_depth.png").read_bytes().startswith(PNG)
    assert "Report:" in completed.stdout


def test_report_cli_without_results_is_an_error(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "zoo.report", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: no results*.jsonl") and "Traceback" not in completed.stderr


def test_label_noise_kinds_stay_apart(tmp_path):
    """Symmetric and asymmetric noise at one rate are different conditions in every table and plot."""
    records = []
    for seed in range(3):
        records.append(_record("alpha", 0.0, seed, 0.9))
        records.append(_record("alpha", 0.4, seed, 0.6))
        asym = _record("alpha", 0.4, seed, 0.8)
        asym.update(noise_type="asymmetric", key=asym["key"].replace("symmetric", "asymmetric"))
        asym["realised_transition_counts"] = [[5, 0], [2, 3]]
        asym["noise_matrix"] = [[1.0, 0.0], [0.4, 0.6]]
        records.append(asym)
    results.append(str(tmp_path / "results.jsonl"), records)
    text = open(report.render(str(tmp_path)), encoding="utf-8").read()
    assert "| `alpha` | **0.800 ± 0.000** |" in _section(text, "#### Label noise 0.4 (asymmetric)")
    assert "| `alpha` | **0.600 ± 0.000** |" in _section(text, "#### Label noise 0.4 (symmetric)")
    robustness = _section(text, "#### Test accuracy drop from clean vs label noise rate")
    assert "mlp d2 @0.4 |" in robustness and "mlp d2 @0.4 asymmetric |" in robustness
    assert "Validation labels: clean." in text
    for name in ("transition_matrices.png", "accuracy_vs_label_noise_asymmetric0.png"):
        assert f"]({name})" in text and open(tmp_path / name, "rb").read(8) == PNG
    summary = report.summary_text(records).splitlines()
    assert "labels 0.4 asymmetric" in summary[1] and "labels 0.4 " in summary[1].replace("asymmetric", "")
    row = summary[2].split()
    assert row[0] == "alpha" and row[1] == "0.900" and "0.800" in row and "0.600" in row


# ---------------------------------------------------------------- runs that diverged everywhere

NAN = float("nan")


def _made_records(diverging, seeds=3, depths=(2,), label_noises=(0.0, 0.4)):
    """Records as the sweep writes them (`run_records.make_records`); `diverging(depth, loss)`: NaN from epoch 2."""
    records = []
    for depth in depths:
        for noise in label_noises:
            for seed in range(seeds):
                setting = sweep.Setting("digits", "mlp", depth, noise, "symmetric", 0.0, seed, 3, 64, "sgd", 100.0)
                histories = {}
                for loss in ("l2", "log_loss"):
                    finite = [0.5, 0.7, 0.8 + seed / 100]
                    histories[loss] = {
                        "loss": [1.0, NAN, NAN] if diverging(depth, loss) else [1.0, 0.5, 0.3],
                        "accuracy": finite,
                        "val_accuracy": finite,
                        "test_accuracy": finite,
                    }
                info = {"label_noise": {"realised_fraction": noise}, "sizes": {}}
                records += run_records.make_records(setting, histories, info, 1.0, "worker0")
    return records


def _images(text):
    return [line.split("](", 1)[1].rstrip(")") for line in text.splitlines() if line.startswith("![")]


@pytest.mark.filterwarnings("error::RuntimeWarning", "error::UserWarning")  # No all-NaN reductions, no bad layout.
def test_a_loss_that_diverged_in_every_run_is_reported_not_a_crash(tmp_path):
    # l2 (the first loss: the learning-curve legend came from its empty panel) diverges in every run, and at
    # depth 4 log_loss diverges too, so that heatmap panel has no finite cell.
    results.append(
        str(tmp_path / "results.jsonl"), _made_records(lambda depth, loss: loss == "l2" or depth == 4, depths=(2, 4))
    )
    text = open(report.render(str(tmp_path)), encoding="utf-8").read()
    assert "- `l2` diverged in every run (12 of 12, at epoch 2)" in text
    assert "| `l2` | diverged (epoch 2) | diverged (epoch 2) |" in _section(text, "#### Clean")
    assert "| `log_loss` | **0.810 ± 0.010** | diverged (epoch 2) |" in _section(text, "#### Clean")
    assert "- mlp d4, clean: every run diverged; no best loss." in text
    paired_d2 = _section(text.split("### Paired differences", 1)[1], "#### mlp d2")
    assert "| `l2` | `l2` diverged | `l2` diverged |" in paired_d2
    images = _images(text)
    assert {"accuracy_heatmap.png", "learning_curves.png", "accuracy_vs_label_noise.png"} <= set(images)
    assert "paired_differences.png" not in images  # The only other loss, l2, has no finished run to pair.
    for name in images:
        assert (tmp_path / name).read_bytes().startswith(PNG), name
    summary = report.summary_text(results.read_all(str(tmp_path)))
    assert "diverged in every run: l2" in summary.splitlines()


def test_a_sweep_that_diverged_in_every_run_still_writes_its_report(tmp_path):
    results.append(str(tmp_path / "results.jsonl"), _made_records(lambda depth, loss: True))
    text = open(report.render(str(tmp_path)), encoding="utf-8").read()
    assert "**Every run of this study diverged** (train loss NaN/Inf; 12 of 12)" in text
    assert "| `log_loss` | diverged (epoch 2) | diverged (epoch 2) |" not in text  # One column per table ...
    assert "| `log_loss` | diverged (epoch 2) |" in _section(text, "#### Clean")  # ... each cell says diverged.
    assert "- mlp d2, clean: every run diverged; no best loss." in text
    assert "(The reference loss `log_loss` diverged in every run of this study" in text
    assert "(No plots: no run of this study finished without diverging.)" in text
    assert _images(text) == [] and not list(tmp_path.glob("*.png"))
    assert "Few seeds" not in text  # No verdict at all: no seed warning either.
    speed = _section(text.split("### Learning speed", 1)[1], "#### Clean")
    assert "| `log_loss` | diverged (epoch 2) |" in speed  # Its one epoch before diverging is no learning speed.
    summary = report.summary_text(results.read_all(str(tmp_path)))
    assert summary.splitlines()[-1] == "every run diverged (train loss NaN/Inf): no accuracy to compare"


def test_fewer_than_five_seeds_are_said_plainly(tmp_path):
    few, enough = tmp_path / "few", tmp_path / "enough"
    results.append(str(few / "results.jsonl"), _made_records(lambda depth, loss: False, seeds=3))
    results.append(str(enough / "results.jsonl"), _made_records(lambda depth, loss: False, seeds=5))
    text = open(report.render(str(few)), encoding="utf-8").read()
    assert "**Few seeds.** The verdicts rest on 3 seeds, fewer than 5: the paired interval is then wide" in text
    summary = report.summary_text(results.read_all(str(few)))
    assert summary.splitlines()[-1].startswith("The verdicts rest on 3 seeds, fewer than 5")
    assert "Few seeds" not in open(report.render(str(enough)), encoding="utf-8").read()
    assert "fewer than 5" not in report.summary_text(results.read_all(str(enough)))


def test_the_loss_chosen_on_validation_with_its_test_accuracy_and_both_leads():
    """Validation prefers `beta` (its curve ends higher), the test split `alpha`: the row says both,
    and beta's lead over alpha per seed as each split measures it (hand-computed)."""
    validation = {"alpha": (0.80, 0.82, 0.84), "beta": (0.85, 0.86, 0.90)}
    test = {"alpha": (0.90, 0.91, 0.92), "beta": (0.88, 0.89, 0.93)}
    records = []
    for loss in validation:
        for seed in range(3):
            record = _record(loss, 0.4, seed, test[loss][seed])
            record["val_accuracy"] = [0.5, validation[loss][seed]]
            records.append(record)
    text = "\n".join(tables.validation_choice_lines(records, ["alpha", "beta"], reference="alpha"))
    row = [line for line in text.splitlines() if line.startswith("| mlp d2, label noise 0.4")]
    assert len(row) == 1
    cells = [cell.strip() for cell in row[0].strip("|").split("|")]
    assert cells[1:4] == ["`beta`", "0.900", "`alpha` (0.910)"]  # picked, its mean test accuracy, best on test
    # Per-seed leads: validation +0.05, +0.04, +0.06 (mean +0.050); test −0.02, −0.02, +0.01 (mean −0.010).
    assert cells[4].startswith("**better** +0.050 [") and cells[5].startswith("-0.010 [")


def _cells(text, setting):
    row = [line for line in text.splitlines() if line.startswith(f"| {setting}")]
    assert len(row) == 1
    return [cell.strip() for cell in row[0].strip("|").split("|")]


def test_a_dense_study_is_chosen_on_validation_mean_iou_and_old_records_on_validation_accuracy():
    """Validation accuracy prefers `alpha`, validation mean IoU `beta`: a dense study whose records hold
    `val_mean_iou` picks `beta` and says so; the same records without it (written before the field) pick
    on validation accuracy and say that; a lower-is-better headline is ranked negated."""
    val_accuracy = {"alpha": (0.95, 0.96, 0.97), "beta": (0.90, 0.91, 0.92)}
    val_iou = {"alpha": (0.50, 0.52, 0.54), "beta": (0.60, 0.61, 0.65)}
    test_iou = {"alpha": (0.55, 0.56, 0.57), "beta": (0.58, 0.60, 0.59)}
    records = []
    for loss in val_accuracy:
        for seed in range(3):
            record = _record(loss, 0.0, seed, 0.9)
            record.update(task="dense", mean_iou=test_iou[loss][seed], val_mean_iou=val_iou[loss][seed])
            record["val_accuracy"] = [0.5, val_accuracy[loss][seed]]
            records.append(record)
    text = "\n".join(tables.validation_choice_lines(records, ["alpha", "beta"], reference="alpha"))
    assert "(best mean final validation mean IoU, on the validation labels" in text
    cells = _cells(text, "mlp d2, clean")
    assert cells[1:4] == ["`beta`", "0.590", "`beta` (0.590)"]
    # Per-seed validation leads of beta over alpha: +0.10, +0.09, +0.11 (mean +0.100); test +0.03, +0.04, +0.02.
    assert cells[4].startswith("**better** +0.100 [") and cells[5].startswith("**better** +0.030 [")

    old = [{k: v for k, v in record.items() if k != "val_mean_iou"} for record in records]
    text = "\n".join(tables.validation_choice_lines(old, ["alpha", "beta"], reference="alpha"))
    assert "(best mean final validation accuracy, on the validation labels" in text
    assert _cells(text, "mlp d2, clean")[1:4] == ["`alpha`", "0.560", "`beta` (0.590)"]

    for record in records:  # Lower is better: beta's smaller validation Hamming loss wins.
        record.update(task="multi_label", hamming_loss=0.1, val_hamming_loss=0.3 if record["loss"] == "alpha" else 0.2)
    with statistics.headline("hamming_loss"):
        text = "\n".join(tables.validation_choice_lines(records, ["alpha", "beta"], reference="alpha"))
    assert "validation −hamming loss" in text and _cells(text, "mlp d2, clean")[1] == "`beta`"


def test_an_interval_past_the_paired_plot_s_range_is_marked_at_the_edge():
    from zoo.report import paired, plots

    inside = paired.Difference(0.05, 0.01, 0.09, 3, "t")
    wide = paired.Difference(0.146, 0.085, 0.207, 3, "t")  # LDAM's at rho = 100: past a 0.16 edge
    both = paired.Difference(0.0, -0.3, 0.3, 3, "t")
    assert plots.clipped_ends(inside, -0.02, 0.16) == []
    assert plots.clipped_ends(wide, -0.02, 0.16) == [(0.16, ">")]
    assert plots.clipped_ends(both, -0.16, 0.16) == [(-0.16, "<"), (0.16, ">")]
