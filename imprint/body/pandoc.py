"""Pandoc 3.9, the one that came with Imprint's set-up, run as a confined helper.

The `pypandoc-binary` wheel (pinned in pyproject.toml) carries the binary; the
editions' bytes depend on its version, so no other pandoc on the machine is
ever used. Every run is sandboxed (`--sandbox`: Pandoc opens no file but those
named on its command line, and nothing on the network), bounded in memory
(`+RTS -M`) and in time (the unit's deadline: it is killed when that passes),
dies with the process that started it (`setpriv --pdeathsig KILL`: a worker
stopped at the time limit leaves no Pandoc behind), and reports its warnings as
JSON (`--log`), which the caller turns into Problems. Its files are in a folder
named after the process that started it, so that the build can remove those a
killed worker left (forget_dead()).

A run's output is a function of its inputs (the arguments, the text, the files
it is given) and of Pandoc's version: given the project's cache folder
(`cache`), a run that succeeded is kept there (.imprint-cache/pandoc/), and the
same run is answered from it without starting Pandoc: a build after a change of
template or stylesheet, or of Imprint itself, does not read the articles again,
and a watch reads again only the edited text. The folder keeps the entries used
last, up to CACHE_LIMIT (trim()).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import os
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import InternalError, SourceError
from ..files import alive, keep, locked

VERSION = "3.9"
CACHE = Path(".imprint-cache") / "pandoc"  # under the project's root
CACHE_LIMIT = 512 * 2**20  # bytes: the long article's body is 1.5 MB of JSON
MEMORY = "2g"  # a 4 MB article (the largest accepted) reads in about 1.5 GB (per run: up to three at once)
# The garbage collector's sizes for a run with much to do (GHC's runtime options;
# the pinned binary is built with -H64m, which makes its first allocation area
# 64 MB). With 4 MB areas, which fit the processor's cache, Pandoc works faster on
# much text: the benchmark's 30,000-word article reads in 0.23 s instead of 0.36 s,
# the 60,000-word one in 0.40 s instead of 0.64 s, with less memory (128 MB instead
# of 179 MB); 135 formulas convert in 0.09 s instead of 0.13 s. A small run is
# slower so (the seed's 5,700 characters: 0.039 s instead of 0.019 s: a collection
# of the old generation, about 12 ms in this binary, that Pandoc's sizes avoid), so
# the sizes are given only past where they pay (measured: 35,000 characters of
# Markdown, 50 formulas). (2026-12-05, `perf stat -r 10`; the output does not
# depend on them.)
LARGE_GC = ("-H4m", "-A4m", "-O8m")
LARGE_TEXT = 40_000  # characters of Markdown in a body
MANY_FORMULAS = 50
FOLDER = "imprint-pandoc-{pid}-"  # a run's private folder, in the system's temporary folder
# Pandoc's data directory, an empty folder of the run's: not the builder's own
# (~/.local/share/pandoc, whose `abbreviations` changed the text: QA 20)
DATA_DIR = "pandoc-data"
# Pandoc's Markdown, as Quarto reads it, except: front matter is Imprint's own
# (no metadata blocks or title blocks in the body: a `bibliography:` there would
# make Pandoc read any file), and HTML stays text (no <div>/<span> turned into
# elements, no Markdown parsed inside HTML blocks: raw HTML is printed escaped).
MARKDOWN = ("markdown-yaml_metadata_block-pandoc_title_block-native_divs-native_spans"
            "-markdown_in_html_blocks")
# What an article's `from: markdown+emoji` may switch on or off: the extensions of
# Pandoc 3.9's markdown reader (pandoc --list-extensions=markdown), except those
# MARKDOWN sets for Imprint.
SET_BY_IMPRINT = frozenset(("yaml_metadata_block", "pandoc_title_block", "native_divs", "native_spans",
                            "markdown_in_html_blocks"))
EXTENSIONS = frozenset("""
    abbreviations alerts all_symbols_escapable angle_brackets_escapable ascii_identifiers auto_identifiers
    autolink_bare_uris backtick_code_blocks blank_before_blockquote blank_before_header bracketed_spans
    citations definition_lists east_asian_line_breaks emoji escaped_line_breaks example_lists fancy_lists
    fenced_code_attributes fenced_code_blocks fenced_divs footnotes four_space_rule gfm_auto_identifiers
    grid_tables gutenberg hard_line_breaks header_attributes ignore_line_breaks implicit_figures
    implicit_header_references inline_code_attributes inline_notes intraword_underscores latex_macros
    line_blocks link_attributes lists_without_preceding_blankline literate_haskell mark markdown_attribute
    markdown_in_html_blocks mmd_header_identifiers mmd_link_attributes mmd_title_block multiline_tables
    native_divs native_spans old_dashes pandoc_title_block pipe_tables raw_attribute raw_html raw_tex
    rebase_relative_paths short_subsuperscripts shortcut_reference_links simple_tables smart
    space_in_atx_header spaced_reference_links startnum strikeout subscript superscript table_attributes
    table_captions task_lists tex_math_dollars tex_math_double_backslash tex_math_single_backslash
    wikilinks_title_after_pipe wikilinks_title_before_pipe yaml_metadata_block
