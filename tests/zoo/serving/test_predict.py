"""`python -m zoo.predict` (`zoo.serving.predict`): arrays and images in, a table / CSV / JSON out, one-line errors."""

import csv
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from absl import flags
from PIL import Image

import keras_losses
from tests.fixtures import bad_files
from tests.paths import REPO
from zoo import serving
from zoo.serving import predict

SHAPE, CLASSES = (8, 8, 1), 10


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A digits-shaped logits model saved as .keras and as a SavedModel, and inputs."""
    directory = tmp_path_factory.mktemp("predict")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(CLASSES)])
    model.compile(optimizer="adam", loss=keras_losses.for_logits("tanimoto"))
    x = np.random.default_rng(0).uniform(size=(12,) + SHAPE).astype(np.float32)
    model.fit(x, np.arange(12) % CLASSES, epochs=1, verbose=0)
    model.save(directory / "model.keras")
    serving.export(model, str(directory / "exported"))
    np.save(directory / "x.npy", x)
    return {
        "dir": directory,
        "model": model,
        "keras": str(directory / "model.keras"),
        "saved": str(directory / "exported"),
        "x": x,
        "npy": str(directory / "x.npy"),
    }


def _probabilities(model, x):
    return _softmax(np.asarray(model(x)))


def _cli(*args):
    """Runs the command's main in-process with fresh flags; returns nothing or raises SystemExit."""
    flag_values = flags.FlagValues()
    predict.define_flags(flag_values)
    argv = flag_values(["zoo.predict", *args])
    predict.main(argv, flag_values)


def _read_csv(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def _check_rows(rows, probabilities, top_k):
    """CSV rows hold the argmax class and the top-k classes with their probabilities."""
    assert len(rows) == len(probabilities)
    for row, p in zip(rows, probabilities):
        ranked = np.argsort(-p)[:top_k]
        assert int(row["class"]) == ranked[0]
        for i, c in enumerate(ranked, start=1):
            assert int(row[f"top{i}_class"]) == c
            assert float(row[f"top{i}_probability"]) == pytest.approx(p[c], rel=1e-4)
        assert f"top{top_k + 1}_class" not in row


@pytest.mark.parametrize("kind", ["keras", "saved"])
def test_npy_to_csv(files, tmp_path, kind):
    out = tmp_path / "out.csv"
    _cli(f"--model={files[kind]}", f"--input={files['npy']}", f"--output={out}", "--top_k=3")
    rows = _read_csv(out)
    _check_rows(rows, _probabilities(files["model"], files["x"]), 3)
    assert rows[0]["input"] == "x.npy[0]"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]  # no temporary file left


def test_json_output(files, tmp_path):
    out = tmp_path / "out.json"
    _cli(f"--model={files['saved']}", f"--input={files['npy']}", f"--output={out}", "--top_k=2")
    records = json.loads(out.read_text())
    probabilities = _probabilities(files["model"], files["x"])
    assert len(records) == len(probabilities)
    for record, p in zip(records, probabilities):
        assert record["class"] == int(np.argmax(p))
        assert [t["class"] for t in record["top_k"]] == list(np.argsort(-p)[:2])
        np.testing.assert_allclose([t["probability"] for t in record["top_k"]], np.sort(p)[::-1][:2], rtol=1e-5)


def test_table_on_stdout(files, capsys):
    _cli(f"--model={files['keras']}", f"--input={files['npy']}", "--top_k=1")
    lines = capsys.readouterr().out.splitlines()
    classes = np.argmax(_probabilities(files["model"], files["x"]), axis=-1)
    assert lines[0].split()[:2] == ["input", "class"]
    assert [int(line.split()[1]) for line in lines[1:]] == list(classes)


def test_top_k_is_capped_at_the_number_of_classes(files, tmp_path):
    out = tmp_path / "out.csv"
    _cli(f"--model={files['keras']}", f"--input={files['npy']}", f"--output={out}", "--top_k=50")
    _check_rows(_read_csv(out), _probabilities(files["model"], files["x"]), CLASSES)


