"""A one-line progress bar on a terminal stream, without a dependency."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws `label [####....] done/total` in place; prints nothing when `quiet`."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.perf_counter()
        # On a terminal the bar is redrawn; in a log only the finished line is written.
        redraw = self.stream.isatty() and now - self._last >= 0.2
        if self.quiet or (done < total and not redraw):
            return
        self._last = now
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"\r{label:<12} [{bar}] {done:>9,}/{total:,}  {now - self.started:6.1f}s"
        self.stream.write(line + ("\n" if done >= total else ""))
        self.stream.flush()
