"""Data for multi-label and dense tasks: offline defaults, MNIST-built sets, and mask files.

Offline defaults (no download, deterministic):

- `multi_label_digits()`: scikit-learn's 8x8 digits, each tagged with the `DIGIT_PROPERTIES`
  of its digit (6 labels, 1–4 per image; see below);
- `shapes(...)`: synthetic canvases with circles, squares and triangles and their per-pixel
  class masks (0 background, 1 circle, 2 square, 3 triangle), optionally with a void band
  (`VOID = 255`, the `ignore_class`) along every object's outline.

Built from MNIST (`mnist.npz` with `x_train, y_train, x_test, y_test`, Keras's file) for
results on real digits: `mnist_pairs` (two digits side by side, tagged by which of the 10
digits are present) and `mnist_segmentation` (digits placed on a canvas, mask = digit + 1 on
the stroke, 0 background). Training canvases use MNIST's training digits and test canvases
its test digits.

Files: `read_mask_npz` (an npz whose `y` arrays are masks) and `read_mask_dir` (an image folder
with a parallel mask folder of PNGs of the same names) return `(x_train, y_train, x_test,
y_test, class_names)` like `zoo.data.files`' readers, after checking each mask against its image.

>>> data = shapes(n_train=4, n_test=2, size=16, seed=0)
>>> data.task, data.x_train.shape, data.y_train.shape, data.num_classes, data.class_names
('dense', (4, 16, 16, 1), (4, 16, 16), 4, ('background', 'circle', 'square', 'triangle'))
>>> digits = multi_label_digits()
>>> digits.task, digits.y_train.shape[1], digits.class_names[:3]
('multi_label', 6, ('even', 'prime', 'at_least_5'))
"""

import dataclasses
import os

import numpy as np

from zoo.data import files

VOID = 255  # The ignore_class of the sets with a void band.
TEST_SEED = 0  # The test canvases never depend on the `seed` argument.

# Digit properties of `multi_label_digits` (each a label): the digits that have it. "closed_loop":
# the digit as usually handwritten encloses an area (a 4 is counted open, as most handwritten 4s are);
# "straight_strokes": drawn with straight strokes only. Every digit gets a distinct label set.
DIGIT_PROPERTIES = {
    "even": (0, 2, 4, 6, 8),
    "prime": (2, 3, 5, 7),
    "at_least_5": (5, 6, 7, 8, 9),
    "closed_loop": (0, 6, 8, 9),
    "straight_strokes": (1, 4, 7),
    "multiple_of_3": (0, 3, 6, 9),
}
SHAPES = ("background", "circle", "square", "triangle")


