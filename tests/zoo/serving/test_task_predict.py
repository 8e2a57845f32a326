"""`python -m zoo.predict` for multi-label taggers and dense models (issue 28): per-label probabilities and the
labels over a threshold; per-position classes (and probabilities) in an `.npz` with a class-histogram summary.
Values are checked against the models' own outputs (float64 sigmoid / softmax / argmax of their logits)."""

import json

import keras
import numpy as np
import pytest

from tests.zoo.serving.test_predict import _cli, _expect_error, _read_csv, _run
from tests.zoo.serving.test_task_serving import _sigmoid, _softmax
from zoo.models.unet import unet
from zoo.serving import Predictor, export

TAGS = ("cat", "dog", "sky", "car")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """A tiny tagger (4 label logits) and a tiny U-Net (3 classes per position), as .keras and exported."""
    directory = tmp_path_factory.mktemp("task_predict")
    keras.utils.set_random_seed(0)
    tagger = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4)])
    segmenter = unet((8, 8, 1), 3, depth=1, width=4)
    rng = np.random.default_rng(0)
    x_tags = rng.normal(size=(7, 6)).astype("float32")
    x_masks = rng.normal(size=(3, 8, 8, 1)).astype("float32")
    np.save(directory / "tags.npy", x_tags)
    np.save(directory / "masks.npy", x_masks)
    tagger.save(directory / "tagger.keras")
    segmenter.save(directory / "unet.keras")
    export(tagger, str(directory / "tagger"), task="multi_label", class_names=TAGS)
    export(segmenter, str(directory / "unet"), task="dense")
    return {
        "dir": directory,
        "tag_probabilities": _sigmoid(tagger(x_tags).numpy().astype(np.float64)),
        "mask_logits": segmenter(x_masks, training=False).numpy().astype(np.float64),
        "x_masks": x_masks,
        **{name: str(directory / name) for name in ("tags.npy", "masks.npy", "tagger.keras", "unet.keras")},
        "tagger": str(directory / "tagger"),
        "unet": str(directory / "unet"),
    }


def test_an_exported_tagger_in_a_fresh_process_writes_per_label_probabilities_and_the_labels_over_a_threshold(
    models, tmp_path
):
    out = tmp_path / "tags.csv"
    done = _run(f"--model={models['tagger']}", f"--input={models['tags.npy']}", f"--output={out}", "--threshold=0.3")
    assert done.returncode == 0, done.stderr[-2000:]
    rows, expected = _read_csv(out), models["tag_probabilities"]
    assert list(rows[0]) == ["input", "labels", *(f"probability_{tag}" for tag in TAGS)]  # Names stored at export.
    for row, p in zip(rows, expected, strict=True):
        np.testing.assert_allclose([float(row[f"probability_{tag}"]) for tag in TAGS], p, rtol=1e-5)
        assert row["labels"] == ";".join(tag for tag, q in zip(TAGS, p) if q >= 0.3)
    assert 0 < sum(len(row["labels"].split(";")) for row in rows if row["labels"]) < 4 * len(rows)  # A real cut.


def test_a_keras_tagger_is_single_label_unless_told_and_then_prints_and_writes_json(models, tmp_path, capsys):
    """The rule: a .keras model with (N, K) outputs cannot be told from a one-vs-all classifier, so it
    serves single-label probabilities (rows summing to 1) until --task=multi_label says it is a tagger."""
    _cli(f"--model={models['tagger.keras']}", f"--input={models['tags.npy']}", "--top_k=1")
    assert capsys.readouterr().out.splitlines()[0].split()[:2] == ["input", "class"]

    _cli(f"--model={models['tagger.keras']}", f"--input={models['tags.npy']}", "--task=multi_label")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["input", "labels"]
    first = models["tag_probabilities"][0]
    assert lines[1].split()[1].rstrip(",") == ("(none)" if first.max() < 0.5 else str(int(np.argmax(first >= 0.5))))
    assert f"0: {first[0]:.3f}" in lines[1]

    out = tmp_path / "tags.json"
    _cli(f"--model={models['tagger.keras']}", f"--input={models['tags.npy']}", "--task=multi_label", f"--output={out}")
    rows = json.loads(out.read_text())
    for row, p in zip(rows, models["tag_probabilities"], strict=True):
        np.testing.assert_allclose(row["probabilities"], p, rtol=1e-5)
        assert row["labels"] == [int(k) for k in np.flatnonzero(p >= 0.5)]
    assert Predictor.from_path(models["tagger.keras"], task="multi_label").task == "multi_label"


