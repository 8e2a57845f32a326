"""Tests of zoo.data.noise: label flips and Gaussian input noise."""

import numpy as np
import pytest

from zoo.data import noise

K = 10
Y = np.arange(10_000) % K


@pytest.mark.parametrize("kind", ["symmetric", "pair"])
@pytest.mark.parametrize("rate", [0.1, 0.4])
def test_realised_fraction_close_to_rate(kind, rate):
    noisy, fraction = noise.flip_labels(Y, K, rate, kind=kind, seed=0)
    assert fraction == pytest.approx(np.mean(noisy != Y))
    assert abs(fraction - rate) < 0.02
    assert noisy.dtype == np.int32 and noisy.shape == Y.shape


def test_symmetric_flips_to_uniform_other_class():
    noisy, _ = noise.flip_labels(Y, K, 0.5, kind="symmetric", seed=1)
    flipped = noisy != Y
    offsets = (noisy[flipped] - Y[flipped]) % K
    counts = np.bincount(offsets, minlength=K)
    assert counts[0] == 0  # Never "flipped" onto the same class.
    expected = flipped.sum() / (K - 1)
    assert np.all(np.abs(counts[1:] - expected) < 0.2 * expected)


def test_pair_maps_k_to_k_plus_one():
    noisy, fraction = noise.flip_labels(Y, K, 0.3, kind="pair", seed=0)
    flipped = noisy != Y
    np.testing.assert_array_equal(noisy[flipped], (Y[flipped] + 1) % K)
    assert fraction > 0.25
    assert np.any(noisy[Y == K - 1] == 0)  # Wraps around.


def test_seeded_reproducibility():
    a, _ = noise.flip_labels(Y, K, 0.3, seed=5)
    b, _ = noise.flip_labels(Y, K, 0.3, seed=5)
    c, _ = noise.flip_labels(Y, K, 0.3, seed=6)
    np.testing.assert_array_equal(a, b)
    assert np.any(a != c)


def test_rate_zero_is_identity():
    noisy, fraction = noise.flip_labels(Y, K, 0.0, seed=0)
    np.testing.assert_array_equal(noisy, Y)
    assert fraction == 0.0


def test_input_is_not_modified():
    y = Y.copy()
    noise.flip_labels(y, K, 0.5, seed=0)
    np.testing.assert_array_equal(y, Y)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_bad_rate(rate):
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        noise.flip_labels(Y, K, rate)


def test_bad_kind():
    with pytest.raises(ValueError, match="Unknown label noise kind 'asym'.*symmetric.*pair"):
        noise.flip_labels(Y, K, 0.1, kind="asym")


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        noise.flip_labels(np.array([0, 1, 3]), 3, 0.1)


def test_symmetric_rate_above_limit_warns():
    with pytest.warns(UserWarning, match=r"\(K-1\)/K"):
        noise.flip_labels(np.array([0, 1] * 50), 2, 0.6)


def test_gaussian_noise_statistics_and_seed():
    x = np.zeros((200, 50), dtype=np.float32)
    noisy = noise.add_gaussian_noise(x, 0.5, seed=0)
    assert noisy.dtype == np.float32 and noisy.shape == x.shape
    assert abs(noisy.mean()) < 0.02
    assert noisy.std() == pytest.approx(0.5, rel=0.03)
    np.testing.assert_array_equal(noisy, noise.add_gaussian_noise(x, 0.5, seed=0))
    assert np.any(noisy != noise.add_gaussian_noise(x, 0.5, seed=1))
    np.testing.assert_array_equal(x, 0.0)  # Input untouched.


def test_gaussian_noise_zero_sigma_and_errors():
    x = np.ones((3, 2), dtype=np.float32)
    out = noise.add_gaussian_noise(x, 0.0)
    np.testing.assert_array_equal(out, x)
    assert out is not x
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        noise.add_gaussian_noise(x, -1.0)


