"""The press: a process that loads WeasyPrint while the build is still loading
the rest of Imprint and reading the sources, then typesets what it is sent.

Importing WeasyPrint takes about 0.4 s, reading and preparing an article about
as long again: done one after the other, they are the most of a one-article
build; done side by side on two cores, the print edition is ready that much
sooner. `publish.py` starts the press before it loads the pipeline (with two
cores or more), the build sends it print jobs (typeset.Job) while it is alone
in building (a build of many articles forks workers that typeset themselves),
and it stops with the build. What it makes is what typeset.typeset makes here.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

_press: "Press | None" = None


class Press:
    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True, name="imprint-press")
        self.process.start()
        child.close()
        self._used = context.Value("b", 0, lock=False)  # shared: a unit's process may be the user

    @property
    def used(self) -> bool:
        return bool(self._used.value)

    def typeset(self, job: Any) -> Any:
        self._used.value = 1
        self.connection.send(job)
        answer = self.connection.recv()
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def stop(self) -> None:
        if not self.used:  # still loading WeasyPrint, for nothing: no need to wait
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.connection.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()


def _serve(connection) -> None:
    from . import forget_layouts
    from .typeset import typeset  # loads WeasyPrint: the reason this process exists

    forget_layouts()  # what the parent had laid out before it started the press is not for this build

    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            connection.send(typeset(job))
        except Exception as error:  # sent back, raised in the build
            connection.send(error)


def start() -> None:
    """Start the press (before the pipeline is imported, for the overlap)."""
    global _press
    if _press is None:
        _press = Press()


def stop() -> None:
    global _press
    if _press is not None:
        _press.stop()
        _press = None


def current() -> Press | None:
    return _press


def detach() -> None:
    """In a forked worker: forget the press (its pipe is the parent's to use)."""
    global _press
    _press = None
