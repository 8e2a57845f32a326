"""What several parts of the zoo share.

- `registry`: `Registry`, the name -> builder table behind models, datasets and presets
  (close matches on an unknown name, `close_matches`: the standard library only);
- `results`: the record files (`results*.jsonl`, written line by line as runs end, read tolerantly) and
  `write_atomic`, the one whole-file writer: below the sweeps that write records and the report,
  serving and tuning that read them;
- `cli`, `quiet`: the command lines' absl flag parsing and their quiet TensorFlow start-up;
- `keras_tuner_compat`: every private keras-tuner API the project uses, checked against the tested versions;
- `callables`: `load_callable("module:function" | "file.py:function")` for the command lines;
- `lazy`: the lazy public names of the zoo's packages;
- `tasks`: the task names (single_label, multi_label, dense) and `infer_task(y)`, the task of a label array.
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(__name__, {"Registry": "registry"})
