"""Tests of zoo.data.user_data.as_data (and the arrays / files it reads): labels as users have
them, tf.data inputs, npz / csv / dir files, and the one-line errors for bad input."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from zoo.data import datasets
from zoo.data.user_data import as_data

N, K = 60, 3
RNG = np.random.default_rng(0)
X = RNG.normal(size=(N, 4)).astype(np.float32)
Y = np.arange(N) % K  # Plain 0..K-1 class ids.


def _same_data(a, b):
    for field in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert a.num_classes == b.num_classes and a.input_shape == b.input_shape


def _one_line_error(match, call, *args, error=ValueError, **kwargs):
    with pytest.raises(error, match=match) as caught:
        call(*args, **kwargs)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_plain_ids_named_by_their_numbers():
    data = as_data((X, Y), seed=1)
    assert data.class_names == ("0", "1", "2") and data.num_classes == K
    assert data.info["sizes"] == {"train": 36, "val": 9, "test": 15}
    # The test split is fixed (seed 0, stratified), the validation split follows the seed.
    other = as_data((X, Y), seed=2)
    np.testing.assert_array_equal(data.y_test, other.y_test)
    np.testing.assert_array_equal(np.bincount(data.y_test), [5, 5, 5])
    assert not np.array_equal(data.x_val, other.x_val)


@pytest.mark.parametrize(
    "labels, names",
    [
        (np.array(["cat", "dog", "emu"])[Y], ("cat", "dog", "emu")),
        (np.array([b"cat", b"dog", b"emu"])[Y], ("cat", "dog", "emu")),
        (Y + 1, ("1", "2", "3")),
        (np.array([-1, 5, 10])[Y], ("-1", "5", "10")),
        (np.eye(K)[Y], ("0", "1", "2")),
        (Y.reshape(-1, 1), ("0", "1", "2")),
        (Y.astype(np.float64), ("0", "1", "2")),
        ((Y * 2.0 + 2).reshape(-1, 1), ("2", "4", "6")),
        (list(np.array(["cat", "dog", "emu"], dtype=object)[Y]), ("cat", "dog", "emu")),
    ],
    ids=["strings", "bytes", "from-1", "gaps", "one-hot", "column", "integral-float", "float-column", "object"],
)
def test_labels_as_users_have_them_match_their_integer_encoding(labels, names):
    data = as_data((X, labels), seed=3)
    _same_data(data, as_data((X, Y), seed=3))
    assert data.class_names == names


def test_numeric_names_sort_by_value_and_train_test_are_encoded_jointly():
    y_train, y_test = np.array([10, 2, 10, 2, 30, 30]), np.array([30, 2])
    data = as_data(((X[:6], y_train), (X[6:8], y_test)), validation_split=0.0)
    assert data.class_names == ("2", "10", "30")
    np.testing.assert_array_equal(data.y_train, [1, 0, 1, 0, 2, 2])
    np.testing.assert_array_equal(data.y_test, [2, 0])
    # Training statistics only: the train inputs are standardised, the test inputs with the same mean/std.
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-6)
    mean, std = X[:6].mean(axis=0), X[:6].std(axis=0)
    np.testing.assert_allclose(data.x_test, (X[6:8] - mean) / std, rtol=1e-5, atol=1e-5)


def test_one_hot_keeps_classes_that_never_occur():
    data = as_data((X, np.eye(5)[Y]))
    assert data.num_classes == 5 and data.class_names == ("0", "1", "2", "3", "4")


def test_names_and_data_pass_through():
    data = as_data("moons", seed=1, validation_split=0.1, batch_size=16)
    reference = datasets.load("moons", seed=1, validation_split=0.1, batch_size=16)
    _same_data(data, reference)
    assert data.class_names is None and as_data(reference) is reference


@pytest.mark.parametrize("batched", [True, False])
def test_tf_data_equals_its_numpy_twin(batched):
    labels = np.array(["a", "b", "c"])[Y]
    dataset = tf.data.Dataset.from_tensor_slices((X, labels))
    dataset = dataset.batch(7) if batched else dataset
    data = as_data(dataset, seed=4)
    _same_data(data, as_data((X, labels), seed=4))
    assert data.class_names == ("a", "b", "c")


def test_tf_data_of_one_hot_examples_and_fixed_batches():
    one_hot = tf.data.Dataset.from_tensor_slices((X[:, :3], np.eye(K)[Y]))  # x and y both of shape (3,).
    _same_data(as_data(one_hot), as_data((X[:, :3], Y)))
    fixed = tf.data.Dataset.from_tensor_slices((X, Y)).batch(6, drop_remainder=True)  # Known batch dimension.
    _same_data(as_data(fixed), as_data((X, Y)))
    train, test = (tf.data.Dataset.from_tensor_slices((X[a:b], Y[a:b])).batch(8) for a, b in ((0, 45), (45, 60)))
    _same_data(as_data((train, test)), as_data(((X[:45], Y[:45]), (X[45:], Y[45:]))))


def test_bad_tf_data():
    infinite = tf.data.Dataset.from_tensor_slices((X, Y)).repeat()
    _one_line_error(r"the dataset is infinite \(e\.g\. \.repeat\(\)\)", as_data, infinite)
    _one_line_error("must yield \\(x, y\\) pairs", as_data, tf.data.Dataset.from_tensor_slices(X))
    _one_line_error("is empty", as_data, tf.data.Dataset.from_tensor_slices((X, Y)).take(0))
    ragged = tf.data.Dataset.from_generator(
        lambda: iter([(np.zeros(3), 0), (np.zeros(4), 1)]),
        output_signature=(tf.TensorSpec((None,), tf.float64), tf.TensorSpec((), tf.int64)),
    )
    _one_line_error(
        r"x is ragged: its rows have different shapes \(\(3,\) in row 0, \(4,\) in row 1\)", as_data, ragged
    )


def test_nan_rows_are_counted():
    x = X.copy()
    x[[4, 17, 40], 1] = np.nan
    x[50, 0] = np.inf
    message = _one_line_error("x has 4 rows", as_data, (x, Y))
    assert message == "x has 4 rows with NaN or Inf values (rows 4, 17, 40, 50)."
    x_test = X[:10].copy()
    x_test[2:9, 0] = np.nan
    message = _one_line_error("x_test has 7 rows", as_data, ((X, Y), (x_test, Y[:10])))
    assert message.endswith("(rows 2, 3, 4, 5, 6, ...).")


@pytest.mark.parametrize(
    "data, match",
    [
        ((X, np.full(N, 0.5)), r"y has non-integral float labels \(e\.g\. 0\.5 in row 0\)"),
        ((X, np.where(Y == 0, np.nan, Y)), r"y has 20 NaN or Inf labels \(rows 0, 3, 6, 9, 12, \.\.\.\)"),
        ((X, Y[:-1]), "x has 60 rows but y has 59 labels"),
        ((X, np.full(N, 7)), r"hold a single class \(\[7\]\)"),
        ((X, np.full((N, K), 2)), r"y of shape \(60, 3\) are not one-hot rows"),  # Rows of 0/1 are multi-label.
        ((X, np.full((N, 2, 2), 1)), r"Masks of shape \(2, 2\) do not match inputs of shape \(4,\)"),  # Dense.
        ((X, np.array([1, "a"] * 30, dtype=object)), "y mixes label types"),
        (([[1.0, 2.0], [3.0]], [0, 1]), r"x is ragged: its rows have different shapes \(\(2,\) in row 0"),
        ((np.array(["a", "b"]), [0, 1]), "x must be numeric, got dtype <U1"),
        ((np.zeros((0, 3)), []), "x has no examples"),
        (((X, Y), (X[:5, :3], Y[:5])), r"x_train has examples of shape \(4,\) but x_test \(3,\)"),
        (((X, Y), (X[:5], np.array(["a"] * 5))), "y_train and y_test mix string and numeric labels"),
        (42, "Data must be a dataset name, .* got int"),
    ],
)
def test_bad_arrays_give_one_line_errors(data, match):
    _one_line_error(match, as_data, data)


def test_file_options_only_where_they_apply():
    _one_line_error("label_column applies to csv:PATH datasets only, not 'digits'", as_data, "digits", label_column=1)
    _one_line_error("image_size applies to dataset names and files", as_data, (X, Y), image_size=8)


# ---------------------------------------------------------------- files


def test_npz_with_x_y_and_with_the_four_keys(tmp_path):
    labels = np.array(["no", "yes", "maybe"])[Y]
    np.savez(tmp_path / "xy.npz", x=X, y=labels)
    data = as_data(f"npz:{tmp_path / 'xy.npz'}", seed=5)
    _same_data(data, as_data((X, labels), seed=5))
    assert data.class_names == ("maybe", "no", "yes")
    np.savez(tmp_path / "four.npz", x_train=X[:45], y_train=Y[:45] + 1, x_test=X[45:], y_test=Y[45:] + 1)
    data = as_data("npz:four.npz", data_dir=str(tmp_path))
    _same_data(data, as_data(((X[:45], Y[:45]), (X[45:], Y[45:]))))
    assert data.num_classes == K and data.class_names == ("1", "2", "3")  # Not K + 1 with class 0 empty.
    np.savez(tmp_path / "train.npz", x_train=X, y_train=Y)
    _same_data(as_data(f"npz:{tmp_path / 'train.npz'}"), as_data((X, Y)))


def test_npz_nan_rows(tmp_path):
    x = X.copy()
    x[[3, 9]] = np.nan
    np.savez(tmp_path / "nan.npz", x=x, y=Y)
    path = tmp_path / "nan.npz"
    message = _one_line_error("x of .* has 2 rows", datasets.load, f"npz:{path}")
    assert message == f"x of {path} has 2 rows with NaN or Inf values (rows 3, 9)."


def _write_csv(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return f"csv:{path}"


def test_csv_with_a_label_column(tmp_path):
    kinds = np.array(["ant", "bee", "cow"])[Y]
    lines = ["f0,kind,f1,f2,f3"] + [f"{a},{k},{b},{c},{d}" for (a, b, c, d), k in zip(X.tolist(), kinds, strict=True)]
    name = _write_csv(tmp_path / "t.csv", lines)
    data = as_data(name, label_column="kind", seed=6)
    _same_data(data, as_data((X, kinds), seed=6))
    assert data.class_names == ("ant", "bee", "cow")
    _same_data(as_data(name, label_column=1, seed=6), data)
    # Numeric feature columns are standardised with the training statistics.
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1.0, rtol=1e-4)
    # Headerless, label last (the default), numeric labels from 1.
    headerless = _write_csv(tmp_path / "h.csv", [",".join(map(str, [*row, k + 1])) for row, k in zip(X.tolist(), Y)])
    _same_data(as_data(headerless), as_data((X, Y)))


def test_csv_errors(tmp_path):
    colour = ["x,colour,label"] + [f"{i},{'red' if i % 2 else 'blue'},{i % 2}" for i in range(10)]
    name = _write_csv(tmp_path / "c.csv", colour)
    _one_line_error(r"feature column 'colour' is not numeric \(e\.g\. 'blue' in data row 0\)", as_data, name)
    _one_line_error("has no column 'kind'", as_data, name, label_column="kind")
    short = _write_csv(tmp_path / "s.csv", ["a,b,label", "1,2,0", "1,0"])
    _one_line_error("line 3 has 2 fields, expected 3", as_data, short)
    blank = _write_csv(tmp_path / "b.csv", ["a,label"] + [f"{'' if i == 4 else i},{i % 2}" for i in range(10)])
    _one_line_error(r"x of .*b\.csv has 1 rows with NaN or Inf values \(rows 4\)", as_data, blank)
    _one_line_error("No such .csv file", as_data, f"csv:{tmp_path / 'none.csv'}", error=FileNotFoundError)


def _write_images(root, classes=("circle", "square"), per_class=4, size=(6, 5), mode="RGB"):
    rng = np.random.default_rng(1)
    pixels = {}
    for name in classes:
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            shape = (size[0], size[1], 3) if mode == "RGB" else size
            array = rng.integers(0, 256, shape, dtype=np.uint8)
            Image.fromarray(array, mode).save(root / name / f"{i}.png")
            pixels[(name, i)] = array
    return pixels


def test_dir_of_images(tmp_path):
    pixels = _write_images(tmp_path / "img")
    data = as_data(f"dir:{tmp_path / 'img'}", validation_split=0.0)
    assert data.class_names == ("circle", "square") and data.input_shape == (6, 5, 3)
    assert data.info["sizes"] == {"train": 6, "test": 2, "val": 0}
    # The same images and labels as numpy arrays (sorted as image_dataset_from_directory reads them).
    x = np.stack([pixels[key] for key in sorted(pixels)]).astype(np.float32) / 255.0
    y = np.array([name for name, _ in sorted(pixels)])
    _same_data(data, as_data((x, y), validation_split=0.0))
    resized = as_data(f"dir:{tmp_path / 'img'}", image_size="3,4")
    assert resized.input_shape == (3, 4, 3)
    _write_images(tmp_path / "grey", mode="L", size=(4, 4))
    assert as_data(f"dir:{tmp_path / 'grey'}").input_shape == (4, 4, 1)
    _one_line_error("image_size must be 'HEIGHT,WIDTH'", as_data, f"dir:{tmp_path / 'img'}", image_size="big")
    (tmp_path / "empty" / "a").mkdir(parents=True)
    _one_line_error("holds no images in sub-folders", as_data, f"dir:{tmp_path / 'empty'}")