# ---------------------------------------------------------------- class-dependent noise

# The published maps, from the papers' text (Patrini et al. 2017 Sec. 5; Ma et al. 2020 Sec. 5).
MNIST_PUBLISHED = {"2": "7", "3": "8", "5": "6", "6": "5", "7": "1"}
CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CIFAR10_PUBLISHED = {"truck": "automobile", "bird": "airplane", "deer": "horse", "cat": "dog", "dog": "cat"}
# CIFAR-100's super-classes as listed by Krizhevsky 2009 (and on the CIFAR page), in TFDS/Keras class names.
CIFAR100_SUPERCLASSES = [
    ("aquatic_mammals", "beaver dolphin otter seal whale"),
    ("fish", "aquarium_fish flatfish ray shark trout"),
    ("flowers", "orchid poppy rose sunflower tulip"),
    ("food_containers", "bottle bowl can cup plate"),
    ("fruit_and_vegetables", "apple mushroom orange pear sweet_pepper"),
    ("household_electrical_devices", "clock keyboard lamp telephone television"),
    ("household_furniture", "bed chair couch table wardrobe"),
    ("insects", "bee beetle butterfly caterpillar cockroach"),
    ("large_carnivores", "bear leopard lion tiger wolf"),
    ("large_man-made_outdoor_things", "bridge castle house road skyscraper"),
    ("large_natural_outdoor_scenes", "cloud forest mountain plain sea"),
    ("large_omnivores_and_herbivores", "camel cattle chimpanzee elephant kangaroo"),
    ("medium_mammals", "fox porcupine possum raccoon skunk"),
    ("non-insect_invertebrates", "crab lobster snail spider worm"),
    ("people", "baby boy girl man woman"),
    ("reptiles", "crocodile dinosaur lizard snake turtle"),
    ("small_mammals", "hamster mouse rabbit shrew squirrel"),
    ("trees", "maple_tree oak_tree palm_tree pine_tree willow_tree"),
    ("vehicles_1", "bicycle bus motorcycle pickup_truck train"),
    ("vehicles_2", "lawn_mower rocket streetcar tank tractor"),
]
# CIFAR-100's fine class names in class-id order (the dataset's meta file: alphabetical).
CIFAR100_FINE = sorted(name for _, members in CIFAR100_SUPERCLASSES for name in members.split())


def test_asymmetric_maps_match_the_published_ones():
    assert noise.asymmetric_map("mnist") == {int(a): int(b) for a, b in MNIST_PUBLISHED.items()}
    assert noise.asymmetric_map("digits") == noise.asymmetric_map("mnist")
    cifar10 = {CIFAR10_NAMES.index(a): CIFAR10_NAMES.index(b) for a, b in CIFAR10_PUBLISHED.items()}
    assert noise.asymmetric_map("cifar10") == noise.asymmetric_map("tfds:cifar10") == cifar10


def test_cifar100_map_is_the_next_class_of_each_superclass():
    assert len(CIFAR100_FINE) == 100 and CIFAR100_FINE[:3] == ["apple", "aquarium_fish", "baby"]
    expected = {}
    for coarse, (_, members) in enumerate(CIFAR100_SUPERCLASSES):
        ids = sorted(CIFAR100_FINE.index(name) for name in members.split())
        assert [noise.CIFAR100_COARSE[i] for i in ids] == [coarse] * 5  # The coarse label of each member.
        expected.update({ids[i]: ids[(i + 1) % 5] for i in range(5)})
    assert noise.asymmetric_map("cifar100") == noise.asymmetric_map("cifar100_n") == expected


def test_asymmetric_unknown_dataset_names_noise_matrix():
    with pytest.raises(
        ValueError, match=r"^No published asymmetric noise map for dataset 'moons'.*--noise_matrix=PATH"
    ):
        noise.asymmetric_map("moons")


