"""Atomic, reproducible files in dist/.

A file is written to a temporary name in its own folder and moved into place with
os.replace, so a reader never sees half a file and a failed build leaves the
previous edition as it was. Zip archives get sorted entries, fixed dates and the
EPUB's `mimetype` first and stored (EPUB OCF 3.3, section 4.3).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".woff", ".woff2")


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


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
                archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
