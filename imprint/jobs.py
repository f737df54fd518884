"""Units of a build rendered in child processes, `--jobs N` at a time, each
under a time limit.

Each unit is rendered in a process forked for it once the build knows everything
the units share, so the child has it without it being sent. A unit that runs
past the time limit (a pathological input, a hang inside a library) is stopped
there and then, without harm to the build: it is reported, the other units go
on. A child that dies (killed, out of memory) is reported the same way. A unit
returns plain data (its files' bytes, its listing), which the parent writes, so
the files are the same whatever N is; only the order of writing differs.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from multiprocessing.connection import wait
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


class UnitCrash(RuntimeError):
    """An exception in a unit's process that was not a problem of the input."""


def run(tasks: Sequence[Callable[[], T]], jobs: int, done: Callable[[T], None],
        failed: Callable[[int, str], T], limit: float | None = None) -> int:
    """Run every task in a process of its own, `jobs` at a time, calling `done`
    (here, as they come) with each result, or with `failed(index, why)` for a
    task stopped at the time limit or whose process died. Returns the most
    tasks that ran at once."""
    context = multiprocessing.get_context("fork")
    alone = min(jobs, len(tasks)) <= 1  # one child at a time may use the press
    waiting = list(range(len(tasks)))
    running: dict[object, tuple[multiprocessing.Process, int, float | None]] = {}
    most = 0
    try:
        while waiting or running:
            while waiting and len(running) < max(1, jobs):
                index = waiting.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(tasks[index], sender, alone), daemon=True)
                process.start()
                sender.close()
                running[receiver] = (process, index, time.monotonic() + limit if limit else None)
                most = max(most, len(running))
            deadlines = [deadline for _, _, deadline in running.values() if deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for connection in wait(list(running), timeout):
                process, index, _ = running.pop(connection)
                try:
                    kind, value, where = connection.recv()
                except (EOFError, OSError):
                    kind, value, where = "died", None, ""
                connection.close()
                process.join()
                if kind == "ok":
                    done(value)
                elif kind == "error":
                    crash = UnitCrash(value)
                    crash.add_note(where)
                    raise crash
                else:
                    done(failed(index, f"its process ended unexpectedly (exit code {process.exitcode}); "
                                       "it may have run out of memory"))
            now = time.monotonic()
            for connection, (process, index, deadline) in list(running.items()):
                if deadline is not None and now >= deadline:
                    process.kill()
                    process.join()
                    connection.close()
                    del running[connection]
                    done(failed(index, f"rendering took longer than the time limit ({limit:g} s) and was stopped"))
    finally:
        for connection, (process, _, _) in running.items():  # an error or Ctrl+C: stop the rest
            process.kill()
            process.join()
            connection.close()
    return most


def _child(task: Callable[[], object], connection, alone: bool) -> None:
    from .writers import press

    if not alone:
        press.detach()  # several units at once: each typesets itself, the press serves one
    try:
        answer = ("ok", task(), "")
    except BaseException as error:  # sent as text: an exception may not survive pickling
        answer = ("error", f"{type(error).__name__}: {error}", traceback.format_exc())
    try:
        connection.send(answer)
    except Exception as error:  # a result that cannot be sent
        connection.send(("error", f"{type(error).__name__}: {error}", traceback.format_exc()))
    connection.close()
