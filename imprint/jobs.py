"""Units of a build rendered in worker processes, `--jobs N` at a time, each
unit under a time limit.

The workers are forked once the build knows everything the units share, so each
has it without it being sent, and they stay for the whole build: what a worker
loads and warms up for one unit (WeasyPrint, fonts, hyphenation dictionaries,
parsed stylesheets) serves its next ones. A unit that runs past the time limit
(a pathological input, a hang inside a library) is stopped there and then by
killing its worker, which is replaced; the unit is reported and the others go
on. A worker that dies (killed, out of memory) is reported and replaced the same
way. A unit returns plain data (its files' bytes, its listing), which the parent
writes, so the files are the same whatever N is; only the order of writing
differs. `watch` renders in its own process instead (isolate=False), where what
it loaded stays warm from one edit to the next.

One worker can be started earlier, before the build reads its sources
(start_early): it loads the rendering modules (Markdown, Jinja, the writers)
while the build loads the rest, which on two cores takes that much off a
one-article build. Forked before the units were known, it is sent each of its
units whole (pickled) instead.
"""

from __future__ import annotations

import copyreg
import gc
import importlib
import multiprocessing
import pickle
import threading
import time
import traceback
from multiprocessing.connection import wait
from types import MappingProxyType
from typing import Any, Callable, Sequence, TypeVar

from . import press

T = TypeVar("T")

_tasks: Sequence[Callable[[], object]] = ()
_early: "_Worker | None" = None


def _mapping(items: dict) -> MappingProxyType:  # (the type itself is not picklable by name)
    return MappingProxyType(items)


# The models' read-only mappings, sent to the early worker as dicts that it wraps again.
copyreg.pickle(MappingProxyType, lambda proxy: (_mapping, (dict(proxy),)))


class UnitCrash(RuntimeError):
    """An exception in a unit's process that was not a problem of the input."""


class _Worker:
    def __init__(self, context, alone: bool | None, warm: Sequence[str] = ()):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.connection, alone, tuple(warm)),
                                       daemon=True, name="imprint-worker")
        self.process.start()
        child.close()
        self.whole = alone is None  # forked before the tasks were known: they are sent whole
        self.index: int | None = None  # the task it is rendering
        self.deadline: float | None = None

    def give(self, index: int, limit: float | None) -> None:
        self.index = index
        self.deadline = time.monotonic() + limit if limit else None
        self.connection.send(_tasks[index] if self.whole else index)

    def stop(self, kill: bool = False) -> None:
        if kill or self.index is not None:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join()
        self.connection.close()


