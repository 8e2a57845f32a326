"""`js` with several views (GJS, Englesson & Azizpour, NeurIPS 2021): `views=M` reads axis −2 of `y_pred`
as the predictions of M augmented views of each example, one label per example.

Reference: `reference.gjs`, float64 NumPy from the paper's formula. Authors' numbers: ErikEnglesson/GJS,
losses.py, commit 1a3c9e0788d4e14194771d096ab5a37ed434cebd, `JensenShannonDivergenceWeightedScaled(5, weights)`
called with a list of M logits tensors (float64 CPU PyTorch), per-example values from batches of one and the
gradient of the batch mean with respect to each view's logits (`.cuda()`-free as in the module's CPU branch).
"""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_losses
from tests.keras_losses import reference
from tests.keras_losses.backends import value_and_gradient
from tests.keras_losses.test_authors_code import LABELS, LOGITS

SECOND = np.array(
    [[1.0, 0.5, -0.5, 0.3, -1.0], [-0.2, 1.2, 0.1, 0.4, -0.3], [-1.0, 2.0, 0.0, 0.5, 3.0], [0.0, 2.5, -0.5, -1.0, 0.4]]
)
THIRD = np.array(
    [[0.2, 0.1, 0.0, -0.3, 0.4], [2.0, -1.0, 0.5, 0.0, 0.3], [0.5, 0.5, 0.5, 0.5, 0.5], [-2.0, 1.0, 3.0, 0.0, -1.0]]
)
TWO = np.stack([LOGITS, SECOND], axis=1)  # (B=4, M=2, K=5)
THREE = np.stack([LOGITS, SECOND, THIRD], axis=1)
ONE_HOT = np.eye(5)[LABELS]

# weights: (views' logits, π, per-example values, gradient of the batch mean, one (B, K) array per view)
AUTHORS = {
    "0.5 0.25 0.25": (
        TWO,
        0.5,
        [1.50940439, 1.52924826, 0.995967586, 1.94641392],
        [
            [
                [0.0265721974, -0.0221079205, 0.00592905865, -0.00808491586, -0.00230841963],
                [-0.048669314, -0.0122936117, -0.00181389789, 0.0301558752, 0.0326209484],
                [-0.000275375188, 0.0656309028, 0.000876667041, -0.00193778861, -0.064294406],
                [0.0407861982, -0.0268778449, -0.0205765188, 0.0101882019, -0.00352003638],
            ],
            [
                [0.00975952068, -0.0484192834, 0.00217764341, 0.0273010432, 0.00918107609],
                [-0.0430420045, 0.0460480162, 0.0114693814, -0.00556106717, -0.00891432602],
                [0.00279884947, -0.00412070568, 0.00333298235, 0.0116545617, -0.0136656879],
                [-0.0150784981, 0.0374166007, -0.0230173119, -0.00447244342, 0.00515165268],
            ],
        ],
    ),
    "0.9 0.05 0.05": (
        TWO,
        0.9,
        [1.13355246, 1.1470996, 0.741577784, 1.36155542],
        [
            [
                [0.0107629507, -0.0104604631, 0.00240153891, -0.00205974599, -0.00064428055],
                [-0.0294988205, -0.00123520547, 0.000807079587, 0.0151420738, 0.0147848726],
                [-7.02222374e-05, 0.033655549, 0.000955877536, -0.000428932124, -0.0341122721],
                [0.0138656844, -0.00650322226, -0.00997844504, 0.00349968453, -0.000883701587],
            ],
            [
                [0.0142467643, -0.0355541581, 0.00317888279, 0.0138342445, 0.0042942665],
                [-0.0240079545, 0.0193726573, 0.00528702151, 0.000802124424, -0.00145384868],
                [0.00165990965, 0.0151768997, 0.00322517514, 0.00717157986, -0.0272335643],
                [-0.00424786596, 0.014811235, -0.0113094038, -0.00123920789, 0.0019852426],
            ],
        ],
    ),
    "0.7 0.1 0.1 0.1": (
        THREE,
        0.7,
        [1.3179653, 1.09857874, 1.06849935, 1.28779764],
        [
            [
                [0.0164398177, -0.0106058171, -0.000294207111, -0.00350642018, -0.00203337333],
                [-0.0281882803, -0.00170309805, -0.00134710579, 0.0167701226, 0.0144683615],
                [-0.000224877951, 0.0363609839, -0.00220454183, -0.00136973439, -0.0325618297],
                [0.0186958354, -0.00947701414, -0.0107043353, 0.0027815743, -0.00129606026],
            ],
            [
                [0.0149248776, -0.0289686277, 0.00103383275, 0.0133759936, -0.000366076217],
                [-0.0238116317, 0.0248785813, 0.002374073, -0.000180956558, -0.0032600661],
                [-0.000535507204, 0.0102634423, 0.000260725513, 0.00242482937, -0.0124134899],
                [-0.00522492475, 0.0169844013, -0.0120513769, -0.0019260303, 0.00221793061],
            ],
            [
                [-0.00471456637, -0.02943809, 0.00776872293, 0.0029251677, 0.0234587657],
                [-0.0162735916, -0.0017826619, 0.011645225, 0.000909467193, 0.00550156136],
                [0.0161481576, -0.0080335711, 0.0127720241, 0.0132294113, -0.0341160218],
                [-0.000843013732, -0.00147867215, 8.83797355e-05, 0.00230674595, -7.34398025e-05],
            ],
        ],
    ),
}


