"""zoo.serving: SavedModel export that serves without this project, and load errors."""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_losses
import zoo
from tests.fixtures import bad_files
from tests.fixtures.make_fixtures import tiny_model, training_data
from zoo import serving

# A fresh interpreter where importing this project is impossible: TensorFlow alone.
TENSORFLOW_ALONE = textwrap.dedent("""
    import json, sys

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("keras_losses", "zoo", "tuning"):
                raise ImportError(f"serving must not import {name}")

    sys.meta_path.insert(0, Blocker())
    import numpy as np
    import tensorflow as tf
""")
SERVER = TENSORFLOW_ALONE + textwrap.dedent("""
    directory = sys.argv[1]
    out = {}
    for name in json.load(open(directory + "/exports.json")):
        served = tf.saved_model.load(f"{directory}/{name}")
        signature = served.signatures["serving_default"]
        x = np.load(f"{directory}/{name}.x.npy")
        result = signature(inputs=tf.constant(x))
        out[f"{name}/probabilities"] = result["probabilities"].numpy()
        out[f"{name}/class"] = result["class"].numpy()
        out[f"{name}/outputs"] = np.array(sorted(result))
    assert not {"keras_losses", "zoo", "tuning"} & set(sys.modules), sys.modules.keys()
    np.savez(directory + "/served.npz", **out)
""")


