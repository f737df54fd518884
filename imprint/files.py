"""The only door to files: everything Imprint reads resolves inside the project.

Paths are resolved with symlinks followed, then checked to lie under the project
root and to be regular files (no devices, FIFOs or directories), and checked
again on the file as it is opened; under --strict, a file of the project with
another name (a hard link) is refused there too. WeasyPrint gets a fetcher with
the same rule that also refuses every network scheme.
"""

from __future__ import annotations

import mimetypes
import os
import re
import stat
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote, unquote, urlsplit

from .errors import Problem, SourceError

MAX_FILE_BYTES = 50 * 1024 * 1024


def display(path: Path, root: Path) -> str:
    """The path as the user sees it: relative to the project root when inside it."""
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def within(root: Path, base: Path, written: str, what: str = "file", shown: str | None = None) -> Path:
    """The path an editor wrote (relative to `base`), refused with a ValueError
    before any file is looked at when it is absolute or leads out of the project.
    (Symlinks are followed, and checked, when the file is read.)"""
    shown = shown or written
    if Path(written).is_absolute() or written.startswith("~"):
        raise ValueError(f"the {what} '{shown}' is an absolute path; write it relative to the article's folder "
                         "and keep the file inside the project")
    path = base / written
    if not Path(os.path.normpath(path)).is_relative_to(root):
        raise ValueError(f"the {what} '{shown}' lies outside the project; Imprint reads only files inside it: "
                         "copy the file into the article's folder")
    return path


def resolve_inside(root: Path, path: Path, what: str = "file") -> Path:
    """Resolve `path` and refuse it unless it is a regular file inside `root`."""
    shown = display(path, root)
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise SourceError.single(shown, f"{what} not found", hint=f"looked for {shown}") from None
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
        raise SourceError.single(shown, f"cannot open {what}: {error}") from None
    if not resolved.is_relative_to(root):
        raise SourceError.single(
            shown,
            f"{what} lies outside the project ({_leads_out(root, path)})",
            hint="Imprint reads only files inside the project; copy the file into it",
        )
    if not resolved.is_file():
        raise SourceError.single(shown, f"{what} is not a regular file")
    return resolved


def _leads_out(root: Path, path: Path) -> str:
    """Where a path that resolves out of the project leads, in the words its
    symbolic link was written with (`ls -l` shows them), not the resolved absolute
    path: the link's own text, and the link's name when it is a folder above the
    file (source/c is a link to ../../outside)."""
    inside = path.relative_to(root) if path.is_relative_to(root) else None
    for depth in range(1, len(inside.parts) + 1) if inside is not None else ():
        step = root.joinpath(*inside.parts[:depth])
        if step.is_symlink():
            target = os.readlink(step)
            return target if step == path else f"{display(step, root)} is a link to {target}"
    return path.name  # (no link of the project's: a path written to lead out, told by its name)


# The project whose files must have one name only while they are read (--strict;
# None: any file is read). Set by the build around all it reads (pipeline.build)
# and, in a unit's own process, around the unit (run_refusing_links).
_single_named: ContextVar[Path | None] = ContextVar("imprint_single_named", default=None)


@contextmanager
def refusing_links(root: Path | None) -> Iterator[None]:
    """While in it, a file of the project at `root` read through read_bytes is
    refused if it has more than one name (--strict). linked_files looks once,
    before the build; a file swapped afterwards for a hard link to a file outside
    the project is only seen as it is read. `root` None: nothing is checked (an
    ordinary build, which pays nothing for it)."""
    token = _single_named.set(root.resolve() if root is not None else None)
    try:
        yield
    finally:
        _single_named.reset(token)


def refusing_links_in() -> Path | None:
    """The project whose files refusing_links holds to one name, if any."""
    return _single_named.get()


