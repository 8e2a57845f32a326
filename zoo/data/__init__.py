"""Data: what the models train and are tested on.

- `datasets`: `load(name)` -> `Data` (digits, toy 2-D sets, TFDS sets, `npz:`, `csv:`, `dir:` files), standardised,
  with a seeded validation split and a test split never used for a choice (named seed streams); `from_arrays`;
- `sources`: the dataset registry, `Source` (what a set's builder returns), the `npz:`/`csv:`/`dir:` builders;
- `toy_sets`: `digits` and the 2-D sets generated in code; `tfds_sets`: the TFDS sets and CIFAR-N's human labels;
- `user_data`: `as_data(data)` -> `Data` for any data a user has (a name, numpy arrays, a `tf.data.Dataset`);
- `arrays`: checks inputs (ragged, NaN/Inf, lengths) and encodes labels to 0..K-1 with their class names;
- `files`: readers of `.npz` arrays, `.csv` tables and image folders;
- `task_datasets`: multi-label and dense data: offline defaults (digit properties, synthetic shapes with masks),
  MNIST-built sets, and mask files (npz, an image folder with a parallel mask folder);
- `noise`: label flips and Gaussian input noise, seeded;
- `task_noise`: label noise of multi-label (bit flips, missing positives) and dense labels (per position), seeded;
- `imbalance`: long-tailed subsampling of the training split (exponential and step profiles), seeded;
- `batches`: the batch order and one-hot labels every engine reads.
"""

from zoo.common import lazy

__getattr__, __dir__, __all__ = lazy.exports(
    __name__,
    {
        "Data": "datasets",
        "load": "datasets",
        "names": "datasets",
        "DatasetUnavailableError": "datasets",
        "from_arrays": "datasets",
        "as_data": "user_data",
    },
)
