"""The code blocks of docs/guide/tasks-examples.md run, in order, in one namespace, and print what it says."""

import contextlib
import io
import pathlib
import re

GUIDE = pathlib.Path(__file__).parents[2] / "docs" / "guide" / "tasks-examples.md"


def test_the_guide_s_scripts_run_and_print_what_it_shows(capsys):
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 2
    namespace = {}
    for block in blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 (the project's own docs)
        output = printed.getvalue().strip().splitlines()
        shown = [line.split("# ", 1)[1] for line in block.splitlines() if re.match(r"print\(.*\)\s+# ", line)]
        shown += re.findall(r"^# (.*)$", block, flags=re.M)
        assert shown
        for text in shown:
            assert text in output, (text, output)
    assert "Task inferred: multi_label" in capsys.readouterr().err  # The one-line message of the first script.
