"""Stage timing for ``-v``: one log line per stage of a command (read, segment, embed, align, write, check, draft).

A stage nested in another (embeddings inside the alignment) is reported on
its own and left out of the outer stage's figure, so the lines add up to the
command's time instead of counting the embeddings twice.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator

log = logging.getLogger(__name__)

#: For each open stage, the [wall, CPU] seconds spent in the stages nested in it.
_open: list[list[float]] = []


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Log ``time NAME  w s (CPU c s)`` at INFO (shown with ``-v``) when the block ends without error."""
    if not log.isEnabledFor(logging.INFO):
        yield
        return
    nested = [0.0, 0.0]
    _open.append(nested)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _open.pop()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if _open:
        _open[-1][0] += wall
        _open[-1][1] += cpu
    log.info("time %-8s %6.2f s (CPU %.2f s)", name, wall - nested[0], cpu - nested[1])
