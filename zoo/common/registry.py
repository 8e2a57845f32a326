"""A tiny name -> builder registry shared by the zoo's models and datasets.

Example:

>>> models = Registry("model")
>>> @models.register("mlp")
... def mlp(depth=3):
...     return f"mlp with depth {depth}"
>>> models.get("mlp", depth=2)
'mlp with depth 2'
>>> models.get("mpl")
Traceback (most recent call last):
...
ValueError: Unknown model 'mpl'. Did you mean: 'mlp'? Known: mlp
"""

from collections.abc import Callable
from typing import Any

from zoo.common.close_matches import did_you_mean


class Registry:
    """Maps stable names to builder functions of one kind of thing.

    Args:
        kind: the word used in error messages, e.g. `"model"` or `"dataset"`.
    """

    def __init__(self, kind: str):
        self.kind = kind
        self._builders: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[Callable], Callable]:
        """Returns a decorator registering a builder under `name`."""

        def decorator(builder: Callable) -> Callable:
            if name in self._builders:
                raise ValueError(f"{self.kind.capitalize()} {name!r} is already registered.")
            self._builders[name] = builder
            return builder

        return decorator

    def remove(self, name: str) -> None:
        """Forgets `name` (e.g. a user's model registered for one test); unknown names are ignored."""
        self._builders.pop(name, None)

    def lookup(self, name: str) -> Callable[..., Any]:
        """Returns the builder registered as `name`; ValueError naming close matches."""
        try:
            return self._builders[name]
        except (KeyError, TypeError):
            raise ValueError(self.unknown_message(name)) from None

    def get(self, name: str, **config: Any) -> Any:
        """Calls the builder registered as `name` with `config`."""
        return self.lookup(name)(**config)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self._builders)

    def unknown_message(self, name: Any, known: list[str] | None = None) -> str:
        """The error message for an unknown `name`, listing close matches among `known`."""
        known = self.names() if known is None else known
        return f"Unknown {self.kind} {name!r}.{did_you_mean(name, known)} Known: " + ", ".join(known)

    def __contains__(self, name: str) -> bool:
        return name in self._builders
