"""Reading prediction inputs from files: `.npy`/`.npz` arrays and images (`zoo.serving`).

>>> from zoo import serving
>>> batch = serving.read_inputs("digits.npz", input_shape=(8, 8, 1))  # doctest: +SKIP
>>> batch.names[:2], batch.x.shape  # doctest: +SKIP
(['digits.npz[0]', 'digits.npz[1]'], (450, 8, 8, 1))

`read(spec, input_shape)` (`zoo.serving.read_inputs`) takes

- a `.npy` file, or a `.npz` file whose array is under key `x`, is the only
  array, or is `x_test` (the layout `zoo.datasets.load("npz:PATH")` reads);
- image files (PNG, JPEG, BMP, GIF): one file, a directory (its image files,
  sorted by name) or a glob such as `'photos/*.png'`. Each image is converted
  to the model's channels (1: grayscale, 3: RGB, 4: RGBA), resized to the
  model's input height x width with PIL (bilinear) and scaled to [0, 1].

Preprocessing: `x = (x * scale - mean) / std`, per channel:

>>> import numpy as np
>>> pixels = np.array([[[[255.0, 0.0]]]])  # one 1x1 image, two channels
>>> serving.input_files.normalise(pixels, scale=1 / 255, mean=[0.5, 0.5], std=[0.5, 0.25]).round(3).ravel()
array([ 1., -2.], dtype=float32)

Images default to `scale = 1/255`; arrays default to no change, since they
usually come preprocessed (`x_test` of a zoo dataset). A model trained on standardised
data (every `zoo.datasets` set is standardised per channel with the training
split's statistics, `data.info["normalisation"]`) needs the same `mean` and
`std` on raw images.

Every problem raises `InputError` with a one-line message naming the file.
"""

import dataclasses
import glob
import os
from collections.abc import Sequence

import numpy as np

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
ARRAY_EXTENSIONS = (".npy", ".npz")
NPZ_KEYS = ("x", "x_test")  # Tried in this order when a .npz has several arrays.
IMAGE_MODES = {1: "L", 3: "RGB", 4: "RGBA"}  # Model channels -> PIL mode.


class InputError(ValueError):
    """An input file that cannot be read or does not fit the model."""


@dataclasses.dataclass(frozen=True)
class Inputs:
    """A batch read from files: one name per example (for the report) and `x`."""

    names: list[str]
    x: np.ndarray


def one_line(error: BaseException) -> str:
    """The message of `error` on one line (whitespace runs collapsed)."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def read(
    spec: str,
    input_shape: Sequence[int | None],
    *,
    scale: float | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
) -> Inputs:
    """Reads the inputs named by `spec` for a model with `input_shape` (no batch axis).

    Args:
        spec: a `.npy`/`.npz` file, an image file, a directory of images, or a glob.
        input_shape: the model's input shape without the batch axis; `None`
            entries match any size.
        scale: multiplies the raw values (default 1/255 for images, 1 for arrays).
        mean, std: per-channel (or single) values subtracted / divided after scaling.
    """
    paths = expand(spec)
    arrays = [p for p in paths if p.lower().endswith(ARRAY_EXTENSIONS)]
    if arrays and len(paths) > 1:
        raise InputError(f"{spec}: give one .npy/.npz file or image files, not {len(paths)} files that include arrays.")
    if arrays:
        batch = read_array(paths[0])
        default_scale = 1.0
    else:
        batch = read_images(paths, input_shape)
        default_scale = 1.0 / 255.0
    x = normalise(batch.x, default_scale if scale is None else scale, mean, std)
    check_shape(x, input_shape, spec)
    return Inputs(batch.names, x)


def expand(spec: str) -> list[str]:
    """The files `spec` names: itself, a directory's image files, or a glob's matches."""
    if os.path.isdir(spec):
        paths = sorted(os.path.join(spec, f) for f in os.listdir(spec) if f.lower().endswith(IMAGE_EXTENSIONS))
        if not paths:
            raise InputError(f"{spec}: directory holds no image files ({', '.join(IMAGE_EXTENSIONS)}).")
        return paths
    if os.path.exists(spec):
        _check_extension(spec)
        return [spec]
    if glob.has_magic(spec):
        paths = sorted(p for p in glob.glob(spec) if os.path.isfile(p))
        if not paths:
            raise InputError(f"{spec}: the pattern matches no files.")
        for path in paths:
            _check_extension(path)
        return paths
    raise InputError(f"{spec}: no such file or directory.")


def _check_extension(path: str) -> None:
    if not path.lower().endswith(ARRAY_EXTENSIONS + IMAGE_EXTENSIONS):
        raise InputError(
            f"{path}: unsupported input type; give .npy, .npz or an image ({', '.join(IMAGE_EXTENSIONS)})."
        )


def read_array(path: str) -> Inputs:
    """A `.npy` array, or the `x` / only / `x_test` array of a `.npz` file."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                x = _npz_array(path, loaded)
        else:
            x = loaded
    except InputError:
        raise
    except Exception as error:  # numpy raises ValueError, OSError, zipfile errors, EOFError...
        raise InputError(f"{path}: not a readable .npy/.npz array file ({one_line(error)}).") from None
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
        raise InputError(f"{path}: the array must be numeric, got dtype {x.dtype}.")
    if x.ndim < 2:
        raise InputError(f"{path}: expected a batch of inputs (N, ...), got shape {x.shape}.")
    return Inputs([f"{os.path.basename(path)}[{i}]" for i in range(len(x))], x.astype(np.float32))