""".split())


@lru_cache(maxsize=1)
def binary() -> Path:
    spec = find_spec("pypandoc")
    if spec is None or not spec.submodule_search_locations:
        raise InternalError("Pandoc is not installed: run ./build.sh (it installs pypandoc-binary)")
    path = Path(next(iter(spec.submodule_search_locations))) / "files" / "pandoc"
    if not os.access(path, os.X_OK):
        raise InternalError(f"Pandoc is missing or not executable at {path}: run ./build.sh again")
    return path


@dataclass(frozen=True)
class Message:
    """One of Pandoc's log messages (its JSON log: `type`, and fields by type)."""

    type: str
    verbosity: str
    fields: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.fields.get("pretty") or self.fields.get("message") or self.type)


class TimeLimit(SourceError):
    """Pandoc did not finish within the time it was given."""


def run(arguments: Sequence[str], stdin: bytes, *, what: str, file: str, deadline: float,
        files: dict[str, bytes] | None = None, cache: Path | None = None,
        large: bool = False) -> tuple[bytes, list[Message]]:
    """Pandoc's output and its log messages (see start())."""
    return start(arguments, stdin, what=what, file=file, deadline=deadline, files=files, cache=cache,
                 large=large).result()


def document(blocks: list[dict[str, Any]]) -> bytes:
    """Blocks as a document of Pandoc's JSON (pandoc-types 1.23), for a run that reads `-f json`."""
    return json.dumps({"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}).encode("utf-8")


def deadline_in(seconds: float | None) -> float:
    """The deadline (time.monotonic()) of a unit that may take `seconds` (None: no limit),
    a little after the executor's own (5 % and a second): a unit run by a pool is
    stopped by the pool, which says in which stage (building/stages.py); a Pandoc
    run killed at the same moment would have the unit go on to its next stage, and
    be told in that one."""
    return time.monotonic() + (seconds * 1.05 + 1 if seconds else 24 * 3600)


def start(arguments: Sequence[str], stdin: bytes, *, what: str, file: str, deadline: float,
          files: dict[str, bytes] | None = None, cache: Path | None = None,
          large: bool = False) -> "Running | Kept | Shared":
    """Pandoc started, to be waited for with result(): meanwhile this process (and
    another Pandoc) can work. `files` (the bibliography, metadata, styles and
    filters Pandoc is to read) are written to a private folder, where Pandoc runs:
    arguments name them by their plain names (a path in metadata would be read as
    Markdown). `what` and `file` name the stage and the source, for messages;
    `deadline` (time.monotonic()) is the unit's. With a `cache` folder, the same
    run's kept answer, if there is one (then nothing is started). `large`: a run
    with much to do (LARGE_GC)."""
    key = claim = None
    if cache is not None:
        key = _key(arguments, stdin, files or {})
        kept = Kept.find(cache, key)
        if kept is not None:
            return kept
        try:
            claim = _claim(cache, key)
        except _Claimed:  # (the same run, under way in a sibling worker: its answer awaited)
            return Shared(cache, key, partial(start, arguments, stdin, what=what, file=file, deadline=deadline,
                                              files=files, cache=None, large=large), deadline, what, file)
        kept = Kept.find(cache, key)  # (kept by a sibling just before this claim)
        if kept is not None:
            _release(claim)
            return kept
    try:
        return _started(arguments, stdin, what, file, deadline, files, large,
                        (cache, key, claim) if key else None)
    except BaseException:
        _release(claim)
        raise


def _started(arguments: Sequence[str], stdin: bytes, what: str, file: str, deadline: float,
             files: dict[str, bytes] | None, large: bool, keep: tuple[Path, str, Claim | None] | None) -> "Running":
    folder = tempfile.mkdtemp(prefix=FOLDER.format(pid=os.getpid()))
    try:
        for name, data in (files or {}).items():
            (Path(folder) / name).write_bytes(data)
        (Path(folder) / DATA_DIR).mkdir()
        command = ["setpriv", "--pdeathsig", "KILL", str(binary()), "+RTS", f"-M{MEMORY}", *(LARGE_GC if large else ()),
                   "-RTS", "--sandbox", "--quiet", "--log=log.json", f"--data-dir={DATA_DIR}", *arguments]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Running(process, stdin, folder, what, file, deadline, keep)


# A run another worker of the same build has started is awaited, not run twice:
# the two parts of a one-article build (its print editions, and the rest) read the
# same body, front matter and formulas. The worker that starts a run first claims
# it: a file `.<key>.running` in the cache, which it holds locked (flock: the
# kernel lets go of it when the worker ends, however it ends) and which names its
# parent and itself; it keeps its answer as soon as Pandoc ends and releases the
# claim. A sibling worker (the same parent) that finds the claim held waits for the
# answer, and runs Pandoc itself if the claim is let go without one (a failed run).
# A claim held by another process (another build, a watch) is left alone: the run
# goes on unclaimed.
WAIT_STEP = 0.003  # seconds between looks for a sibling's answer


class _Claimed(Exception):
    """A sibling worker holds the claim."""


class Claim:
    """This worker's claim of a run: the claim file, open and locked."""

    def __init__(self, path: Path, handle: int):
        self.path, self.handle = path, handle

    def release(self) -> None:
        """The file removed (if it is still this claim's), then the lock let go."""
        with suppress(OSError):
            if os.stat(self.path).st_ino == os.fstat(self.handle).st_ino:
                os.unlink(self.path)
        os.close(self.handle)


def _claim(cache: Path, key: str) -> Claim | None:
    """This worker's claim of the run; None if it cannot be made (a cache that cannot
    be written, a claim another process holds: the run goes on unclaimed). A claim
    file left by a worker that is gone is taken over; one a sibling holds raises
    _Claimed."""
    path = cache / f".{key}.running"
    for _ in range(3):
        try:
            cache.mkdir(parents=True, exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(path).st_ino != os.fstat(handle).st_ino:
                os.close(handle)  # (released and removed meanwhile: this file is no claim's)
                continue
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getppid()} {os.getpid()}".encode())
            return Claim(path, handle)
        except BlockingIOError:
            os.close(handle)
            if _names_a_sibling(path):
                raise _Claimed from None
            return None
        except OSError:
            os.close(handle)
            return None
    return None


def _names_a_sibling(claim: Path) -> bool:
    try:
        parent, pid = (int(n) for n in claim.read_text().split())
    except (OSError, ValueError):
        return False
    return parent == os.getppid() and parent != 1 and pid != os.getpid()


def _release(claim: Claim | None) -> None:
    if claim is not None:
        claim.release()


class Shared:
    """A run a sibling worker has claimed: result() waits for its kept answer (or
    runs it here, if the claim goes without one), within the unit's deadline."""

    def __init__(self, cache: Path, key: str, run_here: Callable[[], "Running"], deadline: float, what: str,
                 file: str):
        self.cache, self.key, self.run_here, self.deadline, self.what, self.file = \
            cache, key, run_here, deadline, what, file
        self.claim = cache / f".{key}.running"
        self.here: Running | None = None

    def cancel(self) -> None:
        if self.here is not None:
            self.here.cancel()

    def result(self) -> tuple[bytes, list[Message]]:
        while True:
            kept = Kept.find(self.cache, self.key)
            if kept is not None:
                return kept.result()
            if not locked(self.claim):
                kept = Kept.find(self.cache, self.key)  # (kept just before the claim went)
                if kept is not None:
                    return kept.result()
                self.here = self.run_here()
                return self.here.result()
            if time.monotonic() > self.deadline:
                raise _stopped(self.file, self.what)
            time.sleep(WAIT_STEP)


def _stopped(file: str, what: str) -> TimeLimit:
    return TimeLimit.single(file, f"reading stopped at the time limit in {what}",
                            hint="look for what is unusual in it (a huge table, a very long line), "
                                 "or raise --time-limit")


def forget_dead() -> None:
    """Remove the folders of the Pandoc runs that processes no longer alive left
    (a worker killed at the time limit)."""
    for folder in Path(tempfile.gettempdir()).glob(FOLDER.format(pid="*") + "*"):
        pid = folder.name.removeprefix("imprint-pandoc-").split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


class Running:
    """A Pandoc run under way: its input is written and its output read by a thread
    (a large article fills the pipes both ways), so result() only waits, and kills
    it if the unit's deadline passes first. cancel() stops one no longer wanted."""

    def __init__(self, process: subprocess.Popen, stdin: bytes, folder: str, what: str, file: str,
                 deadline: float, keep: tuple[Path, str, Claim | None] | None = None):
        self.process, self.folder, self.what, self.file, self.deadline = process, folder, what, file, deadline
        self.keep = keep  # (the cache folder, the run's key and its claim: its answer is kept there)
        self._output: tuple[bytes, bytes] = (b"", b"")
        self._log: list[dict[str, Any]] | None = None
        self._thread = threading.Thread(target=self._communicate, args=(stdin,), daemon=True)
        self._thread.start()

    def _communicate(self, stdin: bytes) -> None:
        """Pandoc's output read as it comes; a successful run's answer kept at once
        (a sibling worker may be waiting for it), and the claim released."""
        try:
            self._output = self.process.communicate(stdin)
            if self.keep is not None and self.process.returncode == 0:
                self._log = _log(Path(self.folder) / "log.json")
                Kept.store(self.keep[0], self.keep[1], self._output[0], self._log)
        except (BrokenPipeError, ValueError, OSError):  # (killed meanwhile)
            self._output = (b"", b"")
        finally:
            if self.keep is not None:
                _release(self.keep[2])

    def running(self) -> bool:
        """Whether Pandoc has yet to answer."""
        return self._thread.is_alive()

    def cancel(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self._thread.join()
        shutil.rmtree(self.folder, ignore_errors=True)

    def result(self) -> tuple[bytes, list[Message]]:
        self._thread.join(max(0.0, self.deadline - time.monotonic()))
        late = self._thread.is_alive()
        if late:
            self.process.kill()
            self._thread.join()
        stdout, stderr = self._output
        try:
            log = self._log if self._log is not None else _log(Path(self.folder) / "log.json")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        messages = _messages(log)
        code, what, file = self.process.returncode, self.what, self.file
        if late:
            raise _stopped(file, what)
        if code == 251 or b"Heap exhausted" in stderr:
            raise SourceError.single(file, f"{what} needs more memory than Imprint gives it ({MEMORY}B)",
                                     hint="split the text, or simplify what is nested very deep")
        if code != 0:
            detail = stderr.decode("utf-8", "replace").strip()
            if refused := re.search(r"Citeproc\w*Error: *(.+)", detail):  # (the style: citations.lua, references.lua)
                raise StyleRefused(refused.group(1).strip())
            if "Error running filter" in detail or "Error running Lua" in detail:
                raise InternalError(f"Imprint's Lua filter failed in {what}: {detail}")
            lines = detail.splitlines()
            raise PandocFailed(code, lines[0] if lines else "", messages)
        return stdout, messages


class Kept:
    """A run answered from the cache: its output and log as the run gave them.
    An entry is one file, `<key>`: the log as one line of JSON, then the output."""

    def __init__(self, output: bytes, log: list[dict[str, Any]]):
        self.output, self.log = output, log

    @classmethod
    def find(cls, cache: Path, key: str) -> "Kept | None":
        path = cache / key
        try:
            data = path.read_bytes()
            os.utime(path)  # (used now: trim() removes the entries used longest ago)
            head, output = data.split(b"\n", 1)
            log = json.loads(head)
        except (OSError, ValueError):
            return None  # (none, or unreadable: Pandoc runs)
        return cls(output, log) if isinstance(log, list) else None

    @staticmethod
    def store(cache: Path, key: str, output: bytes, log: list[dict[str, Any]]) -> None:
        """Kept whole or not at all; a cache that cannot be written is no loss."""
        keep(cache / key, json.dumps(log, ensure_ascii=True).encode("ascii") + b"\n" + output)

    def running(self) -> bool:
        return False

    def cancel(self) -> None:
        pass

    def result(self) -> tuple[bytes, list[Message]]:
        return self.output, _messages(self.log)


def _key(arguments: Sequence[str], stdin: bytes, files: dict[str, bytes]) -> str:
    """What a run's output depends on: Pandoc's version, its arguments, its text,
    its files (names and bytes), each counted out so that no two runs share one."""
    digest = hashlib.sha256(_fingerprint())
    for part in (*(a.encode("utf-8") for a in arguments), stdin,
                 *(piece for name in sorted(files) for piece in (name.encode("utf-8"), files[name]))):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _fingerprint() -> bytes:
    """The Pandoc the answers come from: its version and its binary's size."""
    return f"pandoc {VERSION} {binary().stat().st_size}\n".encode()


def cache_in(root: Path) -> Path:
    """The project's cache of Pandoc's answers."""
    return root / CACHE


def trim(cache: Path, limit: int = CACHE_LIMIT) -> None:
    """The cache kept within `limit` bytes: the entries used longest ago removed
    first, and what a stopped write or a killed worker left."""
    try:
        entries = [(entry.stat(), entry) for entry in os.scandir(cache)]
    except OSError:
        return
    total = 0
    for stat, entry in sorted(entries, key=lambda found: found[0].st_mtime_ns, reverse=True):
        total += stat.st_size
        if total > limit or entry.name.endswith((".tmp", ".running")) and time.time() - stat.st_mtime > 3600:
            with suppress(OSError):
                os.unlink(entry.path)


class StyleRefused(Exception):
    """Pandoc's citeproc could not read the citation style (`text element lacks
    needed attribute`): the style's fault, which the caller tells at its file."""


class PandocFailed(Exception):
    """Pandoc stopped with an error: the caller tells the user what it was reading."""

    def __init__(self, code: int, first_line: str, messages: list[Message]):
        super().__init__(first_line or f"pandoc exited with {code}")
        self.code, self.first_line, self.messages = code, first_line, messages


def _log(path: Path) -> list[dict[str, Any]]:
    """Pandoc's JSON log, as it wrote it."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []


def _messages(log: list[dict[str, Any]]) -> list[Message]:
    return [Message(str(m.get("type", "")), str(m.get("verbosity", "")), m) for m in log]
