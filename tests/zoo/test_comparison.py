"""compare_losses on users' own models and data: the engines, softmax models, the records, the errors."""

import base64
import re
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
from sklearn import datasets as sk_datasets

import zoo
from tests.zoo.alone import train_alone
from zoo.engines import training, vectorized
from zoo.models import user_models
from zoo.sweeps import plan

ROOT = __file__.rsplit("/tests/", 1)[0]
# `engine="vectorized"`: the users' CNNs below train on it when asked (`auto` trains convolutions fused).
SMALL = {
    "losses": ["log_loss", "ovr_squared_hinge"],
    "seeds": (0, 1),
    "epochs": 2,
    "progress": False,
    "engine": "vectorized",
}
# Fields that differ between two runs of the same training (time, where and when).
TIMING = ("setting_wall_seconds", "wall_seconds", "finished_at", "fused_with", "versions")


def _digits(n=200):
    digits = sk_datasets.load_digits()
    return (digits.images[:n] / 16.0).astype(np.float32)[..., None], digits.target[:n].astype(np.int64)


@keras.saving.register_keras_serializable(package="test_comparison")
class Scale(keras.layers.Layer):
    """A user's own layer with a trainable weight: y = x * s."""

    def build(self, input_shape):
        self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.s


def own_cnn(input_shape, num_classes, dropout=0.0, softmax=False):
    inputs = keras.Input(input_shape)
    # No bias before BatchNorm: its gradient is float noise, which Adam would amplify differently per engine.
    h = keras.layers.Conv2D(4, 3, padding="same", use_bias=False)(inputs)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.Activation("relu")(h)
    h = keras.layers.Flatten()(h)
    h = Scale()(h)
    if dropout:
        h = keras.layers.Dropout(dropout)(h)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax" if softmax else None)(h))


def own_softmax_cnn(input_shape, num_classes):
    return own_cnn(input_shape, num_classes, softmax=True)


def own_dropout_cnn(input_shape, num_classes):
    return own_cnn(input_shape, num_classes, dropout=0.3)


def _same(a, b):
    """Records equal but for timing; accuracies equal, losses to float rounding."""
    assert [r["key"] for r in a] == [r["key"] for r in b]
    for x, y in zip(a, b):
        for field in x:
            if field in TIMING:
                continue
            if field == "train_loss":
                np.testing.assert_allclose(x[field], y[field], rtol=1e-5, atol=1e-6)
            else:
                assert x[field] == y[field], field


def test_own_functional_model_trains_vectorized_each_member_as_alone():
    """BatchNorm and a registered custom layer: every member equals the model trained alone."""
    x, y = _digits(72)
    builder = user_models.UserModel(own_cnn)
    variants = [vectorized.Variant(seed, x, y, {"val": (x[:30], y[:30])}) for seed in (3, 4)]
    members = [(loss, v) for loss in ("log_loss", "ovr_squared_hinge") for v in range(2)]
    spec = training.TrainSpec(epochs=2, batch_size=32, optimizer="adam", learning_rate=0.01)
    trainer = vectorized.VectorizedTrainer(members, variants, builder, {}, x.shape[1:], 10, spec)
    histories = trainer.run()
    for m, (loss, v) in enumerate(members):
        seed_spec = training.TrainSpec(**{**spec.__dict__, "seed": variants[v].seed})
        alone, accuracies = train_alone(
            loss, x, y, seed_spec, model=builder, num_classes=10, eval_data=variants[v].eval_data
        )
        for got, want in zip(trainer.member_weights(m), [w.numpy() for w in alone.trainable_variables]):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{loss} variant {v}")
        assert histories[m]["val_accuracy"] == pytest.approx(accuracies["val"])


def test_dropout_model_trains_through_compare_losses_on_the_vectorized_engine():
    result = zoo.compare_losses(own_dropout_cnn, _digits(), **SMALL)
    assert isinstance(result, zoo.Comparison) and result.out is None
    assert len(result.records) == 4
    assert {r["engine"] for r in result.records} == {"vectorized"}
    assert {r["model"] for r in result.records} == {"own_dropout_cnn"}
    assert all(len(r["test_accuracy"]) == 2 and r["final_test_accuracy"] is not None for r in result.records)
    assert "log_loss" in result.summary() and "own_dropout_cnn" in result._repr_markdown_()


def test_softmax_ended_model_gives_the_records_of_its_logits_twin():
    data = _digits()
    with_softmax = zoo.compare_losses(own_softmax_cnn, data, **SMALL)
    logits = zoo.compare_losses(user_models.UserModel(own_cnn, label="own_softmax_cnn"), data, **SMALL)
    _same(with_softmax.records, logits.records)


def test_builder_and_model_instance_give_the_same_records():
    data = _digits()
    instance = own_cnn((8, 8, 1), 10)
    instance.name = "own_cnn"
    _same(zoo.compare_losses(own_cnn, data, **SMALL).records, zoo.compare_losses(instance, data, **SMALL).records)


