"""The project's files a unit reads, carried with it to a machine that lacks
them (a Dask worker without the project on a shared volume).

A unit reads more than its article's text: its images and bibliography, the
publication file and shared bibliography, the templates, stylesheets, fonts,
language files and CSL styles of `styles/`. The build packs those (of the
project: Imprint's own styles come with Imprint) into a Snapshot with the unit.
On the worker, if the project is there at the same path with the same files
(a checkout, a shared volume, a LocalCluster), the unit runs as it is; else the
files are written once into a folder of the worker's own, named after their
digest, and the unit's paths (its article's, the settings', the theme's) are
moved there before it runs, and those of its result moved back. The bytes it
makes are the same: no output names a file by its absolute path.

A symbolic link is taken as the build would read it: one that leads into the
project is carried as what it leads to (a folder's files too); one that leads
out of it is never read: the snapshot carries it as a link, so that on the
worker the unit refuses it as a build here does ("lies outside the project")
if it reads it at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any, Callable

FOLDER = "imprint-snapshot-"  # on the worker, in its temporary folder


@dataclasses.dataclass(frozen=True)
class Snapshot:
    root: str  # the project's folder on the machine that builds
    files: dict[str, bytes]  # by path relative to it
    links: dict[str, str] = dataclasses.field(default_factory=dict)  # links out of the project: where to

    @property
    def digest(self) -> str:
        found = hashlib.sha256()
        for name in sorted(self.files):
            found.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        for name in sorted(self.links):
            found.update(name.encode() + b"\1" + self.links[name].encode())
        return found.hexdigest()[:24]

    def present(self) -> bool:
        """Whether the project is here already, at the same path, with these files."""
        root = Path(self.root)
        with suppress(OSError):
            return (all((root / name).read_bytes() == data for name, data in self.files.items())
                    and all(str(_resolved(root / name)) == target for name, target in self.links.items()))
        return False

    def materialize(self) -> Path:
        """The files written under a folder of this machine's (once per digest)."""
        folder = Path(tempfile.gettempdir()) / f"{FOLDER}{self.digest}"
        if not (folder / ".complete").exists():
            for name, data in self.files.items():
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            for name, target in self.links.items():
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                made = path.with_name(f".{path.name}.{os.getpid()}.link")  # (another process may make it too)
                made.unlink(missing_ok=True)
                made.symlink_to(target)
                os.replace(made, path)
            (folder / ".complete").write_bytes(b"")
        return folder


def take(root: Path, folders: list[Path], shared: Snapshot | None = None) -> Snapshot:
    """A snapshot of the project's styles/, the files directly in source/ (the
    publication file, a shared bibliography, Quarto's project files) and of
    `folders` (an article's own). `shared`: the first two, taken already (a
    build's units share them)."""
    inside = root.resolve()
    found, links = (dict(shared.files), dict(shared.links)) if shared is not None else ({}, {})
    names = [] if shared is not None else [
        *_entries(root / "styles", inside),
        *(entry for path in sorted((root / "source").glob("*")) for entry in _entries(path, inside, top=True))]
    names += [entry for folder in folders for entry in _entries(folder, inside)]
    for path in names:
        where, resolved = str(path.relative_to(root)), _resolved(path)
        if resolved is None:  # (a link that leads round in a loop: no file, as a build here finds)
            continue
        if not resolved.is_relative_to(inside):
            links[where] = str(resolved)
        elif resolved.is_file():
            found[where] = _read(root, path)
    return Snapshot(str(root), found, links)


def _read(root: Path, path: Path) -> bytes:
    """A file's bytes for a snapshot. In a --strict build (files.refusing_links)
    read as the build reads, refused if it leads out of the project or has
    another name: the worker reads a copy, a file of its own inside the project,
    so only here can what it is a copy of be seen. (Otherwise as it is: what the
    unit never reads may be anything.)"""
    from ..files import read_bytes, refusing_links_in

    return read_bytes(root, path) if refusing_links_in() is not None else path.read_bytes()


