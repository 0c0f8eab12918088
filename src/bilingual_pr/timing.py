"""Stage timing for ``-v``: one log line per stage of a command (read, segment, embed, align, write, check, draft).

A stage nested in another (embeddings inside the alignment) is reported on
its own and left out of the outer stage's figure, so the lines add up to the
command's time instead of counting the embeddings twice.

A command that repeats the stages for many releases (``batch``) times each one
inside :func:`collecting` (whatever the log level: a worker process may have
none) and logs the sums with :func:`log_totals`; the per-release lines then go
to DEBUG (``-vv``).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator

log = logging.getLogger(__name__)

#: For each open stage, the [wall, CPU] seconds spent in the stages nested in it.
_open: list[list[float]] = []
#: While collecting: stage name -> [wall, CPU] seconds, in the order the stages first ended.
_totals: dict[str, list[float]] | None = None

Totals = tuple[tuple[str, float, float], ...]


@contextmanager
def collecting() -> Iterator[dict[str, list[float]]]:
    """Time every stage ended inside, into the dict given (name -> [wall, CPU]); their own lines go to DEBUG."""
    global _totals
    outer, _totals = _totals, {}
    try:
        yield _totals
    finally:
        _totals = outer


def add_totals(into: dict[str, list[float]], totals: Totals) -> None:
    """Add one release's stage times (name, wall, CPU) to running sums."""
    for name, wall, cpu in totals:
        sums = into.setdefault(name, [0.0, 0.0])
        sums[0] += wall
        sums[1] += cpu


def log_totals(totals: dict[str, list[float]], releases: int) -> None:
    """Log ``time NAME  w s (CPU c s) over N releases`` at INFO for each stage (the sums of their times)."""
    for name, (wall, cpu) in totals.items():
        log.info("time %-8s %6.2f s (CPU %.2f s) over %d releases", name, wall, cpu, releases)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Log ``time NAME  w s (CPU c s)`` at INFO (shown with ``-v``) when the block ends without error."""
    totals = _totals
    level = logging.INFO if totals is None else logging.DEBUG
    if totals is None and not log.isEnabledFor(level):
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
    wall, cpu = wall - nested[0], cpu - nested[1]
    if totals is not None:
        add_totals(totals, ((name, wall, cpu),))
    log.log(level, "time %-8s %6.2f s (CPU %.2f s)", name, wall, cpu)
