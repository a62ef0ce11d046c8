"""Writing output files safely: never over the store, whole or not at all.

Every command that writes a file or a folder the user names (``export``,
``view``) goes through this module:

- :func:`check_target` refuses an output path that is the embedded store, or
  one of the files the store keeps beside it (``.wal``, ``.shadow``, ``.lock``,
  ``.rollback``, ``.rollback.part``, ``.pid``), or a folder holding them, also
  when the path reaches them through a symbolic link or is a hard link to them.
- :func:`atomic_file` writes to a temporary name beside the target and renames
  it over the target once the file is complete and on disk: a process killed
  half-way leaves the earlier file as it was.
- :func:`atomic_folder` does the same for a folder of files (the neo4j-admin
  CSV export): the folder is built under a temporary name and then swapped in
  (``renameat2(RENAME_EXCHANGE)`` on Linux, else two renames), so the target
  holds the whole earlier export or the whole new one, never a mix.
- Temporary names are ``.<name>.relgraph-<pid>-<random>.tmp``; the next write
  to the same target removes those whose process is dead (a killed run's
  leftovers).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from relgraph.errors import RelgraphError, UsageError
from relgraph.store.rollback import _fsync_dir

STORE_SUFFIXES = ("", ".wal", ".shadow", ".lock", ".rollback", ".rollback.part", ".pid")
_TMP = re.compile(r"^\.(?P<name>.+)\.relgraph-(?P<pid>\d+)-[0-9a-f]+\.(?:tmp|old)$")
# A folder export is replaced only when it is one: a marker file says so.
FOLDER_MARKER = "relgraph-export.txt"


def _store_files(store: str | None) -> list[Path]:
    from relgraph.store import NEO4J_SCHEMES, resolve_location

    loc = resolve_location(store)
    if loc.startswith(NEO4J_SCHEMES) or "://" in loc:
        return []
    p = Path(loc)
    return [p.with_name(p.name + s) for s in STORE_SUFFIXES]


def _real(p: Path) -> Path:
    return Path(os.path.realpath(p))


def _same(a: Path, b: Path) -> bool:
    if _real(a) == _real(b):
        return True
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_target(path: str | Path, store: str | None, *, folder: bool = False) -> Path:
    """Refuse ``path`` as an output when writing it could harm the store at ``store``
    (see :func:`relgraph.store.resolve_location`); return it as a Path."""
    out = Path(path)
    if str(path) == "" or out.name in ("", ".", ".."):
        raise UsageError(f"output {str(path)!r} is not a file name; give e.g. "
                         + ("export-folder" if folder else "out.json"))
    files = _store_files(store)
    for f in files:
        if _same(out, f):
            raise UsageError(f"output {out} is the store's file {f}; writing it would destroy the "
                             "store: give another output path")
    if folder or out.is_dir():
        root = _real(out)
        for f in files:
            if f.exists() and root in _real(f).parents:
                raise UsageError(f"output folder {out} holds the store's file {f}; replacing it "
                                 "would destroy the store: give another output path")
    return out


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, not ours
        return True
    return True


def clean_leftovers(target: Path) -> list[Path]:
    """Remove temporary files and folders that dead processes left while writing ``target``."""
    removed = []
    parent = target.parent
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for e in entries:
        m = _TMP.match(e.name)
        if not m or m["name"] != target.name or _alive(int(m["pid"])):
            continue
        p = Path(e.path)
        with contextlib.suppress(OSError):
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(p)
            else:
                p.unlink()
            removed.append(p)
    return removed


def _temp_name(target: Path, kind: str = "tmp") -> Path:
    return target.with_name(f".{target.name}.relgraph-{os.getpid()}-{secrets.token_hex(4)}.{kind}")


def _prepare(target: Path, store: str | None, *, folder: bool) -> None:
    check_target(target, store, folder=folder)
    if not folder and target.is_dir():
        raise UsageError(f"{target} is a folder; give a file name, e.g. {target / 'out'}")
    if folder and target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file; this export writes a folder of files")
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")
    clean_leftovers(target)


@contextlib.contextmanager
def atomic_file(path: str | Path, store: str | None = None, *, mode: int = 0o644) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without error the file
    there is flushed to disk and renamed to ``path``, else removed.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with atomic_file(d / "out.txt") as tmp:
    ...     _ = tmp.write_text("whole")
    >>> (d / "out.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('whole', ['out.txt'])
    """
    target = Path(path)
    _prepare(target, store, folder=False)
    tmp = _temp_name(target)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        check_target(target, store)  # a link made meanwhile must not lead to the store either
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise RelgraphError(f"cannot write {target}: {e.strerror or e}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False if not possible."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), exchange) == 0


def _is_export(folder: Path, prefixes: tuple[str, ...]) -> bool:
    """An empty folder, or one holding nothing but a relgraph export's files."""
    names = [p.name for p in folder.iterdir()]
    return all(n == FOLDER_MARKER or n.startswith(prefixes) for n in names)


@contextlib.contextmanager
def atomic_folder(path: str | Path, store: str | None = None, *,
                  prefixes: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a new temporary folder beside ``path``; when the block ends without error it
    replaces ``path`` in one step (an earlier folder is removed afterwards), else it is removed.

    An existing ``path`` is replaced only if it is empty or holds nothing but files whose
    names start with ``prefixes`` (an earlier export): other folders are refused.
    """
    target = Path(path)
    _prepare(target, store, folder=True)
    if target.is_dir() and not _is_export(target, (*prefixes, FOLDER_MARKER)):
        raise UsageError(f"folder {target} exists and holds other files than an earlier export; "
                         "give a new folder name (it is replaced as a whole)")
    tmp = _temp_name(target)
    try:
        tmp.mkdir()
        yield tmp
        for p in tmp.iterdir():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.chmod(tmp, 0o755)
        _fsync_dir(tmp)
        check_target(target, store, folder=True)
        if target.is_dir() and _exchange(tmp, target):
            _fsync_dir(target.parent)
            shutil.rmtree(tmp, ignore_errors=True)  # now the earlier export
        elif target.is_dir():
            old = _temp_name(target, "old")
            os.rename(target, old)
            os.rename(tmp, target)
            _fsync_dir(target.parent)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
            _fsync_dir(target.parent)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RelgraphError(f"cannot write {target}: {e.strerror or e}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
