"""Keras's own dropout masks for stacked members, drawn without a loop over members.

A Keras `Dropout` layer draws its mask with a stateless op seeded by its
`keras.random.SeedGenerator` state `[s, step]`, which advances by one per
training call:

    mask = stateless_uniform(noise_shape, seed=[s, step]) >= rate

Inside `tf.vectorized_map` that op has a different seed per member, and
TensorFlow's vectorizer falls back to a while_loop over the members (its
`Using a while_loop for converting StatelessRandomUniformV2` warning). Yet
members of one seed share their dropout state (every engine starts a seed's
runs from `training.initial_state`, and every member takes the same steps),
so `DropoutMasks` draws each Dropout layer's uniform noise once per distinct
seed, with the seed group's state read outside the vectorized function (the op
is then the same for every member and is not vectorized at all), and hands
member m the noise of its group:

    noise[g] = stateless_uniform(noise_shape, seed=state[first member of group g])
    mask[m]  = noise[group[m]] >= rate

These are exactly the masks Keras draws for each member alone (same op, same
seed, same shape), so vectorized, fused, separate and lone runs agree; each
member's own state still advances as Keras advances it.

>>> import keras
>>> inputs = keras.Input((4,))
>>> model = keras.Model(inputs, keras.layers.Dropout(0.5)(keras.layers.Dense(3)(inputs)))
>>> len(DropoutMasks(model, groups=[0, 0, 1]).layers)
1
"""

import contextlib
from collections.abc import Sequence

import keras
import tensorflow as tf


def dropout_layers(layer) -> list:
    """The `keras.layers.Dropout` layers (exactly that class, rate > 0) of `layer`, nested models included."""
    found = [layer] if type(layer) is keras.layers.Dropout and layer.rate > 0 else []
    for inner in getattr(layer, "layers", ()):
        found += dropout_layers(inner)
    return found


def _as_seed(state: tf.Tensor) -> tf.Tensor:
    """A SeedGenerator state as the int32 seed Keras's TensorFlow backend gives stateless ops."""
    if state.dtype == tf.int32:
        return state
    return tf.cast(tf.math.floormod(state, tf.int32.max - 1), tf.int32)


class DropoutMasks:
    """Makes `model`'s Dropout layers draw one noise tensor per seed group when called per member.

    Args:
        model: the engine's own model (its Dropout layers' `call` is replaced;
            training calls must then run inside `member`).
        groups: the seed group of each member; members of a group must have
            equal dropout states (the same seed, trained step for step).
    """

    def __init__(self, model: keras.Model, groups: Sequence[int]):
        self.layers = dropout_layers(model)
        states = [id(variable) for variable in model.non_trainable_variables]
        self._state_index = [states.index(id(layer.seed_generator.state)) for layer in self.layers]
        self.groups = tf.constant(list(groups), tf.int32)
        self._first = tf.constant([list(groups).index(g) for g in range(max(groups, default=-1) + 1)], tf.int32)
        self._noise = None  # While tracing one member: (layer index -> group states, the member's group).
        for index, layer in enumerate(self.layers):
            layer.call = self._call_for(index, layer)

    def group_states(self, non_trainable: Sequence[tf.Tensor]) -> list[tf.Tensor]:
        """Each Dropout layer's state per seed group, `(G, 2)`, from the stacked `(M, 2)` states."""
        return [tf.gather(non_trainable[i], self._first) for i in self._state_index]

    @contextlib.contextmanager
    def member(self, group_states: Sequence[tf.Tensor], group: tf.Tensor):
        """Within: the Dropout layers draw `group`'s noise (trace the member's forward pass inside)."""
        self._noise = (list(group_states), group)
        try:
            yield
        finally:
            self._noise = None

    def _call_for(self, index: int, layer: keras.layers.Dropout):
        """A `call` for `layer`: Keras's `Dropout.call`, with the noise of the member's group."""

        def call(inputs, training=False):
            if not training:
                return inputs
            if self._noise is None:
                raise RuntimeError(f"{layer.name} draws its masks per seed group: train it inside `member`.")
            if layer.rate == 1.0:  # Keras's backend returns zeros and leaves the state alone.
                return tf.zeros_like(inputs)
            layer.seed_generator.next()  # The member's own state advances as in Keras.
            states, group = self._noise

            def sampler(shape, dtype):
                noise = [
                    tf.random.stateless_uniform(shape, seed=_as_seed(states[index][g]), dtype=dtype)
                    for g in range(states[index].shape[0])
                ]
                return tf.gather(tf.stack(noise), group)

            shape = None if layer.noise_shape is None else _noise_shape(inputs, layer.noise_shape)
            return tf.nn.experimental.general_dropout(inputs, layer.rate, sampler, noise_shape=shape)

        return call


def _noise_shape(inputs: tf.Tensor, noise_shape) -> tf.Tensor:
    """`noise_shape` with its None entries taken from `inputs`, as Keras's backend concretizes it."""
    dynamic = tf.shape(inputs)
    return tf.stack([dynamic[i] if size is None else size for i, size in enumerate(noise_shape)])
