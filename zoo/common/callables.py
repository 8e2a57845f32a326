"""A function named on a command line: `package.module:function` or `path/to/file.py:function`.

>>> load_callable("os.path:join")("a", "b")
'a/b'
>>> load_callable("os.path:no_such_function")
Traceback (most recent call last):
...
ValueError: 'os.path:no_such_function': module 'os.path' has no attribute 'no_such_function'.
"""

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable


def load_callable(spec: str) -> Callable:
    """The callable that `spec` names; a one-line ValueError for anything else.

    Args:
        spec: `module:attribute` (an importable dotted module) or `file.py:attribute`
            (a Python file, imported under its stem; its folder goes on `sys.path`
            so that it can import its neighbours).
    """
    where, colon, attribute = spec.rpartition(":")
    if not colon or not where or not attribute:
        raise ValueError(f"{spec!r}: expected module:function or path/to/file.py:function.")
    if where.endswith(".py"):
        module = _module_from_file(spec, where)
    else:
        try:
            module = importlib.import_module(where)
        except ImportError as error:
            raise ValueError(f"{spec!r}: cannot import {where!r} ({error}).") from None
    found = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise ValueError(f"{spec!r}: module {where!r} has no attribute {attribute!r}.")
        found = getattr(found, part)
    if not callable(found):
        raise ValueError(f"{spec!r}: {attribute!r} is a {type(found).__name__}, not a function.")
    return found


def _module_from_file(spec, path):
    path = os.path.abspath(os.path.expanduser(path))
    if not os.path.isfile(path):
        raise ValueError(f"{spec!r}: no such file {path}.")
    name = os.path.splitext(os.path.basename(path))[0]
    folder = os.path.dirname(path)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise ValueError(f"{spec!r}: importing {path} failed: {type(error).__name__}: {error}") from None
    return module
