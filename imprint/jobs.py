"""Units of a build rendered at once, each in a process of its own (`--jobs N`).

The worker processes are forked once the build knows everything the units
share, so each has it without it being sent; a unit returns plain data (its
files' bytes, its listing), which the parent writes. Each unit's output depends
only on its sources, so the files are the same whatever N is; only the order in
which they are written differs.
"""

from __future__ import annotations

import multiprocessing
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

_tasks: Sequence[Callable[[], object]] = ()


def _run(index: int):
    from .writers import press

    press.detach()  # a worker typesets itself: the press serves the process that started it
    return _tasks[index]()


def run(tasks: Sequence[Callable[[], T]], jobs: int, done: Callable[[T], None]) -> None:
    """Run every task, `jobs` at a time, calling `done` with each result (in this
    process, as they come)."""
    global _tasks
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            done(task())
        return
    _tasks = tasks
    try:
        # fork: the workers start with this process's modules and data, WeasyPrint
        # included when the build has loaded it.
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks))) as pool:
            for result in pool.imap_unordered(_run, range(len(tasks))):
                done(result)
    finally:
        _tasks = ()