def _npz_array(path: str, loaded) -> np.ndarray:
    keys = list(loaded.files)
    if len(keys) == 1:
        return loaded[keys[0]]
    for key in NPZ_KEYS:
        if key in keys:
            return loaded[key]
    raise InputError(
        f"{path}: cannot tell which array holds the inputs; name it one of "
        f"{', '.join(NPZ_KEYS)} (found: {', '.join(keys) or 'none'})."
    )


def image_geometry(input_shape: Sequence[int | None]) -> tuple[int, int, int | None]:
    """`(height, width, channels)` of an image model input; channels None for (H, W)."""
    shape = tuple(input_shape)
    if len(shape) == 3 and shape[2] in IMAGE_MODES and None not in shape[:2]:
        return shape[0], shape[1], shape[2]
    if len(shape) == 2 and None not in shape:
        return shape[0], shape[1], None
    raise InputError(
        f"the model's input shape {shape} is not an image (H, W, C) with C in "
        f"{sorted(IMAGE_MODES)}; give the inputs as a .npy/.npz array."
    )


def read_images(paths: Sequence[str], input_shape: Sequence[int | None]) -> Inputs:
    """Images converted to the model's channels and resized to its H x W (values 0..255)."""
    height, width, channels = image_geometry(input_shape)
    images = [_read_image(path, height, width, channels) for path in paths]
    return Inputs([os.path.basename(p) for p in paths], np.stack(images).astype(np.float32))


def _read_image(path: str, height: int, width: int, channels: int | None) -> np.ndarray:
    from PIL import Image

    try:
        with Image.open(path) as image:
            image = image.convert(IMAGE_MODES[channels or 1])
            image = image.resize((width, height), Image.Resampling.BILINEAR)
            pixels = np.asarray(image, dtype=np.float32)
    except Exception as error:  # PIL raises UnidentifiedImageError, OSError, SyntaxError...
        raise InputError(f"{path}: unreadable image ({one_line(error)}).") from None
    if channels is None:
        return pixels
    return pixels.reshape(height, width, channels)


def normalise(
    x: np.ndarray, scale: float, mean: Sequence[float] | None = None, std: Sequence[float] | None = None
) -> np.ndarray:
    """`(x * scale - mean) / std` with per-channel (last axis) or single mean and std."""
    x = x * np.float32(scale)
    if mean is not None:
        x = x - _per_channel("mean", mean, x)
    if std is not None:
        values = _per_channel("std", std, x)
        if np.any(values <= 0):
            raise InputError(f"std must be > 0, got {list(np.ravel(values))}.")
        x = x / values
    return x.astype(np.float32)


def _per_channel(name: str, values: Sequence[float], x: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float32).ravel()
    if values.size not in (1, x.shape[-1]):
        wanted = "1 value" if x.shape[-1] == 1 else f"1 or {x.shape[-1]} values (one per channel)"
        raise InputError(f"{name} needs {wanted}, got {values.size}.")
    return values


def check_shape(x: np.ndarray, input_shape: Sequence[int | None], source: str) -> None:
    """InputError unless `x` is a batch `(N, *input_shape)` (None matches any size)."""
    expected = tuple(input_shape)
    got = tuple(x.shape[1:])
    fits = len(got) == len(expected) and all(e is None or e == g for e, g in zip(expected, got))
    if not fits:
        wanted = "(N, " + ", ".join("?" if e is None else str(e) for e in expected) + ")"
        raise InputError(f"{source}: inputs have shape {tuple(x.shape)} but the model expects {wanted}.")
    if len(x) == 0:
        raise InputError(f"{source}: no inputs (empty batch).")


def non_finite_rows(x: np.ndarray) -> np.ndarray:
    """A boolean mask `(N,)`: the inputs holding a NaN or Inf value."""
    if not np.issubdtype(x.dtype, np.floating):
        return np.zeros(len(x), dtype=bool)
    return ~np.isfinite(x.reshape(len(x), -1)).all(axis=1)


def check_finite(names: Sequence[str], x: np.ndarray, source: str) -> None:
    """InputError naming how many inputs (and the first) hold NaN or Inf values."""
    bad = np.flatnonzero(non_finite_rows(x))
    if bad.size:
        raise InputError(
            f"{source}: {bad.size} of {len(x)} inputs contain NaN or Inf values (first: {names[bad[0]]}); "
            "fix them, or pass --allow_nan to predict the others and mark these rows."
        )