def test_fallback_to_fused_is_reported_and_recorded(monkeypatch, capsys):
    monkeypatch.setattr(plan, "probe_vectorized", lambda *args: "TypeError: cannot vectorize this op")
    result = zoo.compare_losses(own_cnn, _digits(), **SMALL)
    assert {r["engine"] for r in result.records} == {"fused"}
    assert "own_cnn: the vectorized engine does not run it (TypeError: cannot vectorize this op)" in (
        capsys.readouterr().err
    )


def test_auto_trains_a_users_convolutional_model_fused_and_a_dense_one_vectorized(monkeypatch):
    """`auto` as for the zoo's families: stacked convolutions run slower on CPU (benchmarks/bench_tasks.py),
    so a model with a convolution anywhere, nested models included, is not even probed."""
    probed = []
    monkeypatch.setattr(plan, "probe_vectorized", lambda builder, *args: probed.append(builder))

    def nested_cnn(input_shape, num_classes):
        inner = keras.Sequential([keras.Input(input_shape), keras.layers.DepthwiseConv2D(3), keras.layers.Flatten()])
        inputs = keras.Input(input_shape)
        return keras.Model(inputs, keras.layers.Dense(num_classes)(inner(inputs)))

    def own_mlp(input_shape, num_classes):
        inputs = keras.Input(input_shape)
        return keras.Model(inputs, keras.layers.Dense(num_classes)(keras.layers.Flatten()(inputs)))

    auto = {**SMALL, "engine": "auto", "seeds": (0,), "epochs": 1}
    for builder, engine in ((own_cnn, "fused"), (nested_cnn, "fused"), (own_mlp, "vectorized")):
        records = zoo.compare_losses(builder, _digits(), **auto).records
        assert {r["engine"] for r in records} == {engine}, builder.__name__
    assert [getattr(b, "__name__", b) for b in probed] == ["own_mlp"]


def test_results_written_with_out_and_a_rerun_resumes(tmp_path):
    first = zoo.compare_losses(own_cnn, _digits(), out=str(tmp_path), **SMALL)
    assert (tmp_path / "results.jsonl").exists() and first.out == str(tmp_path)
    again = zoo.compare_losses(own_cnn, _digits(), out=str(tmp_path), **SMALL)
    assert [r["finished_at"] for r in again.records] == [r["finished_at"] for r in first.records]
    path = first.report(str(tmp_path / "report"))
    assert "own_cnn" in open(path).read() and "dNone" not in open(path).read()
    best = first.best()
    assert [b.loss in SMALL["losses"] for b in best] == [True]
    assert "log_loss" in first.paired()
    figures = first.plots()
    assert "Learning curves per loss (validation accuracy)" in figures
    assert all(figure.get_figwidth() > 1 for figure in figures.values())
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"^Comparison.to_frame needs pandas, not installed: pip install pandas$"):
            first.to_frame()
    else:
        assert list(first.to_frame()["key"]) == [r["key"] for r in first.records]


@pytest.mark.parametrize(
    "model,options,message",
    [
        (own_cnn, {"depths": (2,)}, "depths given, but builder 'own_cnn' takes no depth= keyword argument."),
        (own_cnn, {"width": 8}, "width given, but builder 'own_cnn' takes no width= keyword argument."),
        (lambda s, k: own_cnn(s, k + 1), {}, "needs (10,), one score per class."),
        (
            lambda s, k: keras.Model(
                *(lambda i: (i, [keras.layers.Dense(k)(keras.layers.Flatten()(i))] * 2))(keras.Input(s))
            ),
            {},
            "has 2 outputs; the comparison needs one",
        ),
        ("mpl", {}, "Unknown model 'mpl'. Did you mean: 'mlp'?"),
        (own_cnn, {"head": "cosine"}, "head='cosine' applies to the zoo's families (mlp, cnn, resnet, unet) only"),
        ("mlp", {"head": "normed"}, "head must be one of 'linear', 'cosine', got 'normed'."),
    ],
    ids=["depth", "width", "width-mismatch", "two-outputs", "unknown-name", "head-own-model", "head-unknown"],
)
def test_bad_models_are_one_line_errors_before_training(model, options, message):
    with pytest.raises(ValueError) as error:
        zoo.compare_losses(model, _digits(), **{**SMALL, **options})
    assert message in str(error.value) and "\n" not in str(error.value)


