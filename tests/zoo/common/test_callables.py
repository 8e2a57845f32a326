"""zoo.common.callables: functions named by module or by file, one-line errors otherwise."""

import pytest

from zoo.common.callables import load_callable


def test_module_function():
    import os.path

    assert load_callable("os.path:join") is os.path.join


def test_file_function_may_import_its_neighbours(tmp_path):
    (tmp_path / "helpers_for_builder.py").write_text("WIDTH = 7\n")
    (tmp_path / "my_builder.py").write_text(
        "import helpers_for_builder\n\ndef build(n):\n    return n * helpers_for_builder.WIDTH\n"
    )
    assert load_callable(f"{tmp_path}/my_builder.py:build")(2) == 14


@pytest.mark.parametrize(
    "spec, message",
    [
        ("os.path", "expected module:function"),
        ("no_such_module_xyz:f", "cannot import 'no_such_module_xyz'"),
        ("os.path:nope", "has no attribute 'nope'"),
        ("os:sep", "is a str, not a function"),
        ("/no/such/file.py:f", "no such file"),
    ],
)
def test_bad_specs_are_one_line_errors(spec, message):
    with pytest.raises(ValueError, match=message) as error:
        load_callable(spec)
    assert "\n" not in str(error.value)


def test_a_file_that_fails_to_import(tmp_path):
    (tmp_path / "broken_builder.py").write_text("raise RuntimeError('boom')\n")
    with pytest.raises(ValueError, match="importing .*broken_builder.py failed: RuntimeError: boom"):
        load_callable(f"{tmp_path}/broken_builder.py:build")
