"""The fused model's sub-networks start from the seed's weights, whatever their loss."""

import numpy as np

from zoo.engines import fused_model

LOSSES = ["log_loss", "l2", "ovr_squared_hinge", "tanimoto"]
MODEL_OPTIONS = {"depth": 2, "width": 16}
INPUT_SHAPE = (6,)


def test_same_seed_same_init_for_every_loss():
    subnets = fused_model.build_subnets(LOSSES, "mlp", MODEL_OPTIONS, INPUT_SHAPE, 4, seed=1)
    first = subnets[LOSSES[0]].get_weights()
    for loss in LOSSES[1:]:
        for a, b in zip(first, subnets[loss].get_weights()):
            np.testing.assert_array_equal(a, b)
    other = fused_model.build_subnets(LOSSES[:1], "mlp", MODEL_OPTIONS, INPUT_SHAPE, 4, seed=2)[LOSSES[0]]
    assert not np.allclose(first[0], other.get_weights()[0])


def test_outputs_are_named_by_loss_and_share_only_the_input():
    subnets = fused_model.build_subnets(LOSSES[:2], "mlp", MODEL_OPTIONS, INPUT_SHAPE, 4, seed=0)
    model = fused_model.build_fused(subnets, INPUT_SHAPE)
    outputs = model(np.zeros((3, *INPUT_SHAPE), np.float32))
    assert sorted(outputs) == sorted(fused_model.output_name(loss) for loss in LOSSES[:2])
    assert len(model.trainable_variables) == sum(len(net.trainable_variables) for net in subnets.values())
