"""Safe file output: atomic writes, and never overwriting an input."""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import IO, Iterable, Iterator

from bilingual_pr.errors import UserError


class InputGuard:
    """The input files of a command, resolved and stat-ed once, to refuse outputs that name one of them."""

    def __init__(self, inputs: Iterable[str | Path]) -> None:
        self._paths: set[Path] = set()
        self._ids: set[tuple[int, int]] = set()
        for inp in inputs:
            p = Path(inp)
            self._paths.add(p.resolve())
            with contextlib.suppress(OSError):
                st = p.stat()
                self._ids.add((st.st_dev, st.st_ino))

    def refuse(self, output: str | Path) -> None:
        """Raise a UserError when ``output`` is one of the inputs (same path, or same file by another name)."""
        out = Path(output)
        try:
            st = out.stat()
            same = (st.st_dev, st.st_ino) in self._ids
        except OSError:
            same = False
        if same or out.resolve() in self._paths:
            raise UserError(f"{out}: output path is also an input; choose another output file")


def refuse_overwriting_inputs(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Raise a UserError when the output path is one of the input files."""
    InputGuard(inputs).refuse(output)


# Set by ``deferred_fsync``: the list of the paths written since, whose data is not yet synced.
_DEFERRED: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar("bilingual_pr_deferred_fsync",
                                                                              default=None)


@contextlib.contextmanager
def deferred_fsync() -> Iterator[list[Path]]:
    """Inside the block, ``atomic_output`` renames files into place without syncing them; yields their paths.

    For a caller that makes one later, synced record the judge of those files
    (``batch``: a stamp with their sizes, so that a file an OS crash left short
    is redone): one fsync for several files instead of one each. Files are still
    written to a temporary file and renamed, so none is ever seen half-written
    while the system runs.
    """
    written: list[Path] = []
    token = _DEFERRED.set(written)
    try:
        yield written
    finally:
        _DEFERRED.reset(token)


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "w", encoding: str | None = "utf-8",
                  newline: str | None = None) -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    target = Path(path)
    deferred = _DEFERRED.get()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise UserError(f"{target}: folder {folder} does not exist")
    if target.is_dir():
        raise UserError(f"{target}: is a directory")
    binary = "b" in mode
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise _cannot_write(target, err) from None
    try:
        with (os.fdopen(fd, mode) if binary else os.fdopen(fd, mode, encoding=encoding, newline=newline)) as fh:
            yield fh
            fh.flush()
            if deferred is None:
                os.fsync(fh.fileno())
        if target.exists():
            # Keep the permissions of the file we replace.
            with contextlib.suppress(OSError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        if deferred is not None:
            deferred.append(target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError) and err.errno in _FULL:
            raise _cannot_write(target, err) from None
        raise


# A full disk or quota, a file too big for the file system: only writing raises these, so the
# output being written is the file to name (an input that cannot be read says so itself).
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _cannot_write(target: Path, err: OSError) -> Exception:
    if err.errno in _FULL or isinstance(err, PermissionError):
        return UserError(f"{target}: cannot write: {err.strerror or err}")
    return err


@contextlib.contextmanager
def folder_lock(folder: str | Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for the block; a second holder gets a one-line UserError.

    ``flock`` on a hidden file in the folder: the kernel drops it when the
    holder dies (even by SIGKILL), so a crash never leaves a stale lock behind.
    """
    import fcntl

    path = Path(folder) / ".bilingual-pr.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise _cannot_write(path, err) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            raise UserError(f"{folder}: another {what} is writing to this folder"
                            + (f" (process {holder})" if holder.isdigit() else "")
                            + "; wait for it to finish or choose another output folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a whole text file atomically in UTF-8."""
    with atomic_output(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def read_input_bytes(path: str | Path, max_bytes: int = 512 * 1024 * 1024) -> bytes:
    """Read an input file, turning OS errors into one-line UserErrors."""
    p = Path(path)
    try:
        if p.is_dir():
            raise UserError(f"{p}: is a directory, not a file")
        size = p.stat().st_size
        if size > max_bytes:
            raise UserError(f"{p}: file too large ({size} bytes; limit {max_bytes})")
        return p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{p}: no such file") from None
    except PermissionError:
        raise UserError(f"{p}: permission denied") from None
    except UserError:
        raise
    except OSError as err:
        raise UserError(f"{p}: cannot read: {err.strerror or err}") from None


def write_scratch(path: str | Path, chunks: Iterable[bytes]) -> None:
    """Write a scratch file inside a private temporary folder (no rename, no fsync).

    For intermediate data only one run reads back, after the writer is done: a
    crash loses the folder with it, so the care ``atomic_output`` takes for
    outputs would only cost time.
    """
    try:
        with open(path, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except OSError as err:
        raise _cannot_write(Path(path), err) from None


# --------------------------------------------------------------------------- scratch folders

SCRATCH_PREFIX = "bilingual-pr-"
_OWNER_LOCK = ".owner.lock"


class ScratchDir:
    """A private temporary folder, locked by its owner while it lives, swept by a later run once it is not.

    Named ``bilingual-pr-KIND-PID-XXXX`` (the owner's pid, for whoever looks
    in the temporary folder). The proof that the owner is gone is not the pid,
    which another process may reuse or another pid namespace may share, but an
    ``flock`` the owner takes on ``.owner.lock`` inside: the kernel drops it
    when the owner and the workers it forked have ended, however they ended.
    """

    def __init__(self, kind: str) -> None:
        sweep_stale_scratch()
        self.path = tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{kind}-{os.getpid()}-")
        fd = None
        try:
            import fcntl
        except ImportError:  # no flock: the folder is still removed by cleanup(), only never swept
            pass
        else:
            # Locked under another name, then renamed: a sweep never sees an unlocked owner lock.
            fresh = os.path.join(self.path, _OWNER_LOCK + ".new")
            fd = os.open(fresh, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.rename(fresh, os.path.join(self.path, _OWNER_LOCK))
        # Also run when the object is collected or at exit (an exception past the owner's cleanup).
        self._finalizer = weakref.finalize(self, _remove_scratch, self.path, fd, os.getpid())

    def cleanup(self) -> None:
        """Remove the folder and everything in it."""
        self._finalizer()


def _remove_scratch(path: str, fd: int | None, owner: int) -> None:
    if os.getpid() != owner:  # a forked worker's copy: the folder is its parent's
        return
    shutil.rmtree(path, ignore_errors=True)
    if fd is not None:
        os.close(fd)


def sweep_stale_scratch(base: str | Path | None = None) -> list[str]:
    """Remove the scratch folders of this user whose owner has ended (a run killed by SIGKILL); return them."""
    try:
        import fcntl
    except ImportError:
        return []
    removed: list[str] = []
    try:
        entries = list(os.scandir(base if base is not None else tempfile.gettempdir()))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(SCRATCH_PREFIX):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            fd = os.open(os.path.join(entry.path, _OWNER_LOCK), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # not ours, gone meanwhile, or no owner lock (then not known to be stale)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # its owner is alive
        else:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.path)
        finally:
            os.close(fd)
    return removed
