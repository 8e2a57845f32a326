"""Data: what the models train and are tested on.

- `datasets`: `load(name)` -> `Data` (digits, toy 2-D sets, TFDS sets, `npz:` files), standardised,
  with a seeded validation split and a test split never used for a choice;
- `noise`: label flips and Gaussian input noise, seeded;
- `imbalance`: long-tailed subsampling of the training split (exponential and step profiles), seeded;
- `batches`: the batch order and one-hot labels every engine reads.
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {"Data": "datasets", "load": "datasets", "names": "datasets", "DatasetUnavailableError": "datasets"},
)