def run_refusing_links(root: Path, function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` inside refusing_links(root): a unit as a --strict build
    runs it, in the process (or Dask worker) that renders it, where the build's
    own setting does not reach."""
    with refusing_links(root):
        return function(*args)


def read_bytes(root: Path, path: Path, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file inside `root` (resolve_inside), not larger than `limit`."""
    return _read_opened(resolve_inside(root, path, what), display(path, root), what, limit)


def read_found(path: Path, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file whose path Imprint resolved and confined itself earlier
    (a CSL style the theme found), with read_bytes' checks made again as it is
    read: a file is read long after it was found."""
    project = _single_named.get()
    return _read_opened(path, display(path, project) if project else str(path), what, limit)


def _read_opened(resolved: Path, shown: str, what: str, limit: int) -> bytes:
    """The file read, its kind, size and (--strict) names checked on the file as
    opened: a check of its name before, then a read, would let it be swapped in
    between. (Not following a symlink: `resolved` has none but a swapped-in one;
    O_NONBLOCK: opening a FIFO swapped in does not wait for a writer.)"""
    try:
        fd = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise SourceError.single(shown, f"cannot open {what}: {error.strerror}",
                                 hint="check that the file is there and readable") from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise SourceError.single(shown, f"{what} is not a regular file")
        project = _single_named.get()
        if project is not None and status.st_nlink > 1 and resolved.is_relative_to(project):
            raise SourceError([_linked(shown, resolved.name, status.st_nlink)])
        data = _read_up_to(fd, status.st_size, limit + 1) if status.st_size <= limit else b""
    finally:
        os.close(fd)
    if status.st_size > limit or len(data) > limit:
        raise SourceError.single(shown, f"{what} is too large ({max(status.st_size, len(data)):,} bytes; "
                                 f"the limit is {limit:,})", hint="save a picture as JPEG, or scale it down (an "
                                 "e-reader shows at most 5.6 million pixels)" if what == "image" else
                                 "split it, or make it smaller")
    return data


def _read_up_to(fd: int, size: int, most: int) -> bytes:
    """The file's bytes to its end, or its first `most` (a file grown since its
    size was read). os.read: a buffered file object asked for `most` bytes at
    once set that much memory aside, and took twice as long as before."""
    chunks, total, asked = [], 0, size + 1  # (+ 1: its end seen in one read)
    while total < most and (chunk := os.read(fd, min(asked, most - total))):
        chunks.append(chunk)
        total += len(chunk)
        asked = 1 << 16
    return b"".join(chunks)


def read_text(root: Path, path: Path, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    data = read_bytes(root, path, what, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        raise SourceError.single(
            display(path, root), f"{what} is not UTF-8 text (its character at column {column} cannot be read as UTF-8)"
            + _encoding_of(data), line=line,
            hint="save the file as UTF-8 (an editor's 'Save as', encoding UTF-8; or iconv -f cp1251 -t utf-8)",
        ) from None


def _encoding_of(data: bytes) -> str:
    """What a text that is not UTF-8 likely is, if it reads as Cyrillic in one of the
    encodings Russian text was saved in before UTF-8 (Word's, Notepad's)."""
    for encoding, name in (("cp1251", "Windows-1251"), ("koi8_r", "KOI8-R")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        letters = [c for c in text if c.isalpha() and not c.isascii()]
        if letters and sum("а" <= c.lower() <= "я" or c in "ёЁ" for c in letters) > 0.9 * len(letters) \
                and sum(c.islower() for c in letters) > len(letters) / 2:
            return f": it reads as {name} (Cyrillic)"
    return ""


def linked_files(root: Path, skip: Sequence[Path] = ()) -> list[Problem]:
    """Every regular file under `root` that has more than one name (hard link), as
    a problem (`--strict`). A hard link to a file outside the project is, to the
    path checks above, a file inside it: only its link count tells. Left out:
    folders named `.git` (`git clone` of a local repository links its objects;
    a build reads none) and `skip` (the output folder)."""
    skipped = {path.resolve() for path in skip}
    found = []
    for folder, folders, names in os.walk(root):  # (symlinks not followed: what they lead to is checked when read)
        here = Path(folder)
        folders[:] = sorted(f for f in folders if f != ".git" and (here / f).resolve() not in skipped)
        for name in sorted(names):
            path = here / name
            try:
                status = path.lstat()
            except OSError:
                continue  # gone meanwhile
            if stat.S_ISREG(status.st_mode) and status.st_nlink > 1:
                found.append(_linked(display(path, root), name, status.st_nlink))
    return found


def _linked(shown: str, name: str, names: int) -> Problem:
    return Problem(shown, f"the file has {names} names (hard links); --strict refuses such files, since another "
                   "of its names may lie outside the project",
                   hint=f"make it a file of its own, in its folder: cp {name} {name}.copy && mv {name}.copy {name}")


_ROOT = "/imprint-root-{}/"  # a file's URL for WeasyPrint: the root it lies in, by number (file_url)


def file_url(path: Path, roots: Sequence[Path]) -> str:
    """A file's URL for WeasyPrint, the same wherever the project lies: named by
    the root it is inside (`roots`, the fetcher's: make_url_fetcher maps it back).
    WeasyPrint 70 names an image after the MD5 of its URL (images.py), so an
    absolute URL put the project's folder into the PDF's bytes: the same project
    in two folders, or a Dask worker's copy of it, gave other bytes."""
    resolved = path.resolve()
    for index, root in enumerate(roots):
        if resolved.is_relative_to(root.resolve()):
            inside = resolved.relative_to(root.resolve()).as_posix()
            return "file://" + _ROOT.format(index) + (quote(inside) if inside != "." else "")
    return resolved.as_uri()


def in_root(path: Path, roots: Sequence[Path]) -> Path | None:
    """The file a URL's path names by its root (file_url's `/imprint-root-N/...`,
    percent-escapes decoded), None for any other path."""
    named = re.fullmatch(r"/imprint-root-(\d+)(/.*)?", str(path))
    if named is None or int(named.group(1)) >= len(roots):
        return None
    return Path(roots[int(named.group(1))]) / (named.group(2) or "/").lstrip("/")


def make_url_fetcher(*roots: Path):
    """A WeasyPrint URL fetcher confined to `roots` and to `data:` URIs.

    WeasyPrint 70 only stops rendering for a FatalURLFetchingError; any other
    exception is logged and the resource silently skipped, so refusals raise it.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        pass

    class ConfinedURLFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

        def fetch(self, url: str, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise Refused(f"refused to load {url}: Imprint loads nothing from the network")
            # Percent-escapes decoded once (url2pathname's work on POSIX, without
            # loading urllib.request); decoding again would let double-encoded
            # traversal (%252e%252e) through.
            path = Path(unquote(urlsplit(url).path))
            path = in_root(path, roots) or path
            resolved = path.resolve()
            root = next((r for r in roots if resolved.is_relative_to(r.resolve())), roots[0])
            try:
                data = read_bytes(root, path, "resource")
            except SourceError as error:
                raise Refused(str(error)) from None
            media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=data, headers={"Content-Type": media_type})

    return ConfinedURLFetcher(), Refused


def alive(pid: int) -> bool:
    """Whether the process `pid` runs (another user's counts as running): a temporary
    folder named after it is still its (building/stages.py, body/pandoc.py)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # (another user's process: alive, not ours to judge)
    return True


def locked(path: Path) -> bool:
    """Whether a process holds a lock (flock) on the file, now: a claim of a sibling
    worker's (body/pandoc.py), a build's hand-over folder (building/handoff.py)."""
    import fcntl

    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def keep(path: Path, data: bytes, mode: int | None = None) -> bool:
    """A cache's file written whole or not at all (the workers of a build may
    write it at once; none reads half of it), with `mode` (else the temporary
    file's 0o600); whether it was. A cache that cannot be written is no loss (the
    work is done again): no OSError is raised, and no temporary file is left."""
    import tempfile

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".", suffix=".tmp") as out:
            temporary = out.name
            out.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
        return True
    except OSError:
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)
        return False
