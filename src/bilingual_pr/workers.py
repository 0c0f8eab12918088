"""Process-pool helpers shared by every command that starts workers (TMX reading, batch, QA checks).

Signals: Ctrl-C and SIGTERM are held back while work is handed to a pool
(:func:`signals_held`), workers ignore Ctrl-C and end on SIGTERM
(:func:`init_pool_worker`), and a worker ends with its parent even when the
parent is killed outright (:func:`die_with_parent`). :func:`start_method`
picks fork or spawn.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from typing import Iterator


def init_pool_worker() -> None:
    """A pool worker started under :func:`signals_held`: Ctrl-C is the parent's to handle, SIGTERM ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    release_signals()
    die_with_parent()


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a pool worker: end when the process that started it ends, even by SIGKILL.

    A parent killed outright cannot stop its pool, and its workers would wait
    forever on a pipe that their siblings keep open. On Linux the kernel sends
    this worker SIGKILL when its parent ends (``PR_SET_PDEATHSIG``; strictly,
    when the parent's thread that started it ends: pools start their workers
    from the calling thread); elsewhere a thread polls the parent's pid.
    """
    parent = multiprocessing.parent_process()
    expected = parent.pid if parent is not None and parent.pid else os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
        if armed:
            if os.getppid() != expected:  # the parent ended before the signal was armed
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(expected,), name="bilingual-pr-parent-watch", daemon=True).start()


def _watch_parent(expected: int, every_s: float = 0.5) -> None:
    while os.getppid() == expected:
        time.sleep(every_s)
    os._exit(1)


def release_signals() -> None:
    """In a worker started under :func:`signals_held`: let the held signals through again."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a piece is handed to the pool (and a worker may start).

    Without this, a signal sent to the whole process group just as a worker forks
    interrupts the child inside multiprocessing's own start-up code (an "Exception
    ignored" traceback), and one that lands while ``submit`` holds the pool's lock
    makes the ``shutdown`` that follows wait on that lock forever. Workers inherit
    the mask and set their own handlers first; the held signal reaches this
    process as soon as the mask is restored. A pool started inside this block
    must call :func:`release_signals` in its workers' initializer, or they could
    never be terminated.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def start_method() -> str:
    """fork while this process runs no other thread (a worker starts in milliseconds), else spawn."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"
