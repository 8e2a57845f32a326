"""The comparison sweep: records per run, resume after interruption, CLI errors, presets."""

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.paths import REPO as ROOT
from zoo import compare
from zoo.common import results
from zoo.data import datasets, tfds_sets
from zoo.sweeps import experiment, sweep

FLAGS = compare.FLAGS


@contextlib.contextmanager
def parsed_flags(argv):
    """zoo.compare's own flags parsed from `argv`, reset afterwards."""
    FLAGS(argv)
    try:
        yield
    finally:
        FLAGS.unparse_flags()


LOSSES = ("log_loss", "l2", "tanimoto")


def _config(**overrides):
    values = dict(
        dataset="blobs", losses=LOSSES, depths=(1, 2), seeds=(0, 1), label_noise=(0.0, 0.3), epochs=2, batch_size=64
    )
    return sweep.SweepConfig(**{**values, **overrides})


def _expected_keys(config):
    return {sweep.run_key(s, loss) for s in sweep.grid(config) for loss in config.losses}


def _lines(path):
    with open(path, "rb") as handle:
        return handle.read().splitlines()


class Counter:
    """An `on_train` hook counting the runs actually trained."""

    def __init__(self):
        self.runs = []

    def __call__(self, setting, losses):
        self.runs.extend(sweep.run_key(setting, loss) for loss in losses)


def _env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    for name in ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"):
        env.pop(name, None)
    return env


