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
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Sequence

from ..errors import InternalError, SourceError

VERSION = "3.9"
MEMORY = "2g"  # a 4 MB article (the largest accepted) reads in about 1.5 GB (per run: up to three at once)
FOLDER = "imprint-pandoc-{pid}-"  # a run's private folder, in the system's temporary folder
# Pandoc's Markdown, as Quarto reads it, except: front matter is Imprint's own
# (no metadata blocks or title blocks in the body: a `bibliography:` there would
# make Pandoc read any file), and HTML stays text (no <div>/<span> turned into
# elements, no Markdown parsed inside HTML blocks: raw HTML is printed escaped).
MARKDOWN = ("markdown-yaml_metadata_block-pandoc_title_block-native_divs-native_spans"
            "-markdown_in_html_blocks")


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
        files: dict[str, bytes] | None = None) -> tuple[bytes, list[Message]]:
    """Pandoc's output and its log messages (see start())."""
    return start(arguments, stdin, what=what, file=file, deadline=deadline, files=files).result()


def deadline_in(seconds: float | None) -> float:
    """The deadline (time.monotonic()) of a unit that may take `seconds` (None: no limit),
    a little after the executor's own (5 % and a second): a unit run by a pool is
    stopped by the pool, which says in which stage (building/stages.py); a Pandoc
    run killed at the same moment would have the unit go on to its next stage, and
    be told in that one."""
    return time.monotonic() + (seconds * 1.05 + 1 if seconds else 24 * 3600)


def start(arguments: Sequence[str], stdin: bytes, *, what: str, file: str, deadline: float,
          files: dict[str, bytes] | None = None) -> "Running":
    """Pandoc started, to be waited for with result(): meanwhile this process (and
    another Pandoc) can work. `files` (the bibliography, metadata, styles and
    filters Pandoc is to read) are written to a private folder, where Pandoc runs:
    arguments name them by their plain names (a path in metadata would be read as
    Markdown). `what` and `file` name the stage and the source, for messages;
    `deadline` (time.monotonic()) is the unit's."""
    folder = tempfile.mkdtemp(prefix=FOLDER.format(pid=os.getpid()))
    try:
        for name, data in (files or {}).items():
            (Path(folder) / name).write_bytes(data)
        command = ["setpriv", "--pdeathsig", "KILL", str(binary()),
                   "+RTS", f"-M{MEMORY}", "-RTS", "--sandbox", "--quiet", "--log=log.json", *arguments]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Running(process, stdin, folder, what, file, deadline)


def forget_dead() -> None:
    """Remove the folders of the Pandoc runs that processes no longer alive left
    (a worker killed at the time limit)."""
    for folder in Path(tempfile.gettempdir()).glob(FOLDER.format(pid="*")):
        pid = folder.name.removeprefix("imprint-pandoc-").split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


class Running:
    """A Pandoc run under way: its input is written and its output read by a thread
    (a large article fills the pipes both ways), so result() only waits, and kills
    it if the unit's deadline passes first. cancel() stops one no longer wanted."""

    def __init__(self, process: subprocess.Popen, stdin: bytes, folder: str, what: str, file: str,
                 deadline: float):
        self.process, self.folder, self.what, self.file, self.deadline = process, folder, what, file, deadline
        self._output: tuple[bytes, bytes] = (b"", b"")
        self._thread = threading.Thread(target=self._communicate, args=(stdin,), daemon=True)
        self._thread.start()

    def _communicate(self, stdin: bytes) -> None:
        try:
            self._output = self.process.communicate(stdin)
        except (BrokenPipeError, ValueError, OSError):  # (killed meanwhile)
            self._output = (b"", b"")

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
            messages = _messages(Path(self.folder) / "log.json")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        code, what, file = self.process.returncode, self.what, self.file
        if late:
            raise TimeLimit.single(file, f"reading stopped at the time limit in {what}",
                                   hint="look for what is unusual in it (a huge table, a very long line), "
                                        "or raise --time-limit")
        if code == 251 or b"Heap exhausted" in stderr:
            raise SourceError.single(file, f"{what} needs more memory than Imprint gives it ({MEMORY}B)",
                                     hint="split the text, or simplify what is nested very deep")
        if code != 0:
            detail = stderr.decode("utf-8", "replace").strip()
            if "Error running filter" in detail or "Error running Lua" in detail:
                raise InternalError(f"Imprint's Lua filter failed in {what}: {detail}")
            lines = detail.splitlines()
            raise PandocFailed(code, lines[0] if lines else "", messages)
        return stdout, messages


class PandocFailed(Exception):
    """Pandoc stopped with an error: the caller tells the user what it was reading."""

    def __init__(self, code: int, first_line: str, messages: list[Message]):
        super().__init__(first_line or f"pandoc exited with {code}")
        self.code, self.first_line, self.messages = code, first_line, messages


def _messages(log: Path) -> list[Message]:
    try:
        raw = json.loads(log.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Message(str(m.get("type", "")), str(m.get("verbosity", "")), m) for m in raw if isinstance(m, dict)]
