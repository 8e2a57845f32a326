"""`python -m zoo.report OUT [--reference=NAME]`: re-render OUT/report.md from OUT/results*.jsonl."""

from zoo.report import document

if __name__ == "__main__":
    document.command()