def _serve_alone(script, directory):
    """Runs `script` on `directory` in a fresh interpreter; it must exit 0 (a kernel abort is a signal)."""
    result = subprocess.run(
        [sys.executable, "-c", script, str(directory)],
        cwd=directory,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _trained(model, loss):
    x, y = training_data()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return model


def _models(tmp_path):
    """name -> (model, inputs, expected probabilities)."""
    x4 = training_data(n=20, seed=1)[0]
    x_img = np.random.default_rng(2).normal(size=(20, 8, 8, 1)).astype(np.float32)
    logits = _trained(tiny_model(), keras_losses.for_logits("focal", gamma=1.5))
    softmax = _trained(tiny_model("softmax"), "cauchy_schwarz")
    sigmoid = _trained(tiny_model("sigmoid"), "logistic")
    logits.save(tmp_path / "logits.keras")
    reloaded = serving.load(tmp_path / "logits.keras")
    mlp = zoo.build("mlp", depth=1, input_shape=(8, 8, 1), num_classes=10)
    mlp_probs = zoo.build("mlp", depth=1, input_shape=(8, 8, 1), num_classes=10, output="probabilities")
    cosine = _trained(
        zoo.build("mlp", depth=1, width=8, input_shape=(4,), num_classes=3, head="cosine"),
        keras_losses.for_logits("ldam", class_counts=[30, 20, 10]),
    )
    cosine.save(tmp_path / "cosine.keras")
    raw = lambda m, x: np.asarray(m(x))  # noqa: E731
    sig = raw(sigmoid, x4)
    return {
        "logits": (logits, x4, _softmax(raw(logits, x4))),
        "softmax": (softmax, x4, raw(softmax, x4)),
        "sigmoid": (sigmoid, x4, sig / sig.sum(axis=-1, keepdims=True)),
        "reloaded": (reloaded, x4, _softmax(raw(logits, x4))),
        "zoo_mlp": (mlp, x_img, _softmax(raw(mlp, x_img))),
        "zoo_mlp_probabilities": (mlp_probs, x_img, raw(mlp_probs, x_img)),
        "zoo_mlp_cosine": (cosine, x4, _softmax(raw(cosine, x4))),
        "zoo_mlp_cosine_reloaded": (serving.load(tmp_path / "cosine.keras"), x4, _softmax(raw(cosine, x4))),
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Exports every model, serves them all from one fresh process."""
    directory = tmp_path_factory.mktemp("serving")
    models = _models(directory)
    for name, (model, x, _) in models.items():
        assert serving.export(model, str(directory / name)) == str(directory / name)
        np.save(directory / f"{name}.x.npy", x)
    (directory / "exports.json").write_text(json.dumps(list(models)))
    _serve_alone(SERVER, directory)
    with np.load(directory / "served.npz") as out:
        return models, dict(out)


@pytest.mark.parametrize(
    "name",
    [
        "logits",
        "softmax",
        "sigmoid",
        "reloaded",
        "zoo_mlp",
        "zoo_mlp_probabilities",
        "zoo_mlp_cosine",
        "zoo_mlp_cosine_reloaded",
    ],
)
def test_served_without_project_matches_keras(served, name):
    models, out = served
    model, x, expected = models[name]
    assert list(out[f"{name}/outputs"]) == ["class", "probabilities"]
    probabilities, classes = out[f"{name}/probabilities"], out[f"{name}/class"]
    np.testing.assert_allclose(probabilities, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0, atol=1e-5)
    assert classes.dtype == np.int32
    np.testing.assert_array_equal(classes, np.argmax(np.asarray(model(x)), axis=-1))


@pytest.mark.parametrize(
    "build,kind",
    [
        (lambda: tiny_model(), "logits"),
        (lambda: tiny_model("softmax"), "probabilities"),
        (lambda: tiny_model("sigmoid"), "sigmoid"),
        (lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Softmax()]), "probabilities"),
        (lambda: zoo.build("mlp", depth=1, input_shape=(4,), num_classes=3, output="probabilities"), "probabilities"),
        (lambda: zoo.build("mlp", depth=1, input_shape=(4,), num_classes=3, head="cosine"), "logits"),
        (
            lambda: zoo.build("mlp", depth=1, input_shape=(4,), num_classes=3, head="cosine", output="probabilities"),
            "probabilities",
        ),
    ],
)
def test_output_kind_is_read_off_the_last_layer(build, kind):
    assert serving.output_kind(build()) == kind


def test_explicit_logits_argument_overrides_detection(tmp_path):
    model = tiny_model("softmax")
    x = training_data(n=5)[0]
    serving.export(model, str(tmp_path / "forced"), logits=True)
    predictor = serving.Predictor.from_path(str(tmp_path / "forced"))
    np.testing.assert_allclose(predictor(x), _softmax(np.asarray(model(x))), rtol=1e-5)


def test_export_replaces_a_saved_model_but_not_other_directories(tmp_path):
    first, second = tiny_model(seed=1), tiny_model(seed=2)
    x = training_data(n=5)[0]
    target = str(tmp_path / "model")
    serving.export(first, target)
    serving.export(second, target)
    np.testing.assert_allclose(serving.Predictor.from_path(target)(x), _softmax(np.asarray(second(x))), rtol=1e-5)
    assert [p for p in os.listdir(tmp_path) if p.startswith(".")] == []  # no staging left
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "keep.txt").write_text("precious")
    with pytest.raises(FileExistsError, match="not a SavedModel"):
        serving.export(first, str(tmp_path / "data"))
    assert (tmp_path / "data" / "keep.txt").read_text() == "precious"
    with pytest.raises(TypeError, match="keras.Model"):
        serving.export("model.keras", str(tmp_path / "other"))


def test_predictor_batches_agree_and_both_kinds_agree(tmp_path):
    model = _trained(tiny_model(), keras_losses.for_logits("poly1"))
    model.save(tmp_path / "m.keras")
    serving.export(model, str(tmp_path / "m"))
    x = training_data(n=70, seed=3)[0]
    from_keras = serving.Predictor.from_path(str(tmp_path / "m.keras"))
    from_saved = serving.Predictor.from_path(str(tmp_path / "m"))
    assert from_keras.input_shape == from_saved.input_shape == (4,)
    whole = from_keras(x)
    np.testing.assert_allclose(from_keras.predict(x, batch_size=16, progress=False), whole, rtol=1e-6)
    np.testing.assert_allclose(from_saved.predict(x, batch_size=32, progress=False), whole, rtol=1e-5)


def test_foreign_saved_model_single_output(tmp_path):
    """Keras's own `model.export` (one unnamed output) also serves via Predictor."""
    model = tiny_model()
    model.export(str(tmp_path / "keras_export"), verbose=False)
    x = training_data(n=6)[0]
    predictor = serving.Predictor.from_path(str(tmp_path / "keras_export"))
    np.testing.assert_allclose(predictor(x), _softmax(np.asarray(model(x))), rtol=1e-5)


@pytest.fixture(scope="module")
def saved_keras(tmp_path_factory):
    path = tmp_path_factory.mktemp("load") / "good.keras"
    _trained(tiny_model(), keras_losses.for_logits("gce")).save(path)
    return path


def _load_error(path):
    with pytest.raises(serving.ModelLoadError) as error:
        serving.load(path)
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    return message


def test_load_round_trip(saved_keras):
    model = serving.load(saved_keras)
    assert isinstance(model.loss, keras_losses.GeneralizedCrossEntropy)


def test_load_missing_path(tmp_path):
    assert "no such file" in _load_error(tmp_path / "absent.keras")


def test_load_truncated_file(saved_keras, tmp_path):
    assert "truncated" in _load_error(bad_files.truncated(saved_keras, tmp_path / "t.keras"))


def test_load_corrupt_file(saved_keras, tmp_path):
    assert "corrupt" in _load_error(bad_files.corrupted(saved_keras, tmp_path / "c.keras"))


def test_load_text_file(tmp_path):
    assert "not a .keras model" in _load_error(bad_files.not_a_model(tmp_path / "x.keras"))


def test_load_zip_that_is_not_keras(tmp_path):
    assert "no config.json" in _load_error(bad_files.zip_without_config(tmp_path / "z.keras"))


def test_load_directory_that_is_not_a_saved_model(tmp_path):
    assert "not a TensorFlow SavedModel" in _load_error(tmp_path)


@pytest.mark.parametrize("loss", ["keras_losses>NoSuchLoss", "no_such_loss"])
def test_load_unknown_loss_names_it_and_the_version(saved_keras, tmp_path, loss):
    path = bad_files.with_loss(saved_keras, tmp_path / "unknown.keras", loss)
    message = _load_error(path)
    assert repr(loss) in message
    assert f"keras_losses {keras_losses.__version__}" in message
    model = serving.load(path, compile=False)  # inference still possible, on request
    assert model.predict(training_data(n=3)[0], verbose=0).shape == (3, 3)


def test_load_loss_of_another_package_says_which(saved_keras, tmp_path):
    path = bad_files.with_loss(saved_keras, tmp_path / "other.keras", "other_pkg>Loss")
    assert "import the package 'other_pkg'" in _load_error(path)


# ---------------------------------------------------------------- bad requests, binary models, class names

# Serves each export of `guarded` with TensorFlow alone: wrongly shaped requests, a NaN row, the class names.
GUARDED_SERVER = TENSORFLOW_ALONE + textwrap.dedent("""
    directory = sys.argv[1]
    out = {}
    for name, case in json.load(open(directory + "/cases.json")).items():
        served = tf.saved_model.load(f"{directory}/{name}")
        signature = served.signatures["serving_default"]
        for shape in case["wrong_shapes"]:
            try:
                signature(inputs=tf.zeros(shape))
                out[f"{name} {shape}"] = "answered"
            except tf.errors.InvalidArgumentError as error:
                out[f"{name} {shape}"] = error.message
        x = np.load(f"{directory}/{name}.x.npy")
        result = signature(inputs=tf.constant(x))
        out[name] = {k: v.numpy().tolist() for k, v in result.items()}
        if "class_names" in served.signatures:
            names = served.signatures["class_names"]()["class_names"].numpy()
            out[name]["class_names"] = [n.decode() for n in names]
    assert not {"keras_losses", "zoo", "tuning"} & set(sys.modules), sys.modules.keys()
    json.dump(out, open(directory + "/served.json", "w"))
""")
IMAGE = (8, 8, 1)


def _guarded_models():
    """name -> (model, export options, wrong request shapes, inputs with NaN in row 1 and Inf in row 2)."""
    layers = keras.layers
    keras.utils.set_random_seed(3)
    cnn = zoo.build("cnn", depth=1, input_shape=IMAGE, num_classes=3)  # Global pooling: any image size fits.
    flat = keras.Sequential([keras.Input(IMAGE), layers.Flatten(), layers.Dense(3)])  # Any 64 values fit.
    binary = keras.Sequential([keras.Input((4,)), layers.Dense(1, activation="sigmoid")])
    binary_logit = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    images = np.random.default_rng(4).normal(size=(4,) + IMAGE).astype(np.float32)
    rows = np.random.default_rng(5).normal(size=(6, 4)).astype(np.float32)
    for x in (images, rows):
        x.reshape(len(x), -1)[1, 0], x.reshape(len(x), -1)[2, -1] = np.nan, np.inf
    wrong_images = [[2, 64], [2, 16, 16, 1], [2, 8, 8], [2, 8, 8, 1, 1]]
    return {
        "cnn": (cnn, {"class_names": ["cat", "dog", "bird"]}, wrong_images, images),
        "flat": (flat, {}, wrong_images, images),
        "binary": (binary, {"class_names": ["benign", "malignant"]}, [[2, 5], [2]], rows),
        "binary_logit": (binary_logit, {"logits": True}, [], rows),
    }


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    directory = tmp_path_factory.mktemp("guarded")
    models = _guarded_models()
    for name, (model, options, _, x) in models.items():
        serving.export(model, str(directory / name), **options)
        np.save(directory / f"{name}.x.npy", x)
    (directory / "cases.json").write_text(json.dumps({n: {"wrong_shapes": m[2]} for n, m in models.items()}))
    _serve_alone(GUARDED_SERVER, directory)
    return models, json.loads((directory / "served.json").read_text())


@pytest.mark.parametrize("name", ["cnn", "flat"])
def test_a_wrongly_shaped_request_is_rejected_not_answered(guarded, name):
    _, out = guarded
    for shape in _guarded_models()[name][2]:
        shown = ",".join(map(str, shape))
        expected = f"Shape of tensor inputs [{shown}] is not compatible with expected shape [?,8,8,1]."
        assert expected in out[f"{name} {shape}"], (shape, out[f"{name} {shape}"][:300])


@pytest.mark.parametrize("name", ["cnn", "flat", "binary", "binary_logit"])
def test_a_row_with_nan_or_inf_gets_nan_probabilities_and_class_minus_one(guarded, name):
    models, out = guarded
    model, _, _, x = models[name]
    probabilities, classes = np.array(out[name]["probabilities"], dtype=float), out[name]["class"]
    assert classes[1:3] == [-1, -1] and np.isnan(probabilities[1:3]).all()
    finite = np.array([0] + list(range(3, len(x))))
    expected = np.asarray(model(x[finite]))
    if name in ("cnn", "flat"):
        expected = _softmax(expected)
    else:  # One unit: p (or sigmoid of the logit) of class 1, served as [1 - p, p].
        p = expected[:, 0] if name == "binary" else 1 / (1 + np.exp(-expected[:, 0].astype(np.float64)))
        expected = np.stack([1 - p, p], axis=1)
    np.testing.assert_allclose(probabilities[finite], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(np.array(classes)[finite], np.argmax(expected, axis=-1))


def test_binary_wrong_request_and_class_names_are_served(guarded):
    _, out = guarded
    assert "Shape of tensor inputs [2,5] is not compatible with expected shape [?,4]." in out["binary [2, 5]"]
    assert "Shape of tensor inputs [2] is not compatible with expected shape [?,4]." in out["binary [2]"]
    assert out["cnn"]["class_names"] == ["cat", "dog", "bird"]
    assert out["binary"]["class_names"] == ["benign", "malignant"]
    assert "class_names" not in out["flat"]


def test_class_names_are_checked_at_export_and_read_by_the_predictor(tmp_path):
    model = tiny_model()  # Three classes.
    with pytest.raises(ValueError, match="^2 class names for a model with 3 classes; give one name per class.$"):
        serving.export(model, str(tmp_path / "bad"), class_names=["a", "b"])
    with pytest.raises(TypeError, match="not one string"):
        serving.export(model, str(tmp_path / "bad"), class_names="abc")
    assert not (tmp_path / "bad").exists()
    zoo.export(model, str(tmp_path / "named"), class_names=["a", "b", "c"])
    assert serving.Predictor.from_path(str(tmp_path / "named")).class_names == ("a", "b", "c")
    serving.export(model, str(tmp_path / "plain"))
    assert serving.Predictor.from_path(str(tmp_path / "plain")).class_names is None