def _values(loss, y_true, y_pred):
    return np.asarray(keras.ops.convert_to_numpy(loss(y_true, np.asarray(y_pred, "float32"))))


@pytest.mark.parametrize("weights", list(AUTHORS))
def test_values_and_gradients_equal_the_authors_code(weights):
    logits, pi, values, gradient = AUTHORS[weights]
    views = logits.shape[1]
    loss = keras_losses.JensenShannon(from_logits=True, pi=pi, views=views, reduction=None)
    np.testing.assert_allclose(_values(loss, LABELS, logits), values, rtol=2e-5, atol=2e-6)
    # The paper's formula (no 1e-7 floors: equal up to them).
    np.testing.assert_allclose(reference.gjs(ONE_HOT, logits, pi), values, rtol=1e-6)
    _, ours = value_and_gradient(keras_losses.JensenShannon(from_logits=True, pi=pi, views=views), LABELS, logits)
    np.testing.assert_allclose(ours, np.stack(gradient, axis=1), rtol=1e-4, atol=2e-6)


@pytest.mark.parametrize("labels", [LABELS, LABELS[:, None], ONE_HOT], ids=["sparse", "sparse_column", "one_hot"])
@pytest.mark.parametrize("pi", [0.1, 0.5, 0.9])
def test_every_label_layout_equals_the_float64_reference(labels, pi):
    loss = keras_losses.JensenShannon(from_logits=True, pi=pi, views=3, reduction=None)
    np.testing.assert_allclose(_values(loss, labels, THREE), reference.gjs(ONE_HOT, THREE, pi), rtol=2e-5, atol=2e-6)


def test_soft_labels_and_probabilities():
    soft = np.array([[0.7, 0.3, 0, 0, 0], [0, 0, 0.5, 0.5, 0], [0.2] * 5, [0, 0, 0, 0, 1.0]])
    loss = keras_losses.JensenShannon(views=2, pi=0.3, reduction=None)
    np.testing.assert_allclose(
        _values(loss, soft, reference.softmax(TWO)), reference.gjs(soft, TWO, 0.3), rtol=2e-5, atol=2e-6
    )


def test_one_view_equals_js_of_one_prediction():
    one_view = keras_losses.JensenShannon(from_logits=True, pi=0.7, views=1, reduction=None)
    plain = keras_losses.JensenShannon(from_logits=True, pi=0.7, reduction=None)
    np.testing.assert_allclose(_values(one_view, LABELS, LOGITS[:, None]), _values(plain, LABELS, LOGITS), rtol=1e-6)
    np.testing.assert_allclose(reference.gjs(ONE_HOT, LOGITS[:, None], 0.7), reference.js(ONE_HOT, LOGITS, 0.7))


def test_views_axis_is_not_dense_positions():
    """Without `views`, (B, 2, K) is a dense output: two positions, each an example with its own label; with
    `views=2` the same array is two views of one example, compared with each other through the mixture."""
    dense = keras_losses.JensenShannon(from_logits=True, reduction=None)
    per_position = _values(dense, np.stack([LABELS, LABELS], axis=1), TWO)
    assert per_position.shape == (4, 2)
    np.testing.assert_allclose(per_position, reference.js(ONE_HOT[:, None], TWO), rtol=2e-5, atol=2e-6)
    views = _values(keras_losses.JensenShannon(from_logits=True, views=2, reduction=None), LABELS, TWO)
    assert views.shape == (4,)
    assert np.all(np.abs(views - per_position.mean(axis=1)) > 1e-3)  # not the mean of the views' JS


def test_dense_outputs_with_views_give_one_value_per_position():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (2, 3, 4, 2, 5))  # (B, H, W, M, K)
    labels = rng.integers(0, 5, (2, 3, 4))
    values = _values(keras_losses.JensenShannon(from_logits=True, views=2, reduction=None), labels, logits)
    assert values.shape == (2, 3, 4)
    np.testing.assert_allclose(values, reference.gjs(np.eye(5)[labels], logits), rtol=2e-5, atol=2e-6)


