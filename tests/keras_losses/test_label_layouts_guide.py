"""The code blocks of docs/guide/label-layouts.md run, in order, in one namespace, and print what it says."""

import contextlib
import io
import pathlib
import re

GUIDE = pathlib.Path(__file__).parents[2] / "docs" / "guide" / "label-layouts.md"


def test_the_guide_s_examples_run_and_print_what_it_shows():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 6
    namespace = {}
    for block in blocks:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 (the project's own docs)
        # Each `print(...)  # shown` or `print(...)` followed by `# shown` lines: the shown text is what printed.
        shown = [line.split("# ", 1)[1] for line in block.splitlines() if re.match(r"print\(.*\)\s+# ", line)]
        shown += [" ".join(re.findall(r"^# (.*)$", block, flags=re.M))] if re.search(r"^# ", block, re.M) else []
        output = printed.getvalue().strip().splitlines()
        for text in shown:
            pattern = re.escape(text).replace(r"\.\.\.", ".*")
            assert any(re.search(pattern, line) for line in output) or re.search(pattern, " ".join(output)), text
