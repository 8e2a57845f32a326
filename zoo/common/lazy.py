"""Lazy package attributes: a package's public names and sub-modules, imported on first use.

A package's `__init__` declares which sub-module defines each public name, and
gets `__getattr__`/`__dir__`/`__all__` from `exports`, so that importing the
package stays cheap (TensorFlow and Keras load only when a name is used) and
`python -m zoo.<command>` can parse its flags before TensorFlow starts:

    __getattr__, __dir__, __all__ = lazy.exports(__name__, {"load": "model_files"})
"""

import importlib
import pkgutil
import sys
from collections.abc import Mapping


def exports(package: str, names: Mapping[str, str], aliases: Mapping[str, tuple[str, str]] | None = None):
    """`(__getattr__, __dir__, __all__)` for `package`.

    Args:
        package: the package's `__name__`.
        names: public name -> the sub-module of `package` that defines it under that name.
        aliases: public name -> `(sub-module, name there)`, for a name that differs.
    """
    aliases = dict(aliases or {})
    public = sorted(set(names) | set(aliases))

    def submodules():
        return {info.name for info in pkgutil.iter_modules(sys.modules[package].__path__)}

    def __getattr__(name):
        if name in names or name in aliases:
            module, attribute = aliases.get(name) or (names[name], name)
            value = getattr(importlib.import_module(f"{package}.{module}"), attribute)
            setattr(sys.modules[package], name, value)  # Looked up once.
            return value
        if name in submodules():
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(public) | submodules())

    return __getattr__, __dir__, public