def test_asymmetric_flips_only_mapped_classes_at_rate():
    y = np.repeat(np.arange(K), 5000)
    noisy, info = noise.corrupt_labels(y, K, 0.3, "asymmetric", seed=0, dataset="mnist")
    counts = np.asarray(info["realised_counts"])
    assert counts.sum() == y.size and np.array_equal(counts.sum(axis=1), np.bincount(y))
    for k in range(K):
        target = MNIST_PUBLISHED.get(str(k))
        if target is None:
            assert counts[k, k] == 5000
        else:
            assert counts[k, int(target)] + counts[k, k] == 5000 and abs(counts[k, int(target)] / 5000 - 0.3) < 0.02
    assert info["realised_fraction"] == pytest.approx(np.mean(noisy != y))
    assert np.allclose(np.asarray(info["matrix"]).sum(axis=1), 1.0) and info["matrix"][7][1] == pytest.approx(0.3)


def _reference_flips(y, matrix, seed):
    """Float64 loop reference: the same uniform draws, class j = first with u < cumulative row sum."""
    draws = np.random.default_rng(seed).random(len(y))
    out = []
    for label, u in zip(y, draws):
        total, row = 0.0, matrix[label] / np.sum(matrix[label])
        for j, p in enumerate(row):
            total += p
            if u < total or j == len(row) - 1:
                out.append(j)
                break
    return np.asarray(out)


def _random_matrix(k, seed):
    rng = np.random.default_rng(seed)
    matrix = rng.random((k, k)) * (rng.random((k, k)) < 0.6) + np.eye(k) * 3
    return matrix / matrix.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", [0, 7])
def test_flip_by_matrix_matches_numpy_reference_exactly(seed):
    matrix = _random_matrix(5, seed)
    y = np.random.default_rng(100 + seed).integers(0, 5, 3000)
    noisy, fraction = noise.flip_by_matrix(y, matrix, seed=seed)
    reference = _reference_flips(y, matrix, seed)
    assert np.array_equal(noisy, reference)
    assert np.array_equal(noise.transition_counts(y, noisy, 5), noise.transition_counts(y, reference, 5))
    assert fraction == np.mean(reference != y)
    assert np.all(matrix[y, noisy] > 0)  # Never a class of probability 0.
    assert np.array_equal(noise.flip_by_matrix(y, matrix, seed=seed)[0], noisy)  # Seeded.


def test_flip_by_matrix_realises_the_matrix():
    matrix = _random_matrix(4, 3)
    y = np.repeat(np.arange(4), 20_000)
    counts = noise.transition_counts(y, noise.flip_by_matrix(y, matrix, seed=1)[0], 4)
    assert np.abs(counts / counts.sum(axis=1, keepdims=True) - matrix).max() < 0.015


def test_transition_counts():
    counts = noise.transition_counts([0, 0, 1, 2, 2, 2], [0, 1, 1, 0, 2, 2], 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


@pytest.mark.parametrize(
    "matrix, message",
    [
        ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], r"must be a square K×K array \(K >= 2\), got shape \(2, 3\)"),
        ([[0.5, 0.5], [-0.1, 1.1]], r"negative entry -0.1 at row 1, column 0"),
        ([[0.5, 0.5], [0.2, 0.7]], r"rows must sum to 1 \(within 1e-06\): row 1 sums to 0.9"),
        ([[0.5, 0.5], [np.nan, 0.5]], r"NaN or infinite"),
        ([["a", "b"], ["c", "d"]], r"must be a K×K array of numbers"),
    ],
)
def test_bad_matrices(matrix, message):
    with pytest.raises(ValueError, match=message):
        noise.check_matrix(matrix)