def test_cosine_head_sweep_trains_on_the_vectorized_and_the_fused_engine():
    """LDAM in its authors' setting: both engines train the cosine-head MLP, to the same records."""
    common = dict(losses=["ldam", "log_loss"], seeds=(0,), depths=(1,), width=16, epochs=2, progress=False)
    found = {
        engine: zoo.compare_losses("mlp", "digits", head="cosine", engine=engine, **common).records
        for engine in ("vectorized", "fused")
    }
    for engine, records in found.items():
        assert sorted(r["loss"] for r in records) == ["ldam", "log_loss"]
        assert {r["head"] for r in records} == {"cosine"} and {r["engine"] for r in records} == {engine}
        assert all("/depth=1/width=16/head=cosine/" in r["key"] for r in records)
    vectorized, fused = (sorted(found[e], key=lambda r: r["loss"]) for e in ("vectorized", "fused"))
    for a, b in zip(vectorized, fused):
        assert a["key"] == b["key"]
        for field in ("train_accuracy", "val_accuracy", "test_accuracy"):  # (Fused logs losses unweighted by batch.)
            assert a[field] == pytest.approx(b[field]), field
    linear = zoo.compare_losses("mlp", "digits", engine="vectorized", **common).records
    assert {r["head"] for r in linear} == {None}
    ldam = {r["head"]: r["train_loss"] for r in linear + vectorized if r["loss"] == "ldam"}
    assert not np.allclose(ldam[None], ldam["cosine"], rtol=1e-3)  # The head changed the training.


def test_registered_builder_works_as_a_family_name():
    zoo.models.register("own_registered_cnn")(own_softmax_cnn)
    try:
        model = zoo.build("own_registered_cnn", input_shape=(8, 8, 1), num_classes=10)
        assert model.layers[-1].activation is keras.activations.linear  # Cut to its logits.
        result = zoo.compare_losses("own_registered_cnn", _digits(), **SMALL)
        assert {r["model"] for r in result.records} == {"own_registered_cnn"}
        assert {r["engine"] for r in result.records} == {"vectorized"}
    finally:
        zoo.models.unregister("own_registered_cnn")


def test_command_line_model_from_a_file(tmp_path):
    (tmp_path / "my_models.py").write_text(
        textwrap.dedent(
            """
            import keras

            def build(input_shape, num_classes, width=8):
                return keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                                         keras.layers.Dense(width, activation="relu"),
                                         keras.layers.Dense(num_classes, activation="softmax")])

            def plain(input_shape, num_classes):
                return build(input_shape, num_classes)
            """
        )
    )
    common = ["--losses=log_loss,l2", "--seeds=0", "--epochs=1", "--label_noise=0", "--noprogress"]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "zoo.compare",
            f"--model={tmp_path}/my_models.py:build",
            "--width=4",
            f"--out={tmp_path}/out",
            *common,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "model=build/width=4/label_noise=0" in (tmp_path / "out" / "results.jsonl").read_text()
    assert "width=4" in (tmp_path / "out" / "results.jsonl").read_text()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "zoo.compare",
            f"--model={tmp_path}/my_models.py:plain",
            "--depths=2",
            f"--out={tmp_path}/bad",
            *common,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1] == (
        "error: --depths given, but builder 'plain' takes no depth= keyword argument."
    )


def test_string_labels_reach_the_records_and_the_report(tmp_path):
    import numpy as np

    import zoo

    rng = np.random.default_rng(0)
    x = rng.normal(size=(240, 4)).astype("float32")
    y = np.array(["ant", "bee", "cow"])[rng.integers(0, 3, 240)]
    comparison = zoo.compare_losses(
        "mlp", (x, y), losses="log_loss", seeds=(0,), depths=(1,), epochs=1, imbalance=(1, 5), progress=False
    )
    assert {tuple(r["class_names"]) for r in comparison.records} == {("ant", "bee", "cow")}
    text = open(comparison.report(str(tmp_path))).read()
    assert "Classes (0 … 2 in records): `ant`, `bee`, `cow`." in text
    assert (tmp_path / "per_class_recall.png").exists()


def _hand_made_records(diverged=False):
    from tests.zoo.report.test_report import ACCURACY, _record

    records = [
        _record(loss, noise, seed, acc) for (loss, noise), accs in ACCURACY.items() for seed, acc in enumerate(accs)
    ]
    if diverged:
        records = [{**r, "final_test_accuracy": None, "diverged_at_epoch": 2} for r in records]
    return records


def test_notebook_display_shows_the_plots_of_finished_runs():
    text = zoo.Comparison(_hand_made_records())._repr_markdown_()
    assert "Diverged runs: 0." in text and "(No plots" not in text
    images = re.findall(r"!\[([^\]]+)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", text)
    assert "Learning curves per loss (validation accuracy)" in [title for title, _ in images]
    assert all(base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n") for _, data in images)


def test_notebook_display_says_when_no_run_finished():
    text = zoo.Comparison(_hand_made_records(diverged=True))._repr_markdown_()
    assert "Diverged runs: 18." in text and "data:image" not in text
    assert text.rstrip().endswith("(No plots: no run of this study finished without diverging.)")
    assert zoo.Comparison([])._repr_markdown_() == "No finished runs."
