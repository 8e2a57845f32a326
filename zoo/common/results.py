"""Result records as JSON lines: durable appends, tolerant reads, merging several files.

Each line of a results file is one JSON record (one finished run). Appends
are flushed and fsynced line by line, so a killed process loses at most the
line it was writing; readers skip such a truncated or corrupt line (the run
is then simply redone). A results directory may hold several files
(`results.jsonl`, and `results-<tuner_id>.jsonl` from distributed workers);
`read_all` merges them, keeping the first record of each run key.
`write_atomic` is the one whole-file writer of the project (reports,
leaderboards, prediction files, search specs): readers see the old file or
the new one, never half of it. What a record holds is decided elsewhere
(`zoo.sweeps.run_records`); this module only stores and reads records.

>>> import tempfile, os
>>> out = tempfile.mkdtemp()
>>> append(os.path.join(out, "results.jsonl"), [{"key": "a", "x": 1}, {"key": "b", "x": 2}])
>>> with open(os.path.join(out, "results.jsonl"), "a") as f:
...     _ = f.write('{"key": "c", "x"')  # A run killed mid-line.
>>> [r["key"] for r in read_all(out)]
['a', 'b']
"""

import glob
import json
import os
import tempfile
import warnings
from collections.abc import Iterable

DEFAULT_FILE = "results.jsonl"
PATTERN = "results*.jsonl"


def path_in(out_dir: str, file_name: str = DEFAULT_FILE) -> str:
    """`out_dir/file_name`."""
    return os.path.join(out_dir, file_name)


def worker_file(tuner_id: str) -> str:
    """The results file name of a distributed worker."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in tuner_id)
    return f"results-{safe}.jsonl"


def write_atomic(path: str, text: str | bytes) -> None:
    """Writes `text` (UTF-8 text, or bytes as they are) to `path` via a temporary file in the same
    directory and a rename."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        if isinstance(text, bytes):
            with os.fdopen(handle, "wb") as file:
                file.write(text)
        else:
            with os.fdopen(handle, "w", newline="", encoding="utf-8") as file:
                file.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def append(path: str, records: Iterable[dict]) -> None:
    """Appends `records` to `path`, one JSON line each, flushed and fsynced per line.

    A truncated last line left by a killed writer is first closed with a
    newline, so it stays a single (skipped) line.
    """
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a+b") as handle:
        if handle.tell() > 0:
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")
        for record in records:
            handle.write(json.dumps(record, sort_keys=False).encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())


def read(path: str) -> list[dict]:
    """The records of one file; unparsable lines (e.g. cut by a kill) are skipped with a warning."""
    if not os.path.exists(path):
        return []
    records, bad = [], 0
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                bad += 1
                continue
            if isinstance(record, dict) and "key" in record:
                records.append(record)
            else:
                bad += 1
    if bad:
        warnings.warn(f"{path}: skipped {bad} incomplete or corrupt line(s); those runs will be redone.", stacklevel=2)
    return records


def files(out_dir: str) -> list[str]:
    """The results files in `out_dir` (`results*.jsonl`), sorted."""
    return sorted(glob.glob(os.path.join(out_dir, PATTERN)))


def read_all(out_dir: str) -> list[dict]:
    """The records of every results file in `out_dir`, one per run key (the first one seen)."""
    merged, seen = [], set()
    for path in files(out_dir):
        for record in read(path):
            if record["key"] not in seen:
                seen.add(record["key"])
                merged.append(record)
    return merged


def done_keys(out_dir: str) -> set:
    """The run keys that have a record in `out_dir`."""
    return {record["key"] for record in read_all(out_dir)}