@pytest.mark.parametrize("arrays", [{"x": 0}, {"only": 0}, {"x_train": 1, "x_test": 0, "y_test": 2}])
def test_npz_inputs(files, tmp_path, arrays):
    x = files["x"]
    contents = {key: (x if which == 0 else np.zeros((3, 2))) for key, which in arrays.items()}
    np.savez(tmp_path / "in.npz", **contents)
    out = tmp_path / "out.csv"
    _cli(f"--model={files['keras']}", f"--input={tmp_path / 'in.npz'}", f"--output={out}")
    _check_rows(_read_csv(out), _probabilities(files["model"], x), 3)


def test_large_input_is_batched(files, tmp_path, capsys):
    x = np.random.default_rng(1).uniform(size=(300,) + SHAPE).astype(np.float32)
    np.save(tmp_path / "big.npy", x)
    out = tmp_path / "out.csv"
    _cli(f"--model={files['saved']}", f"--input={tmp_path / 'big.npy'}", f"--output={out}", "--batch_size=64")
    _check_rows(_read_csv(out), _probabilities(files["model"], x), 3)
    assert "Wrote 300 predictions" in capsys.readouterr().err


def test_images_from_a_directory_and_a_glob(files, tmp_path):
    """8x8 grayscale PNGs map to pixels/255; a 16x16 RGB gray image is converted and resized."""
    rng = np.random.default_rng(3)
    images = tmp_path / "images"
    images.mkdir()
    pixels = rng.integers(0, 256, size=(3, 8, 8), dtype=np.uint8)
    for i, p in enumerate(pixels):
        Image.fromarray(p, mode="L").save(images / f"digit{i}.png")
    Image.fromarray(np.full((16, 16, 3), 200, np.uint8), mode="RGB").save(images / "gray.png")
    (images / "notes.txt").write_text("ignored: not an image")
    out = tmp_path / "out.csv"

    _cli(f"--model={files['keras']}", f"--input={images}", f"--output={out}")
    x = np.concatenate([pixels / 255.0, np.full((1, 8, 8), 200 / 255.0)])[..., None]
    rows = _read_csv(out)
    assert [r["input"] for r in rows] == ["digit0.png", "digit1.png", "digit2.png", "gray.png"]
    _check_rows(rows, _probabilities(files["model"], x.astype(np.float32)), 3)

    _cli(f"--model={files['keras']}", f"--input={images}/digit*.png", f"--output={out}", "--mean=0.5", "--std=0.25")
    x = (pixels / 255.0 - 0.5) / 0.25
    _check_rows(_read_csv(out), _probabilities(files["model"], x[..., None].astype(np.float32)), 3)


# ---------------------------------------------------------------- errors


def _bad_model(files, tmp_path, kind):
    source = files["dir"] / "model.keras"
    return {
        "truncated": lambda: bad_files.truncated(source, tmp_path / "t.keras"),
        "corrupt": lambda: bad_files.corrupted(source, tmp_path / "c.keras"),
        "not_a_model": lambda: bad_files.not_a_model(tmp_path / "n.keras"),
        "unknown_loss": lambda: bad_files.with_loss(source, tmp_path / "u.keras", "keras_losses>NoSuchLoss"),
    }[kind]()


def _expect_error(capsys, args, out, *fragments):
    with pytest.raises(SystemExit) as exit_info:
        _cli(*args, f"--output={out}")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("zoo.predict: error:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in errors[0]
    return errors[0]


@pytest.mark.parametrize(
    "kind,fragment",
    [
        ("truncated", "truncated"),
        ("corrupt", "corrupt"),
        ("not_a_model", "not a .keras model"),
        (
            "unknown_loss",
            f"'keras_losses>NoSuchLoss', which the installed keras_losses {keras_losses.__version__} does not know",
        ),
    ],
)
def test_bad_model_file(files, tmp_path, capsys, kind, fragment):
    model = _bad_model(files, tmp_path, kind)
    out = tmp_path / "out.csv"
    _expect_error(capsys, [f"--model={model}", f"--input={files['npy']}"], out, fragment, str(model))
    assert not out.exists()


def test_wrong_input_shape_keeps_the_old_output(files, tmp_path, capsys):
    np.save(tmp_path / "wrong.npy", np.zeros((4, 5), np.float32))
    out = tmp_path / "out.csv"
    out.write_text("previous results\n")
    _expect_error(
        capsys,
        [f"--model={files['keras']}", f"--input={tmp_path / 'wrong.npy'}"],
        out,
        "shape (4, 5)",
        "expects (N, 8, 8, 1)",
    )
    assert out.read_text() == "previous results\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv", "wrong.npy"]


