"""zoo.models.multi_label: family models ending in K sigmoid units, same weights as their logits."""

import doctest

import keras
import numpy as np
import pytest

from zoo.data.task_datasets import multi_label_digits
from zoo.models import multi_label
from zoo.models.families import cnn, mlp
from zoo.models.user_models import logits_model


def test_docstring_examples_run():
    result = doctest.testmod(multi_label)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("builder, options", [(mlp, {"depth": 2, "width": 16}), (cnn, {"depth": 1, "filters": 4})])
@pytest.mark.parametrize("output", ["logits", "probabilities"])
def test_sigmoid_outputs_are_the_sigmoid_of_the_logits(builder, options, output):
    keras.utils.set_random_seed(1)
    model = builder((8, 8, 1), 6, output=output, **options)
    tagger = multi_label.sigmoid_outputs(model)
    x = np.random.default_rng(0).random((5, 8, 8, 1)).astype(np.float32)
    logits = np.asarray(keras.Model(model.inputs[0], model.get_layer("logits").output)(x), np.float64)
    probabilities = np.asarray(tagger(x), np.float64)
    np.testing.assert_allclose(probabilities, 1 / (1 + np.exp(-logits)), rtol=1e-5, atol=1e-6)
    assert tagger.output_shape == (None, 6) and tagger.name == model.name
    assert not np.allclose(probabilities.sum(-1), 1.0)  # independent labels, not a softmax


def test_the_builder_keeps_logits_and_the_user_model_path_cuts_the_sigmoid():
    build = multi_label.multi_label_builder(cnn)
    assert build.__name__ == "cnn"
    logits = build((8, 8, 1), 4, depth=1, filters=4)
    assert logits.layers[-1].name == "logits"
    tagger = build((8, 8, 1), 4, depth=1, filters=4, output="probabilities")
    cut = logits_model(tagger, (8, 8, 1), 4, "tagger")  # zoo.models.user_models cuts a final sigmoid
    assert cut.layers[-1].name == "logits"


def test_not_a_family_model_is_a_one_line_error():
    inputs = keras.Input((3,))
    with pytest.raises(ValueError, match="has no 'logits' layer; sigmoid_outputs takes the zoo's family models"):
        multi_label.sigmoid_outputs(keras.Model(inputs, keras.layers.Dense(2)(inputs)))


def test_a_few_steps_on_multi_label_digits_reduce_the_loss():
    keras.utils.set_random_seed(0)
    data = multi_label_digits()
    model = multi_label.multi_label_builder(mlp)((8, 8, 1), 6, depth=1, width=32)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    x, y = data.x_train[:512], data.y_train[:512].astype("float32")
    before = float(model.evaluate(x, y, verbose=0))
    model.fit(x, y, batch_size=64, epochs=5, verbose=0, shuffle=False)
    assert float(model.evaluate(x, y, verbose=0)) < 0.7 * before