def run(tasks: Sequence[Callable[[], T]], jobs: int, done: Callable[[T], None],
        failed: Callable[[int, str], T], limit: float | None = None, isolate: bool = True) -> int:
    """Run every task, `jobs` at a time in worker processes (or here, one after
    the other, without `isolate`), calling `done` here with each result as it
    comes, or with `failed(index, why)` for a task stopped at the time limit or
    whose worker died. Returns the most tasks that ran at once."""
    global _tasks, _early
    if not tasks:
        return 0
    if not isolate:
        stop_early()
        for task in tasks:
            done(task())
        return 1
    _tasks = tasks
    context = multiprocessing.get_context("fork")
    count = max(1, min(jobs, len(tasks)))
    alone = count == 1  # a single worker may use the press
    if not alone:
        # Workers that each have a core typeset themselves: the press would only
        # take a core's share while it loads (and memory while it waits).
        press.stop()
    waiting = list(range(len(tasks)))
    workers = []
    if _early is not None and not _early.process.is_alive():
        stop_early()  # it died loading (out of memory?): fork one as usual
    if _early is not None:
        workers.append(_early)
        _early = None
        workers[0].connection.send(alone)
    workers += [_Worker(context, alone) for _ in range(count - len(workers))]
    try:
        for worker in workers:
            worker.give(waiting.pop(0), limit)
        while any(w.index is not None for w in workers):
            busy = {w.connection: w for w in workers if w.index is not None}
            deadlines = [w.deadline for w in busy.values() if w.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for connection in wait(list(busy), timeout):
                worker = busy[connection]
                index = worker.index
                try:
                    kind, value, where = connection.recv()
                except (EOFError, OSError):
                    kind, value, where = "died", None, ""
                if kind == "error":
                    crash = UnitCrash(value)
                    crash.add_note(where)
                    raise crash
                worker.index = None
                if kind == "ok":
                    done(value)
                else:
                    dead, worker = worker, _replace(workers, worker, context, alone)
                    done(failed(index, f"its process ended unexpectedly (exit code {dead.process.exitcode}); "
                                       "it may have run out of memory"))
                if waiting:
                    worker.give(waiting.pop(0), limit)
            now = time.monotonic()
            for worker in list(workers):
                if worker.index is not None and worker.deadline is not None and now >= worker.deadline:
                    index = worker.index
                    replacement = _replace(workers, worker, context, alone)
                    done(failed(index, f"rendering took longer than the time limit ({limit:g} s) and was stopped"))
                    if waiting:
                        replacement.give(waiting.pop(0), limit)
    finally:
        for worker in workers:  # done, or an error or Ctrl+C: stop them all
            worker.stop()
        _tasks = ()
    return count


# What the build's own process and the helpers it forks (workers, the press) all
# load: the models, the YAML and XML parsers, the theme. Loaded before the first
# fork, it is loaded once; loaded after, by three processes on two cores, it cost
# a one-article build 0.015 s (measured on the 30,000-word benchmark article).
SHARED_MODULES = ("imprint.model", "imprint.render", "imprint.images", "imprint.output", "lxml.etree",
                  "markupsafe", "hashlib")


def preload() -> None:
    """Load SHARED_MODULES here, before any helper is forked."""
    for module in SHARED_MODULES:
        importlib.import_module(module)


def start_early(modules: Sequence[str]) -> None:
    """Start the first worker now: it loads `modules` while the build goes on,
    and serves the next run()."""
    global _early
    if _early is None:
        _early = _Worker(multiprocessing.get_context("fork"), None, modules)


def stop_early() -> None:
    """Stop the early worker if no run() took it (nothing to build)."""
    global _early
    if _early is not None:
        _early.stop(kill=True)  # it may be loading still
        _early = None


def _read_ahead(connection, said: list) -> None:
    """An early worker's first two messages, as they come: whether it is alone (None:
    nothing to do), then its first task, left pickled."""
    try:
        said.append(connection.recv())
        if said[0] is not None:
            said.append(connection.recv_bytes())
    except (EOFError, OSError):  # the build ended without a word
        pass


def _replace(workers: list[_Worker], worker: _Worker, context, alone: bool) -> _Worker:
    """Kill `worker` and put a new one in its place; returns the new one."""
    from .body.pandoc import forget

    worker.stop(kill=True)
    forget(worker.process.pid)  # the folders of the Pandoc runs it left (they die with it: setpriv)
    fresh = _Worker(context, alone)
    workers[workers.index(worker)] = fresh
    return fresh


def _serve(connection, parents_end, alone: bool | None, warm: tuple[str, ...]) -> None:
    import signal

    parents_end.close()  # so that the pipe ends (EOF) if the build's process dies without a word

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle: it stops the workers
    first: list[bytes] = []
    if alone is None:  # started early: load what rendering needs, then learn whether it is alone
        # What the build sends meanwhile is read by a thread as it comes (whether this
        # worker is alone, then its first unit, half a megabyte for a long article):
        # the build's sending need not wait for the loading to end, nor the unit for
        # the sending. It is unpickled here once the modules it needs are loaded.
        said: list = []
        reader = threading.Thread(target=_read_ahead, args=(connection, said), daemon=True)
        reader.start()
        for module in warm:
            importlib.import_module(module)
        reader.join()
        if not said or said[0] is None:  # the build ended, or needs no worker
            return
        alone, first = said[0], said[1:]
    if not alone:
        press.detach()  # several workers: each typesets itself, the press serves one
    gc.freeze()  # what is loaded stays: the cycle collector need not look at it again
    served = 0
    while True:
        try:
            task: Any = pickle.loads(first.pop()) if first else connection.recv()
        except EOFError:
            return
        if task is None:
            return
        if served:
            # What the last unit left in reference cycles goes before the next: the
            # collector runs seldom (publish.py), and a worker's memory grew with each
            # article (50 articles, --jobs 1: 187 MB peak by default, 277 MB collecting
            # seldom, 179 MB collecting seldom and here). With what was loaded frozen,
            # this takes 10 ms, not 30.
            gc.collect()
        served += 1
        try:
            answer = ("ok", (_tasks[task] if isinstance(task, int) else task)(), "")
        except BaseException as error:  # sent as text: an exception may not survive pickling
            answer = ("error", f"{type(error).__name__}: {error}", traceback.format_exc())
        try:
            connection.send(answer)
        except Exception as error:  # a result that cannot be sent
            connection.send(("error", f"{type(error).__name__}: {error}", traceback.format_exc()))
