"""What several parts of the zoo share.

- `registry`: `Registry`, the name -> builder table behind models, datasets and presets
  (close matches on an unknown name);
- `cli`, `quiet`, `runtime_log_filter`: the command lines' absl flag parsing, their quiet TensorFlow
  start-up and TensorFlow's runtime log lines kept off the terminal while training;
- `backend_guard`: zoo and tuning refuse a Keras backend other than TensorFlow in one line;
- `keras_tuner_compat`: every private keras-tuner API the project uses, checked against the tested versions;
- `callables`: `load_callable("module:function" | "file.py:function")` for the command lines;
- `lazy`: the lazy public names of the zoo's packages.
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(__name__, {"Registry": "registry"})
