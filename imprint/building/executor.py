"""Where the units of a build run: one executor with the `concurrent.futures`
shape, chosen by `--executor`.

- `local` (the default): a pool of `--jobs N` worker processes (pebble's
  ProcessPool). A unit past the time limit is stopped by killing its worker,
  which the pool replaces; a worker that dies (killed, out of memory) is
  reported the same way. The pool lives for the whole build: what a worker
  loads and warms up for one unit (WeasyPrint, fonts, templates) serves its next.
- `dask://HOST:PORT` (or the address in IMPRINT_EXECUTOR): a Dask cluster, for a
  press rebuilding its back catalogue on the machines it has. A unit past the
  time limit is reported and its worker restarted (Dask cannot stop a task
  otherwise); a worker lost mid-build has its units run again elsewhere (Dask
  does so itself).
- `inline`: here, one unit after the other, without a time limit (`watch`: what
  it loaded stays warm from one edit to the next).

A unit is a picklable call (a module-level function and its arguments) and
returns plain data (its files' bytes, its listing): the build writes `dist/`,
so the files are the same whatever runs them, only the order of writing differs.
Nothing is handed to a worker through inherited memory: a unit is sent whole.
"""

from __future__ import annotations

import gc
import importlib
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, TimeoutError as FutureTimeout, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import UsageError
from . import handoff, stages


@dataclass(frozen=True)
class Call:
    """One unit of work: `function(*args)`, with a name for reports, and the
    project's folders it reads besides styles/ and source/'s own files (sent
    with it to a machine that lacks them: building/snapshot.py)."""

    function: Callable[..., Any]
    args: tuple
    name: str
    reads: tuple[Path, ...] = ()


class UnitCrash(RuntimeError):
    """An exception in a unit that was not a problem of the input (a bug)."""


Done = Callable[[Call, Any], None]
Failed = Callable[[Call, str], None]

STOPPED = "rendering took longer than the time limit ({limit:g} s) and was stopped"
DIED = "its process ended unexpectedly{how}; it may have run out of memory"


class Executor:
    """Runs calls, some at once, handing each result to `done` as it comes."""

    slots = 1  # the most calls that run at once

    def run(self, calls: Sequence[Call], done: Done, failed: Failed, limit: float | None) -> int:
        """Every call run; `failed(call, why)` for one stopped at the time limit
        or whose process died. Returns the most that ran at once."""
        raise NotImplementedError

    def close(self, wait: bool = True) -> None:
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Inline(Executor):
    """Here, one call after the other (no time limit: nothing could stop it)."""

    def run(self, calls: Sequence[Call], done: Done, failed: Failed, limit: float | None) -> int:
        for call in calls:
            done(call, call.function(*call.args))
        return min(1, len(calls))