@dataclasses.dataclass(frozen=True, eq=False)
class TaskSet:
    """Arrays of one task: inputs `(N, ..., C)` in [0, 1], labels (multi-hot rows or class masks)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str
    num_classes: int
    class_names: tuple[str, ...]
    ignore_class: int | None = None
    description: str = ""


# ---------------------------------------------------------------- multi-label digits


def property_labels(digits) -> np.ndarray:
    """Multi-hot `(N, len(DIGIT_PROPERTIES))` int32 rows: which properties each digit has."""
    digits = np.asarray(digits)
    return np.stack([np.isin(digits, members) for members in DIGIT_PROPERTIES.values()], axis=-1).astype(np.int32)


def _fixed_split(n: int, test_fraction: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(TEST_SEED).permutation(n)
    cut = int(round(n * (1 - test_fraction)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def multi_label_digits() -> TaskSet:
    """scikit-learn's 1797 8x8 digits `(N, 8, 8, 1)` in [0, 1], tagged with their `DIGIT_PROPERTIES`.

    A fixed 25% test split (seed `TEST_SEED`).
    """
    from sklearn import datasets as sk_datasets

    digits = sk_datasets.load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = property_labels(digits.target)
    train, test = _fixed_split(len(x))
    return TaskSet(
        x[train], y[train], x[test], y[test], "multi_label", y.shape[1], tuple(DIGIT_PROPERTIES),
        description="scikit-learn digits tagged with " + ", ".join(DIGIT_PROPERTIES),
    )  # fmt: skip


# ---------------------------------------------------------------- synthetic shapes


def void_band(masks: np.ndarray, void: int = VOID) -> np.ndarray:
    """`masks` with every position whose 4-neighbour has another class set to `void` (both sides of each edge)."""
    padded = np.pad(masks, [(0, 0), (1, 1), (1, 1)], mode="edge")
    centre = padded[:, 1:-1, 1:-1]
    edge = (
        (centre != padded[:, :-2, 1:-1])
        | (centre != padded[:, 2:, 1:-1])
        | (centre != padded[:, 1:-1, :-2])
        | (centre != padded[:, 1:-1, 2:])
    )
    return np.where(edge, void, masks).astype(masks.dtype)


def draw_shapes(rng: np.random.Generator, n: int, size: int = 32, max_shapes: int = 3):
    """`n` grayscale canvases `(n, size, size, 1)` with 1..`max_shapes` shapes each, and their masks.

    Each shape (circle, square or triangle, class 1, 2, 3) has a random centre, radius in
    [size/10, size/4] and brightness in [0.35, 1]; later shapes cover earlier ones. The
    background is 0.1 plus Gaussian noise (σ = 0.05), clipped to [0, 1].
    """
    rows, cols = np.mgrid[0:size, 0:size].astype(np.float32)
    kind = rng.integers(1, 4, size=(n, max_shapes))
    radius = rng.uniform(size / 10, size / 4, size=(n, max_shapes))
    centre_row, centre_col = (rng.uniform(0, size, size=(2, n, max_shapes)) * 0.8 + 0.1 * size).astype(np.float32)
    brightness = rng.uniform(0.35, 1.0, size=(n, max_shapes))
    drawn = np.arange(max_shapes) < rng.integers(1, max_shapes + 1, size=(n, 1))
    masks = np.zeros((n, size, size), np.uint8)
    images = np.full((n, size, size), 0.1, np.float32)
    for s in range(max_shapes):
        r = radius[:, s, None, None]
        dr, dc = rows[None] - centre_row[:, s, None, None], cols[None] - centre_col[:, s, None, None]
        circle = dr**2 + dc**2 <= r**2
        square = (np.abs(dr) <= 0.85 * r) & (np.abs(dc) <= 0.85 * r)
        # Apex at the top (dr = -r), base of width 2r at the bottom (dr = r).
        triangle = (np.abs(dr) <= r) & (np.abs(dc) <= (dr + r) / 2)
        kind_s = kind[:, s, None, None]
        inside = np.select([kind_s == 1, kind_s == 2], [circle, square], triangle) & drawn[:, s, None, None]
        masks = np.where(inside, kind_s, masks).astype(np.uint8)
        images = np.where(inside, brightness[:, s, None, None], images)
    images = np.clip(images + rng.normal(0.0, 0.05, images.shape), 0.0, 1.0).astype(np.float32)
    return images[..., None], masks


def shapes(
    n_train: int = 800, n_test: int = 200, size: int = 16, max_shapes: int = 3, void_border: bool = False, seed=0
):
    """Synthetic shapes with per-pixel masks (`draw_shapes`); `void_border` adds a `VOID` band on every outline.

    16x16 canvases by default, so that the embedded dense comparison (`python -m zoo.compare --task=dense`)
    runs about as long as the demo; the registered name `shapes:SIZE` draws others (e.g. `shapes:32`).

    The training canvases come from `seed`, the test canvases from `TEST_SEED` (a stream of
    their own, so they never depend on `seed`).
    """
    if size < 8:
        raise ValueError(f"shapes: size must be at least 8 pixels, got {size}.")
    x_train, y_train = draw_shapes(np.random.default_rng([seed, 1]), n_train, size, max_shapes)
    x_test, y_test = draw_shapes(np.random.default_rng([TEST_SEED, 2]), n_test, size, max_shapes)
    if void_border:
        y_train, y_test = void_band(y_train), void_band(y_test)
    void = f", void band {VOID} on outlines" if void_border else ""
    return TaskSet(
        x_train, y_train, x_test, y_test, "dense", len(SHAPES), SHAPES, VOID if void_border else None,
        description=f"{size}x{size} synthetic shapes (circle, square, triangle), up to {max_shapes} per canvas{void}",
    )  # fmt: skip


# ---------------------------------------------------------------- MNIST-built sets


def read_mnist(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`x_train, y_train, x_test, y_test` of an MNIST `.npz` (uint8 images `(N, 28, 28)`, digits)."""
    path = os.path.expanduser(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such MNIST .npz file: {path}")
    keys = ("x_train", "y_train", "x_test", "y_test")
    with np.load(path, allow_pickle=False) as arrays:
        missing = [key for key in keys if key not in arrays.files]
        if missing:
            raise ValueError(f"{path} must hold {', '.join(keys)} (Keras's mnist.npz); it lacks {', '.join(missing)}.")
        found = tuple(arrays[key] for key in keys)
    if found[0].ndim != 3 or found[2].ndim != 3:
        raise ValueError(f"{path}: MNIST images must be (N, height, width), got {found[0].shape} and {found[2].shape}.")
    return found


def _pick(rng, images, labels, shape):
    index = rng.integers(0, len(images), size=shape)
    return images[index].astype(np.float32) / 255.0, labels[index].astype(np.int64)


def _pairs(rng, images, labels, n, jitter):
    """`n` canvases `(n, h + jitter, 2·(w + jitter))`: two random digits side by side, each shifted <= `jitter`."""
    h, w = images.shape[1:]
    digits, which = _pick(rng, images, labels, (n, 2))
    canvas = np.zeros((n, h + jitter, 2 * (w + jitter)), np.float32)
    shifts = rng.integers(0, jitter + 1, size=(n, 2, 2))
    for i in range(n):  # Two slice assignments per canvas.
        for slot in range(2):
            top, left = shifts[i, slot, 0], slot * (w + jitter) + shifts[i, slot, 1]
            canvas[i, top : top + h, left : left + w] = digits[i, slot]
    present = np.zeros((n, 10), np.int32)
    np.put_along_axis(present, which, 1, axis=1)
    return canvas[..., None], present


def mnist_pairs(path: str, n_train: int = 4000, n_test: int = 1000, jitter: int = 4, seed=0) -> TaskSet:
    """Two MNIST digits side by side on a `(28 + jitter) × 2·(28 + jitter)` canvas, tagged by the digits present.

    10 labels; one positive when both digits are the same digit (1 pair in 10), else two.
    """
    x_train, y_train, x_test, y_test = read_mnist(path)
    train = _pairs(np.random.default_rng([seed, 3]), x_train, y_train, n_train, jitter)
    test = _pairs(np.random.default_rng([TEST_SEED, 4]), x_test, y_test, n_test, jitter)
    return TaskSet(
        *train, *test, "multi_label", 10, tuple(str(d) for d in range(10)),
        description=f"MNIST digit pairs ({path}), tagged by the digits present",
    )  # fmt: skip


def _digit_canvases(rng, images, labels, n, size, max_digits, threshold, void_edges):
    h, w = images.shape[1:]
    if size < max(h, w):
        raise ValueError(f"mnist_segmentation: the canvas ({size}) must be at least the digit size ({h}x{w}).")
    digits, which = _pick(rng, images, labels, (n, max_digits))
    count = rng.integers(1, max_digits + 1, size=n)
    corners = rng.integers(0, size - np.array([h, w]) + 1, size=(n, max_digits, 2))
    canvas = np.zeros((n, size, size), np.float32)
    masks = np.zeros((n, size, size), np.uint8)
    for i in range(n):
        for d in range(count[i]):  # Later digits cover earlier ones.
            top, left = corners[i, d]
            window = np.s_[i, top : top + h, left : left + w]
            stroke, faint = digits[i, d] >= threshold, (digits[i, d] > 0) & (digits[i, d] < threshold)
            canvas[window] = np.maximum(canvas[window], digits[i, d])
            masks[window] = np.where(stroke, which[i, d] + 1, masks[window])
            if void_edges:
                masks[window] = np.where(faint & (masks[window] == 0), VOID, masks[window])
    return canvas[..., None], masks


def mnist_segmentation(
    path: str,
    n_train: int = 4000,
    n_test: int = 1000,
    size: int = 48,
    max_digits: int = 2,
    threshold: float = 0.5,
    void_edges: bool = False,
    seed=0,
) -> TaskSet:
    """1..`max_digits` MNIST digits placed on a `size × size` canvas; mask = digit + 1 where the digit's
    intensity is >= `threshold`, 0 elsewhere (11 classes). With `void_edges`, the faint stroke
    edge (0 < intensity < threshold) of uncovered pixels is `VOID`. Later digits cover earlier ones."""
    x_train, y_train, x_test, y_test = read_mnist(path)
    options = (size, max_digits, threshold, void_edges)
    train = _digit_canvases(np.random.default_rng([seed, 5]), x_train, y_train, n_train, *options)
    test = _digit_canvases(np.random.default_rng([TEST_SEED, 6]), x_test, y_test, n_test, *options)
    return TaskSet(
        *train, *test, "dense", 11, ("background", *(str(d) for d in range(10))), VOID if void_edges else None,
        description=f"MNIST digits on {size}x{size} canvases ({path}), masks digit+1",
    )  # fmt: skip


# ---------------------------------------------------------------- mask files


def check_masks(x: np.ndarray, y: np.ndarray, where: str) -> np.ndarray:
    """Integer masks `y` of images `x` `(N, H, W, C)`: `(N, H, W)` (a trailing axis of 1 dropped), or a ValueError."""
    y = np.asarray(y)
    if y.ndim == x.ndim and y.shape[-1] == 1:
        y = y[..., 0]
    if y.shape != x.shape[:-1]:
        raise ValueError(
            f"{where}: masks of shape {y.shape} do not match images of shape {x.shape} "
            "(each mask must be its image's height x width)."
        )
    if not (np.issubdtype(y.dtype, np.integer) or np.all(y == np.round(y))):
        raise ValueError(f"{where}: masks must hold integer class ids, got dtype {y.dtype} with fractions.")
    return y.astype(np.int32)


def read_mask_npz(path: str):
    """An `.npz` of images and masks (`x, y` or `x_train, y_train[, x_test, y_test]`, `y` the masks).

    Images as `zoo.data.files.read_npz` reads them (channel axis added, uint8 scaled by 1/255).
    """
    x_train, y_train, x_test, y_test, _ = files.read_npz(path)
    y_train = check_masks(x_train, y_train, f"{path} (training)")
    if x_test is not None:
        y_test = check_masks(x_test, y_test, f"{path} (test)")
    return x_train, y_train, x_test, y_test, None


def _image_files(folder: str) -> dict[str, str]:
    """`{stem: file name}` of the images in `folder` (not its sub-folders)."""
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"No such folder: {folder}")
    found = {}
    for name in sorted(os.listdir(folder)):
        stem, extension = os.path.splitext(name)
        if extension.lower() in files.IMAGE_EXTENSIONS and os.path.isfile(os.path.join(folder, name)):
            if stem in found:
                raise ValueError(f"{folder} has two files named {stem!r}: {found[stem]} and {name}.")
            found[stem] = name
    return found


