"""Atomic, reproducible files in dist/.

A file is written to a temporary name in its own folder and moved into place with
os.replace, so a reader never sees half a file and a failed build leaves the
previous edition as it was. Zip archives get sorted entries, fixed dates and the
EPUB's `mimetype` first and stored (EPUB OCF 3.3, section 4.3).
"""

from __future__ import annotations

import fcntl
import io
import os
import time
import zipfile
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Iterator

from ..errors import UsageError
from ..files import alive

TEMPORARY_PREFIX = ".imprint-"  # names of files being written
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".woff", ".woff2")


def _folders(folder: Path) -> None:
    """The folder, and those above it, made where missing: each readable by all,
    whatever the umask, as the files are (under umask 077 the folders were 0700,
    the files in them 0644: QA 20)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(exist_ok=True)
        os.chmod(each, 0o755)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: over the old file only once complete.

    The new file is written nameless (O_TMPFILE) in its folder, so that a build
    killed while writing leaves nothing behind, then given a temporary name and
    moved over the old one. Where the file system has no O_TMPFILE, it is written
    under the temporary name from the start; `sweep` removes such names left by
    a build that was killed."""
    _folders(path.parent)
    temporary = path.parent / f"{TEMPORARY_PREFIX}{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o644)
        named = False
    except (AttributeError, OSError):
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        named = True
    try:
        try:
            os.fchmod(fd, 0o644)  # whatever the umask: dist/ is for readers
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            if not named:
                # linkat with AT_SYMLINK_FOLLOW (os.link calls plain link() unless a
                # folder descriptor is given): the open file gets a name.
                folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.link(f"/proc/self/fd/{fd}", temporary.name, dst_dir_fd=folder, follow_symlinks=True)
                finally:
                    os.close(folder)
                named = True
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        if named:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
        raise


def sweep(folder: Path) -> None:
    """Remove the temporary files a killed build may have left in `folder`."""
    if folder.is_dir():
        for leftover in folder.glob(f"{TEMPORARY_PREFIX}*.tmp"):
            pid = leftover.name.rsplit(".", 2)[-2]  # (a build still running, that writes it: left to it)
            if pid.isdigit() and not alive(int(pid)):
                leftover.unlink(missing_ok=True)


LOCK = "lock"  # in dist/.imprint/ (manifest.FOLDER): held by the build writing dist/, holds its process id


@contextmanager
def lock_output(dist: Path) -> Iterator[None]:
    """Hold `dist` for this build: two builds writing one folder at once would each
    save a manifest without the other's units. A second build is refused, naming
    the process that holds the folder (exit 2), rather than made to wait for a
    build that may take an hour. The lock is the kernel's (flock): a build killed
    outright releases it with its last open copy of the file. A build that wrote
    nothing leaves no folder it made.

    A folder that is not empty and holds no `.imprint/` (the mark of a folder
    Imprint writes, made before any file) is refused: `-o /` or `-o ~` would
    otherwise have articles' folders written among the user's own."""
    from .manifest import FOLDER

    lock = dist / FOLDER / LOCK
    try:
        if dist.exists() and not dist.is_dir():
            raise UsageError(f"cannot write in the output folder {dist}: it is a file, not a folder; "
                             "name another with -o")
        if dist.is_dir() and not (dist / FOLDER).is_dir() and any(dist.iterdir()):
            raise UsageError(f"the output folder {dist} is not empty and was not made by Imprint (it has no "
                             f"{FOLDER}/ folder): Imprint writes only into an empty folder or one it wrote before; "
                             "name another with -o")
        made = [folder for folder in (dist, dist / FOLDER) if not folder.exists()]
        while True:
            (dist / FOLDER).mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                raise UsageError(f"another build (process {holder}) is writing {dist}; wait for it to end, "
                                 "then run again") from None
            with suppress(FileNotFoundError):
                if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                    break
            os.close(fd)  # locked as the build before removed it (it wrote nothing): again
    except OSError as error:
        raise UsageError(f"cannot write in the output folder {dist}: {error.strerror or error}") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        with suppress(OSError):
            if made and [p.name for p in dist.iterdir()] == [FOLDER] and \
                    [p.name for p in (dist / FOLDER).iterdir()] == [LOCK]:  # nothing written
                lock.unlink()
                for folder in reversed(made):
                    folder.rmdir()
        fcntl.flock(fd, fcntl.LOCK_UN)  # (a worker forked meanwhile shares the open file: unlocked for it too)
        os.close(fd)


def _holder(fd: int) -> str:
    """The process id the build holding the lock wrote (it writes it just after
    taking the lock: a moment's wait for it)."""
    for _ in range(20):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return text
        time.sleep(0.01)
    return "unknown"


def reproducible_zip(entries: list[tuple[str, bytes]], when: datetime, first: str | None = None) -> bytes:
    """A zip of `entries` with fixed metadata. `first` (the EPUB mimetype) goes first, stored."""
    stamp = max(ZIP_EPOCH, (when.year, when.month, when.day, when.hour, when.minute, when.second))
    buffer = io.BytesIO()
    ordered = sorted(entries, key=lambda e: (e[0] != first, e[0] if e[0] != first else ""))
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, whatever the build machine
            info.external_attr = 0o644 << 16
            # Stored, not deflated: the EPUB's mimetype (first), and images that
            # are compressed already (deflating them again costs time, saves nothing).
            if name == first or name.lower().endswith(COMPRESSED):
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=6)  # 9 takes 1.6 times as long to save 0.2 %
    return buffer.getvalue()
