"""Crash and concurrency safety for the embedded store: a lock, and a rollback copy of the store file.

LadybugDB (0.14.1, and 0.15.3 alike) needs both:

- **Opening touches the files before the engine's lock is taken.** A process
  that opens a store another process is writing to, even one that then fails
  on the lock, can make that writer fail ("Error removing ... .wal", "Found
  shadow file ... but no corresponding database file") or crash (SIGSEGV);
  a read-only open can fail on the writer's WAL or shadow file ("Couldn't
  replay shadow pages under read-only mode"). So relgraph takes its own lock,
  ``<store>.lock`` (``flock``: exclusive for a writer, shared for readers),
  before the engine opens anything, and a process that cannot have it is told
  who holds the store without touching it.
- **A process killed while it commits can leave neither graph.** A
  transaction that deletes rows and bulk-``COPY``s new ones, killed during its
  ``COMMIT``, comes back with the deletions and without the copied rows (with
  the engine alone: 0 rows after 7 of 10 such kills), and a kill while the WAL
  is written can leave a torn WAL the engine will not open ("Reading past the
  end of the file ... .wal"). So before a write transaction the writer
  checkpoints (the file alone then holds the graph) and copies the store file
  to ``<store>.rollback``; after ``COMMIT`` and another checkpoint it deletes
  the copy. A writer that dies leaves the copy behind; the next process to get
  the exclusive lock (so no writer is alive) drops the WAL and puts the copy
  back before the engine reads the file.

tests/test_reliability_kill.py and tests/test_reliability_concurrency.py
exercise both with real processes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from relgraph.errors import StoreError

try:
    import fcntl
except ImportError:  # not POSIX: the engine's own lock is all there is
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".rollback"
ENGINE_FILES = (".wal", ".shadow")  # what LadybugDB keeps next to the store file while writing


def rollback_path(store: Path) -> Path:
    """Where the rollback copy of ``store`` lives."""
    return store.with_name(store.name + SUFFIX)


class StoreLock:
    """``<store>.lock``, held with ``flock`` for as long as the store is open.

    The file is never deleted (deleting a lock file lets two processes lock two
    different files); it holds nothing.
    """

    def __init__(self, store: Path):
        self.path = store.with_name(store.name + ".lock")
        self._fd: int | None = None

    def acquire(self, *, exclusive: bool) -> bool:
        """Take (or change to) the exclusive or shared lock without waiting; False if another
        process holds it the other way. True, and nothing held, where locks are not possible
        (no ``fcntl``, or a read-only folder for a reader)."""
        if fcntl is None:
            return True
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                if exclusive:
                    raise
                return True  # a reader in a folder it cannot write to: the engine's lock only
        try:
            fcntl.flock(self._fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the lock
            self._fd = None


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy(src: Path, dst_fd: int) -> None:
    """Copy ``src`` into the open file ``dst_fd`` and flush it to disk (a reflink where the
    file system has them)."""
    with open(src, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        try:
            while os.copy_file_range(f.fileno(), dst_fd, size):  # 0 at the end of the file
                pass
        except (AttributeError, OSError):
            os.lseek(dst_fd, 0, os.SEEK_SET)
            os.ftruncate(dst_fd, 0)
            f.seek(0)
            with os.fdopen(os.dup(dst_fd), "wb") as out:
                shutil.copyfileobj(f, out, 1 << 20)
    os.fsync(dst_fd)


class Guard:
    """A rollback copy of a store file, kept while one write transaction runs. The writer
    holds the store's exclusive lock throughout."""

    def __init__(self, store: Path):
        self.store = store
        self.path = rollback_path(store)

    def take(self) -> None:
        """Copy the store file (checkpointed by the caller) to the rollback copy."""
        part = self.path.with_name(self.path.name + ".part")
        fd = os.open(part, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)  # a dead writer's part: redone
        try:
            _copy(self.store, fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                part.unlink()
            raise
        os.close(fd)
        os.replace(part, self.path)  # complete, or not there at all
        _fsync_dir(self.path.parent)

    def drop(self) -> None:
        """The write committed (or the engine rolled it back): the copy is not needed.

        Called only after :meth:`take` worked (a failed take leaves no copy). The writer holds
        the exclusive lock, so a copy at this path is this write's own.
        """
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        _fsync_dir(self.path.parent)


def recover(store: Path) -> bool:
    """Put back the rollback copy a dead writer left; True if there was one.

    The caller holds the store's exclusive lock: no writer is alive, and no
    process has the store open. Raises :class:`StoreError` when the copy cannot
    be put back.
    """
    path = rollback_path(store)
    if not path.exists():
        return False
    try:
        # The engine's files of the interrupted write go first: a WAL replayed over the
        # restored file would redo part of that write. Then the copy replaces the file in
        # one step; until it has, the copy stays, and the next open does this again.
        for suffix in ENGINE_FILES:
            with contextlib.suppress(FileNotFoundError):
                store.with_name(store.name + suffix).unlink()
        os.replace(path, store)
        _fsync_dir(store.parent)
    except OSError as e:
        raise StoreError(
            f"the last write to store {store} was interrupted and its earlier state, saved in {path}, "
            f"cannot be put back ({e.strerror}); open the store where you may write to its folder "
            "(e.g. run `relgraph load` again)") from None
    return True