def read_mask_dir(images: str, masks: str, size=None):
    """Images of folder `images` and their masks: the files of the same name (any image extension) in `masks`.

    Images are read grayscale, RGB or RGBA (as the first image), in [0, 1]; masks must be
    single-channel images of class ids (PNG mode L, P — a palette's indices — or I) of their
    image's size. All images must share one size unless `size` ("H,W") is given: then images
    are resized bilinearly and masks by nearest neighbour. Errors name the file.
    """
    from PIL import Image

    image_names, mask_names = _image_files(images), _image_files(masks)
    if not image_names:
        raise ValueError(f"{images} holds no images ({', '.join(files.IMAGE_EXTENSIONS)}).")
    missing = [name for stem, name in image_names.items() if stem not in mask_names]
    if missing:
        raise ValueError(
            f"{masks} has no mask for {len(missing)} image(s) of {images}, e.g. {missing[0]} "
            "(a mask has its image's file name, any image extension)."
        )
    size = files.image_size(size)
    xs, ys, mode, first = [], [], None, None
    for stem, name in image_names.items():
        with Image.open(os.path.join(images, name)) as image, Image.open(os.path.join(masks, mask_names[stem])) as mask:
            mode = mode or {"L": "L", "LA": "L", "RGBA": "RGBA"}.get(image.mode, "RGB")
            if mask.mode not in ("L", "P", "I", "I;16"):
                raise ValueError(
                    f"Mask {mask_names[stem]} is a {mask.mode} image; masks must be single-channel class ids "
                    "(L, P or I)."
                )
            if mask.size != image.size:
                raise ValueError(
                    f"Mask {mask_names[stem]} is {mask.height}x{mask.width} but its image {name} is "
                    f"{image.height}x{image.width}."
                )
            target = size or first or (image.height, image.width)
            if not size and (image.height, image.width) != target:
                raise ValueError(
                    f"{images}: images differ in size ({name} is {image.height}x{image.width}, the first "
                    f"{target[0]}x{target[1]}); give image_size to resize them."
                )
            first = target
            resized = image.convert(mode).resize(target[::-1], Image.BILINEAR)
            xs.append(np.asarray(resized, np.float32) / 255.0)
            ys.append(np.asarray(mask.resize(target[::-1], Image.NEAREST)).astype(np.int32))
    x = np.stack(xs)
    x = x[..., None] if x.ndim == 3 else x
    return x, np.stack(ys), None, None, None