def test_an_exported_unet_in_a_fresh_process_writes_classes_and_probabilities_to_npz(models, tmp_path):
    out = tmp_path / "masks.npz"
    done = _run(f"--model={models['unet']}", f"--input={models['masks.npy']}", f"--output={out}", "--probabilities")
    assert done.returncode == 0, done.stderr[-2000:]
    logits = models["mask_logits"]
    with np.load(out) as saved:
        assert sorted(saved.files) == ["classes", "inputs", "probabilities"]
        assert saved["classes"].dtype == np.int32 and np.array_equal(saved["classes"], logits.argmax(-1))
        np.testing.assert_allclose(saved["probabilities"], _softmax(logits), rtol=1e-4, atol=1e-6)
        assert list(saved["inputs"]) == ["masks.npy[0]", "masks.npy[1]", "masks.npy[2]"]
    # The summary: each input's share of positions per predicted class, largest first.
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["input", "positions"] and len(lines) == 4
    for line, mask in zip(lines[1:], logits.argmax(-1)):
        counts = np.bincount(mask.ravel(), minlength=3)
        shares = [f"{c}: {counts[c] / 64:.1%}" for c in np.argsort(-counts, kind="stable") if counts[c]]
        assert line.split(None, 2)[1:] == ["64", "  ".join(shares)]
    assert "Wrote 3 masks of shape (8, 8) to" in done.stderr


def test_a_keras_unet_is_dense_by_its_output_shape_and_marks_non_finite_inputs(models, tmp_path, capsys):
    x = models["x_masks"].copy()
    x[1, 2, 3, 0] = np.nan
    np.save(tmp_path / "nan.npy", x)
    out = tmp_path / "masks.npz"
    _cli(f"--model={models['unet.keras']}", f"--input={tmp_path / 'nan.npy'}", f"--output={out}", "--allow_nan")
    with np.load(out) as saved:
        classes = saved["classes"]
        assert "probabilities" not in saved.files  # Only on request.
    expected = models["mask_logits"].argmax(-1)
    assert np.array_equal(classes[[0, 2]], expected[[0, 2]]) and (classes[1] == -1).all()
    assert "not predicted: the input holds NaN/Inf" in capsys.readouterr().out.splitlines()[2]


@pytest.mark.parametrize(
    "model,output,args,fragments",
    [
        ("unet", "m.csv", [], ["m.csv: a dense model's per-position classes are written to .npz (masks in CSV"]),
        ("unet.keras", "m.json", ["--task=dense"], ["use --output=NAME.npz"]),
        ("tagger", "t.npz", ["--task=dense"], ["was exported for the multi_label task", "with task='dense'"]),
        ("tagger.keras", "t.npz", ["--task=dense"], ["a dense model outputs (N, d1, ..., K)", "outputs (N, 4)."]),
        ("unet.keras", "m.csv", ["--task=multi_label"], ["a multi_label model outputs (N, K)", "(N, 8, 8, 3)."]),
        ("tagger", "t.csv", ["--threshold=1.5"], ["--threshold=1.5: must be in (0, 1)"]),
        ("tagger", "t.csv", ["--probabilities"], ["--probabilities writes a dense model's", "model is multi_label"]),
        ("tagger", "t.npz", [], [".npz holds a dense model's masks; write a multi_label model's predictions to .csv"]),
    ],
)
def test_task_mismatches_are_one_line_errors_leaving_no_file(models, tmp_path, capsys, model, output, args, fragments):
    inputs = models["masks.npy" if "unet" in model else "tags.npy"]
    out = tmp_path / output
    _expect_error(capsys, [f"--model={models[model]}", f"--input={inputs}", *args], out, *fragments)
    assert not out.exists()