@pytest.mark.parametrize(
    "make_input,fragment",
    [
        (lambda d: bad_files.unreadable_image(d / "broken.png"), "unreadable image"),
        (lambda d: d / "absent.npy", "no such file"),
        (lambda d: bad_files.not_a_model(d / "text.npy"), "not a readable .npy/.npz"),
        (lambda d: d / "nothing*.png", "matches no files"),
        (lambda d: bad_files.not_a_model(d / "data.txt"), "unsupported input type"),
    ],
)
def test_bad_input_file(files, tmp_path, capsys, make_input, fragment):
    source = make_input(tmp_path)
    out = tmp_path / "out.json"
    _expect_error(capsys, [f"--model={files['saved']}", f"--input={source}"], out, fragment)
    assert not out.exists()


def test_ambiguous_npz(files, tmp_path, capsys):
    np.savez(tmp_path / "two.npz", a=files["x"], b=files["x"])
    _expect_error(
        capsys,
        [f"--model={files['keras']}", f"--input={tmp_path / 'two.npz'}"],
        tmp_path / "out.csv",
        "cannot tell which array",
        "found: a, b",
    )


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--input=x.npy"], "--model is required"),
        (["--model=absent.keras", "--input=x.npy"], "no such file"),
        (["--model={keras}", "--input={npy}", "--mean=a,b"], "comma-separated numbers"),
        (["--model={keras}", "--input={npy}", "--std=1,2"], "std needs 1 value, got 2"),
    ],
)
def test_bad_flags(files, tmp_path, capsys, args, fragment):
    args = [a.format(**files) for a in args]
    _expect_error(capsys, args, tmp_path / "out.csv", fragment)
    assert not (tmp_path / "out.csv").exists()


def test_bad_output_extension(files, tmp_path, capsys):
    with pytest.raises(SystemExit):
        _cli(f"--model={files['keras']}", f"--input={files['npy']}", f"--output={tmp_path}/o.txt")
    assert "unsupported format '.txt'" in capsys.readouterr().err
    assert not (tmp_path / "o.txt").exists()


# ---------------------------------------------------------------- the real command line


def _run(*args, module="zoo.predict"):
    env = {**os.environ, "PYTHONPATH": REPO, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )


def test_command_line_end_to_end(files, tmp_path):
    out = tmp_path / "out.csv"
    ok = _run(f"--model={files['keras']}", f"--input={files['npy']}", f"--output={out}")
    assert ok.returncode == 0, ok.stderr[-2000:]
    _check_rows(_read_csv(out), _probabilities(files["model"], files["x"]), 3)

    bad = bad_files.with_loss(files["dir"] / "model.keras", tmp_path / "u.keras", "keras_losses>NoSuchLoss")
    failed = _run(f"--model={bad}", f"--input={files['npy']}", f"--output={tmp_path / 'no.csv'}")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert failed.stderr.strip().splitlines()[-1].startswith("zoo.predict: error:")
    assert "NoSuchLoss" in failed.stderr
    assert not (tmp_path / "no.csv").exists()


def test_the_command_runs_under_both_module_names(files, tmp_path):
    """`python -m zoo.serving.predict` is the same command as the documented `python -m zoo.predict`."""
    out = tmp_path / "out.json"
    ok = _run(
        f"--model={files['saved']}",
        f"--input={files['npy']}",
        f"--output={out}",
        "--top_k=1",
        module="zoo.serving.predict",
    )
    assert ok.returncode == 0, ok.stderr[-2000:]
    rows = json.loads(out.read_text())
    assert [row["class"] for row in rows] == list(np.argmax(_probabilities(files["model"], files["x"]), axis=-1))


# ---------------------------------------------------------------- NaN/Inf inputs and class names


@pytest.fixture
def nan_inputs(files, tmp_path):
    x = files["x"].copy()
    x[3, 0, 0, 0], x[7, 4, 4, 0] = np.nan, -np.inf
    np.save(tmp_path / "nan.npy", x)
    return str(tmp_path / "nan.npy"), x


