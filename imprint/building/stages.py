"""What a unit is doing, for the message of one stopped at the time limit.

A local worker stopped at `--time-limit` is killed (building/executor.py): it
can say nothing after. So while it runs a unit it keeps the unit's current
stage ("reading the bibliography source/a/refs.bib") in a small file the build
named for that unit, and the build reads it when it stops the unit. Nothing is
handed over through memory; a unit run where no file was named (inline, on a
Dask worker) keeps its stages to itself.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Iterator

from ..files import alive

PREFIX = "imprint-stage-"
_file: Path | None = None  # this process's unit's stage file, while it runs one
_stages: list[str] = []  # the stages this process's unit is in, innermost last


def path_for(name: str, pool: str) -> Path:
    """The stage file of the unit `name` run by the pool `pool` (a name of its own)
    in this process: a process may build again (watch, a test), with the same units,
    while the last build's pool still removes its files."""
    digest = hashlib.sha1(f"{pool}\n{name}".encode("utf-8", "replace")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"{PREFIX}{os.getpid()}-{digest}"


def begin(path: Path | None) -> None:
    """In the worker: the unit starting now tells its stages to `path`."""
    global _file
    _file = path
    _stages.clear()


def end() -> None:
    """In the worker: the unit is done."""
    global _file
    if _file is not None:
        forget(_file)
    _file = None
    _stages.clear()


@contextmanager
def stage(what: str) -> Iterator[None]:
    """The unit is `what` ("reading the bibliography source/a/refs.bib") until the
    block ends; then what it was before."""
    _stages.append(what)
    _tell()
    try:
        yield
    finally:
        _stages.pop()
        _tell()


def told(path: Path) -> str | None:
    """The stage a stopped unit was in (None: not known), its file removed."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    forget(path)
    return text or None


def sweep() -> None:
    """Remove the stage files of builds that ended without removing them (killed
    outright while a unit ran: neither it nor its workers could)."""
    folder = Path(tempfile.gettempdir())
    try:
        names = [name for name in os.listdir(folder) if name.startswith(PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            forget(folder / name)


def forget(path: Path) -> None:
    with suppress(OSError):
        path.unlink()


def _tell() -> None:
    if _file is None:
        return
    # (a few writes per unit: replaced whole, so that a reader never sees half; if
    # one fails, only a message would lack it)
    with suppress(OSError):
        temporary = _file.with_name(_file.name + ".new")
        temporary.write_text(_stages[-1] if _stages else "", encoding="utf-8")
        os.replace(temporary, _file)