def test_matrix_row_tolerance_and_class_count():
    noise.check_matrix([[0.5, 0.5 + 5e-7], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"is 2×2 but the data has 3 classes"):
        noise.check_matrix(np.eye(2), num_classes=3)


@pytest.mark.parametrize("suffix", [".npy", ".csv", ".json"])
def test_read_matrix_formats(tmp_path, suffix):
    matrix = _random_matrix(3, 0)
    path = tmp_path / f"m{suffix}"
    if suffix == ".npy":
        np.save(path, matrix)
    elif suffix == ".csv":
        np.savetxt(path, matrix, delimiter=",", fmt="%.17g")
    else:
        path.write_text(__import__("json").dumps(matrix.tolist()))
    assert np.array_equal(noise.read_matrix(str(path)), matrix)


def test_read_matrix_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must be a .npy, .csv or .json file"):
        noise.read_matrix(str(tmp_path / "m.txt"))
    with pytest.raises(ValueError, match=r"no such file"):
        noise.read_matrix(str(tmp_path / "m.csv"))
    (tmp_path / "bad.csv").write_text("0.5,0.5\n0.1,0.1\n")
    with pytest.raises(ValueError, match=r"^The noise matrix .*bad.csv's rows must sum to 1"):
        noise.read_matrix(str(tmp_path / "bad.csv"))


def test_matrix_condition_and_corrupt_labels():
    matrix = _random_matrix(3, 1)
    rate, kind = noise.matrix_condition(matrix)
    assert rate == pytest.approx(1 - np.trace(matrix) / 3) and kind.startswith("matrix:") and len(kind) == 19
    assert noise.matrix_condition(matrix.tolist()) == (rate, kind)
    assert noise.matrix_condition(np.eye(3))[1] != kind
    y = np.arange(300) % 3
    noisy, info = noise.corrupt_labels(y, 3, rate, kind, seed=[4, 1], matrix=matrix)
    assert np.array_equal(noisy, _reference_flips(y, matrix, [4, 1]))
    assert info["matrix"] == matrix.tolist()
    with pytest.raises(ValueError, match=r"is not the one of matrix:"):
        noise.corrupt_labels(y, 3, rate, kind, matrix=np.eye(3))


def test_human_conditions():
    assert noise.human_condition("cifar10_n", "worst") == (0.4021, "human:worst")
    assert noise.human_condition("cifar100_n", "noisy") == (0.402, "human:noisy")
    with pytest.raises(ValueError, match=r"cifar10_n has the human label sets aggre, random1, random2, random3, worst"):
        noise.human_condition("cifar10_n", "noisy")
    with pytest.raises(ValueError, match=r"--human_labels needs --dataset=cifar10_n or cifar100_n, got 'mnist'"):
        noise.human_condition("mnist", "aggre")
    y, human = np.array([0, 1, 2, 3]), np.array([0, 1, 1, 3])
    noisy, info = noise.corrupt_labels(y, 4, 0.0903, "human:aggre", human=human)
    assert np.array_equal(noisy, human) and info["realised_fraction"] == 0.25 and info["matrix"] is None


def test_noise_types_and_named_maps():
    noise.check_noise_type("asymmetric", "cifar100")
    noise.check_noise_type("asymmetric:mnist", "npz:mnist_copy.npz")  # A copy of MNIST takes MNIST's map.
    with pytest.raises(
        ValueError, match=r"^No published asymmetric noise map for dataset 'npz:x.npz'.*asymmetric:mnist"
    ):
        noise.check_noise_type("asymmetric", "npz:x.npz")
    with pytest.raises(ValueError, match=r"--noise_type must be one of symmetric, pair, asymmetric or asymmetric:MAP"):
        noise.check_noise_type("asym", "mnist")
    with pytest.raises(ValueError, match=r"for dataset 'svhn'"):
        noise.check_noise_type("asymmetric:svhn", "mnist")
    y = np.repeat(np.arange(K), 100)
    named, _ = noise.corrupt_labels(y, K, 0.4, "asymmetric:mnist", seed=3, dataset="npz:copy.npz")
    plain, _ = noise.corrupt_labels(y, K, 0.4, "asymmetric", seed=3, dataset="mnist")
    np.testing.assert_array_equal(named, plain)
