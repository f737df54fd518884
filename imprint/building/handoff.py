"""An article's print jobs handed from one part of its unit to the other.

A one-article build on two workers splits the article's unit in two
(units.split): its print editions, and the rest. Each part read the article on
its own, and the print part's worker loaded everything reading needs as well as
WeasyPrint before laying out a page: the seed's print part spent 0.5 s loading,
0.1 s reading, 0.25 s laying out (2026-12-06). Handed over, the reading part reads
the article once, in both dialects, and writes the print editions' jobs
(editions/pdf/job.py: plain data) into the build's private folder, while the print
part loads WeasyPrint alone, then takes the jobs and lays them out.

The reading part holds a lock on its claim file while it works. A print part that
finds no jobs and no claim held (the reading part failed before writing them, or
was killed) reads the article itself, as a part did before.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from ..files import locked

PREFIX = "imprint-handoff-{pid}-"  # the build's private folder, in the system's temporary folder
MAKING = "imprint-new-handoff-{pid}-"  # its name until its lock is held (and it is renamed)
LEFT = 60.0  # seconds after which a folder still being made was left by a build killed as it made it
WAIT_STEP = 0.003  # seconds between looks for the jobs
CLAIM_WAIT = 2.0  # seconds a print part waits for the reading part to start


LOCK = ".build"  # in the folder: held locked by the build while it runs (and by its workers, forked)
_held_by_this_build: dict[Path, int] = {}


def open_folder() -> Path:
    """A private folder for this build's hand-overs (only this user may read it: it
    holds pickles), with its lock held. (Also a pool's workers' temporary folder:
    building/executor.py.)"""
    making = Path(tempfile.mkdtemp(prefix=MAKING.format(pid=os.getpid())))
    handle = os.open(making / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(handle, fcntl.LOCK_EX)
    # (named as a build's folder once locked: made with that name, another build's
    # sweep found it without a lock, as this one made it, and removed it: QA, two
    # builds at once on one machine)
    folder = making.with_name(PREFIX.format(pid=os.getpid()) + making.name.rsplit("-", 1)[1])
    os.rename(making, folder)
    _held_by_this_build[folder] = handle
    return folder


def close_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    handle = _held_by_this_build.pop(folder, None)
    if handle is not None:
        os.close(handle)


def sweep() -> None:
    """Remove the folders of builds that ended without removing them (killed
    outright): those whose lock no process holds (a process id may be another's in
    another container sharing the temporary folder; a held lock is a live build)."""
    temporary = Path(tempfile.gettempdir())
    for folder in temporary.glob(PREFIX.format(pid="*") + "*"):
        if folder not in _held_by_this_build and not locked(folder / LOCK):
            shutil.rmtree(folder, ignore_errors=True)
    # A folder still being made is renamed within microseconds: one this old was
    # left by a build killed as it made it. (Not by its process id: a build of another
    # container sharing the temporary folder has one this container does not know.)
    for folder in temporary.glob(MAKING.format(pid="*") + "*"):
        try:
            old = time.time() - folder.stat().st_mtime > LEFT
        except OSError:
            continue
        if old and not locked(folder / LOCK):
            shutil.rmtree(folder, ignore_errors=True)


class Giving:
    """The reading part's side: claimed as it starts, the jobs given once written,
    closed when the part ends (however it ends)."""

    def __init__(self, folder: Path, slug: str):
        self.jobs = folder / f"{slug}.jobs"
        self.drawn_later: list[Any] = []  # the formulas this part draws once the jobs are given: (node, line)
        locking = folder / f"{slug}.reading.new"  # (locked, then named: a claim seen is one held)
        self.handle = os.open(locking, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        os.replace(locking, folder / f"{slug}.reading")

    def give(self, jobs: list[tuple[str, Any]]) -> None:
        _write(self.jobs, jobs)

    def coming(self) -> None:
        """Formulas are being converted: the print part readies what drawing them
        needs (0.13 s), which it need not when every one is in the project's cache."""
        self.jobs.with_suffix(".coming").touch()

    def draw_later(self, formulas: list[Any]) -> None:
        self.drawn_later += formulas

    def share(self, mathml: list[str]) -> None:
        """The formulas to draw, as soon as they are converted: the print part
        draws them from the last back while this part draws from the first."""
        _write(self.jobs.with_suffix(".formulas"), mathml)

    def close(self) -> None:
        """The part ends; once the print part has started (CLAIM_WAIT at most): this
        worker, free, would take the print part from the worker that loaded
        WeasyPrint for it and may be loading it still."""
        deadline = time.monotonic() + CLAIM_WAIT
        while not self.jobs.with_suffix(".printing").exists() and time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
        os.close(self.handle)


def take(folder: Path, slug: str, deadline: float, draw: Callable[[list[str]], None] | None = None,
         ready: Callable[[], None] | None = None) -> list[tuple[str, Any]] | None:
    """The print part's side: the jobs the reading part gives, waited for while it
    holds its claim (its start waited for CLAIM_WAIT at most); None when it gives
    none (the print part then reads the article itself). Meanwhile `draw` is given
    the formulas the reading part shares, if it shares them before the jobs, and
    `ready` called when it says formulas are coming."""
    jobs, claim, formulas = folder / f"{slug}.jobs", folder / f"{slug}.reading", folder / f"{slug}.formulas"
    coming = folder / f"{slug}.coming"
    try:
        (folder / f"{slug}.printing").touch()  # (started: the reading part's worker may end its part)
    except OSError:  # (the folder gone: no hand-over)
        return None
    started = time.monotonic()
    while time.monotonic() < deadline:
        if jobs.exists():
            return pickle.loads(jobs.read_bytes())
        if draw is not None and formulas.exists():
            draw(pickle.loads(formulas.read_bytes()))
            draw = None
            continue
        if ready is not None and coming.exists():
            ready()
            ready = None
            continue
        claimed = claim.exists()  # (before whether it is held: a claim made between the two is one held)
        if not locked(claim) and (claimed or time.monotonic() - started > CLAIM_WAIT):
            return pickle.loads(jobs.read_bytes()) if jobs.exists() else None
        time.sleep(WAIT_STEP)
    return None


def _write(path: Path, value: Any) -> None:
    temporary = path.with_name(path.name + ".new")
    temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(temporary, path)  # (whole or not at all)
