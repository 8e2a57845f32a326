"""The fused Keras model: one sub-network per loss side by side, compiled with one loss per output.

`build_subnets` makes a `zoo.build` sub-network per loss, all from the same
initial weights of a seed; `build_fused` joins them into one model whose
outputs are `{output_name(loss): subnet(x)}` and that share nothing but the
input; `compile_fused` gives each output its own loss (the total is their
plain sum) and accuracy metric; `build_metrics` creates the compiled state
eagerly. `zoo.engines.fused` trains the result.
"""

from collections.abc import Mapping, Sequence

import keras
import numpy as np
import tensorflow as tf

import keras_losses
from zoo import models
from zoo.engines.training import TrainSpec, initial_state, make_optimizer, set_state


def output_name(loss: str) -> str:
    """The name of the sub-network (and output) that trains with `loss`."""
    return loss


def build_subnets(
    losses: Sequence[str], model: str, model_options: Mapping, input_shape, num_classes: int, seed: int
) -> dict[str, keras.Model]:
    """One `zoo.build` sub-network per loss, all with the same initial state for `seed` (`initial_state`)."""
    state = initial_state(model, model_options, input_shape, num_classes, seed)
    subnets = {}
    for loss in losses:
        subnet = models.build(model, input_shape=input_shape, num_classes=num_classes, **model_options)
        set_state(subnet, state)
        subnet.name = f"{output_name(loss)}_net"
        subnets[loss] = subnet
    return subnets


def build_fused(subnets: Mapping[str, keras.Model], input_shape) -> keras.Model:
    """One model whose outputs are `{loss: subnet(x)}`; the subnets share only the input."""
    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    outputs = {output_name(loss): net(inputs) for loss, net in subnets.items()}
    return keras.Model(inputs, outputs, name="fused")


def compile_fused(
    model: keras.Model,
    losses: Sequence[str],
    spec: TrainSpec,
    steps_per_execution: int = 1,
    loss_arguments: Mapping[str, Mapping] | None = None,
) -> None:
    """Compiles with one loss per output (plain sum) and accuracy per output.

    `loss_arguments` configure the losses (`{loss: keras_losses.get keyword arguments}`).

    `steps_per_execution` steps run per call into TensorFlow (the same
    updates with less Python overhead); it must divide the steps per epoch.
    """
    model.compile(
        optimizer=make_optimizer(spec.optimizer, spec.learning_rate),
        loss={
            output_name(loss): keras_losses.for_logits(loss, **(loss_arguments or {}).get(loss, {})) for loss in losses
        },
        metrics={output_name(loss): ["accuracy"] for loss in losses},
        jit_compile=spec.jit_compile,
        steps_per_execution=steps_per_execution,
    )


def build_metrics(model: keras.Model, losses: Sequence[str], input_shape, num_classes: int) -> None:
    """Creates the compiled losses' and metrics' state eagerly, on one dummy example.

    Otherwise they are created while the train step is traced, and
    `tf.function` traces a function that creates variables twice.
    """
    x = np.zeros((1, *input_shape), np.float32)
    y = {output_name(loss): tf.one_hot([0], num_classes) for loss in losses}
    y_pred = model(x)
    model.compute_loss(x=x, y=y, y_pred=y_pred)
    model.compute_metrics(x, y, y_pred)
    model.reset_metrics()