class LocalPool(Executor):
    """`jobs` worker processes on this machine, forked when the first call comes
    (or at warm_up), each loading the modules of one of the `roles` as it starts,
    in turn (the first worker the first role's, the second the second's...)."""

    def __init__(self, jobs: int, roles: Sequence[Sequence[str]] = ()):
        from multiprocessing import get_context

        from pebble import ProcessPool

        self.slots = jobs
        stages.sweep()  # (what a build killed outright left in the temporary folder)
        handoff.sweep()
        # The workers' temporary folder: what they leave there as they are stopped
        # (WeasyPrint's fonts of a document it keeps, a Pandoc run's files) is removed with it.
        self._scratch = handoff.open_folder()
        self._stage_files: set[Path] = set()  # of the calls run (a worker killed as the build stops leaves its own)
        context = get_context("fork")
        started = context.Value("i", 0)  # (how many workers have started: whose turn a role is)
        self._pool = ProcessPool(max_workers=jobs, initializer=_start_worker,
                                 initargs=(tuple(tuple(role) for role in roles), started, str(self._scratch)),
                                 context=context)

    def warm_up(self) -> None:
        """Start the workers now: they load what rendering needs while the build reads its sources."""
        self._pool.schedule(_nothing)

    def run(self, calls: Sequence[Call], done: Done, failed: Failed, limit: float | None) -> int:
        from pebble import ProcessExpired

        self._stage_files.update(self._stage_file(call) for call in calls)
        futures = {self._pool.schedule(_collected, args=(call.function, call.args, self._stage_file(call)),
                                       timeout=limit): call for call in calls}
        try:
            for future in _as_completed(futures):
                call = futures[future]
                try:
                    result = future.result()
                except FutureTimeout:  # (with the stage its worker said it was in)
                    failed(call, STOPPED.format(limit=limit) + _while(stages.told(self._stage_file(call))))
                except ProcessExpired as error:
                    failed(call, DIED.format(how=f" (exit code {error.exitcode})"
                                             + _while(stages.told(self._stage_file(call)))))
                except Exception as error:  # a bug: its traceback, as the worker saw it
                    raise _crash(error, getattr(error, "traceback", "")) from None
                else:
                    done(call, result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return min(self.slots, len(calls))

    def _stage_file(self, call: Call) -> Path:
        return stages.path_for(call.name, self._scratch.name)

    def close(self, wait: bool = True) -> None:
        """Stop the workers (one still rendering, after Ctrl+C or a crash, is
        killed); without `wait`, for a process about to end, they are stopped
        by a thread of their own, not waited for (pebble's threads take up to
        0.1 s to notice): if the process ends first, they end with it. (Never
        left running: the process may go on, as a test calling cli.main does,
        and each build kept its workers alive to the end, 316 of them in a CI run.)"""
        from ..body.pandoc import forget_dead

        self._pool.stop()
        if wait:
            self._stopped()
        else:
            threading.Thread(target=self._stopped_as_it_ends, name="imprint-pool-stop", daemon=True).start()
        handoff.close_folder(self._scratch)
        forget_dead()  # the temporary folders of Pandoc runs whose worker was killed


    def _stopped_as_it_ends(self) -> None:
        """_stopped() in the thread of a process about to end. Once its main thread
        has ended, the process's exit stops what the pool's join waits for (its
        queue, its threads): the join's exception then only says so, and was
        printed after the build's last line, "Exception in thread imprint-pool-stop"
        and a traceback cut short (a helper's run of 94 projects, 2 of them, exit 0
        and 2 alike). The workers end with the process."""
        try:
            self._stopped()
        except Exception:
            if threading.main_thread().is_alive():  # (a process that goes on: a fault to see)
                raise

    def _stopped(self) -> None:
        """The workers waited for, then the stage files of units killed as they ran removed."""
        self._pool.join()
        for path in self._stage_files:
            stages.forget(path)
            stages.forget(path.with_name(path.name + ".new"))  # (killed as it replaced it)


class DaskCluster(Executor):
    """The workers of a Dask cluster, through its client's executor. Units are
    sent no more than the cluster has threads, so that one's time is counted
    from when it starts; each with the project's files it reads (a worker
    without the project uses those: building/snapshot.py; `ship`: always, for tests)."""

    def __init__(self, address: str, root: Path | None = None, ship: bool = False):
        try:
            from distributed import Client
        except ImportError:
            raise UsageError("--executor dask:// needs Dask: run `scripts/setup.sh cluster` (or "
                             "`.venv/bin/pip install -c constraints.txt -e .[cluster]`)") from None
        try:
            self.client = Client(address, timeout=10, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        self.slots = max(1, sum(self.client.nthreads().values()))
        self.root, self.ship = root, ship
        self._shared: Any = None  # the project files every unit reads (styles/, source/'s own), read once

    def run(self, calls: Sequence[Call], done: Done, failed: Failed, limit: float | None) -> int:
        from distributed import KilledWorker

        waiting = list(calls)
        running: dict[Any, tuple[Call, float]] = {}  # future -> (call, deadline)
        most = 0
        news = threading.Event()  # a future is done
        try:
            while waiting or running:
                while waiting and len(running) < self.slots:
                    call = waiting.pop(0)
                    future = self.client.submit(*self._carried(call), pure=False, key=f"{call.name}-{time.time_ns()}")
                    future.add_done_callback(lambda _: news.set())
                    running[future] = (call, time.monotonic() + limit if limit else float("inf"))
                most = max(most, len(running))
                soonest = min(deadline for _, deadline in running.values())
                news.wait(None if soonest == float("inf") else max(0.0, soonest - time.monotonic()))
                news.clear()
                for future in [f for f in running if f.done()]:
                    call, _ = running.pop(future)
                    try:
                        result = future.result()
                    except KilledWorker:
                        failed(call, DIED.format(how=" (its Dask worker died each time it was tried)"))
                    except Exception as error:
                        raise _crash(error, "") from None
                    else:
                        done(call, result)
                now = time.monotonic()
                for future, (call, deadline) in list(running.items()):
                    if now >= deadline:
                        del running[future]
                        self._stop(future)
                        failed(call, STOPPED.format(limit=limit))
        except BaseException:
            for future in running:
                future.cancel()
            raise
        return most

    def _carried(self, call: Call) -> tuple:
        """What is submitted for a call: run where its project's files are."""
        if self.root is None:
            return (call.function, *call.args)
        from .snapshot import run_in, take

        if self._shared is None:
            self._shared = take(self.root, [])
        return (run_in, take(self.root, list(call.reads), self._shared), call.function, call.args, self.ship)

    def _stop(self, future) -> None:
        """A unit past its time: cancelled, and the worker running it restarted
        (a Dask worker cannot stop a running task otherwise)."""
        where = [worker for worker, keys in self.client.processing().items() if future.key in keys]
        future.cancel()
        if where:
            self.client.restart_workers(where, raise_for_error=False)

    def close(self, wait: bool = True) -> None:
        self.client.close()


def open_executor(kind: str | None, jobs: int, roles: Sequence[Sequence[str]] = (),
                  root: Path | None = None) -> Executor:
    """The executor a build asked for: `inline`, `local` (the default; `jobs`
    processes, loading the modules of `roles` as they start) or `dask://HOST:PORT` (sent
    the files of the project at `root` that each unit reads); None: local
    (Settings.executor has IMPRINT_EXECUTOR's value when --executor is not given)."""
    kind = kind or "local"
    if kind == "inline":
        return Inline()
    if kind == "local":
        return LocalPool(jobs, roles)
    if kind.startswith(("dask://", "tcp://", "tls://")):
        return DaskCluster("tcp://" + kind.removeprefix("dask://") if kind.startswith("dask://") else kind, root)
    raise UsageError(f"unknown executor {kind!r}: local, inline or dask://HOST:PORT")


def _as_completed(futures: dict[Future, Call]):
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        yield from sorted(finished, key=list(futures).index)  # (several at once: in order)


def _crash(error: BaseException, where: str) -> UnitCrash:
    crash = UnitCrash(f"{type(error).__name__}: {error}")
    if where:
        crash.add_note(where)
    return crash


def _start_worker(roles: tuple[tuple[str, ...], ...], started, scratch: str) -> None:
    """A local worker's start: Ctrl+C is the build's to handle (it stops the
    pool), the worker ends with the build, its temporary files go in the pool's
    `scratch` folder (a worker is killed as the build ends: WeasyPrint left a
    folder of fonts behind each time), and what rendering needs (its role's
    modules) is loaded now, while the build reads."""
    import signal
    import tempfile

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent()
    tempfile.tempdir = scratch
    with started.get_lock():
        turn = started.value
        started.value += 1
    for module in roles[turn % len(roles)] if roles else ():
        importlib.import_module(module)
    gc.freeze()  # what is loaded stays: the cycle collector need not look at it again


def _end_with_parent() -> None:
    """Have the kernel kill this worker (SIGKILL) when the build's process ends,
    however it ends (Linux's PR_SET_PDEATHSIG, as `setpriv --pdeathsig` does for
    Pandoc): a build killed outright, or ended by SIGTERM, left its workers
    rendering their units to the end, each then failing to send its result
    back (a BrokenPipeError). Killed, a worker writes nothing: its files are
    the build's to write. (The signal comes when the thread that forked the
    worker ends: pebble's main or pool-manager thread, which live as long as the
    pool, whose end stops its workers anyway.)"""
    import ctypes
    import multiprocessing
    import os
    import signal

    PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the worker ends when it next finds the pool gone
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        # The build ended before the line above could ask for it: the signal the
        # kernel would have sent, sent here.
        signal.raise_signal(signal.SIGKILL)


def _nothing() -> None:
    pass


def _while(stage: str | None) -> str:
    return f" while {stage}" if stage else ""


def _collected(function: Callable[..., Any], args: tuple, stage_file: Path | None = None) -> Any:
    """The call, after collecting what the last one left in reference cycles: the
    collector runs seldom (publish.py), and a worker's memory grew with each article
    (50 articles, --jobs 1: 187 MB peak by default, 277 MB collecting seldom,
    179 MB collecting seldom and here). With what was loaded frozen, this takes
    10 ms, not 30."""
    gc.collect()
    stages.begin(stage_file)  # (what it is doing, for the message if it is stopped: stages.py)
    try:
        return function(*args)
    finally:
        stages.end()
