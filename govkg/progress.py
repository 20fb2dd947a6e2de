"""Progress of a long ingest on stderr.

On a terminal: a `rich` progress bar with the count, the rate, the running added / unchanged /
skipped counts and the ETA. Otherwise (a pipe, a log file, CI): a plain line every N files
(N ~ a tenth of the run, at most 100) and every 30 seconds, and one when the run ends, so logs
stay short. The final summary (added / unchanged / skipped / missing) is printed by the caller.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any, TextIO

PLAIN_EVERY_MAX = 100  # files between two plain lines, at most
PLAIN_EVERY_SECONDS = 30.0  # and at least one plain line this often


class IngestProgress:
    """A `progress(path, status)` callback for `Pipeline.ingest`, used as a context manager.

    >>> with IngestProgress(total=len(files)) as progress:          # doctest: +SKIP
    ...     Pipeline(store).ingest(files, progress=progress)
    """

    def __init__(self, total: int, stream: TextIO | None = None, every: int | None = None, tty: bool | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = _isatty(self.stream) if tty is None else tty
        self.every = every or max(1, min(PLAIN_EVERY_MAX, total // 10))
        self.counts: Counter[str] = Counter()
        self.done = 0
        self.started = time.monotonic()
        self._last_line = self.started
        self._bar: Any = None  # a rich Progress while a bar is shown
        self._task: Any = None

    # ------------------------------------------------------------------ context
    def __enter__(self) -> IngestProgress:
        if self.tty and self.total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            console = Console(file=self.stream, stderr=self.stream is sys.stderr)
            self._bar = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                                 TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TextColumn("ETA"),
                                 TimeRemainingColumn(), console=console, transient=False)
            self._bar.start()
            self._task = self._bar.add_task("ingest", total=self.total, counts=self._counts())
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif not self.tty and self.done and self.done % self.every and self.done != self.total:
            self._line()  # an interrupted plain run still says how far it got

    # ------------------------------------------------------------------ callback
    def __call__(self, path: str, status: str) -> None:
        self.done += 1
        self.counts[status] += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, counts=self._counts())
            return
        if self.tty:
            return
        now = time.monotonic()
        if self.done % self.every == 0 or self.done == self.total or now - self._last_line >= PLAIN_EVERY_SECONDS:
            self._line()

    def _counts(self) -> str:
        return f"{self.counts['added']} added · {self.counts['unchanged']} unchanged · {self.counts['skipped']} skipped"

    def _line(self) -> None:
        now = time.monotonic()
        self._last_line = now
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = f", ETA {_clock(left / rate)}" if rate and left > 0 else ""
        print(f"  ingest: {self.done}/{self.total} files ({self._counts().replace(' · ', ', ')}), "
              f"{rate:.1f} files/s, {_clock(elapsed)} elapsed{eta}", file=self.stream, flush=True)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or file-like without a descriptor
        return False


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
