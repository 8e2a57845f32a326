"""The reference for the training engines: one plain Keras model trained alone, batch by batch."""

import numpy as np

import keras_losses
import zoo
from zoo.data import batches
from zoo.engines import training


def train_alone(loss, x, y, spec, model="mlp", options=None, num_classes=4, eval_data=None):
    """A `zoo.build` model trained with `loss` alone on `batches.batch_order` batches.

    Returns `(model, {split: [accuracy after each epoch]})` for `eval_data` `{split: (x, y)}`.
    """
    training.seed_initializers(spec.seed)
    net = zoo.build(model, input_shape=x.shape[1:], num_classes=num_classes, **(options or {}))
    net.compile(
        optimizer=training.make_optimizer(spec.optimizer, spec.learning_rate),
        loss=keras_losses.for_logits(loss),
        jit_compile=spec.jit_compile,
    )
    steps = batches.steps_per_epoch(len(y), spec.batch_size)
    order = batches.batch_order(len(y), spec.batch_size, spec.epochs, spec.seed)
    accuracies = {split: [] for split in (eval_data or {})}
    for index, batch in enumerate(order):
        net.train_on_batch(x[batch], y[batch])
        if (index + 1) % steps == 0:
            for split, (xs, ys) in (eval_data or {}).items():
                predicted = np.argmax(net.predict(xs, verbose=0), axis=1)
                accuracies[split].append(float(np.mean(predicted == ys)))
    return net, accuracies