def run_in(snapshot: Snapshot, function: Callable[..., Any], args: tuple, always: bool = False) -> Any:
    """`function(*args)` on this machine: as it is where the project is present,
    else (or `always`) on the snapshot's files, its paths moved there and back."""
    if not always and snapshot.present():
        return function(*args)
    here = snapshot.materialize()
    there = Path(snapshot.root)
    result = function(*relocate(args, there, here))
    return relocate(result, here, there)


def relocate(value: Any, old: Path, new: Path, _seen: dict[int, Any] | None = None) -> Any:
    """`value` with every Path under `old` moved under `new`, and every text that
    names one (the print HTML's images): through tuples, lists, dicts,
    dataclasses and plain objects (a copy; the original is left as it is)."""
    seen = {} if _seen is None else _seen  # id -> (the value, kept alive so that its id is not reused; moved)
    if id(value) in seen:
        return seen[id(value)][1]
    if isinstance(value, Path):
        moved = new / value.relative_to(old) if value.is_relative_to(old) else value
    elif isinstance(value, str):  # (a body's print HTML names its images by path: Markup is a str too)
        return type(value)(value.replace(str(old) + "/", str(new) + "/")) if str(old) + "/" in value else value
    elif isinstance(value, (bytes, int, float, bool, type(None))):
        return value
    elif isinstance(value, tuple) and not hasattr(value, "_fields"):
        moved = tuple(relocate(item, old, new, seen) for item in value)
    elif isinstance(value, list):
        moved = [relocate(item, old, new, seen) for item in value]
    elif "__reduce__" in type(value).__dict__ and type(value).__module__.startswith("imprint."):
        remake, arguments = value.__reduce__()[:2]  # (a ReadOnlyDict, a Theme: made again from these)
        moved = remake(*relocate(arguments, old, new, seen))
    elif isinstance(value, dict):
        moved = {relocate(k, old, new, seen): relocate(v, old, new, seen) for k, v in value.items()}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        moved = object.__new__(type(value))
        seen[id(value)] = (value, moved)
        for field in dataclasses.fields(value):
            object.__setattr__(moved, field.name, relocate(getattr(value, field.name), old, new, seen))
        return moved
    elif hasattr(value, "__dict__") and not callable(value) and type(value).__module__.startswith("imprint."):
        moved = object.__new__(type(value))
        seen[id(value)] = (value, moved)
        for name, item in value.__getstate__().items():
            moved.__dict__[name] = relocate(item, old, new, seen)
        return moved
    else:  # a function, a Jinja environment (rebuilt on the worker), anything else: as it is
        return value
    seen[id(value)] = (value, moved)
    return moved


def _entries(path: Path, inside: Path, top: bool = False, _through: frozenset = frozenset()) -> list[Path]:
    """The files under `path` (or `path` itself), hidden ones left out: a folder
    a link leads to inside the project (`inside`, resolved) is gone through under
    the link's name (once on each way down: no loop); a link out of the project
    is listed itself, not followed. `top`: `path` only if it is not a folder."""
    if path.name.startswith(".") or not (path.exists() or path.is_symlink()):
        return []
    resolved = _resolved(path)
    if resolved is None:
        return []
    if not resolved.is_relative_to(inside) or not resolved.is_dir():
        return [path]
    if top or resolved in _through or path.parent.resolve().is_relative_to(resolved):  # (no way round: a
        return []  # link to a folder that holds it would copy the project into itself)
    through = _through | {resolved}
    return [entry for below in sorted(path.iterdir()) for entry in _entries(below, inside, _through=through)]


def _resolved(path: Path) -> Path | None:
    """Where `path` leads, links followed; None for a loop of links."""
    with suppress(OSError, RuntimeError):  # (RuntimeError: Python 3.11's "Symlink loop")
        return path.resolve()
    return None


def forget() -> None:
    """(For tests) the snapshots written on this machine removed."""
    import shutil

    for folder in Path(tempfile.gettempdir()).glob(FOLDER + "*"):
        shutil.rmtree(folder, ignore_errors=True)

