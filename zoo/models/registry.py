"""The model registry: builders by stable name, `build`, `names`, `options`, `register`.

Every builder is a small pure function
`(input_shape, num_classes, depth=..., ..., output="logits") -> keras.Model`
registered under a stable name (`zoo.models.families` holds the zoo's own).
Users add theirs with `register(name)` (`zoo.models.user_models` states their contract);
`build` also takes such a builder itself in place of a name. The families' `head` ("linear"
or "cosine", `HEADS`) is theirs alone: a user's model brings its own last layer.
"""

from collections.abc import Callable, Sequence

import keras

from zoo.common.registry import Registry

MODELS = Registry("model")
OUTPUTS = ("logits", "probabilities")
# The families' last layer: "linear" (Dense) or "cosine" (`zoo.models.layers.CosineLogits`, LDAM's setting).
HEADS = ("linear", "cosine")
# The builder argument that a family's "width" means (MLP units, CNN filters, ResNet width);
# a user's builder takes `width` itself.
WIDTH_ARGUMENT = {"mlp": "width", "cnn": "filters", "resnet": "width", "unet": "width"}
USER_MODELS: set[str] = set()  # Names added with `register` (not the zoo's families).


def build(name, *, input_shape: Sequence[int], num_classes: int, **options) -> keras.Model:
    """Builds the model registered as `name` (see `names()`), or calls `name` when it is a builder."""
    if callable(name):
        return name(input_shape=tuple(input_shape), num_classes=num_classes, **options)
    return MODELS.get(name, input_shape=tuple(input_shape), num_classes=num_classes, **options)


def names():
    """The registered model names, sorted."""
    return MODELS.names()


def options(model, depth, width=None, head=None) -> dict:
    """`zoo.build` options for `model` at `depth` and, if given, `width` (see `WIDTH_ARGUMENT`) and `head`.

    A depth of None is left out (a user's builder without a depth argument), and so is a head
    of None or "linear" (the families' default; a user's builder takes no `head`).

    >>> options("cnn", 2, width=8), options("my_net", None, width=8), options("mlp", 1, head="cosine")
    ({'depth': 2, 'filters': 8}, {'width': 8}, {'depth': 1, 'head': 'cosine'})
    """
    found = {} if depth is None else {"depth": depth}
    if width is not None:
        found[WIDTH_ARGUMENT.get(model, "width")] = width
    if head not in (None, "linear"):
        found["head"] = head
    return found


def check_head(head) -> None:
    """One-line ValueError unless `head` is one of `HEADS`."""
    if head not in HEADS:
        raise ValueError(f"head must be one of {', '.join(map(repr, HEADS))}, got {head!r}.")


def register(name: str) -> Callable[[Callable], Callable]:
    """Decorator: adds a user's builder `build(input_shape, num_classes[, depth=, width=])` as model `name`.

    The builder is wrapped by `zoo.models.user_models.UserModel` (one output of the class
    count, a final softmax cut off to its logits), then works wherever a family name does:
    `zoo.build`, `zoo.compare_losses`, `--models=NAME`, `tuning`. Returns the builder unchanged.

    >>> import keras
    >>> @register("doc_linear")
    ... def doc_linear(input_shape, num_classes):
    ...     return keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(), keras.layers.Dense(num_classes)])
    >>> build("doc_linear", input_shape=(8, 8, 1), num_classes=10).output_shape
    (None, 10)
    >>> unregister("doc_linear")
    """
    from zoo.models.user_models import UserModel

    def decorator(builder: Callable) -> Callable:
        wrapped = UserModel(builder, label=name)

        def registered(*, input_shape, num_classes, output="logits", **options):
            if output != "logits":
                raise ValueError(f"Model {name!r} (registered with zoo.models.register) outputs logits only.")
            return wrapped(input_shape=input_shape, num_classes=num_classes, **options)

        registered.user_model = wrapped
        MODELS.register(name)(registered)
        USER_MODELS.add(name)
        return builder

    return decorator


def unregister(name: str) -> None:
    """Removes a model added with `register` (the zoo's families stay)."""
    if name in USER_MODELS:
        MODELS.remove(name)
        USER_MODELS.discard(name)