def test_ignore_class_class_weights_and_sample_weight_apply_per_example():
    labels = np.array([1, 255, 4, 2])
    kept = labels != 255
    expected = reference.gjs(np.eye(5)[np.where(kept, labels, 0)], TWO)
    loss = keras_losses.JensenShannon(from_logits=True, views=2, ignore_class=255)
    assert float(loss(labels, TWO.astype("float32"))) == pytest.approx(expected[kept].mean(), rel=2e-5)
    weights = [1.0, 2.0, 3.0, 4.0, 5.0]
    weighted = keras_losses.JensenShannon(from_logits=True, views=2, class_weights=weights, reduction=None)
    np.testing.assert_allclose(
        _values(weighted, LABELS, TWO), reference.gjs(ONE_HOT, TWO) * np.array(weights)[LABELS], rtol=2e-5
    )
    sample_weight = np.array([0.0, 1.0, 2.0, 1.0], "float32")
    value = keras_losses.JensenShannon(from_logits=True, views=2)(LABELS, TWO.astype("float32"), sample_weight)
    assert float(value) == pytest.approx((reference.gjs(ONE_HOT, TWO) * sample_weight).mean(), rel=2e-5)


@pytest.mark.parametrize(
    "labels, logits, match",
    [
        (LABELS, LOGITS, r"views=2 needs y_pred of shape \(B, 2, K\).*got y_pred of shape \(4, 5\)"),
        (LABELS, THREE, r"views=2 needs y_pred of shape \(B, 2, K\).*got y_pred of shape \(4, 3, 5\)"),
        (np.zeros((4, 6, 2)), np.zeros((4, 6, 6, 5)), r"views=2 needs .*\(4, 6, 6, 5\)"),  # dense (B, H, W, K)
        (np.zeros((4, 3)), TWO, r"got y_pred of shape \(4, 2, 5\) and labels of shape \(4, 3\)"),
    ],
)
def test_shapes_that_do_not_hold_the_declared_views_are_refused(labels, logits, match):
    with pytest.raises(ValueError, match=match):
        keras_losses.JensenShannon(from_logits=True, views=2)(labels, np.asarray(logits, "float32"))


def test_views_is_checked_and_shown():
    with pytest.raises(ValueError, match=r"`views` must be an integer >= 1"):
        keras_losses.JensenShannon(views=0)
    info = keras_losses.describe("js")
    assert info["defaults"]["views"] is None and "views" not in info["tunable"]
    assert keras_losses.get("js", views=2).get_config()["views"] == 2


def test_gjs_is_another_name_of_js():
    """The paper's name for the several-view form resolves to `js` everywhere a name is read,
    without becoming a second canonical loss (sweeps and `names()` list `js` once)."""
    loss = keras_losses.get("gjs", views=2, pi=0.5)
    assert type(loss) is keras_losses.JensenShannon and loss.get_config()["views"] == 2
    assert isinstance(keras.losses.get("gjs"), keras_losses.JensenShannon)  # compile(loss="gjs")
    assert keras_losses.describe("gjs")["name"] == "js"
    assert "gjs" not in keras_losses.names() and "js" in keras_losses.names()


SAVE_AND_LOAD = """
import json, sys
import numpy as np, keras, keras_losses
path = sys.argv[1] + "/gjs.keras"
x = np.random.default_rng(0).normal(size=(16, 6)).astype("float32")
y = np.arange(16) % 3
if sys.argv[2] == "save":
    network = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    inputs = keras.Input((6,))
    noisy = [keras.layers.Reshape((1, 3))(network(keras.layers.GaussianNoise(0.1)(inputs))) for _ in range(2)]
    model = keras.Model(inputs, keras.layers.Concatenate(axis=1)(noisy))  # (B, 2, 3)
    model.compile("adam", loss=keras_losses.JensenShannon(from_logits=True, pi=0.7, views=2))
    model.fit(x, y, epochs=2, verbose=0)
    model.save(path)
else:
    model = keras.models.load_model(path, safe_mode=False)
print(json.dumps({"class": type(model.loss).__name__, "config": model.loss.get_config(),
                  "value": float(model.evaluate(x, y, verbose=0))}))
"""


def _run(directory, mode):
    command = [sys.executable, "-c", SAVE_AND_LOAD, str(directory), mode]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_keras_file_round_trip_in_a_fresh_process(tmp_path):
    saved, loaded = _run(tmp_path, "save"), _run(tmp_path, "load")
    assert loaded["class"] == saved["class"] == "JensenShannon"
    assert loaded["config"] == saved["config"] and loaded["config"]["views"] == 2
    assert loaded["value"] == pytest.approx(saved["value"], rel=1e-6)
