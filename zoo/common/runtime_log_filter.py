"""Keeps TensorFlow's C++ runtime log lines off a command's terminal while it trains.

`quiet.configure()` hides TensorFlow's start-up, but the runtime logs later too, from C++
straight to file descriptor 2 and in the middle of the progress bar: oneDNN's
`E0000 ... util.cc:131] oneDNN supports DT_INT32 only on platforms with AVX-512` (an error-level
line, so `TF_CPP_MIN_LOG_LEVEL=2` keeps it), tf.data's `I0000 ... End of sequence` when a user's
`TF_CPP_MIN_LOG_LEVEL` is 0 or 1. `install()` points descriptor 2 at a pipe read by a thread
that drops the lines in absl/TensorFlow's log format (info, warning, error) and passes everything
else on (a fatal `F...` line, a crash's own output), while Python's `sys.stderr` (the progress
bar, warnings, tracebacks) keeps writing to the terminal directly, undelayed. `--verbose` does not
install it.
"""

import atexit
import io
import os
import re
import sys
import threading

# absl's format `I0000 00:00:1700000000.123456  1234 file.cc:12] text` (TensorFlow >= 2.16) and the
# older `2024-01-01 00:00:00.000000: I tensorflow/file.cc:12] text`; `F` (fatal) lines are kept.
RUNTIME_LINE = re.compile(
    rb"^(?:[IWE]\d{4} \d\d:\d\d:\d\d[.\d]*\s+\d+ \S+:\d+\]"
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWE] \S+:\d+\]"
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    # The one record known to run over two lines (cpu_feature_guard.cc); other lines are never guessed at.
    rb"|To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags)"
)

_installed = None  # (original fd 2 duplicate, reader thread) once installed


def is_runtime_line(line: bytes) -> bool:
    """Whether `line` is one of TensorFlow's C++ info/warning/error log lines."""
    return RUNTIME_LINE.match(line) is not None


def drop_runtime_lines(lines):
    """`lines` without the runtime's log records."""
    return [line for line in lines if not is_runtime_line(line)]


def _forward(read_end: int, terminal: int) -> None:
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = b"".join(line + b"\n" for line in drop_runtime_lines(lines))
            if kept:
                os.write(terminal, kept)
        if pending and not is_runtime_line(pending):
            os.write(terminal, pending)


def install() -> None:
    """Filters descriptor 2 from now on; Python's `sys.stderr` is rebound to the terminal itself. Idempotent."""
    global _installed
    if _installed is not None:
        return
    sys.stderr.flush()
    terminal = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    reader = threading.Thread(target=_forward, args=(read_end, terminal), name="runtime-log-filter", daemon=True)
    reader.start()
    _installed = (terminal, reader)
    # Python's own stderr writes straight to the terminal (no pipe, no thread between them).
    sys.stderr = io.TextIOWrapper(
        io.FileIO(os.dup(terminal), "w"), encoding=sys.stderr.encoding, errors="backslashreplace", line_buffering=True
    )
    try:  # absl's Python handler kept the old stream (descriptor 2, now the pipe): its records are Python's own.
        from absl import logging as absl_logging

        absl_logging.get_absl_handler().python_handler.stream = sys.stderr
    except ImportError:
        pass
    atexit.register(uninstall)


def uninstall() -> None:
    """Gives descriptor 2 back to the terminal after the last filtered line is through."""
    global _installed
    if _installed is None:
        return
    terminal, reader = _installed
    _installed = None
    sys.stderr.flush()
    os.dup2(terminal, 2)  # closes the pipe's last write end: the reader reads to its end and stops
    reader.join(timeout=5)
    os.close(terminal)