def _cli(*args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "zoo.compare", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A finished tiny sweep and the runs its hook saw."""
    out = str(tmp_path_factory.mktemp("sweep"))
    config, counter = _config(), Counter()
    experiment.Runner(config, out, on_train=counter).run(sweep.grid(config), progress=False)
    return config, out, counter


def test_one_record_per_run_with_its_history(swept):
    config, out, counter = swept
    records = results.read(results.path_in(out))
    assert sorted(r["key"] for r in records) == sorted(_expected_keys(config)) == sorted(counter.runs)
    for record in records:
        for field in ("train_loss", "train_accuracy", "val_accuracy", "test_accuracy"):
            assert len(record[field]) == config.epochs, field
            assert all(isinstance(v, float) for v in record[field])
        assert record["final_test_accuracy"] == record["test_accuracy"][-1]
        assert 0.0 <= record["final_test_accuracy"] <= 1.0
        assert record["best_val_accuracy"] == max(record["val_accuracy"])
        # The default engine trains every run of one model and depth as one stacked network.
        same_depth = [r for r in records if (r["model"], r["depth"]) == (record["model"], record["depth"])]
        assert record["wall_seconds"] > 0 and record["fused_with"] == len(same_depth)
        assert record["engine"] == "vectorized"
        assert set(record["versions"]) >= {"keras_losses", "keras", "tensorflow"}
        assert record["noise_type"] == "symmetric" and record["dataset"] == "blobs"
        if record["label_noise"]:
            assert 0.2 < record["realised_flip_fraction"] < 0.4
        else:
            assert record["realised_flip_fraction"] == 0.0


def test_rerun_skips_finished_runs(swept, tmp_path):
    config, out, _ = swept
    copy = tmp_path / "copy"
    copy.mkdir()
    lines = _lines(results.path_in(out))
    # Simulate a kill: the last two records are lost and the one before is cut mid-line.
    kept, cut = lines[:-3], lines[-3][: len(lines[-3]) // 2]
    (copy / results.DEFAULT_FILE).write_bytes(b"\n".join(kept) + b"\n" + cut)
    lost = {json.loads(line)["key"] for line in lines[-3:]}

    counter = Counter()
    with pytest.warns(UserWarning, match="incomplete or corrupt"):
        trained = experiment.Runner(config, str(copy), on_train=counter).run(sweep.grid(config), progress=False)
    assert trained == 1  # Only the setting of the lost records ...
    assert set(counter.runs) == lost  # ... and only its lost losses.
    with pytest.warns(UserWarning):
        records = results.read(str(copy / results.DEFAULT_FILE))
    keys = [r["key"] for r in records]
    assert sorted(keys) == sorted(_expected_keys(config))  # Every run exactly once.

    counter = Counter()
    with pytest.warns(UserWarning):
        experiment.Runner(config, str(copy), on_train=counter).run(sweep.grid(config), progress=False)
    assert counter.runs == []


def test_more_losses_later_trains_only_the_new_ones(swept, tmp_path):
    config, out, _ = swept
    (tmp_path / results.DEFAULT_FILE).write_bytes(open(results.path_in(out), "rb").read())
    bigger = _config(losses=LOSSES + ("ovr_squared_hinge",), depths=(1,), seeds=(0,), label_noise=(0.0,))
    counter = Counter()
    experiment.Runner(bigger, str(tmp_path), on_train=counter).run(sweep.grid(bigger), progress=False)
    assert [key.rsplit("=", 1)[1] for key in counter.runs] == ["ovr_squared_hinge"]


def test_killed_cli_resumes_without_redoing(tmp_path):
    out = tmp_path / "out"
    args = [
        "--dataset=blobs",
        "--losses=log_loss,l2",
        "--depths=1",
        "--seeds=0,1,2,3,4,5,6,7",
        "--label_noise=0",
        "--epochs=2",
        "--batch_size=32",
        "--max_members=2",
        f"--out={out}",
        "--noprogress",
    ]
    path = out / results.DEFAULT_FILE
    process = subprocess.Popen(
        [sys.executable, "-m", "zoo.compare", *args],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not (path.exists() and len(_lines(path)) >= 2):
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no record within 120 s"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    before = [json.loads(line) for line in _lines(path) if line.endswith(b"}")]
    assert 2 <= len(before) < 16, "the kill came too late to test resuming"

    finished = _cli(*args)
    assert finished.returncode == 0, finished.stderr[-2000:]
    after = results.read(str(path))
    keys = [r["key"] for r in after]
    assert len(keys) == len(set(keys)) == 16
    by_key = {r["key"]: r for r in after}
    for record in before:  # Finished runs were kept, not redone.
        assert by_key[record["key"]]["finished_at"] == record["finished_at"]
    assert "Report:" in finished.stdout and (out / "report.md").exists()


def test_unknown_loss_fails_before_anything_runs(tmp_path):
    out = tmp_path / "out"
    completed = _cli("--losses=log_loss,cauchy_shwarz", f"--out={out}")
    assert completed.returncode != 0
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Unknown loss 'cauchy_shwarz'" in errors[0] and "'cauchy_schwarz'" in errors[0]
    assert "Traceback" not in completed.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "flag,message",
    [
        ("--models=mpl", "Did you mean: 'mlp'"),
        ("--depths=0,1", "--depths: 0 is out of range"),
        ("--label_noise=1.5", "--label_noise: 1.5 is out of range"),
        ("--seeds=zero", "--seeds: 'zero' is not an integer"),
        ("--noise_type=pairs", "--noise_type must be one of symmetric, pair"),
        ("--optimizer=adma", "Unknown optimizer 'adma'"),
        ("--dataset=digitz", "Did you mean: 'digits'"),
        ("--epochs=0", "--epochs must be >= 1"),
        ("--head=Cosine", "^--head must be one of 'linear', 'cosine', got 'Cosine'.$"),
    ],
)
def test_bad_flag_values_are_one_line_errors(flag, message):
    values = compare.flag_values()
    name, _, value = flag[2:].partition("=")
    values[name] = value
    with pytest.raises(ValueError, match=message):
        compare.sweep_config(values)


def test_defaults_are_the_demo():
    with parsed_flags(["compare"]):
        config = compare.sweep_config(compare.flag_values())
        assert FLAGS.out == "runs/compare"
    import keras_losses

    # The demo's 20: the canonical losses of 0.2.0 that need no configuration, and Keras's cross-entropy.
    # Losses added since (issue 26) do not join it, so the demo's time does not grow with the library.
    released = (
        "l1", "l2", "expectation", "regularized_expectation", "chebyshev", "ovr_hinge", "ovr_squared_hinge",
        "ovr_cubed_hinge", "log_loss", "squared_log", "tanimoto", "cauchy_schwarz", "logistic", "logistic_inr",
        "focal", "poly1", "gce", "sce", "nce_rce",
    )  # fmt: skip
    assert set(released) <= set(keras_losses.names())
    assert not any(keras_losses.describe(name)["needs"] for name in released)
    assert config.losses == released + ("categorical_crossentropy",) and len(config.losses) == 20
    assert len(config.losses) == 20 and config.dataset == "digits"
    assert len(sweep.grid(config)) == 3 * 2 * 3  # depths x label noise x seeds


def _task_config(*argv, user_model=False):
    with parsed_flags(["compare", *argv]):
        given = [name for name in compare.SWEEP_FLAGS if FLAGS[name].present]
        return compare.sweep_config(compare.flag_values(FLAGS.preset, given, user_model=user_model))


def test_a_dense_comparison_defaults_to_a_small_u_net_that_runs_like_the_demo_and_given_flags_win():
    """`--task=dense`: `sweep.TASK_SWEEP_DEFAULTS` (U-Net depth 1, width 8, 8 epochs, on `shapes`' 16x16 canvases)
    instead of `SweepConfig`'s depths 1-3, width 16 and 25 epochs; flags given, a user's builder and other tasks
    keep theirs."""
    config = _task_config("--task=dense")
    assert (config.dataset, config.models, config.depths, config.width, config.epochs) == (
        "shapes",
        ("unet",),
        (1,),
        8,
        8,
    )
    assert config.seeds == sweep.SweepConfig.seeds and config.losses == sweep.DENSE_DEFAULT
    assert len(sweep.grid(config)) * config.epochs * len(config.losses) == 432  # run-epochs: 6 settings x 8 x 9
    assert datasets.load("shapes", seed=0).input_shape == (16, 16, 1)
    assert datasets.load("shapes:32", seed=0).input_shape == (32, 32, 1)
    config = _task_config("--dataset=shapes:32", "--depths=1,2", "--epochs=3")  # A dense dataset without --task.
    assert (config.dataset, config.models, config.depths, config.width, config.epochs) == (
        "shapes:32",
        ("unet",),
        (1, 2),
        8,
        3,
    )
    config = _task_config("--task=dense", user_model=True)  # --model=FILE:build: its own depths and width.
    assert (config.depths, config.width, config.epochs) == (sweep.SweepConfig.depths, None, 8)
    config = _task_config("--task=multi_label")
    assert (config.dataset, config.depths, config.epochs) == ("multi_label_digits", (1, 2, 3), 25)
    with pytest.raises(ValueError, match=r"shapes:SIZE takes the canvas side in pixels \(e.g. shapes:16\), got"):
        datasets.load("shapes:big")


def test_preset_sets_the_grid_and_explicit_flags_win():
    with parsed_flags(["compare", "--preset=janocha2017", "--depths=2,4"]):
        given = [name for name in compare.SWEEP_FLAGS if FLAGS[name].present]
        config = compare.sweep_config(compare.flag_values(FLAGS.preset, given))
    assert config.dataset == "mnist" and config.depths == (2, 4)
    # The paper's twelve, in its order (docs/losses/), found through each class's declared paper.
    assert config.losses == (
        "l1", "l2", "expectation", "regularized_expectation", "chebyshev", "ovr_hinge", "ovr_squared_hinge",
        "ovr_cubed_hinge", "log_loss", "squared_log", "tanimoto", "cauchy_schwarz",
    )  # fmt: skip
    assert not config.cross_noise and max(config.label_noise) > 0 and max(config.input_noise) > 0
    conditions = sweep.noise_conditions(config)
    assert all(not (label and sigma) for label, sigma in conditions)


def test_offline_dataset_is_a_clear_error(tmp_path, monkeypatch, capsys):
    def unavailable(name, data_dir=None):
        raise datasets.DatasetUnavailableError(f"Dataset {name!r} is not available offline: no network.")

    monkeypatch.setattr(tfds_sets, "tfds_source", unavailable)
    out = tmp_path / "out"
    with parsed_flags(["compare", "--preset=janocha2017", f"--out={out}"]):
        assert compare.main(["compare"]) == 2
    assert "error: Dataset 'mnist' is not available offline" in capsys.readouterr().err
    assert not out.exists()


def test_bad_head_on_the_command_line_is_one_line_before_anything_runs(tmp_path):
    out = tmp_path / "out"
    completed = _cli("--head=bogus", "--losses=ldam", f"--out={out}")
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == "error: --head must be one of 'linear', 'cosine', got 'bogus'."
    assert "Traceback" not in completed.stderr and not out.exists()
    assert "LDAM's cosine setting" in FLAGS["head"].help


def test_head_reaches_the_model_options_and_a_registered_model_refuses_it():
    import zoo

    with parsed_flags(["compare", "--head=cosine"]):
        config = compare.sweep_config(compare.flag_values())
    assert config.head == "cosine" and experiment.model_options(sweep.grid(config)[0]) == {"depth": 1, "head": "cosine"}
    compare.check_models(config)  # The families build with a cosine head.
    zoo.models.register("own_plain")(
        lambda input_shape, num_classes: zoo.build("mlp", input_shape=input_shape, num_classes=num_classes)
    )
    try:
        with pytest.raises(
            ValueError, match="^head='cosine' applies to the zoo's families .* not to your model 'own_plain'"
        ):
            compare.check_models(dataclasses.replace(config, models=("own_plain",)))
    finally:
        zoo.models.unregister("own_plain")


def test_width_reaches_the_model_and_the_records(tmp_path):
    narrow = _config(depths=(1,), seeds=(0,), label_noise=(0.0,), width=8)
    assert experiment.model_options(sweep.grid(narrow)[0]) == {"depth": 1, "width": 8}
    cnn = sweep.Setting("digits", "cnn", 2, 0.0, "symmetric", 0.0, 0, 1, 8, "adam", 1e-3, width=4)
    assert experiment.model_options(cnn) == {"depth": 2, "filters": 4}
    experiment.Runner(narrow, str(tmp_path)).run(sweep.grid(narrow), progress=False)
    records = results.read(results.path_in(str(tmp_path)))
    assert {r["width"] for r in records} == {8} and all("/width=8/" in r["key"] for r in records)


def _csv_file(path):
    # The label column first: the default (the last column, fractional numbers) would be refused.
    lines = ["kind,a,b"] + [f"{'ant' if i % 2 else 'bee'},{i % 7 / 7},{(i * 3) % 5 / 5}" for i in range(40)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _image_folder(root):
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in ("circle", "square"):
        (root / name).mkdir(parents=True)
        for i in range(8):
            Image.fromarray(rng.integers(0, 256, (6, 6, 3), dtype=np.uint8), "RGB").save(root / name / f"{i}.png")
    return root


@pytest.mark.parametrize("kind, flag", [("csv", "--label_column=kind"), ("dir", "--image_size=4,4")])
def test_file_datasets_from_the_command_line(tmp_path, monkeypatch, kind, flag):
    from zoo.data import files

    read_dir, sizes = files.read_dir, []
    monkeypatch.setattr(files, "read_dir", lambda path, size=None: sizes.append(size) or read_dir(path, size))
    path = _csv_file(tmp_path / "t.csv") if kind == "csv" else _image_folder(tmp_path / "images")
    out = tmp_path / "out"
    argv = ["compare", f"--dataset={kind}:{path}", flag, "--losses=log_loss", "--depths=1", "--seeds=0"]
    argv += ["--label_noise=0", "--epochs=1", "--batch_size=8", f"--out={out}", "--noprogress"]
    with parsed_flags(argv):
        assert compare.main(["compare"]) == 0
    (record,) = results.read(results.path_in(str(out)))
    assert record["dataset"] == f"{kind}:{path}" and (out / "report.md").exists()
    assert sizes == ([] if kind == "csv" else ["4,4", "4,4"])  # The check before the sweep, then the run.


def test_bad_file_dataset_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("a,colour,label\n" + "".join(f"{i},red,{i % 2}\n" for i in range(10)))
    with parsed_flags(["compare", f"--dataset=csv:{path}", f"--out={tmp_path / 'out'}"]):
        assert compare.main(["compare"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == [
        f"error: {path}: feature column 'colour' is not numeric (e.g. 'red' in data row 0); "
        "drop or encode it, or name the label column with label_column (--label_column)."
    ]


# ---------------------------------------------------------------- label noise kinds (issue 19)

MATRIX = [[0.6, 0.4, 0.0], [0.0, 0.9, 0.1], [0.2, 0.0, 0.8]]  # blobs has 3 classes.


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"noise_type": "asymmetric", "dataset": "moons"}, r"No published asymmetric noise map .*--noise_matrix=PATH"),
        ({"noise_matrix": "MATRIX", "label_noise": "0,0.2"}, r"--noise_matrix gives the noise: leave --label_noise"),
        ({"noise_matrix": "MATRIX", "noise_type": "pair"}, r"--noise_matrix replaces --noise_type"),
        ({"noise_matrix": "BAD"}, r"rows must sum to 1 \(within 1e-06\): row 0 sums to 0.9"),
        ({"noise_matrix": "missing.npy"}, r"--noise_matrix: no such file"),
        ({"human_labels": "aggre"}, r"--human_labels needs --dataset=cifar10_n or cifar100_n, got 'digits'"),
        ({"human_labels": "worst", "dataset": "cifar100_n"}, r"cifar100_n has the human label sets noisy; got 'worst'"),
    ],
)
def test_bad_noise_flags_are_one_line_errors(tmp_path, changes, message):
    np_path, bad = tmp_path / "m.json", tmp_path / "bad.csv"
    np_path.write_text(json.dumps(MATRIX))
    bad.write_text("0.5,0.4,0\n0,1,0\n0,0,1\n")
    values = {**compare.flag_values(), "label_noise": "0"}
    paths = {"MATRIX": str(np_path), "BAD": str(bad), "missing.npy": str(tmp_path / "missing.npy")}
    values.update({k: paths.get(v, v) for k, v in changes.items()})
    with pytest.raises(ValueError, match=message):
        compare.sweep_config(values)


def test_noise_matrix_sweep_through_the_command(tmp_path, capsys):
    matrix = tmp_path / "t.csv"
    matrix.write_text("\n".join(",".join(map(str, row)) for row in MATRIX))
    out = tmp_path / "out"
    argv = ["compare", "--dataset=blobs", "--losses=log_loss,l2", "--depths=1", "--seeds=0,1", "--epochs=2"]
    argv += [f"--noise_matrix={matrix}", "--noisy_validation", f"--out={out}", "--noprogress"]
    with parsed_flags(argv):
        config = compare.sweep_config(compare.flag_values(given=["noise_matrix"]))
        assert compare.main(["compare"]) == 0
    assert config.label_noise == (0.0,) and config.noisy_validation
    records = results.read_all(str(out))
    assert len(records) == 2 * 2 * 2  # (clean, matrix) x seeds x losses.
    noisy = [r for r in records if r["noise_type"].startswith("matrix:")]
    assert len(noisy) == 4 and all(r["noisy_validation"] and "/noisy_validation=True/" in r["key"] for r in records)
    for r in noisy:
        counts = np.asarray(r["realised_transition_counts"])
        assert r["noise_matrix"] == MATRIX and counts.sum() == r["sizes"]["train"]
        assert counts[0, 2] == counts[1, 0] == counts[2, 1] == 0 and counts[0, 1] > 0  # Only the matrix's flips.
        assert r["realised_flip_fraction"] == pytest.approx(1 - np.trace(counts) / counts.sum())
        assert 0 < r["val_realised_flip_fraction"] < 0.5
    assert all("realised_transition_counts" not in r for r in records if r not in noisy)
    report = (out / "report.md").read_text()
    assert "transition_matrices.png" in report and (out / "transition_matrices.png").exists()
    assert "Validation labels: noisy in all runs" in report
    assert "noisy validation" in report  # The conditions say so in the tables.


@pytest.mark.parametrize("engine", ["vectorized", "fused", "separate"])
def test_noise_kinds_with_every_engine_and_resume(tmp_path, engine):
    matrix_file = tmp_path / "t.npy"
    np.save(matrix_file, np.asarray(MATRIX))
    base = dict(losses=("log_loss", "l2"), depths=(1,), seeds=(0, 1), epochs=2, engine=engine)
    configs = [
        _config(**base, noise_matrix=str(matrix_file), label_noise=(0.0,)),
        _config(**base, noise_matrix=str(matrix_file), label_noise=(0.0,), noisy_validation=True),
    ]
    counter = Counter()
    for config in configs:
        experiment.Runner(config, str(tmp_path), on_train=counter).run(sweep.grid(config), progress=False)
    records = {r["key"]: r for r in results.read_all(str(tmp_path))}
    assert set(records) == set().union(*map(_expected_keys, configs)) and len(records) == 16
    assert sorted(counter.runs) == sorted(records)
    again = Counter()  # Resume: every run is done, under any engine.
    for config in configs:
        other = dataclasses.replace(config, engine="fused" if engine != "fused" else "vectorized")
        experiment.Runner(other, str(tmp_path), on_train=again).run(sweep.grid(other), progress=False)
    assert again.runs == []
    # Noisy validation changes only what validation sees: the same training, so the same test curves.
    for key, record in records.items():
        if record["noisy_validation"]:
            plain = records[key.replace("/noisy_validation=True", "")]
            assert record["test_accuracy"] == pytest.approx(plain["test_accuracy"], abs=1e-6)
            assert record.get("realised_transition_counts") == plain.get("realised_transition_counts")
    flipped = [r for r in records.values() if r["noisy_validation"] and r["noise_type"] != "symmetric"]
    assert any(
        r["val_accuracy"] != records[r["key"].replace("/noisy_validation=True", "")]["val_accuracy"] for r in flipped
    )
    from zoo.report import paired, statistics

    reportable = statistics.reportable(list(records.values()))
    conditions = statistics.noise_conditions(reportable)
    assert len(conditions) == 4 and sum(c.noisy_validation for c in conditions) == 2
    values = statistics.per_seed(reportable, statistics.condition, statistics.final_accuracy)
    for condition in conditions:  # Paired by seed within each noise condition, both seeds in every pair.
        difference = paired.difference(values[(condition, "l2")], values[(condition, "log_loss")])
        assert difference.seeds == 2 and difference.method == "t"


def test_the_options_have_one_place_and_the_command_lists_where_it_differs():
    """`compare_losses`, `prepare` and the flags take their defaults from `SweepConfig`; the
    differences are declared (`plan.API_DEFAULTS`, `compare.COMMAND_DEFAULTS`) and listed here."""
    import inspect

    from zoo import comparison
    from zoo.sweeps import plan

    defaults = sweep.defaults()
    for function in (comparison.compare_losses, plan.prepare):
        parameters = inspect.signature(function).parameters
        assert set(sweep.OPTIONS) <= set(parameters), function
        own = {n: p.default for n, p in parameters.items() if n in defaults and p.default != defaults[n]}
        assert own == {"depths": None}, function  # None: the families' (1, 2, 3), a builder's own.
    extra = set(inspect.signature(comparison.compare_losses).parameters) - set(sweep.OPTIONS)
    assert extra == {"model", "data", "out", "tensorboard", "progress"}
    own = {n: FLAGS[n].default for n in compare.SWEEP_FLAGS if FLAGS[n].default != compare.flag_text(defaults[n])}
    assert own == {"label_noise": "0,0.4"}  # The demo: clean and 40 % noise; compare_losses: clean only.
    assert (FLAGS["out"].default, comparison.RUN_OPTIONS["out"].default) == ("runs/compare", None)
    for name in ("tensorboard", "progress"):
        assert FLAGS[name].default == comparison.RUN_OPTIONS[name].default
    assert set(compare.SWEEP_FLAGS) == set(defaults) - {"validation_split"}
    with parsed_flags(["zoo.compare"]):
        config = compare.sweep_config(compare.flag_values())
    assert config == sweep.SweepConfig(losses=sweep.resolve_losses(["default"]), label_noise=(0.0, 0.4))


def test_an_unknown_keyword_names_close_matches():
    import zoo

    with pytest.raises(TypeError, match=r"^compare_losses\(\) got an unexpected keyword argument 'epoch'\. "):
        zoo.compare_losses("mlp", "digits", epoch=2)
    with pytest.raises(TypeError, match=r"Did you mean: 'epochs'\?$"):
        zoo.compare_losses("mlp", "digits", epoch=2)
