"""One writer per output directory: an exclusive lock file holding the writer's host and pid.

Two sweeps (or searches) started by mistake on one `--out` would train the
same runs twice and interleave their records. The first takes
`OUT/.lock`; the second stops at once with one line naming the holder. A lock
left by a process that died (same host, pid gone) is stale and taken over.
Distributed mode does not lock: its chief hands each run to one worker.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as out, exclusive(out):
...     holder(out)["pid"] == os.getpid()
True
"""

import contextlib
import datetime
import json
import os
import socket
from collections.abc import Iterator

LOCK_FILE = ".lock"


class LockedError(RuntimeError):
    """Another live process holds the output directory."""


def _path(out_dir: str) -> str:
    return os.path.join(out_dir, LOCK_FILE)


def holder(out_dir: str) -> dict | None:
    """The lock's content (`host`, `pid`, `started`), or None when unlocked or unreadable."""
    try:
        with open(_path(out_dir), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # Exists, owned by someone else.
    return True


def _stale(lock: dict | None) -> bool:
    """Whether a lock can be taken over: unreadable, or its process on this host is gone."""
    if lock is None:
        return True
    return lock.get("host") == socket.gethostname() and not _alive(int(lock.get("pid", -1)))


def acquire(out_dir: str) -> None:
    """Takes `out_dir`'s lock; raises LockedError naming the holder if a live process has it."""
    os.makedirs(out_dir, exist_ok=True)
    me = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    for _ in range(2):
        try:
            descriptor = os.open(_path(out_dir), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            lock = holder(out_dir)
            if not _stale(lock):
                raise LockedError(
                    f"{out_dir} is in use by process {lock['pid']} on {lock['host']} (since {lock['started']}); "
                    f"wait for it, stop it, or choose another --out (lock file: {_path(out_dir)})."
                ) from None
            with contextlib.suppress(FileNotFoundError):
                os.remove(_path(out_dir))  # Stale: its process is gone.
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(me, handle)
        return
    raise LockedError(f"{out_dir}: could not take the lock {_path(out_dir)} (another process raced for it).")


def release(out_dir: str) -> None:
    """Removes the lock if this process holds it."""
    lock = holder(out_dir)
    if lock and lock.get("pid") == os.getpid() and lock.get("host") == socket.gethostname():
        with contextlib.suppress(FileNotFoundError):
            os.remove(_path(out_dir))


@contextlib.contextmanager
def exclusive(out_dir: str) -> Iterator[None]:
    """Holds `out_dir`'s lock for the duration of the block."""
    acquire(out_dir)
    try:
        yield
    finally:
        release(out_dir)
