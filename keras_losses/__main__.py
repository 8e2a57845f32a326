"""`python -m keras_losses`: the table of every loss `get` serves, in Markdown.

Rendered from `describe(name)`, i.e. from what each class declares;
the loss catalogue's table (docs/losses/index.md) is this output (a test compares them).
"""

import sys

from keras_losses import base, registry

HEADER = ("name", "class", "formula (per example)", "acts on", "range", "defaults", "tuned over", "paper")


def _cell(text):
    return str(text).replace("|", "\\|")


def _defaults(defaults):
    # `ignore_class=None` is every loss's (the README says so once), not listed on each row.
    shown = {arg: value for arg, value in defaults.items() if arg not in base.IGNORE_CLASS}
    return ", ".join(f"{arg}={value!r}" for arg, value in shown.items()) or "—"


def _tuned(tunable):
    return ", ".join(base.Tunable(**r).text(arg) for arg, r in tunable.items()) or "—"


def table_rows():
    """One Markdown row per name of `registry.all_names()`."""
    rows = []
    for name in registry.all_names():
        info = registry.describe(name)
        cells = (
            f"`{name}`",
            f"`{info['class'].removeprefix('keras_losses.')}`",
            info["formula"],
            info["acts_on"],
            info["range"],
            _defaults(info["defaults"]),
            _tuned(info["tunable"]),
            info["paper"],
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return rows


def table():
    """The whole Markdown table, header included."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return "\n".join(lines + table_rows())


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
