"""MkDocs hook: the results (RESULTS.md and results/*/…) are rendered from where they live, not copied into docs/.

RESULTS.md links to `results/<study>/report.md` and its plots by paths relative to the repository
root; adding those files to the site under the same paths keeps every link checked (strict mode).
"""

import pathlib

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.structure.files import File

ROOT = pathlib.Path(__file__).resolve().parent.parent


def on_files(files, config):
    paths = [ROOT / "RESULTS.md"] + sorted(
        path for path in (ROOT / "results").rglob("*") if path.suffix in (".md", ".png") and path.is_file()
    )
    for path in paths:
        files.append(File(str(path.relative_to(ROOT)), str(ROOT), config["site_dir"], config["use_directory_urls"]))
    return files


class _DoctestFences(Preprocessor):
    """Fences each doctest block (`>>> ` lines with their output, up to a blank line) as `pycon` code.

    The docstrings keep plain doctests (`pytest --doctest-modules` runs them); Markdown would read
    `[0.3, 0.9]` in their output as a link.
    """

    def run(self, lines):
        out, in_fence, in_doctest = [], False, False
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("```"):
                in_fence = not in_fence
            if not in_fence and not in_doctest and stripped.startswith(">>> "):
                indent = line[: len(line) - len(line.lstrip())]
                out.append(f"{indent}```pycon")
                in_doctest = True
            elif in_doctest and not stripped:
                out.append(f"{indent}```")
                in_doctest = False
            out.append(line)
        if in_doctest:
            out.append(f"{indent}```")
        return out


class _DoctestExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(_DoctestFences(md), "doctest_fences", 40)


def on_config(config):
    config.markdown_extensions.append(_DoctestExtension())
    return config