@pytest.mark.parametrize("kind", ["keras", "saved"])
def test_inputs_with_nan_or_inf_are_refused_naming_how_many(files, tmp_path, capsys, nan_inputs, kind):
    out = tmp_path / "out.csv"
    error = _expect_error(capsys, [f"--model={files[kind]}", f"--input={nan_inputs[0]}"], out)
    assert error == (
        f"zoo.predict: error: {nan_inputs[0]}: 2 of 12 inputs contain NaN or Inf values (first: nan.npy[3]); "
        "fix them, or pass --allow_nan to predict the others and mark these rows."
    )
    assert not out.exists()


@pytest.mark.parametrize("kind", ["keras", "saved"])
def test_allow_nan_marks_those_rows_and_predicts_the_others(files, tmp_path, nan_inputs, kind):
    out = tmp_path / "out.json"
    _cli(f"--model={files[kind]}", f"--input={nan_inputs[0]}", f"--output={out}", "--allow_nan", "--top_k=2")
    rows = json.loads(out.read_text())
    probabilities = _probabilities(files["model"], files["x"])
    for index, row in enumerate(rows):
        if index in (3, 7):
            assert row == {"input": f"nan.npy[{index}]", "class": -1, "top_k": [], "non_finite_input": True}
        else:
            assert row["class"] == int(np.argmax(probabilities[index])) and "non_finite_input" not in row
    csv_out = tmp_path / "out.csv"
    _cli(f"--model={files[kind]}", f"--input={nan_inputs[0]}", f"--output={csv_out}", "--allow_nan", "--top_k=2")
    marked = _read_csv(csv_out)[3]
    assert (marked["class"], marked["top1_class"], marked["top1_probability"]) == ("-1", "", "")


def test_class_names_from_the_flag_and_from_a_file(files, tmp_path, capsys):
    names = [f"digit{i}" for i in range(CLASSES)]
    probabilities = _probabilities(files["model"], files["x"])
    out = tmp_path / "out.csv"
    _cli(f"--model={files['keras']}", f"--input={files['npy']}", f"--output={out}", f"--class_names={','.join(names)}")
    rows = _read_csv(out)
    _check_rows(rows, probabilities, 3)
    for row, p in zip(rows, probabilities):
        ranked = np.argsort(-p)
        assert row["class_name"] == names[ranked[0]] and row["top2_name"] == names[ranked[1]]
    (tmp_path / "names.txt").write_text("\n".join(names) + "\n\n")
    _cli(
        f"--model={files['saved']}", f"--input={files['npy']}", "--top_k=1", f"--class_names=@{tmp_path / 'names.txt'}"
    )
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split()[1] for line in lines] == [names[c] for c in np.argmax(probabilities, axis=-1)]
    assert lines[0].split()[2] == names[int(np.argmax(probabilities[0]))] + ":"


def test_class_names_stored_at_export_are_printed(files, tmp_path, capsys):
    names = [f"n{i}" for i in range(CLASSES)]
    serving.export(files["model"], str(tmp_path / "named"), class_names=names)
    out = tmp_path / "out.json"
    _cli(f"--model={tmp_path / 'named'}", f"--input={files['npy']}", f"--output={out}", "--top_k=1")
    classes = np.argmax(_probabilities(files["model"], files["x"]), axis=-1)
    rows = json.loads(out.read_text())
    assert [r["class_name"] for r in rows] == [names[c] for c in classes]
    assert [r["top_k"][0]["class_name"] for r in rows] == [names[c] for c in classes]
    _cli(f"--model={tmp_path / 'named'}", f"--input={files['npy']}", "--class_names=" + ",".join("ABCDEFGHIJ"))
    first = capsys.readouterr().out.splitlines()[1].split()
    assert first[1] == "ABCDEFGHIJ"[classes[0]]  # The flag wins over the stored names.


@pytest.mark.parametrize(
    "value,fragment",
    [
        ("a,b,c", "3 class names for a model with 10 classes."),
        ("a,,c", "--class_names=a,,c: empty class name; give one name per class."),
        ("@/no/such/names.txt", "--class_names=@/no/such/names.txt: cannot read /no/such/names.txt"),
    ],
)
def test_bad_class_names(files, tmp_path, capsys, value, fragment):
    out = tmp_path / "out.csv"
    _expect_error(
        capsys, [f"--model={files['keras']}", f"--input={files['npy']}", f"--class_names={value}"], out, fragment
    )
    assert not out.exists()
