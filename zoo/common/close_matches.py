"""Close matches of an unknown name, for one-line errors; the standard library only (no Keras).

`zoo.common.registry` and the command lines use it before TensorFlow or Keras load.
`keras_losses.registry.did_you_mean` words the same hint for loss names (`keras_losses`
imports nothing from the zoo, and importing it loads Keras).

>>> did_you_mean("mpl", ["mlp", "cnn", "resnet"])
" Did you mean: 'mlp'?"
>>> did_you_mean("xyz", ["mlp"])
''
"""

import difflib
from collections.abc import Sequence


def did_you_mean(name, known: Sequence[str]) -> str:
    """`" Did you mean: 'a', 'b'?"` for the close matches of `name` in `known` (at most 3), or `""`."""
    close = difflib.get_close_matches(str(name), list(known), n=3)
    return f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
