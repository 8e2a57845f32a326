"""Named experiment grids for `python -m zoo.compare --preset=NAME`.

A preset is a dict of flag values; flags given explicitly on the command line
override it.

>>> get("janocha2017")["depths"]
'1,2,3,4,5'
>>> get("janoha2017")
Traceback (most recent call last):
...
ValueError: Unknown preset 'janoha2017'. Did you mean: 'janocha2017'? Known: janocha2017
"""

from zoo.common.registry import Registry

PRESETS = Registry("preset")


def janocha_losses() -> tuple[str, ...]:
    """The twelve losses of Janocha & Czarnecki (2017), in the paper's order: those whose class cites it."""
    import keras_losses  # Here, not at import: Keras (and TensorFlow) load only once a preset is used.

    return tuple(name for name in keras_losses.names() if keras_losses.describe(name)["paper"].startswith("Janocha"))


@PRESETS.register("janocha2017")
def janocha2017() -> dict:
    """Janocha & Czarnecki (2017): twelve losses, MLPs of depth 1..5, clean, label-noisy and input-noisy data.

    For `mnist` (default) and `cifar10` (`--dataset=cifar10`). Label noise and
    input noise are varied one at a time (`cross_noise=False`), each against
    the clean baseline. The noise levels and training length follow the
    paper's set-up in spirit (a range from mild to heavy noise); they are this
    project's choice, not a copy of the paper's exact values.
    """
    return {
        "dataset": "mnist",
        "losses": ",".join(janocha_losses()),
        "models": "mlp",
        "depths": "1,2,3,4,5",
        "seeds": "0,1,2",
        "label_noise": "0,0.2,0.4,0.6",
        "noise_type": "symmetric",
        "input_noise": "0,0.5,1,2",
        "cross_noise": False,
        "epochs": 20,
        "batch_size": 128,
        "optimizer": "adam",
        "learning_rate": 1e-3,
    }


def get(name: str) -> dict:
    """The flag values of preset `name`; ValueError naming close matches if unknown."""
    return PRESETS.get(name)


def names():
    """The preset names."""
    return PRESETS.names()
